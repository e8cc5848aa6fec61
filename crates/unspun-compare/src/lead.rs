//! The second tier of the story score: the full model on each document's
//! lead.
//!
//! News is written as an inverted pyramid: the headline and the opening
//! sentences say who did what, where and when. Two reports of one event
//! share their leads' meaning even when the rest of the text diverges, and
//! the full model reads a lead (a few hundred bytes) well where the fast tier
//! reads it only as a bag of words. On the SemEval-2022 dev pairs the
//! full-model cosine of the leads alone correlates better with the gold than
//! the first tier's five features together (docs/calibration.md), so the lead
//! tier decides every pair the first tier is unsure of. Pairs it is sure of
//! (well outside `story_band`) never pay for the model.

use crate::meaning::{Meaning, Sentences};
use crate::prepare::Prepared;
use serde::Serialize;
use unspun_embed::{cosine, EmbedError};

/// What the lead tier reads of a pair.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct LeadFeatures {
    /// Full-model cosine of the two leads (first sentences up to
    /// `lead_bytes` of content).
    pub lead: f64,
    /// Full-model cosine of the two first sentences (usually the headline,
    /// or the headline fused with the opening sentence).
    pub first: f64,
}

impl LeadFeatures {
    /// With the bias first, as the `story_lead` weights expect.
    pub fn vector(&self) -> [f64; 3] {
        [1.0, self.lead, self.first]
    }
}

/// A document's lead: its sentences from the first, while they fit in
/// `max_bytes` (always at least the first), joined by single spaces.
pub fn lead_text(p: &Prepared, sentences: &Sentences, max_bytes: usize) -> String {
    let mut out = String::new();
    for span in &sentences.spans {
        let Some(s) = p.text.get(span.range()) else {
            continue;
        };
        if !out.is_empty() && out.len() + 1 + s.len() > max_bytes {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(s);
    }
    out
}

/// The texts the lead tier gives the full model for one document: its lead
/// and its first sentence (none for a document without sentences).
pub fn lead_texts(p: &Prepared, sentences: &Sentences, max_bytes: usize) -> Vec<String> {
    match sentences.spans.first().and_then(|s| p.text.get(s.range())) {
        Some(first) => vec![lead_text(p, sentences, max_bytes), first.to_string()],
        None => Vec::new(),
    }
}

/// The four texts the lead tier embeds for a pair: the two leads, then the
/// two first sentences; none when either side has no sentence.
pub fn lead_pair_texts(
    a: &Prepared,
    b: &Prepared,
    sa: &Sentences,
    sb: &Sentences,
    lead_bytes: usize,
) -> Vec<String> {
    let (ta, tb) = (lead_texts(a, sa, lead_bytes), lead_texts(b, sb, lead_bytes));
    match (<[String; 2]>::try_from(ta), <[String; 2]>::try_from(tb)) {
        (Ok([lead_a, first_a]), Ok([lead_b, first_b])) => vec![lead_a, lead_b, first_a, first_b],
        _ => Vec::new(),
    }
}

/// The lead features of a pair, or None when either side has no sentence.
pub fn lead_features(
    a: &Prepared,
    b: &Prepared,
    sa: &Sentences,
    sb: &Sentences,
    meaning: &Meaning,
    lead_bytes: usize,
) -> Result<Option<LeadFeatures>, EmbedError> {
    lead_features_of(&lead_pair_texts(a, b, sa, sb, lead_bytes), meaning)
}

/// [`lead_features`] of the texts [`lead_pair_texts`] gave.
pub fn lead_features_of(
    texts: &[String],
    meaning: &Meaning,
) -> Result<Option<LeadFeatures>, EmbedError> {
    if texts.len() < 4 {
        return Ok(None);
    }
    let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
    let v = meaning.full(&refs)?;
    Ok(Some(LeadFeatures {
        lead: f64::from(cosine(&v[0], &v[1])),
        first: f64::from(cosine(&v[2], &v[3])),
    }))
}

/// Whether the first tier's story `p` is uncertain enough for the lead
/// tier (`band` = [lo, hi], inclusive; lo > hi turns the tier off).
pub fn in_band(p: f64, band: [f64; 2]) -> bool {
    p >= band[0] && p <= band[1]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn band_is_inclusive_and_can_be_off() {
        assert!(in_band(0.1, [0.1, 0.9]));
        assert!(in_band(0.9, [0.1, 0.9]));
        assert!(!in_band(0.95, [0.1, 0.9]));
        assert!(!in_band(0.5, [1.0, 0.0]));
    }
}
