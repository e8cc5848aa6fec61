//! Deduplication: which documents to keep so that each text is kept once.
//!
//! Families are connected groups, so they chain: a document that quotes a
//! passage of another is in its family, and dropping every family member
//! but one would lose what each one wrote itself. Dedup decides pair by
//! pair instead, and only on the copy relations that leave nothing behind:
//!
//! 1. Of duplicates and near-duplicates, the first in [`keep_order`] is kept
//!    (by default the earliest dated, then the one with the most text, then
//!    the first read; see [`Keep`]) and every document that is such a copy
//!    of a kept one is dropped,
//!    naming it. A copy of a dropped copy is left for the document it copies
//!    to decide: near-duplication does not chain.
//! 2. Then a kept document lying wholly inside another kept one
//!    (`containment`) is dropped, larger documents deciding first, so that a
//!    page quoting a whole article keeps it and the excerpt goes.
//!
//! `reuse`, `paraphrase` and `same_story` never drop a document: each side
//! has text of its own.

use unspun_compare::Relation;

/// What dedup knows of one document.
#[derive(Debug, Clone, Copy)]
pub struct DedupDoc {
    /// Day number of its date, if known.
    pub day: Option<i64>,
    /// Bytes of text, boilerplate set aside.
    pub content_bytes: usize,
}

/// A verified pair, by document index.
#[derive(Debug, Clone, Copy)]
pub struct DedupPair {
    pub a: u32,
    pub b: u32,
    pub relation: Relation,
    pub containment_a_in_b: f64,
    pub containment_b_in_a: f64,
}

/// Why a document was dropped: it copies `of`, and its text is kept in
/// `kept` (`of` itself, or the document `of` lies inside when a
/// near-duplicate's keeper turned out to be an excerpt).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Dropped {
    pub of: u32,
    pub kept: u32,
    pub relation: Relation,
    /// The pair's index in the pairs given.
    pub pair: usize,
}

/// Which of a group of copies is kept.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Keep {
    /// The earliest dated (undated after dated), then the one with the most
    /// text, then the first read: the likely original.
    #[default]
    Earliest,
    /// The one with the most text, then the earliest dated, then the first.
    Longest,
    /// The first read (inputs listed by priority).
    First,
}

impl Keep {
    pub fn as_str(self) -> &'static str {
        match self {
            Keep::Earliest => "earliest",
            Keep::Longest => "longest",
            Keep::First => "first",
        }
    }
}

impl std::str::FromStr for Keep {
    type Err = String;
    fn from_str(s: &str) -> Result<Keep, String> {
        [Keep::Earliest, Keep::Longest, Keep::First]
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| format!("expected earliest, longest or first, got {s:?}"))
    }
}

/// How dedup decides.
#[derive(Debug, Clone, Copy)]
pub struct DedupOptions {
    /// Whether documents lying inside a kept one are dropped too.
    pub drop_contained: bool,
    pub keep: Keep,
}

impl Default for DedupOptions {
    fn default() -> Self {
        DedupOptions {
            drop_contained: true,
            keep: Keep::Earliest,
        }
    }
}

/// Document indices, the one to keep first, by `keep`.
pub fn keep_order(docs: &[DedupDoc], keep: Keep) -> Vec<u32> {
    let mut order: Vec<u32> = (0..docs.len() as u32).collect();
    let date = |d: &DedupDoc| (d.day.is_none(), d.day.unwrap_or(0));
    let more_text = |d: &DedupDoc| std::cmp::Reverse(d.content_bytes);
    match keep {
        Keep::Earliest => order.sort_by_key(|&i| {
            let d = &docs[i as usize];
            (date(d), more_text(d), i)
        }),
        Keep::Longest => order.sort_by_key(|&i| {
            let d = &docs[i as usize];
            (more_text(d), date(d), i)
        }),
        Keep::First => {}
    }
    order
}

