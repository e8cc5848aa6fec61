//! The evidence that one document of a pair was derived from the other.
//!
//! Every item is a log-odds weight for "`a` is the source of `b`" (negative:
//! `b` is the source of `a`), so independent clues add up. The weights are
//! set by hand to the strength each clue has in news reuse: a date is hard to
//! fake, an outlet crediting another is explicit, a self-reference or the
//! shape of the overlap only hints; see the tests of provenance for the
//! cases they must decide.

use crate::attribution::{Mention, MentionKind, Outlets};
use crate::spin::Spin;
use serde::{Deserialize, Serialize};
use unspun_compare::relation::round4;
use unspun_compare::{Passage, Relation};
use unspun_text::Span;

/// What a clue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EvidenceKind {
    /// Publication dates: the earlier one is the source.
    Date,
    /// One side's shared text is a larger part of it: that side is the copy.
    Containment,
    /// Same content, one side wrapped in more page furniture: the copy.
    Chrome,
    /// One side credits the outlet the other is.
    Attribution,
    /// One side's differing words are rarer: the rewrite.
    Spin,
}

/// One clue, as a log-odds weight for the direction of the edge it belongs
/// to (negative: it points the other way), with what a person should read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    pub kind: EvidenceKind,
    #[serde(serialize_with = "round4")]
    pub weight: f64,
    pub detail: String,
}

/// What is known of one document.
#[derive(Debug, Clone, Copy)]
pub struct DocMeta<'a> {
    pub id: &'a str,
    /// `YYYY-MM-DD`, and its day number.
    pub date: Option<&'a str>,
    pub day: Option<i64>,
    /// Site or URL from the metadata.
    pub site: Option<&'a str>,
    /// Bytes set aside as boilerplate.
    pub removed_bytes: usize,
}

impl<'a> DocMeta<'a> {
    /// A document's metadata, its day number read from `date`; `site` is the
    /// site, or else the URL, that names its outlet.
    pub fn new(
        id: &'a str,
        date: Option<&'a str>,
        site: Option<&'a str>,
        removed_bytes: usize,
    ) -> DocMeta<'a> {
        DocMeta {
            id,
            date,
            day: date.and_then(crate::stories::day_number),
            site,
            removed_bytes,
        }
    }
}

/// Who a document is and whom it credits, read from its text once.
#[derive(Debug, Clone, Default)]
pub struct Profile {
    /// The outlet its metadata names.
    pub site: Option<usize>,
    pub mentions: Vec<Mention>,
}

impl Profile {
    pub fn of(text: &str, meta: &DocMeta, outlets: &Outlets) -> Profile {
        Profile {
            site: meta.site.and_then(|s| outlets.of_site(s)),
            mentions: outlets.mentions(text),
        }
    }

    fn credits(&self, outlet: usize) -> bool {
        self.mentions
            .iter()
            .any(|m| m.outlet == outlet && m.kind == MentionKind::Attribution)
    }

    /// How surely this document is `outlet`: by its metadata, or by speaking
    /// of it as itself without ever crediting it.
    fn is(&self, outlet: usize) -> Option<Identity> {
        if self.site == Some(outlet) {
            return Some(Identity::Site);
        }
        if self.site.is_some() || self.credits(outlet) {
            return None;
        }
        self.mentions
            .iter()
            .find(|m| m.outlet == outlet && m.kind == MentionKind::SelfReference)
            .map(|m| Identity::SelfReference(m.span))
    }
}

#[derive(Debug, Clone, Copy)]
enum Identity {
    Site,
    SelfReference(Span),
}

/// One side of a pair, seen by the clue functions.
pub struct Side<'a> {
    pub meta: &'a DocMeta<'a>,
    pub profile: &'a Profile,
    pub text: &'a str,
    /// Its spans of the shared passages.
    pub shared: Vec<Span>,
    pub coverage: f64,
}

/// Every clue for "`a` is the source of `b`".
pub fn evidence(
    a: &Side,
    b: &Side,
    relation: Relation,
    spin: &Spin,
    outlets: &Outlets,
) -> Vec<Evidence> {
    let mut out = Vec::new();
    out.extend(date(a, b));
    out.extend(containment(a, b, relation));
    out.extend(attribution(a, b, outlets));
    out.extend(attribution(b, a, outlets).map(|e| Evidence {
        weight: -e.weight,
        ..e
    }));
    out.extend(spin_evidence(a, b, spin));
    out
}

fn date(a: &Side, b: &Side) -> Option<Evidence> {
    let (da, db) = (a.meta.day?, b.meta.day?);
    if da == db {
        return None;
    }
    Some(Evidence {
        kind: EvidenceKind::Date,
        weight: if da < db { 2.0 } else { -2.0 },
        detail: format!(
            "{} is dated {}, {} {}",
            a.meta.id,
            a.meta.date.unwrap_or("?"),
            b.meta.id,
            b.meta.date.unwrap_or("?")
        ),
    })
}

