//! Resolution (design note §4): for every cell of a chain, the meet of each layer's
//! matching rules, with exceptions, deferral and federal preemption, and the provenance
//! of every dimension.

use crate::model::{Dims, Model, RuleModel};
use std::collections::{BTreeMap, HashMap};
use stringent_policy::artifact::Role;
use stringent_policy::{Dimension, Requirement};
use stringent_syntax::Date;

type Bits = Vec<u64>;

fn bit(bits: &Bits, i: usize) -> bool {
    bits.get(i / 64).is_some_and(|w| w & (1 << (i % 64)) != 0)
}

fn set_bit(bits: &mut Bits, i: usize) {
    if let Some(w) = bits.get_mut(i / 64) {
        *w |= 1 << (i % 64);
    }
}

/// How one rule took part in one cell.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Inv {
    pub rule: usize,
    pub role: Role,
    pub dims: Vec<Dimension>,
}

/// The resolved policy of one chain, before it is written out.
#[derive(Debug, Clone)]
pub struct ChainResult {
    /// Layer indices, root (federal) first.
    pub chain: Vec<usize>,
    pub requirements: Vec<Requirement<u32>>,
    pub cells: Vec<u32>,
    pub provenance: Vec<Vec<Inv>>,
    pub cell_provenance: Vec<u32>,
    /// Per cell: the dimensions the root layer defers there.
    pub deferred: Vec<Dims>,
    pub stats: Stats,
}

/// A mandate met a prohibition inside one layer (E0300): the rules on each side.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Conflict {
    pub mandate: usize,
    pub prohibition: usize,
    pub cell: usize,
}

/// The rules of one layer, indexed for matching: `masks[axis][value]` holds the rules
/// (by position in the layer) that match the value.
struct LayerIndex {
    rules: Vec<usize>,
    masks: Vec<Vec<Bits>>,
}

impl LayerIndex {
    fn new(model: &Model, layer: usize) -> Self {
        let rules = model.layers.get(layer).map(|l| l.rules.clone()).unwrap_or_default();
        let words = rules.len().div_ceil(64).max(1);
        let masks = model
            .axes
            .iter()
            .enumerate()
            .map(|(a, axis)| {
                (0..axis.values.len())
                    .map(|v| {
                        let mut bits = vec![0u64; words];
                        for (pos, r) in rules.iter().enumerate() {
                            let hit = model.rules.get(*r).and_then(|rule| rule.matches.get(a)).and_then(|m| m.get(v));
                            if hit == Some(&true) {
                                set_bit(&mut bits, pos);
                            }
                        }
                        bits
                    })
                    .collect()
            })
            .collect();
        LayerIndex { rules, masks }
    }

    fn matched(&self, point: [usize; 5]) -> Bits {
        let mut out: Option<Bits> = None;
        for (a, v) in point.iter().enumerate() {
            let Some(mask) = self.masks.get(a).and_then(|m| m.get(*v)) else {
                return Vec::new();
            };
            out = Some(match out {
                None => mask.clone(),
                Some(acc) => acc.iter().zip(mask).map(|(x, y)| x & y).collect(),
            });
        }
        out.unwrap_or_default()
    }
}

/// The number of values on each axis, and the number of cells.
pub fn shape(model: &Model) -> ([usize; 5], usize) {
    let mut sizes = [0usize; 5];
    for (s, a) in sizes.iter_mut().zip(&model.axes) {
        *s = a.values.len();
    }
    (sizes, sizes.iter().product())
}

