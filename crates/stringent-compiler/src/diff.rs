//! `stringent diff`: the exact semantic difference between two compiled rule trees. The
//! domain is finite, so every cell is compared; cells that changed the same way because
//! of the same rules are reported together, each dimension labelled tightened, loosened
//! or changed (incomparable), with the deciding rules and citations on each side.
//!
//! When the vocabulary changed, cells are matched by value id, not position: a probable
//! rename is compared under its old id, a new value with its nearest ancestor that the
//! old vocabulary knew (a rule on a value binds its descendants, so that is the answer a
//! question about it would have had). Ids that vanished are reported; where questions or
//! answers used them, the change is breaking ([`Diff::breaking`]), and so is an HL7 code
//! taken from a value or term or a changed notice text: answers no longer carry them.
//!
//! Rules take effect and expire on dates, so two trees that answer alike today may part
//! later: [`diff_over_time`] also compares them on every later date on which a rule of
//! either tree takes effect or expires.

mod assertions;
mod justification;
mod vouched;

pub use assertions::{AssertionChange, AssertionChangeKind, assertion_changes};
pub use vouched::{SilenceChange, TopicChange, silence_changes, topic_changes};

use crate::Compilation;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use stringent_policy::artifact::{
    AxisValue, ObligationInfo, Policy, RequirementRecord, Role, Term, WayRecord, describe_ways,
};
use stringent_policy::grid::{Grid, RegionIndex};
use stringent_policy::{Dimension, Requirement};
use stringent_syntax::Date;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    Tightened,
    Loosened,
    Changed,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DimensionChange {
    pub dimension: Dimension,
    pub direction: Direction,
    pub old: String,
    pub new: String,
    /// The rules that decided this dimension before and after, with their citations.
    pub old_rules: Vec<RuleRef>,
    pub new_rules: Vec<RuleRef>,
    /// The federal rule deferring to state law that stepped aside here, or came back, and
    /// took this dimension's old value with it (docs/semantics.md, "Deferral"): the change
    /// is credited to the rules that moved it (`new_rules`) and judged with the dimensions
    /// the state spoke to ([`Deferral`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferral: Option<String>,
    /// The rules whose justification may count for this change ([`Judged::vouchers`]):
    /// changed rules that decide this dimension on either side, or that set aside through
    /// `excepts` a rule that decided it before. `None` when the trees' rules are not known:
    /// then `new_rules` vouch.
    #[serde(skip)]
    pub vouchers: Option<Vec<RuleRef>>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleRef {
    pub rule: String,
    pub layer: String,
    pub citation: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
    /// The rule decides something else than in the old tree and its justification was
    /// left as it was: written for the rule as it stood, it does not count here
    /// ([`justification::stale`]).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub stale: bool,
}

/// Cells of one jurisdiction that changed the same way.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeGroup {
    pub jurisdiction: String,
    pub cells: usize,
    /// A few of the cells, as `category hiv, purpose treatment, …` (`cell_label`).
    pub examples: Vec<String>,
    /// Every value each axis takes among the group's cells, in vocabulary order: what a
    /// reviewer reads to see every question the change reaches, not only the examples
    /// (a rule widened to `data_broker` shows it here whatever the examples pick).
    pub span: Vec<AxisSpan>,
    /// The group holds every combination of the span's values (`cells` is their product):
    /// the span is then the group exactly, else a bound around it.
    pub span_exact: bool,
    /// Where the vocabulary changed, the new values of these cells compared with other
    /// old ones: `category: std as sti (renamed)`. Empty when every id is unchanged.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compared_with: Vec<String>,
    pub changes: Vec<DimensionChange>,
    /// The rules in these cells, on either side, whose definition differs between the trees
    /// (changed, added or removed): what made the answer change. Only their justifications
    /// count for the gate: a rule left as it was decides what it decided before, and its
    /// reason does not speak for what another rule's change (an `excepts` added, a stricter
    /// rule narrowed or removed) made of these cells. `None` when the trees' rules are not
    /// known (policies compared alone), where the rules credited with the new answer count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub changed_by: Option<Vec<RuleRef>>,
    /// Whether a rule in force reaches these cells changed ([`GovernedChange`]). Set also
    /// where no dimension changed: the same `allowed` that no law reached before and a rule
    /// decides now is a different claim (docs/semantics.md, "Governed answers").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub governed: Option<GovernedChange>,
}

/// The values one axis takes among the cells of a change group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AxisSpan {
    pub axis: String,
    /// The values, in vocabulary order.
    pub values: Vec<String>,
    /// Every value of the axis is among them.
    pub all: bool,
}

/// The per-axis values met among a group's cells, built cell by cell.
#[derive(Debug, Clone)]
struct SpanSeen(Vec<Vec<bool>>);

impl SpanSeen {
    fn new(sizes: &[usize]) -> Self {
        SpanSeen(sizes.iter().map(|n| vec![false; *n]).collect())
    }

    fn add(&mut self, point: &[u32]) {
        for (seen, v) in self.0.iter_mut().zip(point) {
            if let Some(slot) = seen.get_mut(*v as usize) {
                *slot = true;
            }
        }
    }

    fn merge(&mut self, other: &SpanSeen) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            for (x, y) in a.iter_mut().zip(b) {
                *x |= *y;
            }
        }
    }

    /// In words, with whether `cells` fill it.
    fn spans(&self, p: &Policy, cells: usize) -> (Vec<AxisSpan>, bool) {
        let spans: Vec<AxisSpan> = self
            .0
            .iter()
            .zip(&p.vocabulary.axes)
            .map(|(seen, axis)| AxisSpan {
                axis: axis.id.clone(),
                values: seen.iter().zip(&axis.values).filter(|(s, _)| **s).map(|(_, v)| v.id.clone()).collect(),
                all: seen.iter().all(|s| *s),
            })
            .collect();
        let product = spans.iter().try_fold(1usize, |acc, s| acc.checked_mul(s.values.len()));
        (spans, product == Some(cells))
    }
}

/// A cell that no rule in force reached before and one reaches now, or the reverse. An
/// ungoverned `allowed` tells its reader that no law was found and the answer needs review;
/// a governed one says a law permits it. A rule that makes cells governed without changing
/// their answer removes that warning, so it is reported, and gated like a loosening.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GovernedChange {
    /// Governed in the new tree (it was not in the old), or the reverse.
    pub now: bool,
    /// The rules that reach the cells on the governed side: now if `now`, before otherwise.
    pub rules: Vec<RuleRef>,
    /// The changed rules among `rules` ([`Judged`]), whose justification may count; `None`
    /// when the trees' rules are not known: then `rules` vouch.
    #[serde(skip)]
    pub vouchers: Option<Vec<RuleRef>>,
}

impl DimensionChange {
    /// The rules whose justification may count for this change.
    pub fn vouchers(&self) -> &[RuleRef] {
        self.vouchers.as_deref().unwrap_or(&self.new_rules)
    }

    /// The disclosure became mandatory. The order ranks it stricter (a duty added), but it
    /// compels the disclosure, which protects the patient less: gated like a loosening.
    pub fn adds_mandate(&self) -> bool {
        self.dimension == Dimension::Mandate && self.direction == Direction::Tightened
    }
}

impl ChangeGroup {
    /// Loosened, or changed in a way the order cannot rank (an authorization element swapped
    /// for another: no proof it is not looser), or made mandatory, and no rule deciding the
    /// new answer says why.
    pub fn unjustified_loosening(&self) -> bool {
        self.unjustified_dimension_loosening() || self.unjustified_governance() || self.unjustified_mandate()
    }

    /// A disclosure made mandatory where it was not, and no rule that made it so says why
    /// ([`DimensionChange::adds_mandate`]): a made-up duty to disclose to a data broker must
    /// not pass for a tightening, on cells some rule reached before as on the others.
    pub fn unjustified_mandate(&self) -> bool {
        self.changes.iter().any(|c| c.adds_mandate() && unjustified(c.vouchers()))
    }

    /// A dimension loosened or changed, and no rule deciding the new answer says why.
    pub fn unjustified_dimension_loosening(&self) -> bool {
        self.changes.iter().filter(|c| c.direction != Direction::Tightened).any(|c| unjustified(c.vouchers()))
    }

    /// No longer flagged as an answer no law reaches, with the disclosure no harder to make
    /// than before (the permission not tightened: at most a duty or a mandate added), and no
    /// rule that reaches the cells now says why: only a rule that says which law permits it
    /// may take the warning away. A made-up rule that "permits" a health app's sale and adds
    /// a notice must not pass, nor one that makes the disclosure mandatory: a mandate ranks
    /// stricter in the order (it adds a duty) but compels the disclosure, which protects the
    /// patient less, not more.
    pub fn unjustified_governance(&self) -> bool {
        let restricts =
            self.changes.iter().any(|c| c.dimension == Dimension::Permission && c.direction == Direction::Tightened);
        // A mandate that did it is reported once, as a mandate (`unjustified_mandate`).
        !restricts
            && !self.unjustified_mandate()
            && self.governed.as_ref().is_some_and(|g| g.now && unjustified(g.vouchers.as_deref().unwrap_or(&g.rules)))
    }
}

/// What the whole of both trees says of their rules, for judging a change's justification:
/// which rules changed, whose justification is stale, and each new rule's justification.
pub struct Judged {
    changed: BTreeSet<String>,
    stale: BTreeSet<String>,
    justifications: HashMap<String, Option<String>>,
    /// The new tree's rules: the ids each sets aside.
    excepts: HashMap<String, Vec<String>>,
}

impl Judged {
    pub fn new(old: &crate::model::Model, new: &crate::model::Model) -> Self {
        let changed = justification::changed(old, new);
        Judged {
            stale: justification::stale(old, new, &changed),
            changed,
            justifications: new.rules.iter().map(|r| (r.id.clone(), r.justification.clone())).collect(),
            excepts: new
                .rules
                .iter()
                .map(|r| {
                    let ids = r.excepts.iter().filter_map(|e| new.rules.get(*e)).map(|e| e.id.clone()).collect();
                    (r.id.clone(), ids)
                })
                .collect(),
        }
    }

    /// Of the rules that changed in a group's cells (`movers`), those that can have made
    /// this dimension change: a rule that decides it on either side (`old_rules`,
    /// `new_rules`, with a deferral's causes), or that sets aside through `excepts` a rule
    /// that decided it before. A changed rule that states another dimension, or that is
    /// not in force in these cells, did not make the change and does not vouch for it.
    fn vouchers(&self, movers: &[RuleRef], change: &DimensionChange) -> Vec<RuleRef> {
        let decided: BTreeSet<&str> =
            change.old_rules.iter().chain(&change.new_rules).map(|r| r.rule.as_str()).collect();
        let set_aside = |r: &RuleRef| {
            self.excepts.get(&r.rule).is_some_and(|ex| ex.iter().any(|e| change.old_rules.iter().any(|o| &o.rule == e)))
        };
        movers.iter().filter(|r| decided.contains(r.rule.as_str()) || set_aside(r)).cloned().collect()
    }

    /// The rules of two provenance lists, in force there, whose definition changed, with the
    /// justification the new tree gives them (none for a rule it removed), in id order.
    fn movers(&self, old: &Policy, opv: u32, new: &Policy, npv: u32) -> Vec<RuleRef> {
        let mut out: Vec<RuleRef> = Vec::new();
        for (p, prov) in [(new, npv), (old, opv)] {
            // A rule not in force in these cells on this side decided nothing there.
            for inv in p.provenance.get(prov as usize).into_iter().flatten().filter(|i| i.role != Role::Inactive) {
                let Some(mut r) = rule_ref(p, inv.rule) else { continue };
                if !self.changed.contains(&r.rule) || out.iter().any(|o| o.rule == r.rule) {
                    continue;
                }
                r.justification = self.justifications.get(&r.rule).cloned().flatten();
                r.stale = self.stale.contains(&r.rule);
                out.push(r);
            }
        }
        out.sort_by(|a, b| a.rule.cmp(&b.rule));
        out
    }
}

