//! Opening an index and adding documents to it.

use crate::error::IndexError;
use crate::match_::candidates;
use crate::meaning::{DocVector, Nearest, Vectors};
use crate::postings::Postings;
use crate::schema::*;
use crate::sketch::{SketchParams, Sketched, Sketcher};
use crate::tables::Tables;
use redb::{Database, DatabaseError, ReadableDatabase, ReadableTable, WriteTransaction};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, MutexGuard, RwLock, RwLockReadGuard, RwLockWriteGuard};
use std::time::{Duration, Instant};
use unspun_compare::Meaning;
use unspun_text::Document;

/// The file inside the index folder.
pub const DB_FILE: &str = "index.redb";

/// How to open an index.
#[derive(Debug, Clone)]
pub struct OpenOptions {
    /// Create the folder and an empty index when there is none.
    pub create: bool,
    pub params: SketchParams,
    /// redb's page cache, in bytes.
    pub cache_bytes: usize,
    /// Save redb's allocator state with every commit, so that reopening
    /// after a crash takes milliseconds instead of a walk over the whole
    /// file. Costs some time per commit; see the crate docs for figures.
    pub quick_repair: bool,
}

impl Default for OpenOptions {
    fn default() -> Self {
        OpenOptions {
            create: true,
            params: SketchParams::default(),
            cache_bytes: 256 << 20,
            quick_repair: true,
        }
    }
}

/// A live index in a folder: add documents one by one (or in batches) and
/// get their relations to everything added before.
///
/// `Index` is `Sync`: share it (e.g. in an `Arc`) between one writer and any
/// number of readers. Writes are serialized; every read works on a snapshot
/// (redb MVCC), never blocked by a write in progress.
pub struct Index {
    pub(crate) dir: PathBuf,
    pub(crate) db: Database,
    pub(crate) sketcher: Sketcher,
    pub(crate) postings: RwLock<Postings>,
    /// With the meaning layer: paraphrase and same-story pairs too.
    pub(crate) meaning: Option<Arc<Meaning>>,
    pub(crate) vectors: RwLock<Vectors>,
    writer: Mutex<()>,
    pub(crate) open_time: Duration,
    quick_repair: bool,
}

impl std::fmt::Debug for Index {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Index")
            .field("dir", &self.dir)
            .finish_non_exhaustive()
    }
}

impl Index {
    /// Opens the index in `dir`, creating it if there is none.
    pub fn open(dir: impl AsRef<Path>) -> Result<Index, IndexError> {
        Self::open_with(dir, &OpenOptions::default())
    }

    /// Opens the index in `dir`; an error if there is none.
    pub fn open_existing(dir: impl AsRef<Path>) -> Result<Index, IndexError> {
        Self::open_with(
            dir,
            &OpenOptions {
                create: false,
                ..OpenOptions::default()
            },
        )
    }

    pub fn open_with(dir: impl AsRef<Path>, opts: &OpenOptions) -> Result<Index, IndexError> {
        let started = Instant::now();
        let dir = dir.as_ref().to_path_buf();
        let file = dir.join(DB_FILE);
        if !file.exists() {
            if !opts.create {
                return Err(IndexError::Missing(dir));
            }
            std::fs::create_dir_all(&dir).map_err(|source| IndexError::Io {
                path: dir.clone(),
                source,
            })?;
        }
        let db = redb::Builder::new()
            .set_cache_size(opts.cache_bytes)
            .create(&file)
            .map_err(|e| match e {
                DatabaseError::DatabaseAlreadyOpen => IndexError::Locked(dir.clone()),
                e => e.into(),
            })?;
        let sketcher = Sketcher::new(opts.params.clone());
        init_or_check(&db, &dir, &sketcher.params)?;
        let postings = rebuild_postings(&db, sketcher.lsh.bands)?;
        let vectors = load_vectors(&db)?;
        Ok(Index {
            dir,
            db,
            sketcher,
            postings: RwLock::new(postings),
            meaning: None,
            vectors: RwLock::new(vectors),
            writer: Mutex::new(()),
            open_time: started.elapsed(),
            quick_repair: opts.quick_repair,
        })
    }

    /// Turns the meaning layer on: documents added from now on get a
    /// document vector, and are compared by meaning with their nearest
    /// stored neighbours (paraphrase, same_story), as `unspun scan` does.
    pub fn with_meaning(mut self, meaning: Arc<Meaning>) -> Index {
        self.meaning = Some(meaning);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn params(&self) -> &SketchParams {
        &self.sketcher.params
    }

    /// A document's sketch, and with the meaning layer its vector.
    pub(crate) fn sketch(&self, doc: Document) -> Result<Sketched, IndexError> {
        let mut s = self.sketcher.sketch(doc)?;
        if let Some(m) = &self.meaning {
            let day = s.meta.date.as_deref().and_then(unspun_cluster::day_number);
            s.vector = Some(DocVector::of(m, &s.text, &s.record.kept, day));
        }
        Ok(s)
    }

    /// Every write transaction: durable at commit, and cheap to recover
    /// after a crash (redb then need not walk the whole file to rebuild its
    /// allocator state).
    pub(crate) fn begin_write(&self) -> Result<WriteTransaction, IndexError> {
        let mut txn = self.db.begin_write()?;
        txn.set_quick_repair(self.quick_repair);
        Ok(txn)
    }

    pub(crate) fn lock_writer(&self) -> MutexGuard<'_, ()> {
        // A writer that panicked left no partial state behind (its
        // transaction was dropped, so aborted): the lock is safe to reuse.
        self.writer.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn postings(&self) -> RwLockReadGuard<'_, Postings> {
        self.postings.read().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn postings_mut(&self) -> RwLockWriteGuard<'_, Postings> {
        self.postings.write().unwrap_or_else(|p| p.into_inner())
    }

