//! One diagnostic model for every stringent command.
//!
//! Every stage (file discovery, parsing, checks, resolution) reports problems as
//! [`Diagnostic`] values. Renderers turn them into what people and machines read: the
//! human renderer goes through miette, the machine formats are plain serde. Keeping one
//! model means a new output format never needs a new error path.

mod codes;
mod escape;
mod human;
mod lines;
mod machine;
mod source;

pub use codes::Code;
pub use escape::{bidi_name, escape_for_terminal, is_control, is_invisible};
pub use human::{HumanStyle, render_human};
pub use lines::LineIndex;
pub use machine::{
    JSON_FORMAT_VERSION, JsonDiagnostic, JsonLocation, JsonReport, json_report, render_github, render_json,
    render_sarif,
};
pub use source::SourceMap;

use serde::Serialize;

/// A half-open byte range `start..end` in one source file. Two spans are equal when they
/// are the same range; to compare syntax trees whatever their layout, use
/// `stringent_syntax::shape::same_shape`.
#[derive(Debug, Clone, Copy, Default, Serialize, PartialEq, Eq, Hash)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// The span that covers both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span::new(self.start.min(other.start), self.end.max(other.end))
    }

    /// The same range moved `offset` bytes further into the file.
    pub fn shifted(self, offset: usize) -> Span {
        Span::new(self.start + offset, self.end + offset)
    }

    pub fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    pub fn is_empty(self) -> bool {
        self.len() == 0
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Error,
    Warning,
}

/// A place in a file, with what to say about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Location {
    /// The file's path as the user gave it, with `/` separators.
    pub file: String,
    pub span: Span,
    pub label: Option<String>,
}

impl Location {
    pub fn new(file: impl Into<String>, span: Span) -> Self {
        Location { file: file.into(), span, label: None }
    }

    pub fn labelled(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }
}

/// A problem found in the rules, with its code, where it is and what to do about it.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Diagnostic {
    pub code: Code,
    pub severity: Severity,
    /// One line, lower case, no final period; user input in backticks.
    pub message: String,
    /// Where the problem is. `None` only for problems with no file (a missing rules root).
    pub primary: Option<Location>,
    /// Other places that explain the problem (the rule it conflicts with, a first declaration).
    pub related: Vec<Location>,
    pub help: Option<String>,
}

impl Diagnostic {
    /// A diagnostic with the code's own severity.
    pub fn new(code: Code, message: impl Into<String>) -> Self {
        Diagnostic {
            code,
            severity: code.default_severity(),
            message: message.into(),
            primary: None,
            related: Vec::new(),
            help: None,
        }
    }

    pub fn at(mut self, location: Location) -> Self {
        self.primary = Some(location);
        self
    }

