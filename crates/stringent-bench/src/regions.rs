//! A prototype of resolution by regions instead of cell by cell, to measure what it would
//! save (see `BENCHMARKS.md`). It is not the compiler's resolution: it computes the
//! requirement of every cell, without provenance.
//!
//! A rule matches a point when each of its five per-axis masks holds the point's value, so
//! two values of an axis that every rule of a chain treats alike are interchangeable: the
//! point's match sets, hence its resolution, depend only on the *class* of its value on
//! each axis. Classes are found per axis by each value's column of rule memberships; each
//! tuple of classes is resolved once (here with [`Naive`]); the cells are then filled by
//! looking the tuple up. The compiler resolves each distinct match set once already, but
//! it computes the match sets of all 98,304 cells of every chain to find them, allocating
//! on the way; this resolves a few thousand tuples and copies integers.

use crate::naive::Naive;
use std::collections::HashMap;
use stringent_compiler::model::Model;
use stringent_compiler::resolve::{for_each_point, shape};
use stringent_policy::Requirement;

/// The resolved cells of one chain: distinct requirements and, per cell, which one.
#[derive(Debug, Clone, Default)]
pub struct Regions {
    pub requirements: Vec<Requirement<u32>>,
    pub cells: Vec<u32>,
    /// The number of value classes on each axis.
    pub classes: [usize; 5],
}

impl Regions {
    /// The number of class tuples resolved.
    pub fn tuples(&self) -> usize {
        self.classes.iter().product()
    }
}

/// Resolve every cell of the chain that ends at `layer`.
pub fn resolve_chain(model: &Model, naive: &Naive<'_>, layer: usize) -> Regions {
    let rules: Vec<usize> =
        model.chain(layer).iter().filter_map(|l| model.layers.get(*l)).flat_map(|l| l.rules.iter().copied()).collect();
    let (sizes, count) = shape(model);
    // Per axis: the class of each value, and a representative value of each class.
    let mut class_of: [Vec<usize>; 5] = Default::default();
    let mut reps: [Vec<usize>; 5] = Default::default();
    for (a, size) in sizes.iter().enumerate() {
        let mut seen: HashMap<Vec<bool>, usize> = HashMap::new();
        let (Some(classes), Some(rep)) = (class_of.get_mut(a), reps.get_mut(a)) else { continue };
        for v in 0..*size {
            let column: Vec<bool> = rules
                .iter()
                .map(|r| {
                    model.rules.get(*r).and_then(|x| x.matches.get(a)).and_then(|m| m.get(v)).copied().unwrap_or(false)
                })
                .collect();
            let next = seen.len();
            let class = *seen.entry(column).or_insert_with(|| {
                rep.push(v);
                next
            });
            classes.push(class);
        }
    }
    let counts: [usize; 5] = [0, 1, 2, 3, 4].map(|a| reps.get(a).map_or(0, Vec::len));
    let mut out = Regions { classes: counts, ..Regions::default() };
    let mut interned: HashMap<Requirement<u32>, u32> = HashMap::new();
    let mut table = Vec::with_capacity(out.tuples());
    for_each_point(counts, |_, tuple| {
        let mut point = [0usize; 5];
        for ((p, t), rep) in point.iter_mut().zip(tuple).zip(&reps) {
            *p = rep.get(t).copied().unwrap_or(0);
        }
        let req = naive.requirement(layer, point).unwrap_or_default();
        let next = u32::try_from(interned.len()).unwrap_or(u32::MAX);
        let id = *interned.entry(req.clone()).or_insert_with(|| {
            out.requirements.push(req);
            next
        });
        table.push(id);
    });
    let stride = |a: usize| counts.iter().skip(a + 1).product::<usize>();
    let strides = [stride(0), stride(1), stride(2), stride(3), stride(4)];
    out.cells.reserve(count);
    for_each_point(sizes, |_, point| {
        let mut index = 0;
        for (a, v) in point.iter().enumerate() {
            let class = class_of.get(a).and_then(|c| c.get(*v)).copied().unwrap_or(0);
            index += class * strides.get(a).copied().unwrap_or(0);
        }
        out.cells.push(table.get(index).copied().unwrap_or(0));
    });
    out
}

