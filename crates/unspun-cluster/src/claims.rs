//! The claim matrix of a story: its distinct statements, and which sentence
//! of which document makes each.
//!
//! Sentences of two related documents are aligned through the passages the
//! compare stage found (verbatim, and paraphrased with the meaning layer: its
//! order-preserving sentence alignment). Aligned sentences
//! join one claim, strongest links first, with one rule against chaining: a
//! claim holds at most one sentence of each document, so two statements of
//! one article never merge through a third article's sentence.

use crate::provenance::{SharedText, TextOf};
use crate::unionfind::UnionFind;
use std::collections::HashMap;
use unspun_compare::meaning::align_meaning;
use unspun_compare::{token_index, Meaning, Passage, PassageKind, Prepared, Relation, Sentences};
use unspun_text::sentence::sentences_in;
use unspun_text::{tokenize_spans, Span, Token};

/// Sentences shorter than this (a dateline, "Media caption,") make no claim.
pub const MIN_CLAIM_TOKENS: usize = 5;

/// One statement and the sentences that make it.
#[derive(Debug, Clone, PartialEq)]
pub struct Claim {
    /// The statement as the first document (in the order given) words it.
    pub text: String,
    /// `(document, sentence bytes)`, at most one per document, in the order
    /// the documents were given.
    pub sentences: Vec<(u32, Span)>,
}

/// A sentence: its bytes and its content tokens.
#[derive(Debug, Clone, Copy)]
struct Unit {
    span: Span,
    tokens: (usize, usize),
}

/// A member of the story as claims read it: its content tokens. The
/// shingles of a full [`Prepared`] are made only for the meaning layer.
struct Member<'t> {
    text: &'t str,
    kept: &'t [Span],
    tokens: Vec<Token>,
}

impl<'t> Member<'t> {
    fn new(text: &'t str, kept: &'t [Span]) -> Self {
        Member {
            text,
            kept,
            tokens: tokenize_spans(text, kept),
        }
    }

    /// The same document prepared as [`Prepared::new`] would.
    fn prepared(&self) -> Prepared<'t> {
        Prepared::from_cleaned(self.text, self.kept.to_vec(), self.tokens.clone())
    }
}

fn units(m: &Member) -> Vec<Unit> {
    let mut out = Vec::new();
    let mut t = 0;
    for k in m.kept {
        for s in sentences_in(m.text, k.range()) {
            while t < m.tokens.len() && m.tokens[t].span.start < s.start {
                t += 1;
            }
            let start = t;
            while t < m.tokens.len() && m.tokens[t].span.end <= s.end {
                t += 1;
            }
            if t - start >= MIN_CLAIM_TOKENS {
                out.push(Unit {
                    span: s,
                    tokens: (start, t),
                });
            }
        }
    }
    out
}

fn overlap(x: (usize, usize), y: (usize, usize)) -> usize {
    x.1.min(y.1).saturating_sub(x.0.max(y.0))
}

/// Sentence pairs a passage aligns: each sentence mostly inside the passage
/// on one side maps, by its relative position, to the sentence at the same
/// place on the other side (exact for verbatim text, and for paraphrase
/// passages, which pair sentences one to one in order).
fn unit_pairs(ua: &[Unit], ub: &[Unit], p: &Passage) -> Vec<(usize, usize)> {
    let (pa, pb) = (p.tokens_a(), p.tokens_b());
    if pa.1 <= pa.0 || pb.1 <= pb.0 {
        return Vec::new();
    }
    let mostly_in =
        |u: &Unit, r: (usize, usize)| 2 * overlap(u.tokens, r) >= u.tokens.1 - u.tokens.0;
    let mut out = Vec::new();
    for (i, u) in ua.iter().enumerate() {
        if !mostly_in(u, pa) {
            continue;
        }
        let mid = (u.tokens.0.max(pa.0) + u.tokens.1.min(pa.1)) / 2;
        let t = (mid - pa.0) as f64 / (pa.1 - pa.0) as f64;
        let mapped = pb.0 + (t * (pb.1 - pb.0) as f64) as usize;
        let j = ub.partition_point(|v| v.tokens.1 <= mapped);
        if ub
            .get(j)
            .is_some_and(|v| v.tokens.0 <= mapped && mostly_in(v, pb))
        {
            out.push((i, j));
        }
    }
    out
}

