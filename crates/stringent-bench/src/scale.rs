//! A generator of synthetic but well-formed rules trees, deterministic from a seed: the
//! shipped vocabulary and federal layer (copied from `rules/` at build time), N state layers
//! of M rules each, and optionally organization layers under the states.
//!
//! The rules have the shapes of the shipped ones: a state restricts a category
//! (`purpose any except patient_access, patient_directed`, `recipient any except patient`),
//! states the elements, form and obligations of its authorization, and excepts treatment,
//! payment, oversight and proceedings from the restriction; it mandates case reports,
//! shortens the patient's access deadline, prohibits sales and underwriting, and decides a
//! parent's access to a self-consented minor's records (where federal law defers). Each
//! state declares a few terms of its own, says where it is silent, and carries `test`
//! blocks. The test expectations are well-formed but not computed: `stringent check` and
//! `compile` validate a test's names, only `stringent test` runs it.
//!
//! `tests/generator.rs` checks that generated trees compile without errors and that a seed
//! always gives the same bytes.

use crate::rng::Rng;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;
use stringent_syntax::ast::Item;

/// The shipped vocabulary and federal layer, copied verbatim into every generated tree.
pub const AXES: &str = include_str!("../../../rules/vocabulary/axes.stringent");
pub const TERMS: &str = include_str!("../../../rules/vocabulary/terms.stringent");
pub const TOPICS: &str = include_str!("../../../rules/vocabulary/topics.stringent");
pub const FEDERAL: &str = include_str!("../../../rules/us/federal.stringent");

/// The shipped corpus, for scale factors: 51 state layers (50 states and DC) of about six
/// rules and ten tests each, over the shipped federal layer.
pub const SHIPPED_STATES: usize = 51;
pub const SHIPPED_RULES: usize = 338;

/// The real two-letter codes first, so that a tree of up to 51 states looks like the
/// shipped one; then every other pair of capitals (676 layers at most).
const STATES: [&str; 51] = [
    "AK", "AL", "AR", "AZ", "CA", "CO", "CT", "DC", "DE", "FL", "GA", "HI", "IA", "ID", "IL", "IN", "KS", "KY", "LA",
    "MA", "MD", "ME", "MI", "MN", "MO", "MS", "MT", "NC", "ND", "NE", "NH", "NJ", "NM", "NV", "NY", "OH", "OK", "OR",
    "PA", "RI", "SC", "SD", "TN", "TX", "UT", "VA", "VT", "WA", "WI", "WV", "WY",
];

/// What to generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    /// State layers under the federal layer (at most 676).
    pub states: usize,
    pub rules_per_state: usize,
    pub tests_per_state: usize,
    /// Organization layers, spread over the states.
    pub orgs: usize,
    pub rules_per_org: usize,
    pub seed: u64,
}

impl Spec {
    /// About `k` times the shipped corpus in rules, by growing each of 51 state layers.
    pub fn rules_times(k: usize, seed: u64) -> Spec {
        let k = k.max(1);
        let state_rules = (SHIPPED_RULES * k).saturating_sub(federal_rules());
        let rules_per_state = (state_rules + SHIPPED_STATES / 2) / SHIPPED_STATES;
        Spec { states: SHIPPED_STATES, rules_per_state, tests_per_state: 10 * k, orgs: 0, rules_per_org: 0, seed }
    }

    /// About `k` times the shipped corpus in rules, by growing the number of state layers
    /// of six rules (at most 676, so at most 13×; organization layers of six rules, one
    /// more link in their chains, make up the rest).
    pub fn layers_times(k: usize, seed: u64) -> Spec {
        let layers = SHIPPED_STATES * k.max(1);
        let states = layers.min(676);
        Spec { states, rules_per_state: 6, tests_per_state: 10, orgs: layers - states, rules_per_org: 6, seed }
    }

