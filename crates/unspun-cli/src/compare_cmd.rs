use crate::args::CompareArgs;
use crate::progress::Bars;
use crate::Outcome;
use anyhow::{anyhow, bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::io::{BufRead, Write};
use std::path::Path;
use unspun_compare::{
    compare_text_pairs, compare_with_meaning, content, Comparison, Meaning, Note, PairContext,
    Passage, Prepared, Relation, Scores, Side, TextPair, Thresholds,
};
use unspun_ingest::{read_inputs, DateOrder, InputOptions, Item, Problem, ProblemKind};
use unspun_scan::Progress;
use unspun_text::Document;

pub fn run(args: CompareArgs) -> Result<Outcome> {
    let meaning = args.model.load()?;
    if let Some(path) = &args.pairs {
        return batch(path, &args, meaning.as_ref());
    }
    let [a, b] = args.files.as_slice() else {
        bail!("compare needs two files (or --pairs FILE)");
    };
    let (da, db) = (read_one(a, &args)?, read_one(b, &args)?);
    let c = compare_docs(&da, &db, args.keep_boilerplate, meaning.as_ref())?;
    let mut out = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer(
            &mut out,
            &PairOut {
                id: None,
                relation: c.relation,
                source: c.source,
                scores: c.scores,
                passages: &c.passages,
                note: c.note,
            },
        )?;
        writeln!(out)?;
    } else {
        show(&mut out, &da, &db, &c)?;
    }
    Ok(Outcome::Complete)
}

/// Reads the first document of an input, in any format unspun reads. An
/// input with no text is compared as an empty text (the result says so)
/// rather than refused: a pair always gets a relation.
fn read_one(path: &Path, args: &CompareArgs) -> Result<Document> {
    let mut doc = None;
    let mut problems = Vec::new();
    read_inputs(
        &[path.to_path_buf()],
        &InputOptions {
            date_order: args.date_order,
            ..InputOptions::default()
        },
        &mut |item| match item {
            Item::Document(d) => {
                doc.get_or_insert(d);
            }
            Item::Problem(p) => problems.push(p),
        },
    )?;
    for p in problems.iter().filter(|p| !p.skipped) {
        eprintln!("unspun: {p}");
    }
    match (doc, problems.first()) {
        (Some(d), _) => Ok(d),
        (None, Some(p)) if p.kind == ProblemKind::Empty => {
            eprintln!(
                "unspun: {}: {}; compared as an empty text",
                p.source, p.message
            );
            Ok(Document::new(path.display().to_string(), String::new()))
        }
        (None, Some(p)) => Err(anyhow!("{p}")),
        (None, None) => Err(anyhow!("{}: no document in this input", path.display())),
    }
}

fn compare_docs(
    a: &Document,
    b: &Document,
    keep_boilerplate: bool,
    meaning: Option<&Meaning>,
) -> Result<Comparison> {
    let (ka, kb) = (
        content(&a.text, !keep_boilerplate),
        content(&b.text, !keep_boilerplate),
    );
    let (pa, pb) = (Prepared::new(&a.text, &ka), Prepared::new(&b.text, &kb));
    let ctx = PairContext {
        date_a: a.date.as_deref(),
        date_b: b.date.as_deref(),
    };
    Ok(compare_with_meaning(
        &pa,
        &pb,
        ctx,
        &Thresholds::default(),
        meaning,
    )?)
}

#[derive(Serialize)]
struct PairOut<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<&'a serde_json::Value>,
    relation: Relation,
    source: Option<Side>,
    scores: Scores,
    passages: &'a [Passage],
    #[serde(skip_serializing_if = "Option::is_none")]
    note: Option<Note>,
}

#[derive(Deserialize)]
struct PairIn {
    #[serde(default)]
    id: serde_json::Value,
    a: String,
    b: String,
    /// Publication dates, read as `scan` reads a JSONL `date`; when they
    /// differ, the earlier text is the source.
    #[serde(default)]
    date_a: Option<String>,
    #[serde(default)]
    date_b: Option<String>,
}

impl PairIn {
    /// The pair to compare, its dates normalized to `YYYY-MM-DD`; a date
    /// that cannot be read is left empty with a warning naming the line.
    fn into_pair(self, source: &str, order: Option<DateOrder>, bars: &Bars) -> TextPair {
        let date = |field: &str, raw: Option<String>| match unspun_ingest::date_field(
            Ok(raw.as_deref()?),
            order,
        ) {
            Ok(normalized) => normalized,
            Err(why) => {
                let message = format!("{field}: {why}");
                bars.problem(&Problem::warning(source, ProblemKind::BadDate, message));
                None
            }
        };
        TextPair {
            date_a: date("date_a", self.date_a),
            date_b: date("date_b", self.date_b),
            a: self.a,
            b: self.b,
        }
    }
}

/// Pairs compared together: enough for the model's batches to pay off (one
/// pair at a time, MSRP's 4,076 sentence pairs took 69 s), few enough that
/// results stream out of a long file.
const CHUNK_PAIRS: usize = 256;

