//! Stable diagnostic codes. A code never changes meaning once shipped; retire it instead.

use crate::Severity;
use serde::Serialize;

macro_rules! codes {
    ($($name:ident = $text:literal, $sev:ident, $summary:literal;)*) => {
        /// Every diagnostic stringent can report.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Code { $($name),* }

        impl Code {
            pub const ALL: &'static [Code] = &[$(Code::$name),*];

            /// The code as users see it, e.g. `E0201`.
            pub fn as_str(self) -> &'static str {
                match self { $(Code::$name => $text),* }
            }

            /// A one-line description of what the code means.
            pub fn summary(self) -> &'static str {
                match self { $(Code::$name => $summary),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Code::$name => Severity::$sev),* }
            }
        }
    };
}

codes! {
    // Files and the rules tree.
    RootMissing = "E0001", Error, "a rules path does not exist";
    Unreadable = "E0002", Error, "a file or directory could not be read";
    InvalidUtf8 = "E0003", Error, "a rule file is not valid UTF-8";
    EmptyFile = "E0004", Error, "a rule file is empty";
    OutsideRoot = "E0005", Error, "a link leads outside the rules root";
    TooLarge = "E0006", Error, "a rule file is larger than stringent reads";
    NulByte = "E0007", Error, "a rule file contains a NUL byte";
    NoRuleFiles = "E0008", Error, "a rules root holds no rule file";
    NotRuleFileOrDirectory = "E0009", Error, "a rules path is neither a directory nor a regular file";
    DuplicateSource = "E0010", Error, "two rule sources given in memory share one name";
    // Syntax.
    Syntax = "E0100", Error, "the text does not follow the stringent grammar";
    InvalidDate = "E0101", Error, "a date is not a real calendar date written YYYY-MM-DD";
    InvalidNumber = "E0102", Error, "a number is out of range";
    ControlCharacter = "E0103", Error, "a string or comment contains a control character or a line break";
    UnknownWord = "E0104", Error, "a word is not one of the closed words the language knows there";
    // Names and structure.
    UnknownName = "E0200", Error, "a name is not declared";
    DuplicateName = "E0201", Error, "a name is declared twice";
    DuplicateField = "E0202", Error, "a rule, test, assertion or silence states the same field twice";
    MissingField = "E0203", Error, "a rule lacks a required field";
    RuleOutsideLayer = "E0204", Error, "a rule stands in a file with no jurisdiction header";
    ExceptionAcrossLayers = "E0205", Error, "a rule is an exception to a rule of another layer";
    ExceptionCycle = "E0206", Error, "exceptions form a cycle";
    ParentCycle = "E0207", Error, "parents form a cycle";
    DatesOutOfOrder = "E0208", Error, "a rule expires before it takes effect";
    MissingAxis = "E0209", Error, "a required axis or value is not declared";
    BadDeferral = "E0210", Error, "only the federal layer may defer a dimension";
    SecondHeader = "E0211", Error, "a file has more than one jurisdiction header";
    BadParent = "E0212", Error, "a layer's parent would take it out from under federal law";
    NoFederalLayer = "E0213", Error, "the rules tree has no federal layer";
    EmptyText = "E0214", Error, "a title, citation, source or note is empty";
    ConditionOnProhibition = "E0215", Error, "a prohibition carries a condition";
    WithdrawnBasisAdmitted = "E0216", Error, "a rule withdraws a basis its own permission still admits";
    UndatedSilence = "E0217", Error, "a silence does not say what was searched and when";
    EmptyAssertion = "E0218", Error, "an assertion speaks of no chain, cell or date, or requires nothing";
    UncheckableBound = "E0219", Error, "an assertion states a bound the language does not check";
    RuleIdOfAnotherLayer = "E0220", Error, "a rule's id begins with another layer's prefix";
    // Resolution.
    MandateMeetsProhibition = "E0300", Error, "a disclosure is both required and prohibited, by one layer or by a layer and one above it";
    RestrictsMandatedAccess = "E0301", Error, "a rule restricts a disclosure federal law requires";
    // Proofs (`stringent prove`).
    AssertionFails = "E0500", Error, "an assertion fails on some chain, cell or date";
    DeadRule = "E0501", Error, "a rule in force on some date decides nothing on any date checked";
    // Limits (README, "Limits").
    LimitExceeded = "E0400", Error, "the rules exceed a documented limit";
    // Warnings.
    Preempted = "W0001", Warning, "a rule is looser than federal law and has no effect";
    NoEffect = "W0002", Warning, "a rule decides nothing in any cell it matches";
    Expired = "W0003", Warning, "a rule has expired or is not yet in effect";
    MandateOverridesRestriction = "W0004", Warning, "federal law overrides a rule in some cells";
    BidiControl = "W0005", Warning, "the text contains a bidirectional control character";
    ByteOrderMark = "W0006", Warning, "a rule file starts with a byte-order mark";
    WithdrawsUngranted = "W0007", Warning, "a rule withdraws a basis that no layer above grants where it applies";
    OldSpelling = "W0008", Warning, "a word is spelt as an earlier version of the language spelt it";
    LoosensOnlyDefaults = "W0009", Warning, "a state rule stricter than federal law nowhere loosens a default federal law leaves to state law";
    InvisibleCharacter = "W0010", Warning, "the text contains an invisible character";
}

impl Serialize for Code {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl std::fmt::Display for Code {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}
