//! The C ABI's question by value indices (`stringent_level_at`) against the Rust
//! `LoadedPolicy::requirement` it wraps, on the shipped corpus's US-CA, in one run: the goal
//! is at most 1.5× (BENCHMARKS.md). The ABI function is called through a function pointer
//! hidden from the optimizer, as a C caller calls it: it cannot be inlined.
#![expect(clippy::unwrap_used, reason = "a benchmark stops on a broken set-up")]

use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::path::Path;
use stringent::{StringentLevel, StringentPolicy, StringentStatus};

type LevelAt = unsafe extern "C" fn(*const StringentPolicy, *const u32, usize, *mut StringentLevel) -> StringentStatus;

fn bench(c: &mut Criterion) {
    let rules = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules");
    let compiled = stringent_compiler::compile(&[rules], stringent_syntax::Date::parse("2026-12-01").unwrap());
    let bytes = serde_json::to_vec(&compiled.policy_for("US-CA").unwrap()).unwrap();
    let loaded = stringent_policy::LoadedPolicy::from_json(&bytes).unwrap();
    let mut policy: *mut StringentPolicy = std::ptr::null_mut();
    // SAFETY: valid bytes, out-pointer to local storage, no error object asked for.
    let status = unsafe {
        stringent::stringent_policy_from_json(bytes.as_ptr(), bytes.len(), &raw mut policy, std::ptr::null_mut())
    };
    assert_eq!(status, StringentStatus::Ok);
    // 1,024 points spread over the grid, the same for both sides.
    let grid = loaded.policy().regions.cell_grid().unwrap();
    let points: Vec<Vec<u32>> = (0..1024).map(|i| grid.point(i * 7919 % grid.len()).unwrap()).collect();
    let level_at: LevelAt = black_box(stringent::stringent_level_at);

    let mut group = c.benchmark_group("ffi");
    group.bench_function("rust requirement() x1024", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for p in &points {
                n += loaded.requirement(black_box(p)).unwrap().level as u32;
            }
            n
        });
    });
    group.bench_function("C ABI stringent_level_at x1024", |b| {
        b.iter(|| {
            let mut n = 0u32;
            for p in &points {
                let mut level = StringentLevel::Allowed;
                // SAFETY: a live policy, a point of `p.len()` positions, a local out-value.
                let status = unsafe { level_at(policy, black_box(p.as_ptr()), p.len(), &raw mut level) };
                n += status as u32 + level as u32;
            }
            n
        });
    });
    group.finish();
    // SAFETY: created above, freed once.
    unsafe { stringent::stringent_policy_free(policy) };
}

criterion_group!(benches, bench);
criterion_main!(benches);
