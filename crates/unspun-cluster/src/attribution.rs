//! Who a text credits, and who a text is: news outlets named in it.
//!
//! Two kinds of mention matter for provenance:
//! - an **attribution** credits another outlet with what follows or precedes
//!   ("the BBC says", "according to Reuters", "(AP)", "Credit: AFP");
//! - a **self-reference** is how an outlet speaks of itself ("told the BBC",
//!   "in an interview with the BBC", "Reuters has learned"). In another
//!   outlet's text it can also be a citation, so it only weakly says who
//!   wrote the text, and never when the same text also credits that outlet.
//!
//! Outlets are a small list of wire services and large newsrooms plus every
//! site the corpus itself names in its metadata (`greekreporter.com` makes
//! "GreekReporter" an outlet).

use aho_corasick::{AhoCorasick, AhoCorasickKind};
use unspun_text::document::site_of_url;
use unspun_text::Span;

/// Known outlets: display name, names as written in text, site labels.
const KNOWN: &[(&str, &[&str], &[&str])] = &[
    ("BBC", &["BBC", "BBC News"], &["bbc"]),
    ("Reuters", &["Reuters"], &["reuters"]),
    ("AP", &["AP", "Associated Press"], &["apnews", "ap"]),
    (
        "AFP",
        &["AFP", "Agence France-Presse", "Agence France Presse"],
        &["afp"],
    ),
    ("CNN", &["CNN"], &["cnn"]),
    ("The Guardian", &["Guardian"], &["theguardian", "guardian"]),
    (
        "The New York Times",
        &["New York Times", "NYT"],
        &["nytimes"],
    ),
    (
        "The Washington Post",
        &["Washington Post"],
        &["washingtonpost"],
    ),
    (
        "The Wall Street Journal",
        &["Wall Street Journal", "WSJ"],
        &["wsj"],
    ),
    ("Financial Times", &["Financial Times"], &["ft"]),
    ("Bloomberg", &["Bloomberg"], &["bloomberg"]),
    ("Al Jazeera", &["Al Jazeera"], &["aljazeera"]),
    ("Sky News", &["Sky News"], &["news.sky", "sky"]),
    ("NPR", &["NPR"], &["npr"]),
    ("Fox News", &["Fox News"], &["foxnews"]),
    ("Politico", &["Politico"], &["politico"]),
    ("TASS", &["TASS"], &["tass"]),
    ("Xinhua", &["Xinhua"], &["xinhuanet"]),
    ("Interfax", &["Interfax"], &["interfax"]),
    ("UPI", &["UPI", "United Press International"], &["upi"]),
    ("dpa", &["dpa"], &["dpa"]),
];

/// Words before an outlet's name that credit it.
const CREDIT_BEFORE: &[&str] = &[
    "according to",
    "credit:",
    "source:",
    "sources:",
    "via",
    "courtesy of",
    "reported by",
    "reporting by",
    "cited by",
    "quoted by",
    "first reported by",
    "(c)",
    "©",
];
/// Words after an outlet's name that credit it ("the BBC says").
const CREDIT_AFTER: &[&str] = &[
    "says",
    "said",
    "reports",
    "reported",
    "notes",
    "noted",
    "writes",
    "wrote",
    "adds",
    "added",
    "quoted",
    "quotes",
    "cites",
    "cited",
    "explains",
    "explained",
    "observes",
    "observed",
    "claims",
    "claimed",
];
/// Words before an outlet's name by which it speaks of itself.
const SELF_BEFORE: &[&str] = &[
    "told",
    "interview with",
    "speaking to",
    "spoke to",
    "speaking with",
    "spoke with",
    "talking to",
    "talked to",
    "confirmed to",
    "statement to",
];
/// Words after an outlet's name by which it speaks of itself.
const SELF_AFTER: &[&str] = &[
    "understands",
    "has learned",
    "has learnt",
    "has seen",
    "has contacted",
    "has approached",
    "has asked",
    "has obtained",
    "has been told",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum MentionKind {
    Attribution,
    SelfReference,
}

/// An outlet named in a text, with the words that say how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mention {
    /// Index into [`Outlets::name`].
    pub outlet: usize,
    pub kind: MentionKind,
    /// Bytes of the phrase ("The BBC says") in the text.
    pub span: Span,
}

