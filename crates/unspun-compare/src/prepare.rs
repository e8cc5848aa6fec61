use unspun_sketch::shingle::{shingle_set, shingles};
use unspun_text::{tokenize_spans, Span, Token};

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
    /// [`Prepared::reads_as_english`], found on first use: a document of a
    /// verify block is in many pairs.
    english: std::sync::OnceLock<bool>,
}

/// Under this many tokens a text is too short to tell its language.
const TOKENS_TO_TELL_LANGUAGE: usize = 30;
/// Share of common English function words from which a text reads as
/// English prose: English prose in the dev data (SemEval, Clough, MSRP,
/// STS-B texts of 30 tokens or more, the seeds) has at least 10%; a Hindi
/// article in SemEval's English set and Czech news have 0-7%.
const ENGLISH_MIN_SHARE: f64 = 0.08;

impl<'a> Prepared<'a> {
    /// Prepares the `kept` (content) spans of `text`.
    pub fn new(text: &'a str, kept: &[Span]) -> Self {
        Self::from_cleaned(text, kept.to_vec(), tokenize_spans(text, kept))
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
            english: std::sync::OnceLock::new(),
        }
    }

    /// Whether the content reads as English prose, which the meaning layer's
    /// model needs (a text too short to tell counts as English).
    pub fn reads_as_english(&self) -> bool {
        *self.english.get_or_init(|| {
            self.tokens.len() < TOKENS_TO_TELL_LANGUAGE
                || unspun_text::boilerplate::english_share(&self.tokens) >= ENGLISH_MIN_SHARE
        })
    }

    /// Prepares a whole text, with no boilerplate removed.
    pub fn whole(text: &'a str) -> Self {
        Self::new(text, &[Span::new(0, text.len())])
    }

    /// Shingle positions sorted by shingle, for lookups.
    pub fn index(&self) -> &[(u64, u32)] {
        self.index.get_or_init(|| {
            // A counting sort over each shingle's rank in the (sorted,
            // distinct) set: positions come out ascending within a shingle,
            // as a sort of (shingle, position) would give them, without
            // sorting again what the set already sorted.
            let rank = |h: u64| self.set.partition_point(|&x| x < h);
            let mut starts = vec![0u32; self.set.len() + 1];
            let ranks: Vec<usize> = self.shingles.iter().map(|&h| rank(h)).collect();
            for &r in &ranks {
                starts[r + 1] += 1;
            }
            for k in 1..starts.len() {
                starts[k] += starts[k - 1];
            }
            let mut index = vec![(0u64, 0u32); self.shingles.len()];
            for (i, (&h, &r)) in self.shingles.iter().zip(&ranks).enumerate() {
                let slot = &mut starts[r];
                index[*slot as usize] = (h, i as u32);
                *slot += 1;
            }
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_is_every_shingle_with_its_position_in_order() {
        // Repeated phrases give shingles at several positions.
        let text = "The talks will go on, officials say. The talks will go on, \
            officials say, and the talks will go on until the visit ends.";
        let p = Prepared::whole(text);
        let mut want: Vec<(u64, u32)> = p
            .shingles
            .iter()
            .enumerate()
            .map(|(i, &h)| (h, i as u32))
            .collect();
        want.sort_unstable();
        assert!(
            want.windows(2).any(|w| w[0].0 == w[1].0),
            "no repeated shingle"
        );
        assert_eq!(p.index(), want.as_slice());
    }
}
