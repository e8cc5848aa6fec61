//! The character encoding a page declares: the `charset` of its HTTP
//! `Content-Type`, or of a `<meta>` tag near its start. News crawls still
//! hold pages in windows-1252, Shift_JIS, GBK and the like.

/// How far into a page a `<meta>` declaration is looked for. The HTML
/// standard's prescan stops at 1,024 bytes; pages with long heads put it
/// later, and a declaration past the head is still more likely right than
/// no declaration.
const META_PRESCAN_BYTES: usize = 4096;

/// The `charset` parameter of a Content-Type value
/// (`text/html; charset="ISO-8859-1"` gives `ISO-8859-1`).
pub(crate) fn content_type_charset(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|param| {
        let (name, value) = param.split_once('=')?;
        name.trim()
            .eq_ignore_ascii_case("charset")
            .then(|| label(value.as_bytes()))
            .flatten()
    })
}

/// The charset a page's `<meta charset=...>` or `<meta http-equiv=...
/// content="...; charset=...">` declares, if one does near its start.
pub(crate) fn meta_charset(page: &[u8]) -> Option<String> {
    let head = page[..page.len().min(META_PRESCAN_BYTES)].to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = memchr::memmem::find(&head[from..], b"<meta") {
        let tag_start = from + at + b"<meta".len();
        let tag_end =
            memchr::memchr(b'>', &head[tag_start..]).map_or(head.len(), |i| tag_start + i);
        let tag = &head[tag_start..tag_end];
        if let Some(at) = memchr::memmem::find(tag, b"charset") {
            let rest = tag[at + b"charset".len()..].trim_ascii_start();
            if let Some(value) = rest.strip_prefix(b"=") {
                if let Some(found) = label(value) {
                    return Some(found);
                }
            }
        }
        from = tag_end;
    }
    None
}

/// An encoding label at the start of `value`, past spaces and quotes.
fn label(value: &[u8]) -> Option<String> {
    let value = value.trim_ascii_start();
    let value = value
        .strip_prefix(b"\"")
        .or_else(|| value.strip_prefix(b"'"))
        .unwrap_or(value);
    let len = value
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))
        .unwrap_or(value.len());
    let found = std::str::from_utf8(&value[..len]).ok()?;
    (!found.is_empty()).then(|| found.to_ascii_lowercase())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn content_type_parameters() {
        let got = |ct: &str| content_type_charset(ct);
        assert_eq!(
            got("text/html; charset=ISO-8859-1").as_deref(),
            Some("iso-8859-1")
        );
        assert_eq!(
            got("text/html;charset=\"Shift_JIS\"").as_deref(),
            Some("shift_jis")
        );
        assert_eq!(
            got("text/html; Charset = utf-8 ; q=1").as_deref(),
            Some("utf-8")
        );
        assert_eq!(got("text/html"), None);
        assert_eq!(got("text/html; charset="), None);
    }

    #[test]
    fn meta_declarations_both_ways() {
        let page = b"<!doctype html><html><head><META CHARSET='windows-1252'><title>x</title>";
        assert_eq!(meta_charset(page).as_deref(), Some("windows-1252"));
        let page = br#"<html><head><meta name="viewport" content="width=device-width">
            <meta http-equiv="Content-Type" content="text/html; charset=gb2312" />"#;
        assert_eq!(meta_charset(page).as_deref(), Some("gb2312"));
        assert_eq!(
            meta_charset(b"<html><head><title>charset=koi8-r</title>"),
            None
        );
        assert_eq!(meta_charset(b"<meta charset>"), None);
        // Past the prescan window the declaration is not read.
        let mut late = vec![b' '; META_PRESCAN_BYTES];
        late.extend_from_slice(b"<meta charset=latin1>");
        assert_eq!(meta_charset(&late), None);
    }
}
