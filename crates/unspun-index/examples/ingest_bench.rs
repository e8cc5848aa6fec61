//! Ingest benchmark (not a test): bulk-loads bench-corpus documents into a
//! fresh index, then adds the last ones one at a time (each its own durable
//! commit) to measure add+match latency with everything before indexed.
//!
//! ```sh
//! python3 ../shared/bench/make_corpus.py --docs 200000 --seed 7 > /tmp/corpus.jsonl
//! cargo run --release -p unspun-index --example ingest_bench -- /tmp/corpus.jsonl \
//!     [--index DIR] [--batch 256] [--single 2000] [--postings-table] \
//!     [--existing --id-prefix P] [--no-quick-repair] [--meaning]
//! ```
//!
//! `--meaning` turns the meaning layer on (paraphrase and same-story pairs,
//! as `unspun index add` does by default); the model is fetched on first use.
//!
//! Prints docs/s of the bulk load, p50/p99/max of single adds and of
//! queries, index size on disk per document, the time a reopen takes
//! (rebuilding postings in memory) and peak RSS. `--postings-table` also
//! writes every posting into redb tables in a separate file, to compare
//! opening with stored postings against rebuilding them.

use std::path::PathBuf;
use std::time::{Duration, Instant};
use unspun_index::schema::{decode_keys, SKETCHES};
use unspun_index::Index;
use unspun_ingest::{read_inputs, InputOptions, Item};
use unspun_text::Document;

struct Args {
    corpus: PathBuf,
    index: Option<PathBuf>,
    batch: usize,
    single: usize,
    postings_table: bool,
    existing: bool,
    id_prefix: String,
    quick_repair: bool,
    meaning: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut it = std::env::args().skip(1);
    let mut args = Args {
        corpus: PathBuf::new(),
        index: None,
        batch: 256,
        single: 2000,
        postings_table: false,
        existing: false,
        id_prefix: String::new(),
        quick_repair: true,
        meaning: false,
    };
    let mut corpus = None;
    while let Some(a) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        match a.as_str() {
            "--meaning" => args.meaning = true,
            "--index" => args.index = Some(PathBuf::from(value("--index")?)),
            "--batch" => {
                args.batch = value("--batch")?
                    .parse()
                    .map_err(|e| format!("--batch: {e}"))?
            }
            "--single" => {
                args.single = value("--single")?
                    .parse()
                    .map_err(|e| format!("--single: {e}"))?
            }
            "--postings-table" => args.postings_table = true,
            "--existing" => args.existing = true,
            "--no-quick-repair" => args.quick_repair = false,
            "--id-prefix" => args.id_prefix = value("--id-prefix")?,
            _ if a.starts_with('-') => return Err(format!("unknown option {a}")),
            _ => corpus = Some(PathBuf::from(a)),
        }
    }
    args.corpus = corpus.ok_or("usage: ingest_bench CORPUS.jsonl [--index DIR] [--batch N] [--single N] [--postings-table] [--existing --id-prefix P] [--no-quick-repair]")?;
    Ok(args)
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1000.0
}

fn peak_rss_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.split_whitespace().next()?.parse::<f64>().ok())
        .unwrap_or(0.0);
    kb / 1024.0
}

