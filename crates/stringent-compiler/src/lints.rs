//! What resolution reveals about the rules: contradictions (errors) and rules that do
//! nothing (warnings). Each is reported once per rule, at the rule.

use crate::model::{LayerKind, Model, RuleModel};
use crate::resolve::{ChainResult, Resolver, Stats, for_each_matched_point, grid, overridden};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use stringent_diagnostics::{Code, Diagnostic, Location};
use stringent_policy::Dimension;
use stringent_syntax::Date;

/// Every finding about the rules that resolution revealed, given the merged statistics
/// and the resolved chains.
pub fn lints(model: &Model, stats: &Stats, chains: &[ChainResult], as_of: Date) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for c in stats.conflicts.values() {
        let (Some(m), Some(p)) = (model.rules.get(c.mandate), model.rules.get(c.prohibition)) else {
            continue;
        };
        // A rule an error already names may match other cells than its author meant.
        if m.damaged || p.damaged {
            continue;
        }
        out.push(
            Diagnostic::new(Code::MandateMeetsProhibition, format!("rule `{}` requires a disclosure that rule `{}` prohibits", m.id, p.id))
                .at(Location::new(&m.file, m.id_span).labelled(format!("requires it, e.g. for {}", cell_name(model, c.cell))))
                .with_related(Location::new(&p.file, p.id_span).labelled("prohibits it"))
                .with_help(if m.layer == p.layer {
                    "within one layer a disclosure cannot be both mandatory and prohibited; narrow one rule's pattern or make one an exception to the other"
                } else {
                    "a policy cannot require a disclosure that the law of a layer above it prohibits; narrow the mandate's pattern to where that law allows the disclosure"
                }),
        );
    }
    if let Some(o) = &stats.overflow {
        let rules: Vec<&RuleModel> = o.rules.iter().filter_map(|r| model.rules.get(*r)).collect();
        let ids: Vec<&str> = rules.iter().take(5).map(|r| r.id.as_str()).collect();
        let more = rules.len().saturating_sub(ids.len());
        if let Some(at) = rules.iter().max_by_key(|r| r.requirement.permission.ways().len()) {
            out.push(
                Diagnostic::new(
                    Code::LimitExceeded,
                    format!(
                        "the rules that meet at {} combine into more than {} ways to disclose",
                        cell_name(model, o.cell),
                        stringent_policy::lattice::MAX_WAY_PRODUCTS
                    ),
                )
                .at(Location::new(&at.file, at.id_span).labelled("the rule with the most ways there"))
                .with_help(format!(
                    "the rules there: {}{}; their ways multiply in the meet. Narrow the rules' patterns so that fewer meet, \
                     or give them fewer conditional ways; see README.md, \"Limits\"",
                    ids.join(", "),
                    if more > 0 { format!(" and {more} more") } else { String::new() }
                )),
            );
        }
    }
    // One rule that is both: no cell could follow it, whatever else matches there.
    for r in
        model.rules.iter().filter(|r| !r.damaged && r.requirement.mandatory && r.requirement.permission.is_prohibited())
    {
        out.push(
            Diagnostic::new(Code::MandateMeetsProhibition, format!("rule `{}` both requires and prohibits the disclosure", r.id))
                .at(Location::new(&r.file, r.id_span).labelled("`mandatory` with `permission prohibited`"))
                .with_help("a disclosure the law requires cannot be prohibited: drop `mandatory`, or give the permission the law sets"),
        );
    }
    // Each rule is judged on its own, against the federal cells: in parallel, in rule order.
    let per_rule: Vec<Option<Diagnostic>> =
        model.rules.par_iter().enumerate().map(|(ri, rule)| rule_lint(model, stats, chains, as_of, ri, rule)).collect();
    out.extend(per_rule.into_iter().flatten());
    out.extend(out_of_date(model, chains, as_of));
    out.extend(
        model
            .rules
            .iter()
            .filter(|r| r.active_on(as_of) && !r.damaged)
            .filter_map(|r| withdraws_ungranted(model, chains, r)),
    );
    out
}