    pub(crate) fn vectors_mut(&self) -> RwLockWriteGuard<'_, Vectors> {
        self.vectors.write().unwrap_or_else(|p| p.into_inner())
    }

    /// The search by meaning of each sketched document among the documents
    /// stored now (none without the meaning layer), all searched together.
    pub(crate) fn nearest_now_all(
        &self,
        sketched: &[Result<Sketched, IndexError>],
    ) -> Vec<Option<Nearest>> {
        if self.meaning.is_none() {
            return vec![None; sketched.len()];
        }
        let vs: Vec<Option<&DocVector>> = (sketched.iter())
            .map(|s| s.as_ref().ok().and_then(|s| s.vector.as_ref()))
            .collect();
        let vectors = self.vectors.read().unwrap_or_else(|p| p.into_inner());
        vectors.nearest_now_all(&vs)
    }

    /// Stored documents that may relate to `s`: by shingles, and with the
    /// meaning layer its nearest neighbours by meaning too (from `before`,
    /// its search done ahead, where given); ascending.
    pub(crate) fn candidates_of(&self, s: &Sketched, before: Option<&Nearest>) -> Vec<u32> {
        let mut found = candidates(&self.postings(), &self.sketcher.params, &s.record);
        if let (Some(_), Some(v)) = (&self.meaning, &s.vector) {
            let vectors = self.vectors.read().unwrap_or_else(|p| p.into_inner());
            let near = match before {
                Some(before) => vectors.neighbours_after(v, &found, before),
                None => vectors.neighbours(v, &found),
            };
            found.extend(near);
            found.sort_unstable();
        }
        found
    }
}

/// The result of a batch of one document.
pub(crate) fn only<T>(batch: Vec<Result<T, IndexError>>) -> Result<T, IndexError> {
    batch.into_iter().next().unwrap_or_else(|| {
        Err(IndexError::InvalidDocument(
            "no result for the document".into(),
        ))
    })
}

/// Creates the tables of a new index, or checks the version and parameters
/// of an existing one.
fn init_or_check(db: &Database, dir: &Path, params: &SketchParams) -> Result<(), IndexError> {
    let expected = params.fingerprint();
    let stored = {
        let txn = db.begin_read()?;
        match txn.open_table(META) {
            Ok(meta) => {
                let version = meta.get(KEY_FORMAT)?.map(|g| g.value());
                let found = match txn.open_table(PARAMS) {
                    Ok(p) => p.get("sketch")?.map(|g| g.value().to_string()),
                    Err(redb::TableError::TableDoesNotExist(_)) => None,
                    Err(e) => return Err(e.into()),
                };
                version.map(|v| (v, found))
            }
            Err(redb::TableError::TableDoesNotExist(_)) => None,
            Err(e) => return Err(e.into()),
        }
    };
    match stored {
        Some((found, _)) if found != FORMAT_VERSION => Err(IndexError::FormatVersion {
            path: dir.to_path_buf(),
            found,
            expected: FORMAT_VERSION,
        }),
        Some((_, found)) if found.as_deref() != Some(expected.as_str()) => {
            Err(IndexError::Params {
                path: dir.to_path_buf(),
                found: found.unwrap_or_else(|| "none".into()),
                expected,
            })
        }
        Some(_) => Ok(()),
        None => {
            let mut txn = db.begin_write()?;
            txn.set_quick_repair(true);
            {
                let _ = Tables::open(&txn)?;
                let mut meta = txn.open_table(META)?;
                meta.insert(KEY_FORMAT, FORMAT_VERSION)?;
                txn.open_table(PARAMS)?
                    .insert("sketch", expected.as_str())?;
            }
            txn.commit()?;
            Ok(())
        }
    }
}

/// Document vectors from the stored ones.
fn load_vectors(db: &Database) -> Result<Vectors, IndexError> {
    let txn = db.begin_read()?;
    let table = txn.open_table(VECTORS)?;
    let mut out = Vectors::default();
    for row in table.iter()? {
        let (seq, bytes) = row?;
        let seq = seq.value();
        let v = DocVector::decode(bytes.value())
            .ok_or_else(|| IndexError::Corrupt(format!("vector of document #{seq}")))?;
        out.insert(seq, v);
    }
    Ok(out)
}

/// Postings from every stored sketch.
fn rebuild_postings(db: &Database, bands: usize) -> Result<Postings, IndexError> {
    let txn = db.begin_read()?;
    let sketches = txn.open_table(SKETCHES)?;
    let docs = txn
        .open_table(META)?
        .get(KEY_DOCS)?
        .map_or(0, |g| g.value()) as usize;
    // Sized up front: growing maps of millions of keys rehashes them all
    // several times (most band keys belong to one document).
    let mut postings = Postings::with_capacity(docs * bands, docs * 4);
    for row in sketches.iter()? {
        let (seq, bytes) = row?;
        let seq = seq.value();
        let (keys, anchors) = decode_keys(bytes.value())
            .ok_or_else(|| IndexError::Corrupt(format!("sketch of document #{seq}")))?;
        postings.insert(seq, &keys, &anchors);
    }
    Ok(postings)
}
