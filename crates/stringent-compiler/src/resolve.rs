//! Resolution (docs/semantics.md, "Resolution"): for every cell of a chain, the meet of each layer's
//! matching rules, with exceptions, deferral and federal preemption, and the provenance
//! of every dimension.
//!
//! Resolution works by regions, not cell by cell. Values of an axis that every rule of a
//! layer matches alike are interchangeable, so the layer's rules are matched once per
//! tuple of such classes of values (`LayerRegions`), and the tuples where the same rules
//! match form the layer's regions. A chain's classes are those its layers share; each of
//! its tuples takes the region of every layer, and the tuples that take the same ones
//! form a region of the chain, resolved once. A few thousand tuples stand for the 234,080
//! cells, and no step of a check visits every cell; the artifact's per-cell arrays are
//! made from the tuples when it is written.

use crate::model::{Dims, LayerKind, Model, RuleModel};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};
use stringent_policy::artifact::Role;
use stringent_policy::grid::{Grid, RegionIndex, Regions};
use stringent_policy::{Dimension, Permission, Requirement};
use stringent_syntax::Date;

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

/// The index of `x` in `list`, appending it (and indexing it in `ids`) when it is new:
/// indices follow first appearance, so a result does not depend on how it was built.
fn intern<T: Clone + Eq + std::hash::Hash>(ids: &mut FxHashMap<T, u32>, list: &mut Vec<T>, x: T) -> u32 {
    let next = u32::try_from(list.len()).unwrap_or(u32::MAX);
    *ids.entry(x).or_insert_with_key(|x| {
        list.push(x.clone());
        next
    })
}

/// The new index of the previous result's entry `old`, interned through `intern` on its
/// first use and remembered in `map` for the regions after it.
fn intern_kept<T>(map: &mut [Option<u32>], old: u32, previous: &[T], intern: impl FnOnce(&T) -> u32) -> u32 {
    let slot = map.get_mut(old as usize);
    if let Some(Some(id)) = slot.as_deref() {
        return *id;
    }
    let id = previous.get(old as usize).map_or(u32::MAX, intern);
    if let Some(slot) = slot {
        *slot = Some(id);
    }
    id
}

fn set_bit(bits: &mut [u64], i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

fn and_into(out: &mut [u64], a: &[u64], b: &[u64]) {
    for ((o, x), y) in out.iter_mut().zip(a).zip(b) {
        *o = x & y;
    }
}

/// How one rule took part in one cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Inv {
    pub rule: usize,
    pub role: Role,
    pub dims: Dims,
}

/// How one region of a chain resolved: indices into the chain's requirements and
/// provenance lists, and the dimensions the root layer defers there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Region {
    pub requirement: u32,
    pub provenance: u32,
    pub deferred: Dims,
}

/// The resolved policy of one chain, before it is written out.
#[derive(Debug, Clone)]
pub struct ChainResult {
    /// Layer indices, root (federal) first.
    pub chain: Vec<usize>,
    pub requirements: Vec<Requirement<u32>>,
    pub provenance: Vec<Vec<Inv>>,
    /// Per region, in the order of its first cell.
    pub regions: Vec<Region>,
    /// The chain's classes and regions, which do not depend on the date.
    shape: Arc<ChainShape>,
    pub stats: Stats,
    /// Per region of the shape: what it taught about the rules, so that a region resolved
    /// again on another date replaces its own part of `stats` alone.
    region_stats: Vec<Arc<RegionStats>>,
}

impl ChainResult {
    /// The index of the region that holds a point (one value per axis).
    pub fn region_index_at(&self, point: &[u32]) -> Option<usize> {
        self.shape.regions.tuple_region.get(self.shape.classes.index.tuple(point)?).map(|r| *r as usize)
    }

    /// Call `f` once for every tuple of the chain's classes that a pattern
    /// (`matches[axis][value]`) reaches, with the tuple's region and the first cell of the
    /// pattern in it: what holds in one region need not be checked again in each cell.
    pub fn for_each_matched_tuple(&self, matches: &[Vec<bool>], mut f: impl FnMut(usize, usize)) {
        // Per axis, the first value the pattern matches in each class it reaches, by class.
        let counts = self.shape.classes.index.tuples().sizes();
        let firsts: Vec<Vec<u32>> = counts
            .iter()
            .enumerate()
            .map(|(a, count)| {
                let mut firsts: Vec<Option<u32>> = vec![None; *count];
                for (v, _) in matches.get(a).into_iter().flatten().enumerate().filter(|(_, hit)| **hit) {
                    if let (Some(slot @ None), Ok(v)) =
                        (firsts.get_mut(self.shape.classes.class(a, v)), u32::try_from(v))
                    {
                        *slot = Some(v);
                    }
                }
                firsts.into_iter().flatten().collect()
            })
            .collect();
        self.shape.classes.index.cells().for_each_selected(&firsts, |cell, point| {
            if let Some(region) = self.region_index_at(point) {
                f(region, cell);
            }
        });
    }

    /// The regions a pattern (`matches[axis][value]`) reaches, in increasing order. `key`
    /// names the pattern: the answer is kept with the chain's shape, which does not depend
    /// on the date, so that a pattern asked about on many dates is walked once; a caller
    /// must give one key to one pattern only.
    pub fn regions_reached(&self, key: usize, matches: &[Vec<bool>]) -> Arc<[u32]> {
        let known = self.shape.reached.lock().ok().and_then(|m| m.get(&key).cloned());
        if let Some(known) = known {
            return known;
        }
        let mut hit = vec![false; self.regions.len()];
        self.for_each_matched_tuple(matches, |region, _| {
            if let Some(h) = hit.get_mut(region) {
                *h = true;
            }
        });
        let reached: Arc<[u32]> =
            hit.iter().enumerate().filter(|(_, h)| **h).filter_map(|(r, _)| u32::try_from(r).ok()).collect();
        if let Ok(mut m) = self.shape.reached.lock() {
            m.insert(key, Arc::clone(&reached));
        }
        reached
    }

