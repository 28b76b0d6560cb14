//! The requirement lattice: what a rule demands of a disclosure, and how two demands meet.
//!
//! 45 CFR 160.202 defines "more stringent" criterion by criterion, so a requirement is a
//! product of small lattices, each with its own direction. The meet of two requirements
//! is the requirement that satisfies both; it is commutative, associative and idempotent.

use serde::{Deserialize, Serialize};

/// A legal basis that can make a disclosure permissible: an instrument the discloser holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// No permission needed: the empty way.
    None,
    /// The individual had the opportunity to agree or object (45 CFR 164.510).
    NoObjection,
    /// A written authorization (45 CFR 164.508).
    Authorization,
    /// A written, category-specific authorization; a general release does not suffice.
    SpecificAuthorization,
    /// An order of a court or administrative tribunal (45 CFR 164.512(e)(1)(i)).
    CourtOrder,
    /// A court-ordered warrant (45 CFR 164.512(f)(1)(ii)(A)).
    Warrant,
    /// A subpoena or discovery request not accompanied by a court order (45 CFR
    /// 164.512(e)(1)(ii)); a court order satisfies whatever a subpoena does.
    Subpoena,
    /// An administrative request, subpoena or civil investigative demand (45 CFR
    /// 164.512(f)(1)(ii)(C)).
    AdministrativeRequest,
}

impl Basis {
    /// Every basis, weakest first (the order of `Ord`), for walking them all.
    pub const ALL: [Basis; 8] = [
        Basis::None,
        Basis::NoObjection,
        Basis::Authorization,
        Basis::SpecificAuthorization,
        Basis::CourtOrder,
        Basis::Warrant,
        Basis::Subpoena,
        Basis::AdministrativeRequest,
    ];

    /// The name serde and the rule language use, for text output that must match both.
    pub fn as_str(self) -> &'static str {
        match self {
            Basis::None => "none",
            Basis::NoObjection => "no_objection",
            Basis::Authorization => "authorization",
            Basis::SpecificAuthorization => "specific_authorization",
            Basis::CourtOrder => "court_order",
            Basis::Warrant => "warrant",
            Basis::Subpoena => "subpoena",
            Basis::AdministrativeRequest => "administrative_request",
        }
    }

    /// The way that holding this instrument alone makes up: the instrument and every
    /// instrument it implies (docs/semantics.md, "Permission as ways").
    pub fn way(self) -> Way {
        let bit = |b: Basis| (1 as Bits) << (b as u32 - 1);
        Way(match self {
            Basis::None => 0,
            Basis::NoObjection => bit(Basis::NoObjection),
            Basis::Authorization => bit(Basis::Authorization) | bit(Basis::NoObjection),
            Basis::SpecificAuthorization => {
                bit(Basis::SpecificAuthorization) | bit(Basis::Authorization) | bit(Basis::NoObjection)
            }
            Basis::CourtOrder => bit(Basis::CourtOrder) | bit(Basis::Subpoena),
            b => bit(b),
        })
    }

    /// How much this instrument takes, as a display level.
    pub fn level(self) -> Level {
        match self {
            Basis::None => Level::Allowed,
            Basis::NoObjection => Level::AllowedUnlessObjects,
            Basis::Authorization => Level::Authorization,
            Basis::SpecificAuthorization => Level::SpecificAuthorization,
            Basis::Subpoena | Basis::AdministrativeRequest => Level::LegalProcess,
            Basis::CourtOrder | Basis::Warrant => Level::CourtOrderOnly,
        }
    }
}

/// The word a way keeps its instruments in: the bases in the low bits and the conditions
/// above them.
type Bits = u128;

/// How many conditions a vocabulary may declare: as many as the bits of [`Bits`] above the
/// bases.
pub const MAX_CONDITIONS: usize = Bits::BITS as usize - BASIS_BITS as usize;
const BASIS_BITS: u32 = 8;
const BASIS_MASK: Bits = (1 << BASIS_BITS) - 1;