/// Call `f` with every point of the axes, in cell order.
pub fn for_each_point(sizes: [usize; 5], mut f: impl FnMut(usize, [usize; 5])) {
    let [a, b, c, d, e] = sizes;
    let mut cell = 0;
    for i in 0..a {
        for j in 0..b {
            for k in 0..c {
                for l in 0..d {
                    for m in 0..e {
                        f(cell, [i, j, k, l, m]);
                        cell += 1;
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

/// Resolves chains of one model as of one date. Shared by threads: each chain is
/// resolved on its own, with its own statistics.
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

pub struct Resolver<'m> {
    model: &'m Model,
    as_of: Date,
    indexes: Vec<LayerIndex>,
}

impl<'m> Resolver<'m> {
    pub fn new(model: &'m Model, as_of: Date) -> Self {
        let indexes = (0..model.layers.len()).map(|l| LayerIndex::new(model, l)).collect();
        Resolver { model, as_of, indexes }
    }

    /// Resolve every cell of the chain that ends at `layer`.
    pub fn chain(&self, layer: usize) -> ChainResult {
        let mut stats = Stats::new(self.model.rules.len());
        let chain = self.model.chain(layer);
        let (sizes, count) = shape(self.model);
        let mut out = ChainResult {
            chain: chain.clone(),
            requirements: Vec::new(),
            cells: Vec::with_capacity(count),
            provenance: Vec::new(),
            cell_provenance: Vec::with_capacity(count),
            deferred: Vec::with_capacity(count),
            stats: Stats::default(),
        };
        let mut req_ids: HashMap<Requirement<u32>, u32> = HashMap::new();
        let mut prov_ids: HashMap<Vec<Inv>, u32> = HashMap::new();
        let mut cache: HashMap<Vec<Bits>, (u32, u32, Dims)> = HashMap::new();
        for_each_point(sizes, |cell, point| {
            let key: Vec<Bits> =
                chain.iter().map(|l| self.indexes.get(*l).map_or_else(Vec::new, |ix| ix.matched(point))).collect();
            let entry = match cache.get(&key) {
                Some(e) => *e,
                None => {
                    let (req, prov, deferred) = self.cell(&chain, &key, cell, &mut stats);
                    let next = u32::try_from(req_ids.len()).unwrap_or(u32::MAX);
                    let r = *req_ids.entry(req.clone()).or_insert_with(|| {
                        out.requirements.push(req);
                        next
                    });
                    let next = u32::try_from(prov_ids.len()).unwrap_or(u32::MAX);
                    let p = *prov_ids.entry(prov.clone()).or_insert_with(|| {
                        out.provenance.push(prov);
                        next
                    });
                    cache.insert(key, (r, p, deferred));
                    (r, p, deferred)
                }
            };
            out.cells.push(entry.0);
            out.cell_provenance.push(entry.1);
            out.deferred.push(entry.2);
        });
        out.stats = stats;
        out
    }

    fn rule(&self, r: usize) -> Option<&'m RuleModel> {
        self.model.rules.get(r)
    }

    /// Resolve one cell from the rules each layer matches there.
    fn cell(
        &self,
        chain: &[usize],
        matched: &[Bits],
        cell: usize,
        stats: &mut Stats,
    ) -> (Requirement<u32>, Vec<Inv>, Dims) {
        let mut invs: Vec<(usize, Inv)> = Vec::new();
        let mut effective: Vec<Vec<usize>> = Vec::new();
        for (pos, (layer, bits)) in chain.iter().zip(matched).enumerate() {
            let rules: Vec<usize> = self
                .indexes
                .get(*layer)
                .map(|ix| ix.rules.iter().enumerate().filter(|(i, _)| bit(bits, *i)).map(|(_, r)| *r).collect())
                .unwrap_or_default();
            let (active, inactive): (Vec<usize>, Vec<usize>) =
                rules.iter().partition(|r| self.rule(**r).is_some_and(|x| x.active_on(self.as_of)));
            for r in inactive {
                invs.push((pos, self.inv(r, Role::Inactive, None)));
            }
            let excepted: Vec<usize> = active
                .iter()
                .copied()
                .filter(|r| active.iter().any(|o| o != r && self.rule(*o).is_some_and(|x| x.excepts.contains(r))))
                .collect();
            for r in &excepted {
                invs.push((pos, self.inv(*r, Role::Excepted, None)));
            }
            let eff: Vec<usize> = active.into_iter().filter(|r| !excepted.contains(r)).collect();
            for r in &eff {
                if let Some(flag) = stats.matched.get_mut(*r) {
                    *flag = true;
                }
            }
            effective.push(eff);
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
            for r in preempted {
                invs.push((pos, self.inv(r, Role::Preempted, None)));
            }
            *eff = kept;
            let layer_result = self.meet_all(eff);
            for r in eff.iter().filter_map(|r| self.rule(*r)) {
                replaced = Dims(replaced.0 | (r.sets.0 & deferred.0));
            }
            self.conflict_check(eff, &layer_result, cell, stats);
            result = result.meet(&layer_result);
        }
        let stepped_aside: Vec<usize> =
            deferring.iter().copied().filter(|r| self.rule(*r).is_some_and(|x| x.defers.0 & replaced.0 != 0)).collect();
        let still_deferring: Vec<usize> = deferring.iter().copied().filter(|r| !stepped_aside.contains(r)).collect();
        result = result.meet(&self.meet_all(&still_deferring));
        for r in &stepped_aside {
            invs.push((0, self.inv(*r, Role::Deferred, None)));
        }
        if let Some(root) = effective.first_mut() {
            root.retain(|r| !stepped_aside.contains(r));
        }

        for (pos, eff) in effective.iter().enumerate() {
            for r in eff {
                let Some(rule) = self.rule(*r) else { continue };
                let mut won = Vec::new();
                let mut met = Vec::new();
                for d in rule.sets.iter() {
                    if decides(&rule.requirement, d, &result) {
                        won.push(d);
                    } else {
                        met.push(d);
                    }
                }
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
        invs.sort_by(|(pa, a), (pb, b)| {
            let id = |i: &Inv| self.rule(i.rule).map_or("", |r| r.id.as_str());
            pa.cmp(pb).then_with(|| id(a).cmp(id(b))).then_with(|| a.role.cmp(&b.role))
        });
        (result, invs.into_iter().map(|(_, i)| i).collect(), deferred)
    }

    /// The meet of the requirements of some rules.
    fn meet_all(&self, rules: &[usize]) -> Requirement<u32> {
        rules.iter().filter_map(|r| self.rule(*r)).fold(Requirement::default(), |acc, r| acc.meet(&r.requirement))
    }

    fn inv(&self, r: usize, role: Role, dims: Option<Vec<Dimension>>) -> Inv {
        let dims = dims.unwrap_or_else(|| self.rule(r).map(|x| x.sets.iter().collect()).unwrap_or_default());
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
