//! The typed syntax tree of one rule file. Spans are byte offsets into the file; equality
//! compares them too, so a tree and the tree of its reformatted text are compared with
//! [`crate::shape::same_shape`].

use crate::Date;
pub use stringent_diagnostics::Span;
/// The closed words of the language, one table per kind (`stringent_policy::words`).
pub use stringent_policy::{Action, Basis, DayUnit, Dimension, Level, Word};

/// A parsed rule file: its items in source order, and its comments on the side.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct SourceFile {
    pub items: Vec<Item>,
    pub comments: Vec<Comment>,
    /// What the text the grammar refused may declare (already reported as syntax errors).
    pub unread: Vec<crate::UnreadDecl>,
}

impl SourceFile {
    /// Whether the file's `jurisdiction` header is among the text that could not be read.
    pub fn header_unread(&self) -> bool {
        self.unread.iter().any(|d| d.keyword == "jurisdiction")
    }
}

/// A `//` comment, text without the slashes.
#[derive(Debug, Clone, PartialEq)]
pub struct Comment {
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Item {
    Jurisdiction(JurisdictionDecl),
    Axis(AxisDecl),
    Element(TermDecl),
    Form(TermDecl),
    Obligation(ObligationDecl),
    Condition(TermDecl),
    Topic(TopicDecl),
    Rule(RuleDecl),
    Test(TestDecl),
    Assert(AssertDecl),
    Silent(SilentDecl),
}

impl Item {
    pub fn span(&self) -> Span {
        match self {
            Item::Jurisdiction(d) => d.span,
            Item::Axis(d) => d.span,
            Item::Element(d) | Item::Form(d) | Item::Condition(d) => d.span,
            Item::Obligation(d) => d.span,
            Item::Topic(d) => d.span,
            Item::Rule(d) => d.span,
            Item::Test(d) => d.span,
            Item::Assert(d) => d.span,
            Item::Silent(d) => d.span,
        }
    }
}

/// A name as written, with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Name {
    pub text: String,
    pub span: Span,
}

/// A string literal with its escapes resolved.
#[derive(Debug, Clone, PartialEq)]
pub struct Text {
    pub value: String,
    pub span: Span,
}

/// A value with where it was written.
#[derive(Debug, Clone, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

/// `jurisdiction US-CA "California" under US`
#[derive(Debug, Clone, PartialEq)]
pub struct JurisdictionDecl {
    pub id: Name,
    pub title: Text,
    pub parent: Option<Name>,
    /// `history from DATE`: the date from which the layer's encoded history is complete.
    pub history_from: Option<Spanned<Date>>,
    pub span: Span,
}

/// `axis category "Record category" { value … }`
#[derive(Debug, Clone, PartialEq)]
pub struct AxisDecl {
    pub name: Name,
    pub title: Text,
    pub values: Vec<ValueDecl>,
    pub span: Span,
}

/// `value mental_health "Mental health" under behavioral_health hl7 "MH"`
#[derive(Debug, Clone, PartialEq)]
pub struct ValueDecl {
    pub name: Name,
    pub title: Text,
    pub parents: Vec<Name>,
    pub hl7: Vec<Text>,
    pub span: Span,
}

/// `element recipient_name "…"` and `form separate_document "…"`.
#[derive(Debug, Clone, PartialEq)]
pub struct TermDecl {
    pub name: Name,
    pub title: Text,
    pub span: Span,
}

/// `obligation name "title" { hl7 "…" text "…" }`
#[derive(Debug, Clone, PartialEq)]
pub struct ObligationDecl {
    pub name: Name,
    pub title: Text,
    pub hl7: Vec<Text>,
    pub text: Vec<Text>,
    pub span: Span,
}

/// `rule id "title" { fields }`. Fields stay in source order; the compiler checks which
/// are required and which may appear once.
#[derive(Debug, Clone, PartialEq)]
pub struct RuleDecl {
    pub id: Name,
    pub title: Text,
    pub fields: Vec<RuleField>,
    /// Keywords of fields that were written but whose value could not be read (an
    /// impossible date): an error already says why, so the field is not also missing.
    pub unreadable: Vec<&'static str>,
    pub span: Span,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Confidence {
    Verified,
    Secondary,
    Recalled,
    Unverified,
}

impl Word for Confidence {
    const KIND: &'static str = "confidence level";
    const TABLE: &'static [(&'static str, Self)] = &[
        ("verified", Confidence::Verified),
        ("secondary", Confidence::Secondary),
        ("recalled", Confidence::Recalled),
        ("unverified", Confidence::Unverified),
    ];
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        self.keyword()
    }
}