/// A rule that withdraws a basis no layer above grants, in any cell it matches, takes
/// nothing away: its author probably misread the law above, or the pattern.
fn withdraws_ungranted(model: &Model, chains: &[ChainResult], rule: &RuleModel) -> Option<Diagnostic> {
    if rule.withdraws.is_empty() {
        return None;
    }
    let mut parent = model.chain(rule.layer);
    parent.pop();
    let above = chains.iter().find(|c| c.chain == parent)?;
    let mut granted = vec![false; rule.withdraws.len()];
    above.for_each_matched_tuple(&rule.matches, |region, _| {
        let Some(req) = above.regions.get(region).and_then(|r| above.requirements.get(r.requirement as usize)) else {
            return;
        };
        for (b, g) in rule.withdraws.iter().zip(granted.iter_mut()) {
            *g |= req.permission.ways().iter().any(|w| b.way().covers(w.without_conditions()));
        }
    });
    let never: Vec<&str> = rule.withdraws.iter().zip(&granted).filter(|(_, g)| !**g).map(|(b, _)| b.as_str()).collect();
    if never.is_empty() {
        return None;
    }
    Some(
        Diagnostic::new(
            Code::WithdrawsUngranted,
            format!(
                "rule `{}` withdraws `{}`, which no layer above grants where it applies",
                rule.id,
                never.join("`, `")
            ),
        )
        .at(Location::new(&rule.file, rule.id_span).labelled("takes away nothing"))
        .with_help(
            "check the pattern, or drop the basis from `withdraws`: a basis is withdrawn only where it was granted",
        ),
    )
}

/// Whether one rule expired, is preempted or overridden by federal law, or decides nothing.
fn rule_lint(
    model: &Model,
    stats: &Stats,
    chains: &[ChainResult],
    as_of: Date,
    ri: usize,
    rule: &RuleModel,
) -> Option<Diagnostic> {
    // An expired rule is the law's history when it expired inside the history its layer
    // declares complete (docs/semantics.md, "History"): `--as-of` answers need it.
    if expired_unkept(model, rule, as_of) {
        return Some(
            Diagnostic::new(
                Code::Expired,
                format!("rule `{}` expired on {}", rule.id, rule.expires.map(|e| e.to_string()).unwrap_or_default()),
            )
            .at(Location::new(&rule.file, rule.id_span).labelled(format!("not in effect on {as_of}")))
            .with_help("keep it as history by declaring `history from` on the layer's header with a date before its expiry, or remove it; compile with an earlier `--as-of` to see the law as it was"),
        );
    }
    if !rule.active_on(as_of) || rule.damaged {
        return None;
    }
    let root = model.chain(rule.layer).first().copied();
    let federal = root.and_then(|r| chains.iter().find(|c| c.chain == [r]));
    if root != Some(rule.layer)
        && let Some(fed) = federal
        && let Some(d) = against_federal(model, rule, fed)
    {
        return Some(d);
    }
    if !stats.won.get(ri).copied().unwrap_or(false) {
        let why = if stats.matched.get(ri).copied().unwrap_or(false) {
            "it matches cells, but other rules decide every dimension there, or it is excepted"
        } else {
            "no cell matches its patterns"
        };
        return Some(
            Diagnostic::new(Code::NoEffect, format!("rule `{}` decides nothing", rule.id))
                .at(Location::new(&rule.file, rule.id_span).labelled(why))
                .with_help("a rule that decides nothing is usually a pattern that is too narrow, or a requirement weaker than what already applies"),
        );
    }
    None
}

/// Whether a rule expired on or before `as_of` and before the history its layer declares
/// complete: no date a question may be asked about needs it (W0003).
fn expired_unkept(model: &Model, rule: &RuleModel, as_of: Date) -> bool {
    let history_from = model.layers.get(rule.layer).and_then(|l| l.history_from);
    rule.expires.is_some_and(|e| e <= as_of && history_from.is_none_or(|h| e <= h))
}

