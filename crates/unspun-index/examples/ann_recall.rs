//! How much of the exact nearest neighbours the scan's inverted-file search
//! (`unspun_scan::ann`) finds, on the document vectors an index stores:
//!
//! ```text
//! unspun index add --index I target/bench/corpus_100000_7.jsonl
//! cargo run --release -p unspun-index --example ann_recall -- I
//! ```
//!
//! For 1,000 documents spread over the index, the five nearest at the
//! scan's cosine (0.45) or more are found exactly; a pair counts as found
//! when the search reports it (from either end). Printed by cosine band.

use redb::{ReadableDatabase, ReadableTable};
use std::time::Instant;
use unspun_compare::meaning::cosine_i8;
use unspun_index::meaning::{DocVector, MIN_COSINE, NEIGHBOURS};
use unspun_scan::ann::{neighbours, DocVectors};

const PROBED: usize = 1_000;
const BANDS: [f32; 4] = [MIN_COSINE, 0.6, 0.7, 0.8];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let folder = std::env::args()
        .nth(1)
        .ok_or("usage: ann_recall INDEX_FOLDER")?;
    let db = redb::Database::open(std::path::Path::new(&folder).join(unspun_index::DB_FILE))?;
    let txn = db.begin_read()?;
    let mut rows: Vec<Box<[i8]>> = Vec::new();
    for row in txn.open_table(unspun_index::schema::VECTORS)?.iter()? {
        let (_, bytes) = row?;
        rows.push(
            DocVector::decode(bytes.value())
                .ok_or("a stored vector is corrupt")?
                .v,
        );
    }
    let n = rows.len();
    if n < PROBED {
        return Err(format!("{n} vectors: too few to measure").into());
    }
    let mut vectors = DocVectors::new(unspun_embed::DIM);
    for r in &rows {
        let unit: Vec<f32> = r.iter().map(|&x| f32::from(x) / 127.0).collect();
        vectors.push(&unit);
    }
    let t = Instant::now();
    let found = neighbours(&vectors, MIN_COSINE, NEIGHBOURS, &|_, _| true);
    let seconds = t.elapsed().as_secs_f64();
    println!("{n} vectors: {} pairs in {seconds:.2} s", found.len());
    // (exact neighbours, found) per band.
    let mut bands = [(0usize, 0usize); BANDS.len()];
    for q in (0..n).step_by(n / PROBED) {
        let mut exact: Vec<(f32, usize)> = (0..n)
            .filter(|&j| j != q)
            .map(|j| (cosine_i8(&rows[q], &rows[j]), j))
            .filter(|&(c, _)| c >= MIN_COSINE)
            .collect();
        exact.sort_by(|x, y| y.0.total_cmp(&x.0).then(x.1.cmp(&y.1)));
        for &(c, j) in exact.iter().take(NEIGHBOURS) {
            let band = BANDS.iter().rposition(|&b| c >= b).unwrap_or(0);
            let pair = (q.min(j) as u32, q.max(j) as u32);
            bands[band].0 += 1;
            bands[band].1 += usize::from(found.binary_search(&pair).is_ok());
        }
    }
    let (all, hit) = bands.iter().fold((0, 0), |(a, h), b| (a + b.0, h + b.1));
    println!(
        "found {hit} of {all} exact neighbours ({:.3})",
        hit as f64 / all as f64
    );
    for (k, (exact, hit)) in bands.iter().enumerate() {
        let upper = BANDS
            .get(k + 1)
            .map_or("1".to_string(), |u| format!("{u:.2}"));
        println!("  cosine {:.2} to {upper}: {hit} of {exact}", BANDS[k]);
    }
    Ok(())
}
