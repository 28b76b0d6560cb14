//! Resolution (design note §4): for every cell of a chain, the meet of each layer's
//! matching rules, with exceptions, deferral and federal preemption, and the provenance
//! of every dimension.
//!
//! Resolution works by regions, not cell by cell. A layer's rules cut the space of cells
//! into regions where the same of its rules match ([`LayerRegions`]); a chain's regions
//! are the intersections of its layers' regions; each region of a chain is resolved once,
//! and a cell records only which region holds it. A layer's regions are found over classes
//! of values rather than over cells: values of an axis that every rule of the layer
//! matches alike are interchangeable, so a few hundred tuples of classes stand for the
//! 98,304 cells.

use crate::model::{Dims, Model, RuleModel};
use rayon::prelude::*;
use rustc_hash::FxHashMap;
use std::collections::BTreeMap;
use stringent_policy::artifact::Role;
use stringent_policy::{Dimension, Requirement};
use stringent_syntax::Date;

/// Tables of region pairs up to this many entries are arrays; larger ones are hash maps.
const DENSE_LIMIT: usize = 1 << 22;

fn bit(bits: &[u64], i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
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
    pub dims: Vec<Dimension>,
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
    /// Per cell: the region that holds it.
    pub cell_region: Vec<u32>,
    pub stats: Stats,
}

impl ChainResult {
    /// The region of a cell.
    pub fn region(&self, cell: usize) -> Option<&Region> {
        self.cell_region.get(cell).and_then(|r| self.regions.get(*r as usize))
    }

    /// The requirement of a cell.
    pub fn requirement(&self, cell: usize) -> Option<&Requirement<u32>> {
        self.region(cell).and_then(|r| self.requirements.get(r.requirement as usize))
    }

    /// The provenance of a cell.
    pub fn provenance_of(&self, cell: usize) -> Option<&[Inv]> {
        self.region(cell).and_then(|r| self.provenance.get(r.provenance as usize)).map(Vec::as_slice)
    }

    /// Per cell: the index of its requirement (the artifact's `cells`).
    pub fn cells(&self) -> Vec<u32> {
        self.per_cell(|r| r.requirement)
    }

    /// Per cell: the index of its provenance list (the artifact's `cell_provenance`).
    pub fn cell_provenance(&self) -> Vec<u32> {
        self.per_cell(|r| r.provenance)
    }

    fn per_cell(&self, field: impl Fn(&Region) -> u32) -> Vec<u32> {
        let by_region: Vec<u32> = self.regions.iter().map(field).collect();
        self.cell_region.iter().map(|r| by_region.get(*r as usize).copied().unwrap_or(0)).collect()
    }
}

/// A mandate met a prohibition inside one layer (E0300): the rules on each side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    pub mandate: usize,
    pub prohibition: usize,
    pub cell: usize,
}

/// The number of values on each axis, and the number of cells.
pub fn shape(model: &Model) -> ([usize; 5], usize) {
    let mut sizes = [0usize; 5];
    for (s, a) in sizes.iter_mut().zip(&model.axes) {
        *s = a.values.len();
    }
    (sizes, sizes.iter().product())
}

/// Call `f` with every point a rule matches (`matches[axis][value]`), in cell order,
/// visiting only those: a narrow rule costs a few cells, not the whole space.
pub fn for_each_matched_point(sizes: [usize; 5], matches: &[Vec<bool>; 5], mut f: impl FnMut(usize, [usize; 5])) {
    let values: Vec<Vec<usize>> =
        matches.iter().map(|m| m.iter().enumerate().filter(|(_, hit)| **hit).map(|(v, _)| v).collect()).collect();
    let [_, s1, s2, s3, s4] = sizes;
    let (Some(a), Some(b), Some(c), Some(d), Some(e)) =
        (values.first(), values.get(1), values.get(2), values.get(3), values.get(4))
    else {
        return;
    };
    for &i in a {
        for &j in b {
            for &k in c {
                for &l in d {
                    for &m in e {
                        let cell = (((i * s1 + j) * s2 + k) * s3 + l) * s4 + m;
                        f(cell, [i, j, k, l, m]);
                    }
                }
            }
        }
    }
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
}

impl Stats {
    fn new(rules: usize) -> Self {
        Stats { won: vec![false; rules], matched: vec![false; rules], conflicts: BTreeMap::new() }
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
        }
        out
    }
}

/// The values of one axis, grouped by which rules of a layer match them.
struct AxisClasses {
    /// Per value: its class.
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