/// The rules not in force on the check date that a question may still reach — history a
/// layer keeps (`history from`), or law still to take effect — judged against federal law
/// on the dates they are in force: their first day, and each later day inside their window
/// on which a federal rule starts or ends (docs/semantics.md, "History"). Judged on the
/// check date alone, an old rule that loosened a minor's parent default would warn only
/// under an `--as-of` of its own years.
fn out_of_date(model: &Model, chains: &[ChainResult], as_of: Date) -> Vec<Diagnostic> {
    let idle: Vec<(&RuleModel, usize)> = model
        .rules
        .iter()
        .filter(|r| !r.damaged && !r.active_on(as_of) && !expired_unkept(model, r, as_of))
        .filter_map(|r| Some((r, model.chain(r.layer).first().copied().filter(|root| *root != r.layer)?)))
        .collect();
    if idle.is_empty() {
        return Vec::new();
    }
    // Per federal layer: the days its rules start or end. Between two of them its answers
    // are the same on every day, so one resolution serves each such epoch.
    let mut changes: BTreeMap<usize, BTreeSet<Date>> = BTreeMap::new();
    for (_, root) in &idle {
        changes.entry(*root).or_insert_with(|| {
            model.layers.get(*root).map_or_else(BTreeSet::new, |l| {
                l.rules.iter().filter_map(|r| model.rules.get(*r)).flat_map(RuleModel::change_dates).collect()
            })
        });
    }
    let epoch = |root: usize, day: Date| changes.get(&root).and_then(|c| c.range(..=day).next_back().copied());
    let days_of = |rule: &RuleModel, root: usize| -> Vec<Date> {
        let later = changes.get(&root).into_iter().flatten().copied();
        std::iter::once(rule.effective)
            .chain(later.filter(|d| *d > rule.effective && rule.expires.is_none_or(|e| *d < e)))
            .collect()
    };
    // One day to resolve each (federal layer, epoch) on: any day of the epoch will do. The
    // epoch of the date checked was resolved already, with every chain.
    let mut wanted: BTreeMap<(usize, Option<Date>), Date> = BTreeMap::new();
    for (rule, root) in &idle {
        for day in days_of(rule, *root) {
            if epoch(*root, day) != epoch(*root, as_of) {
                wanted.entry((*root, epoch(*root, day))).or_insert(day);
            }
        }
    }
    let resolved: BTreeMap<(usize, Option<Date>), ChainResult> = wanted
        .into_par_iter()
        .map(|(key, day)| (key, Resolver::for_chains(model, day, &[key.0]).chain(key.0)))
        .collect();
    let federal_on = |root: usize, day: Date| -> Option<&ChainResult> {
        if epoch(root, day) == epoch(root, as_of) {
            chains.iter().find(|c| c.chain == [root])
        } else {
            resolved.get(&(root, epoch(root, day)))
        }
    };
    idle.par_iter()
        .filter_map(|(rule, root)| {
            days_of(rule, *root).into_iter().find_map(|day| {
                let fed = federal_on(*root, day)?;
                let d = against_federal(model, rule, fed)?;
                let help = d.help.clone().unwrap_or_default();
                Some(d.with_help(format!(
                    "{help}. Judged on {day}, a day the rule is in force; on {as_of}, the date checked, it is not"
                )))
            })
        })
        .collect()
}