    /// Call `f` once for every tuple of the chain's classes that a pattern
    /// (`matches[axis][value]`) reaches, with the tuple's region and, per axis, the values
    /// of the pattern in the tuple: every cell of that box answers alike, so a
    /// counterexample is made of boxes, not cells.
    /// Only the tuples whose region `wanted` accepts are given, so a walk for the few
    /// regions that break a property builds no box for the others.
    pub fn for_each_matched_box(
        &self,
        matches: &[Vec<bool>],
        wanted: impl Fn(usize) -> bool,
        mut f: impl FnMut(usize, &[Vec<u32>]),
    ) {
        let tuples = self.shape.classes.index.tuples();
        // Per axis, per class: the values of the pattern in it.
        let by_class: Vec<Vec<Vec<u32>>> = tuples
            .sizes()
            .iter()
            .enumerate()
            .map(|(a, count)| {
                let mut by_class: Vec<Vec<u32>> = vec![Vec::new(); *count];
                for (v, _) in matches.get(a).into_iter().flatten().enumerate().filter(|(_, hit)| **hit) {
                    if let (Some(values), Ok(v)) = (by_class.get_mut(self.shape.classes.class(a, v)), u32::try_from(v))
                    {
                        values.push(v);
                    }
                }
                by_class
            })
            .collect();
        let reached: Vec<Vec<u32>> = by_class
            .iter()
            .map(|classes| {
                classes
                    .iter()
                    .enumerate()
                    .filter(|(_, v)| !v.is_empty())
                    .filter_map(|(c, _)| u32::try_from(c).ok())
                    .collect()
            })
            .collect();
        let mut cells: Vec<Vec<u32>> = vec![Vec::new(); by_class.len()];
        tuples.for_each_selected(&reached, |tuple, classes| {
            let Some(region) = self.shape.regions.tuple_region.get(tuple).filter(|r| wanted(**r as usize)) else {
                return;
            };
            for ((out, class), values) in cells.iter_mut().zip(classes).zip(&by_class) {
                out.clone_from(values.get(*class as usize).unwrap_or(&Vec::new()));
            }
            f(*region as usize, &cells);
        });
    }

    /// The region of a cell.
    pub fn region(&self, cell: usize) -> Option<&Region> {
        let tuple = self.shape.classes.index.tuple_at(cell)?;
        self.shape.regions.tuple_region.get(tuple).and_then(|r| self.regions.get(*r as usize))
    }

    /// The requirement of a cell.
    pub fn requirement(&self, cell: usize) -> Option<&Requirement<u32>> {
        self.region(cell).and_then(|r| self.requirements.get(r.requirement as usize))
    }

    /// The provenance of a cell.
    pub fn provenance_of(&self, cell: usize) -> Option<&[Inv]> {
        self.region(cell).and_then(|r| self.provenance.get(r.provenance as usize)).map(Vec::as_slice)
    }

    /// Per cell: the index of its requirement and of its provenance list.
    pub fn cell_indices(&self) -> (Vec<u32>, Vec<u32>) {
        let by_tuple: Vec<(u32, u32)> = self
            .shape
            .regions
            .tuple_region
            .iter()
            .map(|r| self.regions.get(*r as usize).map_or((0, 0), |r| (r.requirement, r.provenance)))
            .collect();
        self.shape.classes.per_cell(&by_tuple).into_iter().unzip()
    }

    /// Per cell: the index of its requirement.
    pub fn cells(&self) -> Vec<u32> {
        self.cell_indices().0
    }

    /// The chain's answers as the artifact stores them: the canonical regions of
    /// `[requirement, provenance]` (see `stringent_policy::grid`).
    pub fn artifact_regions(&self) -> Regions<[u32; 2]> {
        let table = self
            .shape
            .regions
            .tuple_region
            .iter()
            .map(|r| self.regions.get(*r as usize).map_or([0, 0], |r| [r.requirement, r.provenance]))
            .collect();
        Regions::canonical(self.shape.classes.class_of.clone(), table).unwrap_or_default()
    }
}

/// A mandate met a prohibition inside one layer, or a prohibition of a layer between it and
/// federal law (E0300): the rules on each side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    pub mandate: usize,
    pub prohibition: usize,
    pub cell: usize,
}

/// The rules that meet in a cell combine into more ways than a permission keeps
/// (`stringent_policy::MAX_WAY_PRODUCTS`): the answer there would be stricter than the law's
/// meet, so the tree is refused (E0400). The first such cell, and the rules matching it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Overflow {
    pub cell: usize,
    pub rules: Vec<usize>,
}

/// The cells of a model: one axis per axis of its vocabulary, numbered row-major (see
/// `stringent_policy::grid`). The limits keep their number within a `usize`; a model
/// beyond them has the empty grid.
pub fn grid(model: &Model) -> Grid {
    Grid::new(model.axes.iter().map(|a| a.values.len())).unwrap_or_default()
}

/// Call `f` with every point a rule matches (`matches[axis][value]`), and its cell, in
/// cell order, visiting only those: a narrow rule costs a few cells, not the whole space.
pub fn for_each_matched_point(grid: &Grid, matches: &[Vec<bool>], f: impl FnMut(usize, &[u32])) {
    let values: Vec<Vec<u32>> = matches
        .iter()
        .map(|m| m.iter().enumerate().filter(|(_, hit)| **hit).filter_map(|(v, _)| u32::try_from(v).ok()).collect())
        .collect();
    grid.for_each_selected(&values, f);
}

/// What resolution learned about the rules themselves, for the lints.
#[derive(Debug, Clone, Default)]
pub struct Stats {
    /// Rules that decided some dimension of some cell.
    pub won: Vec<bool>,
    /// Rules that matched some cell while in effect.
    pub matched: Vec<bool>,
    /// Mandates meeting prohibitions in one layer, with the first cell where they met.
    pub conflicts: BTreeMap<(usize, usize), Conflict>,
    /// The first cell whose rules meet into too many ways.
    pub overflow: Option<Overflow>,
}

/// What one region of a chain taught about the rules: its part of the chain's [`Stats`].
#[derive(Debug, Clone, Default)]
struct RegionStats {
    matched: Vec<usize>,
    won: Vec<usize>,
    conflicts: Vec<Conflict>,
    overflow: Option<Overflow>,
}

impl Stats {
    fn new(rules: usize) -> Self {
        Stats { won: vec![false; rules], matched: vec![false; rules], conflicts: BTreeMap::new(), overflow: None }
    }

    /// The statistics of a chain from those of its regions, in region order (a conflict
    /// keeps the first cell where it was met).
    fn of_regions(rules: usize, regions: &[Arc<RegionStats>]) -> Self {
        let mut out = Stats::new(rules);
        for r in regions {
            for (list, flags) in [(&r.matched, &mut out.matched), (&r.won, &mut out.won)] {
                for i in list {
                    if let Some(flag) = flags.get_mut(*i) {
                        *flag = true;
                    }
                }
            }
            for c in &r.conflicts {
                out.conflicts.entry((c.mandate, c.prohibition)).or_insert_with(|| c.clone());
            }
            out.overflow = first(out.overflow.take(), r.overflow.as_ref());
        }
        out
    }

