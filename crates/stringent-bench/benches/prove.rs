//! `stringent prove` of the whole shipped corpus with its assertions, against `check` of the
//! same tree in the same run (goal: prove over every epoch from 2003 to 2030 ≤ 3× check),
//! and how its time grows with the number of epochs (dates on which some rule starts or
//! ends): proofs from later and later first dates check fewer epochs (goal: linear).
//!
//! Both include reading and parsing the tree, as the commands do; `prove --from D`
//! compiles the tree as of D, as `stringent prove` does.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

/// The allocator of the `stringent` binary, so that these figures are what it does.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use common::{Summary, criterion, median_ns};
use std::hint::black_box;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_syntax::Date;

/// Epochs added to the shipped corpus to see how `prove` grows with them: each is a date on
/// which a narrow rule of one state takes effect, so each re-resolves that state's chain.
const ADDED: [usize; 4] = [0, 50, 100, 200];

/// The shipped tree in memory, with `n` rules of Wyoming taking effect on `n` dates after
/// 2027-01-01, each on one cell.
fn with_added_epochs(files: &[(String, String)], n: usize) -> Vec<(String, String)> {
    let mut out = files.to_vec();
    if let Some((_, text)) = out.iter_mut().find(|(name, _)| name.ends_with("us-wy/wyoming.stringent")) {
        for i in 0..n {
            // A distinct day for each: the 1st to the 28th of each month from January 2027.
            let day = format!("{:04}-{:02}-{:02}", 2027 + i / 336, 1 + (i / 28) % 12, 1 + i % 28);
            text.push_str(&format!(
                "\nrule wy.bench_epoch_{i} \"An epoch for the benchmark\" {{\n  cite \"none\"\n  source \"https://example.org\"\n  \
                 confidence unverified\n  effective {}\n  category genetic\n  purpose marketing\n  recipient employer\n  \
                 subject adult\n  holder hospital\n  permission prohibited\n}}\n",
                day
            ));
        }
    }
    out
}

fn main() {
    let mut c = criterion();
    let roots = [shipped_root()];
    let date = as_of();
    let compiled = stringent_compiler::compile(&roots, date);
    assert!(!compiled.has_errors(), "the shipped rules have errors");
    let from_2003 = Date::parse("2003-01-01");
    let proof = stringent_compiler::proof::prove(&compiled, from_2003).unwrap();
    assert!(proof.holds(), "the shipped corpus does not prove from 2003");
    let sources: Vec<(String, String)> =
        stringent_compiler::discover::discover(&roots).files.into_iter().map(|f| (f.display, f.text)).collect();
    let trees: Vec<(usize, Vec<(String, String)>)> = ADDED
        .iter()
        .map(|n| {
            let tree = with_added_epochs(&sources, *n);
            let c = stringent_compiler::compile_sources(tree.clone(), date);
            assert!(!c.has_errors(), "the tree with {n} added epochs has errors");
            let p = stringent_compiler::proof::prove(&c, from_2003).unwrap();
            (p.epochs, tree)
        })
        .collect();

    let mut group = c.benchmark_group("prove/shipped");
    group.bench_function("check: compile()", |b| {
        common::timed(b, "check", || {
            black_box(stringent_compiler::compile(black_box(&roots), date));
        });
    });
    let first = from_2003.unwrap();
    group.bench_function("prove from 2003", |b| {
        common::timed(b, "prove", || {
            let c = stringent_compiler::compile(black_box(&roots), first);
            black_box(stringent_compiler::proof::prove(&c, from_2003).unwrap());
        });
    });
    for (n, (_, tree)) in ADDED.iter().zip(&trees) {
        group.bench_function(format!("prove from 2003, {n} epochs added"), |b| {
            common::timed(b, &format!("prove+{n}"), || {
                let c = stringent_compiler::compile_sources(black_box(tree.clone()), first);
                black_box(stringent_compiler::proof::prove(&c, from_2003).unwrap());
            });
        });
    }
    group.finish();
    c.final_summary();

    let mut s = Summary::new("Prove of the shipped corpus");
    s.note(format!(
        "{} rules, {} chains, {} assertions, {} epochs from 2003-01-01 (every date a rule starts or ends, to 2030 and beyond)",
        compiled.model.rules.len(),
        compiled.model.layers.len(),
        proof.assertions.len(),
        proof.epochs
    ));
    s.figure("check: compile()", "check", 1, None);
    s.figure("prove from 2003-01-01", "prove", 1, None);
    s.ratio("prove from 2003 (every epoch) / check", ("prove", 1), ("check", 1), Some(3.0));
    s.note("Growth with the epochs (the same tree, in memory, with rules that start on added dates):");
    let base = median_ns("prove+0");
    for (n, (epochs, _)) in ADDED.iter().zip(&trees) {
        if let (Some(p), Some(b)) = (median_ns(&format!("prove+{n}")), base) {
            let per =
                if *n == 0 { String::new() } else { format!(", {:.2} ms per added epoch", (p - b) / 1e6 / *n as f64) };
            s.note(format!("- {epochs} epochs: {}{per}", common::human(p)));
        }
    }
    s.print();
}
