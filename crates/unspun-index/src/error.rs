use std::path::PathBuf;

/// Everything that can go wrong with an index.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum IndexError {
    #[error("no index at {0} (create one with `unspun index add`)")]
    Missing(PathBuf),
    #[error(
        "the index at {path} has on-disk format version {found}, this build reads version {expected}: \
         rebuild it from the original articles"
    )]
    FormatVersion {
        path: PathBuf,
        found: u64,
        expected: u64,
    },
    #[error("the index at {path} was built with other sketch parameters ({found}); this build uses {expected}")]
    Params {
        path: PathBuf,
        found: String,
        expected: String,
    },
    #[error("the index at {0} is in use by another process")]
    Locked(PathBuf),
    #[error("document `{0}` is already indexed")]
    DuplicateId(String),
    #[error("document `{0}` is not in the index")]
    NotFound(String),
    #[error("meaning layer: {0}")]
    Meaning(String),
    #[error("invalid document: {0}")]
    InvalidDocument(String),
    #[error("the index is full: at most 2^31 documents")]
    Full,
    #[error("corrupt index record: {0}")]
    Corrupt(String),
    #[error("index storage: {0}")]
    Storage(#[from] redb::Error),
    #[error("index folder {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl IndexError {
    /// True for errors about the request rather than the index itself, so a
    /// server can answer 4xx instead of 5xx.
    pub fn is_client_error(&self) -> bool {
        matches!(
            self,
            IndexError::DuplicateId(_) | IndexError::NotFound(_) | IndexError::InvalidDocument(_)
        )
    }
}

// redb has one error type per operation; all of them fold into `redb::Error`.
macro_rules! from_redb {
    ($($t:ty),*) => {$(
        impl From<$t> for IndexError {
            fn from(e: $t) -> Self {
                IndexError::Storage(e.into())
            }
        }
    )*};
}
from_redb!(
    redb::DatabaseError,
    redb::TransactionError,
    redb::TableError,
    redb::StorageError,
    redb::CommitError
);

impl From<serde_json::Error> for IndexError {
    fn from(e: serde_json::Error) -> Self {
        IndexError::Corrupt(e.to_string())
    }
}
