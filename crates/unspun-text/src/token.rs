//! Word tokens with byte spans into the original text.
//!
//! A token is a maximal run of letters, digits and combining marks; CJK
//! ideographs and kana are one token each (those scripts do not separate words
//! with spaces). Matching uses a 64-bit hash of the *normalized* token: NFKC,
//! lowercased. Punctuation (including curly or straight apostrophes, quotes and
//! dashes) separates tokens, which folds "China’s" and "China's" alike.

use crate::span::Span;
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    /// Bytes of the token in the original text.
    pub span: Span,
    /// Hash of the normalized token.
    pub hash: u64,
}

/// The final mix: spreads entropy to all bits so that low and high bits of
/// token and shingle hashes can both be used as keys.
#[inline]
pub fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// Hash of a token's normalized (lowercase) bytes, eight at a time.
/// `lower` maps each loaded word to lowercase; it is a no-op for bytes that
/// are already normalized.
#[inline]
fn hash_bytes(bytes: &[u8], lower: u64) -> u64 {
    let h = hash_whole_words(bytes.len(), bytes, lower);
    let rest = bytes.chunks_exact(8).remainder();
    if rest.is_empty() {
        return h;
    }
    let mut w = [0u8; 8];
    w[..rest.len()].copy_from_slice(rest);
    hash_last(h, u64::from_le_bytes(w), rest.len(), lower)
}

/// The hash of a token of `len` bytes over its whole eight-byte words
/// (those of `bytes`; a partial last one is left to [`hash_last`]).
#[inline]
fn hash_whole_words(len: usize, bytes: &[u8], lower: u64) -> u64 {
    let mut h = (len as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    for c in bytes.chunks_exact(8) {
        let mut w = [0u8; 8];
        w.copy_from_slice(c);
        h = fmix64(h ^ (u64::from_le_bytes(w) | lower));
    }
    h
}

/// The last 1..=7 bytes of a token, loaded (with whatever followed them)
/// as `word`: only the token's own bytes count and get the lowercase bit.
#[inline]
fn hash_last(h: u64, word: u64, len: usize, lower: u64) -> u64 {
    let mask = (1u64 << (len * 8)) - 1;
    fmix64(h ^ ((word | lower) & mask))
}

/// [`hash_bytes`] of `text[start..end]`, which reads the last partial
/// word with one load from the text when eight bytes are there to read
/// (a variable-length copy costs more than the hashing).
#[inline]
fn hash_ascii_token(text: &[u8], start: usize, end: usize) -> u64 {
    let len = end - start;
    let full = start + len / 8 * 8;
    match text.get(full..full + 8) {
        Some(tail) if !len.is_multiple_of(8) => {
            let h = hash_whole_words(len, &text[start..full], ASCII_LOWER);
            let mut w = [0u8; 8];
            w.copy_from_slice(tail);
            hash_last(h, u64::from_le_bytes(w), len % 8, ASCII_LOWER)
        }
        _ => hash_bytes(&text[start..end], ASCII_LOWER),
    }
}

/// Setting bit 5 lowercases ASCII letters and leaves digits unchanged.
const ASCII_LOWER: u64 = 0x2020_2020_2020_2020;

#[inline]
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

#[inline]
fn is_ideograph(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // hiragana, katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified
        | 0xF900..=0xFAFF    // compatibility ideographs
        | 0x20000..=0x2FA1F) // supplementary ideographs
}

/// Hash of a token that contains non-ASCII characters: NFKC, lowercased,
/// then the same byte hash as ASCII tokens (so "ﬁnal" equals "final").
fn hash_normalized(token: &str, buf: &mut String) -> u64 {
    buf.clear();
    for c in token.nfkc() {
        buf.extend(c.to_lowercase());
    }
    hash_bytes(buf.as_bytes(), 0)
}