fn batch(path: &Path, args: &CompareArgs, meaning: Option<&Meaning>) -> Result<Outcome> {
    let keep_boilerplate = args.keep_boilerplate;
    let reader: Box<dyn BufRead> = if path.as_os_str() == "-" {
        Box::new(std::io::stdin().lock())
    } else {
        Box::new(std::io::BufReader::new(
            std::fs::File::open(path).with_context(|| format!("cannot open {}", path.display()))?,
        ))
    };
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let bars = Bars::new(false);
    bars.stage("compare", None);
    let mut skipped = 0usize;
    let mut chunk: Vec<TextPair> = Vec::with_capacity(CHUNK_PAIRS);
    let mut ids: Vec<serde_json::Value> = Vec::with_capacity(CHUNK_PAIRS);
    for (n, line) in reader.split(b'\n').enumerate() {
        let line = line.with_context(|| format!("reading {}", path.display()))?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let source = format!("{}:{}", path.display(), n + 1);
        match serde_json::from_slice::<PairIn>(&line) {
            Ok(p) => {
                ids.push(p.id.clone());
                chunk.push(p.into_pair(&source, args.date_order, &bars));
            }
            Err(e) => {
                bars.problem(&Problem::skip(
                    source,
                    ProblemKind::MalformedJson,
                    e.to_string(),
                ));
                skipped += 1;
            }
        }
        if chunk.len() == CHUNK_PAIRS {
            write_chunk(&mut out, &ids, &chunk, keep_boilerplate, meaning)?;
            bars.advance(chunk.len() as u64);
            chunk.clear();
            ids.clear();
        }
    }
    write_chunk(&mut out, &ids, &chunk, keep_boilerplate, meaning)?;
    bars.finish();
    out.flush()?;
    if skipped > 0 {
        eprintln!(
            "unspun: skipped {skipped} malformed lines of {}",
            path.display()
        );
        return Ok(Outcome::Partial);
    }
    Ok(Outcome::Complete)
}

/// Compares a chunk of pairs on all threads and writes a line for each, in
/// input order.
fn write_chunk(
    out: &mut impl Write,
    ids: &[serde_json::Value],
    chunk: &[TextPair],
    keep_boilerplate: bool,
    meaning: Option<&Meaning>,
) -> Result<()> {
    let compared = compare_text_pairs(chunk, !keep_boilerplate, &Thresholds::default(), meaning)?;
    for (id, c) in ids.iter().zip(&compared) {
        let id = (!id.is_null()).then_some(id);
        serde_json::to_writer(
            &mut *out,
            &PairOut {
                id,
                relation: c.relation,
                source: c.source,
                scores: c.scores,
                passages: &c.passages,
                note: c.note,
            },
        )?;
        out.write_all(b"\n")?;
    }
    Ok(())
}

fn show(out: &mut impl Write, a: &Document, b: &Document, c: &Comparison) -> Result<()> {
    writeln!(out, "A: {}\nB: {}", a.id, b.id)?;
    let source = match c.source {
        Some(Side::A) => " (B copied from A)",
        Some(Side::B) => " (A copied from B)",
        None => "",
    };
    writeln!(out, "relation: {}{source}", c.relation)?;
    let s = &c.scores;
    writeln!(
        out,
        "scores:   lexical {:.3}  containment A in B {:.3}  B in A {:.3}  coverage A {:.3}  B {:.3}",
        s.lexical, s.containment_a_in_b, s.containment_b_in_a, s.coverage_a, s.coverage_b
    )?;
    if let (Some(sem), Some(story)) = (s.semantic, s.story) {
        let rewrite = s
            .rewrite
            .map(|r| format!("  rewrite {r:.3}"))
            .unwrap_or_default();
        writeln!(
            out,
            "meaning:  semantic {sem:.3}  story {story:.3}{rewrite}"
        )?;
    }
    match c.note {
        Some(Note::NotEnglish) => writeln!(
            out,
            "note:     not English prose: the meaning layer (an English model) was not applied"
        )?,
        Some(Note::Empty) => writeln!(
            out,
            "note:     a text has no words once boilerplate is set aside: nothing to compare"
        )?,
        None => {}
    }
    writeln!(out, "passages: {}", c.passages.len())?;
    for p in &c.passages {
        writeln!(
            out,
            "  {:?} A[{}..{}] B[{}..{}]",
            p.kind, p.a.start, p.a.end, p.b.start, p.b.end
        )?;
        writeln!(out, "    A: {}", snippet(&a.text[p.a.range()]))?;
        writeln!(out, "    B: {}", snippet(&b.text[p.b.range()]))?;
    }
    Ok(())
}

/// One line, at most about 100 characters, for the terminal.
fn snippet(s: &str) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let flat = words.join(" ");
    if flat.chars().count() <= 100 {
        return flat;
    }
    // Whole words from each end, about 60 and 35 characters' worth.
    let fits = |budget: usize, words: &mut dyn Iterator<Item = &&str>| {
        let mut used = 0;
        let mut taken = 0;
        for w in words {
            used += w.chars().count() + 1;
            if taken > 0 && used > budget + 1 {
                break;
            }
            taken += 1;
        }
        taken
    };
    let head = fits(60, &mut words.iter());
    let tail = fits(35, &mut words.iter().rev()).min(words.len() - head);
    let cut = format!(
        "{} … {}",
        words[..head].join(" "),
        words[words.len() - tail..].join(" ")
    );
    if cut.chars().count() <= 110 {
        return cut;
    }
    // Words too long to keep whole (a script written without spaces).
    let chars: Vec<char> = flat.chars().collect();
    let head: String = chars[..60].iter().collect();
    let tail: String = chars[chars.len() - 35..].iter().collect();
    format!("{head} … {tail}")
}

#[cfg(test)]
mod tests {
    use super::snippet;

    #[test]
    fn snippets_cut_between_words() {
        let text = "President Xi Jinping will travel to Moscow next week to hold talks \
            with Russian President Vladimir Putin, the Kremlin and Beijing said on Friday.";
        let cut = snippet(text);
        assert_eq!(
            cut,
            "President Xi Jinping will travel to Moscow next week to hold … \
             Kremlin and Beijing said on Friday."
        );
        assert_eq!(snippet("A short passage."), "A short passage.");
        let unspaced = "新华社北京电".repeat(30);
        let cut = snippet(&unspaced);
        assert_eq!(cut.chars().count(), 60 + 3 + 35);
    }
}
