//! Verbatim passages: matching shingle runs, merged across small edits.
//!
//! 1. Every shingle of `b` is looked up among the shingles of `a`; a match
//!    `(i, j)` says the windows at token `i` of `a` and `j` of `b` are equal.
//! 2. Matches on one diagonal (`i - j` constant) at consecutive positions form
//!    runs. Runs are taken longest first, skipping any that overlaps a run
//!    already taken in either text (greedy string tiling), so a repeated
//!    sentence is not credited twice.
//! 3. Runs in the same order in both texts, separated by at most
//!    [`MAX_GAP_TOKENS`] in each, merge into one passage: a substituted word or
//!    an OCR error breaks a run, not a passage.

use crate::prepare::Prepared;
use serde::{Deserialize, Serialize};
use unspun_sketch::SHINGLE_WORDS;
use unspun_text::Span;

/// Largest gap, in tokens on each side, bridged inside one passage.
pub const MAX_GAP_TOKENS: usize = 6;
/// Shorter passages are chance (a stock phrase), not evidence.
pub const MIN_PASSAGE_TOKENS: usize = 8;
/// A shingle found more often than this in `a` is a repeated phrase of that
/// text; matching every occurrence would only add time.
const MAX_OCCURRENCES: usize = 8;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PassageKind {
    Verbatim,
    Paraphrase,
}

/// An aligned passage: byte ranges in both originals, and token ranges in
/// both content token sequences.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Passage {
    pub a: Span,
    pub b: Span,
    pub kind: PassageKind,
    /// Token ranges, as `u32`: a large scan holds millions of passages.
    #[serde(skip)]
    pub a_tokens: (u32, u32),
    #[serde(skip)]
    pub b_tokens: (u32, u32),
}

impl Passage {
    /// The passage's content tokens in `a`, as a range of indices.
    pub fn tokens_a(&self) -> (usize, usize) {
        (self.a_tokens.0 as usize, self.a_tokens.1 as usize)
    }

    pub fn tokens_b(&self) -> (usize, usize) {
        (self.b_tokens.0 as usize, self.b_tokens.1 as usize)
    }

    /// How many content tokens of `a` the passage holds.
    pub fn token_len_a(&self) -> usize {
        self.a_tokens.1.saturating_sub(self.a_tokens.0) as usize
    }

    pub fn token_len_b(&self) -> usize {
        self.b_tokens.1.saturating_sub(self.b_tokens.0) as usize
    }
}

/// A token index as stored in a passage (content tokens of one document
/// are far fewer than 2^32: documents are capped well below 4 GB).
pub fn token_index(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}

#[derive(Debug, Clone, Copy)]
struct Run {
    a: usize,
    b: usize,
    /// Length in tokens.
    len: usize,
}

/// Verbatim passages shared by `a` and `b`, in `a`'s order.
pub fn align(a: &Prepared, b: &Prepared) -> Vec<Passage> {
    let runs = tiled_runs(a, b);
    merge(a, b, runs)
}

fn matching_runs(a: &Prepared, b: &Prepared) -> Vec<Run> {
    // Both sides' shingles sorted, walked together: a merge, not a binary
    // search of `a` for every shingle of `b` (most of the time align took).
    let (in_a, in_b) = (a.index(), b.index());
    // (diagonal, i) for every match; sorting groups runs together.
    let mut matches: Vec<(i64, u32)> = Vec::new();
    let (mut x, mut y) = (0, 0);
    while x < in_a.len() && y < in_b.len() {
        let (ha, hb) = (in_a[x].0, in_b[y].0);
        if ha < hb {
            x += 1;
        } else if hb < ha {
            y += 1;
        } else {
            let x_end = x + in_a[x..].iter().take_while(|e| e.0 == ha).count();
            let y_end = y + in_b[y..].iter().take_while(|e| e.0 == ha).count();
            // A phrase repeated all over `a` is matched at its first
            // occurrences only: enough for tiling to pick the best run, and
            // bounded.
            let firsts = &in_a[x..x_end.min(x + MAX_OCCURRENCES)];
            for &(_, j) in &in_b[y..y_end] {
                matches.extend(firsts.iter().map(|&(_, i)| (i as i64 - j as i64, i)));
            }
            (x, y) = (x_end, y_end);
        }
    }
    matches.sort_unstable();
    let window = SHINGLE_WORDS.min(a.tokens.len()).min(b.tokens.len()).max(1);
    let mut runs = Vec::new();
    let mut k = 0;
    while k < matches.len() {
        let (diag, start) = matches[k];
        let mut end = start;
        k += 1;
        while k < matches.len() && matches[k].0 == diag && matches[k].1 == end + 1 {
            end += 1;
            k += 1;
        }
        let i = start as usize;
        let j = (start as i64 - diag) as usize;
        runs.push(Run {
            a: i,
            b: j,
            len: (end - start) as usize + window,
        });
    }
    runs
}

