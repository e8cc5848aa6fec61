//! Measures stories, provenance and the report on the shared data:
//!
//! 1. story clustering on the seeds (gold: all five one story);
//! 2. story clustering on the SemEval-2022 dev pairs: a corpus of all the
//!    pair texts is scanned; pairs with overall ≤ 1.5 must share a story,
//!    pairs ≥ 3.5 must not (pairwise precision and recall on those, and the
//!    adjusted Rand index against the stories the ≤ 1.5 pairs make);
//! 3. provenance on the Clough & Stevenson dev pairs: per task, the
//!    Wikipedia source and every answer are scanned together; how often is
//!    the source named the origin of its copied (cut, light) and rewritten
//!    (heavy) answers;
//! 4. the report of a 10,000-document bench corpus: size, time to write,
//!    and time to open in headless Chromium (when installed).
//!
//! ```sh
//! cargo run --release -p unspun-report --example measure -- [--shared ../shared] \
//!     [--bench-docs 10000] [--no-meaning] [--bench-meaning]
//! ```
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;
use unspun_compare::Meaning;
use unspun_scan::{scan_documents_with_meaning, scan_with_meaning, Quiet, ScanOptions, ScanResult};
use unspun_text::Document;

struct Args {
    shared: PathBuf,
    bench_docs: usize,
    meaning: bool,
    bench_meaning: bool,
}