/// No rule credited, or none of them carries a `justification`.
fn unjustified(rules: &[RuleRef]) -> bool {
    rules.is_empty() || rules.iter().all(|r| r.justification.is_none() || r.stale)
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub added: Vec<String>,
    pub removed: Vec<String>,
    pub groups: Vec<ChangeGroup>,
    /// Values and terms added, removed, renamed, moved or edited, over all jurisdictions.
    pub vocabulary: Vec<VocabularyChange>,
    /// Layers whose `history from` changed: from which date their answers are complete
    /// (docs/semantics.md, "History"). No answer changes with it, but an earlier date (or
    /// none) takes the `history_incomplete` warning away from answers before the old one:
    /// that fails the gate ([`HistoryChange::vouches_for_more`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<HistoryChange>,
    /// Jurisdictions whose chain of layers changed: fails the gate, for a review.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<ChainChange>,
    /// Later dates on which a rule of either tree takes effect or expires and the
    /// difference is not the one of the date before: the groups as of each.
    pub later: Vec<LaterDiff>,
    /// Earlier dates, from the earliest `history from` of either tree, whose difference is
    /// not the one of the date before nor the one of the date asked: past answers are law
    /// an audit asks about, so a loosening there fails the gate too.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub earlier: Vec<LaterDiff>,
    /// What each added jurisdiction changes, compared with its parent chain in the new
    /// tree: the answers the same questions got before the layer existed. Gated like the
    /// rest: a new state can loosen its parent chain only where federal law defers to
    /// state law (a minor's parent), and such a loosening must say which law permits it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub new_layers: Vec<NewLayer>,
    /// Coverage topics removed or narrowed: no answer changes with them, but `coverage`
    /// and every `silent` declaration on them then vouch for less. Fails the gate.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub topics: Vec<TopicChange>,
    /// `silent` declarations added, removed or whose confidence changed. No answer changes
    /// with them, but a gap that becomes a claim takes the answers' `law_unread` warning
    /// away: that fails the gate unless the new claim names a later `searched` date.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub silences: Vec<SilenceChange>,
    /// Assertions of the old tree that no assertion of the new tree implies (removed or
    /// weakened: fails the gate), and assertions added.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub assertions: Vec<AssertionChange>,
}

/// An added jurisdiction's answers against its parent chain's, as of the date asked.
#[derive(Debug, Clone, Serialize)]
pub struct NewLayer {
    pub jurisdiction: String,
    /// The parent chain's jurisdiction (the layer the new one stands under).
    pub parent: String,
    pub groups: Vec<ChangeGroup>,
}

impl NewLayer {
    /// The new layer loosens its parent chain somewhere and no rule deciding it says why.
    pub fn unjustified_loosening(&self) -> bool {
        self.groups.iter().any(ChangeGroup::unjustified_loosening)
    }
}

/// A layer whose declared `history from` differs between the trees.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct HistoryChange {
    pub layer: String,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The new tree vouches for answers the old one warned about: its date is earlier, or
    /// it declares none (an undeclared layer is not named in `history_incomplete`).
    pub vouches_for_more: bool,
}

/// A jurisdiction in both trees whose chain of layers differs: it moved under another
/// parent, or a layer was put in or taken out between. Its cells show what changed in the
/// answers, but not what a layer taken out vouched for (its `history from`, its silences).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct ChainChange {
    pub jurisdiction: String,
    /// The layers, federal first.
    pub old: Vec<String>,
    pub new: Vec<String>,
}

/// The changed cells as of a date after the one asked.
#[derive(Debug, Clone, Serialize)]
pub struct LaterDiff {
    pub as_of: String,
    pub groups: Vec<ChangeGroup>,
}

impl LaterDiff {
    pub fn unjustified_loosening(&self) -> bool {
        self.groups.iter().any(ChangeGroup::unjustified_loosening)
    }
}

impl Diff {
    /// An answer loosened, as of the date asked or a later one.
    pub fn loosened(&self) -> bool {
        self.groups
            .iter()
            .chain(self.later.iter().chain(&self.earlier).flat_map(|l| &l.groups))
            .any(|g| g.changes.iter().any(|c| c.direction == Direction::Loosened))
    }
    /// An answer loosened without a justification, as of the date asked or a later one.
    pub fn unjustified_loosening(&self) -> bool {
        self.groups.iter().any(ChangeGroup::unjustified_loosening)
            || self.later.iter().any(LaterDiff::unjustified_loosening)
            || self.earlier.iter().any(LaterDiff::unjustified_loosening)
            || self.new_layers.iter().any(NewLayer::unjustified_loosening)
    }
    /// A jurisdiction, value or term that answers used is gone: questions that named it
    /// are refused, or answers no longer say it. No rule can justify that; it is a change
    /// of the public contract, for a reviewer to accept by running without the gate.
    pub fn breaking(&self) -> bool {
        !self.removed.is_empty() || self.vocabulary.iter().any(|v| v.breaking)
    }
    /// A layer's history now reaches further back (or is no longer declared): answers
    /// before the old date stop warning that they may miss law then in force.
    /// A jurisdiction's chain of layers changed ([`ChainChange`]).
    pub fn chain_changed(&self) -> bool {
        !self.chains.is_empty()
    }

    pub fn history_widened(&self) -> bool {
        self.history.iter().any(|h| h.vouches_for_more)
    }
    /// A value was added to an axis with no ancestor the old vocabulary knew (a new root):
    /// its cells have no old answer to be compared with, so whatever the rules answer there,
    /// a loosening or a mandate included, no group shows it.
    pub fn values_uncompared(&self) -> Vec<&VocabularyChange> {
        self.vocabulary
            .iter()
            .filter(|v| {
                v.kind == TermKind::Value && v.change == VocabularyChangeKind::Added && v.compared_with.is_none()
            })
            .collect()
    }

    /// An assertion of the old tree was removed or weakened, and no assertion of the new
    /// tree implies it: a guarantee `prove` held the rules to is gone.
    pub fn assertions_weakened(&self) -> bool {
        self.assertions.iter().any(|a| a.change.weakens())
    }

    /// A coverage topic was removed or narrowed: the audit vouches for less.
    pub fn coverage_narrowed(&self) -> bool {
        !self.topics.is_empty()
    }

    /// A gap became a claim that nothing stricter exists without a later `searched` date:
    /// answers stopped warning that the law was not read, and nothing says it was read since.
    pub fn gap_closed_unchecked(&self) -> bool {
        self.silences.iter().any(|s| s.unchecked)
    }
}

/// What a vocabulary entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TermKind {
    Value,
    AuthorizationElement,
    Form,
    Obligation,
    /// A condition a way of permission may need (its title is its definition).
    Condition,
}

impl TermKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TermKind::Value => "value",
            TermKind::AuthorizationElement => "authorization_element",
            TermKind::Form => "form",
            TermKind::Condition => "condition",
            TermKind::Obligation => "obligation",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum VocabularyChangeKind {
    Added,
    Removed,
    /// An id vanished and a new one took its place (same title, HL7 codes or place in the
    /// hierarchy): probably a rename, and compared as one.
    Renamed,
    /// A value kept its id under another parent.
    Moved,
    /// A value or term kept its id (or was renamed) and one of its fields changed: see
    /// [`VocabularyChange::field`].
    Edited,
}

/// One value or term added, removed, renamed or moved.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct VocabularyChange {
    pub kind: TermKind,
    /// The axis of a value.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub axis: Option<String>,
    pub change: VocabularyChangeKind,
    pub old: Option<String>,
    pub new: Option<String>,
    /// The parent of an added or moved value (before and after for a move).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub old_parent: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub new_parent: Option<String>,
    /// Why a rename is taken for one: `same title`, `same HL7 codes`, `same place`.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub evidence: Vec<String>,
    /// For an added value: the old value its cells were compared with, or none.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub compared_with: Option<String>,
    /// For an edit: the field changed (`title`, `hl7`, `text`), and how it read before
    /// and after (HL7 codes sorted and comma-separated; an absent text as none).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub was: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub now: Option<String>,
    /// Questions or answers that named the old id no longer work: fails the gate.
    pub breaking: bool,
}

/// Compare the policies of two trees, jurisdiction by jurisdiction.
pub fn diff(old: &[Policy], new: &[Policy]) -> Diff {
    diff_judged(old, new, None)
}

/// [`diff`], with the justifications judged against the trees' rules when they are known.
fn diff_judged(old: &[Policy], new: &[Policy], judged: Option<&Judged>) -> Diff {
    let by_id = |ps: &[Policy]| -> BTreeMap<String, usize> {
        ps.iter().enumerate().map(|(i, p)| (p.jurisdiction().to_owned(), i)).collect()
    };
    let (o, n) = (by_id(old), by_id(new));
    let mut out = Diff {
        added: n.keys().filter(|k| !o.contains_key(*k)).cloned().collect(),
        removed: o.keys().filter(|k| !n.contains_key(*k)).cloned().collect(),
        groups: Vec::new(),
        vocabulary: Vec::new(),
        history: Vec::new(),
        chains: Vec::new(),
        later: Vec::new(),
        earlier: Vec::new(),
        new_layers: Vec::new(),
        topics: Vec::new(),
        silences: Vec::new(),
        assertions: Vec::new(),
    };
    // An added layer is compared with the chain it stands under, in the same tree.
    for j in &out.added {
        let Some(np) = n.get(j).and_then(|i| new.get(*i)) else { continue };
        let Some(parent) = np.chain.len().checked_sub(2).and_then(|i| np.chain.get(i)) else { continue };
        let Some(pp) = n.get(&parent.id).and_then(|i| new.get(*i)) else { continue };
        let (groups, _) = diff_policy(pp, np, judged);
        out.new_layers.push(NewLayer { jurisdiction: j.clone(), parent: parent.id.clone(), groups });
    }
    let mut vocabulary = BTreeSet::new();
    let mut history = BTreeSet::new();
    for (j, ni) in &n {
        let (Some(op), Some(np)) = (o.get(j).and_then(|i| old.get(*i)), new.get(*ni)) else { continue };
        let ids = |p: &Policy| -> Vec<String> { p.chain.iter().map(|l| l.id.clone()).collect() };
        if ids(op) != ids(np) {
            out.chains.push(ChainChange { jurisdiction: j.clone(), old: ids(op), new: ids(np) });
        }
        let (groups, changes) = diff_pair(op, np, judged);
        out.groups.extend(groups);
        vocabulary.extend(changes);
        // Every layer of the chain, so a parent's change shows even where only a child's
        // chain is compiled; the set keeps each layer once.
        for nl in &np.chain {
            if let Some(ol) = op.chain.iter().find(|l| l.id == nl.id)
                && ol.history_from != nl.history_from
            {
                let vouches_for_more = match (&ol.history_from, &nl.history_from) {
                    (Some(old), Some(new)) => new < old,
                    (old, new) => old.is_some() && new.is_none(),
                };
                history.insert(HistoryChange {
                    layer: nl.id.clone(),
                    old: ol.history_from.clone(),
                    new: nl.history_from.clone(),
                    vouches_for_more,
                });
            }
        }
    }
    out.vocabulary = once_each(vocabulary);
    out.history = history.into_iter().collect();
    out
}