/// Compare a state or organization rule with the federal result in every cell it matches:
/// a restriction of a federally mandated disclosure (error when the rule names the cell,
/// warning when it reaches it through `any` or a parent value), or a rule looser than
/// federal law wherever it applies (45 CFR 160.203(b)). The comparison depends only on the
/// federal region of a cell, so it is made once per region.
fn against_federal(model: &Model, rule: &RuleModel, fed: &ChainResult) -> Option<Diagnostic> {
    let mut verdicts: Vec<Option<Verdict>> = vec![None; fed.regions.len()];
    let mut verdict = |region: usize| {
        verdicts.get_mut(region).map(|slot| *slot.get_or_insert_with(|| Verdict::new(rule, fed, region)))
    };
    let mut tightens = false;
    let mut looser: Option<(usize, Dimension)> = None;
    let mut loosens_default: Option<(usize, Dimension)> = None;
    let mut overridden = false;
    fed.for_each_matched_tuple(&rule.matches, |region, cell| {
        let Some(v) = verdict(region) else { return };
        overridden |= v.overridden;
        tightens |= v.tightens;
        if let Some(d) = v.looser
            && looser.is_none_or(|(first, _)| cell < first)
        {
            looser = Some((cell, d));
        }
        if let Some(d) = v.loosens_default
            && loosens_default.is_none_or(|(first, _)| cell < first)
        {
            loosens_default = Some((cell, d));
        }
    });
    // Where federal law overrides the rule, the cell to show is the first one whose
    // purpose or recipient the rule names, else the first: found cell by cell.
    let mut overridden_at: Option<(usize, bool)> = None;
    if overridden {
        let shown = [model.axis_index("purpose"), model.axis_index("recipient")];
        for_each_matched_point(&grid(model), &rule.matches, |cell, point| {
            if !fed.region_index_at(point).and_then(&mut verdict).is_some_and(|v| v.overridden) {
                return;
            }
            let named = shown.iter().flatten().any(|a| {
                rule.names.get(*a).and_then(|n| point.get(*a).and_then(|v| n.get(*v as usize))) == Some(&true)
            });
            if overridden_at.is_none_or(|(_, was_named)| named && !was_named) {
                overridden_at = Some((cell, named));
            }
        });
    }
    if let Some((cell, named)) = overridden_at {
        let fed_rule = deciding_rule(model, fed, cell, Dimension::Mandate)
            .or_else(|| deciding_rule(model, fed, cell, Dimension::Permission));
        let code = if named { Code::RestrictsMandatedAccess } else { Code::MandateOverridesRestriction };
        let message = if named {
            format!("rule `{}` restricts a disclosure federal law requires ({})", rule.id, cell_name(model, cell))
        } else {
            format!("federal law overrides rule `{}` where it reaches {}", rule.id, cell_name(model, cell))
        };
        let mut d = Diagnostic::new(code, message)
            .at(Location::new(&rule.file, rule.id_span).labelled("restricts a mandated disclosure, or mandates a prohibited one"))
            .with_help(
                "a state cannot make the individual's own access harder (45 CFR 160.202(1)(ii)) nor compel a disclosure Part 2 forbids (42 CFR 2.20); \
                 leave those purposes out, e.g. `purpose any except patient_access, patient_directed`",
            );
        if let Some(f) = fed_rule {
            d = d.with_related(Location::new(&f.file, f.id_span).labelled(format!(
                "federal rule `{}` ({})",
                f.id,
                f.citations.join("; ")
            )));
        }
        return Some(d);
    }
    // An exception loosens its own layer on purpose; whether it matters is judged by
    // whether it decides anything (W0002), not by comparing it alone with federal law.
    if tightens || !rule.excepts.is_empty() {
        return None;
    }
    let organization = model.layers.get(rule.layer).is_some_and(|l| LayerKind::of(&l.id) == LayerKind::Organization);
    // Where federal law defers to state law, an organization's policy is no state law: it
    // replaces no default there, so a looser answer there is one more place it changes nothing.
    let (cell, dim) = match loosens_default {
        Some(first) if organization => looser.filter(|(cell, _)| *cell < first.0).unwrap_or(first),
        Some((cell, dim)) => return loosens_only_defaults(model, rule, fed, cell, dim),
        None => looser?,
    };
    let fed_rule = deciding_rule(model, fed, cell, dim);
    // Preemption is the test for a state's law; an organization's policy is no law, and
    // answers to federal law as a covered entity's own policies and procedures do.
    let help = if organization {
        "an organization policy cannot loosen federal law; it can only add to what the law requires \
         (a covered entity's policies must comply with the Privacy Rule, 45 CFR 164.530(i)(1)); this rule changes no answer"
    } else {
        "a state law contrary to HIPAA survives only where it is more stringent (45 CFR 160.203(b)); this rule changes no answer"
    };
    let mut d = Diagnostic::new(
        Code::Preempted,
        format!("rule `{}` is no stricter than federal law anywhere it applies", rule.id),
    )
    .at(Location::new(&rule.file, rule.id_span).labelled(format!(
        "looser in `{}` for {}",
        dim.as_str(),
        cell_name(model, cell)
    )))
    .with_help(help);
    if let Some(f) = fed_rule {
        d = d.with_related(Location::new(&f.file, f.id_span).labelled(format!(
            "federal rule `{}` ({}) is stricter",
            f.id,
            f.citations.join("; ")
        )));
    }
    Some(d)
}