/// The outlets one corpus can name.
#[derive(Debug, Clone)]
pub struct Outlets {
    names: Vec<String>,
    /// Site labels of each outlet.
    labels: Vec<(String, usize)>,
    spellings: Spellings,
}

/// Names as written, searched in one pass over a text, ASCII case folded:
/// those whose case matters ("AP", not "ap") must then match exactly.
#[derive(Debug, Clone)]
struct Spellings {
    finder: Option<AhoCorasick>,
    /// Per pattern: its outlet, and its spelling when the case must match.
    patterns: Vec<(usize, Option<String>)>,
}

impl Spellings {
    fn new(exact: &[(String, usize)], folded: &[(String, usize)]) -> Spellings {
        // A DFA: built once per corpus, then the fastest overlapping search.
        let finder = AhoCorasick::builder()
            .kind(Some(AhoCorasickKind::DFA))
            .ascii_case_insensitive(true)
            .build(exact.iter().chain(folded).map(|(s, _)| s.as_str()))
            .ok();
        let patterns = exact
            .iter()
            .map(|(s, k)| (*k, Some(s.clone())))
            .chain(folded.iter().map(|&(_, k)| (k, None)))
            .collect();
        Spellings { finder, patterns }
    }

    /// (start, end, outlet) of every occurrence, overlapping ones included.
    fn find<'h>(&'h self, hay: &'h str) -> impl Iterator<Item = (usize, usize, usize)> + 'h {
        self.finder.iter().flat_map(move |f| {
            f.find_overlapping_iter(hay).filter_map(move |m| {
                let (outlet, exact) = self.patterns.get(m.pattern().as_usize())?;
                let written = hay.as_bytes().get(m.start()..m.end())?;
                let matches = exact.as_ref().is_none_or(|e| e.as_bytes() == written);
                matches.then_some((m.start(), m.end(), *outlet))
            })
        })
    }
}

impl Outlets {
    /// The known outlets plus those named by `sites` (site or URL host of
    /// the corpus documents).
    pub fn new<'a>(sites: impl IntoIterator<Item = &'a str>) -> Outlets {
        let mut names = Vec::new();
        let mut labels: Vec<(String, usize)> = Vec::new();
        let (mut exact, mut folded) = (Vec::new(), Vec::new());
        for (name, spellings, site_labels) in KNOWN {
            let k = names.len();
            names.push(name.to_string());
            labels.extend(site_labels.iter().map(|l| (l.to_string(), k)));
            exact.extend(spellings.iter().map(|s| (s.to_string(), k)));
        }
        let mut extra: Vec<String> = sites.into_iter().filter_map(site_label).collect();
        extra.sort();
        extra.dedup();
        for label in extra {
            // Short labels ("ft", "rt") would match ordinary words.
            if label.len() < 4 || labels.iter().any(|(l, _)| *l == label) {
                continue;
            }
            let k = names.len();
            names.push(label.clone());
            folded.push((label.to_ascii_lowercase(), k));
            labels.push((label, k));
        }
        Outlets {
            names,
            labels,
            spellings: Spellings::new(&exact, &folded),
        }
    }

    pub fn name(&self, outlet: usize) -> &str {
        self.names.get(outlet).map(String::as_str).unwrap_or("?")
    }

    /// The outlet a site (or URL) belongs to.
    pub fn of_site(&self, site_or_url: &str) -> Option<usize> {
        let label = site_label(site_or_url)?;
        let host = host_of(site_or_url);
        self.labels
            .iter()
            .find(|(l, _)| *l == label || (l.contains('.') && host.contains(l.as_str())))
            .map(|&(_, k)| k)
    }

    /// Every attribution and self-reference in `text`, in text order.
    pub fn mentions(&self, text: &str) -> Vec<Mention> {
        // The phrases around a name are read in lowercase, made only when
        // a name is found (most texts name no outlet).
        let mut lower: Option<String> = None;
        let mut out = Vec::new();
        for (start, end, outlet) in self.spellings.find(text) {
            if !is_word_boundary(text, start, end) {
                continue;
            }
            let lower = lower.get_or_insert_with(|| text.to_ascii_lowercase());
            if let Some((kind, span)) = classify(text, lower, start, end) {
                out.push(Mention { outlet, kind, span });
            }
        }
        out.sort_by_key(|m| (m.span.start, m.outlet, m.kind));
        out.dedup_by_key(|m| (m.span.start, m.outlet));
        out
    }
}

