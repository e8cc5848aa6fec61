//! Python rows (dicts) to documents, by the rules `unspun scan` applies to a
//! JSON Lines row, so that a dict and the same object written as a JSON line
//! give the same document.
//!
//! - `text` must be a non-blank string;
//! - `id` is a string or a number (as text); when missing or empty the
//!   caller's fallback is used (the CLI uses `file:LINE`);
//! - every field may have another name (`text_field="maintext"`...);
//! - `title`, `url`, `site` count only as non-blank strings; `date` (a
//!   string, or a number of Unix seconds or milliseconds) is normalized to
//!   `YYYY-MM-DD`, or dropped with a `bad_date` warning; `site` defaults to
//!   the host of `url`.

use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyFloat, PyInt, PyString};
use unspun_ingest::{date_field, missing_text_message, DateOrder, FieldNames, ProblemKind};
use unspun_text::document::site_of_url;
use unspun_text::Document;

/// Same limit as the CLI's default: larger texts are not articles.
pub const MAX_DOC_BYTES: usize = 256 << 20;

/// Warnings about a document that is still read: kind and message.
pub type Warnings = Vec<(ProblemKind, String)>;

/// A row that cannot become a document: the CLI's problem kind and message.
#[derive(Debug)]
pub struct RowError(pub ProblemKind, pub String);

/// A field value as the JSONL reader classifies it.
enum Field {
    Absent,
    Null,
    Str(String),
    Number(String),
    Other(&'static str),
}

impl Field {
    fn of(value: Option<Bound<'_, PyAny>>) -> PyResult<Field> {
        let Some(v) = value else {
            return Ok(Field::Absent);
        };
        if v.is_none() {
            return Ok(Field::Null);
        }
        if let Ok(s) = v.downcast::<PyString>() {
            return Ok(Field::Str(s.to_cow()?.into_owned()));
        }
        // bool is a subclass of int in Python: test it first.
        if v.is_instance_of::<PyBool>() {
            return Ok(Field::Other("a boolean"));
        }
        if v.is_instance_of::<PyInt>() {
            // Integers beyond 64 bits become floats in serde_json, as here.
            if let Ok(i) = v.extract::<i64>() {
                return Ok(Field::Number(i.to_string()));
            }
            if let Ok(u) = v.extract::<u64>() {
                return Ok(Field::Number(u.to_string()));
            }
            return Ok(Field::Number(v.extract::<f64>()?.to_string()));
        }
        if v.is_instance_of::<PyFloat>() {
            return Ok(Field::Number(v.extract::<f64>()?.to_string()));
        }
        if v.is_instance_of::<PyDict>() {
            return Ok(Field::Other("an object"));
        }
        if v.downcast::<pyo3::types::PySequence>().is_ok() {
            return Ok(Field::Other("an array"));
        }
        Ok(Field::Other("not a string"))
    }

    fn into_text(self, numbers: bool) -> Result<String, String> {
        match self {
            Field::Str(s) => Ok(s),
            Field::Number(n) if numbers => Ok(n),
            Field::Absent => Err("missing".into()),
            Field::Null => Err("null".into()),
            Field::Number(_) => Err("a number, not a string".into()),
            Field::Other("not a string") => Err("not a string".into()),
            Field::Other(kind) => Err(format!("{kind}, not a string")),
        }
    }

