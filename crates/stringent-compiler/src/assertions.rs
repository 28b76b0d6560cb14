//! Assertions (docs/semantics.md, "Assertions"): bounds on the answers of every chain, cell
//! and date an `assert` block names, resolved here against the model and checked by
//! `crate::proof` on every date the answers can change.

use crate::model::{AssertCase, Model};
use crate::resolve::Inv;
use std::collections::BTreeSet;
use stringent_diagnostics::{Code, Diagnostic, Location, Span, nearest};
use stringent_policy::artifact::{AXES, Role};
use stringent_policy::{Basis, Deadline, Dimension, Level, Requirement};
use stringent_syntax::Date;
use stringent_syntax::ast::{self, Bound, Chains, Comparison, Dates, PatternValues};

/// Which dates an assertion is checked on: the first date, and every later date on which a
/// rule takes effect or expires up to the last (answers change on no other date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateRange {
    /// From `from` (when `None`: the first date `prove` checks, `--from` or the earliest
    /// `history from` of any layer) to `to` (no end when `None`).
    Range { from: Option<Date>, to: Option<Date> },
    /// Only the dates on which some rule takes effect or expires.
    Changes,
}

/// One bound, with names resolved to the model's indices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Check {
    /// The level, and the conditions (a set of condition indices, as a mask) whose ways are
    /// set aside.
    LevelAtLeast(Level, u128),
    LevelAtMost(Level),
    Mandatory(bool),
    DeadlineAtMost(Deadline),
    NotBasis(Basis, u128),
    /// Every way to disclose needs condition `i` of the model.
    Condition(usize),
    Obligations(Vec<u32>),
    Elements(Vec<u32>),
    Form(Vec<u32>),
    MaxValidityAtMost(u32),
    MaxValidityAtLeast(u32),
    Governed,
}

/// An assertion ready to be checked.
#[derive(Debug, Clone)]
pub struct Assertion {
    pub title: String,
    pub file: String,
    /// 1-based.
    pub line: usize,
    /// Where its title is written, for diagnostics.
    pub span: Span,
    /// The layers whose chains it speaks of, in model order.
    pub chains: Vec<usize>,
    pub dates: DateRange,
    /// Written without `dates`: it speaks of the dates its layer vouches for, whatever
    /// `history from` says (`dates` holds that date resolved).
    pub follows_history: bool,
    /// Per axis, per value: whether the assertion speaks of it.
    pub matches: Vec<Vec<bool>>,
    pub checks: Vec<Check>,
    /// The `require` lines as written, for reports.
    pub requires: Vec<String>,
}

/// Every assertion of the model that can be checked, and a diagnostic for each mistake in
/// the others: unknown names (with did-you-mean), and an assertion that speaks of no chain,
/// no cell or no date, or requires nothing (it could never fail).
/// `line_of(file, offset)` gives the 1-based line of a byte offset.
pub fn resolve(model: &Model, line_of: &dyn Fn(&str, usize) -> usize) -> (Vec<Assertion>, Vec<Diagnostic>) {
    let mut out = Vec::new();
    let mut diags = Vec::new();
    if let Some(over) = model.assertions.get(crate::limits::MAX_ASSERTIONS) {
        diags.push(
            Diagnostic::new(
                Code::LimitExceeded,
                format!(
                    "the tree holds {} assertions; at most {} are checked",
                    model.assertions.len(),
                    crate::limits::MAX_ASSERTIONS
                ),
            )
            .at(at(over, over.decl.title.span).labelled("one too many"))
            .with_help("merge assertions that share their patterns and dates; see README.md, \"Limits\""),
        );
        return (out, diags);
    }
    for case in &model.assertions {
        if case.decl.unreadable {
            continue;
        }
        let line = line_of(&case.file, case.decl.span.start);
        if let Some(a) = one(model, case, line, &mut diags) {
            out.push(a);
        }
    }
    (out, diags)
}

fn at(case: &AssertCase, span: Span) -> Location {
    Location::new(case.file.clone(), span)
}

fn empty(case: &AssertCase, span: Span, what: &str, help: &str) -> Diagnostic {
    Diagnostic::new(Code::EmptyAssertion, format!("assertion \"{}\" {what}", case.decl.title.value))
        .at(at(case, span).labelled("it could never fail"))
        .with_help(help.to_owned())
}