    /// The number of rules the tree will have, federal included.
    pub fn rule_count(&self) -> usize {
        federal_rules() + self.states.min(676) * self.rules_per_state + self.orgs * self.rules_per_org
    }
}

/// The number of rules of the shipped federal layer.
pub fn federal_rules() -> usize {
    FEDERAL.lines().filter(|l| l.starts_with("rule ")).count()
}

/// A file of a generated tree: its path relative to the root, `/`-separated, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    pub path: String,
    pub text: String,
}

/// The value ids of the shipped vocabulary, read with the real parser.
#[derive(Debug, Clone, Default)]
struct Vocabulary {
    /// Per axis name, its value ids.
    axes: BTreeMap<String, Vec<String>>,
    elements: Vec<String>,
    forms: Vec<String>,
    obligations: Vec<String>,
}

impl Vocabulary {
    /// The value ids of the axis of this name; none for an axis the vocabulary lacks.
    fn values(&self, axis: &str) -> &[String] {
        self.axes.get(axis).map(Vec::as_slice).unwrap_or_default()
    }
}

fn vocabulary() -> Vocabulary {
    let mut v = Vocabulary::default();
    for text in [AXES, TERMS] {
        let (tree, _) = stringent_syntax::parse("vocabulary", text);
        for item in tree.items {
            match item {
                Item::Axis(a) => {
                    v.axes.insert(a.name.text, a.values.into_iter().map(|x| x.name.text).collect());
                }
                Item::Element(t) => v.elements.push(t.name.text),
                Item::Form(t) => v.forms.push(t.name.text),
                Item::Obligation(o) => v.obligations.push(o.name.text),
                _ => {}
            }
        }
    }
    v
}

/// The layer code of state `i`: the real codes, then `AA`, `AB`, … skipping them.
fn state_code(i: usize) -> String {
    if let Some(code) = STATES.get(i) {
        return (*code).to_owned();
    }
    let mut rest = i - STATES.len();
    for a in b'A'..=b'Z' {
        for b in b'A'..=b'Z' {
            let code = String::from_utf8(vec![a, b]).unwrap_or_default();
            if STATES.contains(&code.as_str()) {
                continue;
            }
            if rest == 0 {
                return code;
            }
            rest -= 1;
        }
    }
    String::from("ZZ")
}

/// Generate a tree. Paths are those of the shipped tree: `vocabulary/…`, `us/federal…`,
/// `us-xx/state_xx.stringent`, `org/<id>.stringent`.
pub fn generate(spec: &Spec) -> Vec<GeneratedFile> {
    let vocab = vocabulary();
    let mut rng = Rng::new(spec.seed);
    let mut files = vec![
        GeneratedFile { path: "vocabulary/axes.stringent".into(), text: AXES.into() },
        GeneratedFile { path: "vocabulary/terms.stringent".into(), text: TERMS.into() },
        GeneratedFile { path: "vocabulary/topics.stringent".into(), text: TOPICS.into() },
        GeneratedFile { path: "us/federal.stringent".into(), text: FEDERAL.into() },
    ];
    let states = spec.states.min(676);
    let codes: Vec<String> = (0..states).map(state_code).collect();
    for code in &codes {
        let mut layer = Layer::new(code, &vocab, rng.next_u64());
        let text = layer.state(spec.rules_per_state, spec.tests_per_state);
        files.push(GeneratedFile {
            path: format!("us-{}/state_{}.stringent", code.to_lowercase(), code.to_lowercase()),
            text,
        });
    }
    for o in 0..spec.orgs {
        let Some(parent) = codes.get(o % codes.len().max(1)) else { break };
        let id = format!("g{o:05}");
        let mut layer = Layer::new(parent, &vocab, rng.next_u64());
        let text = layer.org(&id, spec.rules_per_org);
        files.push(GeneratedFile { path: format!("org/{id}.stringent"), text });
    }
    files
}