/// How many of the eight bytes, from the first, are ASCII letters or
/// digits: one load and a few word operations instead of eight branches.
#[inline]
fn ascii_alnum_run(chunk: &[u8]) -> usize {
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut w = [0u8; 8];
    w.copy_from_slice(chunk);
    let x = u64::from_le_bytes(w);
    // Per byte (all under 0x80 where it matters), `x + (0x80 - lo)` sets the
    // high bit when x >= lo and `x + (0x7F - hi)` when x > hi; no sum
    // carries into the next byte.
    let low7 = x & !HIGH;
    let within = |v: u64, lo: u8, hi: u8| {
        let at_least = v.wrapping_add(u64::from(0x80 - lo) * 0x0101_0101_0101_0101);
        let above = v.wrapping_add(u64::from(0x7F - hi) * 0x0101_0101_0101_0101);
        at_least & !above & HIGH
    };
    // Bit 5 folds capitals onto small letters (and leaves digits alone).
    let letters = within(low7 | ASCII_LOWER, b'a', b'z');
    let digits = within(low7, b'0', b'9');
    let alnum = (letters | digits) & !x;
    ((!alnum & HIGH).trailing_zeros() / 8) as usize
}

/// Tokenizes `text[range]`, appending to `out`. Spans are offsets into `text`.
pub fn tokenize_into(text: &str, range: std::ops::Range<usize>, out: &mut Vec<Token>) {
    let bytes = text.as_bytes();
    let end = range.end.min(text.len());
    let mut i = range.start;
    let mut buf = String::new();
    while i < end {
        // Skip ASCII separators quickly.
        while i < end && bytes[i] < 0x80 && !bytes[i].is_ascii_alphanumeric() {
            i += 1;
        }
        if i >= end {
            break;
        }
        let start = i;
        let mut ascii = true;
        while i < end {
            // Eight bytes at a time while the word is ASCII letters and digits.
            if let Some(chunk) = bytes.get(i..i + 8).filter(|_| i + 8 <= end) {
                let run = ascii_alnum_run(chunk);
                i += run;
                if run == 8 {
                    continue;
                }
            }
            let Some(&b) = bytes.get(i).filter(|_| i < end) else {
                break;
            };
            if b < 0x80 {
                if !b.is_ascii_alphanumeric() {
                    break;
                }
                i += 1;
                continue;
            }
            // `i` is on a char boundary: we only advance by whole chars.
            let Some(c) = text[i..].chars().next() else {
                break;
            };
            if is_ideograph(c) || !is_word_char(c) {
                break;
            }
            ascii = false;
            i += c.len_utf8();
        }
        if i > start {
            let hash = if ascii {
                hash_ascii_token(bytes, start, i)
            } else {
                hash_normalized(&text[start..i], &mut buf)
            };
            out.push(Token {
                span: Span::new(start, i),
                hash,
            });
            continue;
        }
        // A non-ASCII char that is not part of a word: an ideograph (a token
        // of its own) or punctuation.
        let Some(c) = text[i..].chars().next() else {
            break;
        };
        let w = c.len_utf8();
        if is_ideograph(c) {
            out.push(Token {
                span: Span::new(i, i + w),
                hash: hash_normalized(&text[i..i + w], &mut buf),
            });
        }
        i += w;
    }
}

/// Tokenizes a whole text.
pub fn tokenize(text: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    tokenize_into(text, 0..text.len(), &mut out);
    out
}

/// Tokenizes the `spans` of a text (its content, boilerplate set aside), in
/// order, as one token sequence.
pub fn tokenize_spans(text: &str, spans: &[Span]) -> Vec<Token> {
    let mut out = Vec::with_capacity(text.len() / 6);
    for span in spans {
        tokenize_into(text, span.range(), &mut out);
    }
    out
}

