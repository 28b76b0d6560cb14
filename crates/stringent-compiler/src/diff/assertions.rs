//! What the trees assert (docs/semantics.md, "Assertions"). An `assert` is a bound a
//! compliance officer signs; `prove` holds the rules to it. A change that loosens answers
//! and takes away, or weakens, the assertion that would have caught it must not pass the
//! gate as an edit of rules alone: an old assertion that no new assertion still implies is
//! reported and fails `--fail-on loosened`.
//!
//! Implication is judged by names, so that two trees with different vocabularies compare:
//! a new assertion implies an old one when it speaks of at least the same jurisdictions,
//! values and dates (two written without `dates` both speak of their layer's history,
//! whatever `history from` says: moving it is judged as history, not here), and each old
//! bound is implied by one of its bounds (a level at least
//! as high with no more ways set aside, a deadline that dominates, a superset of
//! obligations, …). It is sound, not complete: an assertion split in two is reported as
//! weakened, and a reviewer accepts it by running without the gate.

use crate::assertions::{Assertion, Check, DateRange};
use crate::model::{Model, TermModel};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use stringent_policy::{Basis, Deadline, Level};
use stringent_syntax::Date;

/// An assertion of the old tree that no assertion of the new tree implies, or one the new
/// tree added.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AssertionChange {
    pub title: String,
    pub change: AssertionChangeKind,
    /// The old assertion's `require` lines (the new one's for an added assertion).
    pub requires: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AssertionChangeKind {
    /// No assertion of the new tree carries its title, and none implies it.
    Removed,
    /// An assertion of the new tree carries its title but speaks of less, or bounds less,
    /// and no other implies it.
    Weakened,
    /// Its title is new. It only adds guarantees.
    Added,
}

impl AssertionChangeKind {
    /// It takes a guarantee away: fails the gate.
    pub fn weakens(self) -> bool {
        matches!(self, AssertionChangeKind::Removed | AssertionChangeKind::Weakened)
    }
}

/// One bound with the model's indices replaced by names.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Bound {
    LevelAtLeast(Level, BTreeSet<String>),
    LevelAtMost(Level),
    Mandatory(bool),
    DeadlineAtMost(Deadline),
    NotBasis(Basis, BTreeSet<String>),
    Condition(String),
    Obligations(BTreeSet<String>),
    Elements(BTreeSet<String>),
    Form(BTreeSet<String>),
    MaxValidityAtMost(u32),
    MaxValidityAtLeast(u32),
    Governed,
}

impl Bound {
    /// Every answer that satisfies `self` satisfies `old`.
    fn implies(&self, old: &Bound) -> bool {
        use Bound::*;
        match (self, old) {
            (LevelAtLeast(l, aside), LevelAtLeast(lo, aside_o)) => l >= lo && aside.is_subset(aside_o),
            (LevelAtMost(l), LevelAtMost(lo)) => l <= lo,
            (Mandatory(m), Mandatory(mo)) => m == mo,
            (DeadlineAtMost(d), DeadlineAtMost(dold)) => d.dominates(dold),
            (NotBasis(b, aside), NotBasis(bo, aside_o)) => b == bo && aside.is_subset(aside_o),
            (Condition(c), Condition(co)) => c == co,
            (Obligations(s), Obligations(so)) | (Elements(s), Elements(so)) | (Form(s), Form(so)) => s.is_superset(so),
            (MaxValidityAtMost(d), MaxValidityAtMost(dold)) => d <= dold,
            (MaxValidityAtLeast(d), MaxValidityAtLeast(dold)) => d >= dold,
            (Governed, Governed) => true,
            _ => false,
        }
    }
}

/// An assertion by names: what it speaks of and what it requires there.
struct Named {
    title: String,
    requires: Vec<String>,
    jurisdictions: BTreeSet<String>,
    /// Per axis id, the value ids it speaks of.
    values: BTreeMap<String, BTreeSet<String>>,
    dates: DateRange,
    /// Written without `dates`: it speaks of its layer's history, whatever date that is.
    follows_history: bool,
    bounds: Vec<Bound>,
}

/// `from` no later and `to` no earlier; `None` is the open end. Only-the-change-dates
/// speaks of fewer dates than any range that holds them, so it implies only itself.
fn dates_cover(new: DateRange, old: DateRange) -> bool {
    let from_ok = |n: Option<Date>, o: Option<Date>| match (n, o) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(n), Some(o)) => n <= o,
    };
    let to_ok = |n: Option<Date>, o: Option<Date>| match (n, o) {
        (None, _) => true,
        (Some(_), None) => false,
        (Some(n), Some(o)) => n >= o,
    };
    match (new, old) {
        (DateRange::Range { from, to }, DateRange::Range { from: fo, to: to_o }) => {
            from_ok(from, fo) && to_ok(to, to_o)
        }
        (DateRange::Range { from: None, to: None }, DateRange::Changes) => true,
        (DateRange::Changes, DateRange::Changes) => true,
        _ => false,
    }
}

