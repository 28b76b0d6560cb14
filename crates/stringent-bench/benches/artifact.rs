//! 5. The artifacts: the total size of the compiled shipped corpus (as `stringent compile`
//!    writes it: one JSON file per chain and `index.json`), and the load time of one
//!    artifact, `LoadedPolicy::from_json` (format, version and content hash checked, values
//!    indexed), against the bare deserialization of the same bytes.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{Summary, criterion, timed};
use criterion::Throughput;
use std::hint::black_box;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_compiler::emit;
use stringent_policy::{LoadedPolicy, Policy};

/// Every file under `dir`, by path relative to `root`, with its size.
fn files_under(root: &std::path::Path, dir: &std::path::Path, out: &mut Vec<(String, u64)>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let e = e.unwrap();
        let path = e.path();
        if path.is_dir() {
            files_under(root, &path, out);
        } else {
            let name = path.strip_prefix(root).unwrap().to_string_lossy().into_owned();
            out.push((name, e.metadata().unwrap().len()));
        }
    }
}

fn main() {
    let mut c = criterion();
    let date = as_of();
    let compiled = stringent_compiler::compile(&[shipped_root()], date);
    assert!(!compiled.has_errors(), "the shipped rules have errors");
    let policies = compiled.policies();

    // What `stringent compile` writes.
    let out = std::env::temp_dir().join(format!("stringent-bench-artifacts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    emit::write_all(&out, &policies, date, || {}).unwrap();
    let mut sizes = Vec::new();
    files_under(&out, &out, &mut sizes);
    sizes.sort();
    std::fs::remove_dir_all(&out).unwrap();
    let total: u64 = sizes.iter().map(|(_, n)| n).sum();
    let compact: usize = policies.iter().map(|p| serde_json::to_vec(p).unwrap().len()).sum();
    let (largest, largest_size) = sizes.iter().max_by_key(|(_, n)| *n).cloned().unwrap();
    let cells: usize = policies.iter().map(|p| p.regions.cell_grid().map_or(0, |g| g.len())).sum();
    let tuples: usize = policies.iter().map(|p| p.regions.table.len()).sum();
    let requirements: usize = policies.iter().map(|p| p.requirements.len()).sum();
    let provenance: usize = policies.iter().map(|p| p.provenance.len()).sum();

    let ca = policies.iter().find(|p| p.jurisdiction == "US-CA").unwrap();
    let bytes = emit::to_json(ca).unwrap();
    assert!(LoadedPolicy::from_json(&bytes).is_ok());

    let mut group = c.benchmark_group("artifact/US-CA");
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("baseline: serde_json::from_slice::<Policy>", |b| {
        timed(b, "serde", || {
            black_box(serde_json::from_slice::<Policy>(black_box(&bytes)).unwrap());
        });
    });
    group.bench_function("LoadedPolicy::from_json", |b| {
        timed(b, "load", || {
            black_box(LoadedPolicy::from_json(black_box(&bytes)).unwrap());
        });
    });
    group.bench_function("Policy::compute_hash", |b| {
        timed(b, "hash", || {
            black_box(black_box(ca).compute_hash());
        });
    });
    group.finish();
    c.final_summary();

    let mut s = Summary::new("Artifacts of the shipped corpus");
    s.note(format!(
        "- {} files written by `stringent compile`: {:.1} MB in all ({:.2} MB per chain on average); \
         the largest is {largest} at {:.2} MB",
        sizes.len(),
        total as f64 / 1e6,
        total as f64 / 1e6 / policies.len() as f64,
        largest_size as f64 / 1e6
    ));
    s.note(format!("- the same policies as compact JSON: {:.1} MB", compact as f64 / 1e6));
    s.note(format!(
        "- {} cells in {tuples} tuples of classes, {requirements} distinct requirements and {provenance} distinct provenance lists over {} chains",
        cells,
        policies.len()
    ));
    s.note(format!("US-CA.json: {:.2} MB", bytes.len() as f64 / 1e6));
    s.figure("serde_json::from_slice::<Policy>", "serde", 1, Some(bytes.len()));
    s.figure("LoadedPolicy::from_json", "load", 1, Some(bytes.len()));
    s.figure("Policy::compute_hash", "hash", 1, None);
    s.ratio("from_json / bare deserialization", ("load", 1), ("serde", 1), None);
    s.ratio("compute_hash / bare deserialization", ("hash", 1), ("serde", 1), None);
    s.print();
}