/// One way to make a disclosure lawful: instruments that together suffice. Bases are kept
/// closed under implication, so one way needs no more than another exactly when its set
/// is a subset. Condition `i` is the `i`-th condition of the vocabulary.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Way(Bits);

impl Way {
    /// Nothing needed.
    pub const NONE: Way = Way(0);

    /// The way made of these bases and conditions (indices into the vocabulary's
    /// conditions). An index past [`MAX_CONDITIONS`] — which the compiler and the loader
    /// refuse — is kept as the last condition, never dropped: dropping it would loosen.
    pub fn new(bases: &[Basis], conditions: &[usize]) -> Way {
        let bases = bases.iter().fold(0, |acc, b| acc | b.way().0);
        let conditions =
            conditions.iter().fold(0, |acc, c| acc | (1 as Bits) << (BASIS_BITS + (*c).min(MAX_CONDITIONS - 1) as u32));
        Way(bases | conditions)
    }

    /// Needs everything either way needs.
    pub fn and(self, other: Way) -> Way {
        Way(self.0 | other.0)
    }

    /// Everything `other` needs, `self` needs too: holding `self` satisfies `other`.
    pub fn covers(self, other: Way) -> bool {
        other.0 & !self.0 == 0
    }

    /// The bases named, without those another named basis implies (`authorization`, not
    /// `authorization, no_objection`); `[none]` for the empty way.
    pub fn bases(self) -> Vec<Basis> {
        let held: Vec<Basis> =
            Basis::ALL.iter().skip(1).copied().filter(|b| self.0 & (1 << (*b as u32 - 1)) != 0).collect();
        let named: Vec<Basis> =
            held.iter().copied().filter(|b| !held.iter().any(|o| o != b && o.way().covers(b.way()))).collect();
        if named.is_empty() { vec![Basis::None] } else { named }
    }

    /// The indices of the conditions this way needs, ascending.
    pub fn conditions(self) -> impl Iterator<Item = usize> {
        (0..MAX_CONDITIONS).filter(move |c| self.0 & (1 << (BASIS_BITS + *c as u32)) != 0)
    }

    /// The same way with its conditions dropped: the instruments alone.
    pub fn without_conditions(self) -> Way {
        Way(self.0 & BASIS_MASK)
    }

    /// Some condition is part of the way: a reader who cannot check conditions must not
    /// count it as open.
    pub fn is_conditional(self) -> bool {
        self.0 & !BASIS_MASK != 0
    }

    /// The way's display level: that of its strongest basis.
    pub fn level(self) -> Level {
        self.bases().into_iter().map(Basis::level).max().unwrap_or(Level::Allowed)
    }
}

/// A permission: the ways that make a disclosure lawful, read as "any of these" and
/// closed upward (holding more never hurts). Kept minimal and sorted, so equal
/// permissions are equal values. No way at all means the disclosure is prohibited.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Permission {
    ways: Vec<Way>,
    /// A meet had more combinations of ways than [`MAX_WAY_PRODUCTS`], or more minimal
    /// ways than [`MAX_WAYS`], and kept fewer: a stricter permission than the law's meet,
    /// never a looser one. The compiler refuses a tree whose answers carry it (E0400).
    overflowed: bool,
}

/// Combinations of ways one meet enumerates (the product of its two sides' ways). Beyond
/// it only the unconditional ways of each side are combined, and the result is marked.
pub const MAX_WAY_PRODUCTS: usize = 1_024;

/// Minimal ways one permission keeps; beyond it the rest are dropped (stricter), marked.
pub const MAX_WAYS: usize = 64;

impl Permission {
    /// Anything suffices: the permission of a rule that says nothing about permission.
    pub fn any() -> Permission {
        Permission { ways: vec![Way::NONE], overflowed: false }
    }

    /// Nothing suffices.
    pub fn prohibited() -> Permission {
        Permission { ways: Vec::new(), overflowed: false }
    }

