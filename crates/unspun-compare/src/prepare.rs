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
    /// `(shingle, position)` sorted, built on first use as the indexed side
    /// of an alignment and reused for every later pair.
    index: std::sync::OnceLock<Vec<(u64, u32)>>,
}

impl<'a> Prepared<'a> {
    /// Prepares the `kept` (content) spans of `text`.
    pub fn new(text: &'a str, kept: &[Span]) -> Self {
        let mut tokens = Vec::with_capacity(text.len() / 6);
        for span in kept {
            tokenize_into(text, span.range(), &mut tokens);
        }
        Self::from_tokens(text, tokens)
    }

    /// Prepares already tokenized content (e.g. `Cleaned::tokens`).
    pub fn from_tokens(text: &'a str, tokens: Vec<Token>) -> Self {
        let shingles = shingles(&tokens);
        let set = shingle_set(&shingles);
        Prepared { text, tokens, shingles, set, index: std::sync::OnceLock::new() }
    }

    /// Prepares a whole text, with no boilerplate removed.
    pub fn whole(text: &'a str) -> Self {
        Self::new(text, &[Span::new(0, text.len())])
    }

    /// Shingle positions sorted by shingle, for lookups.
    pub fn index(&self) -> &[(u64, u32)] {
        self.index.get_or_init(|| {
            let mut index: Vec<(u64, u32)> = self.shingles.iter().enumerate().map(|(i, &h)| (h, i as u32)).collect();
            index.sort_unstable();
            index
        })
    }

    /// Byte span of tokens `start..end`.
    pub fn byte_span(&self, start: usize, end: usize) -> Span {
        Span { start: self.tokens[start].span.start, end: self.tokens[end - 1].span.end }
    }
}
