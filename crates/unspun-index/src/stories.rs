//! Stories in the index: documents reporting one event, grouped from the
//! stored links (every related pair and near miss, with its story weight)
//! by the same average linkage as `unspun scan`. Computed from the links
//! when asked, so that they always equal what a batch run over the same
//! links gives; links are kept as documents arrive and leave.

use crate::error::IndexError;
use crate::index::Index;
use crate::schema::{DOCS, LINKS};
use crate::views::{Pair, StoryView};
use redb::{ReadableDatabase, ReadableTable};
use unspun_cluster::{day_number, stories, StoryEdge, StoryParams};

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
            })
            .collect())
    }

    /// One story by its id, with the stored pairs among its members.
    pub fn story(&self, story_id: &str) -> Result<Option<StoryView>, IndexError> {
        let Some(mut story) = self.stories()?.into_iter().find(|s| s.id == story_id) else {
            return Ok(None);
        };
        let mut pairs: Vec<Pair> = Vec::new();
        for id in &story.members {
            for p in self.matches(id)? {
                // Each pair once: from its `b` side.
                if &p.b == id && story.members.contains(&p.a) {
                    pairs.push(p);
                }
            }
        }
        story.pairs = pairs;
        Ok(Some(story))
    }
}
