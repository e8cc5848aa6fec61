use unspun_sketch::shingle::{shingle_set, shingles};
use unspun_text::{tokenize_into, Span, Token};

/// One document ready to compare: its content tokens (spans into the
/// original text) and shingles.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub text: &'a str,
    pub tokens: Vec<Token>,
    /// `shingles[i]` is the window starting at token `i`.
    pub shingles: Vec<u64>,
    /// Sorted distinct shingles.
    pub set: Vec<u64>,
}

impl<'a> Prepared<'a> {
    /// Prepares the `kept` (content) spans of `text`.
    pub fn new(text: &'a str, kept: &[Span]) -> Self {
        let mut tokens = Vec::with_capacity(text.len() / 6);
        for span in kept {
            tokenize_into(text, span.range(), &mut tokens);
        }
        let shingles = shingles(&tokens);
        let set = shingle_set(&shingles);
        Prepared { text, tokens, shingles, set }
    }

    /// Prepares a whole text, with no boilerplate removed.
    pub fn whole(text: &'a str) -> Self {
        Self::new(text, &[Span::new(0, text.len())])
    }

    /// Byte span of tokens `start..end`.
    pub fn byte_span(&self, start: usize, end: usize) -> Span {
        Span { start: self.tokens[start].span.start, end: self.tokens[end - 1].span.end }
    }
}