fn tiled_runs(a: &Prepared, b: &Prepared) -> Vec<Run> {
    let mut runs = matching_runs(a, b);
    runs.sort_by(|x, y| y.len.cmp(&x.len).then(x.a.cmp(&y.a)).then(x.b.cmp(&y.b)));
    let mut used_a = vec![false; a.tokens.len()];
    let mut used_b = vec![false; b.tokens.len()];
    let mut taken = Vec::new();
    for r in runs {
        let (ra, rb) = (r.a..r.a + r.len, r.b..r.b + r.len);
        if ra.end > used_a.len() || rb.end > used_b.len() {
            continue;
        }
        if used_a[ra.clone()].iter().any(|&u| u) || used_b[rb.clone()].iter().any(|&u| u) {
            continue;
        }
        used_a[ra].iter_mut().for_each(|u| *u = true);
        used_b[rb].iter_mut().for_each(|u| *u = true);
        taken.push(r);
    }
    taken.sort_by_key(|r| (r.a, r.b));
    taken
}

fn merge(a: &Prepared, b: &Prepared, runs: Vec<Run>) -> Vec<Passage> {
    let mut out = Vec::new();
    let mut current: Option<(usize, usize, usize, usize)> = None; // a_start, a_end, b_start, b_end
    let flush = |cur: (usize, usize, usize, usize), out: &mut Vec<Passage>| {
        let (a0, a1, b0, b1) = cur;
        if a1 - a0 >= MIN_PASSAGE_TOKENS && b1 - b0 >= MIN_PASSAGE_TOKENS {
            out.push(Passage {
                a: a.byte_span(a0, a1),
                b: b.byte_span(b0, b1),
                kind: PassageKind::Verbatim,
                a_tokens: (token_index(a0), token_index(a1)),
                b_tokens: (token_index(b0), token_index(b1)),
            });
        }
    };
    for r in runs {
        let (ra0, ra1, rb0, rb1) = (r.a, r.a + r.len, r.b, r.b + r.len);
        current = match current {
            Some((a0, a1, b0, b1))
                if ra0 >= a1
                    && rb0 >= b1
                    && ra0 - a1 <= MAX_GAP_TOKENS
                    && rb0 - b1 <= MAX_GAP_TOKENS =>
            {
                Some((a0, ra1, b0, rb1))
            }
            Some(cur) => {
                flush(cur, &mut out);
                Some((ra0, ra1, rb0, rb1))
            }
            None => Some((ra0, ra1, rb0, rb1)),
        };
    }
    if let Some(cur) = current {
        flush(cur, &mut out);
    }
    out
}

/// Share of each side's tokens that lie inside passages.
pub fn coverage(a: &Prepared, b: &Prepared, passages: &[Passage]) -> (f64, f64) {
    let share = |n: usize, total: usize| {
        if total == 0 {
            0.0
        } else {
            n as f64 / total as f64
        }
    };
    let in_a: usize = passages.iter().map(Passage::token_len_a).sum();
    let in_b: usize = passages.iter().map(Passage::token_len_b).sum();
    (share(in_a, a.tokens.len()), share(in_b, b.tokens.len()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const BBC: &str = "The Kremlin said they would discuss a “comprehensive partnership and strategic co-operation”. \
        The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception.";

    #[test]
    fn a_quote_inside_other_text_is_one_passage_with_exact_bytes() {
        let quoting = "Reporters noted the timing. The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception. Nothing else.";
        let (a, b) = (Prepared::whole(BBC), Prepared::whole(quoting));
        let p = align(&a, &b);
        assert_eq!(p.len(), 1);
        assert_eq!(&BBC[p[0].a.range()], "The visit comes as Beijing, an ally of Russia, has offered proposals to end the war in Ukraine, to which the West has given a lukewarm reception");
        assert_eq!(&quoting[p[0].b.range()], &BBC[p[0].a.range()]);
    }

    #[test]
    fn small_edits_do_not_break_a_passage() {
        let edited = BBC
            .replace("lukewarm", "cool")
            .replace("ally", "friend")
            .replace("discuss", "disscuss");
        let (a, b) = (Prepared::whole(BBC), Prepared::whole(&edited));
        let p = align(&a, &b);
        assert_eq!(p.len(), 1, "{p:?}");
        let (ca, cb) = coverage(&a, &b, &p);
        assert!(ca > 0.9 && cb > 0.9, "{ca} {cb}");
    }

    #[test]
    fn unrelated_texts_share_nothing() {
        let other = "Shannon Alexandra Wade, age 27, was born July 19, 1995, in Atlanta, Georgia, and loved the sea.";
        assert!(align(&Prepared::whole(BBC), &Prepared::whole(other)).is_empty());
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]
        #[test]
        fn a_document_matches_itself(words in proptest::collection::vec("[a-z]{1,8}", 8..120)) {
            let text = words.join(" ");
            let d = Prepared::whole(&text);
            let p = align(&d, &d);
            let (ca, cb) = coverage(&d, &d, &p);
            prop_assert!(ca > 0.99, "coverage {}", ca);
            prop_assert!((ca - cb).abs() < 1e-9);
            for x in &p {
                prop_assert!(text.is_char_boundary(x.a.start as usize) && text.is_char_boundary(x.a.end as usize));
            }
        }
    }
}