    fn into_opt(self) -> Option<String> {
        match self {
            Field::Str(s) if !s.trim().is_empty() => Some(s),
            _ => None,
        }
    }
}

/// Field names to read, and how to read dates.
#[derive(Debug, Clone, Default)]
pub struct Fields {
    pub names: FieldNames,
    pub date_order: Option<DateOrder>,
}

impl Fields {
    /// The fields a binding function names, in the order of its keyword
    /// arguments `text_field, id_field, title_field, url_field, date_field,
    /// site_field`; `date_order` is `"dmy"`, `"mdy"` or `None`.
    pub fn named(names: [&str; 6], date_order: Option<&str>) -> PyResult<Fields> {
        let date_order = date_order
            .map(str::parse)
            .transpose()
            .map_err(pyo3::exceptions::PyValueError::new_err)?;
        let [text, id, title, url, date, site] = names.map(String::from);
        Ok(Fields {
            names: FieldNames {
                text,
                id,
                title,
                url,
                date,
                site,
            },
            date_order,
        })
    }
}

/// The value of `name` in `dict`: its key, or else a dotted path into
/// nested dicts (`source.name`), as `scan` reads JSON.
fn lookup<'py>(dict: &Bound<'py, PyDict>, name: &str) -> PyResult<Option<Bound<'py, PyAny>>> {
    if let Some(value) = dict.get_item(name)? {
        return Ok(Some(value));
    }
    let mut steps = name.split('.');
    let Some(first) = steps.next().filter(|_| name.contains('.')) else {
        return Ok(None);
    };
    let mut at = dict.get_item(first)?;
    for step in steps {
        at = match at.as_ref().map(|v| v.downcast::<PyDict>()) {
            Some(Ok(inner)) => inner.get_item(step)?,
            _ => return Ok(None),
        };
    }
    Ok(at)
}

/// Reads one row. `fallback_id` names it when it has no usable id; `path`
/// says where it came from. `Ok(Err(_))` is a row to skip (or report); a
/// document comes with the CLI's warnings: its id replaced, its date not
/// understood.
pub fn document_from_row(
    row: &Bound<'_, PyAny>,
    fields: &Fields,
    fallback_id: &str,
    path: Option<String>,
) -> PyResult<Result<(Document, Warnings), RowError>> {
    let Ok(dict) = row.downcast::<PyDict>() else {
        return Ok(Err(RowError(
            ProblemKind::MalformedJson,
            format!("expected a dict, got {}", row.get_type().name()?),
        )));
    };
    let get = |name: &str| -> PyResult<Field> { Field::of(lookup(dict, name)?) };
    let text = get(&fields.names.text)?;
    if matches!(text, Field::Absent) {
        // As the CLI says it: with the fields the row has.
        let keys: Vec<String> = dict.keys().iter().map(|k| k.to_string()).collect();
        let keys: Vec<&str> = keys.iter().map(String::as_str).collect();
        let message = missing_text_message(&fields.names.text, &keys);
        return Ok(Err(RowError(ProblemKind::MissingField, message)));
    }
    let text = match text.into_text(false) {
        Ok(t) => t,
        Err(why) => {
            return Ok(Err(RowError(
                ProblemKind::MissingField,
                format!("field `{}` is {why}", fields.names.text),
            )))
        }
    };
    if text.len() > MAX_DOC_BYTES {
        let msg = format!("{} bytes, over the limit of {MAX_DOC_BYTES}", text.len());
        return Ok(Err(RowError(ProblemKind::TooLarge, msg)));
    }
    if text.trim().is_empty() {
        return Ok(Err(RowError(
            ProblemKind::Empty,
            format!("field `{}` is empty", fields.names.text),
        )));
    }
    let mut warnings = Vec::new();
    let id = match get(&fields.names.id)?.into_text(true) {
        Ok(id) if !id.trim().is_empty() => id,
        other => {
            let why = other.err().unwrap_or_else(|| "empty".into());
            let msg = format!(
                "field `{}` is {why}; using `{fallback_id}` as the id",
                fields.names.id
            );
            warnings.push((ProblemKind::MissingField, msg));
            fallback_id.to_string()
        }
    };
    let url = get(&fields.names.url)?.into_opt();
    let site = get(&fields.names.site)?
        .into_opt()
        .or_else(|| url.as_deref().and_then(site_of_url));
    let date = match get(&fields.names.date)? {
        Field::Absent | Field::Null => None,
        given => date_field(
            given.into_text(true).as_deref().map_err(String::as_str),
            fields.date_order,
        )
        .unwrap_or_else(|warning| {
            warnings.push((ProblemKind::BadDate, warning));
            None
        }),
    };
    let path = match get("path")?.into_opt() {
        Some(p) => Some(p),
        None => path,
    };
    let title = get(&fields.names.title)?.into_opt();
    Ok(Ok((
        Document {
            id,
            path,
            text,
            title,
            url,
            date,
            site,
        },
        warnings,
    )))
}