/// The host of a site or URL, lowercase, without `www.`.
fn host_of(site_or_url: &str) -> String {
    site_of_url(site_or_url).unwrap_or_else(|| {
        let s = site_or_url.trim().to_ascii_lowercase();
        s.strip_prefix("www.").unwrap_or(&s).to_string()
    })
}

/// The name part of a host: `bbc.co.uk` → `bbc`, `edition.cnn.com` → `cnn`.
pub fn site_label(site_or_url: &str) -> Option<String> {
    let host = host_of(site_or_url);
    let labels: Vec<&str> = host.split('.').filter(|l| !l.is_empty()).collect();
    // Second-level public suffixes: the name sits one label further left.
    let two_level = labels.len() >= 3
        && matches!(
            labels[labels.len() - 2],
            "co" | "com" | "org" | "net" | "ac" | "gov" | "edu"
        );
    let k = match labels.len() {
        0 => return None,
        1 => 0,
        n if two_level => n - 3,
        n => n - 2,
    };
    Some(labels[k].to_string())
}

fn is_word_boundary(text: &str, start: usize, end: usize) -> bool {
    let before = text[..start].chars().next_back();
    let after = text[end..].chars().next();
    !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
}

/// Up to `n` bytes before `at`, on a character boundary.
fn window_before(s: &str, at: usize, n: usize) -> (usize, &str) {
    let mut start = at.saturating_sub(n);
    while !s.is_char_boundary(start) {
        start += 1;
    }
    (start, &s[start..at])
}

/// How the name at `start..end` is used, and the bytes of the phrase.
fn classify(text: &str, lower: &str, start: usize, end: usize) -> Option<(MentionKind, Span)> {
    let (from, before) = window_before(lower, start, 40);
    let before = before.trim_end();
    // "according to the BBC": the article belongs to the phrase.
    let before = before
        .strip_suffix("the")
        .filter(|b| b.is_empty() || b.ends_with(char::is_whitespace))
        .map(str::trim_end)
        .unwrap_or(before);
    let ends_with_phrase = |phrases: &[&str]| {
        phrases.iter().find_map(|p| {
            let head = before.strip_suffix(p)?;
            let bounded = head.is_empty()
                || !head.ends_with(char::is_alphanumeric)
                || p.starts_with(|c: char| !c.is_alphanumeric());
            bounded.then(|| from + head.len())
        })
    };
    let after = &lower[end..];
    let after_trim = after.trim_start();
    let gap = after.len() - after_trim.len();
    let starts_with_phrase = |phrases: &[&str]| {
        if gap == 0 {
            return None;
        }
        phrases.iter().find_map(|p| {
            let rest = after_trim.strip_prefix(p)?;
            (!rest.starts_with(char::is_alphanumeric)).then(|| end + gap + p.len())
        })
    };
    let span = |s: usize, e: usize| Span::new(s.min(start), e.max(end).min(text.len()));
    if before.ends_with('(') && after.starts_with(')') {
        return Some((MentionKind::Attribution, span(start - 1, end + 1)));
    }
    if let Some(s) = ends_with_phrase(CREDIT_BEFORE) {
        return Some((MentionKind::Attribution, span(s, end)));
    }
    if let Some(s) = ends_with_phrase(SELF_BEFORE) {
        return Some((MentionKind::SelfReference, span(s, end)));
    }
    if let Some(e) = starts_with_phrase(CREDIT_AFTER) {
        return Some((
            MentionKind::Attribution,
            span(subject_start(lower, start), e),
        ));
    }
    if let Some(e) = starts_with_phrase(SELF_AFTER) {
        return Some((
            MentionKind::SelfReference,
            span(subject_start(lower, start), e),
        ));
    }
    None
}

