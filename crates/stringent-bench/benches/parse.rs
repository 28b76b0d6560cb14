//! 1. Parse throughput (MB/s) of the shipped corpus and of a generated corpus ten times its
//!    size, against the bare pest parse of the same text with the same grammar (the floor
//!    for our own grammar). Both on one thread, file by file.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

/// The allocator of the `stringent` binary, so that these figures are what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::{Summary, criterion, timed};
use criterion::Throughput;
use std::hint::black_box;
use stringent_bench::bare;
use stringent_bench::corpus::{read, shipped_root};
use stringent_bench::scale::{self, Spec};

fn main() {
    let mut c = criterion();
    let shipped: Vec<(String, String)> = read(&[shipped_root()]).into_iter().map(|f| (f.display, f.text)).collect();
    let generated: Vec<(String, String)> =
        scale::generate(&Spec::rules_times(10, 1)).into_iter().map(|f| (f.path, f.text)).collect();
    let mut summary = Summary::new("Parse throughput (one thread)");

    for (name, files) in [("shipped", &shipped), ("generated-10x", &generated)] {
        let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
        // Both parsers must accept every file, or the comparison means nothing.
        for (path, text) in files.iter() {
            assert!(bare::parse(text).is_ok(), "bare pest rejects {path}");
            assert!(stringent_syntax::parse(path, text).1.is_empty(), "stringent_syntax reports errors in {path}");
        }
        let mut group = c.benchmark_group(format!("parse/{name}"));
        group.throughput(Throughput::Bytes(bytes as u64));
        let bare_id = format!("parse/{name}/bare pest");
        group.bench_function("bare pest", |b| {
            timed(b, &bare_id, || {
                for (_, text) in files.iter() {
                    black_box(bare::parse(black_box(text)).ok());
                }
            });
        });
        let ours_id = format!("parse/{name}/stringent_syntax::parse");
        group.bench_function("stringent_syntax::parse", |b| {
            timed(b, &ours_id, || {
                for (path, text) in files.iter() {
                    black_box(stringent_syntax::parse(path, black_box(text)));
                }
            });
        });
        group.finish();
        summary.note(format!("{name}: {} files, {:.2} MB", files.len(), bytes as f64 / 1e6));
        summary.figure("bare pest parse", &bare_id, 1, Some(bytes));
        summary.figure("stringent_syntax::parse", &ours_id, 1, Some(bytes));
        summary.ratio(&format!("{name}: stringent_syntax::parse / bare pest"), (&ours_id, 1), (&bare_id, 1), None);
        summary.note("");
    }
    c.final_summary();
    summary.print();
}
