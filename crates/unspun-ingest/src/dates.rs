//! Dates as sources write them, normalized to `YYYY-MM-DD`.

use std::str::FromStr;
use unspun_text::document::is_iso_date;

/// Which comes first in a date written `03/04/2023`: the source's
/// convention, which the date alone cannot tell.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateOrder {
    /// `dmy`: 03/04/2023 is 3 April.
    DayFirst,
    /// `mdy`: 03/04/2023 is 4 March.
    MonthFirst,
}

impl FromStr for DateOrder {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "dmy" | "day-first" => Ok(DateOrder::DayFirst),
            "mdy" | "month-first" => Ok(DateOrder::MonthFirst),
            other => Err(format!("date order `{other}`: expected dmy or mdy")),
        }
    }
}

/// Normalizes a date to `YYYY-MM-DD`: ISO 8601 dates and date-times,
/// `YYYY/MM/DD`, `YYYYMMDD`, `DD.MM.YYYY` (the dotted form is day first
/// wherever it is used), Unix time in seconds or milliseconds (UTC), and
/// English forms like `March 17, 2023` or `17 Mar 2023`. A date written
/// `17/03/2023` or `12-25-2023` is read where only one order makes a date;
/// `03/04/2023` is March or April depending on the reader, so it gives
/// `None` (see [`normalize_date_in`]). Anything else gives `None`.
pub fn normalize_date(raw: &str) -> Option<String> {
    normalize_date_in(raw, None)
}

/// [`normalize_date`], with the order of day and month in `03/04/2023`
/// given by the source's convention.
pub fn normalize_date_in(raw: &str, order: Option<DateOrder>) -> Option<String> {
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
    numeric_date(s, order)
        .or_else(|| unix_date(s))
        .or_else(|| english_date(s))
}

/// A date field of a JSON Lines row, a CSV record or a Python row, given
/// (absent and null fields are no date) as text or as why it is not text:
/// `Ok(None)` when blank, the normalized date, or `Err` with the warning
/// that says why it is left empty.
pub fn date_field(
    given: Result<&str, &str>,
    order: Option<DateOrder>,
) -> Result<Option<String>, String> {
    let raw = given.map_err(|why| format!("field `date` is {why}; left empty"))?;
    read_date(raw, order).map_err(|why| format!("{why}; left empty"))
}

/// A date as given by a user or a row: `Ok(None)` when blank, the date
/// normalized to `YYYY-MM-DD`, or `Err` saying why it is no date.
pub fn read_date(raw: &str, order: Option<DateOrder>) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    normalize_date_in(raw, order)
        .map(Some)
        .ok_or_else(|| date_problem(raw, order))
}

/// Why `raw` is no date under `order`: the message a refused date gets.
pub fn date_problem(raw: &str, order: Option<DateOrder>) -> String {
    if order.is_none() && numeric_parts(raw).is_some_and(ambiguous) {
        return format!(
            "date `{raw}` could be day or month first; give the date order (dmy or mdy)"
        );
    }
    format!(
        "date `{raw}` not understood (YYYY-MM-DD, an ISO date-time, DD.MM.YYYY, \
         DD/MM/YYYY or MM/DD/YYYY, `17 Mar 2023`, Unix seconds or milliseconds)"
    )
}

/// `D.M.YYYY`, `D/M/YYYY` or `D-M-YYYY` (one or two digits for day and
/// month), optionally followed by a time. Dots are day first; slashes and
/// dashes follow `order`, or, without one, the only order that makes a
/// date (`17/03/2023`, `12/25/2023`, `03/03/2023`).
fn numeric_date(s: &str, order: Option<DateOrder>) -> Option<String> {
    let (sep, first, second, year) = numeric_parts(s)?;
    let order = match (sep, order) {
        ('.', _) => DateOrder::DayFirst,
        (_, Some(order)) => order,
        _ if first == second || second > 12 => DateOrder::MonthFirst,
        _ if first > 12 => DateOrder::DayFirst,
        _ => return None,
    };
    let (day, month) = match order {
        DateOrder::DayFirst => (first, second),
        DateOrder::MonthFirst => (second, first),
    };
    let iso = format!("{year}-{month:02}-{day:02}");
    is_iso_date(&iso).then_some(iso)
}

/// True when both orders make a month of the first two numbers, and
/// different dates.
fn ambiguous((sep, first, second, _): (char, u32, u32, &str)) -> bool {
    sep != '.' && first != second && first <= 12 && second <= 12
}

