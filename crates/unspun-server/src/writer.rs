//! The one writer: every add and remove goes through a single blocking task,
//! so the async workers never wait on a disk sync. Adds that queue up while
//! a commit is under way are committed together (group commit): one sync
//! for many requests, each still answered only after its documents are
//! durable.

use crate::metrics::Metrics;
use std::sync::atomic::Ordering::Relaxed;
use std::sync::Arc;
use std::time::Instant;
use tokio::sync::{mpsc, oneshot};
use unspun_index::{Added, Index, IndexError};
use unspun_text::Document;

/// Per-document results, or why the whole write transaction failed.
pub type AddReply = Result<Vec<Result<Added, IndexError>>, String>;

pub enum Job {
    Add {
        docs: Vec<Document>,
        reply: oneshot::Sender<AddReply>,
    },
    Remove {
        id: String,
        reply: oneshot::Sender<Result<(), IndexError>>,
    },
}

/// Documents committed together at most (bounds one transaction's latency).
const GROUP_DOCS: usize = 256;

/// Starts the writer; it stops when every sender is dropped.
pub fn spawn(index: Arc<Index>, metrics: Arc<Metrics>) -> mpsc::Sender<Job> {
    let (tx, mut rx) = mpsc::channel::<Job>(1024);
    tokio::task::spawn_blocking(move || {
        let mut held: Option<Job> = None;
        while let Some(job) = held.take().or_else(|| rx.blocking_recv()) {
            match job {
                Job::Remove { id, reply } => {
                    let r = index.remove(&id);
                    if r.is_ok() {
                        metrics.documents_removed.fetch_add(1, Relaxed);
                        metrics.write_batches.fetch_add(1, Relaxed);
                    }
                    let _ = reply.send(r);
                }
                Job::Add { docs, reply } => {
                    let mut group = vec![(docs.len(), reply)];
                    let mut all = docs;
                    while all.len() < GROUP_DOCS {
                        match rx.try_recv() {
                            Ok(Job::Add { docs, reply }) => {
                                group.push((docs.len(), reply));
                                all.extend(docs);
                            }
                            Ok(other) => {
                                held = Some(other);
                                break;
                            }
                            Err(_) => break,
                        }
                    }
                    commit_group(&index, &metrics, all, group);
                }
            }
        }
    });
    tx
}

fn commit_group(
    index: &Index,
    metrics: &Metrics,
    docs: Vec<Document>,
    group: Vec<(usize, oneshot::Sender<AddReply>)>,
) {
    let started = Instant::now();
    let n = docs.len();
    match index.add_batch(docs) {
        Ok(results) => {
            let took = started.elapsed();
            metrics.write_batches.fetch_add(1, Relaxed);
            let mut results = results.into_iter();
            for (count, reply) in group {
                let mine: Vec<_> = results.by_ref().take(count).collect();
                for r in &mine {
                    match r {
                        Ok(added) => {
                            metrics.documents_added.fetch_add(1, Relaxed);
                            metrics.add_seconds.observe(took);
                            for p in &added.pairs {
                                metrics.pair_found(p.relation.as_str());
                            }
                        }
                        Err(_) => {
                            metrics.documents_refused.fetch_add(1, Relaxed);
                        }
                    }
                }
                let _ = reply.send(Ok(mine));
            }
        }
        Err(e) => {
            // The whole transaction failed: every request in it fails alike.
            let message = format!("write of {n} documents failed: {e}");
            for (_, reply) in group {
                let _ = reply.send(Err(message.clone()));
            }
        }
    }
}
