//! The data the page's script renders on demand: documents, pairs with
//! their passages, stories, and the texts, as one JSON object inside a
//! `<script type="application/json">` element.
//!
//! Inside a script element the HTML parser looks only for `</script`; the
//! JSON is written with every `<`, `>` and `&` as a `\u` escape (valid in
//! JSON strings, the only place they can occur), so no article text can end
//! the element. The script reads it with `JSON.parse` and puts texts in the
//! page with `textContent`, never as markup. Texts stream from the scan's
//! spool one at a time: the report of a large corpus is never in memory.

use serde::Serialize;
use std::io::{self, Write};
use unspun_compare::{PassageKind, Side};
use unspun_scan::{ScanResult, Texts};
use unspun_text::Span;

/// Four decimals: the page shows two.
fn r4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

#[derive(Serialize)]
struct DocData<'a> {
    id: &'a str,
    title: Option<&'a str>,
    site: Option<&'a str>,
    date: Option<&'a str>,
    family: Option<&'a str>,
    removed: &'a [Span],
}

#[derive(Serialize)]
struct PairData<'a> {
    a: u32,
    b: u32,
    relation: &'a str,
    /// Index of the document named as source, if any.
    source: Option<u32>,
    /// lexical, semantic, story, coverage a, coverage b, rewrite.
    scores: [Option<f64>; 6],
    /// `[a start, a end, b start, b end, 0 verbatim | 1 paraphrase]`.
    passages: Vec<[u32; 5]>,
    /// Why the scores are less than the pipeline could give (`not_english`).
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<&'static str>,
}

#[derive(Serialize)]
struct StoryData<'a> {
    id: &'a str,
    title: Option<&'a str>,
    members: &'a [u32],
    /// Per claim, its sentences as `[document, start, end]`.
    claims: Option<Vec<Vec<[u32; 3]>>>,
}

/// Writes `bytes` with `<`, `>` and `&` as JSON `\u` escapes.
struct ScriptSafe<W: Write>(W);

impl<W: Write> Write for ScriptSafe<W> {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let mut start = 0;
        for (i, &b) in buf.iter().enumerate() {
            let escaped: &[u8] = match b {
                b'<' => b"\\u003c",
                b'>' => b"\\u003e",
                b'&' => b"\\u0026",
                _ => continue,
            };
            self.0.write_all(&buf[start..i])?;
            self.0.write_all(escaped)?;
            start = i + 1;
        }
        self.0.write_all(&buf[start..])?;
        Ok(buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        self.0.flush()
    }
}

fn json<W: Write, T: Serialize>(w: &mut ScriptSafe<W>, value: &T) -> io::Result<()> {
    serde_json::to_writer(&mut *w, value).map_err(io::Error::other)
}

/// Writes the data element's JSON: `{"docs", "pairs", "stories", "texts"}`.
/// Texts are given only for documents in a pair or a story (the others are
/// never shown), and `null` when they cannot be read.
pub fn write_data(w: &mut dyn Write, r: &ScanResult) -> io::Result<()> {
    let mut w = ScriptSafe(w);
    w.write_all(b"{\"docs\":[")?;
    for (i, d) in r.documents.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        json(
            &mut w,
            &DocData {
                id: &d.id,
                title: d.title.as_deref(),
                site: d.site.as_deref(),
                date: d.date.as_deref(),
                family: d.family.as_deref(),
                removed: &d.removed,
            },
        )?;
    }
    w.write_all(b"],\"pairs\":[")?;
    let mut shown = vec![false; r.documents.len()];
    for (i, p) in r.pairs.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        for k in [p.a_index, p.b_index] {
            if let Some(s) = shown.get_mut(k as usize) {
                *s = true;
            }
        }
        let s = &p.scores;
        json(
            &mut w,
            &PairData {
                a: p.a_index,
                b: p.b_index,
                relation: p.relation.as_str(),
                source: p.source.map(|side| match side {
                    Side::A => p.a_index,
                    Side::B => p.b_index,
                }),
                scores: [
                    Some(r4(s.lexical)),
                    s.semantic.map(r4),
                    s.story.map(r4),
                    Some(r4(s.coverage_a)),
                    Some(r4(s.coverage_b)),
                    s.rewrite.map(r4),
                ],
                passages: p
                    .passages
                    .iter()
                    .map(|q| {
                        let kind = match q.kind {
                            PassageKind::Verbatim => 0,
                            PassageKind::Paraphrase => 1,
                        };
                        [q.a.start, q.a.end, q.b.start, q.b.end, kind]
                    })
                    .collect(),
                note: p.note.map(|n| n.as_str()),
            },
        )?;
    }
    w.write_all(b"],\"stories\":[")?;
    for (i, s) in r.stories.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        for &m in &s.member_indices {
            if let Some(x) = shown.get_mut(m as usize) {
                *x = true;
            }
        }
        json(
            &mut w,
            &StoryData {
                id: &s.id,
                title: s.title.as_deref(),
                members: &s.member_indices,
                claims: s.claims.as_ref().map(|cs| {
                    cs.iter()
                        .map(|c| {
                            c.sentences
                                .iter()
                                .map(|x| [x.doc_index, x.span.start, x.span.end])
                                .collect()
                        })
                        .collect()
                }),
            },
        )?;
    }
    w.write_all(b"],\"texts\":[")?;
    for (i, show) in shown.iter().enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        let text = match (show, &r.texts) {
            (true, Some(t)) => read(t, i),
            _ => None,
        };
        json(&mut w, &text)?;
    }
    w.write_all(b"]}")?;
    Ok(())
}

fn read(texts: &Texts, i: usize) -> Option<String> {
    texts.read(i).ok()
}
