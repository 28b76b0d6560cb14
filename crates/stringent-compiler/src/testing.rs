//! `stringent test`: rule tests written beside the rules they test. A test states a
//! question and what the answer must be; failures show expected and actual answers and
//! the provenance of the actual one. Coverage counts the rules and the exception branches
//! the tests exercised.

use crate::Compilation;
use crate::model::{Model, TestCase};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use stringent_diagnostics::{Code, Diagnostic, Location};
use stringent_policy::artifact::{AXES, Role, WayRecord, describe_ways};
use stringent_policy::{Basis, Deadline, Decision, Level, LoadedPolicy, Question, Way};
use stringent_syntax::Date;
use stringent_syntax::ast::{self, Expectation, PatternValues};

/// The result of one test.
#[derive(Debug, Clone)]
pub struct Outcome {
    pub file: String,
    pub title: String,
    pub line: usize,
    /// What did not hold, in words; empty when the test passed.
    pub failures: Vec<String>,
    /// The answer the test got, detached from the policy that gave it (policies are
    /// loaded per test run and dropped with it).
    pub decision: Option<Decision<'static>>,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Rules and exception branches exercised by at least one test, per file.
#[derive(Debug, Clone, Default)]
pub struct Coverage {
    /// file → (rules exercised, rules in the file)
    pub rules: BTreeMap<String, (usize, usize)>,
    /// file → (exception branches exercised, branches in the file)
    pub exceptions: BTreeMap<String, (usize, usize)>,
    pub missed_rules: Vec<String>,
    pub missed_exceptions: Vec<(String, String)>,
}

impl Coverage {
    /// Exercised items over all items, rules and exception branches together, in percent.
    pub fn percent(&self) -> f64 {
        let (hit, all) =
            self.rules.values().chain(self.exceptions.values()).fold((0, 0), |(h, a), (x, y)| (h + x, a + y));
        if all == 0 { 100.0 } else { 100.0 * hit as f64 / all as f64 }
    }
}

pub struct TestRun {
    pub outcomes: Vec<Outcome>,
    /// Tests that cannot be asked: unknown values, missing axes.
    pub diagnostics: Vec<Diagnostic>,
    pub coverage: Coverage,
}

impl TestRun {
    pub fn passed(&self) -> usize {
        self.outcomes.iter().filter(|o| o.passed()).count()
    }
    pub fn failed(&self) -> usize {
        self.outcomes.len() - self.passed()
    }
}

/// Run every test of a compiled tree.
pub fn run(c: &Compilation) -> TestRun {
    run_selected(c, &crate::discover::Targets::default(), None)
}

/// Run the tests written in the files `targets` names whose title contains `name` (all of
/// them without one); coverage counts the rules of those files.
pub fn run_selected(c: &Compilation, targets: &crate::discover::Targets, name: Option<&str>) -> TestRun {
    let mut policies: HashMap<(String, Date), Option<LoadedPolicy>> = HashMap::new();
    // One line index per file, not one per test: a file can hold thousands of tests.
    let mut lines: HashMap<&str, stringent_diagnostics::LineIndex> = HashMap::new();
    let mut outcomes = Vec::new();
    let mut diagnostics = Vec::new();
    let selected =
        |case: &&TestCase| targets.holds(&case.file) && name.is_none_or(|n| case.decl.title.value.contains(n));
    for case in c.model.tests.iter().filter(selected) {
        match question(&c.model, c.as_of, case) {
            Err(d) => diagnostics.push(*d),
            Ok((jurisdictions, q, date)) => {
                let joined = jurisdictions.join("+");
                let loaded = policies.entry((joined.clone(), date)).or_insert_with(|| c.loaded_at(&joined, date));
                let (decision, mut failures) = match loaded.as_ref().map(|p| p.decide(&q)) {
                    Some(Ok(d)) => (Some(d.into_owned()), Vec::new()),
                    Some(Err(e)) => (None, vec![e.to_string()]),
                    None => (None, vec![format!("unknown jurisdiction `{joined}`")]),
                };
                if let Some(d) = &decision {
                    failures.extend(case.decl.expectations.iter().filter_map(|e| check(&e.value, d)));
                }
                let line = c.sources.get(&case.file).map_or(0, |t| {
                    let index =
                        lines.entry(case.file.as_str()).or_insert_with(|| stringent_diagnostics::LineIndex::new(t));
                    index.line_col(t, case.decl.span.start).0
                });
                outcomes.push(Outcome {
                    file: case.file.clone(),
                    title: case.decl.title.value.clone(),
                    line,
                    failures,
                    decision,
                });
            }
        }
    }
    let coverage = coverage(c, &outcomes, targets);
    TestRun { outcomes, diagnostics, coverage }
}

/// The jurisdictions, the question and the date a test asks about.
pub type Asked = (Vec<String>, Question, Date);

/// The question a test asks, or why it cannot be asked.
pub fn question(model: &Model, as_of: Date, case: &TestCase) -> Result<Asked, Box<Diagnostic>> {
    let t = &case.decl;
    let at = |span| Location::new(case.file.clone(), span);
    let jurisdictions: Vec<String> = if t.jurisdictions.is_empty() {
        case.layer.iter().cloned().collect()
    } else {
        t.jurisdictions.iter().map(|n| n.text.clone()).collect()
    };
    if jurisdictions.len() > crate::limits::MAX_COMBINED_JURISDICTIONS {
        let span = t.jurisdictions.get(crate::limits::MAX_COMBINED_JURISDICTIONS).map_or(t.title.span, |n| n.span);
        return Err(Box::new(
            Diagnostic::new(
                Code::LimitExceeded,
                format!(
                    "test \"{}\" combines {} jurisdictions; at most {} are allowed",
                    t.title.value,
                    jurisdictions.len(),
                    crate::limits::MAX_COMBINED_JURISDICTIONS
                ),
            )
            .at(at(span).labelled("one too many"))
            .with_help("ask about fewer jurisdictions at once; see README.md, \"Limits\""),
        ));
    }
    if jurisdictions.is_empty() {
        return Err(Box::new(
            Diagnostic::new(Code::MissingField, format!("test \"{}\" names no jurisdiction", t.title.value))
                .at(at(t.title.span).labelled("which jurisdiction is asked?"))
                .with_help("write `jurisdiction US-CA` in the test, or put the test in a layer file"),
        ));
    }
    let mut values: Vec<Vec<String>> = vec![Vec::new(); AXES.len()];
    for p in &t.axes {
        let Some(a) = AXES.iter().position(|x| *x == p.axis.text) else {
            return Err(Box::new(
                Diagnostic::new(Code::UnknownName, format!("unknown axis `{}`", p.axis.text))
                    .at(at(p.axis.span).labelled("not an axis"))
                    .with_help(format!("a test names one value on each of: {}", AXES.join(", "))),
            ));
        };
        let PatternValues::Listed(list) = &p.values else {
            return Err(Box::new(
                Diagnostic::new(Code::Syntax, format!("a test asks about one `{}`, not `any`", p.axis.text))
                    .at(at(p.span).labelled("name a value"))
                    .with_help("a test is one question: name the value it asks about"),
            ));
        };
        let axis = model.axes.get(a);
        for n in list {
            if axis.and_then(|ax| ax.find(&n.text)).is_none() {
                let ids: Vec<&str> =
                    axis.map(|ax| ax.values.iter().map(|v| v.id.as_str()).collect()).unwrap_or_default();
                let mut d = Diagnostic::new(Code::UnknownName, format!("unknown {} value `{}`", p.axis.text, n.text))
                    .at(at(n.span).labelled("not declared"));
                if let Some(near) = stringent_diagnostics::nearest(&n.text, ids) {
                    d = d.with_help(format!("did you mean `{near}`?"));
                }
                return Err(Box::new(d));
            }
        }
        if let Some(slot) = values.get_mut(a) {
            slot.extend(list.iter().map(|n| n.text.clone()));
        }
    }
    // A question's fields follow the order of `AXES`.
    let mut values = values.into_iter();
    let mut next = || values.next().unwrap_or_default();
    let (categories, purpose, recipient, subject, holder) = (next(), next(), next(), next(), next());
    let one = |v: Vec<String>, axis: &str, default: Option<&str>| -> Result<String, Box<Diagnostic>> {
        match (v.as_slice(), default) {
            ([one], _) => Ok(one.clone()),
            ([], Some(d)) => Ok(d.to_owned()),
            _ => Err(Box::new(Diagnostic::new(Code::MissingField, format!("test \"{}\" needs exactly one `{axis}`", t.title.value))
                .at(at(t.title.span).labelled(format!("give one {axis}")))
                .with_help("a test is one question: category (one or more), purpose and recipient; subject and holder default to adult and provider"))),
        }
    };
    if categories.is_empty() {
        return Err(Box::new(
            Diagnostic::new(Code::MissingField, format!("test \"{}\" names no category", t.title.value))
                .at(at(t.title.span).labelled("give a category"))
                .with_help("e.g. `category hiv`"),
        ));
    }
    if t.expectations.is_empty() {
        return Err(Box::new(
            Diagnostic::new(Code::MissingField, format!("test \"{}\" expects nothing", t.title.value))
                .at(at(t.title.span).labelled("a test without `expect` cannot fail"))
                .with_help("e.g. `expect level authorization`"),
        ));
    }
    let q = Question {
        categories,
        purpose: one(purpose, "purpose", None)?,
        recipient: one(recipient, "recipient", None)?,
        subject: one(subject, "subject", Some("adult"))?,
        holder: one(holder, "holder", Some("provider"))?,
    };
    Ok((jurisdictions, q, t.as_of.as_ref().map_or(as_of, |d| d.value)))
}

/// What is wrong with the decision, if `e` does not hold.
fn check(e: &Expectation, d: &Decision<'_>) -> Option<String> {
    let names = |v: &[ast::Name]| v.iter().map(|n| n.text.clone()).collect::<Vec<_>>();
    let missing = |want: Vec<String>, have: &[String], what: &str| {
        let absent: Vec<String> = want.into_iter().filter(|w| !have.contains(w)).collect();
        (!absent.is_empty()).then(|| format!("expected {what} {}, got [{}]", absent.join(", "), have.join(", ")))
    };
    match e {
        Expectation::Level(l) => {
            let want = *l;
            (d.level != want).then(|| format!("expected level {}, got {}", want.as_str(), d.level.as_str()))
        }
        Expectation::Mandatory(m) => {
            (d.mandatory != *m).then(|| format!("expected mandatory {m}, got {}", d.mandatory))
        }
        Expectation::Deadline { days, unit, action } => {
            let want = Deadline { days: *days, unit: *unit, action: *action };
            (!d.deadlines.contains(&want)).then(|| format!("expected deadline {want:?}, got {:?}", d.deadlines))
        }
        Expectation::Bases(b) => {
            let want: BTreeSet<Basis> = b.iter().copied().collect();
            let have: BTreeSet<Basis> = d.bases.iter().copied().collect();
            (want != have).then(|| format!("expected bases {:?}, got {:?}", want, have))
        }
        Expectation::NotBasis(b) => {
            let b = *b;
            d.bases.contains(&b).then(|| format!("expected {} alone not to suffice, but it does", b.as_str()))
        }
        Expectation::Way(w) => {
            let bases: Vec<Basis> = w.bases.clone();
            let mut conditions = names(&w.conditions);
            conditions.sort();
            conditions.dedup();
            let want = WayRecord { bases: Way::new(&bases, &[]).bases(), conditions, level: Level::Allowed };
            let same = |h: &WayRecord| h.bases == want.bases && h.conditions == want.conditions;
            (!d.ways.iter().any(same)).then(|| format!("expected the way `{want}`, got `{}`", describe_ways(&d.ways)))
        }
        Expectation::Obligations(o) => missing(names(o), &d.obligations, "obligations"),
        Expectation::Elements(o) => missing(names(o), &d.authorization_elements, "elements"),
        Expectation::Form(o) => missing(names(o), &d.form, "form"),
        Expectation::MaxValidity(v) => (d.max_validity_days != Some(*v))
            .then(|| format!("expected max validity {v} days, got {:?}", d.max_validity_days)),
        Expectation::DecidedBy(r) => (!d.provenance.iter().any(|p| p.rule == r.text && p.role == Role::Won))
            .then(|| format!("expected `{}` to decide, but it did not", r.text)),
    }
}

fn coverage(c: &Compilation, outcomes: &[Outcome], targets: &crate::discover::Targets) -> Coverage {
    let mut hit: BTreeSet<&str> = BTreeSet::new();
    let mut branches: BTreeSet<(String, String)> = BTreeSet::new();
    for d in outcomes.iter().filter_map(|o| o.decision.as_ref()) {
        let applied: Vec<&str> =
            d.provenance.iter().filter(|p| matches!(p.role, Role::Won | Role::Met)).map(|p| &*p.rule).collect();
        hit.extend(applied.iter().copied());
        for p in d.provenance.iter().filter(|p| p.role == Role::Excepted) {
            for e in &applied {
                let excepts =
                    c.model.rule(e).and_then(|r| c.model.rules.get(r)).map(|r| r.excepts.clone()).unwrap_or_default();
                if excepts.iter().any(|x| c.model.rules.get(*x).is_some_and(|x| x.id == p.rule)) {
                    branches.insert(((*e).to_owned(), p.rule.to_string()));
                }
            }
        }
    }
    let mut cov = Coverage::default();
    for r in c.model.rules.iter().filter(|r| targets.holds(&r.file)) {
        let file = c.model.relative_paths.get(&r.file).cloned().unwrap_or_else(|| r.file.clone());
        let entry = cov.rules.entry(file.clone()).or_default();
        entry.1 += 1;
        if hit.contains(r.id.as_str()) {
            entry.0 += 1;
        } else {
            cov.missed_rules.push(r.id.clone());
        }
        for x in &r.excepts {
            let Some(target) = c.model.rules.get(*x) else { continue };
            let entry = cov.exceptions.entry(file.clone()).or_default();
            entry.1 += 1;
            if branches.contains(&(r.id.clone(), target.id.clone())) {
                entry.0 += 1;
            } else {
                cov.missed_exceptions.push((r.id.clone(), target.id.clone()));
            }
        }
    }
    cov
}
