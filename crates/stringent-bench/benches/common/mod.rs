//! What every benchmark shares: a modest criterion configuration (the machines are small
//! and shared), and ratios against a baseline measured in the same run, since absolute
//! times drift from run to run.
//!
//! Each benchmark routine goes through [`timed`], which runs it under
//! `Bencher::iter_custom` and keeps the per-iteration time of each of criterion's samples;
//! [`Summary`] prints the median of the last samples (those of the measurement, after the
//! warm-up) and the ratios between benchmarks once criterion is done.

#![allow(dead_code)]

use criterion::Criterion;
use std::collections::BTreeMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Per benchmark id: the time of one iteration, in nanoseconds, for each sample taken.
static SAMPLES: Mutex<BTreeMap<String, Vec<f64>>> = Mutex::new(BTreeMap::new());

/// Samples of the measurement phase that the medians are taken over.
pub const SAMPLE_SIZE: usize = 10;

/// Criterion with small samples and a few seconds per benchmark; command-line flags
/// (`cargo bench -p stringent-bench -- FILTER --measurement-time 10`) still apply.
pub fn criterion() -> Criterion {
    Criterion::default()
        .sample_size(SAMPLE_SIZE)
        .measurement_time(Duration::from_secs(3))
        .warm_up_time(Duration::from_secs(1))
        .without_plots()
        .configure_from_args()
}

/// Run `routine` under criterion and record its time per iteration under `id`. `per` is
/// the number of items (questions, files) one iteration handles, for per-item figures.
pub fn timed(b: &mut criterion::Bencher<'_>, id: &str, mut routine: impl FnMut()) {
    b.iter_custom(|iters| {
        let start = Instant::now();
        for _ in 0..iters {
            routine();
        }
        let elapsed = start.elapsed();
        let per_iter = elapsed.as_secs_f64() * 1e9 / iters.max(1) as f64;
        if let Ok(mut samples) = SAMPLES.lock() {
            samples.entry(id.to_owned()).or_default().push(per_iter);
        }
        elapsed
    });
}

/// The median time of one iteration of `id` over its last samples, in nanoseconds.
pub fn median_ns(id: &str) -> Option<f64> {
    let samples = SAMPLES.lock().ok()?;
    let all = samples.get(id)?;
    let mut last: Vec<f64> = all.iter().rev().take(SAMPLE_SIZE).copied().collect();
    last.sort_by(f64::total_cmp);
    last.get(last.len() / 2).copied()
}

/// A human figure for nanoseconds.
pub fn human(ns: f64) -> String {
    if ns >= 1e9 {
        format!("{:.2} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.1} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.2} µs", ns / 1e3)
    } else {
        format!("{ns:.1} ns")
    }
}

/// The lines printed after criterion's own report.
#[derive(Default)]
pub struct Summary {
    lines: Vec<String>,
}

impl Summary {
    pub fn new(title: &str) -> Summary {
        Summary { lines: vec![String::new(), format!("## {title}"), String::new()] }
    }

    /// A line of text.
    pub fn note(&mut self, text: impl Into<String>) {
        self.lines.push(text.into());
    }

    /// The median of one benchmark, per item when one iteration handles `per` items,
    /// with MB/s when it handled `bytes` bytes per iteration.
    pub fn figure(&mut self, label: &str, id: &str, per: usize, bytes: Option<usize>) -> Option<f64> {
        let Some(ns) = median_ns(id) else {
            self.lines.push(format!("- {label}: not run (filtered out)"));
            return None;
        };
        let mut line = format!("- {label}: {} per iteration", human(ns));
        if per > 1 {
            line.push_str(&format!(", {} per item ({per} items)", human(ns / per as f64)));
        }
        if let Some(bytes) = bytes {
            line.push_str(&format!(", {:.1} MB/s", bytes as f64 / 1e6 / (ns / 1e9)));
        }
        self.lines.push(line);
        Some(ns)
    }

    /// `subject / baseline`, each per item, and what the goal was.
    pub fn ratio(
        &mut self,
        label: &str,
        subject: (&str, usize),
        baseline: (&str, usize),
        goal: Option<f64>,
    ) -> Option<f64> {
        let (Some(s), Some(b)) = (median_ns(subject.0), median_ns(baseline.0)) else {
            self.lines.push(format!("- ratio {label}: not run (filtered out)"));
            return None;
        };
        let ratio = (s / subject.1.max(1) as f64) / (b / baseline.1.max(1) as f64);
        let verdict = match goal {
            Some(g) if ratio <= g => format!(" (goal ≤ {g}: met)"),
            Some(g) => format!(" (goal ≤ {g}: NOT met)"),
            None => String::new(),
        };
        self.lines.push(format!("- ratio {label}: {ratio:.2}×{verdict}"));
        Some(ratio)
    }

    pub fn print(&self) {
        println!("{}", self.lines.join("\n"));
    }
}