    /// Any of these ways suffices.
    pub fn from_ways(ways: impl IntoIterator<Item = Way>) -> Permission {
        let mut ways: Vec<Way> = ways.into_iter().collect();
        ways.sort_unstable();
        ways.dedup();
        let all = ways.clone();
        ways.retain(|w| !all.iter().any(|o| o != w && w.covers(*o)));
        let overflowed = ways.len() > MAX_WAYS;
        ways.truncate(MAX_WAYS);
        Permission { ways, overflowed }
    }

    /// The bases that satisfy a demand for `basis`.
    pub fn at_least(basis: Basis) -> Permission {
        Permission { ways: vec![basis.way()], overflowed: false }
    }

    /// Any of several bases suffices: `authorization or court_order`.
    pub fn any_of(bases: &[Basis]) -> Permission {
        Permission::from_ways(bases.iter().map(|b| b.way()))
    }

    /// Whether a meet kept fewer ways than the law's meet has (see [`MAX_WAY_PRODUCTS`]).
    pub fn overflowed(&self) -> bool {
        self.overflowed
    }

    /// The minimal ways, sorted: each suffices, and none covers another.
    pub fn ways(&self) -> &[Way] {
        &self.ways
    }

    /// Holding only `basis` satisfies this permission, with no condition.
    pub fn admits(&self, basis: Basis) -> bool {
        self.ways.iter().any(|w| basis.way().covers(*w))
    }

    /// The bases that suffice alone, each with no other instrument and no condition.
    pub fn bases(&self) -> impl Iterator<Item = Basis> + '_ {
        Basis::ALL.into_iter().filter(move |b| self.admits(*b))
    }

    /// Both must be satisfied: every union of one way from each, minimised.
    pub fn meet(&self, other: &Permission) -> Permission {
        let overflowed = self.overflowed || other.overflowed;
        if self.ways.len().saturating_mul(other.ways.len()) > MAX_WAY_PRODUCTS {
            let unconditional =
                |p: &Permission| p.ways.iter().copied().filter(|w| !w.is_conditional()).collect::<Vec<_>>();
            let (mine, theirs) = (unconditional(self), unconditional(other));
            let mut met = Permission::from_ways(mine.iter().flat_map(|a| theirs.iter().map(move |b| a.and(*b))));
            met.overflowed = true;
            return met;
        }
        let mut met = Permission::from_ways(self.ways.iter().flat_map(|a| other.ways.iter().map(move |b| a.and(*b))));
        met.overflowed |= overflowed;
        met
    }

    /// `self` is at least as strict as `other`: whoever satisfies `self` satisfies `other`.
    pub fn at_least_as_strict_as(&self, other: &Permission) -> bool {
        self.ways.iter().all(|w| other.ways.iter().any(|o| w.covers(*o)))
    }

    /// Every way needs the individual's written authorization (a specific one counts): a
    /// disclosure on this permission is made "pursuant to an authorization", which HIPAA's
    /// minimum-necessary standard does not reach (45 CFR 164.502(b)(2)(iii)). A prohibition
    /// has no way, and so needs one vacuously.
    pub fn needs_authorization(&self) -> bool {
        let authorization = Basis::Authorization.way();
        self.ways().iter().all(|w| w.covers(authorization))
    }

    /// No way at all: no instrument or condition makes the disclosure permissible.
    pub fn is_prohibited(&self) -> bool {
        self.ways.is_empty()
    }

    /// The display level: that of the weakest way that needs no condition; `prohibited`
    /// when every way needs one, so that a reader who knows nothing of conditions reads
    /// a conservative answer.
    pub fn level(&self) -> Level {
        self.ways.iter().filter(|w| !w.is_conditional()).map(|w| w.level()).min().unwrap_or(Level::Prohibited)
    }
}

