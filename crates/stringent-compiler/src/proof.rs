//! Properties `stringent prove` checks on every chain and every date, exhaustively: the
//! rules are tables, so each property is decided by resolving every chain on every date on
//! which some rule starts or ends (docs/semantics.md, "Proofs").

use crate::assertions::{Assertion, Check, DateRange};
use crate::model::{Model, RuleModel};
use crate::resolve::{ChainResult, Resolver, Stats};
use crate::{Compilation, limits};
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use stringent_diagnostics::{Code, Diagnostic, Location, Span};
use stringent_policy::Word;
use stringent_policy::artifact::{Role, WayRecord, describe_ways};
use stringent_policy::{Dimension, Requirement};
use stringent_syntax::Date;

/// A rule, as a counterexample names it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct RuleAt {
    pub rule: String,
    pub citation: String,
    pub file: String,
    pub line: u32,
    pub effective: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub expires: Option<String>,
    /// Where the rule's id is written (byte offsets), for diagnostics.
    #[serde(skip)]
    pub span: (usize, usize),
}

/// A mandate and a prohibition of one layer that meet in some cell on some dates.
#[derive(Debug, Clone, Serialize)]
pub struct Clash {
    pub mandate: RuleAt,
    pub prohibition: RuleAt,
    /// The dates checked on which they meet.
    pub dates: Vec<String>,
}

/// What the built-in properties and the assertions found.
#[derive(Debug, Clone, Serialize)]
pub struct Proof {
    /// The first date checked; every later date on which a rule starts or ends is checked too.
    pub from: String,
    pub dates_checked: usize,
    /// Every date on which some chain was resolved: the built-in properties' dates and
    /// every assertion's.
    pub epochs: usize,
    /// Rules in force on some date checked that decide no dimension of any cell of any chain
    /// on any of those dates (an exception that never applies is one).
    pub dead_rules: Vec<RuleAt>,
    pub clashes: Vec<Clash>,
    /// Every assertion of the tree, in file order.
    pub assertions: Vec<AssertionResult>,
}

impl Proof {
    pub fn holds(&self) -> bool {
        self.dead_rules.is_empty() && self.clashes.is_empty() && self.assertions.iter().all(AssertionResult::holds)
    }

    /// Every finding as a diagnostic at the rule or assertion it concerns, for the machine
    /// formats `check` writes (SARIF, GitHub annotations): a dead rule (E0501), a clash
    /// (E0300, at the mandate), a failing assertion (E0500, its first counterexamples in
    /// the help).
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut out = Vec::new();
        for r in &self.dead_rules {
            out.push(
                Diagnostic::new(
                    Code::DeadRule,
                    format!("rule `{}` decides nothing on any date from {} on", r.rule, self.from),
                )
                .at(Location::new(r.file.clone(), Span::new(r.span.0, r.span.1)).labelled("decides nothing"))
                .with_help("remove it, or widen what it matches: an exception that never applies is one"),
            );
        }
        for c in &self.clashes {
            out.push(
                Diagnostic::new(
                    Code::MandateMeetsProhibition,
                    format!("`{}` requires what `{}` of the same layer prohibits", c.mandate.rule, c.prohibition.rule),
                )
                .at(Location::new(c.mandate.file.clone(), Span::new(c.mandate.span.0, c.mandate.span.1))
                    .labelled("the mandate"))
                .with_help(format!("they meet on {}; make one an exception to the other", c.dates.join(", "))),
            );
        }
        for a in self.assertions.iter().filter(|a| !a.holds()) {
            let shown: Vec<String> = a.counterexamples.iter().take(3).map(Counterexample::describe).collect();
            let more = a.counterexamples.len().saturating_sub(shown.len());
            let mut help = shown.join("\n");
            if more > 0 {
                help.push_str(&format!("\n… and {more} more (`stringent prove --format json` lists them all)"));
            }
            out.push(
                Diagnostic::new(
                    Code::AssertionFails,
                    format!(
                        "assertion \"{}\" fails in {} place{}",
                        a.title,
                        a.counterexamples.len(),
                        if a.counterexamples.len() == 1 { "" } else { "s" }
                    ),
                )
                .at(Location::new(a.file.clone(), a.span).labelled("does not hold"))
                .with_help(help),
            );
        }
        out
    }
}

