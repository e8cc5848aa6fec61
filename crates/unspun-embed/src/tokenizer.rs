//! BERT uncased WordPiece tokenization, written to match Hugging Face's
//! `tokenizers` (BertNormalizer + BertPreTokenizer + WordPiece) id for id.
//!
//! We write it ourselves because BERT needs a few hundred lines, not the
//! `tokenizers` crate's general, offset-tracking pipeline (candle-core 0.11
//! happens to depend on that crate today, so this saves no build time yet;
//! it keeps the tier-1 hot path a plain function over `&str`, though).
//! Matching is checked against ids the Python tokenizer produced
//! (tests/fixtures/reference.json). To stay exact we use the same Unicode
//! category tables (`unicode_categories`) and the same order of steps:
//!
//! 1. literal special tokens (`[CLS]`, `[SEP]`, ...) in the raw text become
//!    their ids, as HF's added-token matching does;
//! 2. clean: drop NUL, U+FFFD and control/format/private-use characters, map
//!    whitespace to a space;
//! 3. put spaces around CJK ideographs, so each is its own word;
//! 4. strip accents: NFD, then drop non-spacing marks;
//! 5. lowercase, char by char (no final-sigma rule, like HF);
//! 6. split on whitespace, and isolate each punctuation character (ASCII
//!    punctuation plus Unicode P*);
//! 7. WordPiece: greedy longest match, later pieces prefixed `##`; a word
//!    longer than 100 chars, or one that cannot be covered, is `[UNK]`.

use std::collections::HashMap;
use std::path::Path;

use serde::Deserialize;
use unicode_categories::UnicodeCategories;
use unicode_normalization::UnicodeNormalization;

use crate::error::{EmbedError, Result};

/// Vocabulary lookups, several per word, by a fast fixed-seed hash instead
/// of SipHash (a 20k meaning scan: 21.5-23.8 s -> 19.8-21.9 s).
type Vocab = HashMap<String, u32, foldhash::fast::FixedState>;

/// A loaded BERT WordPiece vocabulary and its special tokens.
#[derive(Debug, Clone)]
pub struct WordPiece {
    /// Every vocabulary entry: the lookup for the first piece of a word.
    vocab: Vocab,
    /// Entries starting with `##`, keyed without it: the lookup for later
    /// pieces, so matching needs no string building.
    continuations: Vocab,
    /// Literal strings matched in raw text before any normalisation.
    specials: Vec<(String, u32)>,
    vocab_size: usize,
    max_chars_per_word: usize,
    unk: u32,
    cls: u32,
    sep: u32,
}

#[derive(Deserialize)]
struct TokenizerJson {
    model: ModelJson,
    #[serde(default)]
    added_tokens: Vec<AddedToken>,
}

#[derive(Deserialize)]
struct ModelJson {
    #[serde(rename = "type")]
    kind: String,
    vocab: Vocab,
    unk_token: String,
    continuing_subword_prefix: Option<String>,
    max_input_chars_per_word: Option<usize>,
}

#[derive(Deserialize)]
struct AddedToken {
    id: u32,
    content: String,
}

