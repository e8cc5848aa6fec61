//! The report of a scan: one self-contained HTML file (`unspun scan
//! --report FILE`), readable offline in any browser.
//!
//! - the summary: counts, relations, what was skipped and why;
//! - the stories, largest first: members, the derivation graph (inline
//!   SVG), its edges with their evidence, the claim matrix;
//! - any pair side by side, verbatim and paraphrased passages highlighted,
//!   boilerplate greyed.
//!
//! Everything static is built by [`html::Html`], which escapes all text;
//! the side-by-side views are built in the browser from embedded JSON
//! ([`data`]) with `textContent`. No request leaves the page: a content
//! security policy forbids every source but the inline style and script.
//! Story details sit in `<template>` elements and pair views are built on
//! demand, so a report of 10,000 documents opens quickly.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod data;
pub mod graph;
pub mod html;
pub mod story;

use html::Html;
use std::io::{self, BufWriter, Write};
use std::path::Path;
use unspun_scan::ScanResult;

const STYLE: &str = include_str!("assets/report.css");
const SCRIPT: &str = include_str!("assets/report.js");
/// Problems listed in the summary; all are in summary.json.
const MAX_PROBLEMS: usize = 500;

/// Writes the report of `r` to `path`.
pub fn write_report_file(path: &Path, r: &ScanResult) -> io::Result<()> {
    let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(path)?);
    write_report(&mut w, r)?;
    w.flush()
}

fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The related pairs inside each story, in one pass over the pairs.
fn pairs_by_story(r: &ScanResult) -> Vec<Vec<&unspun_scan::PairRecord>> {
    let mut story_of = vec![None; r.documents.len()];
    for (k, s) in r.stories.iter().enumerate() {
        for &m in &s.member_indices {
            if let Some(x) = story_of.get_mut(m as usize) {
                *x = Some(k);
            }
        }
    }
    let of = |d: u32| story_of.get(d as usize).copied().flatten();
    let mut out = vec![Vec::new(); r.stories.len()];
    for p in &r.pairs {
        if let (Some(a), Some(b)) = (of(p.a_index), of(p.b_index)) {
            if a == b {
                out[a].push(p);
            }
        }
    }
    out
}

/// Stories by size, largest first (then input order): what to read first.
fn story_order(r: &ScanResult) -> Vec<usize> {
    let mut order: Vec<usize> = (0..r.stories.len()).collect();
    order.sort_by_key(|&k| std::cmp::Reverse(r.stories[k].size));
    order
}

