use std::fmt;

use serde::Serialize;

/// Something wrong with one input, file, line or record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// `path`, `path:LINE` for JSONL, `path#N` for WARC record N (1-based).
    pub source: String,
    pub kind: ProblemKind,
    pub message: String,
    /// `false`: a warning only, the document is still delivered (right after).
    pub skipped: bool,
}

impl Problem {
    /// The input was not delivered.
    pub fn skip(source: impl Into<String>, kind: ProblemKind, message: impl Into<String>) -> Self {
        Problem {
            source: source.into(),
            kind,
            message: message.into(),
            skipped: true,
        }
    }

    /// The input is delivered anyway.
    pub fn warning(
        source: impl Into<String>,
        kind: ProblemKind,
        message: impl Into<String>,
    ) -> Self {
        Problem {
            source: source.into(),
            kind,
            message: message.into(),
            skipped: false,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = if self.skipped { "skipped" } else { "warning" };
        write!(
            f,
            "{}: {} ({}): {}",
            self.source, self.kind, what, self.message
        )
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    InvalidUtf8,
    /// Bytes invalid in the text's declared or marked encoding (not UTF-8).
    InvalidEncoding,
    Binary,
    Empty,
    TooLarge,
    MalformedJson,
    MissingField,
    MalformedWarc,
    MalformedCsv,
    TruncatedGzip,
    TruncatedZstd,
    Unreadable,
    DuplicateId,
    MalformedHtml,
    /// A date field in a form no reader can be sure of; the date is left empty.
    BadDate,
}

impl ProblemKind {
    pub fn as_str(self) -> &'static str {
        match self {
            ProblemKind::InvalidUtf8 => "invalid_utf8",
            ProblemKind::InvalidEncoding => "invalid_encoding",
            ProblemKind::Binary => "binary",
            ProblemKind::Empty => "empty",
            ProblemKind::TooLarge => "too_large",
            ProblemKind::MalformedJson => "malformed_json",
            ProblemKind::MissingField => "missing_field",
            ProblemKind::MalformedWarc => "malformed_warc",
            ProblemKind::MalformedCsv => "malformed_csv",
            ProblemKind::TruncatedGzip => "truncated_gzip",
            ProblemKind::TruncatedZstd => "truncated_zstd",
            ProblemKind::Unreadable => "unreadable",
            ProblemKind::DuplicateId => "duplicate_id",
            ProblemKind::MalformedHtml => "malformed_html",
            ProblemKind::BadDate => "bad_date",
        }
    }
}

impl fmt::Display for ProblemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_display_matches_serde_name() {
        let kinds = [
            ProblemKind::InvalidUtf8,
            ProblemKind::InvalidEncoding,
            ProblemKind::Binary,
            ProblemKind::Empty,
            ProblemKind::TooLarge,
            ProblemKind::MalformedJson,
            ProblemKind::MissingField,
            ProblemKind::MalformedWarc,
            ProblemKind::MalformedCsv,
            ProblemKind::TruncatedGzip,
            ProblemKind::TruncatedZstd,
            ProblemKind::Unreadable,
            ProblemKind::DuplicateId,
            ProblemKind::MalformedHtml,
            ProblemKind::BadDate,
        ];
        for kind in kinds {
            let json = serde_json::to_string(&kind).unwrap_or_default();
            assert_eq!(json, format!("\"{kind}\""));
        }
        assert_eq!(ProblemKind::InvalidUtf8.to_string(), "invalid_utf8");
    }

    #[test]
    fn problem_display_names_source_kind_and_outcome() {
        let p = Problem::skip("a.jsonl:3", ProblemKind::MalformedJson, "EOF at column 7");
        assert_eq!(
            p.to_string(),
            "a.jsonl:3: malformed_json (skipped): EOF at column 7"
        );
    }
}
