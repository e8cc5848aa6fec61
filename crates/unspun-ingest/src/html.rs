//! HTML pages: main text via `dom_smoothie` (a port of Mozilla's
//! Readability) and metadata from `<meta>`, `<link>`, `<time>` and JSON-LD.

use std::collections::HashMap;

use dom_query::Document as Dom;
use dom_smoothie::{Config, Readability, TextMode};
use unspun_text::document::is_iso_date;

/// Message of the warning given when Readability found no article.
pub(crate) const FALLBACK_NOTE: &str =
    "no main article text found; used all visible text of <body>";

/// What [`extract_html`] gets out of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlPage {
    /// Main text, paragraphs separated by a blank line (`"\n\n"`).
    pub text: String,
    /// `og:title`, else `<title>`.
    pub title: Option<String>,
    /// Absolute canonical link, else `og:url`.
    pub url: Option<String>,
    /// Publication date as `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
    /// True when Readability found nothing and `text` is all of `<body>`.
    pub used_fallback: bool,
}

/// Extracts the main text and metadata of an HTML page.
pub fn extract_html(html: &str) -> HtmlPage {
    let dom = Dom::from(html);
    let mut page = metadata(&dom);
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    // No document URL: it only serves to rewrite links, which we drop.
    if let Ok(article) =
        Readability::with_document(dom, None, Some(config)).and_then(|mut r| r.parse())
    {
        page.text = tidy(&article.text_content);
        if page.title.is_none() && !article.title.trim().is_empty() {
            page.title = Some(collapse_ws(&article.title));
        }
    }
    if page.text.is_empty() {
        page.text = body_text(html);
        page.used_fallback = true;
    }
    page
}

/// All visible text of `<body>`, for pages Readability gives up on.
fn body_text(html: &str) -> String {
    let dom = Dom::from(html);
    dom.select("script, style, noscript, template, head")
        .remove();
    match dom.body() {
        Some(body) => tidy(&body.formatted_text()),
        None => tidy(&dom.formatted_text()),
    }
}

fn metadata(dom: &Dom) -> HtmlPage {
    let metas = meta_map(dom);
    let meta = |keys: &[&str]| keys.iter().find_map(|k| metas.get(*k)).cloned();

    let title = meta(&["og:title", "twitter:title"])
        .or_else(|| non_empty(&dom.select("title").text()))
        .map(|t| collapse_ws(&t));

    let canonical = dom
        .select("link[rel~=canonical]")
        .attr("href")
        .map(|h| h.trim().to_string());
    let url = canonical
        .into_iter()
        .chain(meta(&["og:url"]))
        .find(|u| u.starts_with("http://") || u.starts_with("https://"));

    let date = meta(&[
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "sailthru.date",
    ])
    .and_then(|d| normalize_date(&d))
    .or_else(|| json_ld_date(dom))
    .or_else(|| time_date(dom));

    HtmlPage {
        title,
        url,
        date,
        site_name: meta(&["og:site_name"]),
        ..HtmlPage::default()
    }
}

/// `<meta>` contents by lowercased `property`, `name` or `itemprop`; the first wins.
fn meta_map(dom: &Dom) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for node in dom.select("meta[content]").nodes() {
        let Some(content) = node.attr("content").and_then(|c| non_empty(&c)) else {
            continue;
        };
        for attr in ["property", "name", "itemprop"] {
            if let Some(key) = node.attr(attr) {
                map.entry(key.trim().to_ascii_lowercase())
                    .or_insert_with(|| content.clone());
            }
        }
    }
    map
}

/// `datePublished` anywhere in a JSON-LD block (also inside `@graph` or arrays).
fn json_ld_date(dom: &Dom) -> Option<String> {
    dom.select("script[type='application/ld+json']")
        .nodes()
        .iter()
        .find_map(|node| {
            let value: serde_json::Value = serde_json::from_str(node.text().trim()).ok()?;
            find_key(&value, "datePublished").and_then(normalize_date)
        })
}

fn find_key<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    match value {
        serde_json::Value::Object(map) => map
            .get(key)
            .and_then(|v| v.as_str())
            .or_else(|| map.values().find_map(|v| find_key(v, key))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_key(v, key)),
        _ => None,
    }
}

