//! Sentence segmentation that survives news prose.
//!
//! Splits at `.`, `!`, `?` and `…` followed by space and a capital letter,
//! digit or opening quote, and at every line break; but not after titles
//! (`Mr.`), initials (`J. Smith`), dotted acronyms (`U.S.`) and other common
//! abbreviations. Returned spans are trimmed and point into the original text.

use crate::span::Span;

const ABBREVIATIONS: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sen", "rep", "gov", "gen", "col", "lt", "sgt", "capt", "st",
    "jr", "sr", "inc", "corp", "ltd", "co", "vs", "etc", "no", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec", "mt", "ft", "rev", "hon", "pres", "gens",
    "approx", "dept", "est", "fig", "al", "cf", "e.g", "i.e", "u.s", "u.k", "u.n", "e.u", "a.m",
    "p.m",
];

fn is_closing(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']' | '»')
}

fn is_opening(c: char) -> bool {
    matches!(c, '"' | '\'' | '“' | '‘' | '(' | '[' | '«')
}

/// The word right before byte `dot` (which holds a `.`), lowercased.
fn word_before(text: &str, dot: usize) -> String {
    let head = &text[..dot];
    let start = head
        .char_indices()
        .rev()
        .find(|&(_, c)| !(c.is_alphanumeric() || c == '.'))
        .map(|(i, c)| i + c.len_utf8())
        .unwrap_or(0);
    head[start..].to_lowercase()
}

fn is_abbreviation(word: &str) -> bool {
    if word.is_empty() {
        return false;
    }
    let single_initial = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    // Dotted acronyms such as "u.s" or "a.b.c".
    let dotted = word.contains('.') && word.split('.').all(|p| p.chars().count() == 1);
    single_initial || dotted || ABBREVIATIONS.contains(&word)
}

/// Splits `text[range]` into sentence spans (offsets into `text`).
pub fn sentences_in(text: &str, range: std::ops::Range<usize>) -> Vec<Span> {
    let mut out = Vec::new();
    let mut start = range.start;
    let bytes = &text.as_bytes()[..range.end];
    let mut i = range.start;
    // Only line breaks and terminators can end a sentence, so the scan
    // jumps from one to the next: all are ASCII but `…`, whose first byte
    // (0xE2) never occurs inside another character's encoding.
    let mut stops = Stops::default();
    while let Some(at) = stops.next(bytes, i) {
        i = at;
        let c = match bytes[i] {
            b'\n' => '\n',
            b'.' => '.',
            b'!' => '!',
            b'?' => '?',
            _ if text[i..range.end].starts_with('…') => '…',
            _ => {
                i += 1;
                continue;
            }
        };
        if c == '\n' {
            push_trimmed(text, start, i, &mut out);
            start = i + 1;
            i += 1;
            continue;
        }
        // Swallow repeated terminators and closing quotes/brackets.
        let mut end = i + c.len_utf8();
        for n in text[end..range.end].chars() {
            if matches!(n, '.' | '!' | '?' | '…') || is_closing(n) {
                end += n.len_utf8();
            } else {
                break;
            }
        }
        let rest = &text[end..range.end];
        let after_space = rest.trim_start_matches([' ', '\t', '\u{a0}']);
        let spaced = after_space.len() < rest.len();
        let next = after_space.chars().next();
        let at_line_end = matches!(next, None | Some('\n') | Some('\r'));
        let starts_new = match next {
            Some(n) if !at_line_end => {
                spaced && (n.is_uppercase() || n.is_numeric() || is_opening(n))
            }
            _ => true,
        };
        // After an abbreviation, split only when a new line follows.
        if starts_new && (at_line_end || !(c == '.' && is_abbreviation(&word_before(text, i)))) {
            push_trimmed(text, start, end, &mut out);
            start = end;
        }
        i = end;
    }
    push_trimmed(text, start, range.end, &mut out);
    out
}

/// The next byte at or after a position that may end a sentence: the
/// nearer of two vectorized searches, each remembered until passed.
#[derive(Default)]
struct Stops {
    terminator: Option<Option<usize>>,
    other: Option<Option<usize>>,
}

impl Stops {
    fn next(&mut self, bytes: &[u8], from: usize) -> Option<usize> {
        let find = |cached: &mut Option<Option<usize>>, search: &dyn Fn(&[u8]) -> Option<usize>| {
            match *cached {
                Some(Some(at)) if at >= from => Some(at),
                Some(None) => None,
                _ => {
                    let at = bytes.get(from..).and_then(search).map(|k| from + k);
                    *cached = Some(at);
                    at
                }
            }
        };
        let t = find(&mut self.terminator, &|b| {
            memchr::memchr3(b'.', b'!', b'?', b)
        });
        let o = find(&mut self.other, &|b| memchr::memchr2(b'\n', 0xE2, b));
        match (t, o) {
            (Some(x), Some(y)) => Some(x.min(y)),
            (x, y) => x.or(y),
        }
    }
}