/// Write a generated tree under `dir` (created if need be).
pub fn write(dir: &Path, files: &[GeneratedFile]) -> std::io::Result<()> {
    for f in files {
        let path = dir.join(&f.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(path, &f.text)?;
    }
    Ok(())
}

/// The rule currently being written.
#[derive(Default)]
struct RuleText {
    id: String,
    title: String,
    comment: String,
    fields: Vec<String>,
}

/// One layer being generated.
struct Layer<'v> {
    code: String,
    prefix: String,
    vocab: &'v Vocabulary,
    rng: Rng,
    out: String,
    rules: usize,
    section: usize,
    /// This layer's access rules, which minors' rules except (as New York's do).
    access: Vec<String>,
    form: String,
    obligation: String,
    element: String,
}

const SENSITIVE: [&[&str]; 13] = [
    &["health_information"],
    &["general"],
    &["psychotherapy_notes"],
    &["part2_record"],
    &["mental_health", "substance_use"],
    &["mental_health"],
    &["behavioral_health"],
    &["substance_use"],
    &["hiv"],
    &["hiv", "sti"],
    &["sti"],
    &["genetic"],
    &["reproductive"],
];

/// Exceptions to a restriction: purposes, recipients, permission, an obligation or none.
const EXCEPTIONS: [(&str, &str, &str, &str); 8] = [
    ("treatment", "provider", "none", ""),
    ("emergency_treatment", "provider", "none", ""),
    ("payment", "health_plan", "none", "minimum_necessary"),
    ("health_oversight", "public_health_authority", "none", ""),
    ("legal_proceeding", "court, attorney", "authorization or court_order", ""),
    (
        "legal_proceeding, law_enforcement",
        "court, attorney, law_enforcement",
        "specific_authorization or court_order",
        "",
    ),
    ("research", "researcher", "authorization", "minimum_necessary"),
    ("family_involvement", "family_member", "no_objection", ""),
];

const WORDS: [&str; 24] = [
    "the",
    "provider",
    "may",
    "not",
    "disclose",
    "records",
    "without",
    "a",
    "written",
    "authorization",
    "of",
    "patient",
    "except",
    "as",
    "provided",
    "in",
    "subsection",
    "court",
    "order",
    "health",
    "department",
    "minor",
    "consent",
    "information",
];

impl<'v> Layer<'v> {
    fn new(code: &str, vocab: &'v Vocabulary, seed: u64) -> Self {
        let lower = code.to_lowercase();
        Layer {
            code: code.to_owned(),
            prefix: lower.clone(),
            vocab,
            rng: Rng::new(seed),
            out: String::new(),
            rules: 0,
            section: 0,
            access: Vec::new(),
            form: format!("{lower}_release_form"),
            obligation: format!("{lower}_redisclosure_notice"),
            element: format!("{lower}_disclosure_statement"),
        }
    }

    fn sentence(&mut self, words: usize) -> String {
        let mut s = String::new();
        for i in 0..words {
            if i > 0 {
                s.push(' ');
            }
            s.push_str(self.rng.pick(&WORDS).copied().unwrap_or("law"));
        }
        s
    }

    fn date(&mut self, from: usize, to: usize) -> String {
        format!("{}-{:02}-{:02}", from + self.rng.below(to - from + 1), 1 + self.rng.below(12), 1 + self.rng.below(28))
    }

