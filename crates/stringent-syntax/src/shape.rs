//! Comparing syntax trees by what they say, not where they say it: `stringent fmt` checks
//! that its output reads as the same tree as its input, though every span moved.
//!
//! `PartialEq` on the tree compares spans too (a span is a position, and two positions
//! are equal only when they are the same). [`same_shape`] clears every span of copies of
//! both trees, then compares them. Each type is taken apart field by field, so a field
//! added to the tree does not compile until it is cleared here too.

use crate::Date;
use crate::ast::*;

/// Whether `a` and `b` are the same tree once their spans are set aside.
pub fn same_shape<T: ClearSpans + Clone + PartialEq>(a: &T, b: &T) -> bool {
    let (mut a, mut b) = (a.clone(), b.clone());
    a.clear_spans();
    b.clear_spans();
    a == b
}

/// Set every span of a tree to the empty span at 0.
pub trait ClearSpans {
    fn clear_spans(&mut self);
}

impl ClearSpans for Span {
    fn clear_spans(&mut self) {
        *self = Span::default();
    }
}

/// Leaves that hold no span.
macro_rules! no_spans {
    ($($t:ty),*) => {
        $(impl ClearSpans for $t {
            fn clear_spans(&mut self) {}
        })*
    };
}

no_spans!(Date, u32, bool, Confidence, Basis, Dimension, DayUnit, Action, Level, Comparison, &'static str);

impl<T: ClearSpans> ClearSpans for Vec<T> {
    fn clear_spans(&mut self) {
        self.iter_mut().for_each(ClearSpans::clear_spans);
    }
}

impl<T: ClearSpans> ClearSpans for Option<T> {
    fn clear_spans(&mut self) {
        if let Some(t) = self {
            t.clear_spans();
        }
    }
}

impl<T: ClearSpans> ClearSpans for Spanned<T> {
    fn clear_spans(&mut self) {
        let Spanned { value, span } = self;
        value.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for SourceFile {
    fn clear_spans(&mut self) {
        let SourceFile { items, comments, unread: _ } = self;
        items.clear_spans();
        comments.clear_spans();
    }
}

impl ClearSpans for Comment {
    fn clear_spans(&mut self) {
        let Comment { text: _, span } = self;
        span.clear_spans();
    }
}

impl ClearSpans for Name {
    fn clear_spans(&mut self) {
        let Name { text: _, span } = self;
        span.clear_spans();
    }
}

impl ClearSpans for Text {
    fn clear_spans(&mut self) {
        let Text { value: _, span } = self;
        span.clear_spans();
    }
}

impl ClearSpans for Item {
    fn clear_spans(&mut self) {
        match self {
            Item::Jurisdiction(d) => d.clear_spans(),
            Item::Axis(d) => d.clear_spans(),
            Item::Element(d) | Item::Form(d) | Item::Condition(d) => d.clear_spans(),
            Item::Obligation(d) => d.clear_spans(),
            Item::Topic(d) => d.clear_spans(),
            Item::Rule(d) => d.clear_spans(),
            Item::Test(d) => d.clear_spans(),
            Item::Assert(d) => d.clear_spans(),
            Item::Silent(d) => d.clear_spans(),
        }
    }
}

impl ClearSpans for JurisdictionDecl {
    fn clear_spans(&mut self) {
        let JurisdictionDecl { id, title, parent, history_from, span } = self;
        id.clear_spans();
        title.clear_spans();
        parent.clear_spans();
        history_from.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for AxisDecl {
    fn clear_spans(&mut self) {
        let AxisDecl { name, title, values, span } = self;
        name.clear_spans();
        title.clear_spans();
        values.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for ValueDecl {
    fn clear_spans(&mut self) {
        let ValueDecl { name, title, parents, hl7, span } = self;
        name.clear_spans();
        title.clear_spans();
        parents.clear_spans();
        hl7.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for TermDecl {
    fn clear_spans(&mut self) {
        let TermDecl { name, title, span } = self;
        name.clear_spans();
        title.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for ObligationDecl {
    fn clear_spans(&mut self) {
        let ObligationDecl { name, title, hl7, text, span } = self;
        name.clear_spans();
        title.clear_spans();
        hl7.clear_spans();
        text.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for RuleDecl {
    fn clear_spans(&mut self) {
        let RuleDecl { id, title, fields, unreadable, span } = self;
        id.clear_spans();
        title.clear_spans();
        fields.clear_spans();
        unreadable.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for WayWords {
    fn clear_spans(&mut self) {
        let WayWords { bases, conditions, span } = self;
        bases.clear_spans();
        conditions.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for PermissionWords {
    fn clear_spans(&mut self) {
        let PermissionWords { ways, prohibited_if } = self;
        ways.clear_spans();
        prohibited_if.clear_spans();
    }
}

impl ClearSpans for PatternValues {
    fn clear_spans(&mut self) {
        match self {
            PatternValues::Any { except } => except.clear_spans(),
            PatternValues::Listed(names) => names.clear_spans(),
        }
    }
}

impl ClearSpans for Pattern {
    fn clear_spans(&mut self) {
        let Pattern { axis, values, span } = self;
        axis.clear_spans();
        values.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for Deadline {
    fn clear_spans(&mut self) {
        let Deadline { days, unit, action, span } = self;
        days.clear_spans();
        unit.clear_spans();
        action.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for RuleField {
    fn clear_spans(&mut self) {
        match self {
            RuleField::Cite(t) | RuleField::Source(t) | RuleField::Justification(t) => t.clear_spans(),
            RuleField::Confidence(c) => c.clear_spans(),
            RuleField::Effective(d) | RuleField::Expires(d) => d.clear_spans(),
            RuleField::Pattern(p) => p.clear_spans(),
            RuleField::Permission(p) => p.clear_spans(),
            RuleField::Withdraws(b) => b.clear_spans(),
            RuleField::Mandatory(s) => s.clear_spans(),
            RuleField::Deadline(d) => d.clear_spans(),
            RuleField::Elements(l) | RuleField::Form(l) | RuleField::Obligations(l) | RuleField::Excepts(l) => {
                l.clear_spans()
            }
            RuleField::MaxValidity(n) => n.clear_spans(),
            RuleField::Defers(d) => d.clear_spans(),
        }
    }
}

impl ClearSpans for TestDecl {
    fn clear_spans(&mut self) {
        let TestDecl { title, jurisdictions, as_of, axes, expectations, span } = self;
        title.clear_spans();
        jurisdictions.clear_spans();
        as_of.clear_spans();
        axes.clear_spans();
        expectations.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for AssertDecl {
    fn clear_spans(&mut self) {
        let AssertDecl { title, jurisdictions, dates, axes, requirements, unreadable: _, span } = self;
        title.clear_spans();
        jurisdictions.clear_spans();
        dates.clear_spans();
        axes.clear_spans();
        requirements.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for Chains {
    fn clear_spans(&mut self) {
        match self {
            Chains::All { except } => except.clear_spans(),
            Chains::Listed(l) => l.clear_spans(),
        }
    }
}

impl ClearSpans for Dates {
    fn clear_spans(&mut self) {
        match self {
            Dates::Range { from, to } => {
                from.clear_spans();
                to.clear_spans();
            }
            Dates::Changes => {}
        }
    }
}

impl ClearSpans for Bound {
    fn clear_spans(&mut self) {
        match self {
            Bound::Level(_, _, unless) | Bound::NotBasis(_, unless) => unless.clear_spans(),
            Bound::Mandatory(_) | Bound::Deadline { .. } | Bound::MaxValidity(..) | Bound::Governed => {}
            Bound::Condition(n) => n.clear_spans(),
            Bound::Obligations(l) | Bound::Elements(l) | Bound::Form(l) => l.clear_spans(),
        }
    }
}

impl ClearSpans for Expectation {
    fn clear_spans(&mut self) {
        match self {
            Expectation::Level(_)
            | Expectation::Mandatory(_)
            | Expectation::Deadline { .. }
            | Expectation::Bases(_)
            | Expectation::NotBasis(_)
            | Expectation::MaxValidity(_) => {}
            Expectation::Way(w) => w.clear_spans(),
            Expectation::Obligations(l) | Expectation::Elements(l) | Expectation::Form(l) => l.clear_spans(),
            Expectation::DecidedBy(n) => n.clear_spans(),
        }
    }
}

impl ClearSpans for TopicDecl {
    fn clear_spans(&mut self) {
        let TopicDecl { name, title, values, span } = self;
        name.clear_spans();
        title.clear_spans();
        values.clear_spans();
        span.clear_spans();
    }
}

impl ClearSpans for SilentDecl {
    fn clear_spans(&mut self) {
        let SilentDecl { topic, note, citations, searched, confidence, span } = self;
        topic.clear_spans();
        note.clear_spans();
        citations.clear_spans();
        searched.clear_spans();
        confidence.clear_spans();
        span.clear_spans();
    }
}

#[cfg(test)]
mod tests {
    use super::same_shape;

    fn items(text: &str) -> Vec<crate::ast::Item> {
        crate::parse("t.stringent", text).0.items
    }

    #[test]
    fn layout_is_not_shape_but_content_is() {
        let a = items("jurisdiction US \"U\"\nrule us.a \"A\" {\n  cite \"A\"\n  category hiv, sti\n}\n");
        let spaced =
            items("jurisdiction US \"U\"\n\n\nrule  us.a  \"A\"  {\n    cite \"A\"\n    category hiv,sti\n}\n");
        let other = items("jurisdiction US \"U\"\nrule us.a \"A\" {\n  cite \"A\"\n  category hiv, std\n}\n");
        assert_ne!(a, spaced, "spans are positions: the trees differ where their text does");
        assert!(same_shape(&a, &spaced));
        assert!(!same_shape(&a, &other));
    }
}