fn args() -> Args {
    let mut a = Args {
        shared: PathBuf::from("../shared"),
        bench_docs: 10_000,
        meaning: true,
        bench_meaning: false,
    };
    let mut it = std::env::args().skip(1);
    while let Some(x) = it.next() {
        match x.as_str() {
            "--shared" => a.shared = it.next().map(PathBuf::from).expect("--shared DIR"),
            "--bench-docs" => a.bench_docs = it.next().and_then(|n| n.parse().ok()).expect("N"),
            "--no-meaning" => a.meaning = false,
            "--bench-meaning" => a.bench_meaning = true,
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn jsonl(path: &Path) -> Vec<Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Story of each document (its own index when alone).
fn story_labels(r: &ScanResult) -> Vec<usize> {
    let mut label: Vec<usize> = (0..r.documents.len()).map(|i| i + 1_000_000).collect();
    for (k, s) in r.stories.iter().enumerate() {
        for &m in &s.member_indices {
            label[m as usize] = k;
        }
    }
    label
}

/// Adjusted Rand index of two labelings of the same items.
fn ari(gold: &[usize], found: &[usize]) -> f64 {
    let n = gold.len() as f64;
    let pairs = |x: f64| x * (x - 1.0) / 2.0;
    let mut cells: HashMap<(usize, usize), f64> = HashMap::new();
    let mut rows: HashMap<usize, f64> = HashMap::new();
    let mut cols: HashMap<usize, f64> = HashMap::new();
    for (&g, &f) in gold.iter().zip(found) {
        *cells.entry((g, f)).or_default() += 1.0;
        *rows.entry(g).or_default() += 1.0;
        *cols.entry(f).or_default() += 1.0;
    }
    let index: f64 = cells.values().map(|&x| pairs(x)).sum();
    let a: f64 = rows.values().map(|&x| pairs(x)).sum();
    let b: f64 = cols.values().map(|&x| pairs(x)).sum();
    let expected = a * b / pairs(n);
    let max = (a + b) / 2.0;
    if (max - expected).abs() < 1e-12 {
        return 1.0;
    }
    (index - expected) / (max - expected)
}

/// Pairwise precision and recall of "same story" on labelled pairs.
fn pairwise(labelled: &[(usize, usize, bool)], label: &[usize]) -> (f64, f64, usize, usize) {
    let (mut tp, mut fp, mut fn_) = (0.0, 0.0, 0.0);
    for &(a, b, same) in labelled {
        let predicted = label[a] == label[b];
        match (predicted, same) {
            (true, true) => tp += 1.0,
            (true, false) => fp += 1.0,
            (false, true) => fn_ += 1.0,
            _ => {}
        }
    }
    let p = if tp + fp > 0.0 { tp / (tp + fp) } else { 1.0 };
    let r = if tp + fn_ > 0.0 { tp / (tp + fn_) } else { 1.0 };
    let same = labelled.iter().filter(|x| x.2).count();
    (p, r, same, labelled.len() - same)
}

fn seeds(meaning: Option<&Meaning>) {
    let dir = workspace().join("tests/fixtures/seeds");
    let r = scan_with_meaning(&[dir], &ScanOptions::default(), meaning, &Quiet).unwrap();
    let label = story_labels(&r);
    let labelled: Vec<(usize, usize, bool)> = (0..5)
        .flat_map(|a| (a + 1..5).map(move |b| (a, b, true)))
        .collect();
    let (p, rec, _, _) = pairwise(&labelled, &label);
    println!(
        "seeds: {} stories, sizes {:?}; ARI {:.3} (one gold story), pairwise precision {p:.3} recall {rec:.3}",
        r.stories.len(),
        r.stories.iter().map(|s| s.size).collect::<Vec<_>>(),
        ari(&[0; 5], &label),
    );
    for e in &r.edges {
        println!(
            "  derivation {} -> {} ({}, confidence {:.2})",
            e.from, e.to, e.relation, e.confidence
        );
    }
}

fn semeval(shared: &Path, meaning: Option<&Meaning>) {
    let rows = jsonl(&shared.join("data/pairs/semeval22_en_dev.jsonl"));
    let mut index: BTreeMap<String, usize> = BTreeMap::new();
    let mut docs: Vec<Document> = Vec::new();
    let mut labelled = Vec::new();
    for r in &rows {
        let id = r["id"].as_str().unwrap();
        let (ia, ib) = id.split_once('_').unwrap();
        let mut doc_index = |article: &str, text: &str| {
            *index.entry(article.to_string()).or_insert_with(|| {
                docs.push(Document::new(article, text));
                docs.len() - 1
            })
        };
        let a = doc_index(ia, r["a"].as_str().unwrap());
        let b = doc_index(ib, r["b"].as_str().unwrap());
        let overall = r["label"].as_f64().unwrap();
        if overall <= 1.5 {
            labelled.push((a, b, true));
        } else if overall >= 3.5 {
            labelled.push((a, b, false));
        }
    }
    let n = docs.len();
    let started = Instant::now();
    let r = scan_documents_with_meaning(docs, &ScanOptions::default(), meaning, &Quiet).unwrap();
    let seconds = started.elapsed().as_secs_f64();
    let label = story_labels(&r);
    let (p, rec, same, apart) = pairwise(&labelled, &label);
    // Gold stories: the ≤ 1.5 pairs joined; scored on documents in a
    // decisive pair.
    let mut gold: Vec<usize> = (0..n).collect();
    fn root(g: &mut [usize], x: usize) -> usize {
        let mut x = x;
        while g[x] != x {
            g[x] = g[g[x]];
            x = g[x];
        }
        x
    }
    for &(a, b, s) in &labelled {
        if s {
            let (ra, rb) = (root(&mut gold, a), root(&mut gold, b));
            gold[ra.max(rb)] = ra.min(rb);
        }
    }
    let mut scored: Vec<usize> = labelled.iter().flat_map(|x| [x.0, x.1]).collect();
    scored.sort_unstable();
    scored.dedup();
    let g: Vec<usize> = scored.iter().map(|&d| root(&mut gold, d)).collect();
    let f: Vec<usize> = scored.iter().map(|&d| label[d]).collect();
    println!(
        "semeval dev: {n} documents scanned in {seconds:.1}s, {} stories; {same} same-story and {apart} different-story pairs: \
         pairwise precision {p:.3} recall {rec:.3}; ARI {:.3} over {} documents",
        r.stories.len(),
        ari(&g, &f),
        scored.len()
    );
}

fn clough(shared: &Path, meaning: Option<&Meaning>) {
    let rows = jsonl(&shared.join("data/pairs/clough_stevenson_dev.jsonl"));
    let mut by_task: BTreeMap<String, Vec<&Value>> = BTreeMap::new();
    for r in &rows {
        by_task
            .entry(r["task"].as_str().unwrap().to_string())
            .or_default()
            .push(r);
    }
    // label -> (source named, answer named, no edge)
    let mut outcome: BTreeMap<String, [usize; 3]> = BTreeMap::new();
    let mut root_is_source = (0, 0);
    for (task, answers) in &by_task {
        let source_id = format!("source_task{task}");
        let mut docs = vec![Document::new(&source_id, answers[0]["a"].as_str().unwrap())];
        for a in answers {
            docs.push(Document::new(
                a["id"].as_str().unwrap(),
                a["b"].as_str().unwrap(),
            ));
        }
        let r =
            scan_documents_with_meaning(docs, &ScanOptions::default(), meaning, &Quiet).unwrap();
        for a in answers {
            let id = a["id"].as_str().unwrap();
            let label = a["label"].as_str().unwrap().to_string();
            let named = r
                .edges
                .iter()
                .any(|e| *e.from == *source_id && &*e.to == id);
            let reversed = r
                .edges
                .iter()
                .any(|e| &*e.from == id && *e.to == *source_id);
            let k = if named {
                0
            } else if reversed {
                1
            } else {
                2
            };
            outcome.entry(label.clone()).or_insert([0; 3])[k] += 1;
            if label != "non" {
                let story = r.stories.iter().find(|s| s.members.iter().any(|m| m == id));
                root_is_source.1 += 1;
                if story.is_some_and(|s| s.original.as_deref() == Some(source_id.as_str())) {
                    root_is_source.0 += 1;
                }
            }
        }
    }
    println!(
        "clough & stevenson dev: derivation edge between the Wikipedia source and each answer"
    );
    let mut derived = [0usize; 3];
    for (label, [named, reversed, none]) in &outcome {
        println!("  {label:<5}: source named {named}, answer named {reversed}, no edge {none}");
        if label != "non" {
            derived[0] += named;
            derived[1] += reversed;
            derived[2] += none;
        }
    }
    let total: usize = derived.iter().sum();
    println!(
        "  copied and rewritten answers (cut, light, heavy): source named the original of {}/{total} ({:.1}%), \
         reversed {}, undecided {}; the source is its story's original for {}/{}",
        derived[0],
        100.0 * derived[0] as f64 / total.max(1) as f64,
        derived[1],
        derived[2],
        root_is_source.0,
        root_is_source.1
    );
}

fn chromium_ready_ms(file: &Path) -> Option<(f64, u64)> {
    let chromium = ["/usr/bin/chromium", "/usr/local/bin/chromium"]
        .into_iter()
        .map(PathBuf::from)
        .find(|p| p.is_file())?;
    let profile = tempfile::tempdir().ok()?;
    let started = Instant::now();
    let out = std::process::Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--dump-dom",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .arg(format!("file://{}", file.canonicalize().ok()?.display()))
        .stderr(std::process::Stdio::null())
        .output()
        .ok()?;
    let wall = started.elapsed().as_secs_f64();
    let dom = String::from_utf8_lossy(&out.stdout);
    let at = dom.find("data-ready-ms=\"")? + "data-ready-ms=\"".len();
    let ms: u64 = dom[at..].split('"').next()?.parse().ok()?;
    Some((wall, ms))
}

fn bench(shared: &Path, docs: usize, meaning: Option<&Meaning>) {
    let dir = workspace().join("target/measure");
    std::fs::create_dir_all(&dir).unwrap();
    let corpus = dir.join(format!("bench-{docs}-seed3.jsonl"));
    if !corpus.exists() {
        let out = std::process::Command::new("python3")
            .arg(shared.join("bench/make_corpus.py"))
            .args(["--docs", &docs.to_string(), "--seed", "3"])
            .output()
            .unwrap();
        assert!(out.status.success(), "make_corpus.py failed");
        std::fs::write(&corpus, out.stdout).unwrap();
    }
    let started = Instant::now();
    let r = scan_with_meaning(&[corpus], &ScanOptions::default(), meaning, &Quiet).unwrap();
    let scan = started.elapsed().as_secs_f64();
    let file = dir.join(format!("report-{docs}.html"));
    let started = Instant::now();
    unspun_report::write_report_file(&file, &r).unwrap();
    let write = started.elapsed().as_secs_f64();
    let size = std::fs::metadata(&file).unwrap().len();
    println!(
        "bench {docs} documents (seed 3, meaning {}): scan {scan:.1}s (stories pass {:.2}s); {} pairs, {} families, {} stories, {} derivation edges; \
         report {:.1} MB written in {write:.2}s",
        if meaning.is_some() { "on" } else { "off" },
        r.summary.seconds.get("stories").copied().unwrap_or(0.0),
        r.summary.pairs,
        r.summary.families,
        r.summary.stories,
        r.summary.derivations,
        size as f64 / 1e6
    );
    match chromium_ready_ms(&file) {
        Some((wall, ms)) => println!(
            "  headless Chromium: page ready {ms} ms after navigation (parse, data, first story and pair); \
             {wall:.1}s wall for the whole dump-dom run (browser start-up included)"
        ),
        None => println!("  chromium not found: render time not measured"),
    }
}

fn main() {
    let a = args();
    let meaning = if a.meaning {
        Some(Meaning::load(None).expect("meaning layer (use --no-meaning)"))
    } else {
        None
    };
    seeds(meaning.as_ref());
    if !a.shared.join("data").is_dir() {
        println!(
            "{} not found: shared data measures skipped",
            a.shared.display()
        );
        return;
    }
    semeval(&a.shared, meaning.as_ref());
    clough(&a.shared, meaning.as_ref());
    if a.bench_docs > 0 {
        let m = if a.bench_meaning {
            meaning.as_ref()
        } else {
            None
        };
        bench(&a.shared, a.bench_docs, m);
    }
}