/// What people and scripts read first: how much it takes to make the disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// No instrument needed.
    Allowed,
    /// Allowed once the individual had the chance to object and did not.
    AllowedUnlessObjects,
    /// A written authorization.
    Authorization,
    /// A written authorization for this category; a general release does not suffice.
    SpecificAuthorization,
    /// Only with legal process short of a court order: a subpoena or an administrative
    /// request.
    LegalProcess,
    /// Only with a court order or warrant.
    CourtOrderOnly,
    /// No way makes the disclosure permissible (or every way needs a condition).
    Prohibited,
}

impl Level {
    /// Every level from the least to the most demanding, the order `Ord` follows.
    pub const ALL: [Level; 7] = [
        Level::Allowed,
        Level::AllowedUnlessObjects,
        Level::Authorization,
        Level::SpecificAuthorization,
        Level::LegalProcess,
        Level::CourtOrderOnly,
        Level::Prohibited,
    ];

    /// The name serde writes, for text output that must match the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allowed => "allowed",
            Level::AllowedUnlessObjects => "allowed_unless_objects",
            Level::Authorization => "authorization",
            Level::SpecificAuthorization => "specific_authorization",
            Level::LegalProcess => "legal_process",
            Level::CourtOrderOnly => "court_order_only",
            Level::Prohibited => "prohibited",
        }
    }
}

/// How a deadline's days are counted: statutes say either.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    /// Every day counts.
    CalendarDays,
    /// Weekends and holidays do not count.
    BusinessDays,
}

/// What must happen by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Let the individual inspect the record.
    Inspect,
    /// Give the individual a copy.
    Copy,
    /// Whatever the request was: the deadline covers both.
    Any,
}

/// `days` days (of `unit`) to `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deadline {
    /// How many days.
    pub days: u32,
    /// How they are counted.
    pub unit: DayUnit,
    /// What must be done by then.
    pub action: Action,
}

impl Deadline {
    /// Meeting `self` provably meets `other` too: it applies to at least the same action
    /// and ends no later whatever the calendar (n calendar days never end after n
    /// business days).
    pub fn dominates(&self, other: &Deadline) -> bool {
        let covers = self.action == Action::Any || self.action == other.action;
        let earlier = match (self.unit, other.unit) {
            (DayUnit::BusinessDays, DayUnit::CalendarDays) => false,
            _ => self.days <= other.days,
        };
        covers && earlier
    }
}

/// Keep every deadline that no other deadline dominates; sorted, without repeats.
pub fn reduce_deadlines(deadlines: &mut Vec<Deadline>) {
    deadlines.sort_unstable();
    deadlines.dedup();
    let all = deadlines.clone();
    deadlines.retain(|d| !all.iter().any(|o| o != d && o.dominates(d)));
}

/// Every dimension of a requirement, in the order they are reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    /// The ways that make the disclosure permissible.
    Permission,
    /// Whether the disclosure is required.
    Mandate,
    /// The time limits to act.
    Deadlines,
    /// What an authorization must contain.
    AuthorizationElements,
    /// The form an authorization must take.
    Form,
    /// The duties that ride along.
    Obligations,
    /// How long an authorization may stay valid.
    MaxValidityDays,
}

impl Dimension {
    /// Every dimension, so that "stricter in every dimension" checks them all.
    pub const ALL: [Dimension; 7] = [
        Dimension::Permission,
        Dimension::Mandate,
        Dimension::Deadlines,
        Dimension::AuthorizationElements,
        Dimension::Form,
        Dimension::Obligations,
        Dimension::MaxValidityDays,
    ];

    /// The name serde writes, for text output that must match the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Permission => "permission",
            Dimension::Mandate => "mandate",
            Dimension::Deadlines => "deadlines",
            Dimension::AuthorizationElements => "authorization_elements",
            Dimension::Form => "form",
            Dimension::Obligations => "obligations",
            Dimension::MaxValidityDays => "max_validity_days",
        }
    }
}

