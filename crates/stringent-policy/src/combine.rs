//! Combined policies: a disclosure that crosses jurisdictions must satisfy each of them,
//! so the combined answer of every cell is the meet of the answers, with the provenance
//! of all. The work is done per tuple of the classes the policies share, not per cell.

use crate::artifact::{Involvement, LayerInfo, Policy, RequirementRecord, RuleInfo};
use crate::grid::{Grid, RegionIndex, Regions};
use crate::lattice::Requirement;
use std::collections::{BTreeMap, HashMap};

/// Why policies cannot be combined: a meet is only sound over policies that number their
/// cells alike and answer for the same date.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CombineError {
    /// No policy was given: there is no jurisdiction to name the result after.
    #[error("nothing to combine")]
    Empty,
    /// The two jurisdictions' vocabularies differ, so the same cell number would mean
    /// different questions in each.
    #[error("`{0}` and `{1}` were compiled with different vocabularies; compile them together")]
    VocabularyMismatch(String, String),
    /// The two were resolved for different dates: their meet would answer for neither.
    #[error("`{0}` and `{1}` were resolved for different dates")]
    DateMismatch(String, String),
    /// The named policy's regions do not cover its own cells, so it cannot be read by point.
    #[error("the regions of `{0}` do not fit its vocabulary; recompile it")]
    Inconsistent(String),
}

impl Policy {
    /// The meet of several policies compiled from one rules tree: cell by cell, with the
    /// rules of each named in provenance. The jurisdiction is their ids joined with `+`.
    pub fn combine(policies: &[Policy]) -> Result<Policy, CombineError> {
        let (first, rest) = policies.split_first().ok_or(CombineError::Empty)?;
        for p in rest {
            if p.vocabulary != first.vocabulary {
                return Err(CombineError::VocabularyMismatch(first.jurisdiction.clone(), p.jurisdiction.clone()));
            }
            if p.as_of != first.as_of {
                return Err(CombineError::DateMismatch(first.jurisdiction.clone(), p.jurisdiction.clone()));
            }
        }
        // One rules table, sorted by id, and each policy's rule indices mapped into it.
        let mut rules: BTreeMap<String, RuleInfo> = BTreeMap::new();
        for p in policies {
            for r in &p.rules {
                rules.entry(r.id.clone()).or_insert_with(|| r.clone());
            }
        }
        let position: HashMap<&str, u32> =
            rules.keys().enumerate().map(|(i, id)| (id.as_str(), u32::try_from(i).unwrap_or(u32::MAX))).collect();
        let remap: Vec<Vec<u32>> = policies
            .iter()
            .map(|p| p.rules.iter().map(|r| position.get(r.id.as_str()).copied().unwrap_or(0)).collect())
            .collect();

        let mut chain: Vec<LayerInfo> = Vec::new();
        for l in policies.iter().flat_map(|p| &p.chain) {
            if !chain.contains(l) {
                chain.push(l.clone());
            }
        }
        let mut requirements: Vec<RequirementRecord> = Vec::new();
        let mut provenance: Vec<Vec<Involvement>> = Vec::new();
        let mut req_ids: HashMap<Vec<u32>, u32> = HashMap::new();
        let mut prov_ids: HashMap<Vec<u32>, u32> = HashMap::new();
        let inconsistent = |p: &Policy| CombineError::Inconsistent(p.jurisdiction.clone());
        let sizes: Vec<usize> = first.vocabulary.axes.iter().map(|a| a.values.len()).collect();
        let mut indexes = Vec::with_capacity(policies.len());
        for p in policies {
            p.regions.check(&sizes).map_err(|_| inconsistent(p))?;
            indexes.push(RegionIndex::new(&p.regions).ok_or_else(|| inconsistent(p))?);
        }
        // The classes the policies share: values with the same class in every policy.
        let mut classes: Vec<Vec<u32>> = Vec::with_capacity(sizes.len());
        let mut representatives: Vec<Vec<u32>> = Vec::with_capacity(sizes.len());
        for (axis, size) in sizes.iter().enumerate() {
            let mut ids: HashMap<Vec<u32>, u32> = HashMap::new();
            let mut of_axis = Vec::with_capacity(*size);
            let mut reps = Vec::new();
            for value in 0..u32::try_from(*size).unwrap_or(u32::MAX) {
                let key: Vec<u32> = policies
                    .iter()
                    .map(|p| p.regions.classes.get(axis).and_then(|c| c.get(value as usize)).copied().unwrap_or(0))
                    .collect();
                let next = u32::try_from(ids.len()).unwrap_or(u32::MAX);
                let class = *ids.entry(key).or_insert_with(|| {
                    reps.push(value);
                    next
                });
                of_axis.push(class);
            }
            classes.push(of_axis);
            representatives.push(reps);
        }
        let tuples = Grid::new(representatives.iter().map(Vec::len)).ok_or_else(|| inconsistent(first))?;
        let mut table = Vec::with_capacity(tuples.len());
        let mut point = vec![0u32; sizes.len()];
        tuples.for_each_point(|_, tuple| {
            for ((slot, reps), class) in point.iter_mut().zip(&representatives).zip(tuple) {
                *slot = reps.get(*class as usize).copied().unwrap_or(0);
            }
            let entries: Vec<[u32; 2]> = policies
                .iter()
                .zip(&indexes)
                .map(|(p, index)| index.tuple(&point).and_then(|t| p.regions.table.get(t)).copied().unwrap_or([0, 0]))
                .collect();
            let reqs: Vec<u32> = entries.iter().map(|e| e[0]).collect();
            let next = u32::try_from(req_ids.len()).unwrap_or(u32::MAX);
            let r = *req_ids.entry(reqs.clone()).or_insert_with(|| {
                let met = policies
                    .iter()
                    .zip(&reqs)
                    .filter_map(|(p, r)| p.requirements.get(*r as usize))
                    .map(|r| r.requirement(&first.vocabulary.conditions))
                    .fold(Requirement::default(), |acc, r| acc.meet(&r));
                requirements.push(RequirementRecord::new(&met, &first.vocabulary.conditions));
                next
            });
            let provs: Vec<u32> = entries.iter().map(|e| e[1]).collect();
            let next = u32::try_from(prov_ids.len()).unwrap_or(u32::MAX);
            let pi = *prov_ids.entry(provs.clone()).or_insert_with(|| {
                let mut merged: Vec<Involvement> = Vec::new();
                for ((p, map), pv) in policies.iter().zip(&remap).zip(&provs) {
                    for inv in p.provenance.get(*pv as usize).into_iter().flatten() {
                        let moved = Involvement {
                            rule: map.get(inv.rule as usize).copied().unwrap_or(0),
                            role: inv.role,
                            dimensions: inv.dimensions.clone(),
                        };
                        if !merged.contains(&moved) {
                            merged.push(moved);
                        }
                    }
                }
                provenance.push(merged);
                next
            });
            table.push([r, pi]);
        });
        let regions = Regions::canonical(classes, table).ok_or_else(|| inconsistent(first))?;
        let mut out = Policy {
            format: first.format.clone(),
            schema_version: first.schema_version.clone(),
            compiler: first.compiler.clone(),
            jurisdiction: policies.iter().map(|p| p.jurisdiction.as_str()).collect::<Vec<_>>().join("+"),
            as_of: first.as_of.clone(),
            content_hash: String::new(),
            integrity: String::new(),
            chain,
            vocabulary: first.vocabulary.clone(),
            requirements,
            rules: rules.into_values().collect(),
            provenance,
            regions,
        };
        out.content_hash = out.compute_hash();
        out.integrity = out.compute_integrity();
        Ok(out)
    }
}