    fn rule(&mut self, title: &str) -> RuleText {
        self.section += 1;
        let n = self.section;
        let comment_lines = 4 + self.rng.below(21);
        let mut comment = String::new();
        for _ in 0..comment_lines {
            let words = 8 + self.rng.below(6);
            let s = self.sentence(words);
            let _ = writeln!(comment, "// {}.{n}: {s}.", self.code);
        }
        let mut fields = vec![
            format!("cite \"Gen. {} Code {}.{}\"", self.code, 100 + n / 10, n % 10),
            format!("source \"https://example.org/{}/code/{}\"", self.prefix, n),
        ];
        let confidence = ["verified", "secondary", "recalled", "unverified"];
        fields.push(format!("confidence {}", self.rng.pick(&confidence).copied().unwrap_or("unverified")));
        if self.rng.chance(3) {
            // Not yet in force on the benchmarks' date: resolution must skip it.
            fields.push(format!("effective {}", self.date(2030, 2034)));
        } else {
            fields.push(format!("effective {}", self.date(1980, 2024)));
        }
        if self.rng.chance(5) {
            fields.push("expires 2099-12-31".into());
        }
        RuleText { id: format!("{}.sec_{n}", self.prefix), title: title.to_owned(), comment, fields }
    }

    fn emit(&mut self, r: RuleText) -> String {
        self.rules += 1;
        let _ = writeln!(self.out, "{}rule {} \"{}\" {{", r.comment, r.id, r.title);
        for f in &r.fields {
            let _ = writeln!(self.out, "  {f}");
        }
        self.out.push_str("}\n\n");
        r.id
    }

    fn terms(&mut self, pool: &[String], own: &str, k: usize) -> String {
        let mut chosen = self.rng.choose(pool, k);
        if self.rng.chance(50) {
            chosen.push(own.to_owned());
        }
        chosen.join(", ")
    }

    fn header(&mut self, name: &str, parent: &str) {
        let _ = writeln!(
            self.out,
            "// Generated for benchmarks: a synthetic layer with the shapes of the shipped rules.\n\njurisdiction {name} \"{}\" under {parent}\n",
            if name.starts_with("org:") { "Generated organization" } else { "Generated state" }
        );
    }

    /// A state layer of `rules` rules and `tests` tests.
    fn state(&mut self, rules: usize, tests: usize) -> String {
        let id = format!("US-{}", self.code);
        self.header(&id, "US");
        let (form, obligation, element) = (self.form.clone(), self.obligation.clone(), self.element.clone());
        let s = self.sentence(10);
        let _ = writeln!(self.out, "form {form} \"A release on the form the {} department approves\"", self.code);
        let _ = writeln!(
            self.out,
            "obligation {obligation} \"The state's redisclosure statement accompanies the disclosure\" {{\n  text \"{s}.\"\n}}"
        );
        let _ = writeln!(self.out, "element {element} \"A statement the {} code requires\"\n", self.code);
        while self.rules < rules {
            let room = rules - self.rules;
            match self.rng.below(100) {
                0..15 => self.access_rule(),
                15..30 => self.prohibition(),
                _ => self.family(room),
            }
        }
        let topics = ["mental_health", "hiv_sti", "genetic", "substance_use", "minors", "access"];
        for topic in self.rng.choose(&topics, 2) {
            let note = self.sentence(8);
            let searched = self.sentence(12);
            // A silence says when it was searched (E0217), as the shipped ones do.
            let _ = writeln!(
                self.out,
                "silent {topic} \"{note}\" {{\n  searched \"{searched}; 2026-12-03\"\n  confidence unverified\n}}\n"
            );
        }
        for t in 0..tests {
            self.test(&id, t);
        }
        std::mem::take(&mut self.out)
    }

    /// An organization layer under this state: a clinic's own policy.
    fn org(&mut self, id: &str, rules: usize) -> String {
        self.prefix = format!("org.{id}");
        self.header(&format!("org:{id}"), &format!("US-{}", self.code));
        while self.rules < rules {
            let mut base = self.rule("A signed release before a chart leaves the clinic");
            let purpose =
                self.rng.pick(&["treatment", "payment", "operations", "research"]).copied().unwrap_or("treatment");
            base.fields.push(format!("purpose {purpose}"));
            base.fields.push("recipient provider, health_plan, researcher".into());
            base.fields.push("permission authorization".into());
            let base = self.emit(base);
            if self.rules < rules {
                let mut ex = self.rule("No release in an emergency");
                ex.fields.push("purpose emergency_treatment".into());
                ex.fields.push("recipient provider".into());
                ex.fields.push("permission none".into());
                ex.fields.push(format!("excepts {base}"));
                self.emit(ex);
            }
        }
        std::mem::take(&mut self.out)
    }