/// One way of a permission: `authorization and court_order if imminent_threat`.
#[derive(Debug, Clone, PartialEq)]
pub struct WayWords {
    pub bases: Vec<Basis>,
    pub conditions: Vec<Name>,
    pub span: Span,
}

/// `permission a or b if c`; no way at all is `permission prohibited`, and
/// `prohibited_if` keeps conditions wrongly put on a prohibition, for the checker to name.
#[derive(Debug, Clone, PartialEq)]
pub struct PermissionWords {
    pub ways: Vec<WayWords>,
    pub prohibited_if: Vec<Name>,
}

/// What a pattern over one axis matches.
#[derive(Debug, Clone, PartialEq)]
pub enum PatternValues {
    /// `any`, or `any except a, b`.
    Any { except: Vec<Name> },
    /// `a, b`: these values and their descendants.
    Listed(Vec<Name>),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pattern {
    pub axis: Name,
    pub values: PatternValues,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Deadline {
    pub days: Spanned<u32>,
    pub unit: DayUnit,
    pub action: Action,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum RuleField {
    Cite(Text),
    Source(Text),
    Confidence(Spanned<Confidence>),
    Effective(Spanned<Date>),
    Expires(Spanned<Date>),
    Justification(Text),
    Pattern(Pattern),
    Permission(Spanned<PermissionWords>),
    /// `withdraws court_order, subpoena`: checked, not resolved (docs/semantics.md).
    Withdraws(Spanned<Vec<Basis>>),
    Mandatory(Span),
    Deadline(Deadline),
    Elements(Spanned<Vec<Name>>),
    Form(Spanned<Vec<Name>>),
    Obligations(Spanned<Vec<Name>>),
    MaxValidity(Spanned<u32>),
    Excepts(Spanned<Vec<Name>>),
    Defers(Spanned<Vec<Dimension>>),
}

/// `test "title" { jurisdiction US-CA  category hiv … expect level allowed }`
#[derive(Debug, Clone, PartialEq)]
pub struct TestDecl {
    pub title: Text,
    pub jurisdictions: Vec<Name>,
    pub as_of: Option<Spanned<Date>>,
    pub axes: Vec<Pattern>,
    pub expectations: Vec<Spanned<Expectation>>,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Expectation {
    Level(Level),
    Mandatory(bool),
    Deadline {
        days: u32,
        unit: DayUnit,
        action: Action,
    },
    Bases(Vec<Basis>),
    /// `expect not basis court_order`
    NotBasis(Basis),
    /// `expect way authorization and court_order`
    Way(WayWords),
    Obligations(Vec<Name>),
    Elements(Vec<Name>),
    Form(Vec<Name>),
    MaxValidity(u32),
    DecidedBy(Name),
}

/// `assert "title" { jurisdiction all  category psychotherapy_notes … require level at_least
/// authorization }`: a bound on the answers of every chain, cell and date it names
/// (docs/semantics.md, "Assertions").
#[derive(Debug, Clone, PartialEq)]
pub struct AssertDecl {
    pub title: Text,
    /// `None`: the chains through the layer of the file it stands in.
    pub jurisdictions: Option<Spanned<Chains>>,
    pub dates: Option<Spanned<Dates>>,
    /// An axis not named is `any`.
    pub axes: Vec<Pattern>,
    pub requirements: Vec<Spanned<Bound>>,
    /// A field could not be read (reported): what the assertion means is not what its
    /// author wrote, so it is not checked further.
    pub unreadable: bool,
    pub span: Span,
}

/// Which chains an assertion speaks of.
#[derive(Debug, Clone, PartialEq)]
pub enum Chains {
    /// `jurisdiction all` or `jurisdiction all except US-TX, US-CA`
    All { except: Vec<Name> },
    /// `jurisdiction US-CA, US-NY`
    Listed(Vec<Name>),
}

/// Which dates an assertion speaks of. Answers change only on a date some rule takes
/// effect or expires, so "every date" is checked on those dates alone.
#[derive(Debug, Clone, PartialEq)]
pub enum Dates {
    /// `dates from 2016-01-01 to 2030-12-31` (`to` left out: with no end); `as_of D` is
    /// `from D to D`.
    Range { from: Spanned<Date>, to: Option<Spanned<Date>> },
    /// `dates changes`: every date on which some rule takes effect or expires.
    Changes,
}

/// How an assertion compares a level, a deadline or a validity with its bound.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Comparison {
    AtLeast,
    AtMost,
}

impl Word for Comparison {
    const KIND: &'static str = "comparison";
    const TABLE: &'static [(&'static str, Self)] =
        &[("at_least", Comparison::AtLeast), ("at_most", Comparison::AtMost)];
}

/// One `require` of an assertion: what every answer it speaks of must satisfy.
#[derive(Debug, Clone, PartialEq)]
pub enum Bound {
    /// `require level at_least specific_authorization [unless imminent_threat, …]`: every
    /// way counts, conditional or not, except ways that need one of the conditions set aside.
    Level(Comparison, Level, Vec<Name>),
    /// `require mandatory` / `require not mandatory`
    Mandatory(bool),
    /// `require deadline at_most 30 calendar_days for inspect`: some deadline of the answer
    /// ends no later (at_least: none ends earlier).
    Deadline {
        comparison: Comparison,
        days: u32,
        unit: DayUnit,
        action: Action,
    },
    /// `require not basis subpoena [unless …]`: that basis alone does not suffice, under any
    /// condition but those set aside.
    NotBasis(Basis, Vec<Name>),
    /// `require condition imminent_threat`: every way to disclose needs it.
    Condition(Name),
    /// `require obligations hiv_redisclosure_notice` (all of them present); likewise
    /// elements and form.
    Obligations(Vec<Name>),
    Elements(Vec<Name>),
    Form(Vec<Name>),
    /// `require max_validity at_most 365 days`
    MaxValidity(Comparison, u32),
    /// `require governed`: some rule in force decides the answer.
    Governed,
}

/// A `require` line as `stringent fmt` writes it, without the keyword.
impl std::fmt::Display for Bound {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let names = |v: &[Name]| v.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", ");
        match self {
            Bound::Level(c, l, unless) => {
                write!(f, "level {} {}", c.keyword(), l.keyword())?;
                if !unless.is_empty() {
                    write!(f, " unless {}", names(unless))?;
                }
                Ok(())
            }
            Bound::Mandatory(true) => f.write_str("mandatory"),
            Bound::Mandatory(false) => f.write_str("not mandatory"),
            Bound::Deadline { comparison, days, unit, action: Action::Any } => {
                write!(f, "deadline {} {days} {}", comparison.keyword(), unit.keyword())
            }
            Bound::Deadline { comparison, days, unit, action } => {
                write!(f, "deadline {} {days} {} for {}", comparison.keyword(), unit.keyword(), action.keyword())
            }
            Bound::NotBasis(b, unless) => {
                write!(f, "not basis {}", b.keyword())?;
                if !unless.is_empty() {
                    write!(f, " unless {}", names(unless))?;
                }
                Ok(())
            }
            Bound::Condition(n) => write!(f, "condition {}", n.text),
            Bound::Obligations(n) => write!(f, "obligations {}", names(n)),
            Bound::Elements(n) => write!(f, "elements {}", names(n)),
            Bound::Form(n) => write!(f, "form {}", names(n)),
            Bound::MaxValidity(c, d) => write!(f, "max_validity {} {d} days", c.keyword()),
            Bound::Governed => f.write_str("governed"),
        }
    }
}

/// `topic hiv_sti "HIV and STI records" { category hiv, sti }`: a coverage topic and the
/// values, per axis, a rule names to speak to it.
#[derive(Debug, Clone, PartialEq)]
pub struct TopicDecl {
    pub name: Name,
    pub title: Text,
    pub values: Vec<Pattern>,
    pub span: Span,
}

/// `silent genetic "note" { cite "…" searched "…" confidence unverified }`: the layer has
/// nothing stricter than the layers above on a topic, and says what was searched.
#[derive(Debug, Clone, PartialEq)]
pub struct SilentDecl {
    pub topic: Name,
    pub note: Text,
    pub citations: Vec<Text>,
    pub searched: Vec<Text>,
    pub confidence: Option<Spanned<Confidence>>,
    pub span: Span,
}
