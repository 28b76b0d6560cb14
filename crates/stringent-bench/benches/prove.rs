//! `stringent prove` of the whole shipped corpus with its assertions, against `check` of the
//! same tree in the same run (goal: prove over every epoch from 2003 to 2030 ≤ 3× check),
//! and how its time grows with the number of epochs (dates on which some rule starts or
//! ends): proofs from later and later first dates check fewer epochs (goal: linear).
//!
//! Both include reading and parsing the tree, as the commands do.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

/// The allocator of the `stringent` binary, so that these figures are what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::{Summary, criterion, median_ns};
use std::hint::black_box;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_syntax::Date;

/// First dates, and the epochs each proof checks.
const FROM: [&str; 4] = ["2003-01-01", "2013-03-26", "2020-01-01", "2024-01-01"];

fn main() {
    let mut c = criterion();
    let roots = [shipped_root()];
    let date = as_of();
    let compiled = stringent_compiler::compile(&roots, date);
    assert!(!compiled.has_errors(), "the shipped rules have errors");
    let epochs: Vec<usize> = FROM
        .iter()
        .map(|f| {
            let p = stringent_compiler::proof::prove(&compiled, Date::parse(f)).unwrap();
            assert!(p.holds(), "the shipped corpus does not prove from {f}");
            let assertion_dates: usize = p.assertions.iter().map(|a| a.dates_checked).max().unwrap_or(0);
            p.dates_checked.max(assertion_dates)
        })
        .collect();
    let assertions = stringent_compiler::proof::prove(&compiled, None).unwrap().assertions.len();

    let mut group = c.benchmark_group("prove/shipped");
    group.bench_function("check: compile()", |b| {
        common::timed(b, "check", || {
            black_box(stringent_compiler::compile(black_box(&roots), date));
        });
    });
    for f in FROM {
        let from = Date::parse(f);
        group.bench_function(format!("prove from {f}"), |b| {
            common::timed(b, &format!("prove-{f}"), || {
                let c = stringent_compiler::compile(black_box(&roots), date);
                black_box(stringent_compiler::proof::prove(&c, from).unwrap());
            });
        });
    }
    group.finish();
    c.final_summary();

    let mut s = Summary::new("Prove of the shipped corpus");
    s.note(format!(
        "{} rules, {} chains, {assertions} assertions",
        compiled.model.rules.len(),
        compiled.model.layers.len()
    ));
    s.figure("check: compile()", "check", 1, None);
    for (f, n) in FROM.iter().zip(&epochs) {
        s.figure(&format!("prove from {f} ({n} epochs)"), &format!("prove-{f}"), 1, None);
    }
    s.ratio("prove from 2003 (every epoch to 2030) / check", ("prove-2003-01-01", 1), ("check", 1), Some(3.0));
    // Linear in the epochs: the time per epoch beyond the fixed cost of a check stays
    // alike from the fewest epochs to the most.
    if let Some(check) = median_ns("check") {
        for (f, n) in FROM.iter().zip(&epochs) {
            if let Some(p) = median_ns(&format!("prove-{f}")) {
                s.note(format!(
                    "- from {f}: {n} epochs, {:.2}× check, {:.2} ms per epoch beyond a check",
                    p / check,
                    (p - check) / 1e6 / *n as f64
                ));
            }
        }
    }
    s.print();
}