/// The part is the copy: the side more of whose content is shared. For copy
/// relations that is strong; for reuse and paraphrase only a hint (a wire
/// report taken whole into a longer article is the source, yet the part).
fn containment(a: &Side, b: &Side, relation: Relation) -> Option<Evidence> {
    let diff = b.coverage - a.coverage;
    let pct = |x: f64| (x * 100.0).round();
    if relation.is_copy() && diff.abs() < 0.1 {
        return chrome(a, b);
    }
    let (scale, least) = if relation.is_copy() {
        (3.0, 0.1)
    } else {
        (1.5, 0.15)
    };
    if diff.abs() < least {
        return None;
    }
    let (part, whole) = if diff > 0.0 { (b, a) } else { (a, b) };
    Some(Evidence {
        kind: EvidenceKind::Containment,
        weight: (scale * diff).clamp(-2.0, 2.0),
        detail: format!(
            "{}% of {} is shared text, {}% of {}",
            pct(part.coverage),
            part.meta.id,
            pct(whole.coverage),
            whole.meta.id
        ),
    })
}

/// Same content: the side wrapped in more boilerplate is the republished one.
fn chrome(a: &Side, b: &Side) -> Option<Evidence> {
    let (ra, rb) = (a.meta.removed_bytes as f64, b.meta.removed_bytes as f64);
    if (ra - rb).abs() < 200.0 {
        return None;
    }
    let (more, less) = if rb > ra { (b, a) } else { (a, b) };
    Some(Evidence {
        kind: EvidenceKind::Chrome,
        weight: if rb > ra { 0.4 } else { -0.4 },
        detail: format!(
            "{} carries {} bytes of page furniture, {} {}",
            more.meta.id, more.meta.removed_bytes, less.meta.id, less.meta.removed_bytes
        ),
    })
}

/// `credit` names the outlet `source` is: a weight for "`source` is the
/// source of `credit`".
fn attribution(source: &Side, credit: &Side, outlets: &Outlets) -> Option<Evidence> {
    let mut best: Option<Evidence> = None;
    for m in credit
        .profile
        .mentions
        .iter()
        .filter(|m| m.kind == MentionKind::Attribution && credit.profile.site != Some(m.outlet))
    {
        let Some(identity) = source.profile.is(m.outlet) else {
            continue;
        };
        let near = credit
            .shared
            .iter()
            .any(|s| s.start.saturating_sub(m.span.end) < 300 && m.span.start < s.end + 300);
        let (mut weight, how) = match identity {
            Identity::Site => (3.0, "its site".to_string()),
            Identity::SelfReference(span) => (
                1.5,
                format!("“{}”", source.text.get(span.range()).unwrap_or("?")),
            ),
        };
        if near {
            weight += 0.5;
        }
        let phrase = credit.text.get(m.span.range()).unwrap_or("?");
        let e = Evidence {
            kind: EvidenceKind::Attribution,
            weight,
            detail: format!(
                "{} credits {} (“{phrase}”{}); {} is {} by {how}",
                credit.meta.id,
                outlets.name(m.outlet),
                if near {
                    ", next to the shared text"
                } else {
                    ""
                },
                source.meta.id,
                outlets.name(m.outlet)
            ),
        };
        if best.as_ref().is_none_or(|b| e.weight > b.weight) {
            best = Some(e);
        }
    }
    best
}

/// The side with the rarer differing words is the rewrite.
fn spin_evidence(a: &Side, b: &Side, s: &Spin) -> Option<Evidence> {
    // Fewer differing words are chance; the weight grows to full at ten.
    let n = s.words_a.min(s.words_b);
    if n < 3 {
        return None;
    }
    let d = s.rarity_b - s.rarity_a;
    let weight = (0.6 * d).clamp(-2.0, 2.0) * (n as f64 / 10.0).min(1.0);
    if weight.abs() < 0.1 {
        return None;
    }
    let (rare, plain, rare_bits, plain_bits, examples) = if d > 0.0 {
        (b, a, s.rarity_b, s.rarity_a, &s.examples_b)
    } else {
        (a, b, s.rarity_a, s.rarity_b, &s.examples_a)
    };
    Some(Evidence {
        kind: EvidenceKind::Spin,
        weight,
        detail: format!(
            "where they differ, {} uses rarer words than {} ({rare_bits:.1} vs {plain_bits:.1} bits: {})",
            rare.meta.id,
            plain.meta.id,
            examples.join(", ")
        ),
    })
}

/// The spans of one side of passages.
pub fn side_spans(passages: &[Passage], of_a: bool) -> Vec<Span> {
    passages
        .iter()
        .map(|p| if of_a { p.a } else { p.b })
        .collect()
}