/// A state rule stricter than federal law nowhere it applies, whose only effect is to
/// loosen a default federal law leaves to state law (a self-consented minor's parent,
/// 164.502(g)(3)(ii)). State law may do that, so the rule's answer stands there; but a rule
/// that is otherwise preempted everywhere reaches the parent by accident as often as by
/// law: it must say which law permits the loosening (docs/semantics.md, "Chains", step 4).
fn loosens_only_defaults(
    model: &Model,
    rule: &RuleModel,
    fed: &ChainResult,
    cell: usize,
    dim: Dimension,
) -> Option<Diagnostic> {
    let layer = model.layers.get(rule.layer)?;
    if rule.justification.is_some() || LayerKind::of(&layer.id) != LayerKind::State {
        return None;
    }
    let mut d = Diagnostic::new(
        Code::LoosensOnlyDefaults,
        format!("rule `{}` is stricter than federal law nowhere, and loosens what federal law leaves to state law", rule.id),
    )
    .at(Location::new(&rule.file, rule.id_span).labelled(format!("less strict in `{}` for {}", dim.as_str(), cell_name(model, cell))))
    .with_help(
        "federal law leaves a disclosure to a minor's parent to state law (45 CFR 164.502(g)(3)(ii)), so there this rule's \
         answer replaces the stricter federal default; everywhere else it is preempted (160.203(b)). If a statute permits \
         the loosening, say which in `justification \"…\"`; otherwise narrow or remove the rule",
    );
    if let Some(f) = deciding_rule(model, fed, cell, dim) {
        d = d.with_related(Location::new(&f.file, f.id_span).labelled(format!(
            "the federal default, rule `{}` ({})",
            f.id,
            f.citations.join("; ")
        )));
    }
    Some(d)
}

/// How a rule compares with the federal result of one federal region.
#[derive(Debug, Clone, Copy)]
struct Verdict {
    /// Federal law overrides the rule there.
    overridden: bool,
    /// The rule is stricter in some dimension, or sets one the federal layer defers.
    tightens: bool,
    /// The first dimension in which the rule is looser than federal law.
    looser: Option<Dimension>,
    /// The first dimension the federal layer defers there in which the rule is not at
    /// least as strict as the federal default it replaces.
    loosens_default: Option<Dimension>,
}

impl Verdict {
    fn new(rule: &RuleModel, fed: &ChainResult, region: usize) -> Self {
        let mut v = Verdict { overridden: false, tightens: false, looser: None, loosens_default: None };
        let Some(r) = fed.regions.get(region) else { return v };
        let Some(federal) = fed.requirements.get(r.requirement as usize) else { return v };
        // Where the rule sets a dimension the federal layer defers there, the deferring
        // rules step aside: resolution judges the override against the firm rules alone.
        let defers_to_rule = rule.sets.0 & r.deferred.0 != 0;
        if !defers_to_rule && overridden(rule, federal) {
            v.overridden = true;
            return v;
        }
        for d in rule.sets.iter() {
            // Where federal law defers, the rule replaces the default: it is judged against
            // the default, and a rule less strict than it (or not comparable) loosens.
            if r.deferred.has(d) {
                if !federal.at_least_as_strict_in(d, &rule.requirement) {
                    v.tightens = true;
                } else if !rule.requirement.at_least_as_strict_in(d, federal) && v.loosens_default.is_none() {
                    v.loosens_default = Some(d);
                }
            } else if !federal.at_least_as_strict_in(d, &rule.requirement) {
                v.tightens = true;
            } else if !federal.same_in(d, &rule.requirement) && v.looser.is_none() {
                v.looser = Some(d);
            }
        }
        v
    }
}

fn deciding_rule<'m>(model: &'m Model, chain: &ChainResult, cell: usize, dim: Dimension) -> Option<&'m RuleModel> {
    chain
        .provenance_of(cell)?
        .iter()
        .find(|i| i.role == stringent_policy::artifact::Role::Won && i.dims.has(dim))
        .and_then(|i| model.rules.get(i.rule))
}

/// A cell in words: `category hiv, purpose patient_access, …` ([`stringent_policy::cell_label`]).
pub fn cell_name(model: &Model, cell: usize) -> String {
    stringent_policy::cell_label(
        grid(model)
            .point(cell)
            .unwrap_or_default()
            .iter()
            .zip(&model.axes)
            .map(|(v, axis)| (axis.id.as_str(), axis.values.get(*v as usize).map_or("", |value| value.id.as_str()))),
    )
}
