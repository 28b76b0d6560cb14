//! The meet is a semilattice operation (docs/semantics.md, "Resolution", 6): commutative, associative,
//! idempotent, and never looser than either side.

use proptest::prelude::*;
use stringent_policy::{Action, Basis, DayUnit, Deadline, Permission, Requirement, Way};

fn deadline() -> impl Strategy<Value = Deadline> {
    (
        1u32..40,
        prop_oneof![Just(DayUnit::CalendarDays), Just(DayUnit::BusinessDays)],
        prop_oneof![Just(Action::Inspect), Just(Action::Copy), Just(Action::Any)],
    )
        .prop_map(|(days, unit, action)| Deadline { days, unit, action })
}

/// A way of one to three random bases, under up to two of four conditions.
fn way() -> impl Strategy<Value = Way> {
    (proptest::collection::vec(0usize..Basis::ALL.len(), 1..3), proptest::collection::vec(0usize..4, 0..2)).prop_map(
        |(bases, conditions)| {
            let bases: Vec<Basis> = bases.into_iter().filter_map(|i| Basis::ALL.get(i).copied()).collect();
            Way::new(&bases, &conditions)
        },
    )
}

fn permission() -> impl Strategy<Value = Permission> {
    proptest::collection::vec(way(), 0..4).prop_map(Permission::from_ways)
}

fn requirement() -> impl Strategy<Value = Requirement<u8>> {
    (
        permission(),
        any::<bool>(),
        proptest::collection::vec(deadline(), 0..3),
        proptest::collection::vec(0u8..6, 0..4),
        proptest::collection::vec(0u8..4, 0..3),
        proptest::collection::vec(0u8..6, 0..4),
        proptest::option::of(1u32..400),
    )
        .prop_map(|(permission, mandatory, deadlines, elements, form, obligations, max_validity_days)| {
            let mut r =
                Requirement { permission, mandatory, deadlines, elements, form, obligations, max_validity_days };
            r.normalize();
            r
        })
}

/// Whoever holds the instruments of `held` satisfies `p`: some way needs no more.
fn satisfied_by(p: &Permission, held: Way) -> bool {
    p.ways().iter().any(|w| held.covers(*w))
}

proptest! {
    #[test]
    fn meet_is_commutative(a in requirement(), b in requirement()) {
        prop_assert_eq!(a.meet(&b), b.meet(&a));
    }

    #[test]
    fn meet_is_associative(a in requirement(), b in requirement(), c in requirement()) {
        prop_assert_eq!(a.meet(&b).meet(&c), a.meet(&b.meet(&c)));
    }

    #[test]
    fn meet_is_idempotent(a in requirement()) {
        prop_assert_eq!(a.meet(&a), a);
    }

    #[test]
    fn meet_is_at_least_as_strict_as_both_sides(a in requirement(), b in requirement()) {
        let m = a.meet(&b);
        prop_assert!(m.at_least_as_strict_as(&a));
        prop_assert!(m.at_least_as_strict_as(&b));
    }

    #[test]
    fn top_is_the_identity(a in requirement()) {
        prop_assert_eq!(a.meet(&Requirement::default()), a);
    }

    /// The meaning of the meet: holding some instruments satisfies it exactly when they
    /// satisfy both sides (docs/semantics.md, "Permission as ways").
    #[test]
    fn a_discloser_satisfies_the_meet_exactly_when_it_satisfies_both(a in permission(), b in permission(), held in way()) {
        let m = a.meet(&b);
        prop_assert_eq!(satisfied_by(&m, held), satisfied_by(&a, held) && satisfied_by(&b, held));
    }

    /// A basis suffices alone for the meet exactly when it suffices for both, and the level
    /// of the meet is at least as strict as either side's.
    #[test]
    fn bases_intersect_and_the_level_only_rises(a in permission(), b in permission()) {
        let m = a.meet(&b);
        let both: Vec<Basis> = a.bases().filter(|x| b.admits(*x)).collect();
        prop_assert_eq!(m.bases().collect::<Vec<_>>(), both);
        prop_assert!(m.level() >= a.level() && m.level() >= b.level());
    }

    /// A way under a condition never makes the level weaker.
    #[test]
    fn conditional_ways_never_set_the_level(a in permission()) {
        let plain = Permission::from_ways(a.ways().iter().copied().filter(|w| !w.is_conditional()));
        prop_assert_eq!(a.level(), plain.level());
    }
}
