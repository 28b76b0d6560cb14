//! The law's history as encoded, for one chain: every date on which one of its answers
//! changes, and what changed, in the form `diff` uses (docs/semantics.md, "History").

use crate::diff::ChangeGroup;
use crate::{Compilation, emit, limits, resolve};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeSet;
use stringent_syntax::Date;

/// Every change of one chain's answers between two dates.
#[derive(Debug, Clone, Serialize)]
pub struct Timeline {
    pub jurisdiction: String,
    /// The date whose answers the first change is compared with.
    pub from: String,
    /// The last date looked at; `None` when every date on which a rule starts or ends was.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    /// The latest `history from` of the chain's layers: before it, some layer says its
    /// history may be incomplete. `None` when a layer declares none.
    pub complete_from: Option<String>,
    /// The dates on which some answer changes, oldest first.
    pub changes: Vec<Change>,
}

/// The answers that change on one date, against the day before.
#[derive(Debug, Clone, Serialize)]
pub struct Change {
    pub date: String,
    pub groups: Vec<ChangeGroup>,
}

/// The timeline of the chain ending at `jurisdiction`. It starts at `from` (default: the date
/// from which the chain's history is complete, or else its first rule's date) and looks at
/// every date up to `to` (default: no end, so scheduled changes show) on which a rule of the
/// chain takes effect or expires. More dates than [`limits::MAX_LATER_DATES`] are refused
/// rather than shown in part.
pub fn timeline(c: &Compilation, jurisdiction: &str, from: Option<Date>, to: Option<Date>) -> Result<Timeline, String> {
    let layer = c.model.layer(jurisdiction).ok_or_else(|| format!("no jurisdiction `{jurisdiction}` is declared"))?;
    let chain = c.model.chain(layer);
    let layers: Vec<_> = chain.iter().filter_map(|l| c.model.layers.get(*l)).collect();
    let complete_from =
        layers.iter().map(|l| l.history_from).collect::<Option<Vec<Date>>>().and_then(|d| d.into_iter().max());
    let dates: BTreeSet<Date> = c
        .model
        .rules
        .iter()
        .filter(|r| chain.contains(&r.layer))
        .flat_map(crate::model::RuleModel::change_dates)
        .collect();
    let from = from.or(complete_from).or_else(|| dates.first().copied()).unwrap_or(c.as_of);
    let dates: Vec<Date> = dates.into_iter().filter(|d| *d > from && to.is_none_or(|t| *d <= t)).collect();
    if dates.len() > limits::MAX_LATER_DATES {
        return Err(format!(
            "the chain of `{jurisdiction}` changes on {} dates after {from}; a timeline shows at most {} (README.md, \"Limits\"): give a later --from or an earlier --to",
            dates.len(),
            limits::MAX_LATER_DATES
        ));
    }
    let resolver = |d: Date| resolve::Resolver::for_chains(&c.model, d, &[layer]);
    let at: Vec<Date> = std::iter::once(from).chain(dates.iter().copied()).collect();
    let policies: Vec<_> = at.par_iter().map(|d| emit::policy(&c.model, &resolver(*d).chain(layer), *d)).collect();
    let changes: Vec<Change> = policies
        .par_windows(2)
        .zip(dates.par_iter())
        .filter_map(|(pair, date)| {
            let [before, after] = pair else { return None };
            let groups = crate::diff::diff(std::slice::from_ref(before), std::slice::from_ref(after)).groups;
            (!groups.is_empty()).then(|| Change { date: date.to_string(), groups })
        })
        .collect();
    Ok(Timeline {
        jurisdiction: jurisdiction.to_owned(),
        from: from.to_string(),
        to: to.map(|t| t.to_string()),
        complete_from: complete_from.map(|d| d.to_string()),
        changes,
    })
}
