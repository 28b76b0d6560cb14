//! Properties `stringent prove` checks on every chain and every date, exhaustively: the
//! rules are tables, so each property is decided by resolving every chain on every date on
//! which some rule starts or ends (docs/semantics.md, "Proofs").

use crate::model::Model;
use crate::resolve::{Resolver, Stats};
use crate::{Compilation, limits};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use stringent_syntax::Date;

/// A rule, as a counterexample names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleAt {
    pub rule: String,
    pub citation: String,
    pub file: String,
    pub line: u32,
    pub effective: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
}

/// A mandate and a prohibition of one layer that meet in some cell on some dates.
#[derive(Debug, Clone, Serialize)]
pub struct Clash {
    pub mandate: RuleAt,
    pub prohibition: RuleAt,
    /// The dates checked on which they meet.
    pub dates: Vec<String>,
}

/// What the built-in properties found.
#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    /// The first date checked; every later date on which a rule starts or ends is checked too.
    pub from: String,
    pub dates_checked: usize,
    /// Rules in force on some date checked that decide no dimension of any cell of any chain
    /// on any of those dates (an exception that never applies is one).
    pub dead_rules: Vec<RuleAt>,
    pub clashes: Vec<Clash>,
}

impl Proof {
    pub fn holds(&self) -> bool {
        self.dead_rules.is_empty() && self.clashes.is_empty()
    }
}

fn rule_at(model: &Model, r: usize) -> Option<RuleAt> {
    let rule = model.rules.get(r)?;
    Some(RuleAt {
        rule: rule.id.clone(),
        citation: rule.citations.join("; "),
        file: rule.file.clone(),
        line: rule.line,
        effective: rule.effective.to_string(),
        expires: rule.expires.map(|d| d.to_string()),
    })
}

/// Check the built-in properties from `from` (default: the earliest `history from` of any
/// layer) on. More dates than [`limits::MAX_PROOF_DATES`] are refused, never checked in part.
pub fn prove(c: &Compilation, from: Option<Date>) -> Result<Proof, String> {
    let model = &c.model;
    let from = from.or_else(|| model.layers.iter().filter_map(|l| l.history_from).min()).unwrap_or(c.as_of);
    let dates: BTreeSet<Date> = std::iter::once(from)
        .chain(model.rules.iter().flat_map(|r| std::iter::once(r.effective).chain(r.expires)).filter(|d| *d > from))
        .collect();
    if dates.len() > limits::MAX_PROOF_DATES {
        return Err(format!(
            "the rules change on {} dates from {from} on; prove checks at most {} (README.md, \"Limits\"): give a later --from",
            dates.len(),
            limits::MAX_PROOF_DATES
        ));
    }
    let layers: Vec<usize> = (0..model.layers.len()).collect();
    // One date at a time (each resolves every chain in parallel), so memory stays that of one compile.
    let per_date: Vec<(Date, Stats)> = dates
        .iter()
        .map(|d| {
            let resolver = Resolver::new(model, *d);
            let chains: Vec<_> = layers.par_iter().map(|l| resolver.chain(*l)).collect();
            (*d, Stats::merge(model.rules.len(), chains.iter().map(|ch| &ch.stats)))
        })
        .collect();
    let mut won = vec![false; model.rules.len()];
    let mut active = vec![false; model.rules.len()];
    let mut clashes: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for (d, stats) in &per_date {
        for (r, rule) in model.rules.iter().enumerate() {
            if rule.active_on(*d)
                && !rule.damaged
                && let Some(a) = active.get_mut(r)
            {
                *a = true;
            }
        }
        for (w, s) in won.iter_mut().zip(&stats.won) {
            *w |= *s;
        }
        for k in stats.conflicts.keys() {
            clashes.entry(*k).or_default().push(d.to_string());
        }
    }
    let dead_rules = (0..model.rules.len())
        .filter(|r| active.get(*r) == Some(&true) && won.get(*r) == Some(&false))
        .filter_map(|r| rule_at(model, r))
        .collect();
    let clashes = clashes
        .into_iter()
        .filter_map(|((m, p), dates)| {
            Some(Clash { mandate: rule_at(model, m)?, prohibition: rule_at(model, p)?, dates })
        })
        .collect();
    Ok(Proof { from: from.to_string(), dates_checked: dates.len(), dead_rules, clashes })
}