fn unknown_name(case: &AssertCase, what: &str, name: &ast::Name, candidates: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::new(Code::UnknownName, format!("unknown {what} `{}`", name.text))
        .at(at(case, name.span).labelled("not declared"));
    if let Some(near) = nearest(&name.text, candidates.iter().copied()) {
        d = d.with_help(format!("did you mean `{near}`?"));
    }
    d
}

fn one(model: &Model, case: &AssertCase, line: usize, diags: &mut Vec<Diagnostic>) -> Option<Assertion> {
    let a = &case.decl;
    let before = diags.len();
    let chains = chains(model, case, diags);
    // Without `dates`, an assertion of a layer file speaks from the date that layer vouches
    // for its history; one of a file with no header, from the first date `prove` checks.
    let own_history = case.layer.as_deref().and_then(|id| model.layers.get(model.layer(id)?)?.history_from);
    let dates = match &a.dates {
        None => DateRange::Range { from: own_history, to: None },
        Some(d) => match &d.value {
            Dates::Changes => DateRange::Changes,
            Dates::Range { from, to } => {
                if let Some(to) = to
                    && to.value < from.value
                {
                    diags.push(empty(
                        case,
                        d.span,
                        &format!("speaks of no date: {} is before {}", to.value, from.value),
                        "write the earlier date after `from`",
                    ));
                }
                DateRange::Range { from: Some(from.value), to: to.as_ref().map(|t| t.value) }
            }
        },
    };
    let matches = matches(model, case, diags);
    let checks: Vec<Check> = a.requirements.iter().filter_map(|b| check(model, case, b, diags)).collect();
    if diags.len() > before {
        return None;
    }
    if chains.is_empty() {
        let span = a.jurisdictions.as_ref().map_or(a.title.span, |j| j.span);
        diags.push(empty(case, span, "speaks of no jurisdiction", "name at least one jurisdiction it holds in"));
        return None;
    }
    if let Some((axis, _)) = matches.iter().enumerate().find(|(_, m)| !m.iter().any(|x| *x)) {
        let name = AXES.get(axis).copied().unwrap_or("axis");
        let span = a.axes.iter().find(|p| p.axis.text == name).map_or(a.title.span, |p| p.span);
        diags.push(empty(
            case,
            span,
            &format!("speaks of no {name}"),
            "leave at least one value: `any except` takes values away",
        ));
        return None;
    }
    if checks.is_empty() {
        diags.push(empty(
            case,
            a.title.span,
            "requires nothing",
            "add a bound such as `require level at_least authorization`",
        ));
        return None;
    }
    Some(Assertion {
        title: a.title.value.clone(),
        file: case.file.clone(),
        line,
        span: a.title.span,
        chains,
        dates,
        follows_history: a.dates.is_none(),
        matches,
        checks,
        requires: a.requirements.iter().map(|b| b.value.to_string()).collect(),
    })
}

/// The layers whose chains the assertion names; without `jurisdiction`, the chains through
/// the layer of its file.
fn chains(model: &Model, case: &AssertCase, diags: &mut Vec<Diagnostic>) -> Vec<usize> {
    let ids: Vec<&str> = model.layers.iter().map(|l| l.id.as_str()).collect();
    let mut find = |n: &ast::Name| {
        let found = model.layer(&n.text);
        if found.is_none() && !model.unread_names.contains(&n.text) {
            diags.push(unknown_name(case, "jurisdiction", n, &ids));
        }
        found
    };
    let all: Vec<usize> = (0..model.layers.len()).collect();
    match case.decl.jurisdictions.as_ref().map(|j| &j.value) {
        Some(Chains::All { except }) => {
            let out: BTreeSet<usize> = except.iter().filter_map(&mut find).collect();
            all.into_iter().filter(|l| !out.contains(l)).collect()
        }
        Some(Chains::Listed(list)) => {
            list.iter().filter_map(&mut find).collect::<BTreeSet<usize>>().into_iter().collect()
        }
        None => {
            let Some(layer) = case.layer.as_deref().and_then(|id| model.layer(id)) else {
                diags.push(
                    Diagnostic::new(
                        Code::MissingField,
                        format!("assertion \"{}\" names no jurisdiction", case.decl.title.value),
                    )
                    .at(at(case, case.decl.title.span).labelled("which chains does it speak of?"))
                    .with_help("write `jurisdiction all`, a list such as `jurisdiction US-CA, US-NY`, or put it in a layer file"),
                );
                return Vec::new();
            };
            all.into_iter().filter(|l| model.chain(*l).contains(&layer)).collect()
        }
    }
}

