//! Combined policies: a disclosure that crosses jurisdictions must satisfy each of them,
//! so the combined answer of every cell is the meet of the answers, with the provenance
//! of all.

use crate::artifact::{Involvement, LayerInfo, Policy, RequirementRecord, RuleInfo};
use crate::lattice::Requirement;
use std::collections::{BTreeMap, HashMap};

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CombineError {
    #[error("nothing to combine")]
    Empty,
    #[error("`{0}` and `{1}` were compiled with different vocabularies; compile them together")]
    VocabularyMismatch(String, String),
    #[error("`{0}` and `{1}` were resolved for different dates")]
    DateMismatch(String, String),
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
        let mut cells = Vec::with_capacity(first.cells.len());
        let mut cell_provenance = Vec::with_capacity(first.cells.len());
        for cell in 0..first.cells.len() {
            let reqs: Vec<u32> = policies.iter().map(|p| p.cells.get(cell).copied().unwrap_or(0)).collect();
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
            cells.push(r);
            let provs: Vec<u32> = policies.iter().map(|p| p.cell_provenance.get(cell).copied().unwrap_or(0)).collect();
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
            cell_provenance.push(pi);
        }
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
            cells,
            rules: rules.into_values().collect(),
            provenance,
            cell_provenance,
        };
        out.content_hash = out.compute_hash();
        out.integrity = out.compute_integrity();
        Ok(out)
    }
}
