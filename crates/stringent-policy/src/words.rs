//! The closed words of the rule language: legal bases, display levels, day units, deadline
//! actions and dimensions. Each kind has one table here; the parser reads words through
//! it (with "did you mean" for a misspelling), the formatter writes them through it, and
//! the grammar knows them only as names. A word the language once spelt otherwise stays
//! readable through [`Word::RENAMED`], and `stringent fmt` writes the current spelling.

use crate::lattice::{Action, Basis, DayUnit, Dimension, Level};

/// One kind of closed word.
pub trait Word: Copy + PartialEq + 'static {
    /// What the words name, for messages: "legal basis".
    const KIND: &'static str;
    /// Every word as rule files spell it today.
    const TABLE: &'static [(&'static str, Self)];
    /// Older spellings still read, each with the word it now is.
    const RENAMED: &'static [(&'static str, Self)] = &[];

    /// The spelling rule files use for this word.
    fn keyword(self) -> &'static str {
        Self::TABLE.iter().find(|(_, w)| *w == self).map_or("", |(name, _)| name)
    }

    /// The word spelt `name` today, if any.
    fn from_keyword(name: &str) -> Option<Self> {
        Self::TABLE.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
    }

    /// The word an older spelling stands for.
    fn renamed(name: &str) -> Option<Self> {
        Self::RENAMED.iter().find(|(n, _)| *n == name).map(|(_, w)| *w)
    }

    /// Every spelling of today, for "did you mean" and for listing the choices.
    fn keywords() -> impl Iterator<Item = &'static str> {
        Self::TABLE.iter().map(|(name, _)| *name)
    }
}

impl Word for Basis {
    const KIND: &'static str = "legal basis";
    const TABLE: &'static [(&'static str, Self)] = &[
        ("none", Basis::None),
        ("no_objection", Basis::NoObjection),
        ("authorization", Basis::Authorization),
        ("specific_authorization", Basis::SpecificAuthorization),
        ("court_order", Basis::CourtOrder),
        ("warrant", Basis::Warrant),
        ("subpoena", Basis::Subpoena),
        ("administrative_request", Basis::AdministrativeRequest),
    ];
}

impl Word for Level {
    const KIND: &'static str = "level";
    const TABLE: &'static [(&'static str, Self)] = &[
        ("allowed", Level::Allowed),
        ("allowed_unless_objects", Level::AllowedUnlessObjects),
        ("authorization", Level::Authorization),
        ("specific_authorization", Level::SpecificAuthorization),
        ("legal_process", Level::LegalProcess),
        ("court_order_only", Level::CourtOrderOnly),
        ("prohibited", Level::Prohibited),
    ];
}

impl Word for DayUnit {
    const KIND: &'static str = "day unit";
    const TABLE: &'static [(&'static str, Self)] =
        &[("calendar_days", DayUnit::CalendarDays), ("business_days", DayUnit::BusinessDays)];
}

impl Word for Action {
    const KIND: &'static str = "deadline action";
    const TABLE: &'static [(&'static str, Self)] =
        &[("inspect", Action::Inspect), ("copy", Action::Copy), ("any", Action::Any)];
}

/// In `defers`, a dimension is named by the field that states it in a rule; the
/// artifact's names (`mandate`, `authorization_elements`, …) are [`Dimension::as_str`].
impl Word for Dimension {
    const KIND: &'static str = "dimension";
    const TABLE: &'static [(&'static str, Self)] = &[
        ("permission", Dimension::Permission),
        ("mandatory", Dimension::Mandate),
        ("deadline", Dimension::Deadlines),
        ("elements", Dimension::AuthorizationElements),
        ("form", Dimension::Form),
        ("obligations", Dimension::Obligations),
        ("max_validity", Dimension::MaxValidityDays),
    ];
    /// `defers` named two dimensions apart from their fields until schema 2.0.
    const RENAMED: &'static [(&'static str, Self)] =
        &[("mandate", Dimension::Mandate), ("deadlines", Dimension::Deadlines)];
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A table that misses a word, or names one twice, would make a word unreadable or
    /// unwritable: every word has exactly one spelling, and no old spelling is a current one.
    fn one_spelling_each<W: Word + std::fmt::Debug>(all: &[W]) {
        for w in all {
            assert_eq!(W::TABLE.iter().filter(|(_, x)| x == w).count(), 1, "{w:?}");
            assert_eq!(W::from_keyword(w.keyword()), Some(*w));
        }
        assert_eq!(W::TABLE.len(), all.len());
        for (old, _) in W::RENAMED {
            assert_eq!(W::from_keyword(old), None, "{old} is both old and current");
        }
    }

    #[test]
    fn every_word_has_one_spelling() {
        one_spelling_each(&Basis::ALL);
        one_spelling_each(&Level::ALL);
        one_spelling_each(&[DayUnit::CalendarDays, DayUnit::BusinessDays]);
        one_spelling_each(&[Action::Inspect, Action::Copy, Action::Any]);
        one_spelling_each(&Dimension::ALL);
    }

    #[test]
    fn bases_and_levels_are_spelt_as_the_artifact_names_them() {
        for b in Basis::ALL {
            assert_eq!(b.keyword(), b.as_str());
        }
        for l in Level::ALL {
            assert_eq!(l.keyword(), l.as_str());
        }
    }

    #[test]
    fn old_dimension_spellings_still_read() {
        assert_eq!(Dimension::renamed("mandate"), Some(Dimension::Mandate));
        assert_eq!(Dimension::renamed("deadlines"), Some(Dimension::Deadlines));
        assert_eq!(Dimension::Mandate.keyword(), "mandatory");
    }
}
