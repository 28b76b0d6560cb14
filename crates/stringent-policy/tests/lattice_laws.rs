//! The meet is a semilattice operation (docs/semantics.md, "Resolution", 6): commutative, associative,
//! idempotent, and never looser than either side.

use proptest::prelude::*;
use stringent_policy::{Action, DayUnit, Deadline, Permission, Requirement};

fn deadline() -> impl Strategy<Value = Deadline> {
    (
        1u32..40,
        prop_oneof![Just(DayUnit::CalendarDays), Just(DayUnit::BusinessDays)],
        prop_oneof![Just(Action::Inspect), Just(Action::Copy), Just(Action::Any)],
    )
        .prop_map(|(days, unit, action)| Deadline { days, unit, action })
}

fn requirement() -> impl Strategy<Value = Requirement<u8>> {
    (
        0u8..32,
        any::<bool>(),
        proptest::collection::vec(deadline(), 0..3),
        proptest::collection::vec(0u8..6, 0..4),
        proptest::collection::vec(0u8..4, 0..3),
        proptest::collection::vec(0u8..6, 0..4),
        proptest::option::of(1u32..400),
    )
        .prop_map(|(bits, mandatory, deadlines, elements, form, obligations, max_validity_days)| {
            let bases: Vec<_> = stringent_policy::Basis::ALL
                .into_iter()
                .enumerate()
                .filter(|(i, _)| bits & (1 << i) != 0)
                .map(|(_, b)| b)
                .collect();
            let mut r = Requirement {
                permission: Permission::from_bases(&bases),
                mandatory,
                deadlines,
                elements,
                form,
                obligations,
                max_validity_days,
            };
            r.normalize();
            r
        })
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
}
