//! Prometheus counters, kept by hand: a few atomics and one small map.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering::Relaxed};
use std::sync::Mutex;
use std::time::Duration;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 11] = [
    0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0,
];

#[derive(Default)]
pub struct Histogram {
    counts: [AtomicU64; BUCKETS.len()],
    count: AtomicU64,
    /// Sum in microseconds (atomics hold integers).
    sum_us: AtomicU64,
}

impl Histogram {
    pub fn observe(&self, d: Duration) {
        let s = d.as_secs_f64();
        if let Some(i) = BUCKETS.iter().position(|&b| s <= b) {
            self.counts[i].fetch_add(1, Relaxed);
        }
        self.count.fetch_add(1, Relaxed);
        self.sum_us.fetch_add(d.as_micros() as u64, Relaxed);
    }

    fn render(&self, out: &mut String, name: &str, help: &str) {
        let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} histogram");
        let mut cumulative = 0;
        for (b, c) in BUCKETS.iter().zip(&self.counts) {
            cumulative += c.load(Relaxed);
            let _ = writeln!(out, "{name}_bucket{{le=\"{b}\"}} {cumulative}");
        }
        let count = self.count.load(Relaxed);
        let _ = writeln!(out, "{name}_bucket{{le=\"+Inf\"}} {count}");
        let _ = writeln!(out, "{name}_sum {}", self.sum_us.load(Relaxed) as f64 / 1e6);
        let _ = writeln!(out, "{name}_count {count}");
    }
}

#[derive(Default)]
pub struct Metrics {
    /// (route, method, status) → requests.
    requests: Mutex<BTreeMap<(String, String, u16), u64>>,
    pub request_seconds: Histogram,
    /// Time one document spends in the writer: match and commit.
    pub add_seconds: Histogram,
    pub documents_added: AtomicU64,
    pub documents_refused: AtomicU64,
    pub documents_removed: AtomicU64,
    pub queries: AtomicU64,
    pub write_batches: AtomicU64,
    pairs_found: Mutex<BTreeMap<String, u64>>,
}

impl Metrics {
    pub fn request(&self, route: &str, method: &str, status: u16, took: Duration) {
        self.request_seconds.observe(took);
        let mut map = self.requests.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry((route.to_string(), method.to_string(), status))
            .or_default() += 1;
    }

    pub fn pair_found(&self, relation: &str) {
        let mut map = self.pairs_found.lock().unwrap_or_else(|p| p.into_inner());
        *map.entry(relation.to_string()).or_default() += 1;
    }

    /// The text exposition format, version 0.0.4.
    pub fn render(&self, documents: u64, families: u64, disk_bytes: u64) -> String {
        let mut out = String::new();
        out.push_str(
            "# HELP unspun_http_requests_total HTTP requests by route, method and status.\n",
        );
        out.push_str("# TYPE unspun_http_requests_total counter\n");
        for ((route, method, status), n) in self
            .requests
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(
                out,
                "unspun_http_requests_total{{route=\"{}\",method=\"{method}\",status=\"{status}\"}} {n}",
                escape_label(route)
            );
        }
        self.request_seconds.render(
            &mut out,
            "unspun_http_request_seconds",
            "HTTP request latency.",
        );
        self.add_seconds.render(
            &mut out,
            "unspun_add_seconds",
            "Time to match and commit one added document.",
        );
        let counters = [
            (
                "unspun_documents_added_total",
                "Documents added.",
                &self.documents_added,
            ),
            (
                "unspun_documents_refused_total",
                "Documents refused (duplicate id, invalid).",
                &self.documents_refused,
            ),
            (
                "unspun_documents_removed_total",
                "Documents removed.",
                &self.documents_removed,
            ),
            (
                "unspun_queries_total",
                "Documents matched without being stored.",
                &self.queries,
            ),
            (
                "unspun_write_batches_total",
                "Write transactions committed by the writer.",
                &self.write_batches,
            ),
        ];
        for (name, help, v) in counters {
            let _ = writeln!(
                out,
                "# HELP {name} {help}\n# TYPE {name} counter\n{name} {}",
                v.load(Relaxed)
            );
        }
        out.push_str("# HELP unspun_pairs_found_total Related pairs found by adds, by relation.\n");
        out.push_str("# TYPE unspun_pairs_found_total counter\n");
        for (rel, n) in self
            .pairs_found
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
        {
            let _ = writeln!(out, "unspun_pairs_found_total{{relation=\"{rel}\"}} {n}");
        }
        let gauges = [
            (
                "unspun_index_documents",
                "Documents in the index.",
                documents,
            ),
            ("unspun_index_families", "Copy families.", families),
            (
                "unspun_index_disk_bytes",
                "Size of the index file.",
                disk_bytes,
            ),
        ];
        for (name, help, v) in gauges {
            let _ = writeln!(out, "# HELP {name} {help}\n# TYPE {name} gauge\n{name} {v}");
        }
        out
    }
}

fn escape_label(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}