/// Per axis, per value: whether the assertion's patterns reach it. An axis not named is
/// `any`; a value names its descendants too, as in rules.
fn matches(model: &Model, case: &AssertCase, diags: &mut Vec<Diagnostic>) -> Vec<Vec<bool>> {
    let mut out: Vec<Vec<bool>> = model.axes.iter().map(|a| vec![true; a.values.len()]).collect();
    let mut seen = vec![false; model.axes.len()];
    for p in &case.decl.axes {
        let Some(ai) = model.axis_index(&p.axis.text) else {
            let mut names: Vec<&str> = AXES.to_vec();
            names.extend(["jurisdiction", "dates", "as_of", "require"]);
            diags.push(unknown_name(case, "axis or field", &p.axis, &names));
            continue;
        };
        if let Some(s) = seen.get_mut(ai) {
            if *s {
                diags.push(
                    Diagnostic::new(
                        Code::DuplicateField,
                        format!("assertion \"{}\" has two `{}` patterns", case.decl.title.value, p.axis.text),
                    )
                    .at(at(case, p.span).labelled("second pattern"))
                    .with_help("list several values in one pattern: `category hiv, sti`"),
                );
                continue;
            }
            *s = true;
        }
        let (Some(axis), Some(slot)) = (model.axes.get(ai), out.get_mut(ai)) else { continue };
        let ids: Vec<&str> = axis.values.iter().map(|v| v.id.as_str()).collect();
        let (names, negate) = match &p.values {
            PatternValues::Any { except } => (except, true),
            PatternValues::Listed(list) => (list, false),
        };
        let listed: Vec<usize> = names
            .iter()
            .filter_map(|n| {
                let found = axis.find(&n.text);
                if found.is_none() && !model.unread_names.contains(&n.text) {
                    diags.push(unknown_name(case, &format!("{} value", axis.id), n, &ids));
                }
                found
            })
            .collect();
        *slot = axis.mask(&listed, negate);
    }
    out
}

fn term(
    model_terms: &[crate::model::TermModel],
    what: &str,
    case: &AssertCase,
    names: &[ast::Name],
    unread: &BTreeSet<String>,
    diags: &mut Vec<Diagnostic>,
) -> Vec<u32> {
    let ids: Vec<&str> = model_terms.iter().map(|t| t.id.as_str()).collect();
    names
        .iter()
        .filter_map(|n| {
            let found = model_terms.iter().position(|t| t.id == n.text).and_then(|i| u32::try_from(i).ok());
            if found.is_none() && !unread.contains(&n.text) {
                diags.push(unknown_name(case, what, n, &ids));
            }
            found
        })
        .collect()
}

/// The conditions an `unless` names, as a mask of condition indices; `None` when one is
/// unknown (reported).
fn set_aside(model: &Model, case: &AssertCase, names: &[ast::Name], diags: &mut Vec<Diagnostic>) -> Option<u128> {
    let found = term(&model.conditions, "condition", case, names, &model.unread_names, diags);
    if found.len() != names.len() {
        return None;
    }
    Some(found.iter().fold(0u128, |m, c| m | 1u128.checked_shl(*c).unwrap_or(0)))
}

fn check(model: &Model, case: &AssertCase, b: &ast::Spanned<Bound>, diags: &mut Vec<Diagnostic>) -> Option<Check> {
    let unread = &model.unread_names;
    Some(match &b.value {
        Bound::Level(Comparison::AtLeast, l, unless) => Check::LevelAtLeast(*l, set_aside(model, case, unless, diags)?),
        Bound::Level(Comparison::AtMost, l, unless) => {
            if let Some(first) = unless.first() {
                diags.push(
                    Diagnostic::new(Code::UncheckableBound, "`unless` sets ways aside only for a lower bound")
                        .at(at(case, first.span).labelled("here"))
                        .with_help("`level at_most` looks at what always suffices; conditional ways never set it"),
                );
                return None;
            }
            Check::LevelAtMost(*l)
        }
        Bound::Mandatory(m) => Check::Mandatory(*m),
        Bound::Deadline { comparison: Comparison::AtMost, days, unit, action } => {
            Check::DeadlineAtMost(Deadline { days: *days, unit: *unit, action: *action })
        }
        Bound::Deadline { comparison: Comparison::AtLeast, .. } => {
            diags.push(
                Diagnostic::new(Code::UncheckableBound, "a deadline is bounded from above only")
                    .at(at(case, b.span).labelled("`at_least` here"))
                    .with_help("write `require deadline at_most 30 calendar_days`: the answer has a deadline that ends no later"),
            );
            return None;
        }
        Bound::NotBasis(basis, unless) => Check::NotBasis(*basis, set_aside(model, case, unless, diags)?),
        Bound::Condition(n) => {
            let found = term(&model.conditions, "condition", case, std::slice::from_ref(n), unread, diags);
            Check::Condition(*found.first()? as usize)
        }
        Bound::Obligations(n) => Check::Obligations(term(&model.obligations, "obligation", case, n, unread, diags)),
        Bound::Elements(n) => Check::Elements(term(&model.elements, "authorization element", case, n, unread, diags)),
        Bound::Form(n) => Check::Form(term(&model.forms, "form constraint", case, n, unread, diags)),
        Bound::MaxValidity(Comparison::AtMost, d) => Check::MaxValidityAtMost(*d),
        Bound::MaxValidity(Comparison::AtLeast, d) => Check::MaxValidityAtLeast(*d),
        Bound::Governed => Check::Governed,
    })
}

