//! Boilerplate: site chrome, scraper notices, teaser blocks, captions.
//!
//! Nothing is dropped: [`clean`] splits a text into kept spans and removed
//! spans, both pointing into the original. Two signals decide:
//! - per-line features: length, sentence punctuation, English function-word
//!   share (an off-topic teaser in Czech or Thai inside an English page),
//!   chrome phrases ("subscribe", "Image source", "do not claim ... copyright"),
//!   position (short lines before the first or after the last paragraph of
//!   prose), and "Related Posts"-style markers that open a teaser block;
//! - corpus repetition ([`LineStats`]): short lines seen in many documents, or
//!   in more than one document of the same site.

use crate::document::leading_date_line;
use crate::span::Span;
use crate::token::{fmix64, tokenize_into, Token};
use aho_corasick::AhoCorasick;
use std::collections::HashMap;
use std::sync::LazyLock;

/// How many documents a short line must appear in to count as boilerplate.
const REPEATED_IN_DOCS: u32 = 3;
/// Same-site repetition is a stronger signal: twice is enough.
const REPEATED_IN_SITE: u32 = 2;
/// Lines longer than this are never removed for repetition alone: long
/// repeated lines are copied content, which is what unspun looks for.
const MAX_REPEATED_WORDS: usize = 25;

/// Phrases that mark a line as chrome on their own (when the line is short).
const STRONG_PHRASES: &[&str] = &[
    "image source",
    "image caption",
    "media caption",
    "photo:",
    "credit:",
    "getty images",
    "all rights reserved",
    "copyright ©",
    "click here",
    "read more",
    "subscribe to",
    "sign up for",
    "newsletter",
    "advertisement",
    "share this",
    "comments are closed",
    "continue reading",
    "do not claim",
    "indexed to our site",
    "original source",
    "donate now",
    "subscription form",
    "follow us",
    "cookie",
    "privacy policy",
    "terms of use",
    "thumbnail",
    "see all the latest news",
    "contact our newsroom",
    "skip to content",
    "related posts",
];

/// Weaker phrases: two on one line (or one plus a short line) mark chrome.
const WEAK_PHRASES: &[&str] = &[
    "subscribe",
    "follow",
    "share",
    "donat",
    "email",
    "google news",
    "facebook",
    "twitter",
    "instagram",
    "whatsapp",
    "telegram",
    "download",
    "app",
    "login",
    "log in",
    "sign in",
    "photos and videos",
    "send your story",
];

/// Lines that open a teaser block: everything after them is set aside.
const TEASER_MARKERS: &[&str] = &[
    "related posts",
    "related articles",
    "related topics",
    "related stories",
    "related news",
    "more on this story",
    "you may also like",
    "you might also like",
    "recommended for you",
    "recommended stories",
    "more stories",
    "trending now",
    "most read",
    "popular posts",
    "also read",
    "latest news",
    "more from",
];

/// Line-start prefixes that mark media and caption lines.
const CAPTION_PREFIXES: &[&str] = &[
    "watch:",
    "listen:",
    "video:",
    "photo:",
    "pictured:",
    "file photo",
];

const STOPWORDS: &[&str] = &[
    "the", "of", "and", "to", "in", "is", "that", "for", "it", "was", "on", "with", "as", "he",
    "she", "be", "by", "at", "this", "have", "from", "or", "an", "they", "which", "but", "not",
    "are", "his", "her", "has", "had", "were", "their", "its", "been", "would", "will", "there",
    "we", "who", "said", "says", "than", "also", "after", "about", "into", "more", "other", "when",
    "what", "some", "can", "our", "him", "them", "if", "so", "no", "up", "out", "over",
];

/// Per-document counts of normalized short lines across a corpus.
#[derive(Debug, Default, Clone)]
pub struct LineStats {
    /// Documents containing each short line, by [`line_keys`] key.
    pub global: HashMap<u64, u32>,
    /// Documents of one site containing each short line, by key `^` [`site_key`].
    pub by_site: HashMap<u64, u32>,
}

impl LineStats {
    pub fn new() -> Self {
        Self::default()
    }

    /// Records the distinct short lines of one document.
    pub fn add_document(&mut self, text: &str, site: Option<&str>) {
        let mut keys = line_keys(text);
        keys.sort_unstable();
        keys.dedup();
        let site_hash = site.map(site_key);
        for k in keys {
            *self.global.entry(k).or_default() += 1;
            if let Some(s) = site_hash {
                *self.by_site.entry(k ^ s).or_default() += 1;
            }
        }
    }

    /// Adds another table's counts (for parallel counting).
    pub fn merge(&mut self, other: LineStats) {
        for (k, v) in other.global {
            *self.global.entry(k).or_default() += v;
        }
        for (k, v) in other.by_site {
            *self.by_site.entry(k).or_default() += v;
        }
    }

