//! The report in a real browser: headless Chromium (Debian's `chromium`,
//! installed by `scripts/setup-browser.sh` when missing) opens the report of
//! the seed articles; the tests check the DOM it ends with, after the
//! page's script ran, and save screenshots to `target/report-seeds*.png`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use unspun_scan::{scan_documents, scan_with_meaning, Quiet, ScanOptions, ScanResult};
use unspun_text::Document;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn on_path(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|d| d.join(name))
            .find(|p| p.is_file())
    })
}

/// Chromium, installed once if missing; `None` (the test skips) when it is
/// absent and cannot be installed.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = on_path("chromium") {
        return Some(p);
    }
    let script = workspace().join("scripts/setup-browser.sh");
    eprintln!("chromium not found: running {}", script.display());
    let _ = Command::new("bash").arg(&script).status();
    let found = on_path("chromium");
    if found.is_none() {
        eprintln!(
            "SKIPPED: chromium is not installed and {} could not install it",
            script.display()
        );
    }
    found
}

/// Runs headless Chromium on `file` (with `#fragment`) and returns stdout.
fn run_chromium(chromium: &Path, file: &Path, fragment: &str, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
    let url = format!(
        "file://{}{fragment}",
        file.canonicalize().unwrap().display()
    );
    let mut child = Command::new(chromium)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--hide-scrollbars",
            "--virtual-time-budget=5000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(&url)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = std::io::Read::read_to_string(&mut out, &mut s);
        s
    });
    let started = Instant::now();
    while child.try_wait().unwrap().is_none() {
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish on {url}");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    reader.join().unwrap()
}

/// What the page shows: the opened view (the DOM dump also holds the
/// story templates, which are not rendered).
fn shown(dom: &str) -> &str {
    let start = dom.find("<div id=\"view\">").unwrap_or(0);
    let end = dom[start..]
        .find("<section id=\"stories\"")
        .map_or(dom.len(), |e| start + e);
    &dom[start..end]
}

fn dump_dom(chromium: &Path, file: &Path, fragment: &str) -> String {
    run_chromium(chromium, file, fragment, &["--dump-dom".to_string()])
}

fn screenshot(chromium: &Path, file: &Path, fragment: &str, name: &str) -> PathBuf {
    let path = workspace().join("target").join(name);
    let _ = std::fs::remove_file(&path);
    run_chromium(
        chromium,
        file,
        fragment,
        &[
            format!("--screenshot={}", path.display()),
            "--window-size=1280,900".to_string(),
        ],
    );
    let bytes = std::fs::read(&path).unwrap_or_default();
    assert!(
        bytes.starts_with(b"\x89PNG"),
        "no screenshot at {}",
        path.display()
    );
    path
}

/// The seeds scanned as `unspun scan` does, with the meaning layer when its
/// model can be loaded (it is fetched on first use), lexically otherwise.
fn scan_seeds() -> ScanResult {
    let meaning = match unspun_compare::Meaning::load(None) {
        Ok(m) => Some(m),
        Err(e) => {
            eprintln!("meaning layer unavailable ({e}): scanning lexically");
            None
        }
    };
    let seeds = workspace().join("tests/fixtures/seeds");
    scan_with_meaning(&[seeds], &ScanOptions::default(), meaning.as_ref(), &Quiet).unwrap()
}

const SEED_IDS: [&str; 5] = [
    "000_44968c05fa5774c8.txt",
    "001_5b3ff33e69876255.txt",
    "002_4156b6fe17ca2892.txt",
    "003_3f34881810dbdd74.txt",
    "004_16ffbdd82e2c7906.txt",
];

