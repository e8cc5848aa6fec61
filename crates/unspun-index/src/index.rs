//! Opening an index and adding documents to it.

use crate::error::IndexError;
use crate::family;
use crate::match_::{candidates, verify, Loaded, Verified};
use crate::meaning::{DocVector, Vectors};
use crate::postings::{Postings, MAX_SEQ};
use crate::schema::*;
use crate::sketch::{SketchParams, Sketched, Sketcher};
use crate::tables::{bump, load, Tables};
use crate::views::{Added, Pair};
use rayon::prelude::*;
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

    /// Adds one document and returns its relations to the documents already
    /// indexed. Committed (durably) before it returns.
    pub fn add(&self, doc: Document) -> Result<Added, IndexError> {
        self.add_batch(vec![doc])?
            .pop()
            .unwrap_or_else(|| Err(IndexError::InvalidDocument("nothing added".into())))
    }

    /// Adds documents in one write transaction: all of them are durable when
    /// it returns `Ok`, none when it returns `Err`. Each document is matched
    /// against everything before it, earlier members of the batch included.
    /// Per-document refusals (duplicate id, empty text) are the inner results.
    pub fn add_batch(
        &self,
        docs: Vec<Document>,
    ) -> Result<Vec<Result<Added, IndexError>>, IndexError> {
        // Sketching needs no lock: do it for the whole batch, in parallel.
        let sketched: Vec<Result<Sketched, IndexError>> = docs
            .into_par_iter()
            .map(|d| {
                let mut s = self.sketcher.sketch(d)?;
                if let Some(m) = &self.meaning {
                    let day = s.meta.date.as_deref().and_then(unspun_cluster::day_number);
                    s.vector = Some(DocVector::of(m, &s.text, &s.record.kept, day));
                }
                Ok(s)
            })
            .collect();
        let _writer = self.lock_writer();
        let txn = self.begin_write()?;
        let mut staged: Vec<(u32, Vec<u64>, Vec<u32>)> = Vec::new();
        let result = self.add_in(&txn, sketched, &mut staged);
        let committed = result.and_then(|out| txn.commit().map(|_| out).map_err(IndexError::from));
        if committed.is_err() {
            // The transaction is gone: so must be its documents' postings.
            let mut postings = self.postings_mut();
            let mut vectors = self.vectors_mut();
            for (seq, keys, anchors) in &staged {
                postings.remove(*seq, keys, anchors);
                vectors.remove(*seq);
            }
        }
        committed
    }

    fn add_in(
        &self,
        txn: &WriteTransaction,
        sketched: Vec<Result<Sketched, IndexError>>,
        staged: &mut Vec<(u32, Vec<u64>, Vec<u32>)>,
    ) -> Result<Vec<Result<Added, IndexError>>, IndexError> {
        let mut t = Tables::open(txn)?;
        let mut out = Vec::with_capacity(sketched.len());
        for s in sketched {
            let s = match s {
                Ok(s) => s,
                Err(e) => {
                    out.push(Err(e));
                    continue;
                }
            };
            if t.ids.get(s.meta.id.as_str())?.is_some() {
                out.push(Err(IndexError::DuplicateId(s.meta.id)));
                continue;
            }
            let seq = t.meta.get(KEY_NEXT_SEQ)?.map_or(0, |g| g.value());
            let seq = u32::try_from(seq)
                .ok()
                .filter(|&s| s <= MAX_SEQ)
                .ok_or(IndexError::Full)?;
            let found = self.candidates_of(&s);
            let mut loaded = Vec::with_capacity(found.len());
            for c in found {
                if let Some(l) = load(&t.docs, &t.texts, &t.sketches, c)? {
                    loaded.push(l);
                }
            }
            let verified = self.verify(&loaded, &s)?;
            let added = self.store(&mut t, seq, s, &loaded, verified, staged)?;
            out.push(Ok(added));
        }
        Ok(out)
    }

    /// Writes one matched document; its postings go live at once so that
    /// later members of the same batch see it.
    fn store(
        &self,
        t: &mut Tables,
        seq: u32,
        s: Sketched,
        loaded: &[Loaded],
        verified: Vec<Verified>,
        staged: &mut Vec<(u32, Vec<u64>, Vec<u32>)>,
    ) -> Result<Added, IndexError> {
        if let Some(v) = &s.vector {
            t.vectors.insert(seq, v.encode().as_slice())?;
        }
        t.meta.insert(KEY_NEXT_SEQ, u64::from(seq) + 1)?;
        bump(&mut t.meta, KEY_DOCS, 1)?;
        t.ids.insert(s.meta.id.as_str(), seq)?;
        t.docs
            .insert(seq, serde_json::to_vec(&s.meta)?.as_slice())?;
        t.texts.insert(seq, s.text.as_str())?;
        t.sketches.insert(seq, s.record.encode().as_slice())?;
        let mut pairs = Vec::with_capacity(verified.len());
        let mut partners = Vec::new();
        for (i, c) in verified {
            let other = &loaded[i];
            let weight = unspun_cluster::story_weight(c.relation, c.scores.story);
            if weight > 0.0 {
                t.links.insert((other.seq, seq), weight)?;
                t.links.insert((seq, other.seq), weight)?;
            }
            if c.relation == unspun_compare::Relation::Unrelated {
                // A near miss: it counts toward stories, it is not a pair.
                continue;
            }
            t.pairs
                .insert((other.seq, seq), serde_json::to_vec(&c)?.as_slice())?;
            t.pairs_by_b.insert((seq, other.seq), ())?;
            bump(&mut t.meta, KEY_PAIRS, 1)?;
            bump(&mut t.meta, &format!("{PAIRS_PREFIX}{}", c.relation), 1)?;
            if c.relation.is_copy() {
                partners.push((other.seq, other.meta.id.as_str()));
            }
            pairs.push(Pair::new(other.meta.id.clone(), s.meta.id.clone(), c));
        }
        let family = family::join(t, seq, &s.meta.id, &partners)?;
        self.postings_mut()
            .insert(seq, &s.record.band_keys, &s.record.anchors);
        if let Some(v) = s.vector {
            self.vectors_mut().insert(seq, v);
        }
        staged.push((seq, s.record.band_keys, s.record.anchors));
        Ok(Added {
            id: s.meta.id,
            seq,
            family,
            pairs,
        })
    }

    /// Matches a document against the index without storing it.
    pub fn query(&self, doc: Document) -> Result<Vec<Pair>, IndexError> {
        let mut s = self.sketcher.sketch(doc)?;
        if let Some(m) = &self.meaning {
            let day = s.meta.date.as_deref().and_then(unspun_cluster::day_number);
            s.vector = Some(DocVector::of(m, &s.text, &s.record.kept, day));
        }
        let found = self.candidates_of(&s);
        let txn = self.db.begin_read()?;
        let (docs, texts, sketches) = (
            txn.open_table(DOCS)?,
            txn.open_table(TEXTS)?,
            txn.open_table(SKETCHES)?,
        );
        let mut loaded = Vec::with_capacity(found.len());
        for c in found {
            // A candidate removed (or not yet committed) since the postings
            // were read is simply not there.
            if let Some(l) = load(&docs, &texts, &sketches, c)? {
                loaded.push(l);
            }
        }
        let verified = self.verify(&loaded, &s)?;
        Ok(verified
            .into_iter()
            .filter(|(_, c)| c.relation != unspun_compare::Relation::Unrelated)
            .map(|(i, c)| Pair::new(loaded[i].meta.id.clone(), s.meta.id.clone(), c))
            .collect())
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

    /// Stored documents that may relate to `s`: by shingles, and with the
    /// meaning layer its nearest neighbours by meaning too; ascending.
    fn candidates_of(&self, s: &Sketched) -> Vec<u32> {
        let mut found = candidates(&self.postings(), &self.sketcher.params, &s.record);
        if let (Some(_), Some(v)) = (&self.meaning, &s.vector) {
            let vectors = self.vectors.read().unwrap_or_else(|p| p.into_inner());
            found.extend(vectors.neighbours(v, &found));
            found.sort_unstable();
        }
        found
    }

    /// Verifies `s` against each loaded document, the meaning layer on for
    /// the pairs close enough in meaning (as `unspun scan` decides).
    fn verify(&self, loaded: &[Loaded], s: &Sketched) -> Result<Vec<Verified>, IndexError> {
        let vectors = self.vectors.read().unwrap_or_else(|p| p.into_inner());
        let close = |seq: u32| match (&s.vector, vectors.get(seq)) {
            (Some(x), Some(y)) => x.cosine(y) >= crate::meaning::MIN_COSINE,
            _ => false,
        };
        verify(
            loaded,
            s,
            &self.sketcher.params.thresholds,
            self.meaning.as_deref(),
            &close,
        )
    }
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