impl Named {
    fn new(model: &Model, a: &Assertion) -> Self {
        let names = |terms: &[TermModel], ids: &[u32]| -> BTreeSet<String> {
            ids.iter().filter_map(|i| terms.get(*i as usize)).map(|t| t.id.clone()).collect()
        };
        let conditions = |mask: u128| -> BTreeSet<String> {
            (0..model.conditions.len())
                .filter(|c| mask & 1u128.checked_shl(*c as u32).unwrap_or(0) != 0)
                .filter_map(|c| model.conditions.get(c))
                .map(|t| t.id.clone())
                .collect()
        };
        let bounds = a
            .checks
            .iter()
            .map(|c| match c {
                Check::LevelAtLeast(l, aside) => Bound::LevelAtLeast(*l, conditions(*aside)),
                Check::LevelAtMost(l) => Bound::LevelAtMost(*l),
                Check::Mandatory(m) => Bound::Mandatory(*m),
                Check::DeadlineAtMost(d) => Bound::DeadlineAtMost(*d),
                Check::NotBasis(b, aside) => Bound::NotBasis(*b, conditions(*aside)),
                Check::Condition(c) => {
                    Bound::Condition(model.conditions.get(*c).map(|t| t.id.clone()).unwrap_or_default())
                }
                Check::Obligations(o) => Bound::Obligations(names(&model.obligations, o)),
                Check::Elements(e) => Bound::Elements(names(&model.elements, e)),
                Check::Form(f) => Bound::Form(names(&model.forms, f)),
                Check::MaxValidityAtMost(d) => Bound::MaxValidityAtMost(*d),
                Check::MaxValidityAtLeast(d) => Bound::MaxValidityAtLeast(*d),
                Check::Governed => Bound::Governed,
            })
            .collect();
        let values = model
            .axes
            .iter()
            .zip(&a.matches)
            .map(|(axis, m)| {
                let on = axis.values.iter().zip(m).filter(|(_, on)| **on).map(|(v, _)| v.id.clone());
                (axis.id.clone(), on.collect())
            })
            .collect();
        Named {
            title: a.title.clone(),
            requires: a.requires.clone(),
            jurisdictions: a.chains.iter().filter_map(|l| model.layers.get(*l)).map(|l| l.id.clone()).collect(),
            values,
            dates: a.dates,
            follows_history: a.follows_history,
            bounds,
        }
    }

    /// Every cell, chain and date `old` speaks of, `self` speaks of, and each of `old`'s
    /// bounds follows from one of `self`'s.
    fn implies(&self, old: &Named) -> bool {
        self.jurisdictions.is_superset(&old.jurisdictions)
            && old.values.iter().all(|(axis, vs)| self.values.get(axis).is_some_and(|n| n.is_superset(vs)))
            && ((self.follows_history && old.follows_history) || dates_cover(self.dates, old.dates))
            && old.bounds.iter().all(|o| self.bounds.iter().any(|n| n.implies(o)))
    }
}

/// The assertions of `old` that no assertion of `new` implies (removed or weakened), and the
/// assertions whose titles only `new` has (added), by title.
pub fn assertion_changes(old: &Model, new: &Model) -> Vec<AssertionChange> {
    let named = |m: &Model| -> Vec<Named> {
        let (asserted, _) = crate::assertions::resolve(m, &|_, _| 0);
        asserted.iter().map(|a| Named::new(m, a)).collect()
    };
    let (olds, news) = (named(old), named(new));
    let mut out = Vec::new();
    for o in &olds {
        if news.iter().any(|n| n.implies(o)) {
            continue;
        }
        let change = if news.iter().any(|n| n.title == o.title) {
            AssertionChangeKind::Weakened
        } else {
            AssertionChangeKind::Removed
        };
        out.push(AssertionChange { title: o.title.clone(), change, requires: o.requires.clone() });
    }
    for n in news.iter().filter(|n| !olds.iter().any(|o| o.title == n.title)) {
        out.push(AssertionChange {
            title: n.title.clone(),
            change: AssertionChangeKind::Added,
            requires: n.requires.clone(),
        });
    }
    out
}