/// Where "the " before a name starts, for the phrase shown as evidence.
fn subject_start(lower: &str, start: usize) -> usize {
    let (from, before) = window_before(lower, start, 4);
    if before == "the " {
        from
    } else {
        start
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, MentionKind, String)> {
        let o = Outlets::new(["https://greekreporter.com/2023/03/17/x"]);
        o.mentions(text)
            .into_iter()
            .map(|m| {
                (
                    o.name(m.outlet).to_string(),
                    m.kind,
                    text[m.span.range()].to_string(),
                )
            })
            .collect()
    }

    #[test]
    fn credits_are_attributions() {
        use MentionKind::Attribution as A;
        assert_eq!(
            found("The BBC says the fact that the leader is going signals support."),
            vec![("BBC".into(), A, "The BBC says".into())]
        );
        assert_eq!(
            found("So the government has sway, the BBC notes. Other elements"),
            vec![("BBC".into(), A, "the BBC notes".into())]
        );
        assert_eq!(
            found("MOSCOW (AP) — Chinese President Xi Jinping plans to visit"),
            vec![("AP".into(), A, "(AP)".into())]
        );
        assert_eq!(
            found("talks will go on, according to Reuters."),
            vec![("Reuters".into(), A, "according to Reuters".into())]
        );
        assert_eq!(
            found("Credit: AFP"),
            vec![("AFP".into(), A, "Credit: AFP".into())]
        );
    }

    #[test]
    fn interviews_are_self_references() {
        assert_eq!(
            found("In an interview with the BBC before the visit, Kuleba said"),
            vec![(
                "BBC".into(),
                MentionKind::SelfReference,
                "interview with the BBC".into()
            )]
        );
    }

    #[test]
    fn plain_names_and_other_words_are_not_mentions() {
        assert!(found("The BBC building. APPLE and the map. Reutersville.").is_empty());
        assert!(found("Photo: Image source, Reuters").is_empty());
        assert!(found("according to authorities, according to the Kremlin").is_empty());
        // Wire-service initials count only as written: "ap" is not AP.
        assert!(found("talks will go on, according to ap.").is_empty());
    }

    #[test]
    fn corpus_sites_are_outlets_too() {
        assert_eq!(
            found("according to GreekReporter, the talks"),
            vec![(
                "greekreporter".into(),
                MentionKind::Attribution,
                "according to GreekReporter".into()
            )]
        );
        // A site's name is found in any case.
        assert_eq!(
            found("according to GREEKREPORTER, the talks")[0].2,
            "according to GREEKREPORTER"
        );
    }

    #[test]
    fn sites_name_outlets() {
        let o = Outlets::new(std::iter::empty());
        let name = |s: &str| o.of_site(s).map(|k| o.name(k).to_string());
        assert_eq!(
            name("https://www.bbc.co.uk/news/world").as_deref(),
            Some("BBC")
        );
        assert_eq!(name("apnews.com").as_deref(), Some("AP"));
        assert_eq!(name("edition.cnn.com").as_deref(), Some("CNN"));
        assert_eq!(name("example.org"), None);
        assert_eq!(site_label("bbc.co.uk").as_deref(), Some("bbc"));
    }
}