    fn class(&self, value: usize) -> usize {
        self.class_of.get(value).map_or(0, |c| *c as usize)
    }
}

/// The rules of a layer that match in one of its regions, by the roles that do not depend
/// on the chain: out of effect on the date, set aside by another matching rule's
/// `excepts`, or in effect.
#[derive(Debug, Default)]
struct LayerMatch {
    inactive: Vec<usize>,
    excepted: Vec<usize>,
    effective: Vec<usize>,
}

impl LayerMatch {
    fn new(model: &Model, rules: &[usize], bits: &[u64], as_of: Date) -> Self {
        let matched = rules.iter().enumerate().filter(|(i, _)| bit(bits, *i)).map(|(_, r)| *r);
        let (active, inactive): (Vec<usize>, Vec<usize>) =
            matched.partition(|r| model.rules.get(*r).is_some_and(|x| x.active_on(as_of)));
        // What the active rules except (a rule never excepts itself).
        let mut named: Vec<usize> = active
            .iter()
            .filter_map(|o| model.rules.get(*o).map(|x| (o, x)))
            .flat_map(|(o, x)| x.excepts.iter().filter(move |e| *e != o).copied())
            .collect();
        named.sort_unstable();
        named.dedup();
        let (excepted, effective) = active.into_iter().partition(|r| named.binary_search(r).is_ok());
        LayerMatch { inactive, excepted, effective }
    }
}

/// Where the rules of one layer match: the layer's regions, each with its own set of
/// matching rules, and the region of every cell.
struct LayerRegions {
    /// Per region of the layer: its rules.
    sets: Vec<LayerMatch>,
    /// Per cell: the index of its region in `sets`.
    cell_set: Vec<u32>,
}

impl LayerRegions {
    fn new(model: &Model, layer: usize, as_of: Date) -> Self {
        let rules: &[usize] = model.layers.get(layer).map_or(&[], |l| &l.rules);
        let words = rules.len().div_ceil(64).max(1);
        let (sizes, count) = shape(model);
        let [s0, s1, s2, s3, s4] = sizes;
        let [c0, c1, c2, c3, c4] = [(0, s0), (1, s1), (2, s2), (3, s3), (4, s4)]
            .map(|(axis, size)| AxisClasses::new(model, rules, words, axis, size));

        // Each tuple of classes: the rules matching all five, ANDed into reused buffers
        // level by level and interned, in row-major order of the tuples.
        let counts = [&c0, &c1, &c2, &c3, &c4].map(|c| c.masks.len());
        let mut tuples: Vec<u32> = Vec::with_capacity(counts.iter().product());
        let mut interned: FxHashMap<Box<[u64]>, u32> = FxHashMap::default();
        let mut sets = Vec::new();
        let [mut l1, mut l2, mut l3, mut key] = [(); 4].map(|()| vec![0u64; words]);
        for m0 in &c0.masks {
            for m1 in &c1.masks {
                and_into(&mut l1, m0, m1);
                for m2 in &c2.masks {
                    and_into(&mut l2, &l1, m2);
                    for m3 in &c3.masks {
                        and_into(&mut l3, &l2, m3);
                        for m4 in &c4.masks {
                            and_into(&mut key, &l3, m4);
                            let id = match interned.get(key.as_slice()) {
                                Some(id) => *id,
                                None => {
                                    let id = u32::try_from(sets.len()).unwrap_or(u32::MAX);
                                    sets.push(LayerMatch::new(model, rules, &key, as_of));
                                    interned.insert(key.clone().into_boxed_slice(), id);
                                    id
                                }
                            };
                            tuples.push(id);
                        }
                    }
                }
            }
        }

        // Each cell: the tuple of its values' classes.
        let [_, n1, n2, n3, n4] = counts;
        let mut cell_set = Vec::with_capacity(count);
        for v0 in 0..s0 {
            let t0 = c0.class(v0) * n1;
            for v1 in 0..s1 {
                let t1 = (t0 + c1.class(v1)) * n2;
                for v2 in 0..s2 {
                    let t2 = (t1 + c2.class(v2)) * n3;
                    for v3 in 0..s3 {
                        let t3 = (t2 + c3.class(v3)) * n4;
                        for v4 in 0..s4 {
                            cell_set.push(tuples.get(t3 + c4.class(v4)).copied().unwrap_or(0));
                        }
                    }
                }
            }
        }
        LayerRegions { sets, cell_set }
    }
}