fn report(name: &str, mut times: Vec<Duration>) {
    times.sort();
    println!(
        "{name}: n={} p50={:.2} ms p99={:.2} ms max={:.2} ms",
        times.len(),
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().map_or(0.0, |d| d.as_secs_f64() * 1000.0)
    );
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    // Stream the corpus (so peak RSS is the index's, not the corpus's): one
    // JSONL line per document, counted first to know where the bulk ends.
    let n = std::io::BufRead::lines(std::io::BufReader::new(std::fs::File::open(&args.corpus)?))
        .count();
    // --existing: add every document one by one to the index already there.
    let single = if args.existing { n } else { args.single.min(n) };
    let tmp = tempfile::tempdir()?;
    let dir = args
        .index
        .clone()
        .unwrap_or_else(|| tmp.path().join("index"));
    println!(
        "corpus: {n} documents from {}; index in {}",
        args.corpus.display(),
        dir.display()
    );

    let opts = unspun_index::OpenOptions {
        quick_repair: args.quick_repair,
        ..Default::default()
    };
    let t = Instant::now();
    let mut index = Index::open_with(&dir, &opts)?;
    if args.meaning {
        let mut model = unspun_compare::Meaning::load(None)?;
        // No lead tier, as `unspun index add` without `--lead-tier`.
        model.calibration.turn_off_lead_tier();
        index = index.with_meaning(std::sync::Arc::new(model));
        println!("meaning layer on");
    }
    println!(
        "open: {:.2} s ({} documents already there)",
        t.elapsed().as_secs_f64(),
        index.len()?
    );
    let started = Instant::now();
    let mut last = Instant::now();
    let mut seen = 0usize;
    let mut done = 0usize;
    let mut batch_times = Vec::new();
    let mut pending: Vec<Document> = Vec::new();
    let mut docs: Vec<Document> = Vec::new();
    let mut failure: Option<unspun_index::IndexError> = None;
    let mut flush =
        |pending: &mut Vec<Document>, done: &mut usize| -> Result<(), unspun_index::IndexError> {
            let k = pending.len();
            let t = Instant::now();
            for r in index.add_batch(std::mem::take(pending))? {
                r?;
            }
            batch_times.push(t.elapsed());
            *done += k;
            if last.elapsed() > Duration::from_secs(15) {
                let secs = started.elapsed().as_secs_f64();
                println!(
                    "  {done} documents, {:.0} docs/s, rss {:.0} MiB",
                    *done as f64 / secs,
                    peak_rss_mib()
                );
                last = Instant::now();
            }
            Ok(())
        };
    read_inputs(
        std::slice::from_ref(&args.corpus),
        &InputOptions::default(),
        &mut |item| {
            let Item::Document(mut d) = item else { return };
            d.id.insert_str(0, &args.id_prefix);
            seen += 1;
            if seen > n - single {
                docs.push(d);
                return;
            }
            pending.push(d);
            if pending.len() >= args.batch.max(1) && failure.is_none() {
                if let Err(e) = flush(&mut pending, &mut done) {
                    failure = Some(e);
                }
            }
        },
    )?;
    if let Some(e) = failure {
        return Err(e.into());
    }
    if !pending.is_empty() {
        flush(&mut pending, &mut done)?;
    }
    let bulk_secs = started.elapsed().as_secs_f64();
    if done > 0 {
        println!(
            "bulk load: {done} documents in {bulk_secs:.1} s = {:.0} docs/s (batches of {})",
            done as f64 / bulk_secs,
            args.batch
        );
        report("bulk batch commit", batch_times);
    }

    // Single adds, each matched and committed on its own, with all before indexed.
    let before = index.len()?;
    let mut add_times = Vec::with_capacity(single);
    let mut pairs = 0usize;
    let queries: Vec<Document> = docs.iter().step_by(2).take(1000).cloned().collect();
    for d in docs {
        let t = Instant::now();
        pairs += index.add(d)?.pairs.len();
        add_times.push(t.elapsed());
    }
    report(
        &format!(
            "single add+match+commit at {before}..{} indexed ({pairs} pairs found)",
            index.len()?
        ),
        add_times,
    );
    let mut query_times = Vec::new();
    for mut d in queries {
        d.id.push_str("#query");
        let t = Instant::now();
        index.query(d)?;
        query_times.push(t.elapsed());
    }
    report(&format!("query (match only) at {n} indexed"), query_times);

    // Stories are built from the stored links on request: the list, then
    // the detail (derivations, claims) of the largest few.
    let t = Instant::now();
    let mut stories = index.stories()?;
    println!(
        "stories: {} from the links in {:.0} ms",
        stories.len(),
        t.elapsed().as_secs_f64() * 1e3
    );
    stories.sort_by_key(|s| std::cmp::Reverse(s.size));
    let mut detail_times = Vec::new();
    for s in stories.iter().take(20) {
        let t = Instant::now();
        index.story(&s.id)?;
        detail_times.push(t.elapsed());
    }
    report(
        "story detail of the 20 largest (incl. the list)",
        detail_times,
    );

    let stats = index.stats()?;
    println!(
        "index: {} documents, {} pairs {:?}, {} families; {:.1} MiB on disk = {:.0} bytes/document",
        stats.documents,
        stats.pairs,
        stats.pairs_by_relation,
        stats.families,
        stats.disk_bytes as f64 / (1 << 20) as f64,
        stats.disk_bytes as f64 / stats.documents.max(1) as f64
    );
    println!(
        "postings in memory: {} band keys / {} entries, {} anchor keys / {} entries, ~{:.0} MiB",
        stats.postings.band_keys,
        stats.postings.band_entries,
        stats.postings.anchor_keys,
        stats.postings.anchor_entries,
        stats.postings.heap_bytes as f64 / (1 << 20) as f64
    );
    drop(index);
    // Where reopening spends its time: the file, reading the keys, the maps.
    {
        use redb::{ReadableDatabase, ReadableTable};
        let t = Instant::now();
        let db = redb::Database::open(dir.join(unspun_index::DB_FILE))?;
        let open = t.elapsed().as_secs_f64();
        let t = Instant::now();
        let txn = db.begin_read()?;
        let mut entries = 0usize;
        for row in txn.open_table(SKETCHES)?.iter()? {
            let (_, bytes) = row?;
            entries += decode_keys(bytes.value()).map_or(0, |(k, a)| k.len() + a.len());
        }
        println!(
            "reopen parts: redb open {open:.2} s, reading {entries} stored keys {:.2} s",
            t.elapsed().as_secs_f64()
        );
    }
    let t = Instant::now();
    let index = Index::open_with(&dir, &opts)?;
    println!(
        "reopen (rebuilding postings from stored keys): {:.2} s",
        t.elapsed().as_secs_f64()
    );
    drop(index);
    if args.postings_table {
        postings_table_experiment(&dir)?;
    }
    println!("peak RSS: {:.0} MiB", peak_rss_mib());
    Ok(())
}