/// [`resolve_chain`] with the compiler's cache kept: each tuple of classes is turned into
/// its match set (the rules of each layer it matches, as bit words ANDed from per-class
/// masks into a reused buffer: no allocation per tuple), and each distinct match set is
/// resolved once. This is the cost floor of finding the match sets without walking every
/// cell with allocated keys, which is what `Resolver::chain` spends its time on.
pub fn resolve_chain_memo(model: &Model, naive: &Naive<'_>, layer: usize) -> (Regions, usize) {
    let chain_layers: Vec<Vec<usize>> =
        model.chain(layer).iter().filter_map(|l| model.layers.get(*l)).map(|l| l.rules.clone()).collect();
    let rules: Vec<usize> = chain_layers.iter().flatten().copied().collect();
    let (sizes, count) = shape(model);
    let matches = |r: usize, a: usize, v: usize| {
        model.rules.get(r).and_then(|x| x.matches.get(a)).and_then(|m| m.get(v)).copied().unwrap_or(false)
    };
    let mut class_of: [Vec<usize>; 5] = Default::default();
    let mut reps: [Vec<usize>; 5] = Default::default();
    for (a, size) in sizes.iter().enumerate() {
        let mut seen: HashMap<Vec<bool>, usize> = HashMap::new();
        let (Some(classes), Some(rep)) = (class_of.get_mut(a), reps.get_mut(a)) else { continue };
        for v in 0..*size {
            let column: Vec<bool> = rules.iter().map(|r| matches(*r, a, v)).collect();
            let next = seen.len();
            classes.push(*seen.entry(column).or_insert_with(|| {
                rep.push(v);
                next
            }));
        }
    }
    let counts: [usize; 5] = [0, 1, 2, 3, 4].map(|a| reps.get(a).map_or(0, Vec::len));
    // masks[axis][class]: the bit words of every layer of the chain, end to end.
    let words: Vec<usize> = chain_layers.iter().map(|l| l.len().div_ceil(64).max(1)).collect();
    let total: usize = words.iter().sum();
    let masks: Vec<Vec<Vec<u64>>> = (0..5)
        .map(|a| {
            reps.get(a)
                .map(|rs| {
                    rs.iter()
                        .map(|v| {
                            let mut bits = Vec::with_capacity(total);
                            for (layer_rules, w) in chain_layers.iter().zip(&words) {
                                let mut layer_bits = vec![0u64; *w];
                                for (pos, r) in layer_rules.iter().enumerate() {
                                    if matches(*r, a, *v)
                                        && let Some(word) = layer_bits.get_mut(pos / 64)
                                    {
                                        *word |= 1 << (pos % 64);
                                    }
                                }
                                bits.extend(layer_bits);
                            }
                            bits
                        })
                        .collect()
                })
                .unwrap_or_default()
        })
        .collect();
    let mut out = Regions { classes: counts, ..Regions::default() };
    let mut interned: HashMap<Requirement<u32>, u32> = HashMap::new();
    let mut memo: HashMap<Box<[u64]>, u32> = HashMap::new();
    let mut key = vec![0u64; total];
    let mut table = Vec::with_capacity(out.tuples());
    for_each_point(counts, |_, tuple| {
        key.fill(u64::MAX);
        for (a, t) in tuple.iter().enumerate() {
            if let Some(mask) = masks.get(a).and_then(|m| m.get(*t)) {
                for (k, m) in key.iter_mut().zip(mask) {
                    *k &= m;
                }
            }
        }
        let id = match memo.get(key.as_slice()) {
            Some(id) => *id,
            None => {
                let mut point = [0usize; 5];
                for ((p, t), rep) in point.iter_mut().zip(tuple).zip(&reps) {
                    *p = rep.get(t).copied().unwrap_or(0);
                }
                let req = naive.requirement(layer, point).unwrap_or_default();
                let next = u32::try_from(interned.len()).unwrap_or(u32::MAX);
                let id = *interned.entry(req.clone()).or_insert_with(|| {
                    out.requirements.push(req);
                    next
                });
                memo.insert(key.clone().into_boxed_slice(), id);
                id
            }
        };
        table.push(id);
    });
    let stride = |a: usize| counts.iter().skip(a + 1).product::<usize>();
    let strides = [stride(0), stride(1), stride(2), stride(3), stride(4)];
    out.cells.reserve(count);
    for_each_point(sizes, |_, point| {
        let mut index = 0;
        for (a, v) in point.iter().enumerate() {
            index +=
                class_of.get(a).and_then(|c| c.get(*v)).copied().unwrap_or(0) * strides.get(a).copied().unwrap_or(0);
        }
        out.cells.push(table.get(index).copied().unwrap_or(0));
    });
    (out, memo.len())
}
