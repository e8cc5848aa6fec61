//! Word shingles: hashes of every window of [`SHINGLE_WORDS`] consecutive tokens.

use unspun_text::token::fmix64;
use unspun_text::Token;

/// Window length. Three words, the usual choice for news near-duplicates (and
/// the peers' recipe), is long enough that a shared shingle is rarely chance
/// and short enough to survive word-level edits between them.
pub const SHINGLE_WORDS: usize = 3;

/// Hash of the window starting at each position; a text shorter than the
/// window gives one shingle of all its tokens, an empty one gives none.
pub fn shingles(tokens: &[Token]) -> Vec<u64> {
    if tokens.is_empty() {
        return Vec::new();
    }
    if tokens.len() < SHINGLE_WORDS {
        return vec![combine(tokens.iter().map(|t| t.hash))];
    }
    tokens
        .windows(SHINGLE_WORDS)
        .map(|w| combine(w.iter().map(|t| t.hash)))
        .collect()
}

#[inline]
fn combine(hashes: impl Iterator<Item = u64>) -> u64 {
    // Rotation makes the combination order-sensitive ("a b c" ≠ "c b a").
    fmix64(hashes.fold(0u64, |acc, h| acc.rotate_left(23) ^ h))
}

/// Sorted, deduplicated shingle set.
pub fn shingle_set(shingles: &[u64]) -> Vec<u64> {
    let mut set = shingles.to_vec();
    set.sort_unstable();
    set.dedup();
    set
}

#[cfg(test)]
mod tests {
    use super::*;
    use unspun_text::tokenize;

    #[test]
    fn order_matters_and_case_does_not() {
        let a = shingles(&tokenize("Putin met Xi"));
        let b = shingles(&tokenize("putin MET xi"));
        let c = shingles(&tokenize("Xi met Putin"));
        assert_eq!(a, b);
        assert_ne!(a, c);
        assert_eq!(shingles(&tokenize("one two three four")).len(), 2);
        assert_eq!(shingles(&tokenize("hello")).len(), 1);
        assert!(shingles(&tokenize("  ,, ")).is_empty());
    }
}