    /// Sentence-like lines repeated across sites are quotes and copies, the
    /// very thing unspun looks for: only same-site repetition removes them.
    fn is_repeated(&self, key: u64, site: Option<&str>, sentence_like: bool) -> bool {
        if !sentence_like && self.global.get(&key).copied().unwrap_or(0) >= REPEATED_IN_DOCS {
            return true;
        }
        site.is_some_and(|s| {
            self.by_site.get(&(key ^ site_key(s))).copied().unwrap_or(0) >= REPEATED_IN_SITE
        })
    }

    pub fn distinct_lines(&self) -> usize {
        self.global.len()
    }
}

pub fn site_key(site: &str) -> u64 {
    fmix64(xxhash_rust::xxh3::xxh3_64(site.as_bytes()) | 1)
}

/// Keys of the short lines of a text (the only ones repetition may remove).
pub fn line_keys(text: &str) -> Vec<u64> {
    let mut tokens = Vec::new();
    let mut keys = Vec::new();
    for (start, end) in lines(text) {
        // No line of 25 words or fewer is this long; skip tokenizing it.
        if end - start > MAX_REPEATED_WORDS * 16 {
            continue;
        }
        tokens.clear();
        tokenize_into(text, start..end, &mut tokens);
        if !tokens.is_empty() && tokens.len() <= MAX_REPEATED_WORDS {
            keys.push(key_of(&tokens));
        }
    }
    keys
}

fn key_of(tokens: &[Token]) -> u64 {
    tokens
        .iter()
        .fold(0x1234_5678_9abc_def1u64, |h, t| fmix64(h ^ t.hash))
}

/// Byte ranges of the lines of `text`, without their line breaks.
fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = memchr::memchr(b'\n', &text.as_bytes()[pos..]).map_or(text.len(), |i| pos + i);
        pos = end + 1;
        let line_end = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((start, line_end))
    })
}

/// The result of cleaning one text.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Cleaned {
    /// Content, line by line (trimmed), in text order.
    pub kept: Vec<Span>,
    /// Set-aside boilerplate, merged where consecutive, in text order.
    pub removed: Vec<Span>,
    /// The line that looks like the headline, if any (it stays in `kept`).
    pub title: Option<Span>,
    /// Tokens of the kept spans, in order (so callers need not tokenize again).
    pub tokens: Vec<Token>,
}