/// Whether a way needs one of the conditions in `aside` (a mask of condition indices).
fn set_aside_in(way: stringent_policy::Way, aside: u128) -> bool {
    way.conditions().any(|c| aside & 1u128.checked_shl(c as u32).unwrap_or(0) != 0)
}

impl Check {
    /// The dimension the bound looks at; `None` for `governed`, which looks at provenance.
    pub fn dimension(&self) -> Option<Dimension> {
        Some(match self {
            Check::LevelAtLeast(..) | Check::LevelAtMost(_) | Check::NotBasis(..) | Check::Condition(_) => {
                Dimension::Permission
            }
            Check::Mandatory(_) => Dimension::Mandate,
            Check::DeadlineAtMost(_) => Dimension::Deadlines,
            Check::Obligations(_) => Dimension::Obligations,
            Check::Elements(_) => Dimension::AuthorizationElements,
            Check::Form(_) => Dimension::Form,
            Check::MaxValidityAtMost(_) | Check::MaxValidityAtLeast(_) => Dimension::MaxValidityDays,
            Check::Governed => return None,
        })
    }

    /// Whether an answer satisfies the bound.
    pub fn holds(&self, r: &Requirement<u32>, provenance: &[Inv]) -> bool {
        let all = |want: &[u32], have: &[u32]| want.iter().all(|w| have.contains(w));
        match self {
            // Every way counts, conditional or not: a way that needs less under some
            // condition is a way the disclosure can go.
            Check::LevelAtLeast(l, aside) => r
                .permission
                .ways()
                .iter()
                .filter(|w| !set_aside_in(**w, *aside))
                .all(|w| w.without_conditions().level() >= *l),
            Check::LevelAtMost(l) => r.permission.level() <= *l,
            Check::Mandatory(m) => r.mandatory == *m,
            Check::DeadlineAtMost(want) => r.deadlines.iter().any(|d| d.dominates(want)),
            Check::NotBasis(b, aside) => !r
                .permission
                .ways()
                .iter()
                .filter(|w| !set_aside_in(**w, *aside))
                .any(|w| b.way().covers(w.without_conditions())),
            Check::Condition(c) => r.permission.ways().iter().all(|w| w.conditions().any(|x| x == *c)),
            Check::Obligations(o) => all(o, &r.obligations),
            Check::Elements(e) => all(e, &r.elements),
            Check::Form(f) => all(f, &r.form),
            Check::MaxValidityAtMost(d) => r.max_validity_days.is_some_and(|v| v <= *d),
            Check::MaxValidityAtLeast(d) => r.max_validity_days.is_none_or(|v| v >= *d),
            Check::Governed => provenance.iter().any(|i| i.role != Role::Inactive),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Conditions are numbered by id up to `MAX_CONDITIONS` (120): an `unless` must set
    /// aside a way whose condition sorts past the 64th as surely as one before it. With a
    /// 64-bit mask the shipped Maine assertion failed once the vocabulary held 66.
    #[test]
    fn unless_sets_aside_conditions_past_the_sixty_fourth() {
        for c in [0usize, 15, 63, 64, 65, stringent_policy::MAX_CONDITIONS - 1] {
            let way = stringent_policy::Way::new(&[], &[c]);
            assert!(set_aside_in(way, 1u128 << c), "condition {c}");
            assert!(!set_aside_in(way, 1u128 << ((c + 1) % stringent_policy::MAX_CONDITIONS)), "condition {c}");
        }
    }
}
