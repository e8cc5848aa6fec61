use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::Mutex;
use unspun_ingest::Problem;

/// Progress bars on stderr (hidden when stderr is not a terminal); problems
/// are printed above the bar as they happen.
pub struct Bars {
    bar: Mutex<Option<ProgressBar>>,
    quiet: bool,
}

impl Bars {
    pub fn new(quiet: bool) -> Self {
        Bars {
            bar: Mutex::new(None),
            quiet,
        }
    }

    pub fn finish(&self) {
        if let Ok(mut g) = self.bar.lock() {
            if let Some(b) = g.take() {
                b.finish_and_clear();
            }
        }
    }
}

impl unspun_scan::Progress for Bars {
    fn stage(&self, name: &'static str, total: Option<u64>) {
        let Ok(mut g) = self.bar.lock() else { return };
        if let Some(b) = g.take() {
            b.finish_and_clear();
        }
        if self.quiet {
            return;
        }
        let bar = match total {
            Some(n) => ProgressBar::new(n),
            None => ProgressBar::new_spinner(),
        };
        bar.set_draw_target(ProgressDrawTarget::stderr());
        let template = if name == "read" {
            "{prefix:>10} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}"
        } else if total.is_none() {
            // No total: a count and a rate, no bar or eta to guess.
            "{prefix:>10} {spinner} {human_pos} {per_sec}"
        } else {
            "{prefix:>10} [{bar:30}] {human_pos}/{human_len} {per_sec} eta {eta}"
        };
        if let Ok(style) = ProgressStyle::with_template(template) {
            bar.set_style(style.progress_chars("=> "));
        }
        bar.set_prefix(name);
        *g = Some(bar);
    }

    fn advance(&self, n: u64) {
        if let Ok(g) = self.bar.lock() {
            if let Some(b) = g.as_ref() {
                b.inc(n);
            }
        }
    }

    fn problem(&self, p: &Problem) {
        let line = format!("unspun: {p}");
        // A hidden bar (stderr is not a terminal) prints nothing: write directly.
        match self.bar.lock().ok().as_deref().and_then(Option::as_ref) {
            Some(b) if !b.is_hidden() => b.suspend(|| eprintln!("{line}")),
            _ => eprintln!("{line}"),
        }
    }
}