/// A `<time datetime>`, preferring one marked as the publication time.
fn time_date(dom: &Dom) -> Option<String> {
    let marked = dom.select("time[pubdate][datetime], time[itemprop=datePublished][datetime]");
    let any = dom.select("time[datetime]");
    [marked, any].iter().find_map(|sel| {
        sel.nodes()
            .iter()
            .find_map(|n| normalize_date(&n.attr("datetime")?))
    })
}

/// Normalizes a date to `YYYY-MM-DD`: ISO 8601 dates and date-times,
/// `YYYY/MM/DD`, `YYYYMMDD`, `DD.MM.YYYY` (the dotted form is day first
/// wherever it is used), Unix time in seconds or milliseconds (UTC), and
/// English forms like `March 17, 2023` or `17 Mar 2023`. Anything else
/// gives `None`: `03/04/2023` is March or April depending on the reader.
pub fn normalize_date(raw: &str) -> Option<String> {
    let s = raw.trim();
    if let Some(head) = s.get(..10) {
        let iso = head.replace(['/', '.'], "-");
        if is_iso_date(&iso) {
            return Some(iso);
        }
    }
    if let Some(head) = s.get(..8) {
        let rest_ok = s.len() == 8 || s[8..].starts_with('T');
        if rest_ok && head.bytes().all(|b| b.is_ascii_digit()) {
            let iso = format!("{}-{}-{}", &head[..4], &head[4..6], &head[6..8]);
            return is_iso_date(&iso).then_some(iso);
        }
    }
    day_first_dotted(s)
        .or_else(|| unix_date(s))
        .or_else(|| english_date(s))
}

/// A date field of a JSON Lines row, a CSV record or a Python row, given
/// (absent and null fields are no date) as text or as why it is not text:
/// `Ok(None)` when blank, the normalized date, or `Err` with the warning
/// that says why it is left empty.
pub fn date_field(given: Result<&str, &str>) -> Result<Option<String>, String> {
    let raw = given
        .map_err(|why| format!("field `date` is {why}; left empty"))?
        .trim();
    if raw.is_empty() {
        return Ok(None);
    }
    normalize_date(raw).map(Some).ok_or_else(|| {
        format!(
            "date `{raw}` not understood (YYYY-MM-DD, an ISO date-time, DD.MM.YYYY, \
             `17 Mar 2023`, Unix seconds or milliseconds); left empty"
        )
    })
}

