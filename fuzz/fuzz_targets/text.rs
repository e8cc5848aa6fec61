//! Cleaning, tokens, sentences and HTML extraction of any text: no panic,
//! and every span they give slices the text on character boundaries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use unspun_text::sentence::sentences_in;
use unspun_text::{clean, tokenize, Span};

fn slices(text: &str, span: &Span) -> bool {
    text.get(span.range()).is_some()
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let cleaned = clean(&text, None, Some("example.com"));
    assert!(cleaned.kept.iter().chain(&cleaned.removed).all(|s| slices(&text, s)));
    assert!(cleaned.title.iter().all(|s| slices(&text, s)));
    assert!(cleaned.tokens.iter().all(|t| slices(&text, &t.span)));
    assert!(tokenize(&text).iter().all(|t| slices(&text, &t.span)));
    for kept in &cleaned.kept {
        assert!(sentences_in(&text, kept.range()).iter().all(|s| slices(&text, s)));
    }
    let page = unspun_ingest::extract_html(&text);
    assert!(page.date.iter().all(|d| d.len() == 10));
});