/// A resolved demand on one disclosure. `T` names declared terms (authorization elements,
/// form constraints, obligations): the compiler uses small integers, the artifact strings.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Requirement<T> {
    /// The ways that make the disclosure permissible; the meet keeps only what satisfies both.
    pub permission: Permission,
    /// The law requires the disclosure (a report, a patient's access), not just permits it.
    pub mandatory: bool,
    /// Reduced: no deadline here dominates another.
    pub deadlines: Vec<Deadline>,
    /// Sorted, without repeats; likewise `form` and `obligations`.
    pub elements: Vec<T>,
    /// Constraints on the authorization's form (signed, in writing, a separate document).
    pub form: Vec<T>,
    /// Duties that ride along with the disclosure (a redisclosure notice, a log entry).
    pub obligations: Vec<T>,
    /// The longest an authorization may stay valid; the meet keeps the shorter.
    pub max_validity_days: Option<u32>,
}

impl<T> Default for Requirement<T> {
    /// The top of the lattice: demands nothing.
    fn default() -> Self {
        Requirement {
            permission: Permission::any(),
            mandatory: false,
            deadlines: Vec::new(),
            elements: Vec::new(),
            form: Vec::new(),
            obligations: Vec::new(),
            max_validity_days: None,
        }
    }
}

fn union<T: Ord + Clone>(a: &[T], b: &[T]) -> Vec<T> {
    let mut out: Vec<T> = a.iter().chain(b).cloned().collect();
    out.sort();
    out.dedup();
    out
}