fn diff_pair(old: &Policy, new: &Policy, judged: Option<&Judged>) -> (Vec<ChangeGroup>, Vec<VocabularyChange>) {
    if old.content_hash != new.content_hash || old.provenance != new.provenance {
        diff_policy(old, new, judged)
    } else {
        (Vec::new(), Vec::new())
    }
}

/// [`diff`] of two compiled trees as of their date, and then as of every later date on
/// which a rule of either tree takes effect or expires. On each such date only the chains
/// holding a layer with such a rule are resolved again; the others answer as the day
/// before. A date is reported when its groups differ from the date before's.
/// Both trees must be compiled as of the same date: the first one compared. More later
/// dates than [`crate::limits::MAX_LATER_DATES`] are refused rather than compared in part:
/// a gate that cannot look at every date must not pass.
pub fn diff_over_time(old: &Compilation, new: &Compilation) -> Result<Diff, String> {
    let judged = Judged::new(&old.model, &new.model);
    let mut out = diff_judged(&old.policies(), &new.policies(), Some(&judged));
    out.topics = topic_changes(&old.model, &new.model);
    out.silences = silence_changes(&old.model, &new.model);
    out.assertions = assertion_changes(&old.model, &new.model);
    let as_of = new.as_of;
    // The answers of past dates are law too (an audit asks about 2016): from the earliest
    // date either tree declares its history complete, every date before the one asked.
    let start = [old, new]
        .iter()
        .flat_map(|c| c.model.layers.iter().filter_map(|l| l.history_from))
        .min()
        .filter(|d| *d < as_of);
    // Date → the ids of the layers whose rules change on it.
    let mut later: BTreeMap<Date, BTreeSet<&str>> = BTreeMap::new();
    let mut earlier: BTreeMap<Date, BTreeSet<&str>> = BTreeMap::new();
    for c in [old, new] {
        for r in &c.model.rules {
            let Some(layer) = c.model.layers.get(r.layer) else { continue };
            for d in r.change_dates() {
                if d > as_of {
                    later.entry(d).or_default().insert(layer.id.as_str());
                } else if start.is_some_and(|s| d > s && d < as_of) {
                    earlier.entry(d).or_default().insert(layer.id.as_str());
                }
            }
        }
    }
    if later.len() > crate::limits::MAX_LATER_DATES {
        return Err(format!(
            "the two trees change on {} dates after {as_of}; at most {} are compared (README.md, \"Limits\"): give a later first date (`diff --as-of`, `prove --from`)",
            later.len(),
            crate::limits::MAX_LATER_DATES
        ));
    }
    if earlier.len() > crate::limits::MAX_LATER_DATES {
        return Err(format!(
            "the two trees change on {} dates before {as_of} (their history is complete from {}); at most {} are compared (README.md, \"Limits\")",
            earlier.len(),
            start.map(|s| s.to_string()).unwrap_or_default(),
            crate::limits::MAX_LATER_DATES
        ));
    }
    let compared = Compared::new(old, new, &judged);
    // The date asked: the groups already computed, for the jurisdictions in both trees and
    // for each added one against its parent chain.
    let mut current: BTreeMap<String, Vec<ChangeGroup>> = compared.keys().map(|k| (k, Vec::new())).collect();
    for g in &out.groups {
        if let Some(gs) = current.get_mut(&g.jurisdiction) {
            gs.push(g.clone());
        }
    }
    for l in &out.new_layers {
        current.insert(l.jurisdiction.clone(), l.groups.clone());
    }
    let at_as_of = current.clone();
    let mut previous: Vec<ChangeGroup> = current.values().flatten().cloned().collect();
    for (date, layers) in later {
        compared.update(&mut current, date, Some(&layers));
        let groups: Vec<ChangeGroup> = current.values().flatten().cloned().collect();
        if groups != previous {
            out.later.push(LaterDiff { as_of: date.to_string(), groups: groups.clone() });
            previous = groups;
        }
    }
    // Before the date asked: every chain on the first date, then forward. A date is shown
    // where its groups differ from the date before's and from the date asked's (a change
    // in force throughout is shown once, as of the date asked).
    if let Some(first) = start {
        let mut current: BTreeMap<String, Vec<ChangeGroup>> = compared.keys().map(|k| (k, Vec::new())).collect();
        compared.update(&mut current, first, None);
        let mut previous = Vec::new();
        let asked: Vec<ChangeGroup> = at_as_of.values().flatten().cloned().collect();
        for (date, layers) in std::iter::once((first, None)).chain(earlier.iter().map(|(d, l)| (*d, Some(l)))) {
            if date != first {
                compared.update(&mut current, date, layers);
            }
            let groups: Vec<ChangeGroup> = current.values().flatten().cloned().collect();
            if groups != previous && groups != asked {
                out.earlier.push(LaterDiff { as_of: date.to_string(), groups: groups.clone() });
            }
            previous = groups;
        }
    }
    let stale = &judged.stale;
    if !stale.is_empty() {
        let groups = out
            .groups
            .iter_mut()
            .chain(out.later.iter_mut().chain(out.earlier.iter_mut()).flat_map(|l| l.groups.iter_mut()))
            .chain(out.new_layers.iter_mut().flat_map(|l| l.groups.iter_mut()));
        for g in groups {
            let refs = g
                .changes
                .iter_mut()
                .flat_map(|c| c.new_rules.iter_mut())
                .chain(g.governed.iter_mut().flat_map(|x| x.rules.iter_mut()));
            for r in refs {
                r.stale = stale.contains(&r.rule);
            }
        }
    }
    Ok(out)
}

/// The chains `diff_over_time` compares on each date: the jurisdictions in both trees, and
/// each jurisdiction only the new tree has, against its parent chain there.
struct Compared<'c> {
    old: &'c Compilation,
    new: &'c Compilation,
    /// Jurisdiction, its layer in the old and in the new tree, and the ids of the layers
    /// of its chain in either.
    common: Vec<(String, usize, usize, BTreeSet<String>)>,
    /// Jurisdiction, its layer and its parent's in the new tree, and its chain's layer ids.
    added: Vec<(String, usize, usize, BTreeSet<String>)>,
    /// The two trees' rules, judged once for every date.
    judged: &'c Judged,
}

impl<'c> Compared<'c> {
    fn new(old: &'c Compilation, new: &'c Compilation, judged: &'c Judged) -> Self {
        let chain_ids = |c: &Compilation, l: usize| -> Vec<String> {
            c.model.chain(l).iter().filter_map(|x| c.model.layers.get(*x)).map(|x| x.id.clone()).collect()
        };
        let mut common = Vec::new();
        let mut added = Vec::new();
        for (nl, layer) in new.model.layers.iter().enumerate() {
            if let Some(ol) = old.model.layer(&layer.id) {
                let ids = chain_ids(old, ol).into_iter().chain(chain_ids(new, nl)).collect();
                common.push((layer.id.clone(), ol, nl, ids));
            } else if let Some(parent) = new.model.chain(nl).iter().rev().nth(1).copied() {
                added.push((layer.id.clone(), nl, parent, chain_ids(new, nl).into_iter().collect()));
            }
        }
        Compared { old, new, common, added, judged }
    }

    fn keys(&self) -> impl Iterator<Item = String> + '_ {
        self.common.iter().chain(&self.added).map(|c| c.0.clone())
    }

    /// Resolve, as of `date`, the chains holding a layer of `layers` (every chain for
    /// `None`) and put their groups in `current`.
    fn update(&self, current: &mut BTreeMap<String, Vec<ChangeGroup>>, date: Date, layers: Option<&BTreeSet<&str>>) {
        let touched = |ids: &BTreeSet<String>| layers.is_none_or(|ls| ids.iter().any(|id| ls.contains(id.as_str())));
        let common: Vec<_> = self.common.iter().filter(|c| touched(&c.3)).collect();
        let added: Vec<_> = self.added.iter().filter(|c| touched(&c.3)).collect();
        let resolve = |c: &Compilation, ends: Vec<usize>| -> Vec<Policy> {
            let resolver = crate::resolve::Resolver::for_chains(&c.model, date, &ends);
            ends.par_iter().map(|l| crate::emit::policy(&c.model, &resolver.chain(*l), date)).collect()
        };
        let new_ends: Vec<usize> = common.iter().map(|c| c.2).chain(added.iter().flat_map(|a| [a.1, a.2])).collect();
        let (olds, news) =
            rayon::join(|| resolve(self.old, common.iter().map(|c| c.1).collect()), || resolve(self.new, new_ends));
        let fresh: Vec<Vec<ChangeGroup>> =
            olds.par_iter().zip(news.par_iter()).map(|(o, n)| diff_pair(o, n, Some(self.judged)).0).collect();
        for (c, groups) in common.iter().zip(fresh) {
            current.insert(c.0.clone(), groups);
        }
        let pairs: Vec<&[Policy]> = news.get(common.len()..).unwrap_or_default().chunks(2).collect();
        for (a, pair) in added.iter().zip(pairs) {
            if let [layer, parent] = pair {
                current.insert(a.0.clone(), diff_policy(parent, layer, Some(self.judged)).0);
            }
        }
    }
}

/// How a new value is compared with the old vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Match {
    /// The same id.
    Same(usize),
    /// Probably renamed from this old value.
    Renamed(usize),
    /// New: compared with the cells of this old value, its nearest ancestor that was known.
    Ancestor(usize),
    /// New, with no known ancestor: its cells have no old answer to compare with.
    None,
}

impl Match {
    fn old(self) -> Option<usize> {
        match self {
            Match::Same(i) | Match::Renamed(i) | Match::Ancestor(i) => Some(i),
            Match::None => None,
        }
    }
}

/// An entry of a vocabulary list, as far as matching is concerned.
struct Entry<'a> {
    id: &'a str,
    /// What can show two entries with different ids are one: (what, key). Empty keys
    /// never match.
    evidence: Vec<(&'static str, String)>,
}

/// Pair vanished old ids with fresh new ids that share evidence. A pair is taken only
/// when each is the other's single best candidate; evidence shared by several entries
/// on either side counts for none of them.
fn renames(old: &[Entry<'_>], new: &[Entry<'_>]) -> Vec<(usize, usize, Vec<String>)> {
    let old_ids: HashSet<&str> = old.iter().map(|e| e.id).collect();
    let new_ids: HashSet<&str> = new.iter().map(|e| e.id).collect();
    let vanished: Vec<usize> =
        (0..old.len()).filter(|i| old.get(*i).is_some_and(|e| !new_ids.contains(e.id))).collect();
    let fresh: Vec<usize> = (0..new.len()).filter(|i| new.get(*i).is_some_and(|e| !old_ids.contains(e.id))).collect();
    if vanished.is_empty() || fresh.is_empty() {
        return Vec::new();
    }
    // (what, key) → the entries having it, on each side.
    let index = |entries: &[Entry<'_>], which: &[usize]| {
        let mut m: HashMap<(&'static str, String), Vec<usize>> = HashMap::new();
        for &i in which {
            if let Some(e) = entries.get(i) {
                for (what, key) in &e.evidence {
                    if !key.is_empty() {
                        m.entry((*what, key.clone())).or_default().push(i);
                    }
                }
            }
        }
        m
    };
    let (by_old, by_new) = (index(old, &vanished), index(new, &fresh));
    // Candidate pairs with the evidence for each.
    let mut pairs: BTreeMap<(usize, usize), Vec<String>> = BTreeMap::new();
    for (key, olds) in &by_old {
        if let ([o], Some([n])) = (olds.as_slice(), by_new.get(key).map(Vec::as_slice)) {
            pairs.entry((*o, *n)).or_default().push(format!("same {}", key.0));
        }
    }
    let best = |pick: fn(&(usize, usize)) -> usize| {
        let mut m: HashMap<usize, (usize, usize)> = HashMap::new(); // entry → (score, count)
        for (k, ev) in &pairs {
            let e = m.entry(pick(k)).or_insert((0, 0));
            match ev.len().cmp(&e.0) {
                std::cmp::Ordering::Greater => *e = (ev.len(), 1),
                std::cmp::Ordering::Equal => e.1 += 1,
                std::cmp::Ordering::Less => {}
            }
        }
        m
    };
    let (best_old, best_new) = (best(|k| k.0), best(|k| k.1));
    pairs
        .iter()
        .filter(|((o, n), ev)| {
            best_old.get(o).is_some_and(|b| *b == (ev.len(), 1)) && best_new.get(n).is_some_and(|b| *b == (ev.len(), 1))
        })
        .map(|((o, n), ev)| {
            let mut ev = ev.clone();
            ev.sort();
            (*o, *n, ev)
        })
        .collect()
}

/// A field of a value or term that changed between its old and new entry.
struct Edit<'a> {
    kind: TermKind,
    axis: Option<&'a str>,
    old: &'a str,
    new: &'a str,
}

