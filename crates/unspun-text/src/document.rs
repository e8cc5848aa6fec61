use serde::{Deserialize, Serialize};

/// One article as read from the input, before any cleaning.
///
/// `text` is the text as published (for HTML and WARC input: the extracted
/// main text). Every byte offset unspun reports points into this string.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Document {
    pub id: String,
    /// Where it came from: a file path, or `file:line` / `file#record` inside a container.
    pub path: Option<String>,
    pub text: String,
    pub title: Option<String>,
    pub url: Option<String>,
    /// Publication date as `YYYY-MM-DD` when known.
    pub date: Option<String>,
    pub site: Option<String>,
}

impl Document {
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Self {
        Document {
            id: id.into(),
            text: text.into(),
            ..Default::default()
        }
    }
}

/// The site (host without `www.`) of a URL, if it has one.
pub fn site_of_url(url: &str) -> Option<String> {
    let rest = url.split_once("://").map(|(_, r)| r)?;
    let host = rest.split(['/', '?', '#']).next()?;
    let host = host.rsplit('@').next()?.split(':').next()?;
    if host.is_empty() {
        return None;
    }
    let host = host.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// Parses a leading `date YYYY-MM-DD` line (as some scrapers write) and returns
/// the date and the byte length of the prefix to set aside.
pub fn leading_date_line(text: &str) -> Option<(String, usize)> {
    let trimmed = text.trim_start();
    let lead = text.len() - trimmed.len();
    let rest = trimmed.strip_prefix("date ")?;
    let date = rest.get(..10)?;
    if !is_iso_date(date) {
        return None;
    }
    Some((date.to_string(), lead + 5 + 10))
}

/// True for `YYYY-MM-DD` naming a day of the calendar (leap years included).
pub fn is_iso_date(s: &str) -> bool {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return false;
    }
    let digits = |r: std::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
    if !(digits(0..4) && digits(5..7) && digits(8..10)) {
        return false;
    }
    let number =
        |r: std::ops::Range<usize>| b[r].iter().fold(0u32, |n, &d| n * 10 + u32::from(d - b'0'));
    let (year, month, day) = (number(0..4), number(5..7), number(8..10));
    let leap = year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        1..=12 => 31,
        _ => return false,
    };
    (1..=days).contains(&day)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_from_url() {
        assert_eq!(
            site_of_url("https://www.bbc.co.uk/news/x?y=1").as_deref(),
            Some("bbc.co.uk")
        );
        assert_eq!(
            site_of_url("http://user@Example.com:8080/").as_deref(),
            Some("example.com")
        );
        assert_eq!(site_of_url("not a url"), None);
    }

    #[test]
    fn date_prefix_of_seed_003() {
        let text = " date 2023-03-17 Chinese President Xi Jinping plans";
        let (date, len) = leading_date_line(text).unwrap();
        assert_eq!(date, "2023-03-17");
        assert_eq!(&text[len..], " Chinese President Xi Jinping plans");
        assert!(leading_date_line("date 2023-13-01 x").is_none());
    }

    #[test]
    fn iso_dates_are_days_of_the_calendar() {
        for day in ["2024-02-29", "2000-02-29", "2023-12-31", "2023-04-30"] {
            assert!(is_iso_date(day), "{day}");
        }
        for not_a_day in [
            "2023-02-29",
            "1900-02-29",
            "2023-04-31",
            "2023-00-10",
            "2023-01-00",
        ] {
            assert!(!is_iso_date(not_a_day), "{not_a_day}");
        }
    }
}
