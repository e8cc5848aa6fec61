//! One story's detail: members, derivation graph and edges, claim matrix.
//! Written into a `<template>`: the browser parses it but lays out only the
//! story a reader opens, which keeps a report of thousands of stories fast.

use crate::graph::{self, Arrow, Link, Node, Role};
use crate::html::Html;
use std::collections::BTreeMap;
use unspun_scan::{PairRecord, ScanResult, StoryRecord};

/// Above this many members the graph draws derivations only, no links.
const MAX_LINKED_MEMBERS: usize = 30;

/// Short label of member `k` of a story: D1, D2, …
pub fn member_label(k: usize) -> String {
    format!("D{}", k + 1)
}

fn pct(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Writes the template of story `k`; `pairs` are the related pairs inside it.
pub fn template(h: &mut Html, r: &ScanResult, k: usize, s: &StoryRecord, pairs: &[&PairRecord]) {
    let id = format!("story-{k}");
    h.open("template", &[("id", &id)]);
    h.open("article", &[("class", "story")]);
    h.elem("h2", &[], s.title.as_deref().unwrap_or(&s.id));
    let dates = match (&s.first_date, &s.last_date) {
        (Some(a), Some(b)) if a == b => format!(" · {a}"),
        (Some(a), Some(b)) => format!(" · {a} to {b}"),
        _ => String::new(),
    };
    h.elem(
        "p",
        &[("class", "meta")],
        &format!(
            "{} · {} documents{dates} · cohesion {:.2} · original: {}",
            s.id,
            s.size,
            s.cohesion,
            s.original.as_deref().unwrap_or("not determined")
        ),
    );
    members(h, r, s);
    derivations(h, r, s, pairs);
    claims(h, s);
    h.elem("h3", &[], "Pairs");
    h.elem(
        "p",
        &[("class", "hint")],
        "Open a pair to read both texts side by side: verbatim passages in yellow, paraphrased ones in blue, boilerplate greyed.",
    );
    h.open("div", &[("class", "story-pairs")]).close("div");
    h.close("article");
    h.close("template");
}

fn role_of(s: &StoryRecord, doc: &str) -> Role {
    if s.original.as_deref() == Some(doc) {
        Role::Original
    } else if s.edges.iter().any(|e| *e.to == *doc) {
        Role::Derived
    } else if s.edges.iter().any(|e| *e.from == *doc) {
        Role::Original
    } else {
        Role::Independent
    }
}

fn members(h: &mut Html, r: &ScanResult, s: &StoryRecord) {
    h.elem("h3", &[], "Documents");
    h.open("table", &[("class", "members")]);
    h.open("tr", &[]);
    for th in [
        "", "document", "title", "site", "date", "family", "role", "",
    ] {
        h.elem("th", &[], th);
    }
    h.close("tr");
    for (k, &m) in s.member_indices.iter().enumerate() {
        let Some(d) = r.documents.get(m as usize) else {
            continue;
        };
        let role = match role_of(s, &d.id) {
            Role::Original => "original".to_string(),
            Role::Derived => {
                let sources: Vec<&str> = s
                    .edges
                    .iter()
                    .filter(|e| *e.to == *d.id)
                    .map(|e| &*e.from)
                    .collect();
                format!("derived from {}", sources.join(", "))
            }
            Role::Independent => "independent".to_string(),
        };
        let index = m.to_string();
        h.open("tr", &[]);
        h.elem("td", &[("class", "label")], &member_label(k));
        h.elem("td", &[("class", "doc-id")], &d.id);
        for (cell, class) in [
            (&d.title, ""),
            (&d.site, ""),
            (&d.date, "nowrap"),
            (&d.family, "nowrap"),
        ] {
            h.elem("td", &[("class", class)], cell.as_deref().unwrap_or(""));
        }
        h.elem("td", &[], &role);
        h.open("td", &[]);
        h.elem(
            "button",
            &[("data-doc", &index), ("type", "button")],
            "read",
        );
        h.close("td");
        h.close("tr");
    }
    h.close("table");
}

fn derivations(h: &mut Html, r: &ScanResult, s: &StoryRecord, pairs: &[&PairRecord]) {
    h.elem("h3", &[], "Derivation");
    let position: BTreeMap<&str, usize> = s
        .members
        .iter()
        .enumerate()
        .map(|(k, m)| (m.as_str(), k))
        .collect();
    let nodes: Vec<Node> = s
        .member_indices
        .iter()
        .enumerate()
        .filter_map(|(k, &m)| {
            let d = r.documents.get(m as usize)?;
            let sub = d
                .title
                .clone()
                .or_else(|| d.site.clone())
                .unwrap_or_default();
            Some(Node {
                label: format!("{} {}", member_label(k), d.id),
                sub,
                tip: format!("{}\n{}", d.id, d.title.as_deref().unwrap_or("")),
                role: role_of(s, &d.id),
            })
        })
        .collect();
    let arrows: Vec<Arrow> = s
        .edges
        .iter()
        .filter_map(|e| {
            Some(Arrow {
                from: *position.get(&*e.from)?,
                to: *position.get(&*e.to)?,
                label: format!("{} {}", e.relation, pct(e.confidence)),
                tip: format!("{} derived from {} ({})", e.to, e.from, e.relation),
            })
        })
        .collect();
    let links: Vec<Link> = if s.size <= MAX_LINKED_MEMBERS {
        pairs
            .iter()
            .filter_map(|p| {
                let (a, b) = (*position.get(&*p.a)?, *position.get(&*p.b)?);
                let directed = s
                    .edges
                    .iter()
                    .any(|e| (e.from == p.a && e.to == p.b) || (e.from == p.b && e.to == p.a));
                (!directed).then(|| Link {
                    a,
                    b,
                    class: p.relation.as_str(),
                    tip: format!("{} ~ {}: {}", p.a, p.b, p.relation),
                })
            })
            .collect()
    } else {
        Vec::new()
    };
    h.open("div", &[("class", "graph-wrap")]);
    h.append(graph::svg(&nodes, &arrows, &links));
    h.close("div");
    h.elem(
        "p",
        &[("class", "hint")],
        "Arrows point from source to copy; dashed lines are relations with no direction (same story, or copies whose direction the evidence leaves open).",
    );
    if s.edges.is_empty() {
        h.elem(
            "p",
            &[],
            "No derivation found: no member's text was shown to come from another's.",
        );
        return;
    }
    h.open("ul", &[("class", "edges")]);
    for e in &s.edges {
        h.open("li", &[]);
        h.elem("b", &[], &format!("{} → {}", e.from, e.to));
        h.textf(format_args!(
            " {} · confidence {}",
            e.relation,
            pct(e.confidence)
        ));
        h.open("ul", &[]);
        for ev in e.evidence.iter() {
            let kind = format!("{:?}", ev.kind).to_lowercase();
            h.open("li", &[]);
            h.elem("span", &[("class", "evidence-kind")], &kind);
            h.textf(format_args!(" {:+.2}: {}", ev.weight, ev.detail));
            h.close("li");
        }
        h.close("ul");
        h.close("li");
    }
    h.close("ul");
}

/// The claim matrix's header; its rows are built by the page's script from
/// the embedded data (sentence spans: the texts are there already).
fn claims(h: &mut Html, s: &StoryRecord) {
    h.elem("h3", &[], "Claims");
    let Some(claims) = &s.claims else {
        h.elem(
            "p",
            &[],
            "This story has too many documents for a claim matrix.",
        );
        return;
    };
    let n = s.size;
    let everyone = claims.iter().filter(|c| c.documents == n).count();
    let single = claims.iter().filter(|c| c.documents == 1).count();
    h.elem(
        "p",
        &[],
        &format!(
            "{} distinct statements: {everyone} carried by every document, {single} by one only. \
             Click a dot to read the sentence in its document.",
            claims.len()
        ),
    );
    h.open("div", &[("class", "claims-wrap")]).close("div");
}