/// Hash of a single normalized word, as [`tokenize`] would give it.
pub fn word_hash(word: &str) -> u64 {
    let toks = tokenize(word);
    toks.first().map(|t| t.hash).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn words(text: &str) -> Vec<&str> {
        tokenize(text)
            .iter()
            .map(|t| &text[t.span.range()])
            .collect()
    }

    /// The tokenizer's rules one character at a time: the oracle for
    /// the word-at-a-time scan.
    fn reference_tokens(text: &str) -> Vec<Token> {
        let mut out = Vec::new();
        let mut buf = String::new();
        let mut word: Option<(usize, bool)> = None;
        let mut close = |start: usize, end: usize, ascii: bool, out: &mut Vec<Token>| {
            let hash = if ascii {
                hash_bytes(&text.as_bytes()[start..end], ASCII_LOWER)
            } else {
                hash_normalized(&text[start..end], &mut buf)
            };
            out.push(Token {
                span: Span::new(start, end),
                hash,
            });
        };
        for (i, c) in text.char_indices() {
            let in_word =
                c.is_ascii_alphanumeric() || (!c.is_ascii() && !is_ideograph(c) && is_word_char(c));
            match (in_word, word) {
                (true, None) => word = Some((i, c.is_ascii())),
                (true, Some((start, ascii))) => word = Some((start, ascii && c.is_ascii())),
                (false, Some((start, ascii))) => {
                    close(start, i, ascii, &mut out);
                    word = None;
                }
                (false, None) => {}
            }
            if is_ideograph(c) {
                close(i, i + c.len_utf8(), false, &mut out);
            }
        }
        if let Some((start, ascii)) = word {
            close(start, text.len(), ascii, &mut out);
        }
        out
    }

    #[test]
    fn splits_news_prose_and_keeps_offsets() {
        let text = "China’s President Xi Jinping will travel to Moscow – officials say.";
        assert_eq!(
            words(text),
            [
                "China",
                "s",
                "President",
                "Xi",
                "Jinping",
                "will",
                "travel",
                "to",
                "Moscow",
                "officials",
                "say"
            ]
        );
    }

    #[test]
    fn folds_case_quotes_and_compatibility_forms() {
        let a = tokenize("“Strategic CO-OPERATION” ﬁnal");
        let b = tokenize("\"strategic co-operation\" final");
        let ha: Vec<u64> = a.iter().map(|t| t.hash).collect();
        let hb: Vec<u64> = b.iter().map(|t| t.hash).collect();
        assert_eq!(ha, hb);
        // The ligature is one original char but still points at its bytes.
        assert_eq!(&"“Strategic CO-OPERATION” ﬁnal"[a[3].span.range()], "ﬁnal");
    }

    #[test]
    fn ideographs_are_single_tokens_and_thai_stays_whole() {
        assert_eq!(words("习近平访问"), ["习", "近", "平", "访", "问"]);
        assert_eq!(words("ปชป. ยกทัพใหญ่").len(), 2);
    }

    proptest! {
        #[test]
        fn spans_always_slice_valid_utf8(s in "\\PC{0,200}") {
            for t in tokenize(&s) {
                prop_assert!(s.is_char_boundary(t.span.start as usize));
                prop_assert!(s.is_char_boundary(t.span.end as usize));
                prop_assert!(t.span.start < t.span.end);
            }
        }

        #[test]
        fn matches_a_char_by_char_reference(s in "([a-zA-Z0-9]{0,12}[ -/:-@\\[-`{-~\u{80}\u{e9}\u{4e2d}\u{2019}\u{301}]{0,2}){0,30}") {
            prop_assert_eq!(tokenize(&s), reference_tokens(&s));
        }

        #[test]
        fn case_never_changes_hashes(s in "[a-zA-Z ,.]{0,80}") {
            let lower: Vec<u64> = tokenize(&s.to_lowercase()).iter().map(|t| t.hash).collect();
            let upper: Vec<u64> = tokenize(&s.to_uppercase()).iter().map(|t| t.hash).collect();
            prop_assert_eq!(lower, upper);
        }

        #[test]
        fn a_word_hashes_alike_alone_and_inside_a_text(s in "[a-zA-Z0-9 ,.]{0,120}") {
            // Inside a text the last bytes of a word are read with whatever
            // follows them; alone, they are copied: the hash must not differ.
            for t in tokenize(&s) {
                let word = &s[t.span.range()];
                prop_assert_eq!(t.hash, hash_bytes(word.as_bytes(), ASCII_LOWER), "{}", word);
                prop_assert_eq!(t.hash, word_hash(word), "{}", word);
            }
        }
    }
}
