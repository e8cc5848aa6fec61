//! The web page in headless Chromium (Debian's `chromium`, installed by
//! `scripts/setup-browser.sh` when missing): add documents through the API,
//! open the page, check what it shows, and save screenshots under
//! `target/unspun-server-screenshots/`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{enc, post_json, start};
use serde_json::json;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn which(name: &str) -> Option<PathBuf> {
    std::env::var_os("PATH")?
        .to_str()?
        .split(':')
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

/// Chromium, installing it once if needed; `None` if that is impossible.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = which("chromium") {
        return Some(p);
    }
    let script = common::workspace().join("scripts/setup-browser.sh");
    eprintln!("chromium not found: running {}", script.display());
    let ok = Command::new("bash")
        .arg(&script)
        .status()
        .is_ok_and(|s| s.success());
    let found = which("chromium");
    if !ok || found.is_none() {
        eprintln!(
            "SKIPPED: chromium is not installed and {} could not install it",
            script.display()
        );
    }
    found
}

/// Runs Chromium headless on `url` with `args`; returns its stdout.
fn run_chromium(chromium: &Path, url: &str, args: &[String]) -> String {
    let profile = tempfile::tempdir().unwrap();
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
            // Let the page's fetches finish before the DOM is dumped.
            "--virtual-time-budget=8000",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
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

fn dump_dom(chromium: &Path, url: &str) -> String {
    run_chromium(chromium, url, &["--dump-dom".to_string()])
}

fn screenshot(chromium: &Path, url: &str, name: &str) -> PathBuf {
    let dir = common::workspace().join("target/unspun-server-screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    let _ = std::fs::remove_file(&path);
    run_chromium(
        chromium,
        url,
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

#[test]
fn the_page_shows_the_feed_a_story_and_a_side_by_side_compare() {
    let Some(chromium) = chromium() else { return };
    let srv = start(|_| {});
    let seeds = common::seeds();
    for s in &seeds {
        assert_eq!(post_json(srv.addr, "/v1/documents", s).status, 201);
    }
    let bbc = seeds[2]["id"].as_str().unwrap();
    let copy = json!({"id": "republished", "title": "Xi to visit Moscow (republished)",
        "text": format!("{}\nRepublished with permission.", seeds[2]["text"].as_str().unwrap())});
    let added = post_json(srv.addr, "/v1/documents", &copy).json();
    let family = added["family"].as_str().unwrap().to_string();
    let base = format!("http://{}/", srv.addr);

    let feed = dump_dom(&chromium, &base);
    assert!(feed.contains("id=\"feed\""), "feed not rendered:\n{feed}");
    for s in &seeds {
        assert!(
            feed.contains(s["id"].as_str().unwrap()),
            "feed lacks {}",
            s["id"]
        );
    }
    assert!(feed.contains("Xi to visit Moscow (republished)"));
    assert!(feed.contains("class=\"badge reuse\""), "no reuse badge");
    assert!(feed.contains("6 documents"), "no status line");

    let story = dump_dom(&chromium, &format!("{base}#/family/{family}"));
    assert!(
        story.contains("id=\"matrix\""),
        "family not rendered:\n{story}"
    );
    assert!(story.contains(bbc) && story.contains("republished"));
    assert!(
        story.contains("(original)")
            || story.contains("badge duplicate")
            || story.contains("badge near_duplicate")
    );

    // The story of the BBC report: its copy and the seeds that quote it.
    let stories = common::get(srv.addr, "/v1/stories").json();
    let story_id = stories["stories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["members"].as_array().unwrap().iter().any(|x| x == bbc))
        .and_then(|s| s["id"].as_str())
        .expect("the BBC report is in a story")
        .to_string();
    let story_url = format!("{base}#/story/{story_id}");
    let page = dump_dom(&chromium, &story_url);
    assert!(
        page.contains("reporting one event") && page.contains("id=\"matrix\""),
        "story not rendered:\n{page}"
    );
    assert!(page.contains(bbc) && page.contains(seeds[1]["id"].as_str().unwrap()));
    // The derivation graph: the BBC report as the original, arrows to its
    // copy and to the piece quoting it; the claim matrix below it.
    assert!(page.contains("id=\"graph\""), "no graph:\n{page}");
    assert!(
        page.contains(&format!("class=\"node original\" data-id=\"{bbc}\"")),
        "the BBC report is not drawn as the original:\n{page}"
    );
    assert!(page.matches("class=\"edge\"").count() >= 4, "edges missing");
    // The republished copy: a duplicate whose direction no clue decides.
    assert!(page.contains("class=\"copy\""), "undirected copy not drawn");
    let quoting = seeds[1]["id"].as_str().unwrap();
    assert!(
        page.contains(&format!("{bbc} → {quoting}")),
        "no edge to {quoting}"
    );
    assert!(page.contains("id=\"claims\"") && page.contains("class=\"has\""));

    let compare_url = format!(
        "{base}#/compare/{}/{}",
        enc(bbc),
        enc(seeds[0]["id"].as_str().unwrap())
    );
    let compare = dump_dom(&chromium, &compare_url);
    assert!(
        compare.contains("id=\"text-a\"") && compare.contains("id=\"text-b\""),
        "compare not rendered:\n{compare}"
    );
    let marks = compare.matches("<mark class=\"p").count();
    assert!(marks >= 4, "{marks} highlighted passages");
    assert!(compare.contains("Xi Jinping"));

    let doc = dump_dom(&chromium, &format!("{base}#/doc/{}", enc(bbc)));
    assert!(
        doc.contains("class=\"removed\""),
        "boilerplate not shown as set aside"
    );

    for (url, name) in [
        (base.clone(), "feed.png"),
        (compare_url, "compare.png"),
        (format!("{base}#/family/{family}"), "family.png"),
        (story_url, "story.png"),
    ] {
        let path = screenshot(&chromium, &url, name);
        eprintln!("screenshot: {}", path.display());
    }
}

#[test]
fn article_markup_stays_inert_text() {
    let Some(chromium) = chromium() else { return };
    let srv = start(|_| {});
    let evil = "<script>alert(1)</script><img src=x onerror=alert(2)>";
    let doc = json!({
        "id": "xss<b>",
        "title": evil,
        "site": "<i>site</i>",
        "text": format!("Breaking: {evil} was found in a comment field.\nThe rest of the article is ordinary prose about a harbour."),
    });
    assert_eq!(post_json(srv.addr, "/v1/documents", &doc).status, 201);
    let copy = json!({"id": "copy", "text": doc["text"]});
    assert_eq!(post_json(srv.addr, "/v1/documents", &copy).status, 201);
    let base = format!("http://{}/", srv.addr);
    let stories = common::get(srv.addr, "/v1/stories").json();
    let story = stories["stories"][0]["id"].as_str().unwrap().to_string();
    for url in [
        base.clone(),
        format!("{base}#/doc/{}", enc("xss<b>")),
        format!("{base}#/compare/{}/copy", enc("xss<b>")),
        format!("{base}#/story/{story}"),
    ] {
        let dom = dump_dom(&chromium, &url);
        assert!(
            dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "markup not shown as text on {url}:\n{dom}"
        );
        // The page's own script is the only one; no element came from the article.
        assert_eq!(dom.matches("<script").count(), 1, "{url}");
        assert!(!dom.contains("<img"), "{url}");
        assert!(!dom.contains("<b>") && !dom.contains("<i>site"), "{url}");
    }
}