    /// Merge the statistics of several chains; the result does not depend on their order.
    pub fn merge<'a>(rules: usize, all: impl IntoIterator<Item = &'a Stats>) -> Stats {
        let mut out = Stats::new(rules);
        for s in all {
            for (o, x) in out.won.iter_mut().zip(&s.won) {
                *o |= *x;
            }
            for (o, x) in out.matched.iter_mut().zip(&s.matched) {
                *o |= *x;
            }
            for (k, c) in &s.conflicts {
                let e = out.conflicts.entry(*k).or_insert_with(|| c.clone());
                if c.cell < e.cell {
                    *e = c.clone();
                }
            }
            out.overflow = first(out.overflow.take(), s.overflow.as_ref());
        }
        out
    }
}

/// The overflow of the lower cell, so that the one reported does not depend on order.
fn first(kept: Option<Overflow>, other: Option<&Overflow>) -> Option<Overflow> {
    match (kept, other) {
        (Some(k), Some(o)) if o < &k => Some(o.clone()),
        (None, Some(o)) => Some(o.clone()),
        (k, _) => k,
    }
}

/// The values of one axis, grouped by which rules of a layer match them.
struct AxisClasses {
    /// Per value: its class, numbered in the order of their first value.
    class_of: Vec<u32>,
    /// Per class: the rules (by position in the layer) that match its values.
    masks: Vec<Box<[u64]>>,
}

impl AxisClasses {
    fn new(model: &Model, rules: &[usize], words: usize, axis: usize, size: usize) -> Self {
        let mut seen: FxHashMap<Box<[u64]>, u32> = FxHashMap::default();
        let mut out = AxisClasses { class_of: Vec::with_capacity(size), masks: Vec::new() };
        for v in 0..size {
            let mut mask = vec![0u64; words].into_boxed_slice();
            for (pos, r) in rules.iter().enumerate() {
                let hit = model.rules.get(*r).and_then(|x| x.matches.get(axis)).and_then(|m| m.get(v));
                if hit == Some(&true) {
                    set_bit(&mut mask, pos);
                }
            }
            let next = u32::try_from(out.masks.len()).unwrap_or(u32::MAX);
            let class = *seen.entry(mask).or_insert_with_key(|m| {
                out.masks.push(m.clone());
                next
            });
            out.class_of.push(class);
        }
        out
    }
}

/// Classes of values on each axis, and the row-major numbering of their tuples and of the
/// cells (`stringent_policy::grid::RegionIndex`). Classes are numbered in the order of
/// their first value, so the tuples in row-major order meet the cells' regions in the
/// order the cells do.
#[derive(Debug, Clone, Default)]
struct Classes {
    /// Per axis, per value: its class.
    class_of: Vec<Vec<u32>>,
    /// The numbering of the tuples of classes and of the cells.
    index: RegionIndex,
}

impl Classes {
    fn new(class_of: Vec<Vec<u32>>) -> Self {
        // A few thousand tuples of at most the cells' number: they are counted.
        let index = RegionIndex::of_classes(&class_of).unwrap_or_default();
        Classes { class_of, index }
    }

    /// The classes that every one of several groupings keeps apart, with the first value
    /// of each (its representative), per axis.
    fn meet<'a>(all: impl Iterator<Item = &'a Classes> + Clone, sizes: &[usize]) -> (Classes, Vec<Vec<usize>>) {
        let mut reps: Vec<Vec<usize>> = vec![Vec::new(); sizes.len()];
        let mut class_of: Vec<Vec<u32>> = vec![Vec::new(); sizes.len()];
        for (a, ((size, out), rep)) in sizes.iter().zip(&mut class_of).zip(&mut reps).enumerate() {
            let mut seen: FxHashMap<Vec<u32>, u32> = FxHashMap::default();
            for v in 0..*size {
                let key: Vec<u32> =
                    all.clone().map(|c| c.class_of.get(a).and_then(|x| x.get(v)).copied().unwrap_or(0)).collect();
                let next = u32::try_from(rep.len()).unwrap_or(u32::MAX);
                out.push(*seen.entry(key).or_insert_with(|| {
                    rep.push(v);
                    next
                }));
            }
        }
        (Classes::new(class_of), reps)
    }

    fn class(&self, axis: usize, value: usize) -> usize {
        self.class_of.get(axis).and_then(|c| c.get(value)).map_or(0, |c| *c as usize)
    }

    fn tuples(&self) -> usize {
        self.index.tuples().len()
    }

    /// These classes of the representative values of other classes: the same numbering of
    /// tuples, over the other classes instead of the values (each of these classes has a
    /// representative, as the other classes refine them).
    fn at(&self, reps: &[Vec<usize>]) -> Classes {
        let class_of = (0..self.class_of.len())
            .map(|a| reps.get(a).map_or_else(Vec::new, |r| r.iter().map(|v| self.class(a, *v) as u32).collect()))
            .collect();
        Classes::new(class_of)
    }

    /// The cell of the representative values of a tuple; `point` is a buffer of one slot
    /// per axis.
    fn first_cell(&self, tuple: usize, reps: &[Vec<usize>], cells: &Grid, point: &mut [u32]) -> usize {
        self.index.tuples().point_into(tuple, point);
        for (p, r) in point.iter_mut().zip(reps) {
            *p = r.get(*p as usize).and_then(|v| u32::try_from(*v).ok()).unwrap_or(0);
        }
        cells.index(point).unwrap_or(0)
    }

    /// Per cell, in cell order: the entry of `by_tuple` for the cell's tuple.
    fn per_cell<T: Copy + Default>(&self, by_tuple: &[T]) -> Vec<T> {
        let mut out = Vec::with_capacity(self.index.cells().len());
        self.index.for_each_cell(|t| out.push(by_tuple.get(t).copied().unwrap_or_default()));
        out
    }
}