impl Counterexample {
    /// One line: where, when, the answer, what fails and which rules decided it.
    pub fn describe(&self) -> String {
        let until = self.until.as_deref().map(|u| format!(" until {u}")).unwrap_or_default();
        let pattern = if self.pattern.is_empty() { "every cell it names".to_owned() } else { self.pattern.join("; ") };
        let rules: Vec<String> = self.decided_by.iter().map(|r| format!("{} ({})", r.rule, r.citation)).collect();
        let decided = if rules.is_empty() {
            "no rule in force decides it".to_owned()
        } else {
            format!("decided by {}", rules.join(", "))
        };
        format!(
            "in {} from {}{until}: {pattern}: {}; fails require {}; {decided}",
            self.jurisdictions.join(", "),
            self.from,
            self.answer,
            self.fails.join(", require ")
        )
    }
}

/// One assertion, checked.
#[derive(Debug, Clone, Serialize)]
pub struct AssertionResult {
    pub title: String,
    pub file: String,
    pub line: usize,
    /// Where the assertion is written, for diagnostics.
    #[serde(skip)]
    pub span: Span,
    /// Its `require` lines.
    pub requires: Vec<String>,
    pub chains_checked: usize,
    pub dates_checked: usize,
    /// Empty when it holds. Each is a box of cells (a pattern per axis) where one answer,
    /// decided by the same rules, breaks the same bounds, on a range of dates, in every
    /// jurisdiction listed.
    pub counterexamples: Vec<Counterexample>,
    /// It failed in so many cells that `prove` stopped checking it (see
    /// `limits::MAX_FAILING_BOXES`): the counterexamples are those found until then.
    pub truncated: bool,
}

impl AssertionResult {
    pub fn holds(&self) -> bool {
        self.counterexamples.is_empty()
    }
}

/// Where an assertion fails: the smallest set of patterns found that covers the failing cells
/// (boxes of the chain's regions, merged while two differ on one axis only).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Counterexample {
    pub jurisdictions: Vec<String>,
    /// The first date checked on which it fails.
    pub from: String,
    /// The first later date checked on which this answer no longer stands; `None`: it stands
    /// on every later date checked.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
    /// Per axis narrower than the assertion's whole scope, a pattern as rules write it
    /// (`recipient any except patient`); axes left out are every value the assertion names.
    pub pattern: Vec<String>,
    /// How many cells of one chain the pattern covers.
    pub cells: usize,
    /// The answer there: its level and ways, and the dimensions the failed bounds look at.
    pub answer: String,
    /// The `require` lines that fail.
    pub fails: Vec<String>,
    /// The rules that decided the answer (none: no rule in force decides it).
    pub decided_by: Vec<RuleAt>,
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
        span: (rule.id_span.start, rule.id_span.end),
    })
}

/// The dates an assertion is checked on, given every date a rule starts or ends.
fn assertion_dates(range: DateRange, default_from: Date, changes: &BTreeSet<Date>) -> BTreeSet<Date> {
    match range {
        DateRange::Changes => changes.iter().copied().filter(|d| *d >= default_from).collect(),
        DateRange::Range { from, to } => {
            let from = from.unwrap_or(default_from);
            std::iter::once(from)
                .chain(changes.iter().copied().filter(|d| *d > from && to.is_none_or(|t| *d <= t)))
                .collect()
        }
    }
}

