//! The naive per-question resolver of `benches/decide.rs` gives the same requirement as
//! the compiler's resolution, cell by cell, on every chain of the shipped corpus and of a
//! generated tree with organization layers: the benchmark compares two designs that answer
//! alike. So does the regions prototype, on every cell.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_bench::naive::Naive;
use stringent_bench::regions;
use stringent_bench::rng::Rng;
use stringent_bench::scale::{self, Spec};
use stringent_compiler::resolve::shape;

fn agree(roots: &[PathBuf], per_chain: usize) {
    // Lint findings do not matter here: resolution runs on what is sound.
    let c = stringent_compiler::compile(roots, as_of());
    assert!(!c.chains.is_empty());
    let naive = Naive::new(&c.model, as_of());
    let (sizes, count) = shape(&c.model);
    let mut rng = Rng::new(11);
    for chain in &c.chains {
        let layer = *chain.chain.last().unwrap();
        // The regions prototype: every cell.
        let r = regions::resolve_chain(&c.model, &naive, layer);
        assert_eq!(r.cells.len(), count);
        for (cell, (ours, theirs)) in r.cells.iter().zip(&chain.cells).enumerate() {
            assert_eq!(
                r.requirements[*ours as usize], chain.requirements[*theirs as usize],
                "regions, chain {:?}, cell {cell}",
                chain.chain
            );
        }
        for _ in 0..per_chain {
            let cell = rng.below(count);
            let mut rest = cell;
            let mut point = [0usize; 5];
            for a in (0..5).rev() {
                point[a] = rest % sizes[a];
                rest /= sizes[a];
            }
            let expected = &chain.requirements[chain.cells[cell] as usize];
            let got = naive.requirement(layer, point).unwrap();
            assert_eq!(&got, expected, "chain {:?}, cell {cell} {point:?}", chain.chain);
        }
    }
}

#[test]
fn naive_resolution_agrees_with_the_compiler_on_the_shipped_corpus() {
    agree(&[shipped_root()], 3000);
}

#[test]
fn naive_resolution_agrees_with_the_compiler_on_a_generated_tree() {
    let dir = std::env::temp_dir().join(format!("stringent-bench-naive-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let spec = Spec { states: 3, rules_per_state: 60, tests_per_state: 2, orgs: 3, rules_per_org: 6, seed: 5 };
    scale::write(&dir, &scale::generate(&spec)).unwrap();
    agree(std::slice::from_ref(&dir), 5000);
    std::fs::remove_dir_all(&dir).unwrap();
}
