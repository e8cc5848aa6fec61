//! News API responses saved whole, which hold their articles one or two
//! levels down: `{"status": "ok", "articles": [...]}` (NewsAPI, GDELT),
//! `{"articles": {"results": [...]}}` (Event Registry), `{"hits": {"hits":
//! [...]}}` (Elasticsearch). When a `.json` record or a JSON Lines line (a
//! response per line, as a fetch loop appends them) has no text, the first
//! array inside it whose first object has the text field holds the records.
//! A record with an id of its own is an article without its text, not a
//! response: its comments or claims are not articles.

use std::fmt;

use serde::de::{Deserializer, IgnoredAny, MapAccess, Visitor};
use serde_json::value::RawValue;

use crate::jsonl::{has_id_field, has_text_field, parse_line, Fields, LineOut};
use crate::problem::ProblemKind;

/// How far down the array may be: `articles`, or `articles.results`.
const MAX_DEPTH: usize = 2;

/// `parsed`, the records of `sources` (line, bytes) as parsed, with each
/// record that lacks its text and is a saved API response replaced by the
/// articles it holds. Records with their text, nearly all, are passed on
/// as they are.
pub(crate) fn with_articles_unwrapped<'s>(
    parsed: Vec<LineOut>,
    sources: impl Iterator<Item = (usize, &'s [u8])>,
    fields: &Fields,
) -> Vec<LineOut> {
    let lacks_text = |p: &LineOut| matches!(p.result, Err((ProblemKind::MissingField, _)));
    if !parsed.iter().any(lacks_text) {
        return parsed;
    }
    let mut out = Vec::with_capacity(parsed.len());
    for (record, (line, bytes)) in parsed.into_iter().zip(sources) {
        let articles = lacks_text(&record)
            .then(|| articles_of(bytes, line, fields))
            .flatten();
        match articles {
            Some(articles) => out.extend(articles),
            None => out.push(record),
        }
    }
    out
}

/// The articles of a saved API response that starts on `first_line`, each
/// parsed as a JSON Lines row and named by the line it starts on; `None`
/// if `record` is no such response.
fn articles_of(record: &[u8], first_line: usize, fields: &Fields) -> Option<Vec<LineOut>> {
    if has_id_field(record, fields) {
        return None;
    }
    let has_text = |json: &[u8]| has_text_field(json, fields);
    let elements = wrapped_records(record, &has_text)?;
    let mut line = first_line;
    let mut counted = 0;
    let mut parsed = Vec::with_capacity(elements.len());
    for element in elements {
        let at = offset_in(record, element);
        line += memchr::memchr_iter(b'\n', &record[counted..at]).count();
        counted = at;
        parsed.push(parse_line(element, line, fields));
    }
    Some(parsed)
}

/// The elements of the wrapped array, each as the bytes of `record` it
/// spans; `None` if `record` is no such wrapper.
fn wrapped_records<'r>(
    record: &'r [u8],
    has_text: &dyn Fn(&[u8]) -> bool,
) -> Option<Vec<&'r [u8]>> {
    find(object_values(record)?, has_text, MAX_DEPTH)
}

/// Where `inner`, a part of `record`, starts in it.
fn offset_in(record: &[u8], inner: &[u8]) -> usize {
    (inner.as_ptr() as usize).saturating_sub(record.as_ptr() as usize)
}

fn find<'r>(
    values: Vec<&'r RawValue>,
    has_text: &dyn Fn(&[u8]) -> bool,
    depth: usize,
) -> Option<Vec<&'r [u8]>> {
    for value in values {
        let json = value.get();
        if json.starts_with('[') {
            let Ok(elements) = serde_json::from_str::<Vec<&RawValue>>(json) else {
                continue;
            };
            let first = elements.first().map(|e| e.get());
            if first.is_some_and(|e| e.starts_with('{') && has_text(e.as_bytes())) {
                return Some(elements.iter().map(|e| e.get().as_bytes()).collect());
            }
        } else if json.starts_with('{') && depth > 1 {
            let inner = object_values(json.as_bytes());
            if let Some(found) = inner.and_then(|v| find(v, has_text, depth - 1)) {
                return Some(found);
            }
        }
    }
    None
}

/// The values of a JSON object, in their order, unparsed.
fn object_values(json: &[u8]) -> Option<Vec<&RawValue>> {
    let mut de = serde_json::Deserializer::from_slice(json);
    de.deserialize_map(Values).ok()
}

struct Values;

impl<'de> Visitor<'de> for Values {
    type Value = Vec<&'de RawValue>;
    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a JSON object")
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut values = Vec::new();
        while let Some((IgnoredAny, value)) = map.next_entry::<IgnoredAny, &RawValue>()? {
            values.push(value);
        }
        Ok(values)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn has_text(json: &[u8]) -> bool {
        serde_json::from_slice::<serde_json::Value>(json).is_ok_and(|v| v.get("text").is_some())
    }

    fn texts(record: &str) -> Option<Vec<&str>> {
        let found = wrapped_records(record.as_bytes(), &has_text)?;
        Some(
            found
                .iter()
                .map(|e| &record[offset_in(record.as_bytes(), e)..][..e.len()])
                .collect(),
        )
    }

    #[test]
    fn the_first_array_of_articles_one_or_two_levels_down() {
        let newsapi = r#"{"status": "ok", "totalResults": 2, "tags": [{"name": "x"}],
            "articles": [{"text": "a"}, {"text": "b", "n": [1]}]}"#;
        assert_eq!(
            texts(newsapi),
            Some(vec![r#"{"text": "a"}"#, r#"{"text": "b", "n": [1]}"#])
        );
        let nested = r#"{"articles": {"page": 1, "results": [{"text": "c"}]}}"#;
        assert_eq!(texts(nested), Some(vec![r#"{"text": "c"}"#]));
    }

    #[test]
    fn anything_else_is_not_a_wrapper() {
        assert_eq!(
            texts(r#"{"title": "no text", "tags": [{"name": "x"}]}"#),
            None
        );
        assert_eq!(
            texts(r#"{"a": {"b": {"c": [{"text": "too deep"}]}}}"#),
            None
        );
        assert_eq!(texts(r#"{"articles": []}"#), None);
        assert_eq!(texts(r#"[{"text": "an array"}]"#), None);
        assert_eq!(texts(r#"{"articles": [{"text": "cut"#), None);
    }
}
