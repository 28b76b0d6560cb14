//! The hot path of a loaded policy, `LoadedPolicy::requirement`, allocates nothing: a
//! counting global allocator (`stats_alloc`, since the workspace forbids `unsafe` and a
//! `GlobalAlloc` impl needs it) watches a loop over a large random sample of points of
//! every chain of the shipped corpus. The same counter sees `decide` allocate, so it is
//! known to be counting.
//!
//! One test function only: the counter is global, and a second test running on another
//! thread would be counted too.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

use stats_alloc::{INSTRUMENTED_SYSTEM, Region, StatsAlloc};
use std::alloc::System;
use std::hint::black_box;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_bench::sample;
use stringent_policy::LoadedPolicy;

#[global_allocator]
static GLOBAL: &StatsAlloc<System> = &INSTRUMENTED_SYSTEM;

#[test]
fn requirement_allocates_nothing_and_decide_is_seen_to_allocate() {
    let c = stringent_compiler::compile(&[shipped_root()], as_of());
    assert!(!c.has_errors());
    let policies: Vec<LoadedPolicy> = c.policies().into_iter().map(|p| LoadedPolicy::new(p).unwrap()).collect();
    let points = sample::points(&policies, 200_000, 42);
    let ids: Vec<Vec<&str>> = points.iter().map(|(p, point)| sample::ids(&policies[p], point).unwrap()).collect();
    let question = sample::question(&policies[0], &vec![0; points.axes()]).unwrap();

    // The control: the counter sees what `decide` allocates.
    let region = Region::new(GLOBAL);
    black_box(policies[0].decide(black_box(&question)).unwrap());
    let control = region.change();
    assert!(control.allocations > 0, "the counter saw no allocation in `decide`: {control:?}");

    // The hot path: points to requirements.
    let region = Region::new(GLOBAL);
    let mut found = 0usize;
    for (p, point) in points.iter() {
        if black_box(&policies[p]).requirement(black_box(point)).is_some() {
            found += 1;
        }
    }
    let hot = region.change();

    // Value ids to indices, then the requirement: what a consumer holding strings does.
    let mut point = vec![0u32; points.axes()];
    let region = Region::new(GLOBAL);
    for ((p, _), names) in points.iter().zip(&ids) {
        let policy = black_box(&policies[p]);
        for (axis, (slot, name)) in point.iter_mut().zip(names).enumerate() {
            *slot = policy.value_index(axis, name).unwrap();
        }
        black_box(policy.requirement(&point).unwrap());
    }
    let by_id = region.change();

    assert_eq!(found, points.len());
    assert_eq!((hot.allocations, hot.reallocations, hot.bytes_allocated), (0, 0, 0), "requirement(): {hot:?}");
    assert_eq!((by_id.allocations, by_id.reallocations, by_id.bytes_allocated), (0, 0, 0), "value_index(): {by_id:?}");
}