/// Check the built-in properties from `from` (default: the earliest `history from` of any
/// layer) on, and every assertion on its own dates. More dates than
/// [`limits::MAX_PROOF_DATES`] are refused, never checked in part.
pub fn prove(c: &Compilation, from: Option<Date>) -> Result<Proof, String> {
    let model = &c.model;
    let from = from.or_else(|| model.layers.iter().filter_map(|l| l.history_from).min()).unwrap_or(c.as_of);
    let changes: BTreeSet<Date> = model.rules.iter().flat_map(RuleModel::change_dates).collect();
    let builtin: BTreeSet<Date> = std::iter::once(from).chain(changes.iter().copied().filter(|d| *d > from)).collect();
    // One line index per file, not one per assertion: a state file holds dozens of them.
    let lines: std::cell::RefCell<BTreeMap<String, stringent_diagnostics::LineIndex>> = Default::default();
    let line_of = |file: &str, offset: usize| {
        c.sources.get(file).map_or(0, |t| {
            let mut lines = lines.borrow_mut();
            let index = lines.entry(file.to_owned()).or_insert_with(|| stringent_diagnostics::LineIndex::new(t));
            index.line_col(t, offset).0
        })
    };
    let (assertions, _) = crate::assertions::resolve(model, &line_of);
    let per_assertion: Vec<BTreeSet<Date>> =
        assertions.iter().map(|a| assertion_dates(a.dates, from, &changes)).collect();
    let dates: BTreeSet<Date> = builtin.iter().chain(per_assertion.iter().flatten()).copied().collect();
    if dates.len() > limits::MAX_PROOF_DATES {
        return Err(format!(
            "the rules change on {} dates from {} on; prove checks at most {} (README.md, \"Limits\"): give a later --from",
            dates.len(),
            dates.first().map(ToString::to_string).unwrap_or_default(),
            limits::MAX_PROOF_DATES
        ));
    }
    let mut won = vec![false; model.rules.len()];
    let mut active = vec![false; model.rules.len()];
    let mut clashes: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    // Per layer: its chain's result and the date it was resolved on. A chain is resolved
    // again only on a date some rule of its layers starts or ends (docs/semantics.md,
    // "Proofs"): answers depend on the date through the rules in force alone.
    let mut current: Vec<Option<(Date, ChainResult)>> = vec![None; model.layers.len()];
    // `compile` resolved every chain on the date it was given: when that is the first date
    // here, its results are the first date's.
    if c.as_of == from {
        for ch in &c.chains {
            if let Some(slot) = ch.chain.last().and_then(|l| current.get_mut(*l)) {
                *slot = Some((from, ch.clone()));
            }
        }
    }
    let mut failing: Vec<BTreeMap<usize, Vec<(Date, Failures)>>> = vec![BTreeMap::new(); assertions.len()];
    // Per assertion: the failing boxes kept so far (see `limits::MAX_FAILING_BOXES`).
    let mut found: Vec<usize> = vec![0; assertions.len()];
    let mut previous: Option<Date> = None;
    // The last resolver built: its regions of layers that did not change are reused.
    let mut last_resolver: Option<Resolver<'_>> = None;
    for d in &dates {
        let changed: Vec<bool> = (0..model.layers.len())
            .map(|l| {
                previous.is_none_or(|p| {
                    model.layers.get(l).is_some_and(|layer| {
                        layer
                            .rules
                            .iter()
                            .filter_map(|r| model.rules.get(*r))
                            .any(|r| r.active_on(p) != r.active_on(*d))
                    })
                })
            })
            .collect();
        let stale: Vec<usize> = (0..model.layers.len())
            .filter(|l| {
                current.get(*l).is_none_or(Option::is_none)
                    || model.chain(*l).iter().any(|x| changed.get(*x).copied().unwrap_or(true))
            })
            .collect();
        if !stale.is_empty() {
            let resolver = match &last_resolver {
                Some(p) => Resolver::for_chains_after(model, *d, &stale, p, &changed),
                None => {
                    Resolver::for_chains(model, *d, &stale).with_shapes_of(current.iter().flatten().map(|(_, ch)| ch))
                }
            };
            // Each chain from its result on the date it was last resolved: only the regions
            // where a rule starts or ends between the two dates are resolved again.
            let fresh: Vec<(usize, ChainResult)> = stale
                .par_iter()
                .map(|l| {
                    let before = current.get(*l).and_then(Option::as_ref);
                    let changed: Option<Vec<bool>> =
                        before.map(|(at, _)| model.rules.iter().map(|r| r.active_on(*at) != r.active_on(*d)).collect());
                    let previous = before.zip(changed.as_deref()).map(|((_, ch), changed)| (ch, changed));
                    (*l, resolver.chain_after(*l, previous))
                })
                .collect();

            for (l, ch) in fresh {
                if let Some(slot) = current.get_mut(l) {
                    *slot = Some((*d, ch));
                }
            }
            last_resolver = Some(resolver);
        }
        previous = Some(*d);
        if builtin.contains(d) {
            for (r, rule) in model.rules.iter().enumerate() {
                if rule.active_on(*d)
                    && !rule.damaged
                    && let Some(a) = active.get_mut(r)
                {
                    *a = true;
                }
            }
            let stats = Stats::merge(model.rules.len(), current.iter().flatten().map(|(_, ch)| &ch.stats));
            for (w, s) in won.iter_mut().zip(&stats.won) {
                *w |= *s;
            }
            for k in stats.conflicts.keys() {
                clashes.entry(*k).or_default().push(d.to_string());
            }
        }
        // Each assertion on each of its chains: on its first date, and again only on a date
        // the chain was resolved again. A date with no entry repeats the entry before it.
        let work: Vec<(usize, usize)> = assertions
            .iter()
            .enumerate()
            .filter(|(i, _)| per_assertion.get(*i).is_some_and(|ds| ds.contains(d)))
            .filter(|(i, _)| found.get(*i).is_some_and(|n| *n < limits::MAX_FAILING_BOXES))
            .flat_map(|(i, a)| a.chains.iter().map(move |l| (i, *l)))
            .filter(|(i, l)| {
                let resolved_now = current.get(*l).and_then(Option::as_ref).is_some_and(|(at, _)| at == d);
                resolved_now || failing.get(*i).is_none_or(|m| !m.contains_key(l))
            })
            .collect();
        let results: Vec<(usize, usize, Failures)> = work
            .par_iter()
            .filter_map(|(i, l)| {
                let (_, ch) = current.get(*l)?.as_ref()?;
                Some((*i, *l, failures(model, *i, assertions.get(*i)?, ch)))
            })
            .collect();
        for (i, l, f) in results {
            if let Some(n) = found.get_mut(i) {
                *n += f.values().map(Vec::len).sum::<usize>();
            }
            if let Some(m) = failing.get_mut(i) {
                m.entry(l).or_default().push((*d, f));
            }
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
    let assertions = assertions
        .iter()
        .zip(failing)
        .zip(&per_assertion)
        .zip(&found)
        .map(|(((a, per_chain), ds), n)| AssertionResult {
            title: a.title.clone(),
            file: a.file.clone(),
            line: a.line,
            span: a.span,
            requires: a.requires.clone(),
            chains_checked: a.chains.len(),
            dates_checked: ds.len(),
            counterexamples: counterexamples(model, a, per_chain),
            truncated: *n >= limits::MAX_FAILING_BOXES,
        })
        .collect();
    Ok(Proof {
        from: from.to_string(),
        dates_checked: builtin.len(),
        epochs: dates.len(),
        dead_rules,
        clashes,
        assertions,
    })
}

/// What fails in one chain on one date: per answer (its text and the bounds it breaks), the
/// boxes of cells where it stands, each with the rules that decided the dimensions those
/// bounds look at in some cell of that box. Grouping by answer, not by rules, keeps a
/// counterexample to the one pattern that covers it where several rules of equal strength
/// decide in parts of it.
type Failures = BTreeMap<(String, Vec<usize>), Vec<Failing>>;

/// A box of cells (per axis, sorted values) and the rules that decided in it.
type Failing = (Vec<Vec<u32>>, BTreeSet<usize>);

/// One axis of boxes being merged: its values, and the rules that decided in them.
type Failing1 = (Vec<u32>, BTreeSet<usize>);

/// A counterexample of one chain before it is written: its answer, the bounds it breaks
/// and its box.
type Key<'f> = (&'f String, &'f Vec<usize>, &'f Failing);

fn failures(model: &Model, key: usize, a: &Assertion, ch: &ChainResult) -> Failures {
    // The bounds each region the assertion reaches breaks, found once per distinct
    // requirement and provenance list of those regions: most assertions hold in every
    // region, so most chains need no walk of their tuples.
    let governed = a.checks.iter().position(|c| *c == Check::Governed);
    let mut by_requirement: Vec<Option<Vec<usize>>> = vec![None; ch.requirements.len()];
    let mut broken: Vec<Vec<usize>> = vec![Vec::new(); ch.regions.len()];
    for r in ch.regions_reached(key, &a.matches).iter().map(|r| *r as usize) {
        let Some(reg) = ch.regions.get(r) else { continue };
        let Some(slot) = by_requirement.get_mut(reg.requirement as usize) else { continue };
        let mut b = slot
            .get_or_insert_with(|| {
                let req = ch.requirements.get(reg.requirement as usize);
                a.checks
                    .iter()
                    .enumerate()
                    .filter(|(_, c)| **c != Check::Governed && req.is_some_and(|req| !c.holds(req, &[])))
                    .map(|(i, _)| i)
                    .collect()
            })
            .clone();
        if let Some(g) = governed
            && let Some(prov) = ch.provenance.get(reg.provenance as usize)
            && a.checks.get(g).is_some_and(|c| !c.holds(&Requirement::default(), prov))
        {
            b.push(g);
            b.sort_unstable();
        }
        if let Some(slot) = broken.get_mut(r) {
            *slot = b;
        }
    }
    let mut out: Failures = BTreeMap::new();
    if broken.iter().all(Vec::is_empty) {
        return out;
    }
    let mut answers: Vec<Option<String>> = vec![None; ch.regions.len()];
    let wanted = |region: usize| broken.get(region).is_some_and(|b| !b.is_empty());
    ch.for_each_matched_box(&a.matches, wanted, |region, cells| {
        let (Some(failed), Some(reg)) = (broken.get(region), ch.regions.get(region)) else { return };
        let (Some(req), Some(prov)) =
            (ch.requirements.get(reg.requirement as usize), ch.provenance.get(reg.provenance as usize))
        else {
            return;
        };
        // The rules that decided the dimensions the failed bounds look at.
        let dims: Vec<Dimension> = failed.iter().filter_map(|i| a.checks.get(*i)?.dimension()).collect();
        let mut rules: BTreeSet<usize> = prov
            .iter()
            .filter(|i| i.role == Role::Won && dims.iter().any(|d| i.dims.has(*d)))
            .map(|i| i.rule)
            .collect();
        let Some(text) = answers.get_mut(region) else { return };
        let text = text.get_or_insert_with(|| answer(model, req, &a.checks)).clone();
        out.entry((text, failed.clone())).or_default().push((cells.to_vec(), std::mem::take(&mut rules)));
    });
    for boxes in out.values_mut() {
        merge_boxes(boxes);
    }
    out
}

/// Merge boxes (per axis, sorted values) that differ on one axis only, until none do, and
/// with them the rules that decided in each. The boxes are disjoint, so a union is exact;
/// the boxes of a product of classes merge back into the one box they came from.
fn merge_boxes(boxes: &mut Vec<Failing>) {
    let axes = boxes.first().map_or(0, |(b, _)| b.len());
    loop {
        let before = boxes.len();
        for axis in 0..axes {
            // Keyed by the box without this axis: this axis's values and the rules, merged.
            let mut groups: BTreeMap<Vec<Vec<u32>>, Failing1> = BTreeMap::new();
            for (mut b, mut rules) in boxes.drain(..) {
                let values = b.get_mut(axis).map(std::mem::take).unwrap_or_default();
                let entry = groups.entry(b).or_default();
                entry.0.extend(values);
                entry.1.append(&mut rules);
            }
            boxes.extend(groups.into_iter().map(|(mut b, (mut values, rules))| {
                values.sort_unstable();
                values.dedup();
                if let Some(slot) = b.get_mut(axis) {
                    *slot = values;
                }
                (b, rules)
            }));
        }
        if boxes.len() == before {
            return;
        }
    }
}

/// An answer in words: its level and ways, and what the bounds look at.
fn answer(model: &Model, r: &Requirement<u32>, checks: &[Check]) -> String {
    let term = |list: &[crate::model::TermModel], ids: &[u32]| -> String {
        let names: Vec<&str> = ids.iter().filter_map(|i| list.get(*i as usize)).map(|t| t.id.as_str()).collect();
        format!("[{}]", names.join(", "))
    };
    let ways: Vec<WayRecord> = r
        .permission
        .ways()
        .iter()
        .map(|w| {
            let mut rec = WayRecord { bases: w.bases(), conditions: Vec::new(), level: w.level() };
            rec.conditions = w.conditions().filter_map(|c| model.conditions.get(c)).map(|t| t.id.clone()).collect();
            rec
        })
        .collect();
    let mut parts = vec![format!("level {} ({})", r.permission.level().as_str(), describe_ways(&ways))];
    for c in checks {
        let part = match c {
            Check::Mandatory(_) => format!("mandatory {}", r.mandatory),
            Check::DeadlineAtMost(_) => {
                let ds: Vec<String> = r
                    .deadlines
                    .iter()
                    .map(|d| format!("{} {} for {}", d.days, d.unit.keyword(), d.action.keyword()))
                    .collect();
                format!("deadlines [{}]", ds.join(", "))
            }
            Check::Obligations(_) => format!("obligations {}", term(&model.obligations, &r.obligations)),
            Check::Elements(_) => format!("elements {}", term(&model.elements, &r.elements)),
            Check::Form(_) => format!("form {}", term(&model.forms, &r.form)),
            Check::MaxValidityAtMost(_) | Check::MaxValidityAtLeast(_) => {
                format!("max_validity {}", r.max_validity_days.map_or("none".to_owned(), |d| format!("{d} days")))
            }
            _ => continue,
        };
        if !parts.contains(&part) {
            parts.push(part);
        }
    }
    parts.join("; ")
}

/// One axis of a box as a rule pattern: `None` when it is every value the assertion names
/// on that axis. Values whose descendants are all in the box are written by their parent;
/// `any except …` when that is shorter.
fn axis_pattern(model: &Model, axis: usize, values: &[u32], scope: &[bool]) -> Option<String> {
    let ax = model.axes.get(axis)?;
    let n = ax.values.len();
    let mut inside = vec![false; n];
    for v in values {
        if let Some(x) = inside.get_mut(*v as usize) {
            *x = true;
        }
    }
    if inside.iter().zip(scope).all(|(i, s)| i == s) {
        return None;
    }
    // The fewest names whose descendants make up `set`, and the values of `set` no name
    // can stand for without taking in descendants outside it (written `value itself`).
    let named = |set: &[bool]| -> (Vec<String>, bool) {
        let whole =
            |v: usize| ax.covers.get(v).is_some_and(|c| c.iter().zip(set).all(|(covered, inside)| !covered || *inside));
        let mut covered = vec![false; n];
        let mut names: Vec<String> = Vec::new();
        for v in (0..n).filter(|v| set.get(*v).copied().unwrap_or(false) && whole(*v)) {
            if ax.values.get(v).and_then(|x| x.parent).is_none_or(|p| !whole(p)) {
                names.extend(ax.values.get(v).map(|x| x.id.clone()));
                for (c, by) in covered.iter_mut().zip(ax.covers.get(v).into_iter().flatten()) {
                    *c |= *by;
                }
            }
        }
        let exact = covered.iter().zip(set).all(|(c, s)| c == s);
        for v in (0..n).filter(|v| set.get(*v).copied().unwrap_or(false) && !covered.get(*v).copied().unwrap_or(false))
        {
            names.extend(ax.values.get(v).map(|x| format!("{} itself", x.id)));
        }
        (names, exact)
    };
    let (listed, _) = named(&inside);
    let outside: Vec<bool> = inside.iter().map(|i| !i).collect();
    let (except, exact) = named(&outside);
    Some(if exact && !except.is_empty() && except.len() < listed.len() {
        format!("{} any except {}", ax.id, except.join(", "))
    } else {
        format!("{} {}", ax.id, listed.join(", "))
    })
}

fn counterexamples(
    model: &Model,
    a: &Assertion,
    per_chain: BTreeMap<usize, Vec<(Date, Failures)>>,
) -> Vec<Counterexample> {
    let mut grouped: BTreeMap<Counterexample, Vec<String>> = BTreeMap::new();
    for (layer, dated) in per_chain {
        let jurisdiction = model.layers.get(layer).map(|l| l.id.clone()).unwrap_or_default();
        // Each counterexample (answer, bounds broken, box, rules) runs from the first date it
        // stands on to the first later date checked on which it does not: a change elsewhere
        // in the chain does not cut it.
        let mut open: BTreeMap<Key<'_>, Date> = BTreeMap::new();
        let mut runs: Vec<(Key<'_>, Date, Option<Date>)> = Vec::new();
        for (d, f) in &dated {
            let now: BTreeSet<Key<'_>> =
                f.iter().flat_map(|((text, failed), boxes)| boxes.iter().map(move |b| (text, failed, b))).collect();
            let ended: Vec<_> = open.keys().filter(|k| !now.contains(*k)).copied().collect();
            for k in ended {
                if let Some(from) = open.remove(&k) {
                    runs.push((k, from, Some(*d)));
                }
            }
            for k in now {
                open.entry(k).or_insert(*d);
            }
        }
        runs.extend(open.into_iter().map(|(k, from)| (k, from, None)));
        for ((text, failed, (b, rules)), from, until) in runs {
            let pattern: Vec<String> = b
                .iter()
                .enumerate()
                .filter_map(|(axis, values)| axis_pattern(model, axis, values, a.matches.get(axis)?))
                .collect();
            let c = Counterexample {
                jurisdictions: Vec::new(),
                from: from.to_string(),
                until: until.map(|u| u.to_string()),
                pattern,
                cells: b.iter().map(Vec::len).product(),
                answer: text.clone(),
                fails: failed.iter().filter_map(|i| a.requires.get(*i).cloned()).collect(),
                decided_by: rules.iter().filter_map(|r| rule_at(model, *r)).collect(),
            };
            grouped.entry(c).or_default().push(jurisdiction.clone());
        }
    }
    grouped
        .into_iter()
        .map(|(mut c, mut js)| {
            js.sort();
            js.dedup();
            c.jurisdictions = js;
            c
        })
        .collect()
}