/// The alternative layout: postings as redb multimap tables. Writes them all
/// from the stored keys into a separate file, then times an open and the
/// lookups one add would make.
fn postings_table_experiment(dir: &std::path::Path) -> Result<(), Box<dyn std::error::Error>> {
    use redb::{MultimapTableDefinition, ReadableDatabase, ReadableTable};
    const BANDS: MultimapTableDefinition<u64, u32> = MultimapTableDefinition::new("bands");
    const ANCHORS: MultimapTableDefinition<u32, u32> = MultimapTableDefinition::new("anchors");
    let src = redb::Database::open(dir.join(unspun_index::DB_FILE))?;
    let mut all = Vec::new();
    {
        let txn = src.begin_read()?;
        for row in txn.open_table(SKETCHES)?.iter()? {
            let (seq, bytes) = row?;
            if let Some(k) = decode_keys(bytes.value()) {
                all.push((seq.value(), k));
            }
        }
    }
    drop(src);
    let path = dir.join("postings-experiment.redb");
    let _ = std::fs::remove_file(&path);
    let db = redb::Database::create(&path)?;
    let t = Instant::now();
    for chunk in all.chunks(256) {
        let txn = db.begin_write()?;
        {
            let (mut bands, mut anchors) = (
                txn.open_multimap_table(BANDS)?,
                txn.open_multimap_table(ANCHORS)?,
            );
            for (seq, (keys, anc)) in chunk {
                for k in keys {
                    bands.insert(k, seq)?;
                }
                for a in anc {
                    anchors.insert(a, seq)?;
                }
            }
        }
        txn.commit()?;
    }
    let write = t.elapsed().as_secs_f64();
    drop(db);
    let size = std::fs::metadata(&path)?.len();
    let t = Instant::now();
    let db = redb::Database::open(&path)?;
    let open = t.elapsed().as_secs_f64();
    let txn = db.begin_read()?;
    let (bands, anchors) = (
        txn.open_multimap_table(BANDS)?,
        txn.open_multimap_table(ANCHORS)?,
    );
    let mut times = Vec::new();
    for (_, (keys, anc)) in all.iter().step_by((all.len() / 1000).max(1)) {
        let t = Instant::now();
        let mut hits = 0usize;
        for k in keys {
            hits += bands.get(k)?.count();
        }
        for a in anc {
            hits += anchors.get(a)?.count();
        }
        std::hint::black_box(hits);
        times.push(t.elapsed());
    }
    println!(
        "postings as redb tables: written in {write:.1} s (batches of 256), {:.1} MiB = {:.0} bytes/document, open {open:.3} s",
        size as f64 / (1 << 20) as f64,
        size as f64 / all.len().max(1) as f64
    );
    report("  candidate lookups per document from redb tables", times);
    drop(bands);
    drop(anchors);
    drop(txn);
    drop(db);
    std::fs::remove_file(&path)?;
    Ok(())
}
