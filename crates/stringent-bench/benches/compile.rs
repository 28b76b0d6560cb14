//! 2. Check + compile of the whole shipped corpus, against parse alone (goal: compile ≤ 2×
//!    parse), and where the time goes: discover + parse, model build, the tests'
//!    questions, resolution of every chain, lints, emit.
//!
//! Every stage runs as `stringent_compiler::compile` runs it, on rayon's pool where the
//! compiler uses it (per-file parsing, per-chain resolution, per-rule lints).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

/// The allocator of the `stringent` binary, so that these figures are what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::{Summary, criterion, human, median_ns, timed};
use std::hint::black_box;
use stringent_bench::corpus::{
    as_of, build_model, lint_all, parse_all, read, resolve_all, shipped_root, test_questions,
};
use stringent_compiler::resolve::{Resolver, grid};

fn main() {
    let mut c = criterion();
    let roots = [shipped_root()];
    let date = as_of();
    let files = read(&roots);
    let parsed = parse_all(&files);
    let (model, _) = build_model(&files, &parsed);
    let cells = grid(&model).len();
    let chains = model.layers.len();
    let compiled = stringent_compiler::compile(&roots, date);
    assert!(!compiled.has_errors(), "the shipped rules have errors");
    let policies = compiled.policies();
    let ca = model.layer("US-CA").expect("a California layer");

    let mut group = c.benchmark_group("compile/shipped");
    group.bench_function("discover + parse (parse alone)", |b| {
        timed(b, "parse", || {
            let files = read(black_box(&roots));
            black_box(parse_all(&files));
        });
    });
    group.bench_function("check: compile()", |b| {
        timed(b, "compile", || {
            black_box(stringent_compiler::compile(black_box(&roots), date));
        });
    });
    group.bench_function("compile() + policies()", |b| {
        timed(b, "compile+emit", || {
            let c = stringent_compiler::compile(black_box(&roots), date);
            black_box(c.policies());
        });
    });
    group.bench_function("stage: model::build", |b| {
        timed(b, "model", || {
            black_box(build_model(&files, black_box(&parsed)));
        });
    });
    group.bench_function("stage: test questions", |b| {
        timed(b, "tests", || {
            black_box(test_questions(black_box(&model), date));
        });
    });
    group.bench_function("stage: resolve every chain", |b| {
        timed(b, "resolve", || {
            black_box(resolve_all(black_box(&model), date));
        });
    });
    group.bench_function("stage: resolve US-CA alone (one thread)", |b| {
        timed(b, "resolve-ca", || {
            black_box(Resolver::new(black_box(&model), date).chain(ca));
        });
    });
    group.bench_function("stage: lints", |b| {
        timed(b, "lints", || {
            black_box(lint_all(black_box(&compiled.model), &compiled.chains, date));
        });
    });
    group.bench_function("stage: emit policies()", |b| {
        timed(b, "policies", || {
            black_box(compiled.policies());
        });
    });
    group.bench_function("stage: policies to JSON", |b| {
        timed(b, "json", || {
            for p in &policies {
                black_box(stringent_compiler::emit::to_json(black_box(p)).unwrap());
            }
        });
    });
    group.finish();
    c.final_summary();

    let mut s = Summary::new("Check and compile of the shipped corpus");
    s.note(format!(
        "{} files, {} rules, {chains} chains × {cells} cells = {} cells resolved",
        files.len(),
        model.rules.len(),
        chains * cells
    ));
    let parse = s.figure("discover + parse (parse alone)", "parse", 1, None);
    let compile = s.figure("check: compile()", "compile", 1, None);
    s.figure("compile() + policies() (the `compile` command, before writing)", "compile+emit", 1, None);
    s.ratio("check / parse", ("compile", 1), ("parse", 1), Some(2.0));
    s.ratio("compile + emit / parse", ("compile+emit", 1), ("parse", 1), Some(2.0));
    s.note("");
    s.note("Where the time of compile() goes:");
    let model_ns = s.figure("model::build", "model", 1, None);
    let tests_ns = s.figure("test questions", "tests", 1, None);
    let resolve_ns = s.figure("resolve every chain (rayon)", "resolve", chains * cells, None);
    s.figure("resolve US-CA alone, one thread", "resolve-ca", cells, None);
    let lints_ns = s.figure("lints", "lints", 1, None);
    if let (Some(c), Some(p), Some(m), Some(t), Some(r), Some(l)) =
        (compile, parse, model_ns, tests_ns, resolve_ns, lints_ns)
    {
        let rest = c - p - m - t - r - l;
        s.note(format!(
            "- the rest (compile − the stages above: merging and sorting diagnostics): {} ({:.0}% of compile)",
            human(rest.max(0.0)),
            100.0 * rest.max(0.0) / c
        ));
        for (name, ns) in [("discover + parse", p), ("model", m), ("tests", t), ("resolve", r), ("lints", l)] {
            s.note(format!("  - {name}: {:.0}% of compile", 100.0 * ns / c));
        }
    }
    let regions: usize = compiled.chains.iter().map(|c| c.regions.len()).sum();
    let ca_chain = compiled.chains.iter().find(|c| c.chain.last() == Some(&ca)).unwrap();
    s.note(format!(
        "Regions: {regions} over all chains ({:.0} per chain), {} in US-CA, each resolved once",
        regions as f64 / chains as f64,
        ca_chain.regions.len()
    ));
    s.note("Emit (the `compile` command only):");
    s.figure("policies()", "policies", chains, None);
    s.figure("policies to JSON (compact, as written)", "json", chains, None);
    if let (Some(r), Some(p)) = (median_ns("resolve"), median_ns("parse")) {
        s.note(format!("- resolution alone / parse: {:.1}×", r / p));
    }
    s.print();
}
