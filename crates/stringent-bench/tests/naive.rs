//! The naive per-question resolver of `benches/decide.rs` gives the same requirement as
//! the compiler's resolution by regions, on every chain of the shipped corpus and of a
//! generated tree with organization layers: the benchmark compares two designs that answer
//! alike, and the regions are checked against an independent resolution. Cells are sampled
//! in every chain; in the deepest chains every cell is compared.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use std::path::PathBuf;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_bench::naive::Naive;
use stringent_bench::rng::Rng;
use stringent_bench::scale::{self, Spec};
use stringent_compiler::resolve::grid;

/// Compare `per_chain` random cells of every chain, and every cell of the federal chain
/// and of each chain of three layers (federal, state, organization).
fn agree(roots: &[PathBuf], per_chain: usize) {
    // Lint findings do not matter here: resolution runs on what is sound.
    let c = stringent_compiler::compile(roots, as_of());
    assert!(!c.chains.is_empty());
    let naive = Naive::new(&c.model, as_of());
    let grid = grid(&c.model);
    let count = grid.len();
    let mut rng = Rng::new(11);
    let mut whole = 0;
    for chain in &c.chains {
        let layer = *chain.chain.last().unwrap();
        let cells = chain.cells();
        assert_eq!(cells.len(), count);
        let every = chain.chain.len() != 2;
        whole += usize::from(every && chain.chain.len() == 3);
        let picked: Vec<usize> =
            if every { (0..count).collect() } else { (0..per_chain).map(|_| rng.below(count)).collect() };
        for cell in picked {
            let expected = &chain.requirements[cells[cell] as usize];
            let point = grid.point(cell).unwrap();
            let got = naive.requirement(layer, &point).unwrap();
            assert_eq!(&got, expected, "chain {:?}, cell {cell} {point:?}", chain.chain);
        }
    }
    assert!(whole > 0, "no chain of three layers was compared cell by cell");
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