/// The rules of a layer that match in one of its regions, by the roles that do not depend
/// on the chain (out of effect on the date, set aside by another matching rule's
/// `excepts`, or in effect), and what the rules in effect require together.
#[derive(Debug, Default)]
struct LayerMatch {
    inactive: Vec<usize>,
    excepted: Vec<usize>,
    effective: Vec<usize>,
    /// The meet of the effective rules.
    meet: Requirement<u32>,
    /// The dimensions the effective rules set.
    sets: Dims,
    /// The effective rules that defer dimensions to lower layers (in the root layer), the
    /// meet of the others, and the dimensions deferred.
    deferring: Vec<usize>,
    firm: Requirement<u32>,
    deferred: Dims,
}

impl LayerMatch {
    fn new(model: &Model, rules: &[usize], bits: &[u64], as_of: Date) -> Self {
        let rule = |r: &usize| model.rules.get(*r);
        let matched = rules.iter().enumerate().filter(|(i, _)| bit(bits, *i)).map(|(_, r)| *r);
        let (active, inactive): (Vec<usize>, Vec<usize>) =
            matched.partition(|r| rule(r).is_some_and(|x| x.active_on(as_of)));
        // What the active rules except (a rule never excepts itself).
        let mut named: Vec<usize> = active
            .iter()
            .filter_map(|o| rule(o).map(|x| (o, x)))
            .flat_map(|(o, x)| x.excepts.iter().filter(move |e| *e != o).copied())
            .collect();
        named.sort_unstable();
        named.dedup();
        let (excepted, effective): (Vec<usize>, Vec<usize>) =
            active.into_iter().partition(|r| named.binary_search(r).is_ok());
        let (deferring, firm): (Vec<usize>, Vec<usize>) =
            effective.iter().partition(|r| rule(r).is_some_and(|x| !x.defers.is_empty()));
        let firm = meet_all(model, &firm);
        LayerMatch {
            meet: firm.meet(&meet_all(model, &deferring)),
            sets: effective.iter().filter_map(rule).fold(Dims::default(), |acc, r| acc.union(r.sets)),
            deferred: deferring.iter().filter_map(rule).fold(Dims::default(), |acc, r| acc.union(r.defers)),
            firm,
            deferring,
            inactive,
            excepted,
            effective,
        }
    }
}

/// The meet of the requirements of some rules.
fn meet_all(model: &Model, rules: &[usize]) -> Requirement<u32> {
    rules.iter().filter_map(|r| model.rules.get(*r)).fold(Requirement::default(), |acc, r| acc.meet(&r.requirement))
}

/// Where the rules of one layer match, on any date: the layer's regions, each with its own
/// set of matching rules, and the region of every tuple of the layer's classes of values.
/// Rules match by their patterns alone, whether or not they are in force, so this is
/// computed once per layer and only which of a region's rules are in force is asked again
/// on another date (`LayerRegions::on`).
#[derive(Debug)]
struct LayerGrid {
    classes: Classes,
    /// Per tuple of classes, row-major: the index of its region.
    tuple_set: Vec<u32>,
    /// Per region of the layer: the rules that match there, as bits over the layer's rules.
    rules: Vec<Box<[u64]>>,
}

/// One layer's regions on one date: per region, its rules by the roles the date gives them.
struct LayerRegions {
    grid: Arc<LayerGrid>,
    /// Per region of the layer: its rules.
    sets: Vec<LayerMatch>,
}

impl LayerRegions {
    fn new(model: &Model, layer: usize, as_of: Date) -> Self {
        Self::on(Arc::new(LayerGrid::new(model, layer)), model, layer, as_of)
    }

    /// The regions of a layer's grid on a date.
    fn on(grid: Arc<LayerGrid>, model: &Model, layer: usize, as_of: Date) -> Self {
        let rules: &[usize] = model.layers.get(layer).map_or(&[], |l| &l.rules);
        let sets = grid.rules.iter().map(|bits| LayerMatch::new(model, rules, bits, as_of)).collect();
        LayerRegions { grid, sets }
    }
}

impl LayerGrid {
    fn new(model: &Model, layer: usize) -> Self {
        let rules: &[usize] = model.layers.get(layer).map_or(&[], |l| &l.rules);
        let words = rules.len().div_ceil(64).max(1);
        let axes: Vec<AxisClasses> = grid(model)
            .sizes()
            .iter()
            .enumerate()
            .map(|(axis, size)| AxisClasses::new(model, rules, words, axis, *size))
            .collect();

        // Each tuple of classes: the rules matching on every axis, ANDed into reused
        // buffers axis by axis and interned, in row-major order of the tuples.
        // `levels[a]` holds the rules matching the tuple's classes of axes 0..=a: a step
        // of the tuples recomputes the levels from the first axis that changed.
        let tuples = Grid::new(axes.iter().map(|a| a.masks.len())).unwrap_or_default();
        let mut tuple_set: Vec<u32> = Vec::with_capacity(tuples.len());
        let mut interned: FxHashMap<Box<[u64]>, u32> = FxHashMap::default();
        let mut sets: Vec<Box<[u64]>> = Vec::new();
        let mut all = vec![0u64; words];
        for pos in 0..rules.len() {
            set_bit(&mut all, pos);
        }
        let mut levels: Vec<Vec<u64>> = vec![vec![0u64; words]; axes.len()];
        tuples.for_each_step(|_, point, changed| {
            for a in changed..axes.len() {
                let (done, rest) = levels.split_at_mut(a);
                let (Some(level), Some(mask)) =
                    (rest.first_mut(), point.get(a).and_then(|c| axes.get(a)?.masks.get(*c as usize)))
                else {
                    continue;
                };
                and_into(level, done.last().unwrap_or(&all), mask);
            }
            let key = levels.last().unwrap_or(&all);
            let id = match interned.get(key.as_slice()) {
                Some(id) => *id,
                None => {
                    let id = u32::try_from(sets.len()).unwrap_or(u32::MAX);
                    let key: Box<[u64]> = key.clone().into_boxed_slice();
                    sets.push(key.clone());
                    interned.insert(key, id);
                    id
                }
            };
            tuple_set.push(id);
        });
        let classes = Classes::new(axes.into_iter().map(|c| c.class_of).collect());
        LayerGrid { classes, tuple_set, rules: sets }
    }
}

/// A chain's regions: the intersections of its layers' regions over the chain's tuples of
/// classes, numbered in the order of their first tuple, so that requirements and
/// provenance are numbered as the cells meet them.
#[derive(Debug, Default)]
struct Intersection {
    /// Per tuple: its region.
    tuple_region: Vec<u32>,
    /// Per region: the region of each layer intersected so far.
    sets: Vec<Vec<u32>>,
    /// Per region: its first tuple.
    first: Vec<usize>,
}

