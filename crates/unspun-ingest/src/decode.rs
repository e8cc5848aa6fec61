//! Bytes to text: binary sniffing, byte-order marks, declared legacy
//! encodings and lossy UTF-8.

use encoding_rs::{Encoding, UTF_16BE, UTF_16LE, UTF_8};

/// How much of the start of a file the binary sniff looks at.
const SNIFF_BYTES: usize = 8 << 10;

/// Why bytes look binary, if they do: a NUL byte, or more than 10% control
/// bytes in the first 8 KiB. Latin-1 or broken UTF-8 text is not binary.
pub(crate) fn binary_reason(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(at) = memchr::memchr(0, head) {
        return Some(format!("NUL byte at offset {at}"));
    }
    let control = head.iter().filter(|&&b| is_control(char::from(b))).count();
    if control * 10 > head.len() {
        return Some(format!(
            "{control} control bytes in the first {} bytes",
            head.len()
        ));
    }
    None
}

/// A control character that text does not hold (tabs, line and page
/// breaks and the escape of terminal colours are text).
fn is_control(c: char) -> bool {
    (c < ' ' && !matches!(c, '\t' | '\n' | '\r' | '\x0c' | '\x1b')) || c == '\x7f'
}

/// [`binary_reason`] for a text file, which may be UTF-16 with a
/// byte-order mark (Windows tools write it): its NUL bytes are text.
pub(crate) fn binary_reason_of_text(bytes: &[u8]) -> Option<String> {
    let Some((encoding, bom)) = utf16_bom(bytes) else {
        return binary_reason(bytes);
    };
    let head = &bytes[bom..bytes.len().min(SNIFF_BYTES)];
    let (text, _) = encoding.decode_without_bom_handling(head);
    let control = text.chars().filter(|&c| is_control(c)).count();
    let chars = text.chars().count();
    (control * 10 > chars).then(|| {
        format!(
            "{control} control characters in the first {chars} characters of {}",
            encoding.name()
        )
    })
}

pub(crate) fn utf16_bom(bytes: &[u8]) -> Option<(&'static Encoding, usize)> {
    Encoding::for_bom(bytes).filter(|(e, _)| *e == UTF_16LE || *e == UTF_16BE)
}

/// Text decoded from a file or a record, and what went wrong, if anything.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Decoded {
    pub text: String,
    pub problem: Option<DecodeProblem>,
}

/// Why a decoded text holds U+FFFD replacement characters.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum DecodeProblem {
    /// Not valid UTF-8 from this byte on, and no usable declared encoding
    /// (`unknown_label`: one was declared that no encoding goes by).
    InvalidUtf8 {
        at: usize,
        unknown_label: Option<String>,
    },
    /// Bytes that are not valid in the encoding the text was decoded from.
    Malformed { encoding: &'static str },
}

impl DecodeProblem {
    pub fn kind(&self) -> crate::ProblemKind {
        match self {
            DecodeProblem::InvalidUtf8 { .. } => crate::ProblemKind::InvalidUtf8,
            DecodeProblem::Malformed { .. } => crate::ProblemKind::InvalidEncoding,
        }
    }

    /// The warning's message; `of_what` names the bytes ("" or " of the payload").
    pub fn message(&self, of_what: &str) -> String {
        match self {
            DecodeProblem::InvalidUtf8 {
                at,
                unknown_label: None,
            } => format!("invalid UTF-8 at byte {at}{of_what}; replaced with U+FFFD"),
            DecodeProblem::InvalidUtf8 {
                at,
                unknown_label: Some(label),
            } => format!(
                "unknown charset `{label}`, and invalid UTF-8 at byte {at}{of_what}; replaced with U+FFFD"
            ),
            DecodeProblem::Malformed { encoding } => {
                format!("bytes{of_what} not valid {encoding}; replaced with U+FFFD")
            }
        }
    }
}

/// Bytes to text. A byte-order mark decides first. Then valid UTF-8 is
/// read as UTF-8 whatever the declared encoding says: pages labelled
/// Latin-1 but served as UTF-8 are common, and the other way round valid
/// UTF-8 is all but impossible. Otherwise the declared encoding decodes
/// (by its WHATWG label: `iso-8859-1` is windows-1252, as browsers read
/// it), and without one, invalid UTF-8 is replaced. Valid UTF-8 is not
/// copied.
pub(crate) fn decode_text(bytes: Vec<u8>, declared: Option<&str>) -> Decoded {
    // A UTF-8 mark, too, overrules any label.
    let declared = declared.filter(|_| Encoding::for_bom(&bytes).is_none());
    if let Some((encoding, bom)) = utf16_bom(&bytes) {
        let (text, malformed) = encoding.decode_without_bom_handling(&bytes[bom..]);
        return Decoded {
            text: text.into_owned(),
            problem: malformed.then_some(DecodeProblem::Malformed {
                encoding: encoding.name(),
            }),
        };
    }
    let (at, bytes) = match String::from_utf8(bytes) {
        Ok(text) => {
            return Decoded {
                text: without_bom(text),
                problem: None,
            }
        }
        Err(err) => (err.utf8_error().valid_up_to(), err.into_bytes()),
    };
    let declared = declared.map(|label| (label, Encoding::for_label(label.as_bytes())));
    if let Some((_, Some(encoding))) = declared {
        // UTF-16 without a mark and the "replacement" encoding (labels of
        // encodings too dangerous to decode) are not trusted.
        let usable = ![UTF_8, UTF_16LE, UTF_16BE, encoding_rs::REPLACEMENT].contains(&encoding);
        if usable {
            let (text, malformed) = encoding.decode_without_bom_handling(&bytes);
            return Decoded {
                text: text.into_owned(),
                problem: malformed.then_some(DecodeProblem::Malformed {
                    encoding: encoding.name(),
                }),
            };
        }
    }
    let text = without_bom(String::from_utf8_lossy(&bytes).into_owned());
    let unknown_label = match declared {
        Some((label, None)) => Some(label.to_string()),
        _ => None,
    };
    Decoded {
        text,
        problem: Some(DecodeProblem::InvalidUtf8 { at, unknown_label }),
    }
}