/// Writes the report of `r`.
pub fn write_report(w: &mut dyn Write, r: &ScanResult) -> io::Result<()> {
    let mut h = Html::new();
    h.trusted("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
    h.trusted(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:\">",
    );
    h.trusted("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">");
    h.elem("title", &[], "unspun report");
    h.trusted("<style>")
        .trusted(STYLE)
        .trusted("</style></head><body>");
    h.open("header", &[]);
    h.elem("h1", &[], "unspun report");
    let s = &r.summary;
    h.elem(
        "p",
        &[("class", "counts")],
        &[
            count(s.documents, "document", "documents"),
            count(s.pairs, "related pair", "related pairs"),
            count(s.stories, "story", "stories"),
            count(s.families, "copy family", "copy families"),
            count(s.derivations, "derivation edge", "derivation edges"),
            count(s.skipped, "input skipped", "inputs skipped"),
        ]
        .join(" · "),
    );
    h.trusted(
        "<nav><a href=\"#stories\">Stories</a> <a href=\"#all-pairs\">All pairs</a> \
         <a href=\"#summary\">Summary and skipped input</a></nav>",
    );
    h.close("header");
    h.trusted("<noscript><p class=\"warn\">This report needs JavaScript to open stories and pairs.</p></noscript>");
    h.trusted("<main><div id=\"view\"></div>");
    story_index(&mut h, r);
    h.trusted("<section id=\"all-pairs\"><h2>All pairs</h2><div id=\"pairs-all\"></div></section>");
    summary(&mut h, r);
    h.trusted("</main>");
    let pairs = pairs_by_story(r);
    for k in story_order(r) {
        story::template(&mut h, r, k, &r.stories[k], &pairs[k]);
        if h.len() > 1 << 20 {
            w.write_all(std::mem::take(&mut h).into_string().as_bytes())?;
        }
    }
    h.trusted("<script type=\"application/json\" id=\"unspun-data\">");
    w.write_all(h.into_string().as_bytes())?;
    data::write_data(w, r)?;
    let mut h = Html::new();
    h.trusted("</script><script>")
        .trusted(SCRIPT)
        .trusted("</script></body></html>\n");
    w.write_all(h.into_string().as_bytes())
}

fn story_index(h: &mut Html, r: &ScanResult) {
    h.open("section", &[("id", "stories")]);
    h.elem("h2", &[], "Stories");
    if r.stories.is_empty() {
        h.elem("p", &[], "No two documents report the same story.");
        h.close("section");
        return;
    }
    h.trusted("<p><input id=\"story-filter\" type=\"search\" placeholder=\"filter stories by title or document\"></p>");
    h.open("table", &[("id", "story-index")]);
    h.open("tr", &[]);
    for th in [
        "story",
        "documents",
        "dates",
        "original",
        "derivations",
        "claims",
    ] {
        h.elem("th", &[], th);
    }
    h.close("tr");
    for k in story_order(r) {
        let s = &r.stories[k];
        let key = k.to_string();
        let href = format!("#story={k}");
        h.open("tr", &[("data-story", &key)]);
        h.open("td", &[]);
        h.elem("a", &[("href", &href)], s.title.as_deref().unwrap_or(&s.id));
        h.close("td");
        h.elem("td", &[], &s.size.to_string());
        let dates = match (&s.first_date, &s.last_date) {
            (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
            (Some(a), _) => a.clone(),
            _ => String::new(),
        };
        h.elem("td", &[], &dates);
        h.elem("td", &[], s.original.as_deref().unwrap_or(""));
        h.elem("td", &[], &s.edges.len().to_string());
        let claims = s
            .claims
            .as_ref()
            .map_or(String::new(), |c| c.len().to_string());
        h.elem("td", &[], &claims);
        h.close("tr");
    }
    h.close("table");
    h.trusted("<div id=\"story-pager\" class=\"pager\"></div>");
    h.close("section");
}

fn summary(h: &mut Html, r: &ScanResult) {
    let s = &r.summary;
    h.open("section", &[("id", "summary")]);
    h.elem("h2", &[], "Summary");
    h.open("table", &[("class", "summary")]);
    let mut row = |k: &str, v: String| {
        h.open("tr", &[])
            .elem("th", &[], k)
            .elem("td", &[], &v)
            .close("tr");
    };
    row("documents", s.documents.to_string());
    row("related pairs", s.pairs.to_string());
    for (relation, n) in &s.pairs_by_relation {
        row(&format!("· {relation}"), n.to_string());
    }
    row(
        "copy families",
        format!("{} ({} documents)", s.families, s.documents_in_families),
    );
    row(
        "stories",
        format!("{} ({} documents)", s.stories, s.documents_in_stories),
    );
    row("derivation edges", s.derivations.to_string());
    row("inputs skipped", s.skipped.to_string());
    for (kind, n) in &s.skipped_by_kind {
        row(&format!("· {kind}"), n.to_string());
    }
    row("warnings", s.warnings.to_string());
    h.close("table");
    h.elem("h3", &[], "Skipped input and warnings");
    if s.problems.is_empty() {
        h.elem("p", &[], "Every input was read; nothing was skipped.");
    } else {
        h.open("table", &[("class", "problems")]);
        h.open("tr", &[]);
        for th in ["source", "problem", "", "detail"] {
            h.elem("th", &[], th);
        }
        h.close("tr");
        for p in s.problems.iter().take(MAX_PROBLEMS) {
            let what = if p.skipped { "skipped" } else { "warning" };
            h.open("tr", &[("class", what)]);
            h.elem("td", &[], &p.source);
            h.elem("td", &[], &p.kind.to_string());
            h.elem("td", &[], what);
            h.elem("td", &[], &p.message);
            h.close("tr");
        }
        h.close("table");
        if s.problems.len() > MAX_PROBLEMS {
            h.elem(
                "p",
                &[("class", "hint")],
                &format!("{} more in summary.json.", s.problems.len() - MAX_PROBLEMS),
            );
        }
    }
    h.close("section");
}
