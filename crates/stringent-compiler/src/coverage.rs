//! `stringent coverage`: for every jurisdiction and topic, whether the rules say
//! something (covered), say explicitly that they add nothing (`silent`), or are missing —
//! so that silence in the corpus is never ambiguous.

use crate::model::{Model, RuleModel};
use crate::resolve::{ChainResult, grid};
use std::collections::BTreeMap;
use stringent_policy::artifact::Role;
use stringent_syntax::ast::Confidence;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum State {
    /// Rules of the layer speak to the topic; the confidence mix of those rules.
    Covered(BTreeMap<&'static str, usize>),
    /// The layer says it has nothing stricter, with its grounds.
    Silent(Confidence),
    Missing,
}

/// One row per state (`US-XX`), one cell per topic. Organization layers only tighten
/// where they choose to and have no topics to cover.
pub fn coverage(model: &Model) -> Vec<(String, Vec<State>)> {
    let mut rows = Vec::new();
    for (li, layer) in model.layers.iter().enumerate() {
        if !layer.id.starts_with("US-") {
            continue;
        }
        let cells = (0..model.topics.len())
            .map(|t| {
                let mut mix: BTreeMap<&'static str, usize> = BTreeMap::new();
                for r in layer.rules.iter().filter_map(|r| model.rules.get(*r)).filter(|r| touches(model, r, t)) {
                    *mix.entry(r.confidence.as_str()).or_default() += 1;
                }
                if !mix.is_empty() {
                    return State::Covered(mix);
                }
                match model.silences.iter().find(|s| s.layer == li && s.topic == t) {
                    Some(s) => State::Silent(s.confidence),
                    None => State::Missing,
                }
            })
            .collect();
        rows.push((layer.id.clone(), cells));
    }
    rows.sort_by(|a, b| a.0.cmp(&b.0));
    rows
}

/// What a reviewer audits of one layer: how well its rules and silences were checked, when
/// its silences were last searched, and from when its history is complete.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Audit {
    pub jurisdiction: String,
    /// Rules of the layer by confidence.
    pub rules: BTreeMap<&'static str, usize>,
    /// Silences of the layer by confidence.
    pub silences: BTreeMap<&'static str, usize>,
    /// The newest date any silence of the layer was searched (`YYYY-MM` or `YYYY-MM-DD`).
    pub newest_searched: Option<String>,
    /// The oldest date a silence of the layer was last searched: the stalest claim.
    pub oldest_searched: Option<String>,
    /// The layer's `history from`.
    pub history_from: Option<String>,
    /// Rules that name no `source`: every rule gives the official text it encodes, so a
    /// reviewer can check it (a `verified` one claims to have read it there).
    pub unsourced: Vec<String>,
}

/// One audit row per layer, federal first, then in identifier order.
pub fn audit(model: &Model) -> Vec<Audit> {
    let mut rows: Vec<Audit> = model
        .layers
        .iter()
        .enumerate()
        .map(|(li, layer)| {
            let mut rules = BTreeMap::new();
            let mut unsourced = Vec::new();
            for r in layer.rules.iter().filter_map(|r| model.rules.get(*r)) {
                *rules.entry(r.confidence.as_str()).or_default() += 1;
                if r.source.is_none() {
                    unsourced.push(r.id.clone());
                }
            }
            let mut silences = BTreeMap::new();
            let mut dates = Vec::new();
            for s in model.silences.iter().filter(|s| s.layer == li) {
                *silences.entry(s.confidence.as_str()).or_default() += 1;
                dates.push(s.searched_on());
            }
            let known: Vec<&str> = dates.iter().flatten().copied().collect();
            Audit {
                jurisdiction: layer.id.clone(),
                rules,
                silences,
                newest_searched: known.iter().max().map(|d| (*d).to_owned()),
                oldest_searched: known.iter().min().map(|d| (*d).to_owned()),
                history_from: layer.history_from.map(|d| d.to_string()),
                unsourced,
            }
        })
        .collect();
    rows.sort_by(|a, b| (a.jurisdiction != "US", &a.jurisdiction).cmp(&(b.jurisdiction != "US", &b.jurisdiction)));
    rows
}