impl Intersection {
    /// All tuples, one region.
    fn whole(tuples: usize) -> Self {
        Intersection { tuple_region: vec![0; tuples], sets: vec![Vec::new()], first: vec![0] }
    }

    /// One layer's regions, numbered as the layer numbers them: a start to cut further.
    fn layer(tuple_region: Vec<u32>, width: usize) -> Self {
        let sets = (0..width).map(|s| vec![u32::try_from(s).unwrap_or(u32::MAX)]).collect();
        Intersection { tuple_region, sets, first: vec![0; width] }
    }

    /// Cut every region by the regions of one more layer: `layer_sets` holds the layer's
    /// region for each tuple, `width` the number of the layer's regions.
    fn refine(&self, layer_sets: &[u32], width: usize) -> Self {
        let mut table = PairTable::new(self.sets.len(), width);
        let mut out = Intersection { tuple_region: Vec::with_capacity(self.tuple_region.len()), ..Self::default() };
        for (tuple, (r, s)) in self.tuple_region.iter().zip(layer_sets).enumerate() {
            let key = *r as usize * width + *s as usize;
            let id = table.get_or_insert(key, || {
                let mut sets = self.sets.get(*r as usize).cloned().unwrap_or_default();
                sets.push(*s);
                out.sets.push(sets);
                out.first.push(tuple);
                u32::try_from(out.sets.len() - 1).unwrap_or(u32::MAX)
            });
            out.tuple_region.push(id);
        }
        out
    }
}

/// Region ids by pair of regions: an array when it is small enough, else a hash map.
enum PairTable {
    Dense(Vec<u32>),
    Sparse(FxHashMap<usize, u32>),
}

impl PairTable {
    /// Pair tables up to this many entries are arrays.
    const DENSE_LIMIT: usize = 1 << 22;

    fn new(rows: usize, width: usize) -> Self {
        match rows.checked_mul(width).filter(|n| *n <= Self::DENSE_LIMIT) {
            Some(n) => PairTable::Dense(vec![u32::MAX; n]),
            None => PairTable::Sparse(FxHashMap::default()),
        }
    }

    fn get_or_insert(&mut self, key: usize, new: impl FnOnce() -> u32) -> u32 {
        match self {
            PairTable::Dense(slots) => match slots.get_mut(key) {
                Some(slot) if *slot == u32::MAX => {
                    *slot = new();
                    *slot
                }
                Some(slot) => *slot,
                None => new(),
            },
            PairTable::Sparse(map) => *map.entry(key).or_insert_with(new),
        }
    }
}

/// A chain's classes of values and regions: where its layers' regions meet. It depends on
/// the layers' grids alone, not on the date.
#[derive(Debug)]
struct ChainShape {
    /// The values that every layer of the chain treats alike.
    classes: Classes,
    /// Per tuple of classes, row-major: its region; per region: the region of each layer
    /// and its first tuple.
    regions: Intersection,
    /// Per region: its first cell, named in conflicts.
    first_cells: Vec<usize>,
    /// The regions patterns reach, by the key their caller gave (see
    /// [`ChainResult::regions_reached`]): kept with the shape, which outlives a date.
    reached: std::sync::Mutex<FxHashMap<usize, Arc<[u32]>>>,
}

impl ChainShape {
    fn new(model: &Model, layers: &[&LayerRegions]) -> Self {
        let cells = grid(model);
        let (classes, reps) = Classes::meet(layers.iter().map(|l| &l.grid.classes), cells.sizes());
        // Each tuple of the chain's classes lies in one region of each layer; the tuples
        // that lie in the same ones form a region of the chain.
        // The last cut numbers the regions in order of first tuple; a chain of one layer
        // is cut once from the whole.
        let mut per_layer =
            layers.iter().map(|l| (l.grid.classes.at(&reps).per_cell(&l.grid.tuple_set), l.grid.rules.len()));
        let regions = match per_layer.next() {
            Some((sets, width)) if layers.len() > 1 => {
                per_layer.fold(Intersection::layer(sets, width), |acc, (sets, width)| acc.refine(&sets, width))
            }
            Some((sets, width)) => Intersection::whole(classes.tuples()).refine(&sets, width),
            None => Intersection::whole(classes.tuples()),
        };
        let mut point = vec![0u32; cells.axes()];
        let first_cells = regions.first.iter().map(|t| classes.first_cell(*t, &reps, &cells, &mut point)).collect();
        ChainShape { classes, regions, first_cells, reached: Default::default() }
    }
}

