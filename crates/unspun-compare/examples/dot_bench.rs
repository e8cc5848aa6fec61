//! The `i8` dot product of the search by meaning, per product, on rows
//! that stay in cache and on rows streamed from memory:
//! `cargo run --release -p unspun-compare --example dot_bench [ROWS]`.

use std::time::Instant;
use unspun_compare::meaning::{dot_i8, each_dot_i8};

const DIM: usize = 384;

fn main() {
    let sizes: Vec<usize> = match std::env::args().nth(1).and_then(|a| a.parse().ok()) {
        Some(rows) => vec![rows],
        None => vec![1_000, 100_000],
    };
    for rows in sizes {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        let flat: Vec<i8> = (0..rows * DIM)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                (x % 255) as u8 as i8
            })
            .collect();
        let query: Vec<i8> = flat[..DIM].iter().map(|v| v.wrapping_add(3)).collect();
        let reps = (2_000_000 / rows).max(1);
        for round in 0..3 {
            let t = Instant::now();
            let mut one_by_one = 0i64;
            for _ in 0..reps {
                for row in flat.chunks_exact(DIM) {
                    one_by_one += i64::from(dot_i8(&query, row));
                }
            }
            let per_call = t.elapsed().as_nanos() as f64 / (reps * rows) as f64;
            let t = Instant::now();
            let mut batched = 0i64;
            for _ in 0..reps {
                each_dot_i8(&query, flat.chunks_exact(DIM), |_, d| {
                    batched += i64::from(d)
                });
            }
            let per_row = t.elapsed().as_nanos() as f64 / (reps * rows) as f64;
            assert_eq!(one_by_one, batched);
            println!(
                "{rows} rows, round {round}: dot_i8 {per_call:.1} ns, each_dot_i8 {per_row:.1} ns a product"
            );
        }
    }
}