impl WordPiece {
    /// Reads the vocabulary from a Hugging Face `tokenizer.json`.
    pub fn from_file(path: &Path) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| match e.kind() {
            std::io::ErrorKind::NotFound => EmbedError::MissingFile(path.to_path_buf()),
            _ => EmbedError::io(format!("reading {}", path.display()), e),
        })?;
        Self::from_json(&text).map_err(|reason| EmbedError::CorruptFile {
            file: path.to_path_buf(),
            reason,
        })
    }

    /// Parses the contents of a `tokenizer.json`; the error is a reason.
    pub fn from_json(text: &str) -> std::result::Result<Self, String> {
        let parsed: TokenizerJson = serde_json::from_str(text).map_err(|e| e.to_string())?;
        let model = parsed.model;
        if model.kind != "WordPiece" {
            return Err(format!("model type {:?}, expected WordPiece", model.kind));
        }
        if model.continuing_subword_prefix.as_deref().unwrap_or("##") != "##" {
            return Err("continuing_subword_prefix is not ##".into());
        }
        let id_of = |tok: &str| {
            model
                .vocab
                .get(tok)
                .copied()
                .ok_or_else(|| format!("vocabulary has no {tok}"))
        };
        let unk = id_of(&model.unk_token)?;
        let cls = id_of("[CLS]")?;
        let sep = id_of("[SEP]")?;
        let vocab_size = model
            .vocab
            .values()
            .map(|&id| id as usize + 1)
            .max()
            .unwrap_or(0);
        let continuations = model
            .vocab
            .iter()
            .filter_map(|(tok, &id)| Some((tok.strip_prefix("##")?.to_string(), id)))
            .filter(|(rest, _)| !rest.is_empty())
            .collect();
        let mut specials: Vec<(String, u32)> = parsed
            .added_tokens
            .into_iter()
            .filter(|t| !t.content.is_empty())
            .map(|t| (t.content, t.id))
            .collect();
        // Longest first, so a special that prefixes another never wins.
        specials.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        Ok(Self {
            vocab: model.vocab,
            continuations,
            specials,
            vocab_size,
            max_chars_per_word: model.max_input_chars_per_word.unwrap_or(100),
            unk,
            cls,
            sep,
        })
    }

    /// Number of ids (largest id + 1).
    pub fn vocab_size(&self) -> usize {
        self.vocab_size
    }
    pub fn cls_id(&self) -> u32 {
        self.cls
    }
    pub fn sep_id(&self) -> u32 {
        self.sep
    }
    pub fn unk_id(&self) -> u32 {
        self.unk
    }
    /// Id of a vocabulary entry, e.g. `"the"` or `"##ing"`.
    pub fn token_id(&self, token: &str) -> Option<u32> {
        self.vocab.get(token).copied()
    }

    /// Token ids of `text`, without `[CLS]`/`[SEP]` and without truncation.
    pub fn encode(&self, text: &str) -> Vec<u32> {
        let mut out = Vec::with_capacity(text.len() / 4 + 4);
        self.encode_into(text, &mut out);
        out
    }

    /// Appends the token ids of `text` to `out` (see [`WordPiece::encode`]).
    pub fn encode_into(&self, text: &str, out: &mut Vec<u32>) {
        let mut norm = String::new();
        let mut rest = text;
        while let Some((before, id, after)) = self.split_special(rest) {
            self.encode_plain(before, &mut norm, out);
            out.push(id);
            rest = after;
        }
        self.encode_plain(rest, &mut norm, out);
    }

    /// The first literal special token in `text`: (text before, id, after).
    fn split_special<'t>(&self, text: &'t str) -> Option<(&'t str, u32, &'t str)> {
        // All BERT specials start with '[', so look only where one appears.
        let mut from = 0;
        while let Some(pos) = text[from..].find('[') {
            let at = from + pos;
            for (lit, id) in &self.specials {
                if text[at..].starts_with(lit.as_str()) {
                    return Some((&text[..at], *id, &text[at + lit.len()..]));
                }
            }
            from = at + 1;
        }
        // Specials that do not start with '[' (none in BERT's vocab) are
        // still honoured, just found the slow way.
        self.specials
            .iter()
            .filter(|(lit, _)| !lit.starts_with('['))
            .filter_map(|(lit, id)| text.find(lit.as_str()).map(|at| (at, lit, id)))
            .min_by_key(|(at, _, _)| *at)
            .map(|(at, lit, id)| (&text[..at], *id, &text[at + lit.len()..]))
    }

    /// Steps 2-7 for text with no special tokens in it.
    fn encode_plain(&self, text: &str, norm: &mut String, out: &mut Vec<u32>) {
        normalize_into(text, norm);
        let mut word_start = None;
        for (i, c) in norm.char_indices() {
            let space = c.is_whitespace();
            if space || is_punctuation(c) {
                if let Some(s) = word_start.take() {
                    self.wordpiece(&norm[s..i], out);
                }
                if !space {
                    self.wordpiece(&norm[i..i + c.len_utf8()], out);
                }
            } else if word_start.is_none() {
                word_start = Some(i);
            }
        }
        if let Some(s) = word_start {
            self.wordpiece(&norm[s..], out);
        }
    }

    /// Greedy longest-match-first WordPiece of one word.
    fn wordpiece(&self, word: &str, out: &mut Vec<u32>) {
        if word.chars().nth(self.max_chars_per_word).is_some() {
            out.push(self.unk);
            return;
        }
        let first = out.len();
        let mut start = 0;
        while start < word.len() {
            let mut end = word.len();
            let found = loop {
                let piece = &word[start..end];
                let map = if start == 0 {
                    &self.vocab
                } else {
                    &self.continuations
                };
                if let Some(&id) = map.get(piece) {
                    break Some(id);
                }
                // Drop the last char of the candidate and try again.
                match piece.char_indices().next_back() {
                    Some((i, _)) if i > 0 => end = start + i,
                    _ => break None,
                }
            };
            match found {
                Some(id) => {
                    out.push(id);
                    start = end;
                }
                None => {
                    // A word that cannot be covered is one [UNK], not pieces.
                    out.truncate(first);
                    out.push(self.unk);
                    return;
                }
            }
        }
    }
}