fn without_bom(mut text: String) -> String {
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    text
}

/// Byte offset of the first invalid UTF-8 sequence, for warnings.
pub(crate) fn first_invalid_utf8(bytes: &[u8]) -> Option<usize> {
    std::str::from_utf8(bytes).err().map(|e| e.valid_up_to())
}

/// True for empty or whitespace-only text.
pub(crate) fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nul_and_control_bytes_are_binary() {
        assert_eq!(
            binary_reason(b"abc\0def").as_deref(),
            Some("NUL byte at offset 3")
        );
        let noisy: Vec<u8> = (0..100u8)
            .map(|i| if i % 5 == 0 { 0x01 } else { b'a' })
            .collect();
        assert!(binary_reason(&noisy).is_some());
        assert!(binary_reason("naïve café\r\n\tok".as_bytes()).is_none());
        // Latin-1 bytes are broken UTF-8, not binary.
        assert!(binary_reason(b"caf\xe9 cr\xe8me").is_none());
    }

    fn decoded(bytes: &[u8], declared: Option<&str>) -> (String, Option<String>) {
        let d = decode_text(bytes.to_vec(), declared);
        (d.text, d.problem.map(|p| p.message("")))
    }

    #[test]
    fn lossy_decode_marks_replacements_and_drops_bom() {
        assert_eq!(decoded(b"\xef\xbb\xbfhello", None), ("hello".into(), None));
        assert_eq!(
            decoded(b"caf\xe9", None),
            (
                "caf\u{fffd}".into(),
                Some("invalid UTF-8 at byte 3; replaced with U+FFFD".into())
            )
        );
        assert_eq!(first_invalid_utf8(b"caf\xe9"), Some(3));
    }

    #[test]
    fn declared_legacy_encodings_decode() {
        // "Café in São Paulo" in windows-1252, labelled as ISO-8859-1.
        let latin = b"Caf\xe9 in S\xe3o Paulo \x96 \x93quoted\x94";
        assert_eq!(
            decoded(latin, Some("iso-8859-1")),
            ("Café in São Paulo – “quoted”".into(), None)
        );
        // 東京 (Tokyo) in Shift_JIS.
        assert_eq!(
            decoded(b"\x93\x8c\x8b\x9e", Some("shift_jis")),
            ("東京".into(), None)
        );
        // A UTF-8 mark overrules the label, even before invalid bytes.
        assert_eq!(
            decoded(b"\xef\xbb\xbfcaf\xe9", Some("windows-1252")),
            (
                "caf\u{fffd}".into(),
                Some("invalid UTF-8 at byte 6; replaced with U+FFFD".into())
            )
        );
        // A Latin-1 label on valid UTF-8: the bytes win.
        assert_eq!(
            decoded("Café".as_bytes(), Some("latin1")),
            ("Café".into(), None)
        );
        // A label no encoding goes by: lossy UTF-8, and the warning says so.
        let (text, warning) = decoded(latin, Some("klingon"));
        assert!(text.starts_with("Caf\u{fffd} in"), "{text}");
        assert_eq!(
            warning.as_deref(),
            Some("unknown charset `klingon`, and invalid UTF-8 at byte 3; replaced with U+FFFD")
        );
    }

    #[test]
    fn utf16_with_a_byte_order_mark_is_text() {
        let mut le = vec![0xff, 0xfe];
        le.extend("Moscow – Xi".encode_utf16().flat_map(u16::to_le_bytes));
        assert!(binary_reason(&le).is_some());
        assert_eq!(binary_reason_of_text(&le), None);
        assert_eq!(decoded(&le, None), ("Moscow – Xi".into(), None));
        let mut be = vec![0xfe, 0xff];
        be.extend("Moscow".encode_utf16().flat_map(u16::to_be_bytes));
        assert_eq!(decoded(&be, Some("windows-1252")), ("Moscow".into(), None));
        // An unpaired surrogate is replaced and reported.
        let broken = [0xff, 0xfe, b'a', 0, 0x00, 0xd8, b'b', 0];
        assert_eq!(
            decoded(&broken, None),
            (
                "a\u{fffd}b".into(),
                Some("bytes not valid UTF-16LE; replaced with U+FFFD".into())
            )
        );
        // Binary behind a UTF-16 mark is still binary.
        let mut junk = vec![0xff, 0xfe];
        junk.extend(std::iter::repeat_n([1u8, 0], 100).flatten());
        assert!(binary_reason_of_text(&junk).is_some());
    }
}