    fn access_rule(&mut self) {
        let mut r = self.rule("Records to the patient within the state's deadline");
        let category = self.rng.pick(&SENSITIVE).map(|c| c.join(", ")).unwrap_or_default();
        r.fields.push(format!("category {category}"));
        r.fields.push("purpose patient_access".into());
        r.fields.push("recipient patient, personal_representative".into());
        if self.rng.chance(50) {
            r.fields
                .push(format!("holder {}", self.rng.pick(&["provider", "hospital"]).copied().unwrap_or("provider")));
        }
        let days = 5 + self.rng.below(21);
        let unit = self.rng.pick(&["calendar_days", "business_days"]).copied().unwrap_or("calendar_days");
        let action = self.rng.pick(&["", " for copy", " for inspect"]).copied().unwrap_or("");
        r.fields.push(format!("deadline {days} {unit}{action}"));
        let id = self.emit(r);
        self.access.push(id);
    }

    fn prohibition(&mut self) {
        let mut r = self.rule("No sale or underwriting use of the information");
        const CATEGORIES: [&[&str]; 4] =
            [&["genetic"], &["health_information"], &["hiv"], &["genetic", "reproductive"]];
        let category = self.rng.pick(&CATEGORIES).map(|c| c.join(", ")).unwrap_or_default();
        r.fields.push(format!("category {category}"));
        let purposes = self.rng.below(2) + 1;
        let purposes = self.rng.choose(&["sale", "marketing", "underwriting", "employment"], purposes);
        r.fields.push(format!("purpose {}", purposes.join(", ")));
        let recipients = self.rng.below(2) + 1;
        let recipients = self.rng.choose(&["data_broker", "insurer", "employer"], recipients);
        r.fields.push(format!("recipient {}", recipients.join(", ")));
        if self.rng.chance(30) {
            r.fields.push("holder non_hipaa_entity".into());
        }
        r.fields.push("permission prohibited".into());
        self.emit(r);
    }

