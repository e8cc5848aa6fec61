//! The text stage of unspun.
//!
//! Everything downstream points into the article *as published*: a [`Token`]
//! carries the byte span of the original text it came from, whatever
//! normalization (NFKC, case, quote and dash folding) was applied to match it.

// Tests may panic on setup failures; library code may not.
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod boilerplate;
pub mod document;
pub mod sentence;
pub mod span;
pub mod token;

pub use boilerplate::{clean, Cleaned, LineStats};
pub use document::Document;
pub use span::Span;
pub use token::{tokenize, tokenize_into, tokenize_spans, Token};