/// The separator and the three numbers of a date written with the year
/// last, before any time.
fn numeric_parts(s: &str) -> Option<(char, u32, u32, &str)> {
    let date = s.trim().split([' ', 'T', ',']).next()?;
    let sep = date.chars().find(|c| matches!(c, '.' | '/' | '-'))?;
    let mut parts = date.split(sep);
    let (first, second, year) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |p: &str, lens: std::ops::RangeInclusive<usize>| {
        lens.contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit())
    };
    if parts.next().is_some()
        || !(digits(first, 1..=2) && digits(second, 1..=2) && digits(year, 4..=4))
    {
        return None;
    }
    Some((sep, first.parse().ok()?, second.parse().ok()?, year))
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
        assert_eq!(normalize_date("2023-13-45"), None);
        assert_eq!(normalize_date("yesterday"), None);
        assert_eq!(normalize_date(""), None);
    }

    #[test]
    fn day_and_month_by_the_given_order_or_the_only_possible_one() {
        let dmy = Some(DateOrder::DayFirst);
        let mdy = Some(DateOrder::MonthFirst);
        assert_eq!(normalize_date("03/04/2023"), None);
        assert_eq!(
            normalize_date_in("03/04/2023", dmy).as_deref(),
            Some("2023-04-03")
        );
        assert_eq!(
            normalize_date_in("03/04/2023", mdy).as_deref(),
            Some("2023-03-04")
        );
        assert_eq!(
            normalize_date_in("3-4-2023 10:00", mdy).as_deref(),
            Some("2023-03-04")
        );
        // Only one order makes a date: read without being told.
        assert_eq!(normalize_date("17/03/2023").as_deref(), Some("2023-03-17"));
        assert_eq!(
            normalize_date("12/25/2023, 9:00").as_deref(),
            Some("2023-12-25")
        );
        assert_eq!(normalize_date("03/03/2023").as_deref(), Some("2023-03-03"));
        // A given order is kept even where it makes no date.
        assert_eq!(normalize_date_in("12/25/2023", dmy), None);
        // Dots are day first whatever the order.
        assert_eq!(
            normalize_date_in("03.04.2023", mdy).as_deref(),
            Some("2023-04-03")
        );
        assert_eq!(normalize_date("31/02/2023"), None);
        assert_eq!(normalize_date("1/2/23"), None);
    }

    proptest::proptest! {
        #[test]
        fn any_text_gives_no_date_or_a_calendar_day(raw in "\\PC{0,24}", dmy: Option<bool>) {
            let order = dmy.map(|d| if d { DateOrder::DayFirst } else { DateOrder::MonthFirst });
            if let Some(iso) = normalize_date_in(&raw, order) {
                proptest::prop_assert!(is_iso_date(&iso), "{raw:?} -> {iso}");
            }
        }

        #[test]
        fn a_written_day_reads_back(day in 1u32..=28, month in 1u32..=12, year in 1990u32..2100, dmy: bool) {
            let (order, written) = if dmy {
                (DateOrder::DayFirst, format!("{day}/{month}/{year}"))
            } else {
                (DateOrder::MonthFirst, format!("{month:02}-{day:02}-{year} 10:00"))
            };
            let iso = format!("{year}-{month:02}-{day:02}");
            proptest::prop_assert_eq!(normalize_date_in(&written, Some(order)), Some(iso));
        }
    }

    #[test]
    fn an_ambiguous_date_field_asks_for_the_order() {
        let warning = date_field(Ok("03/04/2023"), None).unwrap_err();
        assert!(warning.contains("dmy or mdy"), "{warning}");
        assert_eq!(
            date_field(Ok("03/04/2023"), Some(DateOrder::MonthFirst)),
            Ok(Some("2023-03-04".to_string()))
        );
        let warning = date_field(Ok("soon"), None).unwrap_err();
        assert!(warning.contains("not understood"), "{warning}");
        let warning = date_field(Ok("31/02/2023"), None).unwrap_err();
        assert!(warning.contains("not understood"), "{warning}");
        assert_eq!(date_field(Ok("  "), None), Ok(None));
        assert!("ymd".parse::<DateOrder>().is_err());
        assert_eq!("MDY".parse::<DateOrder>(), Ok(DateOrder::MonthFirst));
    }
}