    /// A restriction of a category with its elements, obligations, exceptions, case
    /// reports and minors' rule, cut short at `room` rules.
    fn family(&mut self, room: usize) {
        let start = self.rules;
        let category = self.rng.pick(&SENSITIVE).copied().unwrap_or(&["hiv"]);
        let cat = category.join(", ");
        // Where the restriction applies beyond its category: some holders, some subjects.
        let holders = self.vocab.values("holder");
        let subjects = self.vocab.values("subject");
        let mut narrow = Vec::new();
        match self.rng.below(10) {
            0..3 => narrow.push("holder provider, health_plan".to_owned()),
            3..6 => narrow.push(format!("holder {}", self.rng.pick(holders).cloned().unwrap_or_default())),
            _ => {}
        }
        if self.rng.chance(25) {
            narrow.push(format!("subject {}", self.rng.pick(subjects).cloned().unwrap_or_default()));
        }
        let restrict = |r: &mut RuleText| {
            r.fields.push(format!("category {cat}"));
            r.fields.push("purpose any except patient_access, patient_directed".into());
            r.fields.push("recipient any except patient".into());
            r.fields.extend(narrow.iter().cloned());
        };
        let mut base = self.rule("No disclosure of the information without the patient's authorization");
        restrict(&mut base);
        let permission =
            self.rng.pick(&["authorization", "specific_authorization"]).copied().unwrap_or("authorization");
        base.fields.push(format!("permission {permission}"));
        if self.rng.chance(40) {
            let (vocab, own) = (self.vocab, self.form.clone());
            let form = self.terms(&vocab.forms, &own, 1);
            base.fields.push(format!("form {form}"));
        }
        if self.rng.chance(20) {
            base.fields.push(format!("max_validity {} days", 90 + 30 * self.rng.below(10)));
        }
        let base = self.emit(base);
        let mut excepted = vec![base];
        if self.rules - start < room && self.rng.chance(40) {
            let mut r = self.rule("What an authorization must state");
            restrict(&mut r);
            let k = 2 + self.rng.below(4);
            let (vocab, own) = (self.vocab, self.element.clone());
            let elements = self.terms(&vocab.elements, &own, k);
            r.fields.push(format!("elements {elements}"));
            excepted.push(self.emit(r));
        }
        if self.rules - start < room && self.rng.chance(40) {
            let mut r = self.rule("The redisclosure statement accompanies every disclosure");
            restrict(&mut r);
            let (vocab, own) = (self.vocab, self.obligation.clone());
            let obligations = self.terms(&vocab.obligations, &own, 1);
            r.fields.push(format!("obligations {obligations}"));
            self.emit(r);
        }
        let exceptions = self.rng.below(5);
        for (purpose, recipient, permission, obligation) in self.rng.choose(&EXCEPTIONS, exceptions) {
            if self.rules - start >= room {
                return;
            }
            let mut r = self.rule("A disclosure the restriction does not reach");
            r.fields.push(format!("category {cat}"));
            r.fields.push(format!("purpose {purpose}"));
            r.fields.push(format!("recipient {recipient}"));
            r.fields.push(format!("permission {permission}"));
            r.fields.extend(narrow.iter().cloned());
            if !obligation.is_empty() {
                r.fields.push(format!("obligations {obligation}"));
            }
            r.fields.push(format!("excepts {}", excepted.join(", ")));
            self.emit(r);
        }
        if self.rules - start < room && category.iter().all(|c| *c == "hiv" || *c == "sti") && self.rng.chance(60) {
            let mut r = self.rule("Case reports to the health department are required");
            r.fields.push(format!("category {cat}"));
            r.fields.push("purpose public_health".into());
            r.fields.push("recipient public_health_authority".into());
            r.fields.push("permission none".into());
            r.fields.push("mandatory".into());
            r.fields.push(format!("excepts {}", excepted.join(", ")));
            self.emit(r);
        }
        if self.rules - start < room && self.rng.chance(30) {
            let mut r = self.rule("A parent sees a self-consented minor's records only with the minor's authorization");
            r.fields.push(format!("category {cat}"));
            r.fields.push("purpose any except patient_directed".into());
            r.fields.push("recipient parent".into());
            r.fields.push("subject minor_self_consented".into());
            r.fields.push(format!("permission {permission}"));
            if !self.access.is_empty() {
                r.fields.push(format!("excepts {}", self.access.join(", ")));
            }
            self.emit(r);
        }
    }

    fn test(&mut self, jurisdiction: &str, n: usize) {
        let pick = |rng: &mut Rng, axis: &str| rng.pick(self.vocab.values(axis)).cloned().unwrap_or_default();
        let (c, p, r) =
            (pick(&mut self.rng, "category"), pick(&mut self.rng, "purpose"), pick(&mut self.rng, "recipient"));
        let _ = write!(
            self.out,
            "test \"{jurisdiction}: generated question {n}\" {{\n  jurisdiction {jurisdiction}\n  category {c}\n  purpose {p}\n  recipient {r}\n"
        );
        if self.rng.chance(30) {
            let s = pick(&mut self.rng, "subject");
            let _ = writeln!(self.out, "  subject {s}");
        }
        let levels = [
            "allowed",
            "allowed_unless_objects",
            "authorization",
            "specific_authorization",
            "court_order_only",
            "prohibited",
        ];
        let level = self.rng.pick(&levels).copied().unwrap_or("allowed");
        let _ = write!(self.out, "  expect level {level}\n}}\n\n");
    }
}