/// A chain's regions: the intersections of its layers' regions, numbered in the order of
/// their first cell, so that requirements and provenance are numbered as the cells meet
/// them.
#[derive(Default)]
struct Intersection {
    /// Per cell: its region.
    cell_region: Vec<u32>,
    /// Per region: the region of each layer intersected so far.
    sets: Vec<Vec<u32>>,
    /// Per region: its first cell.
    first_cell: Vec<usize>,
}

impl Intersection {
    /// The whole space, one region.
    fn whole(count: usize) -> Self {
        Intersection { cell_region: vec![0; count], sets: vec![Vec::new()], first_cell: vec![0] }
    }

    /// Cut every region by the regions of one more layer.
    fn refine(&self, layer: &LayerRegions) -> Self {
        let width = layer.sets.len();
        let mut table = PairTable::new(self.sets.len(), width);
        let mut out = Intersection { cell_region: Vec::with_capacity(self.cell_region.len()), ..Self::default() };
        for (cell, (r, s)) in self.cell_region.iter().zip(&layer.cell_set).enumerate() {
            let key = *r as usize * width + *s as usize;
            let id = table.get_or_insert(key, || {
                let mut sets = self.sets.get(*r as usize).cloned().unwrap_or_default();
                sets.push(*s);
                out.sets.push(sets);
                out.first_cell.push(cell);
                u32::try_from(out.sets.len() - 1).unwrap_or(u32::MAX)
            });
            out.cell_region.push(id);
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
    fn new(rows: usize, width: usize) -> Self {
        match rows.checked_mul(width).filter(|n| *n <= DENSE_LIMIT) {
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

/// Resolves chains of one model as of one date. Shared by threads: each chain is
/// resolved on its own, with its own statistics.
pub struct Resolver<'m> {
    model: &'m Model,
    /// Per layer: its regions.
    layers: Vec<LayerRegions>,
    /// Per rule: its position in the order of rule ids, which provenance is sorted by.
    rank: Vec<usize>,
}

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model, as_of: Date) -> Self {
        let layers = (0..model.layers.len()).into_par_iter().map(|l| LayerRegions::new(model, l, as_of)).collect();
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
        Resolver { model, layers, rank }
    }

    /// Resolve every cell of the chain that ends at `layer`.
    pub fn chain(&self, layer: usize) -> ChainResult {
        let chain = self.model.chain(layer);
        let layers: Vec<&LayerRegions> = chain.iter().filter_map(|l| self.layers.get(*l)).collect();
        let (_, count) = shape(self.model);
        let regions = layers.iter().fold(Intersection::whole(count), |acc, layer| acc.refine(layer));

        let mut stats = Stats::new(self.model.rules.len());
        let mut out = ChainResult {
            chain,
            requirements: Vec::new(),
            provenance: Vec::new(),
            regions: Vec::with_capacity(regions.sets.len()),
            cell_region: Vec::new(),
            stats: Stats::default(),
        };
        let mut req_ids: FxHashMap<Requirement<u32>, u32> = FxHashMap::default();
        let mut prov_ids: FxHashMap<Vec<Inv>, u32> = FxHashMap::default();
        for (sets, first) in regions.sets.iter().zip(&regions.first_cell) {
            let (req, prov, deferred) = self.region(&layers, sets, *first, &mut stats);
            let next = u32::try_from(req_ids.len()).unwrap_or(u32::MAX);
            let requirement = *req_ids.entry(req).or_insert_with_key(|req| {
                out.requirements.push(req.clone());
                next
            });
            let next = u32::try_from(prov_ids.len()).unwrap_or(u32::MAX);
            let provenance = *prov_ids.entry(prov).or_insert_with_key(|prov| {
                out.provenance.push(prov.clone());
                next
            });
            out.regions.push(Region { requirement, provenance, deferred });
        }
        out.cell_region = regions.cell_region;
        out.stats = stats;
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
        sets: &[u32],
        cell: usize,
        stats: &mut Stats,
    ) -> (Requirement<u32>, Vec<Inv>, Dims) {
        let mut invs: Vec<(usize, Inv)> = Vec::new();
        let mut effective: Vec<Vec<usize>> = Vec::with_capacity(layers.len());
        for (pos, (layer, set)) in layers.iter().zip(sets).enumerate() {
            let Some(m) = layer.sets.get(*set as usize) else {
                effective.push(Vec::new());
                continue;
            };
            invs.extend(m.inactive.iter().map(|r| (pos, self.inv(*r, Role::Inactive))));
            invs.extend(m.excepted.iter().map(|r| (pos, self.inv(*r, Role::Excepted))));
            for r in &m.effective {
                if let Some(flag) = stats.matched.get_mut(*r) {
                    *flag = true;
                }
            }
            effective.push(m.effective.clone());
        }

        // The root layer: what it decides firmly, and the rules that defer to lower layers.
        // A deferring rule is the federal default "where state law is silent": where a
        // lower layer sets any dimension it defers, the whole rule steps aside.
        let root = effective.first().cloned().unwrap_or_default();
        let (deferring, firm_rules): (Vec<usize>, Vec<usize>) =
            root.iter().partition(|r| self.rule(**r).is_some_and(|x| !x.defers.is_empty()));
        let firm = self.meet_all(&firm_rules);
        let root_alone = firm.meet(&self.meet_all(&deferring));
        let deferred =
            deferring.iter().filter_map(|r| self.rule(*r)).fold(Dims::default(), |acc, r| Dims(acc.0 | r.defers.0));
        self.conflict_check(&root, &root_alone, cell, stats);

        // Lower layers: federal law overrides a restriction of a mandated disclosure
        // (45 CFR 160.202(1)(ii)) and a mandate of a prohibited one (42 CFR 2.20).
        let mut replaced = Dims::default();
        let mut result = firm;
        for (pos, eff) in effective.iter_mut().enumerate().skip(1) {
            let (kept, preempted): (Vec<usize>, Vec<usize>) =
                eff.iter().partition(|r| self.rule(**r).is_none_or(|rule| !overridden(rule, &root_alone)));
            invs.extend(preempted.into_iter().map(|r| (pos, self.inv(r, Role::Preempted))));
            *eff = kept;
            let layer_result = self.meet_all(eff);
            for r in eff.iter().filter_map(|r| self.rule(*r)) {
                replaced = Dims(replaced.0 | (r.sets.0 & deferred.0));
            }
            self.conflict_check(eff, &layer_result, cell, stats);
            result = result.meet(&layer_result);
        }
        let (stepped_aside, still_deferring): (Vec<usize>, Vec<usize>) =
            deferring.iter().partition(|r| self.rule(**r).is_some_and(|x| x.defers.0 & replaced.0 != 0));
        result = result.meet(&self.meet_all(&still_deferring));
        invs.extend(stepped_aside.iter().map(|r| (0, self.inv(*r, Role::Deferred))));
        if let Some(root) = effective.first_mut() {
            root.retain(|r| !stepped_aside.contains(r));
        }

        for (pos, eff) in effective.iter().enumerate() {
            for r in eff {
                let Some(rule) = self.rule(*r) else { continue };
                let (won, met): (Vec<Dimension>, Vec<Dimension>) =
                    rule.sets.iter().partition(|d| decides(&rule.requirement, *d, &result));
                if !won.is_empty()
                    && let Some(flag) = stats.won.get_mut(*r)
                {
                    *flag = true;
                }
                for (role, dims) in [(Role::Won, won), (Role::Met, met)] {
                    if !dims.is_empty() {
                        invs.push((pos, Inv { rule: *r, role, dims }));
                    }
                }
            }
        }
        invs.sort_by_key(|(pos, i)| (*pos, self.rank.get(i.rule).copied().unwrap_or(usize::MAX), i.role));
        (result, invs.into_iter().map(|(_, i)| i).collect(), deferred)
    }

    /// The meet of the requirements of some rules.
    fn meet_all(&self, rules: &[usize]) -> Requirement<u32> {
        rules.iter().filter_map(|r| self.rule(*r)).fold(Requirement::default(), |acc, r| acc.meet(&r.requirement))
    }

    /// A rule taking part with every dimension it sets.
    fn inv(&self, r: usize, role: Role) -> Inv {
        let dims = self.rule(r).map(|x| x.sets.iter().collect()).unwrap_or_default();
        Inv { rule: r, role, dims }
    }

    /// Within one layer, a mandate meeting a prohibition is an error (§4.5).
    fn conflict_check(&self, rules: &[usize], result: &Requirement<u32>, cell: usize, stats: &mut Stats) {
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
                stats.conflicts.entry((m, *p)).or_insert(Conflict { mandate: m, prohibition: *p, cell });
            }
        }
    }
}

/// Whether federal law overrides `rule` in a cell whose federal result is `federal`.
pub fn overridden(rule: &RuleModel, federal: &Requirement<u32>) -> bool {
    let restricts =
        rule.sets.has(Dimension::Permission) && !federal.permission.at_least_as_strict_as(rule.requirement.permission);
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