impl Cleaned {
    /// Number of content bytes.
    pub fn kept_bytes(&self) -> usize {
        self.kept.iter().map(Span::len).sum()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Verdict {
    Keep,
    Remove,
}

struct Line {
    span: Span,
    /// Range of this line's tokens in the document's token list.
    tokens: (usize, usize),
    words: usize,
    prose: bool,
    sentence_like: bool,
    english_share: f32,
    hits: Hits,
    non_latin: bool,
    ends_with_period: bool,
}

/// Splits `text` into content and boilerplate. `stats` adds the corpus signal.
pub fn clean(text: &str, stats: Option<&LineStats>, site: Option<&str>) -> Cleaned {
    let mut out = Cleaned::default();
    let mut body_start = 0;
    if let Some((_, len)) = leading_date_line(text) {
        out.removed.push(trimmed_span(text, 0, len));
        body_start = len;
    }
    let mut tokens = Vec::new();
    let mut items: Vec<Line> = Vec::new();
    let mut keys: Vec<Option<u64>> = Vec::new();
    for (start, end) in lines(&text[body_start..]) {
        let span = trimmed_span(text, body_start + start, body_start + end);
        if span.is_empty() {
            continue;
        }
        let first = tokens.len();
        tokenize_into(text, span.range(), &mut tokens);
        let line_tokens = &tokens[first..];
        let line = &text[span.range()];
        let english = line_tokens.iter().filter(|t| is_stopword(t.hash)).count();
        let words = line_tokens.len();
        let terminal = line
            .trim_end_matches(['"', '”', '’', '\'', ')'])
            .ends_with(['.', '!', '?', '…', ':']);
        items.push(Line {
            span,
            tokens: (first, tokens.len()),
            words,
            prose: (words >= 10 && terminal) || words >= 25,
            sentence_like: words >= 6 && terminal,
            english_share: if words == 0 {
                0.0
            } else {
                english as f32 / words as f32
            },
            hits: phrase_hits(line),
            non_latin: !line.is_ascii() && non_latin_share(line) > 0.5,
            ends_with_period: line.ends_with('.'),
        });
        keys.push((words > 0 && words <= MAX_REPEATED_WORDS).then(|| key_of(line_tokens)));
    }
    let total_words: usize = items.iter().map(|l| l.words).sum();
    let english_doc = total_words > 0
        && items
            .iter()
            .map(|l| l.english_share * l.words as f32)
            .sum::<f32>()
            / total_words as f32
            > 0.2;

    let mut verdicts: Vec<Verdict> = items
        .iter()
        .zip(&keys)
        .map(|(l, key)| {
            let repeated = match (stats, key) {
                (Some(s), Some(k)) => s.is_repeated(*k, site, l.sentence_like),
                _ => false,
            };
            if repeated || is_chrome(l) || (english_doc && is_foreign(l)) || l.words == 0 {
                Verdict::Remove
            } else {
                Verdict::Keep
            }
        })
        .collect();

    // Teaser blocks: a marker line past the first third opens a block that
    // runs to the end of the text.
    if let Some(m) = items.iter().position(|l| l.hits.teaser_marker) {
        if m * 3 >= items.len() {
            for v in &mut verdicts[m..] {
                *v = Verdict::Remove;
            }
        }
    }

    // Short lines before the first and after the last paragraph of prose are
    // chrome (menus, bylines, tags), except the headline.
    let first_prose = items
        .iter()
        .zip(&verdicts)
        .position(|(l, v)| l.prose && *v == Verdict::Keep);
    let last_prose = items
        .iter()
        .zip(&verdicts)
        .rposition(|(l, v)| l.prose && *v == Verdict::Keep);
    if let (Some(first), Some(last)) = (first_prose, last_prose) {
        let title = pick_title(&items[..first], &verdicts[..first]);
        for i in (0..first).chain(last + 1..items.len()) {
            if Some(i) != title && !items[i].prose {
                verdicts[i] = Verdict::Remove;
            }
        }
        out.title = title.map(|i| items[i].span);
    }

    let mut kept_tokens = Vec::with_capacity(tokens.len());
    for (l, v) in items.iter().zip(&verdicts) {
        match v {
            Verdict::Keep => {
                out.kept.push(l.span);
                kept_tokens.extend_from_slice(&tokens[l.tokens.0..l.tokens.1]);
            }
            Verdict::Remove => match out.removed.last_mut() {
                // Merge with the previous removed range when only blank
                // lines separate them, so ranges read as blocks.
                Some(prev)
                    if text[prev.end as usize..l.span.start as usize]
                        .trim()
                        .is_empty() =>
                {
                    prev.end = l.span.end;
                }
                _ => out.removed.push(l.span),
            },
        }
    }
    out.tokens = kept_tokens;
    out
}

static STOPWORD_HASHES: LazyLock<Vec<u64>> = LazyLock::new(|| {
    let mut v: Vec<u64> = STOPWORDS
        .iter()
        .map(|w| crate::token::word_hash(w))
        .collect();
    v.sort_unstable();
    v
});

fn is_stopword(hash: u64) -> bool {
    STOPWORD_HASHES.binary_search(&hash).is_ok()
}

/// Share of `tokens` that are common English function words: about 0.3-0.5
/// in English prose, near 0 in other languages.
pub fn english_share(tokens: &[Token]) -> f64 {
    let english = tokens.iter().filter(|t| is_stopword(t.hash)).count();
    english as f64 / tokens.len().max(1) as f64
}

/// Phrase and marker matches of one line, found in a single pass.
#[derive(Debug, Clone, Copy, Default)]
struct Hits {
    strong: usize,
    weak: usize,
    caption: bool,
    glued_domain: bool,
    teaser_marker: bool,
}

#[derive(Clone, Copy)]
enum PhraseKind {
    Strong,
    Weak,
    Domain,
}

static PHRASES: LazyLock<Option<(AhoCorasick, Vec<PhraseKind>)>> = LazyLock::new(|| {
    let mut patterns: Vec<&str> = Vec::new();
    let mut kinds = Vec::new();
    for (list, kind) in [
        (STRONG_PHRASES, PhraseKind::Strong),
        (WEAK_PHRASES, PhraseKind::Weak),
        (DOMAINS, PhraseKind::Domain),
    ] {
        patterns.extend_from_slice(list);
        kinds.extend(std::iter::repeat_n(kind, list.len()));
    }
    let ac = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(&patterns)
        .ok()?;
    Some((ac, kinds))
});

const DOMAINS: &[&str] = &[".com", ".org", ".net", ".co.uk"];

fn phrase_hits(line: &str) -> Hits {
    let mut h = Hits::default();
    if let Some((ac, kinds)) = PHRASES.as_ref() {
        let mut seen = [false; 64];
        for m in ac.find_overlapping_iter(line) {
            let id = m.pattern().as_usize();
            // Count each phrase once per line.
            if id < seen.len() && std::mem::replace(&mut seen[id], true) {
                continue;
            }
            match kinds[id] {
                PhraseKind::Strong => h.strong += 1,
                PhraseKind::Weak => h.weak += 1,
                // A domain glued to words ("GreekReporter.comEurope") is a breadcrumb.
                PhraseKind::Domain => {
                    h.glued_domain |= line[m.end()..].starts_with(|c: char| c.is_alphabetic());
                }
            }
        }
    }
    let head: String = line.chars().take(24).collect::<String>().to_lowercase();
    h.caption = CAPTION_PREFIXES.iter().any(|p| head.starts_with(p));
    if line.len() <= 40 {
        let lower = line.to_lowercase();
        let bare = lower.trim_matches(|c: char| !c.is_alphanumeric());
        h.teaser_marker = TEASER_MARKERS.contains(&bare);
    }
    h
}

fn trimmed_span(text: &str, start: usize, end: usize) -> Span {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let len = piece.trim().len();
    Span::new(start + lead, start + lead + len)
}

fn is_chrome(l: &Line) -> bool {
    let Hits {
        strong,
        weak,
        caption,
        glued_domain,
        ..
    } = l.hits;
    let short = l.words < 40;
    (short && (strong >= 1 || caption || glued_domain))
        || strong + weak >= 3
        || (strong >= 2)
        || (l.words < 12 && weak >= 2)
}

/// A line of real words with almost no English function words, in an English
/// document: an off-topic teaser in another language.
fn is_foreign(l: &Line) -> bool {
    (l.words >= 8 && l.english_share < 0.06) || (l.words >= 1 && l.non_latin)
}

fn non_latin_share(s: &str) -> f32 {
    let mut letters = 0usize;
    let mut other = 0usize;
    for c in s.chars().filter(|c| c.is_alphabetic()) {
        letters += 1;
        if (c as u32) > 0x024F {
            other += 1;
        }
    }
    if letters == 0 {
        0.0
    } else {
        other as f32 / letters as f32
    }
}

/// The headline: the longest heading-like line (3 to 25 words, no final
/// period) before the first paragraph.
fn pick_title(head: &[Line], verdicts: &[Verdict]) -> Option<usize> {
    head.iter()
        .enumerate()
        .filter(|(i, l)| {
            verdicts[*i] == Verdict::Keep && (3..=25).contains(&l.words) && !l.ends_with_period
        })
        .max_by_key(|(i, l)| (l.words, std::cmp::Reverse(*i)))
        .map(|(i, _)| i)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "Home | News | Sport\n\nMinisters agree new budget\n\nBy Jane Doe\n\n\
        The finance ministers of the euro zone agreed on Monday to a new budget framework that will run until 2030, officials said.\n\n\
        Subscribe to our newsletter for the latest updates.\n\n\
        The framework sets limits on borrowing and was welcomed by markets, which rose in early trading on the news.\n\n\
        Related Posts\n\nFootball club wins the cup\n\nZlatý oříšek je soutěž určená šikovným, aktivním a úspěšným dětem od 6 do 14 let.";

    fn kept(text: &str, c: &Cleaned) -> Vec<String> {
        c.kept.iter().map(|s| text[s.range()].to_string()).collect()
    }

    #[test]
    fn keeps_paragraphs_and_sets_chrome_aside() {
        let c = clean(PAGE, None, None);
        assert_eq!(
            kept(PAGE, &c),
            [
                "Ministers agree new budget",
                "The finance ministers of the euro zone agreed on Monday to a new budget framework that will run until 2030, officials said.",
                "The framework sets limits on borrowing and was welcomed by markets, which rose in early trading on the news.",
            ]
        );
        assert_eq!(
            c.title.map(|s| &PAGE[s.range()]),
            Some("Ministers agree new budget")
        );
        let removed: String = c
            .removed
            .iter()
            .map(|s| &PAGE[s.range()])
            .collect::<Vec<_>>()
            .join("|");
        assert!(removed.contains("Subscribe to our newsletter"));
        assert!(removed.contains("Zlatý oříšek"));
        assert!(removed.starts_with("Home | News | Sport"));
    }

    #[test]
    fn nothing_is_lost() {
        let c = clean(PAGE, None, None);
        let mut all: Vec<Span> = c.kept.iter().chain(&c.removed).copied().collect();
        all.sort();
        let covered: String = all.iter().map(|s| &PAGE[s.range()]).collect();
        let letters = |s: &str| s.chars().filter(|c| !c.is_whitespace()).count();
        assert_eq!(letters(&covered), letters(PAGE));
    }

    #[test]
    fn repeated_short_lines_are_boilerplate_but_long_ones_are_content() {
        let long = "The framework sets limits on borrowing and was welcomed by markets, which rose in early trading on the news.";
        let mut stats = LineStats::new();
        for i in 0..3 {
            stats.add_document(&format!("Share your views with us\n{long}\nbody {i}"), None);
        }
        let text = format!("Share your views with us\n{long}\n{long}");
        let c = clean(&text, Some(&stats), None);
        assert_eq!(kept(&text, &c), [long, long]);
    }
}
