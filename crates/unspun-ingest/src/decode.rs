//! Bytes to text: binary sniffing and lossy UTF-8.

/// How much of the start of a file the binary sniff looks at.
const SNIFF_BYTES: usize = 8 << 10;

/// Why bytes look binary, if they do: a NUL byte, or more than 10% control
/// bytes in the first 8 KiB. Latin-1 or broken UTF-8 text is not binary.
pub(crate) fn binary_reason(bytes: &[u8]) -> Option<String> {
    let head = &bytes[..bytes.len().min(SNIFF_BYTES)];
    if let Some(at) = memchr::memchr(0, head) {
        return Some(format!("NUL byte at offset {at}"));
    }
    let control = head
        .iter()
        .filter(|&&b| (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c | 0x1b)) || b == 0x7f)
        .count();
    if control * 10 > head.len() {
        return Some(format!(
            "{control} control bytes in the first {} bytes",
            head.len()
        ));
    }
    None
}

/// Decodes UTF-8, replacing invalid sequences; also drops a leading BOM.
/// Returns the text and whether anything was replaced. Valid input is not copied.
pub(crate) fn decode_utf8(bytes: Vec<u8>) -> (String, bool) {
    let mut text = match String::from_utf8(bytes) {
        Ok(text) => (text, false),
        Err(err) => (String::from_utf8_lossy(err.as_bytes()).into_owned(), true),
    };
    if text.0.starts_with('\u{feff}') {
        text.0.drain(..'\u{feff}'.len_utf8());
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

    #[test]
    fn lossy_decode_marks_replacements_and_drops_bom() {
        assert_eq!(
            decode_utf8(b"\xef\xbb\xbfhello".to_vec()),
            ("hello".to_string(), false)
        );
        let (text, replaced) = decode_utf8(b"caf\xe9".to_vec());
        assert_eq!(text, "caf\u{fffd}");
        assert!(replaced);
        assert_eq!(first_invalid_utf8(b"caf\xe9"), Some(3));
    }
}