impl Edit<'_> {
    fn change(&self, field: &str, was: String, now: String, breaking: bool) -> VocabularyChange {
        VocabularyChange {
            kind: self.kind,
            axis: self.axis.map(str::to_owned),
            change: VocabularyChangeKind::Edited,
            old: Some(self.old.to_owned()),
            new: Some(self.new.to_owned()),
            old_parent: None,
            new_parent: None,
            evidence: Vec::new(),
            compared_with: None,
            field: Some(field.to_owned()),
            was: Some(was),
            now: Some(now),
            breaking,
        }
    }

    /// A changed title is reported. A term's title is all that says what it demands (an
    /// element `signature_and_date`, a duty `minimum_necessary`): where answers used it,
    /// redefining it changes what they require, so it is breaking there, as a condition's.
    fn title(&self, was: &str, now: &str, used: bool, changes: &mut Vec<VocabularyChange>) {
        if was != now {
            changes.push(self.change("title", was.to_owned(), now.to_owned(), used));
        }
    }

    /// HL7 codes label answers (`decide --format fhir`): one taken away drops a label
    /// consumers rely on, so it is breaking; one added is not.
    fn hl7(&self, was: &[String], now: &[String], changes: &mut Vec<VocabularyChange>) {
        let (w, n): (BTreeSet<&str>, BTreeSet<&str>) =
            (was.iter().map(String::as_str).collect(), now.iter().map(String::as_str).collect());
        if w != n {
            let show = |s: &BTreeSet<&str>| s.iter().copied().collect::<Vec<_>>().join(", ");
            changes.push(self.change("hl7", show(&w), show(&n), !w.is_subset(&n)));
        }
    }

    /// A notice text is copied into artifacts and sent with disclosures: any change is
    /// breaking.
    fn text(&self, was: Option<&str>, now: Option<&str>, changes: &mut Vec<VocabularyChange>) {
        if was != now {
            let show = |t: Option<&str>| t.map_or_else(|| "none".to_owned(), str::to_owned);
            changes.push(self.change("text", show(was), show(now), true));
        }
    }
}

fn hl7_key(codes: &[String]) -> String {
    let mut codes: Vec<&str> = codes.iter().map(String::as_str).collect();
    codes.sort_unstable();
    codes.join("\u{1f}")
}

fn value_entries(vs: &[AxisValue], places: Vec<String>) -> Vec<Entry<'_>> {
    vs.iter()
        .zip(places)
        .map(|(v, place)| Entry {
            id: &v.id,
            evidence: vec![("title", v.title.clone()), ("HL7 codes", hl7_key(&v.hl7)), ("place", place)],
        })
        .collect()
}

fn terms(ts: &[Term]) -> Vec<Entry<'_>> {
    ts.iter().map(|t| Entry { id: &t.id, evidence: vec![("title", t.title.clone())] }).collect()
}

fn obligations(ts: &[ObligationInfo]) -> Vec<Entry<'_>> {
    ts.iter()
        .map(|t| Entry {
            id: &t.id,
            evidence: vec![
                ("title", t.title.clone()),
                ("HL7 codes", hl7_key(&t.hl7)),
                ("text", t.text.clone().unwrap_or_default()),
            ],
        })
        .collect()
}

/// Map every new value of one axis to the old vocabulary, and say what changed.
fn match_axis(axis: &str, old: &[AxisValue], new: &[AxisValue], changes: &mut Vec<VocabularyChange>) -> Vec<Match> {
    let old_pos: HashMap<&str, usize> = old.iter().enumerate().map(|(i, v)| (v.id.as_str(), i)).collect();
    // The place of a value: its parent and its rank among that parent's children.
    let places = |vs: &[AxisValue]| -> Vec<String> {
        let mut seen: HashMap<Option<&str>, usize> = HashMap::new();
        vs.iter()
            .map(|v| {
                let rank = seen.entry(v.parent.as_deref()).or_insert(0);
                *rank += 1;
                format!("{}\u{1f}{rank}", v.parent.as_deref().unwrap_or(""))
            })
            .collect()
    };
    let (old_entries, new_entries) = (value_entries(old, places(old)), value_entries(new, places(new)));
    let mut matches: Vec<Match> =
        new.iter().map(|v| old_pos.get(v.id.as_str()).map_or(Match::None, |i| Match::Same(*i))).collect();
    let mut renamed_old = HashSet::new();
    for (o, n, evidence) in renames(&old_entries, &new_entries) {
        let (Some(ov), Some(nv), Some(m)) = (old.get(o), new.get(n), matches.get_mut(n)) else { continue };
        *m = Match::Renamed(o);
        renamed_old.insert(o);
        changes.push(VocabularyChange {
            kind: TermKind::Value,
            axis: Some(axis.to_owned()),
            change: VocabularyChangeKind::Renamed,
            old: Some(ov.id.clone()),
            new: Some(nv.id.clone()),
            old_parent: None,
            new_parent: None,
            evidence,
            compared_with: None,
            field: None,
            was: None,
            now: None,
            breaking: true,
        });
    }
    // New values: compared with their nearest ancestor the old vocabulary knew.
    let new_pos: HashMap<&str, usize> = new.iter().enumerate().map(|(i, v)| (v.id.as_str(), i)).collect();
    for (n, v) in new.iter().enumerate() {
        if matches.get(n) != Some(&Match::None) {
            continue;
        }
        let mut found = Match::None;
        let mut parent = v.parent.as_deref();
        // At most one step per value: a cycle cannot hold the walk.
        for _ in 0..new.len() {
            let Some(p) = parent.and_then(|p| new_pos.get(p)) else { break };
            match matches.get(*p).copied().and_then(|m| match m {
                Match::Same(i) | Match::Renamed(i) => Some(i),
                Match::Ancestor(_) | Match::None => None,
            }) {
                Some(i) => {
                    found = Match::Ancestor(i);
                    break;
                }
                None => parent = new.get(*p).and_then(|pv| pv.parent.as_deref()),
            }
        }
        if let Some(m) = matches.get_mut(n) {
            *m = found;
        }
        changes.push(VocabularyChange {
            kind: TermKind::Value,
            axis: Some(axis.to_owned()),
            change: VocabularyChangeKind::Added,
            old: None,
            new: Some(v.id.clone()),
            old_parent: None,
            new_parent: v.parent.clone(),
            evidence: Vec::new(),
            compared_with: found.old().and_then(|i| old.get(i)).map(|ov| ov.id.clone()),
            field: None,
            was: None,
            now: None,
            breaking: false,
        });
    }
    for (i, ov) in old.iter().enumerate() {
        if !new_pos.contains_key(ov.id.as_str()) && !renamed_old.contains(&i) {
            changes.push(VocabularyChange {
                kind: TermKind::Value,
                axis: Some(axis.to_owned()),
                change: VocabularyChangeKind::Removed,
                old: Some(ov.id.clone()),
                new: None,
                old_parent: None,
                new_parent: None,
                evidence: Vec::new(),
                compared_with: None,
                field: None,
                was: None,
                now: None,
                breaking: true,
            });
        }
    }
    for (n, m) in matches.iter().enumerate() {
        if let (Match::Same(o), Some(nv)) = (m, new.get(n))
            && let Some(ov) = old.get(*o)
            && ov.parent != nv.parent
        {
            changes.push(VocabularyChange {
                kind: TermKind::Value,
                axis: Some(axis.to_owned()),
                change: VocabularyChangeKind::Moved,
                old: Some(ov.id.clone()),
                new: Some(nv.id.clone()),
                old_parent: ov.parent.clone(),
                new_parent: nv.parent.clone(),
                evidence: Vec::new(),
                compared_with: None,
                field: None,
                was: None,
                now: None,
                breaking: false,
            });
        }
    }
    for (n, m) in matches.iter().enumerate() {
        if let (Match::Same(o) | Match::Renamed(o), Some(nv)) = (m, new.get(n))
            && let Some(ov) = old.get(*o)
        {
            let edit = Edit { kind: TermKind::Value, axis: Some(axis), old: &ov.id, new: &nv.id };
            // A value's title describes a question, not what an answer requires.
            edit.title(&ov.title, &nv.title, false, changes);
            edit.hl7(&ov.hl7, &nv.hl7, changes);
        }
    }
    matches
}

