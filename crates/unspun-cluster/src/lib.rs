//! The cluster stage of unspun: groups of documents from pair relations.

pub mod families;
pub mod unionfind;

pub use families::{families, Family};
pub use unionfind::UnionFind;
