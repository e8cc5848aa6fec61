//! The lines of stories.jsonl. A claim's text is its first sentence, read
//! back from the spool a story at a time as the line is written. Held in
//! memory until the end, claim texts were 0.45 GB of a 1M-document scan's
//! 3.6 GB peak, and texts are what a scan must not hold.

use crate::output::{ClaimSentence, ScanResult, StoryRecord};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{BufWriter, Write};
use std::path::Path;

/// A line of stories.jsonl: the story and its claims with their texts.
#[derive(Serialize)]
pub struct StoryLine<'a> {
    #[serde(flatten)]
    pub story: &'a StoryRecord,
    pub claims: Option<Vec<ClaimLine<'a>>>,
}

/// A claim as stories.jsonl writes it.
#[derive(Serialize)]
pub struct ClaimLine<'a> {
    pub text: &'a str,
    /// How many documents carry it.
    pub documents: usize,
    pub sentences: &'a [ClaimSentence],
}

impl ScanResult {
    /// Calls `f` with each line of stories.jsonl, in order. Reads the texts
    /// that word the claims from the scan's spool; fails if it cannot, or
    /// if the result holds claims but no texts.
    pub fn for_each_story_line(
        &self,
        mut f: impl FnMut(&StoryLine) -> std::io::Result<()>,
    ) -> std::io::Result<()> {
        let mut read: BTreeMap<u32, String> = BTreeMap::new();
        for story in &self.stories {
            read.clear();
            for claim in story.claims.iter().flatten() {
                if let Some(first) = claim.sentences.first() {
                    if let std::collections::btree_map::Entry::Vacant(slot) =
                        read.entry(first.doc_index)
                    {
                        let texts = self.texts.as_ref().ok_or_else(|| {
                            std::io::Error::other("this scan result holds no texts for its claims")
                        })?;
                        slot.insert(texts.read(first.doc_index as usize)?);
                    }
                }
            }
            let claims = story.claims.as_ref().map(|claims| {
                claims
                    .iter()
                    .map(|c| ClaimLine {
                        text: c
                            .sentences
                            .first()
                            .and_then(|s| read.get(&s.doc_index))
                            .map_or("", |text| c.worded_in(text)),
                        documents: c.documents,
                        sentences: &c.sentences,
                    })
                    .collect()
            });
            f(&StoryLine { story, claims })?;
        }
        Ok(())
    }
}

pub(crate) fn write_story_lines(path: &Path, result: &ScanResult) -> std::io::Result<()> {
    let mut f = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    result.for_each_story_line(|line| {
        serde_json::to_writer(&mut f, line)?;
        f.write_all(b"\n")
    })?;
    f.flush()
}