/// Terms of one kind renamed or removed: old id → new id for renames. A term that an old
/// answer named and that is now gone or renamed is a breaking change.
fn match_terms(
    kind: TermKind,
    old: &[Entry<'_>],
    new: &[Entry<'_>],
    used: &HashSet<&str>,
    changes: &mut Vec<VocabularyChange>,
) -> HashMap<String, String> {
    let mut map = HashMap::new();
    let change =
        |c: VocabularyChangeKind, o: Option<&str>, n: Option<&str>, evidence: Vec<String>, breaking| VocabularyChange {
            kind,
            axis: None,
            change: c,
            old: o.map(str::to_owned),
            new: n.map(str::to_owned),
            old_parent: None,
            new_parent: None,
            evidence,
            compared_with: None,
            field: None,
            was: None,
            now: None,
            breaking,
        };
    let mut renamed = HashSet::new();
    for (o, n, evidence) in renames(old, new) {
        let (Some(oe), Some(ne)) = (old.get(o), new.get(n)) else { continue };
        map.insert(oe.id.to_owned(), ne.id.to_owned());
        renamed.insert(oe.id);
        changes.push(change(VocabularyChangeKind::Renamed, Some(oe.id), Some(ne.id), evidence, used.contains(oe.id)));
    }
    let old_ids: HashSet<&str> = old.iter().map(|e| e.id).collect();
    let new_ids: HashSet<&str> = new.iter().map(|e| e.id).collect();
    for e in old.iter().filter(|e| !new_ids.contains(e.id) && !renamed.contains(e.id)) {
        changes.push(change(VocabularyChangeKind::Removed, Some(e.id), None, Vec::new(), used.contains(e.id)));
    }
    let renamed_to: HashSet<&str> = map.values().map(String::as_str).collect();
    for e in new.iter().filter(|e| !old_ids.contains(e.id) && !renamed_to.contains(e.id)) {
        changes.push(change(VocabularyChangeKind::Added, None, Some(e.id), Vec::new(), false));
    }
    map
}

/// Each chain reports the changes of the vocabulary it carries, and the same change is
/// breaking only in the chains whose answers used the term: listed once, breaking if any
/// chain says so. `breaking` is the last field, so the set holds such twins side by side.
fn once_each(changes: BTreeSet<VocabularyChange>) -> Vec<VocabularyChange> {
    let mut out: Vec<VocabularyChange> = Vec::new();
    for v in changes {
        match out.last_mut() {
            Some(last) if VocabularyChange { breaking: v.breaking, ..last.clone() } == v => last.breaking |= v.breaking,
            _ => out.push(v),
        }
    }
    out
}

/// Renames of authorization elements, forms and obligations, each kind on its own.
struct TermRenames {
    elements: HashMap<String, String>,
    form: HashMap<String, String>,
    obligations: HashMap<String, String>,
}

fn match_all_terms(old: &Policy, new: &Policy, changes: &mut Vec<VocabularyChange>) -> TermRenames {
    let used = |f: fn(&RequirementRecord) -> &Vec<String>| -> HashSet<&str> {
        old.requirements.iter().flat_map(|r| f(r).iter().map(String::as_str)).collect()
    };
    let (ov, nv) = (&old.vocabulary, &new.vocabulary);
    let (used_elements, used_form, used_obligations) =
        (used(|r| &r.authorization_elements), used(|r| &r.form), used(|r| &r.obligations));
    let renames = TermRenames {
        elements: match_terms(
            TermKind::AuthorizationElement,
            &terms(&ov.authorization_elements),
            &terms(&nv.authorization_elements),
            &used_elements,
            changes,
        ),
        form: match_terms(TermKind::Form, &terms(&ov.form), &terms(&nv.form), &used_form, changes),
        obligations: match_terms(
            TermKind::Obligation,
            &obligations(&ov.obligations),
            &obligations(&nv.obligations),
            &used_obligations,
            changes,
        ),
    };
    // A condition's title is all that defines it: one renamed, removed or redefined moves
    // every way that needs it (`none if imminent_threat`), so each is breaking where an old
    // answer used it.
    let used_conditions: HashSet<&str> = old
        .requirements
        .iter()
        .flat_map(|r| r.ways.iter().flat_map(|w| w.conditions.iter().map(String::as_str)))
        .collect();
    let condition_renames =
        match_terms(TermKind::Condition, &terms(&ov.conditions), &terms(&nv.conditions), &used_conditions, changes);
    let by_id: HashMap<&str, &Term> = nv.conditions.iter().map(|t| (t.id.as_str(), t)).collect();
    for o in &ov.conditions {
        if let Some(n) = by_id.get(condition_renames.get(&o.id).map_or(o.id.as_str(), String::as_str))
            && o.title != n.title
        {
            let edit = Edit { kind: TermKind::Condition, axis: None, old: &o.id, new: &n.id };
            changes.push(edit.change(
                "title",
                o.title.clone(),
                n.title.clone(),
                used_conditions.contains(o.id.as_str()),
            ));
        }
    }
    // Terms kept or renamed: what their fields say now.
    for (kind, olds, news, map, used) in [
        (
            TermKind::AuthorizationElement,
            &ov.authorization_elements,
            &nv.authorization_elements,
            &renames.elements,
            &used_elements,
        ),
        (TermKind::Form, &ov.form, &nv.form, &renames.form, &used_form),
    ] {
        let by_id: HashMap<&str, &Term> = news.iter().map(|t| (t.id.as_str(), t)).collect();
        for o in olds {
            if let Some(n) = by_id.get(map.get(&o.id).map_or(o.id.as_str(), String::as_str)) {
                let edit = Edit { kind, axis: None, old: &o.id, new: &n.id };
                edit.title(&o.title, &n.title, used.contains(o.id.as_str()), changes);
            }
        }
    }
    let by_id: HashMap<&str, &ObligationInfo> = nv.obligations.iter().map(|o| (o.id.as_str(), o)).collect();
    for o in &ov.obligations {
        if let Some(n) = by_id.get(renames.obligations.get(&o.id).map_or(o.id.as_str(), String::as_str)) {
            let edit = Edit { kind: TermKind::Obligation, axis: None, old: &o.id, new: &n.id };
            edit.title(&o.title, &n.title, used_obligations.contains(o.id.as_str()), changes);
            edit.hl7(&o.hl7, &n.hl7, changes);
            edit.text(o.text.as_deref(), n.text.as_deref(), changes);
        }
    }
    renames
}

/// An old requirement with its renamed terms under their new names.
fn renamed_terms(r: &RequirementRecord, t: &TermRenames, conditions: &[Term]) -> Requirement<String> {
    let mut req = r.requirement(conditions);
    let rename = |ids: &mut Vec<String>, map: &HashMap<String, String>| {
        for id in ids.iter_mut() {
            if let Some(n) = map.get(id.as_str()) {
                n.clone_into(id);
            }
        }
    };
    rename(&mut req.elements, &t.elements);
    rename(&mut req.form, &t.form);
    rename(&mut req.obligations, &t.obligations);
    req.normalize();
    req
}

/// Cells that changed alike: old and new requirement and provenance indices, and the
/// position of the cells' substitutions (per axis, the new value's index where it is
/// compared with another id, else `u32::MAX`) in the list of distinct ones.
type CellKey = (u32, u32, u32, u32, u32);

fn diff_policy(old: &Policy, new: &Policy, judged: Option<&Judged>) -> (Vec<ChangeGroup>, Vec<VocabularyChange>) {
    let axes_new = &new.vocabulary.axes;
    let mut changes = Vec::new();
    // Map each new value to the old value it is compared with.
    let maps: Vec<Vec<Match>> = axes_new
        .iter()
        .zip(&old.vocabulary.axes)
        .map(|(na, oa)| match_axis(&na.id, &oa.values, &na.values, &mut changes))
        .collect();
    let terms = match_all_terms(old, new, &mut changes);
    // Both trees' ways are numbered by one list of conditions, so that the same condition
    // is the same bit on both sides: the new conditions, then those only the old declares.
    let mut conditions = new.vocabulary.conditions.clone();
    for c in &old.vocabulary.conditions {
        if !conditions.iter().any(|n| n.id == c.id) {
            conditions.push(c.clone());
        }
    }
    let old_reqs: Vec<Requirement<String>> =
        old.requirements.iter().map(|r| renamed_terms(r, &terms, &conditions)).collect();
    let new_reqs: Vec<Requirement<String>> = new.requirements.iter().map(|r| r.requirement(&conditions)).collect();
    let sizes_new: Vec<usize> = axes_new.iter().map(|a| a.values.len()).collect();
    // (old requirement, new requirement, old provenance, new provenance, substitutions) → cells, examples
    let mut groups: HashMap<CellKey, (usize, Vec<usize>, SpanSeen)> = HashMap::new();
    let mut same: HashMap<(u32, u32), bool> = HashMap::new();
    let mut order = Vec::new();
    let (Some(grid), Some(old_index), Some(new_index)) =
        (Grid::new(sizes_new.clone()), RegionIndex::new(&old.regions), RegionIndex::new(&new.regions))
    else {
        return (Vec::new(), changes);
    };
    if maps.len() != grid.axes() {
        return (Vec::new(), changes);
    }
    let (old_governed, new_governed) = (governed_provenance(old), governed_provenance(new));
    let mut old_point = vec![0u32; grid.axes()];
    // Substitutions are few and shared by many cells: each distinct one is stored once and
    // named by its position, so no cell allocates.
    let mut subs = vec![u32::MAX; grid.axes()];
    let mut sub_ids: HashMap<Vec<u32>, u32> = HashMap::new();
    let mut sub_list: Vec<Vec<u32>> = Vec::new();
    grid.for_each_point(|cell, point| {
        for (a, p) in point.iter().enumerate() {
            let m = maps.get(a).and_then(|m| m.get(*p as usize)).copied().unwrap_or(Match::None);
            let (Some(op), Some(slot), Some(s)) = (m.old(), old_point.get_mut(a), subs.get_mut(a)) else { return };
            *slot = u32::try_from(op).unwrap_or(u32::MAX);
            *s = if matches!(m, Match::Same(_)) { u32::MAX } else { *p };
        }
        let (Some(&[or, opv]), Some(&[nr, npv])) =
            (old_index.get(&old.regions, &old_point), new_index.get(&new.regions, point))
        else {
            return;
        };
        let equal = *same.entry((or, nr)).or_insert_with(|| {
            old_reqs.get(or as usize).is_some_and(|o| new_reqs.get(nr as usize).is_some_and(|n| o == n))
        });
        if equal && old_governed.get(opv as usize) == new_governed.get(npv as usize) {
            return;
        }
        let sub = match sub_ids.get(subs.as_slice()) {
            Some(id) => *id,
            None => {
                let id = u32::try_from(sub_list.len()).unwrap_or(u32::MAX);
                sub_ids.insert(subs.clone(), id);
                sub_list.push(subs.clone());
                id
            }
        };
        let key = (or, nr, opv, npv, sub);
        let entry = groups.entry(key).or_insert_with(|| {
            order.push(key);
            (0, Vec::new(), SpanSeen::new(&sizes_new))
        });
        entry.0 += 1;
        if entry.1.len() < 3 {
            entry.1.push(cell);
        }
        entry.2.add(point);
    });
    let fine: Vec<(ChangeGroup, &SpanSeen)> = order
        .into_iter()
        .filter_map(|key| {
            let (count, examples, seen) = groups.get(&key)?;
            let (or, nr, opv, npv, sub) = key;
            let subs = sub_list.get(sub as usize)?;
            let oreq = old_reqs.get(or as usize)?;
            let nreq = new_reqs.get(nr as usize)?;
            let changes = Dimension::ALL
                .into_iter()
                .filter(|d| !oreq.same_in(*d, nreq))
                .map(|d| {
                    let mut change = DimensionChange {
                        dimension: d,
                        direction: direction(oreq, nreq, d),
                        old: show(oreq, d, &conditions),
                        new: show(nreq, d, &conditions),
                        old_rules: deciders(old, opv, d),
                        new_rules: deciders(new, npv, d),
                        deferral: None,
                        vouchers: None,
                    };
                    if let Some(s) = deferral(old, opv, new, npv, d) {
                        change.direction = s.direction(oreq, nreq, change.direction);
                        for r in s.causes {
                            if !change.new_rules.contains(&r) {
                                change.new_rules.push(r);
                            }
                        }
                        change.deferral = Some(s.rule);
                    }
                    change
                })
                .collect::<Vec<DimensionChange>>();
            let movers = judged.map(|j| j.movers(old, opv, new, npv));
            let mut changes = changes;
            let mut governed = governed_change(old, opv, new, npv);
            if let (Some(j), Some(m)) = (judged, &movers) {
                for c in &mut changes {
                    c.vouchers = Some(j.vouchers(m, c));
                }
                if let Some(g) = &mut governed {
                    g.vouchers = Some(m.iter().filter(|r| g.rules.iter().any(|x| x.rule == r.rule)).cloned().collect());
                }
            }
            Some((
                ChangeGroup {
                    jurisdiction: new.jurisdiction().to_owned(),
                    cells: *count,
                    examples: examples.iter().map(|c| cell_name(new, &grid, *c)).collect(),
                    // Filled once the groups that read the same are merged, below.
                    span: Vec::new(),
                    span_exact: false,
                    compared_with: compared_with(old, new, &maps, subs),
                    changed_by: movers,
                    changes,
                    governed,
                },
                seen,
            ))
        })
        .collect();
    // Cells whose changes read the same (values and deciding rules) are one group.
    let mut merged: Vec<(ChangeGroup, SpanSeen)> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (g, seen) in fine {
        let key =
            serde_json::to_string(&(&g.changes, &g.compared_with, &g.governed, &g.changed_by)).unwrap_or_default();
        match index.get(&key).and_then(|i| merged.get_mut(*i)) {
            Some((m, m_seen)) => {
                m.cells += g.cells;
                for e in g.examples {
                    if m.examples.len() < 3 {
                        m.examples.push(e);
                    }
                }
                m_seen.merge(seen);
            }
            None => {
                index.insert(key, merged.len());
                merged.push((g, seen.clone()));
            }
        }
    }
    let merged = merged
        .into_iter()
        .map(|(mut g, seen)| {
            (g.span, g.span_exact) = seen.spans(new, g.cells);
            g
        })
        .collect();
    (merged, changes)
}

/// The values of a group's cells that are compared with another old value, in words:
/// `category: std as sti (renamed)`.
fn compared_with(old: &Policy, new: &Policy, maps: &[Vec<Match>], subs: &[u32]) -> Vec<String> {
    let mut out = Vec::new();
    for (a, s) in subs.iter().enumerate() {
        if *s == u32::MAX {
            continue;
        }
        let (Some(na), Some(oa)) = (new.vocabulary.axes.get(a), old.vocabulary.axes.get(a)) else { continue };
        let Some(nv) = na.values.get(*s as usize) else { continue };
        let m = maps.get(a).and_then(|m| m.get(*s as usize)).copied().unwrap_or(Match::None);
        let Some(ov) = m.old().and_then(|i| oa.values.get(i)) else { continue };
        let how = match m {
            Match::Renamed(_) => "renamed",
            Match::Ancestor(_) if nv.parent.as_deref() == Some(ov.id.as_str()) => "new value, compared with its parent",
            _ => "new value, compared with its nearest old ancestor",
        };
        out.push(format!("{}: {} as {} ({how})", na.id, nv.id, ov.id));
    }
    out
}

/// How one dimension moved, in the lattice's order for that dimension.
fn direction(old: &Requirement<String>, new: &Requirement<String>, d: Dimension) -> Direction {
    if new.at_least_as_strict_in(d, old) {
        Direction::Tightened
    } else if old.at_least_as_strict_in(d, new) {
        Direction::Loosened
    } else {
        Direction::Changed
    }
}

/// Per provenance entry, whether a rule in force reaches the cells it describes: any
/// involvement but `inactive` (the loader's `governed`, docs/semantics.md, "Governed answers").
fn governed_provenance(p: &Policy) -> Vec<bool> {
    p.provenance.iter().map(|invs| invs.iter().any(|i| i.role != Role::Inactive)).collect()
}

/// Whether the cells went from ungoverned to governed or back, with the rules that reach them
/// on the governed side.
fn governed_change(old: &Policy, opv: u32, new: &Policy, npv: u32) -> Option<GovernedChange> {
    let reach = |p: &Policy, prov: u32| -> Option<Vec<RuleRef>> {
        let invs = p.provenance.get(prov as usize)?;
        let mut rules: Vec<RuleRef> = Vec::new();
        for r in invs.iter().filter(|i| i.role != Role::Inactive).filter_map(|i| rule_ref(p, i.rule)) {
            if !rules.contains(&r) {
                rules.push(r);
            }
        }
        Some(rules)
    };
    let (was, now) = (reach(old, opv)?, reach(new, npv)?);
    match (was.is_empty(), now.is_empty()) {
        (true, false) => Some(GovernedChange { now: true, rules: now, vouchers: None }),
        (false, true) => Some(GovernedChange { now: false, rules: was, vouchers: None }),
        _ => None,
    }
}

fn rule_ref(p: &Policy, rule: u32) -> Option<RuleRef> {
    p.rules.get(rule as usize).map(|r| RuleRef {
        rule: r.id.clone(),
        layer: r.layer.clone(),
        citation: r.citations.join("; "),
        justification: r.justification.clone(),
        stale: false,
    })
}

fn deciders(p: &Policy, prov: u32, d: Dimension) -> Vec<RuleRef> {
    p.provenance
        .get(prov as usize)
        .map(|invs| {
            invs.iter()
                .filter(|i| i.role == Role::Won && i.dimensions.contains(&d))
                .filter_map(|i| rule_ref(p, i.rule))
                .collect()
        })
        .unwrap_or_default()
}

/// A dimension that changed only because a federal rule that defers to state law stepped
/// aside or came back. A deferring rule (45 CFR 164.502(g)(3)(ii)) is the federal default
/// where state law is silent: where a state rule sets a dimension it defers, the whole rule
/// steps aside, its other dimensions with it, and the state rule's whole value stands
/// (docs/semantics.md, "Deferral"). Its minimum-necessary duty, for one, falls when the
/// state asks the patient's authorization instead, as the law has it: minimum necessary
/// does not apply to a disclosure made under an authorization (164.502(b)(2)(iii)); under
/// any other state permission the resolver keeps it. And where the state rule goes, the
/// default comes back without the duties the state added.
struct Deferral {
    /// The deferring federal rule's id.
    rule: String,
    /// The dimensions where state law spoke in the default's place, in the cell where it
    /// did: those the deferring rule sets that a rule of another layer took part in.
    causes_in: Vec<Dimension>,
    /// The rules that decide the change: the state rules that set those dimensions where
    /// the default stepped aside, the default itself where it came back.
    causes: Vec<RuleRef>,
}

impl Deferral {
    /// The change is judged with the dimensions that moved the default, not alone: where
    /// the new answer is at least as strict in every one of them and stricter in one, the
    /// dimension that went with the default is tightened too. Otherwise it keeps its own
    /// direction `own`, and a loosening needs a justification: where those dimensions
    /// answer the same, a duty that fell is a duty lost (a state rule that restates the
    /// default's permission without its duty, or one whose own notice goes with it).
    fn direction(&self, old: &Requirement<String>, new: &Requirement<String>, own: Direction) -> Direction {
        // A duty falls with the default only where the disclosure is then made under an
        // authorization or required by law (164.502(b)(2)(iii), (v)); the resolver keeps
        // it elsewhere, and a duty that falls anyway is a duty lost.
        let duties_may_fall = new.permission.needs_authorization() || new.mandatory;
        let stricter = duties_may_fall
            && !self.causes_in.is_empty()
            && self.causes_in.iter().all(|c| new.at_least_as_strict_in(*c, old))
            && self.causes_in.iter().any(|c| !new.same_in(*c, old));
        if own == Direction::Loosened && stricter { Direction::Tightened } else { own }
    }
}

fn rule_id(p: &Policy, r: u32) -> Option<(&str, &str)> {
    p.rules.get(r as usize).map(|x| (x.id.as_str(), x.layer.as_str()))
}

/// The rules of a layer other than `layer` that took part (won or met) in a cell, in one of
/// `dims`.
fn others_in(
    p: &Policy,
    invs: &[stringent_policy::artifact::Involvement],
    layer: &str,
    dims: &[Dimension],
) -> Vec<u32> {
    invs.iter()
        .filter(|i| {
            matches!(i.role, Role::Won | Role::Met)
                && i.dimensions.iter().any(|x| dims.contains(x))
                && rule_id(p, i.rule).is_some_and(|x| x.1 != layer)
        })
        .map(|i| i.rule)
        .collect()
}

/// Whether `d` changed because a deferring federal rule stepped aside in the new cell
/// (having decided `d` in the old one) or came back in it (a state rule having decided `d`
/// in the old one, in its place), with no rule of another layer deciding `d` in the new
/// cell itself.
fn deferral(old: &Policy, opv: u32, new: &Policy, npv: u32, d: Dimension) -> Option<Deferral> {
    let (olds, news) = (old.provenance.get(opv as usize)?, new.provenance.get(npv as usize)?);
    let takes_part = |i: &&stringent_policy::artifact::Involvement| matches!(i.role, Role::Won | Role::Met);
    let same_rule = |p: &Policy, r: u32, id: &str| rule_id(p, r).map(|x| x.0) == Some(id);
    // Stepped aside: deferred now, and it decided `d` before.
    let aside =
        news.iter().filter(|i| i.role == Role::Deferred && i.dimensions.contains(&d)).find_map(|i| {
            let (id, layer) = rule_id(new, i.rule)?;
            olds.iter()
                .any(|o| o.role == Role::Won && o.dimensions.contains(&d) && same_rule(old, o.rule, id))
                .then_some((id, layer, i.dimensions.clone()))
        });
    // Came back: deferred before, taking part now, and another layer decided `d` before.
    let back = || {
        olds.iter().filter(|o| o.role == Role::Deferred).find_map(|o| {
            let (id, layer) = rule_id(old, o.rule)?;
            let dims: Vec<Dimension> = news
                .iter()
                .filter(takes_part)
                .filter(|i| same_rule(new, i.rule, id))
                .flat_map(|i| i.dimensions.iter().copied())
                .collect();
            let decided = olds.iter().any(|x| {
                x.role == Role::Won && x.dimensions.contains(&d) && rule_id(old, x.rule).is_some_and(|r| r.1 != layer)
            });
            (!dims.is_empty() && decided).then_some((id, layer, dims))
        })
    };
    let (came_back, (id, layer, dims)) = match aside {
        Some(a) => (false, a),
        None => (true, back()?),
    };
    if !others_in(new, news, layer, &[d]).is_empty() {
        return None;
    }
    // Where state law spoke: the new cell if the default stepped aside, the old if it came back.
    let (spoke, spoke_invs) = if came_back { (old, olds) } else { (new, news) };
    let causes_in: Vec<Dimension> = dims
        .iter()
        .copied()
        .filter(|c| *c != d && !others_in(spoke, spoke_invs, layer, std::slice::from_ref(c)).is_empty())
        .collect();
    let credited: Vec<u32> = if came_back {
        news.iter().filter(takes_part).filter(|i| same_rule(new, i.rule, id)).map(|i| i.rule).collect()
    } else {
        others_in(new, news, layer, &causes_in)
    };
    let mut causes: Vec<RuleRef> = Vec::new();
    for r in credited.into_iter().filter_map(|r| rule_ref(new, r)) {
        if !causes.contains(&r) {
            causes.push(r);
        }
    }
    Some(Deferral { rule: id.to_owned(), causes_in, causes })
}

/// One dimension of a requirement in words.
/// One dimension of a requirement in words; `conditions` numbers its ways' conditions.
pub fn show(r: &Requirement<String>, d: Dimension, conditions: &[Term]) -> String {
    match d {
        Dimension::Permission => {
            let ways: Vec<WayRecord> = r.permission.ways().iter().map(|w| WayRecord::new(*w, conditions)).collect();
            format!("{} [{}]", r.permission.level().as_str(), describe_ways(&ways))
        }
        Dimension::Mandate => if r.mandatory { "mandatory" } else { "not mandatory" }.to_owned(),
        Dimension::Deadlines => {
            // As a rule file writes it: `30 calendar_days for copy`.
            use stringent_policy::{Action, Word as _};
            let ds: Vec<String> = r
                .deadlines
                .iter()
                .map(|d| match d.action {
                    Action::Any => format!("{} {}", d.days, d.unit.keyword()),
                    action => format!("{} {} for {}", d.days, d.unit.keyword(), action.keyword()),
                })
                .collect();
            format!("[{}]", ds.join(", "))
        }
        Dimension::AuthorizationElements => format!("[{}]", r.elements.join(", ")),
        Dimension::Form => format!("[{}]", r.form.join(", ")),
        Dimension::Obligations => format!("[{}]", r.obligations.join(", ")),
        Dimension::MaxValidityDays => r.max_validity_days.map_or("none".to_owned(), |v| format!("{v} days")),
    }
}

fn cell_name(p: &Policy, grid: &Grid, cell: usize) -> String {
    let point = grid.point(cell).unwrap_or_default();
    let axes = &p.vocabulary.axes;
    stringent_policy::cell_label(
        point
            .iter()
            .zip(axes)
            .map(|(v, axis)| (axis.id.as_str(), axis.values.get(*v as usize).map_or("?", |v| v.id.as_str()))),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use stringent_policy::grid::Regions;

    /// A condition removed is breaking in the chain whose answers needed it and not in the
    /// others: one entry, breaking. A different change stays its own entry.
    #[test]
    fn a_change_reported_by_several_chains_is_listed_once_breaking_if_any_is() {
        let removed = |id: &str, breaking: bool| VocabularyChange {
            kind: TermKind::Condition,
            axis: None,
            change: VocabularyChangeKind::Removed,
            old: Some(id.to_owned()),
            new: None,
            old_parent: None,
            new_parent: None,
            evidence: Vec::new(),
            compared_with: None,
            field: None,
            was: None,
            now: None,
            breaking,
        };
        let set: BTreeSet<VocabularyChange> =
            [removed("wy_not_hmo", false), removed("wy_not_hmo", true), removed("other", false)].into_iter().collect();
        let listed = once_each(set);
        assert_eq!(listed, vec![removed("other", false), removed("wy_not_hmo", true)]);
    }

    fn fixture() -> Policy {
        let text = include_str!("../../stringent-policy/tests/data/tiny-US-XX.json");
        serde_json::from_str(text).unwrap_or_else(|e| unreachable!("fixture: {e}"))
    }

    fn value(id: &str, title: &str, parent: Option<&str>) -> AxisValue {
        AxisValue { id: id.to_owned(), title: title.to_owned(), parent: parent.map(str::to_owned), hl7: Vec::new() }
    }

    /// `p` with the categories `values`, each answering as the fixture's category
    /// `source[i]` did (the category is the slowest axis: 4 cells each).
    fn with_categories(p: &Policy, values: Vec<AxisValue>, source: &[usize]) -> Policy {
        let mut out = p.clone();
        let index = RegionIndex::new(&p.regions).unwrap_or_default();
        let mut sizes: Vec<usize> = p.vocabulary.axes.iter().map(|a| a.values.len()).collect();
        if let Some(first) = sizes.first_mut() {
            *first = source.len();
        }
        let grid = Grid::new(sizes).unwrap_or_default();
        let regions = Regions::from_cells(&grid, |point| {
            let mut from = point.to_vec();
            if let Some(c) = from.first_mut() {
                *c = source.get(*c as usize).map_or(u32::MAX, |s| *s as u32);
            }
            index.get(&p.regions, &from).copied().unwrap_or([0, 0])
        });
        out.regions = regions.unwrap_or_default();
        if let Some(axis) = out.vocabulary.axes.first_mut() {
            axis.values = values;
        }
        out.content_hash = out.compute_hash();
        out
    }

    fn categories() -> Vec<AxisValue> {
        let p = fixture();
        p.vocabulary.axes.first().map(|a| a.values.clone()).unwrap_or_default()
    }

    #[test]
    fn a_renamed_value_with_the_same_title_is_compared_under_its_old_id() {
        let old = fixture();
        let mut values = categories();
        if let Some(v) = values.get_mut(2) {
            v.id = "hiv_aids".to_owned();
        }
        // The renamed value answers as `general` did: looser than `hiv`.
        let new = with_categories(&old, values, &[0, 1, 1]);
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        let renamed: Vec<_> = d.vocabulary.iter().filter(|v| v.change == VocabularyChangeKind::Renamed).collect();
        assert_eq!(renamed.len(), 1, "{:?}", d.vocabulary);
        assert_eq!(renamed.first().and_then(|v| v.old.as_deref()), Some("hiv"));
        assert!(renamed.first().is_some_and(|v| v.breaking && v.evidence.contains(&"same title".to_owned())));
        assert!(d.breaking() && d.unjustified_loosening());
        let g = d.groups.iter().find(|g| g.changes.iter().any(|c| c.direction == Direction::Loosened));
        assert_eq!(g.map(|g| g.cells), Some(2));
        assert_eq!(g.map(|g| g.compared_with.clone()), Some(vec!["category: hiv_aids as hiv (renamed)".to_owned()]));
    }

    #[test]
    fn evidence_shared_by_two_new_values_is_no_rename() {
        let old = fixture();
        let mut values = categories();
        values.truncate(2);
        values.push(value("hiv_a", "HIV test results", Some("general")));
        values.push(value("hiv_b", "HIV test results", Some("general")));
        let new = with_categories(&old, values, &[0, 1, 2, 2]);
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        let kinds: Vec<_> = d.vocabulary.iter().map(|v| (v.change, v.old.clone(), v.new.clone())).collect();
        assert!(kinds.contains(&(VocabularyChangeKind::Removed, Some("hiv".to_owned()), None)), "{kinds:?}");
        assert!(kinds.iter().filter(|k| k.0 == VocabularyChangeKind::Added).count() == 2, "{kinds:?}");
        assert!(d.breaking());
        // Compared with their parent `general`, the two new values are stricter.
        assert!(!d.loosened() && !d.groups.is_empty());
    }

    #[test]
    fn an_added_value_answering_looser_than_its_parent_is_a_loosening() {
        let old = fixture();
        let mut values = categories();
        values.push(value("hiv_test", "A test result", Some("hiv")));
        let new = with_categories(&old, values.clone(), &[0, 1, 2, 1]);
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        assert!(!d.breaking(), "{:?}", d.vocabulary);
        assert!(d.unjustified_loosening());
        assert_eq!(d.groups.iter().map(|g| g.cells).sum::<usize>(), 2);
        let added = d.vocabulary.iter().find(|v| v.change == VocabularyChangeKind::Added);
        assert_eq!(added.and_then(|v| v.compared_with.as_deref()), Some("hiv"));
        // Answering as its parent did: nothing changed, nothing to fail.
        let new = with_categories(&old, values, &[0, 1, 2, 2]);
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        assert!(d.groups.is_empty() && !d.breaking() && !d.unjustified_loosening());
    }

    #[test]
    fn a_renamed_obligation_is_compared_under_its_new_name() {
        let old = fixture();
        let mut new = old.clone();
        for o in &mut new.vocabulary.obligations {
            o.id = "no_redisclosure".to_owned();
        }
        for r in &mut new.requirements {
            for o in &mut r.obligations {
                "no_redisclosure".clone_into(o);
            }
        }
        new.content_hash = new.compute_hash();
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        assert!(d.groups.is_empty(), "{:?}", d.groups);
        assert!(d.breaking());
        assert!(d.vocabulary.iter().any(|v| v.kind == TermKind::Obligation
            && v.change == VocabularyChangeKind::Renamed
            && v.new.as_deref() == Some("no_redisclosure")));
    }

    /// The edits `diff` reports for `new` against the fixture: (field, was, now, breaking).
    fn edits(new: &Policy) -> (Diff, Vec<(String, String, String, bool)>) {
        let d = diff(&[fixture()], std::slice::from_ref(new));
        let e = d
            .vocabulary
            .iter()
            .filter(|v| v.change == VocabularyChangeKind::Edited)
            .map(|v| {
                let s = |o: &Option<String>| o.clone().unwrap_or_default();
                (s(&v.field), s(&v.was), s(&v.now), v.breaking)
            })
            .collect();
        (d, e)
    }

    fn rehashed(mut p: Policy) -> Policy {
        p.content_hash = p.compute_hash();
        p
    }

    #[test]
    fn an_hl7_code_taken_from_a_value_is_breaking_and_one_added_is_not() {
        let mut new = fixture();
        if let Some(v) = new.vocabulary.axes.first_mut().and_then(|a| a.values.get_mut(2)) {
            v.hl7.clear();
        }
        let (d, e) = edits(&rehashed(new.clone()));
        assert_eq!(e, vec![("hl7".to_owned(), "HIV".to_owned(), String::new(), true)]);
        assert!(d.breaking() && d.groups.is_empty());
        if let Some(v) = new.vocabulary.axes.first_mut().and_then(|a| a.values.get_mut(2)) {
            v.hl7 = vec!["HIV".to_owned(), "SDV".to_owned()];
        }
        let (d, e) = edits(&rehashed(new));
        assert_eq!(e, vec![("hl7".to_owned(), "HIV".to_owned(), "HIV, SDV".to_owned(), false)]);
        assert!(!d.breaking());
    }

    #[test]
    fn a_changed_notice_text_or_used_term_title_is_breaking_and_a_value_title_is_not() {
        let mut new = fixture();
        for o in &mut new.vocabulary.obligations {
            o.text = Some("Use it as you like.".to_owned());
        }
        let (d, e) = edits(&rehashed(new.clone()));
        assert_eq!(e, vec![("text".to_owned(), "none".to_owned(), "Use it as you like.".to_owned(), true)]);
        assert!(d.breaking());
        let mut new = fixture();
        for o in &mut new.vocabulary.obligations {
            o.title = "A notice".to_owned();
        }
        if let Some(v) = new.vocabulary.axes.first_mut().and_then(|a| a.values.get_mut(1)) {
            v.title = "General record".to_owned();
        }
        let (d, e) = edits(&rehashed(new));
        assert_eq!(e.len(), 2, "{e:?}");
        assert!(e.iter().all(|x| x.0 == "title"), "{e:?}");
        // The fixture's answers carry its obligation: redefining it changes what they ask.
        assert!(e.iter().any(|x| x.2 == "A notice" && x.3), "{e:?}");
        // A value's title describes the question, not what an answer requires.
        assert!(e.iter().any(|x| x.2 == "General record" && !x.3), "{e:?}");
        assert!(d.breaking());
    }

    /// The fixture with a deferring federal rule `tiny.parent_default` (rule 3), and the
    /// cells of requirement 2 answering `req` with provenance `prov` (JSON).
    fn cells_answering(req: serde_json::Value, prov: serde_json::Value) -> Policy {
        let mut p = fixture();
        if let Some(mut default) = p.rules.first().cloned() {
            "tiny.parent_default".clone_into(&mut default.id);
            default.citations = vec!["45 CFR 164.502(g)(3)(ii)".to_owned()];
            p.rules.push(default);
        }
        fn parse<T: serde::de::DeserializeOwned>(v: serde_json::Value) -> T {
            serde_json::from_value(v).unwrap_or_else(|e| unreachable!("fixture: {e}"))
        }
        if let Some(r) = p.requirements.get_mut(2) {
            *r = parse(req);
        }
        if let Some(r) = p.provenance.get_mut(2) {
            *r = parse(prov);
        }
        rehashed(p)
    }

    fn requirement(basis: &str, level: &str, obligations: &[&str]) -> serde_json::Value {
        serde_json::json!({
            "level": level, "bases": [basis],
            "ways": [{"bases": [basis], "conditions": [], "level": level}],
            "mandatory": false, "deadlines": [], "authorization_elements": [], "form": [],
            "obligations": obligations, "max_validity_days": null
        })
    }

    /// Before: the federal default (rule 3) decides, with minimum necessary.
    fn federal_default() -> Policy {
        cells_answering(
            requirement("no_objection", "allowed_unless_objects", &["minimum_necessary"]),
            serde_json::json!([{"rule": 3, "role": "won", "dimensions": ["permission", "obligations"]}]),
        )
    }

    /// After: the state rule (rule 2, US-XX) sets the permission the default defers, and
    /// the default steps aside.
    fn state_sets(basis: &str, level: &str) -> Policy {
        cells_answering(
            requirement(basis, level, &[]),
            serde_json::json!([
                {"rule": 3, "role": "deferred", "dimensions": ["permission", "obligations"]},
                {"rule": 2, "role": "won", "dimensions": ["permission"]}
            ]),
        )
    }

    fn change(d: &Diff, dim: Dimension) -> Option<DimensionChange> {
        d.groups.iter().flat_map(|g| &g.changes).find(|c| c.dimension == dim).cloned()
    }

    #[test]
    fn a_stricter_state_permission_that_drops_minimum_necessary_is_no_loosening() {
        let d = diff(&[federal_default()], &[state_sets("authorization", "authorization")]);
        assert!(!d.loosened() && !d.unjustified_loosening(), "{:?}", d.groups);
        let o = change(&d, Dimension::Obligations);
        assert_eq!(o.as_ref().map(|c| c.direction), Some(Direction::Tightened));
        assert_eq!(o.as_ref().and_then(|c| c.deferral.as_deref()), Some("tiny.parent_default"));
        // Credited to the state rule that set the permission.
        let credited: Vec<String> = o.map(|c| c.new_rules.into_iter().map(|r| r.rule).collect()).unwrap_or_default();
        assert_eq!(credited, vec!["xx.hiv".to_owned()]);
        assert_eq!(change(&d, Dimension::Permission).map(|c| c.direction), Some(Direction::Tightened));
    }

    #[test]
    fn a_stricter_state_permission_without_an_authorization_does_not_excuse_a_fallen_duty() {
        // Before: the default lets the parent be told with no instrument at all; after, the
        // state asks the minor's non-objection, stricter, but no authorization: minimum
        // necessary still applies (164.502(b)), so its fall is a loosening to justify.
        let old = cells_answering(
            requirement("none", "allowed", &["minimum_necessary"]),
            serde_json::json!([{"rule": 3, "role": "won", "dimensions": ["permission", "obligations"]}]),
        );
        let d = diff(&[old], &[state_sets("no_objection", "allowed_unless_objects")]);
        assert!(d.unjustified_loosening(), "{:?}", d.groups);
        let o = change(&d, Dimension::Obligations);
        assert_eq!(o.as_ref().map(|c| c.direction), Some(Direction::Loosened));
        assert_eq!(change(&d, Dimension::Permission).map(|c| c.direction), Some(Direction::Tightened));
    }

    #[test]
    fn a_state_permission_looser_than_the_default_is_a_loosening_of_its_rule() {
        let d = diff(&[federal_default()], &[state_sets("none", "allowed")]);
        assert!(d.unjustified_loosening(), "{:?}", d.groups);
        for dim in [Dimension::Permission, Dimension::Obligations] {
            let c = change(&d, dim);
            assert_eq!(c.as_ref().map(|c| c.direction), Some(Direction::Loosened), "{dim:?}");
            let rules: Vec<String> = c.map(|c| c.new_rules.into_iter().map(|r| r.rule).collect()).unwrap_or_default();
            assert_eq!(rules, vec!["xx.hiv".to_owned()], "{dim:?}");
        }
        // The state rule's justification covers both.
        let mut new = state_sets("none", "allowed");
        if let Some(r) = new.rules.get_mut(2) {
            r.justification = Some("State law permits telling the parent".to_owned());
        }
        let d = diff(&[federal_default()], &[rehashed(new)]);
        assert!(d.loosened() && !d.unjustified_loosening(), "{:?}", d.groups);
    }

    #[test]
    fn a_mandate_added_where_a_rule_already_decides_must_say_why() {
        // Before: the federal rule decides an `allowed`; after, a state rule makes the
        // disclosure mandatory. The order ranks it stricter; the gate asks why.
        let governed = |mandatory: bool| {
            let mut req = requirement("none", "allowed", &[]);
            if let Some(m) = req.get_mut("mandatory") {
                *m = serde_json::json!(mandatory);
            }
            let mut prov = vec![serde_json::json!({"rule": 0, "role": "won", "dimensions": ["permission"]})];
            if mandatory {
                prov.push(serde_json::json!({"rule": 2, "role": "won", "dimensions": ["mandate"]}));
            }
            cells_answering(req, serde_json::Value::Array(prov))
        };
        let (old, new) = (governed(false), governed(true));
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        let c = change(&d, Dimension::Mandate);
        assert!(c.as_ref().is_some_and(DimensionChange::adds_mandate), "{:?}", d.groups);
        assert!(d.groups.iter().all(|g| g.governed.is_none()), "{:?}", d.groups);
        assert!(!d.loosened() && d.unjustified_loosening(), "{:?}", d.groups);
        let mut justified = new.clone();
        if let Some(r) = justified.rules.get_mut(2) {
            r.justification = Some("The statute requires the disclosure".to_owned());
        }
        assert!(!diff(std::slice::from_ref(&old), &[rehashed(justified)]).unjustified_loosening());
        // Taking a mandate away is a loosening of its own kind, judged as before.
        let back = diff(&[new], &[old]);
        assert_eq!(change(&back, Dimension::Mandate).map(|c| c.direction), Some(Direction::Loosened));
    }

    #[test]
    fn a_rule_that_governs_cells_no_law_reached_without_changing_them_must_say_why() {
        // Before: no rule reaches the cells (only an inactive one); after: a rule answers the
        // same `allowed`, so the answer stops warning that no law was found.
        let allowed = || requirement("none", "allowed", &[]);
        let old = cells_answering(allowed(), serde_json::json!([{"rule": 2, "role": "inactive", "dimensions": []}]));
        let new =
            cells_answering(allowed(), serde_json::json!([{"rule": 2, "role": "won", "dimensions": ["permission"]}]));
        let d = diff(std::slice::from_ref(&old), std::slice::from_ref(&new));
        let g = d.groups.iter().find(|g| g.governed.is_some());
        assert!(g.is_some_and(|g| g.changes.is_empty() && g.unjustified_governance()), "{:?}", d.groups);
        let rules: Vec<String> = g
            .and_then(|g| g.governed.clone())
            .map(|x| x.rules.into_iter().map(|r| r.rule).collect())
            .unwrap_or_default();
        assert_eq!(rules, vec!["xx.hiv".to_owned()]);
        assert!(d.unjustified_loosening() && !d.loosened());
        // A duty added beside it does not make the made-up permission a restriction.
        let with_duty = cells_answering(
            requirement("none", "allowed", &["minimum_necessary"]),
            serde_json::json!([{"rule": 2, "role": "won", "dimensions": ["permission", "obligations"]}]),
        );
        let d = diff(std::slice::from_ref(&old), &[with_duty]);
        assert!(d.groups.iter().any(ChangeGroup::unjustified_governance), "{:?}", d.groups);
        // Nor does a mandate: it ranks stricter, but it compels the disclosure.
        let mut mandate = requirement("none", "allowed", &[]);
        if let Some(m) = mandate.get_mut("mandatory") {
            *m = serde_json::json!(true);
        }
        let mandated =
            cells_answering(mandate, serde_json::json!([{"rule": 2, "role": "won", "dimensions": ["mandate"]}]));
        let d = diff(std::slice::from_ref(&old), &[mandated]);
        assert_eq!(change(&d, Dimension::Mandate).map(|c| c.direction), Some(Direction::Tightened), "{:?}", d.groups);
        assert!(d.groups.iter().any(ChangeGroup::unjustified_mandate), "{:?}", d.groups);
        assert!(!d.groups.iter().any(ChangeGroup::unjustified_governance), "reported once: {:?}", d.groups);
        // A rule that restricts the disclosure where no law reached is no such case.
        let restricts = cells_answering(
            requirement("authorization", "authorization", &[]),
            serde_json::json!([{"rule": 2, "role": "won", "dimensions": ["permission"]}]),
        );
        let d = diff(std::slice::from_ref(&old), &[restricts]);
        assert!(d.groups.iter().any(|g| g.governed.is_some()) && !d.unjustified_loosening(), "{:?}", d.groups);
        // A justification on the rule that reaches them now lets it pass.
        let mut justified = new.clone();
        if let Some(r) = justified.rules.get_mut(2) {
            r.justification = Some("The statute permits it".to_owned());
        }
        assert!(!diff(std::slice::from_ref(&old), &[rehashed(justified)]).unjustified_loosening());
        // The reverse is reported and never fails the gate.
        let back = diff(&[new], &[old]);
        assert!(back.groups.iter().any(|g| g.governed.as_ref().is_some_and(|x| !x.now)), "{:?}", back.groups);
        assert!(!back.unjustified_loosening());
    }

    #[test]
    fn an_obligation_dropped_while_the_permission_stays_is_a_loosening() {
        let old = cells_answering(
            requirement("authorization", "authorization", &["minimum_necessary"]),
            serde_json::json!([{"rule": 2, "role": "won", "dimensions": ["permission", "obligations"]}]),
        );
        let new = cells_answering(
            requirement("authorization", "authorization", &[]),
            serde_json::json!([{"rule": 2, "role": "won", "dimensions": ["permission"]}]),
        );
        let d = diff(&[old], &[new]);
        assert!(d.unjustified_loosening(), "{:?}", d.groups);
        let o = change(&d, Dimension::Obligations);
        assert_eq!(o.as_ref().map(|c| c.direction), Some(Direction::Loosened));
        assert_eq!(o.as_ref().and_then(|c| c.deferral.clone()), None);
        let before: Vec<String> = o.map(|c| c.old_rules.into_iter().map(|r| r.rule).collect()).unwrap_or_default();
        assert_eq!(before, vec!["xx.hiv".to_owned()]);
        assert!(change(&d, Dimension::Permission).is_none());
    }

    #[test]
    fn a_default_stepping_aside_where_the_permission_stays_is_still_a_loosening() {
        // A federal rule decides the permission in both; the state's equal demand is met.
        let old = cells_answering(
            requirement("specific_authorization", "specific_authorization", &["minimum_necessary"]),
            serde_json::json!([
                {"rule": 1, "role": "won", "dimensions": ["permission"]},
                {"rule": 3, "role": "won", "dimensions": ["obligations"]},
                {"rule": 3, "role": "met", "dimensions": ["permission"]}
            ]),
        );
        let new = cells_answering(
            requirement("specific_authorization", "specific_authorization", &[]),
            serde_json::json!([
                {"rule": 1, "role": "won", "dimensions": ["permission"]},
                {"rule": 3, "role": "deferred", "dimensions": ["permission", "obligations"]},
                {"rule": 2, "role": "met", "dimensions": ["permission"]}
            ]),
        );
        let d = diff(&[old], &[new]);
        assert!(d.unjustified_loosening(), "{:?}", d.groups);
        let o = change(&d, Dimension::Obligations);
        assert_eq!(o.as_ref().map(|c| c.direction), Some(Direction::Loosened));
        // Credited to the state rule whose demand made the default step aside.
        let credited: Vec<String> = o.map(|c| c.new_rules.into_iter().map(|r| r.rule).collect()).unwrap_or_default();
        assert_eq!(credited, vec!["xx.hiv".to_owned()]);
    }

    #[test]
    fn a_default_coming_back_with_a_stricter_permission_drops_the_state_duty_without_loosening() {
        // Before: the state rule (rule 2) set the permission the default defers, with a
        // duty of its own; after, it is gone and the default decides again.
        let old = cells_answering(
            requirement("none", "allowed", &["professional_judgment"]),
            serde_json::json!([
                {"rule": 3, "role": "deferred", "dimensions": ["permission"]},
                {"rule": 2, "role": "won", "dimensions": ["permission", "obligations"]}
            ]),
        );
        let new = cells_answering(
            requirement("authorization", "authorization", &[]),
            serde_json::json!([{"rule": 3, "role": "won", "dimensions": ["permission"]}]),
        );
        let d = diff(&[old], &[new]);
        assert!(!d.loosened(), "{:?}", d.groups);
        let o = change(&d, Dimension::Obligations);
        assert_eq!(o.as_ref().map(|c| c.direction), Some(Direction::Tightened));
        assert_eq!(o.as_ref().and_then(|c| c.deferral.as_deref()), Some("tiny.parent_default"));
        let credited: Vec<String> = o.map(|c| c.new_rules.into_iter().map(|r| r.rule).collect()).unwrap_or_default();
        assert_eq!(credited, vec!["tiny.parent_default".to_owned()]);
    }
}