#[test]
fn the_seed_report_shows_the_story_its_tree_claims_and_passages() {
    let Some(chromium) = chromium() else { return };
    let result = scan_seeds();
    let file = workspace().join("target/report-seeds.html");
    unspun_report::write_report_file(&file, &result).unwrap();

    let full = dump_dom(&chromium, &file, "");
    let dom = shown(&full);
    // The story, named after the BBC original, with all five documents.
    assert!(
        dom.contains("China’s Xi to meet Putin in Moscow next week"),
        "no story title"
    );
    for id in SEED_IDS {
        assert!(dom.contains(id), "{id} is not shown");
    }
    // Its derivation graph: the BBC text (002) is the source of 000 and 001.
    assert!(dom.contains("<svg"), "no graph");
    assert_eq!(
        dom.matches("class=\"arrow\"").count(),
        2,
        "two derivation arrows"
    );
    assert!(dom.contains("002_4156b6fe17ca2892.txt → 000_44968c05fa5774c8.txt"));
    assert!(dom.contains("002_4156b6fe17ca2892.txt → 001_5b3ff33e69876255.txt"));
    assert!(dom.contains("credits BBC"), "the attribution is shown");
    // The claim matrix, and the pairs with their relations.
    assert!(dom.contains("carried by every document"), "no claim matrix");
    assert!(dom.contains("relation reuse"), "no relation shown");
    // The summary of what was read and skipped.
    assert!(full.contains("Every input was read; nothing was skipped."));
    // The pair with most evidence is open side by side, passages marked.
    assert!(
        dom.contains("<mark class=\"verbatim\""),
        "no verbatim passage"
    );
    if result.summary.pairs_by_relation.contains_key("paraphrase") {
        assert!(dom.contains("<mark class=\"paraphrase\""), "no paraphrase");
    }
    assert!(
        dom.contains("class=\"boiler"),
        "boilerplate is not shown greyed"
    );
    let shot = screenshot(&chromium, &file, "", "report-seeds.png");
    eprintln!("screenshot: {}", shot.display());

    // One pair on its own: the spun rewrite next to the BBC text.
    let pair = result
        .pairs
        .iter()
        .position(|p| &*p.a == SEED_IDS[0] && &*p.b == SEED_IDS[2])
        .unwrap();
    let fragment = format!("#pair={pair}");
    let full = dump_dom(&chromium, &file, &fragment);
    let dom = shown(&full);
    assert!(dom.contains("Side by side"));
    assert!(dom.contains("Western countries have"));
    let shot = screenshot(&chromium, &file, &fragment, "report-seeds-pair.png");
    eprintln!("screenshot: {}", shot.display());
}

/// What an attacker would put in an article: markup that runs script if
/// the report ever treated text as HTML.
const PAYLOAD: &str = "<script>document.body.setAttribute('data-pwned','script')</script>\n\
    </script></template><img src=x onerror=\"document.body.setAttribute('data-pwned','img')\">\n\
    <b onmouseover=alert(1)>bold</b> & \"quotes\" 'single'\n";

#[test]
fn an_article_with_script_stays_inert() {
    let base =
        std::fs::read_to_string(workspace().join("tests/fixtures/seeds/002_4156b6fe17ca2892.txt"))
            .unwrap();
    let text = format!("{PAYLOAD}{base}");
    let mut a = Document::new("evil<script>alert(1)</script>.txt", text.clone());
    a.title = Some("<script>document.title='pwned'</script>".to_string());
    let b = Document::new("copy.txt", text.replace("lukewarm", "cool"));
    let result = scan_documents([a, b], &ScanOptions::default(), &Quiet).unwrap();
    assert_eq!(result.pairs.len(), 1, "the copy is found");
    assert_eq!(result.stories.len(), 1);

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("report.html");
    unspun_report::write_report_file(&file, &result).unwrap();
    let html = std::fs::read_to_string(&file).unwrap();
    for raw in [
        "<script>document",
        "<img src=x",
        "<b onmouseover",
        "</template><img",
    ] {
        assert!(!html.contains(raw), "`{raw}` is in the report as markup");
    }

    let Some(chromium) = chromium() else { return };
    for fragment in ["", "#pair=0"] {
        let dom = dump_dom(&chromium, &file, fragment);
        assert!(!dom.is_empty(), "chromium gave no DOM");
        assert!(!dom.contains("data-pwned=\""), "a script ran ({fragment})");
        assert!(
            !dom.contains("<img"),
            "an element was made from text ({fragment})"
        );
        assert!(
            !dom.contains("<b onmouseover"),
            "an element was made from text"
        );
        assert!(
            dom.contains("<title>unspun report</title>"),
            "the title changed"
        );
        if fragment == "#pair=0" {
            // The payload is on the page, as text.
            assert!(
                dom.contains("&lt;script&gt;document.body.setAttribute"),
                "{fragment}"
            );
            assert!(dom.contains("&lt;img src=x onerror="), "{fragment}");
        }
    }
}