    pub fn with_related(mut self, location: Location) -> Self {
        self.related.push(location);
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The order in which diagnostics are reported: by file, then position, then code.
    pub fn sort_key(&self) -> (String, usize, usize, Code, String) {
        match &self.primary {
            Some(l) => (l.file.clone(), l.span.start, l.span.end, self.code, self.message.clone()),
            None => (String::new(), 0, 0, self.code, self.message.clone()),
        }
    }
}

/// Sort diagnostics into reporting order and drop exact repeats.
pub fn sort_diagnostics(diags: &mut Vec<Diagnostic>) {
    diags.sort_by_key(Diagnostic::sort_key);
    diags.dedup_by(|a, b| a.sort_key() == b.sort_key());
}

/// One "unknown name" diagnostic per name: a misspelt declaration (`value mental_helth`)
/// leaves every use of the name it meant unknown, a thousand errors for one mistake. The
/// first use (in sorted order) is kept and says how many more there are; the others go.
pub fn collapse_repeated_unknown_names(diags: &mut Vec<Diagnostic>) {
    let mut uses: std::collections::HashMap<String, (usize, std::collections::BTreeSet<String>)> =
        std::collections::HashMap::new();
    for d in diags.iter().filter(|d| d.code == Code::UnknownName) {
        let entry = uses.entry(d.message.clone()).or_default();
        entry.0 += 1;
        if let Some(at) = &d.primary {
            entry.1.insert(at.file.clone());
        }
    }
    let mut kept = std::collections::HashSet::new();
    diags.retain_mut(|d| {
        if d.code != Code::UnknownName {
            return true;
        }
        let Some((count, files)) = uses.get(&d.message).filter(|(n, _)| *n > 1) else { return true };
        if !kept.insert(d.message.clone()) {
            return false;
        }
        let more = format!(
            "the name is used {count} times in {} file{}; only this first use is shown",
            files.len(),
            if files.len() == 1 { "" } else { "s" }
        );
        d.help = Some(match d.help.take() {
            Some(h) => format!("{h} ({more})"),
            None => more,
        });
        true
    });
}

/// "did you mean" for an unknown name: the closest candidate within a small edit distance.
/// Case is ignored, and two swapped neighbours cost half of a wrong letter, so `US-YN`
/// suggests `US-NY` (New York), not `US-IN` (Indiana), and `us-ca` suggests `US-CA`.
pub fn nearest<'a>(name: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    // Distances are in half edits: a swap costs 1, any other edit 2.
    let limit = 2 * (name.chars().count() / 3).max(2);
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    candidates
        .into_iter()
        .map(|c| {
            let lower: Vec<char> = c.chars().flat_map(char::to_lowercase).collect();
            (half_edits(&name, &lower), c)
        })
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, c)| c)
}

/// The optimal-string-alignment distance between `a` and `b` in half edits: inserting,
/// deleting or replacing a character costs 2, swapping two neighbours 1.
fn half_edits(a: &[char], b: &[char]) -> usize {
    let width = b.len() + 1;
    let mut d = vec![0usize; (a.len() + 1) * width];
    let at = |i: usize, j: usize| i * width + j;
    for i in 0..=a.len() {
        if let Some(x) = d.get_mut(at(i, 0)) {
            *x = 2 * i;
        }
    }
    for j in 0..=b.len() {
        if let Some(x) = d.get_mut(at(0, j)) {
            *x = 2 * j;
        }
    }
    let get = |d: &[usize], i: usize, j: usize| d.get(at(i, j)).copied().unwrap_or(usize::MAX / 2);
    for (i, ca) in a.iter().enumerate().map(|(i, c)| (i + 1, c)) {
        for (j, cb) in b.iter().enumerate().map(|(j, c)| (j + 1, c)) {
            let replace = get(&d, i - 1, j - 1) + if ca == cb { 0 } else { 2 };
            let mut best = replace.min(get(&d, i - 1, j) + 2).min(get(&d, i, j - 1) + 2);
            if i > 1 && j > 1 && a.get(i - 2) == Some(cb) && b.get(j - 2) == Some(ca) && ca != cb {
                best = best.min(get(&d, i - 2, j - 2) + 1);
            }
            if let Some(x) = d.get_mut(at(i, j)) {
                *x = best;
            }
        }
    }
    get(&d, a.len(), b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nearest_finds_a_typo_and_refuses_a_stranger() {
        let names = ["mental_health", "substance_use", "hiv"];
        assert_eq!(nearest("mental_helth", names), Some("mental_health"));
        assert_eq!(nearest("genetic", names), None);
    }

    #[test]
    fn nearest_prefers_a_swap_and_ignores_case() {
        let states = ["US", "US-IN", "US-NY", "US-CA", "US-NV"];
        assert_eq!(nearest("US-YN", states), Some("US-NY"));
        assert_eq!(nearest("us-ca", states), Some("US-CA"));
        assert_eq!(nearest("US-CA", states), Some("US-CA"));
        assert_eq!(nearest("mental_haelth", ["mental_health", "metal_health"]), Some("mental_health"));
    }
}