/// `17.3.2023` or `17.03.2023`, optionally followed by a time.
fn day_first_dotted(s: &str) -> Option<String> {
    let date = s.split([' ', 'T', ',']).next()?;
    let mut parts = date.split('.');
    let (day, month, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || !(digits(day, 1..=2) && digits(month, 1..=2) && digits(year, 4..=4))
    {
        return None;
    }
    let iso = format!("{year}-{month:0>2}-{day:0>2}");
    is_iso_date(&iso).then_some(iso)
}

/// Unix time: 9-10 digits of seconds, or 12-13 of milliseconds (the
/// lengths of 1973-2286; 8 digits are `YYYYMMDD`).
fn unix_date(s: &str) -> Option<String> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    let seconds = match s.len() {
        9 | 10 => n,
        12 | 13 => n / 1000,
        _ => return None,
    };
    let (y, m, d) = civil_from_days(seconds.div_euclid(86_400));
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

/// The proleptic Gregorian date of a day count from 1970-01-01 (the
/// era-based conversion: 400-year eras of 146,097 days, years starting in
/// March so that the leap day comes last).
fn civil_from_days(days: i64) -> (i64, i64, i64) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let day_of_era = z.rem_euclid(146_097);
    let year_of_era =
        (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
    let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
    let month_from_march = (5 * day_of_year + 2) / 153;
    let day = day_of_year - (153 * month_from_march + 2) / 5 + 1;
    let month = if month_from_march < 10 {
        month_from_march + 3
    } else {
        month_from_march - 9
    };
    let year = year_of_era + era * 400 + i64::from(month <= 2);
    (year, month, day)
}

fn english_date(s: &str) -> Option<String> {
    const MONTHS: [&str; 12] = [
        "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
    ];
    let (mut year, mut month, mut day) = (None, None, None);
    for word in s
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
    {
        let lower = word.to_ascii_lowercase();
        let digits = lower.trim_end_matches(['s', 't', 'n', 'd', 'r', 'h']);
        if digits.len() == 4 && digits.bytes().all(|b| b.is_ascii_digit()) {
            year = year.or(Some(digits.to_string()));
        } else if (1..=2).contains(&digits.len()) && digits.bytes().all(|b| b.is_ascii_digit()) {
            day = day.or(Some(format!("{digits:0>2}")));
        } else if let Some(m) = MONTHS
            .iter()
            .position(|m| lower.len() >= 3 && lower.starts_with(m))
        {
            month = month.or(Some(m + 1));
        }
    }
    let iso = format!("{}-{:02}-{}", year?, month?, day?);
    is_iso_date(&iso).then_some(iso)
}

/// Readability's formatted text, made regular: lines trimmed at the end,
/// paragraphs separated by exactly one blank line, no blank start or end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_normalize() {
        assert_eq!(
            normalize_date("2023-03-17T10:01:00+00:00").as_deref(),
            Some("2023-03-17")
        );
        assert_eq!(
            normalize_date(" 2023/03/17 ").as_deref(),
            Some("2023-03-17")
        );
        assert_eq!(normalize_date("20230317").as_deref(), Some("2023-03-17"));
        assert_eq!(
            normalize_date("March 17, 2023").as_deref(),
            Some("2023-03-17")
        );
        assert_eq!(
            normalize_date("Fri 17th Mar 2023 09:00").as_deref(),
            Some("2023-03-17")
        );
        assert_eq!(normalize_date("20.03.2023").as_deref(), Some("2023-03-20"));
        assert_eq!(
            normalize_date("1.3.2023 14:05").as_deref(),
            Some("2023-03-01")
        );
        assert_eq!(normalize_date("32.01.2023"), None);
        // 2023-03-20 10:15:00 UTC, in seconds and in milliseconds.
        assert_eq!(normalize_date("1679307300").as_deref(), Some("2023-03-20"));
        assert_eq!(
            normalize_date("1679307300123").as_deref(),
            Some("2023-03-20")
        );
        // Day boundaries and a leap day.
        assert_eq!(normalize_date("951868799").as_deref(), Some("2000-02-29"));
        assert_eq!(normalize_date("951868800").as_deref(), Some("2000-03-01"));
        assert_eq!(normalize_date("4102444800").as_deref(), Some("2100-01-01"));
        assert_eq!(normalize_date("12345"), None);
        assert_eq!(normalize_date("03/04/2023"), None);
        assert_eq!(normalize_date("2023-13-45"), None);
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(normalize_date(""), None);
    }

    #[test]
    fn tidy_makes_blank_line_paragraphs() {
        assert_eq!(tidy("\n\n A  \n\n\n\nB\nC   \n\n"), " A\n\nB\nC");
    }

    #[test]
    fn metadata_from_meta_link_and_json_ld() {
        let html = r#"<html><head><title> Page
            title </title>
            <link rel="canonical" href="https://www.example.com/news/1">
            <meta property="og:site_name" content="Example News">
            <script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2021-02-03T04:05:06Z"}]}</script>
            </head><body><p>Hi</p></body></html>"#;
        let page = metadata(&Dom::from(html));
        assert_eq!(page.title.as_deref(), Some("Page title"));
        assert_eq!(page.url.as_deref(), Some("https://www.example.com/news/1"));
        assert_eq!(page.date.as_deref(), Some("2021-02-03"));
        assert_eq!(page.site_name.as_deref(), Some("Example News"));
    }

    #[test]
    fn meta_date_beats_time_element_and_relative_canonical_is_ignored() {
        let html = r#"<head><link rel="canonical" href="/news/1">
            <meta property="og:url" content="https://example.org/a">
            <meta name="pubdate" content="2020-01-02"></head>
            <body><time datetime="1999-09-09">then</time></body>"#;
        let page = metadata(&Dom::from(html));
        assert_eq!(page.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(page.date.as_deref(), Some("2020-01-02"));
        let page = metadata(&Dom::from(r#"<p><time datetime="1999-09-09">x</time></p>"#));
        assert_eq!(page.date.as_deref(), Some("1999-09-09"));
    }

    #[test]
    fn tiny_page_falls_back_to_body_text_without_scripts() {
        let page =
            extract_html("<html><body><script>var x=1;</script><p>Only line.</p></body></html>");
        assert_eq!(page.text, "Only line.");
        assert!(!page.text.contains("var x"));
    }
}
