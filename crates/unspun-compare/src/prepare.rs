use unspun_sketch::shingle::{shingle_set, shingles};
use unspun_text::{tokenize_into, Span, Token};

/// One document ready to compare: its content tokens (spans into the
/// original text) and shingles.
#[derive(Debug, Clone)]
pub struct Prepared<'a> {
    pub text: &'a str,
    /// Content spans (boilerplate set aside), in text order.
    pub kept: Vec<Span>,
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
        Self::from_cleaned(text, kept.to_vec(), tokens)
    }

    /// Prepares already tokenized content; its content spans are taken as
    /// the one range from the first to the last token.
    pub fn from_tokens(text: &'a str, tokens: Vec<Token>) -> Self {
        let kept = match (tokens.first(), tokens.last()) {
            (Some(f), Some(l)) => vec![Span {
                start: f.span.start,
                end: l.span.end,
            }],
            _ => Vec::new(),
        };
        Self::from_cleaned(text, kept, tokens)
    }

    /// Prepares the output of cleaning: content spans and their tokens.
    pub fn from_cleaned(text: &'a str, kept: Vec<Span>, tokens: Vec<Token>) -> Self {
        let shingles = shingles(&tokens);
        let set = shingle_set(&shingles);
        Prepared {
            text,
            kept,
            tokens,
            shingles,
            set,
            index: std::sync::OnceLock::new(),
        }
    }

    /// Prepares a whole text, with no boilerplate removed.
    pub fn whole(text: &'a str) -> Self {
        Self::new(text, &[Span::new(0, text.len())])
    }

    /// Shingle positions sorted by shingle, for lookups.
    pub fn index(&self) -> &[(u64, u32)] {
        self.index.get_or_init(|| {
            let mut index: Vec<(u64, u32)> = self
                .shingles
                .iter()
                .enumerate()
                .map(|(i, &h)| (h, i as u32))
                .collect();
            index.sort_unstable();
            index
        })
    }

    /// Byte span of tokens `start..end`.
    pub fn byte_span(&self, start: usize, end: usize) -> Span {
        Span {
            start: self.tokens[start].span.start,
            end: self.tokens[end - 1].span.end,
        }
    }
}
