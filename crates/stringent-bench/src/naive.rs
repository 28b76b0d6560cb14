//! The design without a compiled artifact: keep the checked model in memory and resolve
//! the rules of a chain for each question — find the rules each layer matches, set aside
//! the excepted ones, meet within each layer and across layers, with deferral and federal
//! preemption — exactly as `stringent_compiler::resolve` does for one cell, but with no
//! match-set cache, no interning and no provenance (which only flatters the naive design:
//! an answer with provenance would cost more).
//!
//! It is checked against `Resolver::chain` on every chain of the shipped corpus
//! (`tests/naive.rs`), so the comparison in `benches/decide.rs` is between two designs that
//! give the same answers.

use stringent_compiler::model::{Dims, Model, RuleModel};
use stringent_compiler::resolve::overridden;
use stringent_policy::Requirement;
use stringent_syntax::Date;

/// Resolves one question at a time from the model.
pub struct Naive<'m> {
    model: &'m Model,
    as_of: Date,
    /// The chain of each layer, root first (computed once, as a server would).
    chains: Vec<Vec<usize>>,
}

impl<'m> Naive<'m> {
    pub fn new(model: &'m Model, as_of: Date) -> Self {
        let chains = (0..model.layers.len()).map(|l| model.chain(l)).collect();
        Naive { model, as_of, chains }
    }

    fn rule(&self, r: usize) -> Option<&'m RuleModel> {
        self.model.rules.get(r)
    }

    fn meet_all(&self, rules: &[usize]) -> Requirement<u32> {
        rules.iter().filter_map(|r| self.rule(*r)).fold(Requirement::default(), |acc, r| acc.meet(&r.requirement))
    }

    /// The requirement in force for the chain that ends at `layer`, at one point
    /// (value positions, one per axis); `None` for an unknown layer.
    pub fn requirement(&self, layer: usize, point: &[u32]) -> Option<Requirement<u32>> {
        let chain = self.chains.get(layer)?;
        let mut effective: Vec<Vec<usize>> = Vec::with_capacity(chain.len());
        for l in chain {
            let rules = self.model.layers.get(*l).map(|x| x.rules.as_slice()).unwrap_or_default();
            let active: Vec<usize> = rules
                .iter()
                .copied()
                .filter(|r| {
                    self.rule(*r).is_some_and(|rule| {
                        rule.active_on(self.as_of)
                            && rule.matches.iter().zip(point).all(|(m, v)| m.get(*v as usize).copied().unwrap_or(false))
                    })
                })
                .collect();
            let eff: Vec<usize> = active
                .iter()
                .copied()
                .filter(|r| !active.iter().any(|o| o != r && self.rule(*o).is_some_and(|x| x.excepts.contains(r))))
                .collect();
            effective.push(eff);
        }
        let root = effective.first().map(Vec::as_slice).unwrap_or_default();
        let (deferring, firm): (Vec<usize>, Vec<usize>) =
            root.iter().partition(|r| self.rule(**r).is_some_and(|x| !x.defers.is_empty()));
        let firm = self.meet_all(&firm);
        let root_alone = firm.meet(&self.meet_all(&deferring));
        let deferred =
            deferring.iter().filter_map(|r| self.rule(*r)).fold(Dims::default(), |acc, r| Dims(acc.0 | r.defers.0));
        let mut replaced = Dims::default();
        let mut result = firm.clone();
        for eff in effective.iter().skip(1) {
            // A rule that sets a dimension federal law defers makes the deferring rules step
            // aside, so only the firm federal rules can override it: a state may keep from a
            // parent the access the federal default grants (45 CFR 164.502(g)(3)(ii)(B);
            // docs/semantics.md, "Resolution").
            let kept: Vec<usize> = eff
                .iter()
                .copied()
                .filter(|r| {
                    self.rule(*r).is_none_or(|rule| {
                        let federal = if rule.sets.0 & deferred.0 != 0 { &firm } else { &root_alone };
                        !overridden(rule, federal)
                    })
                })
                .collect();
            for rule in kept.iter().filter_map(|r| self.rule(*r)) {
                replaced = Dims(replaced.0 | (rule.sets.0 & deferred.0));
            }
            result = result.meet(&self.meet_all(&kept));
        }
        let still: Vec<usize> =
            deferring.into_iter().filter(|r| self.rule(*r).is_some_and(|x| x.defers.0 & replaced.0 == 0)).collect();
        Some(result.meet(&self.meet_all(&still)))
    }
}