/// For each document, `None` to keep it or why it is dropped.
pub fn dedup(docs: &[DedupDoc], pairs: &[DedupPair], opts: DedupOptions) -> Vec<Option<Dropped>> {
    let n = docs.len();
    let order = keep_order(docs, opts.keep);
    let mut rank = vec![0u32; n];
    for (r, &d) in order.iter().enumerate() {
        rank[d as usize] = r as u32;
    }
    let valid = |p: &DedupPair| (p.a as usize) < n && (p.b as usize) < n && p.a != p.b;

    // Step 1: near-duplication, from each copy to the documents before it.
    let mut earlier: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n];
    for (k, p) in pairs.iter().enumerate() {
        if !valid(p) || !matches!(p.relation, Relation::Duplicate | Relation::NearDuplicate) {
            continue;
        }
        let (first, later) = if rank[p.a as usize] < rank[p.b as usize] {
            (p.a, p.b)
        } else {
            (p.b, p.a)
        };
        earlier[later as usize].push((first, k));
    }
    let mut dropped: Vec<Option<Dropped>> = vec![None; n];
    for &d in &order {
        // The kept document first in the order wins, whatever the pair order.
        let copied = earlier[d as usize]
            .iter()
            .filter(|&&(e, _)| dropped[e as usize].is_none())
            .min_by_key(|&&(e, _)| rank[e as usize]);
        if let Some(&(of, pair)) = copied {
            dropped[d as usize] = Some(Dropped {
                of,
                kept: of,
                relation: pairs[pair].relation,
                pair,
            });
        }
    }
    if !opts.drop_contained {
        return dropped;
    }
    // (Step 1's keepers are all kept here; step 2 may drop one, see the end.)

    // Step 2: containment among the kept, larger documents first.
    let mut containers: Vec<Vec<(u32, usize)>> = vec![Vec::new(); n];
    for (k, p) in pairs.iter().enumerate() {
        if !valid(p) || p.relation != Relation::Containment {
            continue;
        }
        let (inner, outer) = if p.containment_a_in_b >= p.containment_b_in_a {
            (p.a, p.b)
        } else {
            (p.b, p.a)
        };
        containers[inner as usize].push((outer, k));
    }
    let mut by_size = order.clone();
    by_size.sort_by_key(|&i| {
        (
            std::cmp::Reverse(docs[i as usize].content_bytes),
            rank[i as usize],
        )
    });
    // Only a container already decided may keep a document, so that no
    // document is dropped for one dropped after it.
    let mut decided = vec![false; n];
    for &d in &by_size {
        decided[d as usize] = true;
        if dropped[d as usize].is_some() {
            continue;
        }
        let inside = containers[d as usize]
            .iter()
            .filter(|&&(o, _)| decided[o as usize] && o != d && dropped[o as usize].is_none())
            .min_by_key(|&&(o, _)| rank[o as usize]);
        if let Some(&(of, pair)) = inside {
            dropped[d as usize] = Some(Dropped {
                of,
                kept: of,
                relation: Relation::Containment,
                pair,
            });
        }
    }
    // A copy kept in a document dropped as contained is kept where that
    // one is: a container decided before it, and so never dropped.
    for d in 0..n {
        if let Some(why) = dropped[d] {
            if let Some(of) = dropped[why.of as usize] {
                if let Some(mine) = dropped[d].as_mut() {
                    mine.kept = of.kept;
                }
            }
        }
    }
    dropped
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn doc(day: Option<i64>, content_bytes: usize) -> DedupDoc {
        DedupDoc { day, content_bytes }
    }

    fn pair(a: u32, b: u32, relation: Relation) -> DedupPair {
        DedupPair {
            a,
            b,
            relation,
            containment_a_in_b: 0.9,
            containment_b_in_a: 0.9,
        }
    }

    /// `inner` lies inside `outer`.
    fn inside(inner: u32, outer: u32) -> DedupPair {
        DedupPair {
            a: inner,
            b: outer,
            relation: Relation::Containment,
            containment_a_in_b: 0.95,
            containment_b_in_a: 0.3,
        }
    }

    fn kept_of(result: &[Option<Dropped>]) -> Vec<Option<u32>> {
        result.iter().map(|d| d.map(|d| d.kept)).collect()
    }

    #[test]
    fn the_earliest_copy_is_kept_then_the_longest() {
        let docs = [
            doc(Some(20), 900),
            doc(None, 5000),
            doc(Some(10), 800),
            doc(Some(20), 950),
        ];
        let pairs = [
            pair(0, 1, Relation::NearDuplicate),
            pair(0, 2, Relation::Duplicate),
            pair(1, 2, Relation::NearDuplicate),
            pair(0, 3, Relation::NearDuplicate),
        ];
        // Dated first (earliest first), then more text, then input order.
        assert_eq!(keep_order(&docs, Keep::Earliest), vec![2, 3, 0, 1]);
        assert_eq!(keep_order(&docs, Keep::Longest), vec![1, 3, 0, 2]);
        assert_eq!(keep_order(&docs, Keep::First), vec![0, 1, 2, 3]);
        let result = dedup(&docs, &pairs, DedupOptions::default());
        assert_eq!(kept_of(&result), vec![Some(2), Some(2), None, None]);
        assert_eq!(
            result[0],
            Some(Dropped {
                of: 2,
                kept: 2,
                relation: Relation::Duplicate,
                pair: 1
            })
        );
    }

    #[test]
    fn the_policy_picks_which_copy_stays() {
        // 0 undated and long, 1 dated and short: one text.
        let docs = [doc(None, 5000), doc(Some(3), 4800)];
        let pairs = [pair(0, 1, Relation::NearDuplicate)];
        let kept_with = |keep| {
            let opts = DedupOptions {
                keep,
                ..DedupOptions::default()
            };
            kept_of(&dedup(&docs, &pairs, opts))
        };
        assert_eq!(kept_with(Keep::Earliest), vec![Some(1), None]);
        assert_eq!(kept_with(Keep::Longest), vec![None, Some(0)]);
        assert_eq!(kept_with(Keep::First), vec![None, Some(0)]);
        assert_eq!("longest".parse(), Ok(Keep::Longest));
        assert!("latest".parse::<Keep>().is_err());
    }

    #[test]
    fn near_duplication_does_not_chain() {
        // 0 ~ 1 and 1 ~ 2, but 0 and 2 are not alike: 2 keeps its text.
        let docs = [doc(None, 100); 3];
        let pairs = [
            pair(1, 2, Relation::NearDuplicate),
            pair(0, 1, Relation::NearDuplicate),
        ];
        let result = dedup(&docs, &pairs, DedupOptions::default());
        assert_eq!(kept_of(&result), vec![None, Some(0), None]);
    }

    #[test]
    fn an_excerpt_goes_and_its_container_stays() {
        // 1 is an excerpt of 0; 2 quotes all of 0 and more; 3 reuses 2.
        let docs = [
            doc(Some(1), 2000),
            doc(Some(0), 500),
            doc(Some(2), 4000),
            doc(None, 3000),
        ];
        let pairs = [inside(1, 0), inside(0, 2), pair(2, 3, Relation::Reuse)];
        let result = dedup(&docs, &pairs, DedupOptions::default());
        // Larger documents decide first: 0 goes inside 2, and 1 is then
        // left alone, its container dropped.
        assert_eq!(kept_of(&result), vec![Some(2), None, None, None]);
        assert_eq!(result[0].map(|d| d.relation), Some(Relation::Containment));
        let keep_parts = dedup(
            &docs,
            &pairs,
            DedupOptions {
                drop_contained: false,
                ..DedupOptions::default()
            },
        );
        assert!(keep_parts.iter().all(Option::is_none));
    }

    #[test]
    fn copies_of_an_excerpt_are_kept_in_its_container() {
        // 0, 1, 2 are one syndicated article (0 the earliest); 3 is a long
        // page that quotes all of 0.
        let docs = [
            doc(Some(1), 900),
            doc(Some(2), 900),
            doc(Some(3), 900),
            doc(Some(5), 6000),
        ];
        let pairs = [
            pair(0, 1, Relation::NearDuplicate),
            pair(0, 2, Relation::Duplicate),
            inside(0, 3),
        ];
        let result = dedup(&docs, &pairs, DedupOptions::default());
        assert_eq!(kept_of(&result), vec![Some(3), Some(3), Some(3), None]);
        // Each still names the document its pair links it to.
        let of: Vec<Option<u32>> = result.iter().map(|d| d.map(|d| d.of)).collect();
        assert_eq!(of, vec![Some(3), Some(0), Some(0), None]);
    }

    #[test]
    fn the_side_with_the_larger_containment_is_inside() {
        let docs = [doc(None, 400), doc(None, 3000)];
        let mut p = inside(1, 0);
        // Reported the other way round: 0 lies in 1.
        p.containment_a_in_b = 0.2;
        p.containment_b_in_a = 0.9;
        let result = dedup(&docs, &[p], DedupOptions::default());
        assert_eq!(kept_of(&result), vec![Some(1), None]);
    }

    #[test]
    fn rewrites_and_bad_indices_drop_nothing() {
        let docs = [doc(None, 100); 2];
        let pairs = [
            pair(0, 1, Relation::Reuse),
            pair(0, 1, Relation::Paraphrase),
            pair(0, 1, Relation::SameStory),
            pair(0, 7, Relation::Duplicate),
            pair(1, 1, Relation::Duplicate),
        ];
        let result = dedup(&docs, &pairs, DedupOptions::default());
        assert!(result.iter().all(Option::is_none));
    }

    fn relation_of(k: u8) -> Relation {
        [
            Relation::Duplicate,
            Relation::NearDuplicate,
            Relation::Containment,
            Relation::Reuse,
        ][k as usize % 4]
    }

    proptest! {
        #[test]
        fn every_dropped_document_names_a_kept_one_it_is_paired_with(
            sizes in prop::collection::vec((prop::option::of(0i64..5), 1usize..50), 1..30),
            raw in prop::collection::vec((0u32..30, 0u32..30, any::<u8>(), 0.0f64..1.0, 0.0f64..1.0), 0..80),
        ) {
            let docs: Vec<DedupDoc> = sizes.iter().map(|&(day, bytes)| doc(day, bytes)).collect();
            let pairs: Vec<DedupPair> = raw
                .iter()
                .map(|&(a, b, k, x, y)| DedupPair {
                    a,
                    b,
                    relation: relation_of(k),
                    containment_a_in_b: x,
                    containment_b_in_a: y,
                })
                .collect();
            let result = dedup(&docs, &pairs, DedupOptions::default());
            prop_assert_eq!(result.len(), docs.len());
            for (d, why) in result.iter().enumerate() {
                let Some(why) = why else { continue };
                prop_assert!(result[why.kept as usize].is_none(), "{} dropped for dropped {}", d, why.kept);
                let p = &pairs[why.pair];
                let mut ends = [p.a, p.b];
                ends.sort_unstable();
                let mut expected = [d as u32, why.of];
                expected.sort_unstable();
                prop_assert_eq!(ends, expected);
                prop_assert_eq!(p.relation, why.relation);
            }
            // A kept document has no duplicate among the kept.
            for p in &pairs {
                if matches!(p.relation, Relation::Duplicate | Relation::NearDuplicate)
                    && (p.a as usize) < docs.len() && (p.b as usize) < docs.len() && p.a != p.b
                {
                    prop_assert!(result[p.a as usize].is_some() || result[p.b as usize].is_some());
                }
            }
        }
    }
}
