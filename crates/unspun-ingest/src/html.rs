//! HTML pages: main text via `dom_smoothie` (a port of Mozilla's
//! Readability) and metadata from `<meta>`, `<link>`, `<time>` and JSON-LD.

use std::collections::HashMap;

use crate::dates::normalize_date;
use dom_query::Document as Dom;
use dom_smoothie::{Config, Readability, TextMode};

/// Message of the warning given when Readability found no article.
pub(crate) const FALLBACK_NOTE: &str =
    "no main article text found; used all visible text of <body>";

/// What [`extract_html`] gets out of a page.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HtmlPage {
    /// Main text, paragraphs separated by a blank line (`"\n\n"`).
    pub text: String,
    /// `og:title`, else `<title>`.
    pub title: Option<String>,
    /// Absolute canonical link, else `og:url`.
    pub url: Option<String>,
    /// Publication date as `YYYY-MM-DD`.
    pub date: Option<String>,
    /// `og:site_name`.
    pub site_name: Option<String>,
    /// True when Readability found nothing and `text` is all of `<body>`.
    pub used_fallback: bool,
}

/// Extracts the main text and metadata of an HTML page.
pub fn extract_html(html: &str) -> HtmlPage {
    let dom = Dom::from(html);
    let mut page = metadata(&dom);
    let config = Config {
        text_mode: TextMode::Formatted,
        ..Config::default()
    };
    // No document URL: it only serves to rewrite links, which we drop.
    if let Ok(article) =
        Readability::with_document(dom, None, Some(config)).and_then(|mut r| r.parse())
    {
        page.text = tidy(&article.text_content);
        if page.title.is_none() && !article.title.trim().is_empty() {
            page.title = Some(collapse_ws(&article.title));
        }
    }
    if page.text.is_empty() {
        page.text = body_text(html);
        page.used_fallback = true;
    }
    page
}

/// All visible text of `<body>`, for pages Readability gives up on.
fn body_text(html: &str) -> String {
    let dom = Dom::from(html);
    dom.select("script, style, noscript, template, head")
        .remove();
    match dom.body() {
        Some(body) => tidy(&body.formatted_text()),
        None => tidy(&dom.formatted_text()),
    }
}

fn metadata(dom: &Dom) -> HtmlPage {
    let metas = meta_map(dom);
    let meta = |keys: &[&str]| keys.iter().find_map(|k| metas.get(*k)).cloned();

    let title = meta(&["og:title", "twitter:title"])
        .or_else(|| non_empty(&dom.select("title").text()))
        .map(|t| collapse_ws(&t));

    let canonical = dom
        .select("link[rel~=canonical]")
        .attr("href")
        .map(|h| h.trim().to_string());
    let url = canonical
        .into_iter()
        .chain(meta(&["og:url"]))
        .find(|u| u.starts_with("http://") || u.starts_with("https://"));

    let date = meta(&[
        "article:published_time",
        "og:article:published_time",
        "datepublished",
        "date",
        "pubdate",
        "publishdate",
        "dc.date",
        "dc.date.issued",
        "dcterms.created",
        "sailthru.date",
    ])
    .and_then(|d| normalize_date(&d))
    .or_else(|| json_ld_date(dom))
    .or_else(|| time_date(dom));

    HtmlPage {
        title,
        url,
        date,
        site_name: meta(&["og:site_name"]),
        ..HtmlPage::default()
    }
}

/// `<meta>` contents by lowercased `property`, `name` or `itemprop`; the first wins.
fn meta_map(dom: &Dom) -> HashMap<String, String> {
    let mut map = HashMap::new();
    for node in dom.select("meta[content]").nodes() {
        let Some(content) = node.attr("content").and_then(|c| non_empty(&c)) else {
            continue;
        };
        for attr in ["property", "name", "itemprop"] {
            if let Some(key) = node.attr(attr) {
                map.entry(key.trim().to_ascii_lowercase())
                    .or_insert_with(|| content.clone());
            }
        }
    }
    map
}

/// `datePublished` anywhere in a JSON-LD block (also inside `@graph` or arrays).
fn json_ld_date(dom: &Dom) -> Option<String> {
    dom.select("script[type='application/ld+json']")
        .nodes()
        .iter()
        .find_map(|node| {
            let value: serde_json::Value = serde_json::from_str(node.text().trim()).ok()?;
            find_key(&value, "datePublished").and_then(normalize_date)
        })
}

fn find_key<'a>(value: &'a serde_json::Value, key: &str) -> Option<&'a str> {
    match value {
        serde_json::Value::Object(map) => map
            .get(key)
            .and_then(|v| v.as_str())
            .or_else(|| map.values().find_map(|v| find_key(v, key))),
        serde_json::Value::Array(items) => items.iter().find_map(|v| find_key(v, key)),
        _ => None,
    }
}

/// A `<time datetime>`, preferring one marked as the publication time.
fn time_date(dom: &Dom) -> Option<String> {
    let marked = dom.select("time[pubdate][datetime], time[itemprop=datePublished][datetime]");
    let any = dom.select("time[datetime]");
    [marked, any].iter().find_map(|sel| {
        sel.nodes()
            .iter()
            .find_map(|n| normalize_date(&n.attr("datetime")?))
    })
}

/// Readability's formatted text, made regular: lines trimmed at the end,
/// paragraphs separated by exactly one blank line, no blank start or end.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank_run = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.trim_start().is_empty() {
            blank_run += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank_run > 0 { "\n\n" } else { "\n" });
        }
        blank_run = 0;
        out.push_str(line);
    }
    out
}

fn collapse_ws(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tidy_makes_blank_line_paragraphs() {
        assert_eq!(tidy("\n\n A  \n\n\n\nB\nC   \n\n"), " A\n\nB\nC");
    }

    #[test]
    fn metadata_from_meta_link_and_json_ld() {
        let html = r#"<html><head><title> Page
            title </title>
            <link rel="canonical" href="https://www.example.com/news/1">
            <meta property="og:site_name" content="Example News">
            <script type="application/ld+json">{"@graph":[{"@type":"NewsArticle","datePublished":"2021-02-03T04:05:06Z"}]}</script>
            </head><body><p>Hi</p></body></html>"#;
        let page = metadata(&Dom::from(html));
        assert_eq!(page.title.as_deref(), Some("Page title"));
        assert_eq!(page.url.as_deref(), Some("https://www.example.com/news/1"));
        assert_eq!(page.date.as_deref(), Some("2021-02-03"));
        assert_eq!(page.site_name.as_deref(), Some("Example News"));
    }

    #[test]
    fn meta_date_beats_time_element_and_relative_canonical_is_ignored() {
        let html = r#"<head><link rel="canonical" href="/news/1">
            <meta property="og:url" content="https://example.org/a">
            <meta name="pubdate" content="2020-01-02"></head>
            <body><time datetime="1999-09-09">then</time></body>"#;
        let page = metadata(&Dom::from(html));
        assert_eq!(page.url.as_deref(), Some("https://example.org/a"));
        assert_eq!(page.date.as_deref(), Some("2020-01-02"));
        let page = metadata(&Dom::from(r#"<p><time datetime="1999-09-09">x</time></p>"#));
        assert_eq!(page.date.as_deref(), Some("1999-09-09"));
    }

    #[test]
    fn tiny_page_falls_back_to_body_text_without_scripts() {
        let page =
            extract_html("<html><body><script>var x=1;</script><p>Only line.</p></body></html>");
        assert_eq!(page.text, "Only line.");
        assert!(!page.text.contains("var x"));
    }
}