/// Resolves chains of one model as of one date. Shared by threads: each chain is
/// resolved on its own, with its own statistics.
pub struct Resolver<'m> {
    model: &'m Model,
    /// Per layer: its regions; `None` for a layer no requested chain holds.
    layers: Vec<Option<Arc<LayerRegions>>>,
    /// Per layer: its grid, once computed by this resolver or one of an earlier date.
    grids: Vec<Option<Arc<LayerGrid>>>,
    /// Per layer: the shape of the chain that ends there, once computed. Shapes depend on
    /// the layers' grids alone, so a resolver of another date passes them on.
    shapes: Vec<OnceLock<Arc<ChainShape>>>,
    /// Per rule: its position in the order of rule ids, which provenance is sorted by.
    rank: Vec<usize>,
}

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model, as_of: Date) -> Self {
        Self::with_layers(model, as_of, &vec![true; model.layers.len()])
    }

    /// A resolver for the chains that end at `ends` only: the regions of other layers are
    /// not computed, and [`Resolver::chain`] must be asked for none of their chains.
    pub fn for_chains(model: &'m Model, as_of: Date, ends: &[usize]) -> Self {
        let mut needed = vec![false; model.layers.len()];
        for l in ends.iter().flat_map(|e| model.chain(*e)) {
            if let Some(n) = needed.get_mut(l) {
                *n = true;
            }
        }
        Self::with_layers(model, as_of, &needed)
    }

    /// Take on the shapes of chains already resolved on this model (by `compile`): a
    /// result among them is then reused region by region by [`Resolver::chain_after`], as
    /// if this resolver had made it. A shape depends on the model alone.
    pub fn with_shapes_of<'a>(self, chains: impl IntoIterator<Item = &'a ChainResult>) -> Self {
        for ch in chains {
            if let Some(slot) = ch.chain.last().and_then(|l| self.shapes.get(*l)) {
                // A slot already set holds the same shape, computed from the same model.
                let _ = slot.set(Arc::clone(&ch.shape));
            }
        }
        self
    }

    fn with_layers(model: &'m Model, as_of: Date, needed: &[bool]) -> Self {
        Self::reusing(model, as_of, needed, None, &[])
    }

    /// A resolver for the chains that end at `ends`, as of `as_of`, that takes from
    /// `previous` (a resolver of the same model on another date) the regions of every layer
    /// not marked in `changed`: a layer's regions depend on the date only through which of
    /// its rules are in force, so `prove` computes again only the layers whose rules start
    /// or end between the two dates.
    pub fn for_chains_after(
        model: &'m Model,
        as_of: Date,
        ends: &[usize],
        previous: &Resolver<'m>,
        changed: &[bool],
    ) -> Self {
        let mut needed = vec![false; model.layers.len()];
        for l in ends.iter().flat_map(|e| model.chain(*e)) {
            if let Some(n) = needed.get_mut(l) {
                *n = true;
            }
        }
        Self::reusing(model, as_of, &needed, Some(previous), changed)
    }

    fn reusing(
        model: &'m Model,
        as_of: Date,
        needed: &[bool],
        previous: Option<&Resolver<'m>>,
        changed: &[bool],
    ) -> Self {
        let layers = (0..model.layers.len())
            .into_par_iter()
            .map(|l| {
                if !needed.get(l).copied().unwrap_or(false) {
                    return None;
                }
                let kept = previous.and_then(|p| p.layers.get(l).cloned().flatten());
                let grid = previous.and_then(|p| p.grids.get(l).cloned().flatten());
                Some(match (kept, grid) {
                    (Some(k), _) if !changed.get(l).copied().unwrap_or(true) => k,
                    (_, Some(g)) => Arc::new(LayerRegions::on(g, model, l, as_of)),
                    (_, None) => Arc::new(LayerRegions::new(model, l, as_of)),
                })
            })
            .collect::<Vec<_>>();
        let grids = (0..model.layers.len())
            .map(|l| match layers.get(l).and_then(Option::as_ref) {
                Some(regions) => Some(Arc::clone(&regions.grid)),
                None => previous.and_then(|p| p.grids.get(l).cloned().flatten()),
            })
            .collect();
        let shapes = (0..model.layers.len())
            .map(|l| match previous.and_then(|p| p.shapes.get(l)?.get()) {
                Some(shape) => OnceLock::from(Arc::clone(shape)),
                None => OnceLock::new(),
            })
            .collect();
        let rank = match previous {
            Some(p) => p.rank.clone(),
            None => {
                let mut by_id: Vec<usize> = (0..model.rules.len()).collect();
                by_id.sort_by(|a, b| {
                    let id = |r: &usize| model.rules.get(*r).map_or("", |x| x.id.as_str());
                    id(a).cmp(id(b))
                });
                let mut rank = vec![0; model.rules.len()];
                for (pos, r) in by_id.into_iter().enumerate() {
                    if let Some(slot) = rank.get_mut(r) {
                        *slot = pos;
                    }
                }
                rank
            }
        };
        Resolver { model, layers, grids, shapes, rank }
    }

    /// Resolve every cell of the chain that ends at `layer`.
    pub fn chain(&self, layer: usize) -> ChainResult {
        self.chain_after(layer, None)
    }

    /// Resolve the chain that ends at `layer`, taking from `previous` (the same chain
    /// resolved by a resolver of another date, and per rule of the model whether it starts
    /// or ends between the two dates) every region where no rule that matches there
    /// changed: a region's answer depends on the date only through which of its rules are
    /// in force (docs/semantics.md, "Proofs").
    pub fn chain_after(&self, layer: usize, previous: Option<(&ChainResult, &[bool])>) -> ChainResult {
        let chain = self.model.chain(layer);
        let layers: Vec<&LayerRegions> =
            chain.iter().filter_map(|l| self.layers.get(*l).and_then(Option::as_deref)).collect();
        let shape = match self.shapes.get(layer) {
            Some(once) => Arc::clone(once.get_or_init(|| Arc::new(ChainShape::new(self.model, &layers)))),
            None => Arc::new(ChainShape::new(self.model, &layers)),
        };
        let previous = previous.filter(|(p, _)| Arc::ptr_eq(&p.shape, &shape) && p.chain == chain);
        // Per layer of the chain, per region of the layer: whether a rule matching there
        // changed (every region, without a previous result). The changed rules of a layer
        // as bits over its rules, so that each region costs a few word operations.
        let touched: Vec<Vec<bool>> = layers
            .iter()
            .zip(&chain)
            .map(|(l, at)| match previous {
                None => vec![true; l.grid.rules.len()],
                Some((_, changed)) => {
                    let rules: &[usize] = self.model.layers.get(*at).map_or(&[], |x| &x.rules);
                    let mut changed_bits = vec![0u64; rules.len().div_ceil(64)];
                    for (pos, r) in rules.iter().enumerate() {
                        if changed.get(*r).copied().unwrap_or(true) {
                            set_bit(&mut changed_bits, pos);
                        }
                    }
                    l.grid.rules.iter().map(|bits| bits.iter().zip(&changed_bits).any(|(b, c)| b & c != 0)).collect()
                }
            })
            .collect();
        let mut out = ChainResult {
            chain,
            requirements: Vec::new(),
            provenance: Vec::new(),
            regions: Vec::with_capacity(shape.regions.sets.len()),
            shape: Arc::clone(&shape),
            stats: Stats::default(),
            region_stats: Vec::with_capacity(shape.regions.sets.len()),
        };
        // Federal law defers to *state* law (164.502(g)(3)(ii)): only a state layer replaces a
        // deferred dimension; an organization meets with the chain above it like any layer.
        let replaces: Vec<bool> = out
            .chain
            .iter()
            .map(|l| self.model.layers.get(*l).is_some_and(|x| LayerKind::of(&x.id) == LayerKind::State))
            .collect();
        let mut req_ids: FxHashMap<Requirement<u32>, u32> = FxHashMap::default();
        let mut prov_ids: FxHashMap<Vec<Inv>, u32> = FxHashMap::default();
        // A kept region's requirement and provenance by their index in the previous result:
        // each distinct one is cloned and interned once, not once per region.
        let mut kept_req: Vec<Option<u32>> = vec![None; previous.map_or(0, |(p, _)| p.requirements.len())];
        let mut kept_prov: Vec<Option<u32>> = vec![None; previous.map_or(0, |(p, _)| p.provenance.len())];
        for (i, (sets, first)) in shape.regions.sets.iter().zip(&shape.first_cells).enumerate() {
            let stale = sets.iter().zip(&touched).any(|(s, t)| t.get(*s as usize).copied().unwrap_or(true));
            let kept =
                previous.filter(|_| !stale).and_then(|(p, _)| Some((p, p.regions.get(i)?, p.region_stats.get(i)?)));
            let (requirement, provenance, deferred, stats) = match kept {
                Some((p, region, stats)) => {
                    let requirement = intern_kept(&mut kept_req, region.requirement, &p.requirements, |req| {
                        intern(&mut req_ids, &mut out.requirements, req.clone())
                    });
                    let provenance = intern_kept(&mut kept_prov, region.provenance, &p.provenance, |prov| {
                        intern(&mut prov_ids, &mut out.provenance, prov.clone())
                    });
                    (requirement, provenance, region.deferred, Arc::clone(stats))
                }
                None => {
                    let mut stats = RegionStats::default();
                    let (req, prov, deferred) = self.region(&layers, &replaces, sets, *first, &mut stats);
                    let requirement = intern(&mut req_ids, &mut out.requirements, req);
                    let provenance = intern(&mut prov_ids, &mut out.provenance, prov);
                    (requirement, provenance, deferred, Arc::new(stats))
                }
            };
            out.regions.push(Region { requirement, provenance, deferred });
            out.region_stats.push(stats);
        }
        out.stats = Stats::of_regions(self.model.rules.len(), &out.region_stats);
        out
    }

    fn rule(&self, r: usize) -> Option<&'m RuleModel> {
        self.model.rules.get(r)
    }

    /// Resolve one region of a chain from the region of each layer; `cell` is its first
    /// cell, named in conflicts.
    fn region(
        &self,
        layers: &[&LayerRegions],
        replaces: &[bool],
        sets: &[u32],
        cell: usize,
        stats: &mut RegionStats,
    ) -> (Requirement<u32>, Vec<Inv>, Dims) {
        let empty = LayerMatch::default();
        let matches: Vec<&LayerMatch> =
            layers.iter().zip(sets).map(|(l, s)| l.sets.get(*s as usize).unwrap_or(&empty)).collect();
        let mut invs: Vec<(usize, Inv)> = Vec::new();
        for (pos, m) in matches.iter().enumerate() {
            invs.extend(m.inactive.iter().map(|r| (pos, self.inv(*r, Role::Inactive))));
            invs.extend(m.excepted.iter().map(|r| (pos, self.inv(*r, Role::Excepted))));
            stats.matched.extend(m.effective.iter().copied());
        }

        // The root layer: what it decides firmly, and the rules that defer to lower layers.
        // A deferring rule is the federal default "where state law is silent": where a
        // lower layer sets any dimension it defers, the whole rule steps aside.
        let root = matches.first().copied().unwrap_or(&empty);
        let root_alone = &root.meet;
        self.conflict_check(&root.effective, root_alone, cell, stats);

        // Lower layers: federal law overrides a restriction of a mandated disclosure
        // (45 CFR 160.202(1)(ii)) and a mandate of a prohibited one (42 CFR 2.20).
        let mut effective: Vec<Cow<'_, [usize]>> = vec![Cow::Borrowed(root.effective.as_slice())];
        let mut replaced = Dims::default();
        let mut result = root.firm.clone();
        for (pos, m) in matches.iter().enumerate().skip(1) {
            // A rule that sets a dimension the root defers makes the deferring rules step
            // aside, so only the root's firm rules can override it (164.502(g)(3)(ii)(B):
            // state law may prohibit a parent's access the federal default grants).
            let is_overridden = |r: &usize| {
                self.rule(*r).is_some_and(|rule| {
                    let federal = if rule.sets.0 & root.deferred.0 != 0 { &root.firm } else { root_alone };
                    overridden(rule, federal)
                })
            };
            let (kept, layer_result, sets) = if m.effective.iter().any(is_overridden) {
                let (preempted, kept): (Vec<usize>, Vec<usize>) = m.effective.iter().partition(|r| is_overridden(r));
                invs.extend(preempted.into_iter().map(|r| (pos, self.inv(r, Role::Preempted))));
                let sets = kept.iter().filter_map(|r| self.rule(*r)).fold(Dims::default(), |a, r| a.union(r.sets));
                let layer_result = meet_all(self.model, &kept);
                (Cow::Owned(kept), Cow::Owned(layer_result), sets)
            } else {
                (Cow::Borrowed(m.effective.as_slice()), Cow::Borrowed(&m.meet), m.sets)
            };
            if replaces.get(pos).copied().unwrap_or(false) {
                replaced = replaced.union(Dims(sets.0 & root.deferred.0));
            }
            if !kept.is_empty() {
                self.conflict_check(&kept, &layer_result, cell, stats);
                // A layer under a state (an organization) mandating what a layer between it
                // and federal law prohibits: no layer's policy can require what the law
                // above it forbids, so it is the same error as within one layer (federal
                // prohibitions preempt instead, above).
                if pos >= 2 && layer_result.mandatory && result.permission.is_prohibited() {
                    let prohibiting: Vec<usize> = effective
                        .iter()
                        .skip(1)
                        .flat_map(|e| e.iter().copied())
                        .filter(|r| self.rule(*r).is_some_and(|x| x.requirement.permission.is_prohibited()))
                        .collect();
                    for m in kept.iter().copied().filter(|r| self.rule(*r).is_some_and(|x| x.requirement.mandatory)) {
                        for p in &prohibiting {
                            stats.conflicts.push(Conflict { mandate: m, prohibition: *p, cell });
                        }
                    }
                }
                result = result.meet(&layer_result);
            }
            effective.push(kept);
        }
        let (stepped_aside, still_deferring): (Vec<usize>, Vec<usize>) =
            root.deferring.iter().partition(|r| self.rule(**r).is_some_and(|x| x.defers.0 & replaced.0 != 0));
        if !still_deferring.is_empty() {
            result = result.meet(&meet_all(self.model, &still_deferring));
        }
        if !stepped_aside.is_empty() {
            invs.extend(stepped_aside.iter().map(|r| (0, self.inv(*r, Role::Deferred))));
            if let Some(root) = effective.first_mut() {
                root.to_mut().retain(|r| !stepped_aside.contains(r));
            }
        }

        for (pos, eff) in effective.iter().enumerate() {
            for r in eff.iter() {
                let Some(rule) = self.rule(*r) else { continue };
                let (won, met) = rule.sets.iter().fold((Dims::default(), Dims::default()), |(won, met), d| {
                    if decides(&rule.requirement, d, &result) { (won.with(d), met) } else { (won, met.with(d)) }
                });
                if !won.is_empty() {
                    stats.won.push(*r);
                }
                for (role, dims) in [(Role::Won, won), (Role::Met, met)] {
                    if !dims.is_empty() {
                        invs.push((pos, Inv { rule: *r, role, dims }));
                    }
                }
            }
        }
        self.credit_exceptions(&matches, &effective, &result, stats);
        if result.permission.overflowed() && stats.overflow.is_none() {
            let rules = effective.iter().flat_map(|e| e.iter().copied()).collect();
            stats.overflow = Some(Overflow { cell, rules });
        }
        self.credit_joint_permission(&effective, &result, &mut invs, stats);
        invs.sort_by_key(|(pos, i)| (*pos, self.rank.get(i.rule).copied().unwrap_or(usize::MAX), i.role));
        (result, invs.into_iter().map(|(_, i)| i).collect(), root.deferred)
    }

    /// A rule in effect whose `excepts` sets aside a rule that would have made the answer
    /// stricter has decided by setting it aside: it is no dead rule (W0002, `prove`), though
    /// its own requirement is met by stricter ones (a state's exception to its closed list,
    /// where federal law asks as much as the exception leaves). The answer still cites the
    /// rules whose requirements it holds.
    fn credit_exceptions(
        &self,
        matches: &[&LayerMatch],
        effective: &[Cow<'_, [usize]>],
        result: &Requirement<u32>,
        stats: &mut RegionStats,
    ) {
        let excepted: Vec<usize> = matches.iter().flat_map(|m| m.excepted.iter().copied()).collect();
        if excepted.is_empty() {
            return;
        }
        let stricter = |s: &usize| self.rule(*s).is_some_and(|x| &result.meet(&x.requirement) != result);
        for r in effective.iter().flat_map(|e| e.iter()) {
            if self.rule(*r).is_some_and(|x| x.excepts.iter().any(|s| excepted.contains(s) && stricter(s))) {
                stats.won.push(*r);
            }
        }
    }

    /// The meet of several rules' ways can equal no one rule's permission (authorization,
    /// or none in an emergency, from two rules): then each rule without which the permission
    /// would differ has decided it jointly, and is credited as `won` there (docs/semantics.md,
    /// "Provenance"), so that no answer's permission is left with no rule to cite.
    fn credit_joint_permission(
        &self,
        effective: &[Cow<'_, [usize]>],
        result: &Requirement<u32>,
        invs: &mut Vec<(usize, Inv)>,
        stats: &mut RegionStats,
    ) {
        let p = Dimension::Permission;
        if invs.iter().any(|(_, i)| i.role == Role::Won && i.dims.has(p)) {
            return;
        }
        let setters: Vec<usize> = effective
            .iter()
            .flat_map(|eff| eff.iter().copied())
            .filter(|r| self.rule(*r).is_some_and(|x| x.sets.has(p)))
            .collect();
        let permission_of = |r: usize| self.rule(r).map(|x| &x.requirement.permission);
        for r in &setters {
            let without = setters
                .iter()
                .filter(|o| *o != r)
                .filter_map(|o| permission_of(*o))
                .fold(Permission::any(), |acc, x| acc.meet(x));
            if without == result.permission {
                continue;
            }
            let Some(met) = invs.iter().position(|(_, i)| i.rule == *r && i.role == Role::Met && i.dims.has(p)) else {
                continue;
            };
            let Some((pos, inv)) = invs.get_mut(met) else { continue };
            let pos = *pos;
            inv.dims = inv.dims.without(p);
            if inv.dims.is_empty() {
                invs.remove(met);
            }
            match invs.iter_mut().find(|(_, i)| i.rule == *r && i.role == Role::Won) {
                Some((_, won)) => won.dims = won.dims.with(p),
                None => invs.push((pos, Inv { rule: *r, role: Role::Won, dims: Dims::default().with(p) })),
            }
            // Decided jointly is decided: the rule is no dead rule (W0002, `prove`).
            stats.won.push(*r);
        }
    }

    /// A rule taking part with every dimension it sets.
    fn inv(&self, r: usize, role: Role) -> Inv {
        Inv { rule: r, role, dims: self.rule(r).map(|x| x.sets).unwrap_or_default() }
    }

    /// Within one layer, a mandate meeting a prohibition is an error (docs/semantics.md,
    /// "Resolution", 5).
    fn conflict_check(&self, rules: &[usize], result: &Requirement<u32>, cell: usize, stats: &mut RegionStats) {
        if !(result.mandatory && result.permission.is_prohibited()) {
            return;
        }
        let mandates: Vec<usize> =
            rules.iter().copied().filter(|r| self.rule(*r).is_some_and(|x| x.requirement.mandatory)).collect();
        let restricting: Vec<usize> = rules
            .iter()
            .copied()
            .filter(|r| self.rule(*r).is_some_and(|x| x.sets.has(Dimension::Permission) && !x.requirement.mandatory))
            .collect();
        for m in mandates {
            for p in &restricting {
                stats.conflicts.push(Conflict { mandate: m, prohibition: *p, cell });
            }
        }
    }
}

/// Whether federal law overrides `rule` in a cell whose federal result is `federal`.
pub fn overridden(rule: &RuleModel, federal: &Requirement<u32>) -> bool {
    let restricts =
        rule.sets.has(Dimension::Permission) && !federal.permission.at_least_as_strict_as(&rule.requirement.permission);
    (federal.mandatory && restricts) || (federal.permission.is_prohibited() && rule.requirement.mandatory)
}

/// Whether a rule's value in one dimension is (part of) the result.
fn decides(rule: &Requirement<u32>, d: Dimension, result: &Requirement<u32>) -> bool {
    match d {
        Dimension::Permission => rule.permission == result.permission,
        Dimension::Mandate => rule.mandatory && result.mandatory,
        Dimension::Deadlines => rule.deadlines.iter().any(|x| result.deadlines.contains(x)),
        Dimension::AuthorizationElements => !rule.elements.is_empty(),
        Dimension::Form => !rule.form.is_empty(),
        Dimension::Obligations => !rule.obligations.is_empty(),
        Dimension::MaxValidityDays => rule.max_validity_days == result.max_validity_days,
    }
}