/// State rules written as a broad list of purposes (`any except …`, six or more purposes)
/// that leave legal proceedings or law enforcement out, where no rule of their layer speaks
/// to those purposes for any of their categories: the cells fall back to HIPAA's subpoena,
/// warrant and administrative-request routes. A closed list of permitted disclosures
/// usually shuts those too, so each is a place for a reviewer to read the statute again
/// (the pattern behind most answers an independent review found too loose). Returns the
/// rule ids with the purposes they leave out.
pub fn open_to_process(model: &Model) -> Vec<(String, Vec<&'static str>)> {
    let (Some(category), Some(purpose)) = (model.axis_index("category"), model.axis_index("purpose")) else {
        return Vec::new();
    };
    let process: Vec<(&'static str, usize)> = ["legal_proceeding", "law_enforcement"]
        .into_iter()
        .filter_map(|name| Some((name, model.value_index(purpose, name)?)))
        .collect();
    let restrictive = |r: &RuleModel| {
        r.sets.has(stringent_policy::lattice::Dimension::Permission)
            && r.requirement.permission.level() > stringent_policy::lattice::Level::AllowedUnlessObjects
    };
    let mut out = Vec::new();
    for layer in model.layers.iter().filter(|l| l.id.starts_with("US-")) {
        let rules: Vec<&RuleModel> = layer.rules.iter().filter_map(|r| model.rules.get(*r)).collect();
        for r in rules.iter().filter(|r| restrictive(r)) {
            let Some(purposes) = r.matches.get(purpose) else { continue };
            if purposes.iter().filter(|m| **m).count() < 6 {
                continue;
            }
            let categories = r.matches.get(category).cloned().unwrap_or_default();
            let left_out: Vec<&'static str> = process
                .iter()
                .filter(|(_, p)| !purposes.get(*p).copied().unwrap_or(false))
                .filter(|(_, p)| {
                    !rules.iter().any(|o| {
                        o.matches.get(purpose).is_some_and(|m| m.get(*p).copied().unwrap_or(false))
                            && o.matches.get(category).is_some_and(|m| m.iter().zip(&categories).any(|(a, b)| *a && *b))
                    })
                })
                .map(|(name, _)| *name)
                .collect();
            if !left_out.is_empty() {
                out.push((r.id.clone(), left_out));
            }
        }
    }
    out.sort();
    out
}

/// Whether a rule speaks to a topic: it names a value of the topic on the axis that
/// carries it (a rule on all categories is about records in general, not about HIV).
fn touches(model: &Model, rule: &RuleModel, topic: usize) -> bool {
    let Some(topic) = model.topics.get(topic) else { return false };
    topic.values.iter().any(|(axis, values)| {
        rule.names.get(*axis).is_some_and(|names| values.iter().any(|v| names.get(*v) == Some(&true)))
    })
}

/// The answers of one chain that no rule in force reaches (docs/semantics.md, "Governed
/// answers"), counted by holder and by category so a reviewer sees which law is missing.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Ungoverned {
    pub jurisdiction: String,
    /// Ungoverned cells, and all cells.
    pub cells: usize,
    pub total: usize,
    /// (value, ungoverned cells, cells) per holder, then per category, in vocabulary order;
    /// values with no ungoverned cell are left out.
    pub holders: Vec<(String, usize, usize)>,
    pub categories: Vec<(String, usize, usize)>,
}

/// Count the ungoverned cells of a chain.
pub fn ungoverned(model: &Model, chain: &ChainResult) -> Ungoverned {
    let space = grid(model);
    let (sizes, total) = (space.sizes(), space.len());
    let (_, cell_provenance) = chain.cell_indices();
    let governed: Vec<bool> = chain.provenance.iter().map(|p| p.iter().any(|i| i.role != Role::Inactive)).collect();
    let (Some(category_axis), Some(holder_axis)) = (model.axis_index("category"), model.axis_index("holder")) else {
        return Ungoverned::default();
    };
    let mut per_category = vec![0usize; sizes.get(category_axis).copied().unwrap_or(0)];
    let mut per_holder = vec![0usize; sizes.get(holder_axis).copied().unwrap_or(0)];
    let mut cells = 0;
    space.for_each_point(|cell, point| {
        if cell_provenance.get(cell).is_none_or(|p| governed.get(*p as usize).copied().unwrap_or(false)) {
            return;
        }
        cells += 1;
        if let Some(n) = point.get(category_axis).and_then(|v| per_category.get_mut(*v as usize)) {
            *n += 1;
        }
        if let Some(n) = point.get(holder_axis).and_then(|v| per_holder.get_mut(*v as usize)) {
            *n += 1;
        }
    });
    let named = |axis: usize, counts: &[usize]| -> Vec<(String, usize, usize)> {
        let size = sizes.get(axis).copied().unwrap_or(1).max(1);
        let per_value = total / size;
        let values = model.axes.get(axis).map(|a| a.values.as_slice()).unwrap_or_default();
        values.iter().zip(counts).filter(|(_, n)| **n > 0).map(|(v, n)| (v.id.clone(), *n, per_value)).collect()
    };
    Ungoverned {
        jurisdiction: chain.chain.last().and_then(|l| model.layers.get(*l)).map(|l| l.id.clone()).unwrap_or_default(),
        cells,
        total,
        holders: named(holder_axis, &per_holder),
        categories: named(category_axis, &per_category),
    }
}
