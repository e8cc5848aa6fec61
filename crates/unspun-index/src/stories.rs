//! Stories in the index: documents reporting one event, grouped from the
//! stored links (every related pair and near miss, with its story weight)
//! by the same average linkage as `unspun scan`. Computed from the links
//! when asked, so that they always equal what a batch run over the same
//! links gives; links are kept as documents arrive and leave.

use crate::error::IndexError;
use crate::index::Index;
use crate::match_::Loaded;
use crate::schema::{DOCS, LINKS};
use crate::tables::load;
use crate::views::{ClaimSentenceView, ClaimView, DerivationView, Pair, StoryView};
use redb::{ReadableDatabase, ReadableTable};
use std::collections::HashMap;
use unspun_cluster::{
    claims, day_number, derive, original, stories, DocMeta, SharedText, StoryEdge, StoryParams,
};
use unspun_compare::{Comparison, Meaning};
use unspun_text::Span;

impl Index {
    /// Every story of two or more documents, ordered by first member (in
    /// order of addition); members in order of addition.
    pub fn stories(&self) -> Result<Vec<StoryView>, IndexError> {
        let txn = self.db.begin_read()?;
        let docs = txn.open_table(DOCS)?;
        let links = txn.open_table(LINKS)?;
        // Dense by sequence number; removed documents have no id and no links.
        let mut ids: Vec<String> = Vec::new();
        let mut days: Vec<Option<i64>> = Vec::new();
        for row in docs.iter()? {
            let (seq, bytes) = row?;
            let seq = seq.value() as usize;
            let meta: crate::schema::DocMeta = serde_json::from_slice(bytes.value())?;
            if ids.len() <= seq {
                ids.resize(seq + 1, String::new());
                days.resize(seq + 1, None);
            }
            days[seq] = meta.date.as_deref().and_then(day_number);
            ids[seq] = meta.id;
        }
        let mut edges = Vec::new();
        for row in links.iter()? {
            let (key, weight) = row?;
            let (a, b) = key.value();
            if a < b {
                edges.push(StoryEdge {
                    a,
                    b,
                    weight: weight.value(),
                });
            }
        }
        let names: Vec<&str> = ids.iter().map(String::as_str).collect();
        Ok(stories(&names, &days, &edges, &StoryParams::default())
            .into_iter()
            .map(|s| StoryView {
                id: s.id,
                size: s.members.len(),
                members: s.members.iter().map(|&m| ids[m as usize].clone()).collect(),
                cohesion: (s.cohesion * 1e4).round() / 1e4,
                pairs: Vec::new(),
                original: None,
                edges: Vec::new(),
                claims: None,
            })
            .collect())
    }

    /// One story by its id, with the stored pairs among its members, its
    /// derivations (who copied or rewrote whom, and the clues), its likely
    /// original and its claim matrix: what `unspun scan` writes for a story,
    /// computed from the stored texts and pairs when asked.
    pub fn story(&self, story_id: &str) -> Result<Option<StoryView>, IndexError> {
        let Some(mut story) = self.stories()?.into_iter().find(|s| s.id == story_id) else {
            return Ok(None);
        };
        let s = self.snapshot()?;
        let mut members = Vec::with_capacity(story.members.len());
        for id in &story.members {
            let seq = s
                .seq_of(id)?
                .ok_or_else(|| IndexError::Corrupt(format!("story member `{id}` has no record")))?;
            let loaded = load(&s.docs, &s.texts, &s.sketches, seq)?
                .ok_or_else(|| IndexError::Corrupt(format!("story member `{id}` has no record")))?;
            members.push(loaded);
        }
        // Pairs among the members, by position in `members`; each once.
        let local: HashMap<u32, u32> = members
            .iter()
            .enumerate()
            .map(|(k, m)| (m.seq, k as u32))
            .collect();
        let mut compared: Vec<(u32, u32, Comparison)> = Vec::new();
        for m in &members {
            for (a, b, c) in s.pairs_of(m.seq)? {
                if b == m.seq {
                    if let (Some(&x), Some(&y)) = (local.get(&a), local.get(&b)) {
                        compared.push((x, y, c));
                    }
                }
            }
        }
        compared.sort_by_key(|&(a, b, _)| (a, b));
        story.pairs = compared
            .iter()
            .map(|(a, b, c)| pair_view(&members, *a, *b, c))
            .collect();
        let detail = detail(&members, &compared, self.meaning.as_deref())?;
        story.original = detail.original;
        story.edges = detail.edges;
        story.claims = detail.claims;
        Ok(Some(story))
    }
}

/// Stories with more members get no claim matrix (as in `unspun scan`: its
/// cost is quadratic in members).
const CLAIM_MAX_DOCS: usize = 40;

struct Detail {
    original: Option<String>,
    edges: Vec<DerivationView>,
    claims: Option<Vec<ClaimView>>,
}

fn pair_view(members: &[Loaded], a: u32, b: u32, c: &Comparison) -> Pair {
    Pair::new(
        members[a as usize].meta.id.clone(),
        members[b as usize].meta.id.clone(),
        c.clone(),
    )
}

/// Derivations, original and claims of a story's `members`, given the
/// stored comparisons among them (indices into `members`).
fn detail(
    members: &[Loaded],
    compared: &[(u32, u32, Comparison)],
    meaning: Option<&Meaning>,
) -> Result<Detail, IndexError> {
    let meta: Vec<DocMeta> = members
        .iter()
        .map(|m| {
            DocMeta::new(
                &m.meta.id,
                m.meta.date.as_deref(),
                m.meta.site.as_deref().or(m.meta.url.as_deref()),
                m.sketch.removed.iter().map(Span::len).sum(),
            )
        })
        .collect();
    let shared: Vec<SharedText> = compared
        .iter()
        .map(|(a, b, c)| SharedText::new(*a, *b, c))
        .collect();
    let text_of = |i: u32| -> std::io::Result<String> {
        members
            .get(i as usize)
            .map(|m| m.text.clone())
            .ok_or_else(|| std::io::Error::other(format!("no story member #{i}")))
    };
    let io = |e: std::io::Error| IndexError::Corrupt(format!("story texts: {e}"));
    let derivations = derive(&meta, &shared, &text_of).map_err(io)?;
    let order_all: Vec<u32> = (0..members.len() as u32).collect();
    let original_at = original(&order_all, &derivations);
    let id = |k: u32| members[k as usize].meta.id.clone();
    let claims = if members.len() <= CLAIM_MAX_DOCS {
        let mut order = order_all.clone();
        if let Some(o) = original_at {
            order.retain(|&m| m != o);
            order.insert(0, o);
        }
        let kept: Vec<Vec<Span>> = members.iter().map(|m| m.sketch.kept.clone()).collect();
        let found = claims(&order, &kept, &shared, &text_of, meaning).map_err(io)?;
        Some(
            found
                .into_iter()
                .map(|c| ClaimView {
                    text: c.text,
                    documents: c.sentences.len(),
                    sentences: c
                        .sentences
                        .into_iter()
                        .map(|(d, span)| ClaimSentenceView { doc: id(d), span })
                        .collect(),
                })
                .collect(),
        )
    } else {
        None
    };
    Ok(Detail {
        original: original_at.map(id),
        edges: derivations
            .into_iter()
            .map(|d| DerivationView {
                from: id(d.from),
                to: id(d.to),
                relation: d.relation,
                confidence: (d.confidence * 1e4).round() / 1e4,
                evidence: d.evidence,
            })
            .collect(),
        claims,
    })
}