/// Splits a whole text into sentence spans.
pub fn sentences(text: &str) -> Vec<Span> {
    sentences_in(text, 0..text.len())
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Span>) {
    if start >= end {
        return;
    }
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trimmed = piece.trim();
    if !trimmed.is_empty() {
        let s = start + lead;
        out.push(Span::new(s, s + trimmed.len()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(text: &str) -> Vec<&str> {
        sentences(text).iter().map(|s| &text[s.range()]).collect()
    }

    #[test]
    fn titles_acronyms_and_numbers_do_not_split() {
        let t = "He is due to have lunch with Mr. Putin on Monday. The U.S. claims China is considering it. \
                 Growth was 3.5 per cent in Jan. last year.";
        assert_eq!(
            split(t),
            [
                "He is due to have lunch with Mr. Putin on Monday.",
                "The U.S. claims China is considering it.",
                "Growth was 3.5 per cent in Jan. last year."
            ]
        );
    }

    #[test]
    fn quotes_close_the_sentence_and_lines_split() {
        let t = "The Kremlin said they would discuss a “comprehensive partnership”. Western countries warned.\nMedia caption,";
        assert_eq!(
            split(t),
            [
                "The Kremlin said they would discuss a “comprehensive partnership”.",
                "Western countries warned.",
                "Media caption,"
            ]
        );
    }

    #[test]
    fn initials_and_question_marks() {
        let t = "Written by J. K. Rowling. Will China provide weapons to Russia? “Yes,” he said.";
        assert_eq!(
            split(t),
            [
                "Written by J. K. Rowling.",
                "Will China provide weapons to Russia?",
                "“Yes,” he said."
            ]
        );
    }

    #[test]
    fn spans_point_into_the_original() {
        let t = "  First one.  Second one!\n\nThird";
        for s in sentences(t) {
            assert_eq!(&t[s.range()], t[s.range()].trim());
        }
        assert_eq!(split(t).len(), 3);
    }

    /// The segmenter as first written, a character at a time: the byte
    /// scan that replaced it must agree with it everywhere.
    fn reference_sentences_in(text: &str, range: std::ops::Range<usize>) -> Vec<Span> {
        let mut out = Vec::new();
        let mut start = range.start;
        let slice = &text[range.clone()];
        let mut iter = slice.char_indices().peekable();
        while let Some((off, c)) = iter.next() {
            let i = range.start + off;
            let boundary = match c {
                '\n' => Some(i),
                '.' | '!' | '?' | '…' => {
                    // Swallow repeated terminators and closing quotes/brackets.
                    let mut end = i + c.len_utf8();
                    while let Some(&(o, n)) = iter.peek() {
                        if matches!(n, '.' | '!' | '?' | '…') || is_closing(n) {
                            end = range.start + o + n.len_utf8();
                            iter.next();
                        } else {
                            break;
                        }
                    }
                    let rest = &text[end..range.end];
                    let after_space = rest.trim_start_matches([' ', '\t', '\u{a0}']);
                    let spaced = after_space.len() < rest.len();
                    let next = after_space.chars().next();
                    let starts_new = match next {
                        None | Some('\n') | Some('\r') => true,
                        Some(n) => spaced && (n.is_uppercase() || n.is_numeric() || is_opening(n)),
                    };
                    let abbreviation = c == '.' && is_abbreviation(&word_before(text, i));
                    // After an abbreviation, split only when a new line follows.
                    let ok = starts_new
                        && (!abbreviation || matches!(next, None | Some('\n') | Some('\r')));
                    ok.then_some(end)
                }
                _ => None,
            };
            if let Some(end) = boundary {
                push_trimmed(text, start, end, &mut out);
                start = if c == '\n' { end + 1 } else { end };
            }
        }
        push_trimmed(text, start, range.end, &mut out);
        out
    }

    proptest::proptest! {
        #[test]
        fn the_byte_scan_splits_as_the_character_scan_did(
            s in "([A-Za-z0-9]{1,6}|Mr|U\\.S|[ .!?…’”“\"()\n\t\u{a0}é—]){0,60}",
        ) {
            proptest::prop_assert_eq!(sentences(&s), reference_sentences_in(&s, 0..s.len()));
            let mid = s.char_indices().nth(5).map_or(0, |(i, _)| i);
            proptest::prop_assert_eq!(
                sentences_in(&s, mid..s.len()),
                reference_sentences_in(&s, mid..s.len())
            );
        }
    }
}
