//! The requirement lattice: what a rule demands of a disclosure, and how two demands meet.
//!
//! 45 CFR 160.202 defines "more stringent" criterion by criterion, so a requirement is a
//! product of small lattices, each with its own direction. The meet of two requirements
//! is the requirement that satisfies both; it is commutative, associative and idempotent.

use serde::{Deserialize, Serialize};

/// A legal basis that can make a disclosure permissible.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Basis {
    /// No permission needed.
    None,
    /// The individual had the opportunity to agree or object (45 CFR 164.510).
    NoObjection,
    /// A written authorization (45 CFR 164.508).
    Authorization,
    /// A written, category-specific authorization; a general release does not suffice.
    SpecificAuthorization,
    /// A court order; stands apart from the consent bases.
    CourtOrder,
}

impl Basis {
    pub const ALL: [Basis; 5] =
        [Basis::None, Basis::NoObjection, Basis::Authorization, Basis::SpecificAuthorization, Basis::CourtOrder];

    pub fn as_str(self) -> &'static str {
        match self {
            Basis::None => "none",
            Basis::NoObjection => "no_objection",
            Basis::Authorization => "authorization",
            Basis::SpecificAuthorization => "specific_authorization",
            Basis::CourtOrder => "court_order",
        }
    }

    fn bit(self) -> u8 {
        1 << (self as u8)
    }
}

/// The set of legal bases that suffice for a disclosure, closed upward: a stronger
/// instrument also satisfies a weaker demand. Meet is intersection; the empty set means
/// the disclosure is prohibited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Permission(u8);

impl Permission {
    /// Anything suffices: the permission of a rule that says nothing about permission.
    pub const ANY: Permission = Permission(0b1_1111);
    /// Nothing suffices.
    pub const PROHIBITED: Permission = Permission(0);

    /// The bases that satisfy a demand for `basis`.
    pub fn at_least(basis: Basis) -> Permission {
        let consent_from = |b: Basis| Basis::ALL[..4].iter().filter(|x| **x >= b).fold(0, |acc, x| acc | x.bit());
        Permission(match basis {
            Basis::None => Permission::ANY.0,
            Basis::CourtOrder => Basis::CourtOrder.bit(),
            consent => consent_from(consent),
        })
    }

    /// Any of several demands satisfies: `authorization or court_order`.
    pub fn any_of(bases: &[Basis]) -> Permission {
        Permission(bases.iter().fold(0, |acc, b| acc | Permission::at_least(*b).0))
    }

    pub fn from_bases(bases: &[Basis]) -> Permission {
        Permission(bases.iter().fold(0, |acc, b| acc | b.bit()))
    }

    pub fn contains(self, basis: Basis) -> bool {
        self.0 & basis.bit() != 0
    }

    pub fn bases(self) -> impl Iterator<Item = Basis> {
        Basis::ALL.into_iter().filter(move |b| self.contains(*b))
    }

    pub fn meet(self, other: Permission) -> Permission {
        Permission(self.0 & other.0)
    }

    /// `self` is at least as strict as `other`: it accepts no basis `other` refuses.
    pub fn at_least_as_strict_as(self, other: Permission) -> bool {
        self.0 & !other.0 == 0
    }

    pub fn is_prohibited(self) -> bool {
        self.0 == 0
    }

    /// The display level: the weakest consent basis that suffices.
    pub fn level(self) -> Level {
        if self.contains(Basis::None) {
            Level::Allowed
        } else if self.contains(Basis::NoObjection) {
            Level::AllowedUnlessObjects
        } else if self.contains(Basis::Authorization) {
            Level::Authorization
        } else if self.contains(Basis::SpecificAuthorization) {
            Level::SpecificAuthorization
        } else if self.contains(Basis::CourtOrder) {
            Level::CourtOrderOnly
        } else {
            Level::Prohibited
        }
    }
}

/// What people and scripts read first: how much it takes to make the disclosure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Allowed,
    AllowedUnlessObjects,
    Authorization,
    SpecificAuthorization,
    CourtOrderOnly,
    Prohibited,
}

impl Level {
    pub const ALL: [Level; 6] = [
        Level::Allowed,
        Level::AllowedUnlessObjects,
        Level::Authorization,
        Level::SpecificAuthorization,
        Level::CourtOrderOnly,
        Level::Prohibited,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Allowed => "allowed",
            Level::AllowedUnlessObjects => "allowed_unless_objects",
            Level::Authorization => "authorization",
            Level::SpecificAuthorization => "specific_authorization",
            Level::CourtOrderOnly => "court_order_only",
            Level::Prohibited => "prohibited",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DayUnit {
    CalendarDays,
    BusinessDays,
}

/// What must happen by the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Inspect,
    Copy,
    Any,
}

/// `days` days (of `unit`) to `action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deadline {
    pub days: u32,
    pub unit: DayUnit,
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
    Permission,
    Mandate,
    Deadlines,
    AuthorizationElements,
    Form,
    Obligations,
    MaxValidityDays,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Permission,
        Dimension::Mandate,
        Dimension::Deadlines,
        Dimension::AuthorizationElements,
        Dimension::Form,
        Dimension::Obligations,
        Dimension::MaxValidityDays,
    ];

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
    pub permission: Permission,
    pub mandatory: bool,
    /// Reduced: no deadline here dominates another.
    pub deadlines: Vec<Deadline>,
    /// Sorted, without repeats; likewise `form` and `obligations`.
    pub elements: Vec<T>,
    pub form: Vec<T>,
    pub obligations: Vec<T>,
    pub max_validity_days: Option<u32>,
}

impl<T> Default for Requirement<T> {
    /// The top of the lattice: demands nothing.
    fn default() -> Self {
        Requirement {
            permission: Permission::ANY,
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
            permission: self.permission.meet(other.permission),
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
            Dimension::Permission => self.permission = other.permission,
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

    pub fn map_terms<U: Ord + Clone>(&self, f: impl Fn(&T) -> U) -> Requirement<U> {
        let mut out = Requirement {
            permission: self.permission,
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
    fn upward_closure_follows_instrument_strength() {
        let auth = Permission::at_least(Basis::Authorization);
        assert!(auth.contains(Basis::SpecificAuthorization));
        assert!(!auth.contains(Basis::NoObjection));
        assert!(!auth.contains(Basis::CourtOrder));
        assert!(Permission::at_least(Basis::None).contains(Basis::CourtOrder));
        let either = Permission::any_of(&[Basis::Authorization, Basis::CourtOrder]);
        assert_eq!(either.level(), Level::Authorization);
        assert_eq!(either.meet(Permission::at_least(Basis::CourtOrder)).level(), Level::CourtOrderOnly);
        assert_eq!(auth.meet(Permission::at_least(Basis::CourtOrder)).level(), Level::Prohibited);
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