/// The content tokens inside `bytes`, as a range of `tokens`.
fn tokens_within(tokens: &[Token], bytes: Span) -> (u32, u32) {
    let start = tokens.partition_point(|t| t.span.start < bytes.start);
    let end = tokens.partition_point(|t| t.span.end <= bytes.end);
    (token_index(start), token_index(end.max(start)))
}

/// `passage` with its token ranges, which passages read back from storage
/// lack (they keep only byte ranges).
fn with_token_ranges(passage: &Passage, a: &Member, b: &Member) -> Passage {
    let mut p = passage.clone();
    if p.a_tokens.1 <= p.a_tokens.0 && !p.a.is_empty() {
        p.a_tokens = tokens_within(&a.tokens, p.a);
    }
    if p.b_tokens.1 <= p.b_tokens.0 && !p.b.is_empty() {
        p.b_tokens = tokens_within(&b.tokens, p.b);
    }
    p
}

/// The claims of the documents `members` (in the order their wording is
/// preferred: the original first). `kept[m]` are document m's content spans;
/// `pairs` are the related pairs the compare stage found among them, with
/// their passages. Sentences are aligned through those passages; with the
/// meaning layer, reuse and same-story pairs (whose paraphrased sentences
/// the compare stage does not keep) are aligned by meaning again, mostly
/// from its cache. Documents with no pair between them share claims only
/// through a third document.
pub fn claims(
    members: &[u32],
    kept: &[Vec<Span>],
    pairs: &[SharedText],
    text: TextOf,
    meaning: Option<&Meaning>,
) -> std::io::Result<Vec<Claim>> {
    let texts: Vec<String> = members
        .iter()
        .map(|&m| text(m))
        .collect::<std::io::Result<_>>()?;
    let no_spans = Vec::new();
    let member: Vec<Member> = members
        .iter()
        .zip(&texts)
        .map(|(&m, t)| Member::new(t, kept.get(m as usize).unwrap_or(&no_spans)))
        .collect();
    let units: Vec<Vec<Unit>> = member.iter().map(units).collect();
    let mut prepared: Vec<Option<Prepared>> = (0..members.len()).map(|_| None).collect();
    let position: HashMap<u32, usize> = members.iter().enumerate().map(|(k, &m)| (m, k)).collect();
    let mut sentences: Vec<Option<Sentences>> = (0..members.len()).map(|_| None).collect();
    // Node numbering: the units of document k start at offset[k].
    let mut offset = vec![0usize; members.len() + 1];
    for (k, u) in units.iter().enumerate() {
        offset[k + 1] = offset[k] + u.len();
    }
    // (strength, node, node): verbatim links before paraphrase links.
    let mut links: Vec<(u8, usize, usize)> = Vec::new();
    for pair in pairs {
        let (Some(&i), Some(&j)) = (position.get(&pair.a), position.get(&pair.b)) else {
            continue;
        };
        let mut passages: Vec<Passage> = pair
            .passages
            .iter()
            .map(|p| with_token_ranges(p, &member[i], &member[j]))
            .collect();
        let realign = matches!(pair.relation, Relation::Reuse | Relation::SameStory);
        if let (Some(m), true) = (meaning, realign) {
            for k in [i, j] {
                let p = prepared[k].get_or_insert_with(|| member[k].prepared());
                if sentences[k].is_none() {
                    sentences[k] = Some(Sentences::of(p, m));
                }
            }
            if let (Some(si), Some(sj), Some(pi), Some(pj)) =
                (&sentences[i], &sentences[j], &prepared[i], &prepared[j])
            {
                let found = align_meaning(pi, pj, si, sj, &passages, m)
                    .map_err(|e| std::io::Error::other(format!("meaning layer: {e}")))?;
                passages.extend(found.paraphrase_passages);
            }
        }
        for p in &passages {
            let strength = match p.kind {
                PassageKind::Verbatim => 2,
                PassageKind::Paraphrase => 1,
            };
            for (x, y) in unit_pairs(&units[i], &units[j], p) {
                let (x, y) = (offset[i] + x, offset[j] + y);
                links.push((strength, x.min(y), x.max(y)));
            }
        }
    }
    links.sort_by(|x, y| y.0.cmp(&x.0).then((x.1, x.2).cmp(&(y.1, y.2))));
    links.dedup();
    let total = offset[members.len()];
    let doc_of = |node: usize| offset.partition_point(|&o| o <= node) - 1;
    let mut uf = UnionFind::new(total);
    // Documents present in each group, by root.
    let mut docs_in: Vec<Vec<usize>> = (0..total).map(|n| vec![doc_of(n)]).collect();
    for &(_, x, y) in &links {
        let (rx, ry) = (uf.find(x as u32) as usize, uf.find(y as u32) as usize);
        if rx == ry || docs_in[rx].iter().any(|d| docs_in[ry].contains(d)) {
            continue;
        }
        uf.union(rx as u32, ry as u32);
        let root = uf.find(rx as u32) as usize;
        let other = if root == rx { ry } else { rx };
        let moved = std::mem::take(&mut docs_in[other]);
        docs_in[root].extend(moved);
    }
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); total];
    for n in 0..total {
        groups[uf.find(n as u32) as usize].push(n);
    }
    let mut out: Vec<(usize, usize, Claim)> = groups
        .into_iter()
        .filter(|g| !g.is_empty())
        .map(|g| {
            let first = g[0];
            let (k, u) = (doc_of(first), first - offset[doc_of(first)]);
            let span = units[k][u].span;
            let claim = Claim {
                text: texts[k].get(span.range()).unwrap_or_default().to_string(),
                sentences: g
                    .iter()
                    .map(|&n| {
                        let d = doc_of(n);
                        (members[d], units[d][n - offset[d]].span)
                    })
                    .collect(),
            };
            (g.len(), first, claim)
        })
        .collect();
    // Most widely carried first, then in the preferred document's order.
    out.sort_by(|x, y| y.0.cmp(&x.0).then(x.1.cmp(&y.1)));
    Ok(out.into_iter().map(|(_, _, c)| c).collect())
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;
    use unspun_compare::{compare, PairContext, Thresholds};

    const A: &str = "Xi Jinping will travel to Moscow next week for talks with Putin. \
        The Kremlin said they would discuss a comprehensive partnership. \
        Western countries have warned Beijing against supplying weapons to Moscow.";
    const B: &str = "The visit was announced on Friday by both governments in a statement. \
        Xi Jinping will travel to Moscow next week for talks with Putin. \
        Western countries have warned Beijing against supplying weapons to Moscow.";

    fn run(texts: &[&str]) -> Vec<Claim> {
        let owned: Vec<String> = texts.iter().map(|t| t.to_string()).collect();
        let kept: Vec<Vec<Span>> = owned.iter().map(|t| vec![Span::new(0, t.len())]).collect();
        let members: Vec<u32> = (0..owned.len() as u32).collect();
        let mut compared = Vec::new();
        for i in 0..owned.len() {
            for j in i + 1..owned.len() {
                let c = compare(
                    &Prepared::whole(&owned[i]),
                    &Prepared::whole(&owned[j]),
                    PairContext::default(),
                    &Thresholds::default(),
                );
                compared.push((i as u32, j as u32, c));
            }
        }
        let pairs: Vec<SharedText> = compared
            .iter()
            .map(|(a, b, c)| SharedText::new(*a, *b, c))
            .collect();
        let read = |i: u32| -> std::io::Result<String> {
            owned
                .get(i as usize)
                .cloned()
                .ok_or_else(|| std::io::Error::other("no text"))
        };
        claims(&members, &kept, &pairs, &read, None).unwrap()
    }

    #[test]
    fn shared_sentences_are_one_claim_and_the_rest_are_single() {
        let c = run(&[A, B]);
        assert_eq!(c.len(), 4, "{c:?}");
        assert_eq!(c[0].sentences.len(), 2);
        assert!(c[0].text.starts_with("Xi Jinping will travel"), "{c:?}");
        assert!(c[1].text.starts_with("Western countries"), "{c:?}");
        let (d, span) = c[0].sentences[1];
        assert_eq!(d, 1);
        assert!(B[span.range()].starts_with("Xi Jinping will travel"));
        let singles: Vec<&str> = c[2..].iter().map(|c| c.text.as_str()).collect();
        assert!(singles[0].starts_with("The Kremlin said"), "{singles:?}");
        assert!(
            singles[1].starts_with("The visit was announced"),
            "{singles:?}"
        );
    }

    #[test]
    fn a_claim_holds_one_sentence_per_document() {
        // B repeats A's sentence twice; only one of them joins A's claim.
        let repeated = format!("{B} {B}");
        let c = run(&[A, &repeated]);
        for claim in &c {
            let mut docs: Vec<u32> = claim.sentences.iter().map(|s| s.0).collect();
            docs.dedup();
            assert_eq!(docs.len(), claim.sentences.len(), "{claim:?}");
        }
    }
}