/// Steps 2-5 of the module doc: clean, space CJK, strip accents, lowercase.
fn normalize_into(text: &str, out: &mut String) {
    out.clear();
    for c in text.chars() {
        if c == '\0' || c == '\u{fffd}' || is_control(c) {
            continue;
        }
        if is_whitespace(c) {
            out.push(' ');
        } else if is_chinese_char(c) {
            out.push(' ');
            out.push(c);
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    if out.is_ascii() {
        // Nothing to decompose or strip: the common case, kept cheap.
        out.make_ascii_lowercase();
        return;
    }
    let cleaned = std::mem::take(out);
    for c in cleaned.nfd().filter(|c| !c.is_mark_nonspacing()) {
        out.extend(c.to_lowercase());
    }
}

fn is_whitespace(c: char) -> bool {
    c.is_whitespace()
}

/// Cc, Cf and Co count as control (HF's definition), except tab/CR/LF,
/// which are whitespace.
fn is_control(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_control() && !matches!(c, '\t' | '\n' | '\r');
    }
    c.is_other()
}

/// ASCII punctuation (which includes symbols such as `$` and `+`) and every
/// Unicode punctuation category.
fn is_punctuation(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_punctuation();
    }
    c.is_punctuation()
}

/// The CJK ideograph blocks BERT splits into single characters (the same
/// ranges as HF's `is_chinese_char`, including its 0x2B920 lower bound).
fn is_chinese_char(c: char) -> bool {
    matches!(c as u32,
        0x4E00..=0x9FFF
        | 0x3400..=0x4DBF
        | 0x20000..=0x2A6DF
        | 0x2A700..=0x2B73F
        | 0x2B740..=0x2B81F
        | 0x2B920..=0x2CEAF
        | 0xF900..=0xFAFF
        | 0x2F800..=0x2FA1F)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A toy vocabulary exercising pieces, specials and [UNK].
    fn toy() -> WordPiece {
        let json = r###"{
          "added_tokens": [{"id": 0, "content": "[PAD]"}, {"id": 1, "content": "[UNK]"},
                           {"id": 2, "content": "[CLS]"}, {"id": 3, "content": "[SEP]"}],
          "model": {"type": "WordPiece", "unk_token": "[UNK]",
            "continuing_subword_prefix": "##", "max_input_chars_per_word": 10,
            "vocab": {"[PAD]": 0, "[UNK]": 1, "[CLS]": 2, "[SEP]": 3, "un": 4,
                      "##aff": 5, "##able": 6, "cafe": 7, ".": 8, "u": 9, "s": 10,
                      "中": 11, "国": 12, "a": 13, "##ff": 14}}
        }"###;
        WordPiece::from_json(json).unwrap()
    }

    #[test]
    fn greedy_longest_match_with_continuations() {
        let wp = toy();
        assert_eq!(wp.encode("unaffable"), vec![4, 5, 6]);
        assert_eq!(wp.encode("Unaffable."), vec![4, 5, 6, 8]);
    }

    #[test]
    fn accents_case_and_punctuation() {
        let wp = toy();
        assert_eq!(wp.encode("CAFÉ"), vec![7]);
        assert_eq!(wp.encode("Cafe\u{301}"), vec![7]);
        assert_eq!(wp.encode("U.S."), vec![9, 8, 10, 8]);
    }

    #[test]
    fn cjk_is_split_per_character() {
        assert_eq!(toy().encode("中国"), vec![11, 12]);
    }

    #[test]
    fn uncoverable_and_overlong_words_are_one_unk() {
        let wp = toy();
        assert_eq!(wp.encode("unzz"), vec![1]);
        assert_eq!(wp.encode("affffffffffff"), vec![1]);
        assert_eq!(wp.encode("a un"), vec![13, 4]);
    }

    #[test]
    fn literal_specials_and_controls() {
        let wp = toy();
        assert_eq!(wp.encode("un[SEP]cafe"), vec![4, 3, 7]);
        assert_eq!(wp.encode("[sep]"), vec![1, 1, 1]);
        assert_eq!(wp.encode("ca\u{200b}fe\u{7}"), vec![7]);
        assert_eq!(wp.encode(" \t\n "), Vec::<u32>::new());
    }

    #[test]
    fn rejects_non_wordpiece_models() {
        let err = WordPiece::from_json(r#"{"model":{"type":"BPE","vocab":{},"unk_token":"x"}}"#)
            .unwrap_err();
        assert!(err.contains("WordPiece"), "{err}");
    }
}