impl<T: Ord + Clone> Requirement<T> {
    /// The requirement that satisfies both.
    pub fn meet(&self, other: &Self) -> Self {
        let mut deadlines: Vec<Deadline> = self.deadlines.iter().chain(&other.deadlines).copied().collect();
        reduce_deadlines(&mut deadlines);
        Requirement {
            permission: self.permission.meet(&other.permission),
            mandatory: self.mandatory || other.mandatory,
            deadlines,
            elements: union(&self.elements, &other.elements),
            form: union(&self.form, &other.form),
            obligations: union(&self.obligations, &other.obligations),
            max_validity_days: match (self.max_validity_days, other.max_validity_days) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            },
        }
    }

    /// Bring sets and deadlines to their canonical form.
    pub fn normalize(&mut self) {
        reduce_deadlines(&mut self.deadlines);
        for set in [&mut self.elements, &mut self.form, &mut self.obligations] {
            set.sort();
            set.dedup();
        }
    }

    /// Replace one dimension of `self` by the same dimension of `other`.
    pub fn set_dimension(&mut self, dim: Dimension, other: &Self) {
        match dim {
            Dimension::Permission => self.permission = other.permission.clone(),
            Dimension::Mandate => self.mandatory = other.mandatory,
            Dimension::Deadlines => self.deadlines = other.deadlines.clone(),
            Dimension::AuthorizationElements => self.elements = other.elements.clone(),
            Dimension::Form => self.form = other.form.clone(),
            Dimension::Obligations => self.obligations = other.obligations.clone(),
            Dimension::MaxValidityDays => self.max_validity_days = other.max_validity_days,
        }
    }

    /// Whether `self` and `other` agree on one dimension.
    pub fn same_in(&self, dim: Dimension, other: &Self) -> bool {
        match dim {
            Dimension::Permission => self.permission == other.permission,
            Dimension::Mandate => self.mandatory == other.mandatory,
            Dimension::Deadlines => self.deadlines == other.deadlines,
            Dimension::AuthorizationElements => self.elements == other.elements,
            Dimension::Form => self.form == other.form,
            Dimension::Obligations => self.obligations == other.obligations,
            Dimension::MaxValidityDays => self.max_validity_days == other.max_validity_days,
        }
    }

    /// `self` is at least as strict as `other` in one dimension. Mandate counts as
    /// stricter when set: the individual's right to the disclosure is the greater right.
    pub fn at_least_as_strict_in(&self, dim: Dimension, other: &Self) -> bool {
        let mut met = self.clone();
        met.set_dimension(dim, &self.meet(other));
        met.same_in(dim, self)
    }

    /// `self` is at least as strict as `other` in every dimension.
    pub fn at_least_as_strict_as(&self, other: &Self) -> bool {
        Dimension::ALL.iter().all(|d| self.at_least_as_strict_in(*d, other))
    }

    /// The same requirement with its terms renamed, e.g. the compiler's numbers to the
    /// artifact's ids; terms are sorted and deduplicated again in the new naming.
    pub fn map_terms<U: Ord + Clone>(&self, f: impl Fn(&T) -> U) -> Requirement<U> {
        let mut out = Requirement {
            permission: self.permission.clone(),
            mandatory: self.mandatory,
            deadlines: self.deadlines.clone(),
            elements: self.elements.iter().map(&f).collect(),
            form: self.form.iter().map(&f).collect(),
            obligations: self.obligations.iter().map(&f).collect(),
            max_validity_days: self.max_validity_days,
        };
        out.normalize();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_condition_up_to_the_limit_has_its_own_bit_and_one_past_it_is_kept() {
        assert_eq!(MAX_CONDITIONS, 120);
        for c in [0, 55, 56, 63, 64, MAX_CONDITIONS - 1] {
            let w = Way::new(&[Basis::Authorization], &[c]);
            assert_eq!(w.conditions().collect::<Vec<_>>(), vec![c], "condition {c}");
            assert_eq!(w.bases(), vec![Basis::Authorization], "condition {c}");
            assert!(w.is_conditional() && w.without_conditions() == Basis::Authorization.way());
        }
        // Conditions on both sides of the old 64-bit word's edge stay apart.
        let both = Way::new(&[], &[55, 56]);
        assert!(both.covers(Way::new(&[], &[55])) && !Way::new(&[], &[55]).covers(both));
        // An index past the limit is kept as the last condition, never dropped.
        assert_eq!(Way::new(&[], &[MAX_CONDITIONS + 7]).conditions().collect::<Vec<_>>(), vec![MAX_CONDITIONS - 1]);
    }

    #[test]
    fn upward_closure_follows_instrument_strength() {
        let auth = Permission::at_least(Basis::Authorization);
        assert!(auth.admits(Basis::SpecificAuthorization));
        assert!(!auth.admits(Basis::NoObjection));
        assert!(!auth.admits(Basis::CourtOrder));
        assert!(Permission::at_least(Basis::None).admits(Basis::CourtOrder));
        assert!(Permission::at_least(Basis::Subpoena).admits(Basis::CourtOrder));
        assert!(!Permission::at_least(Basis::CourtOrder).admits(Basis::Subpoena));
        let either = Permission::any_of(&[Basis::Authorization, Basis::CourtOrder]);
        assert_eq!(either.level(), Level::Authorization);
        assert_eq!(either.meet(&Permission::at_least(Basis::CourtOrder)).level(), Level::CourtOrderOnly);
    }

    #[test]
    fn an_authorization_demand_meeting_a_court_order_demand_needs_both() {
        let both = Permission::at_least(Basis::Authorization).meet(&Permission::at_least(Basis::CourtOrder));
        assert!(!both.is_prohibited());
        let bases: Vec<Vec<Basis>> = both.ways().iter().map(|w| w.bases()).collect();
        assert_eq!(bases, vec![vec![Basis::Authorization, Basis::CourtOrder]]);
        assert_eq!(both.level(), Level::CourtOrderOnly);
        assert!(!both.admits(Basis::CourtOrder) && !both.admits(Basis::Authorization));
    }

    /// Whoever satisfies `kept` satisfies both sides: each of its ways covers the union of
    /// one way of `a` and one of `b` (a way of the exact meet, before minimising).
    fn within_the_exact_meet(kept: &Permission, a: &Permission, b: &Permission) -> bool {
        kept.ways().iter().all(|w| a.ways().iter().any(|x| b.ways().iter().any(|y| w.covers(x.and(*y)))))
    }

    /// Sides of `n` ways: two unconditional ones and the rest each on its own condition.
    fn many_ways(n: usize, first_condition: usize) -> Permission {
        let mut ways = vec![Basis::Authorization.way(), Basis::CourtOrder.way()];
        ways.extend((0..n - 2).map(|i| Way::new(&[], &[first_condition + i])));
        Permission::from_ways(ways)
    }

    #[test]
    fn an_overflowing_meet_is_marked_and_never_looser_than_the_exact_one() {
        let (a, b) = (many_ways(34, 0), many_ways(34, 24));
        assert!(a.ways().len() * b.ways().len() > MAX_WAY_PRODUCTS, "the sides must overflow the bound");
        let met = a.meet(&b);
        assert!(met.overflowed(), "the meet is marked");
        assert!(!met.is_prohibited(), "the unconditional ways still combine");
        assert!(within_the_exact_meet(&met, &a, &b), "every kept way is a way of the exact meet");
        assert!(met.at_least_as_strict_as(&a) && met.at_least_as_strict_as(&b));
        // The mark survives further meets, and an unmarked meet carries none.
        assert!(met.meet(&Permission::any()).overflowed());
        let small = many_ways(4, 0).meet(&many_ways(4, 24));
        assert!(!small.overflowed() && within_the_exact_meet(&small, &many_ways(4, 0), &many_ways(4, 24)));
    }

    #[test]
    fn a_permission_past_the_ways_bound_keeps_fewer_ways_and_is_marked() {
        // Pairs of distinct conditions: no way covers another, so none is minimised away.
        let ways: Vec<Way> = (0..MAX_WAYS + 10).map(|i| Way::new(&[], &[i % 37, 37 + i / 37])).collect();
        let all = ways.len();
        let p = Permission::from_ways(ways.clone());
        assert!(all > MAX_WAYS && p.ways().len() == MAX_WAYS && p.overflowed());
        // Fewer ways: whoever satisfies it satisfies the permission of every way.
        assert!(p.ways().iter().all(|w| ways.contains(w)));
    }

    #[test]
    fn a_conditional_way_stays_beside_the_unconditional_one_and_never_sets_the_level() {
        let threat = Way::new(&[], &[0]);
        let p = Permission::from_ways([threat, Basis::Authorization.way()]);
        assert_eq!(p.level(), Level::Authorization);
        assert_eq!(p.ways().len(), 2);
        let only_if = Permission::from_ways([threat]);
        assert_eq!(only_if.level(), Level::Prohibited);
        assert!(!only_if.is_prohibited());
        // Meeting with "authorization" keeps a way that needs both the threat and the
        // authorization, which covers the authorization way and is dropped.
        assert_eq!(p.meet(&Permission::at_least(Basis::Authorization)), Permission::at_least(Basis::Authorization));
    }

    #[test]
    fn calendar_days_dominate_as_many_business_days_but_not_the_reverse() {
        let cal = Deadline { days: 15, unit: DayUnit::CalendarDays, action: Action::Copy };
        let bus = Deadline { days: 15, unit: DayUnit::BusinessDays, action: Action::Copy };
        assert!(cal.dominates(&bus));
        assert!(!bus.dominates(&cal));
        let mut both = vec![bus, cal];
        reduce_deadlines(&mut both);
        assert_eq!(both, vec![cal]);
    }

    #[test]
    fn a_deadline_for_one_action_does_not_dominate_one_for_any() {
        let inspect = Deadline { days: 5, unit: DayUnit::BusinessDays, action: Action::Inspect };
        let any = Deadline { days: 30, unit: DayUnit::CalendarDays, action: Action::Any };
        let mut both = vec![any, inspect];
        reduce_deadlines(&mut both);
        assert_eq!(both.len(), 2);
    }
}
