//! Grammar-aware rules trees: the shipped vocabulary, a federal layer, a state layer and
//! sometimes an organization layer, with rules, patterns, exceptions, deferrals and rule
//! tests drawn from the real value ids (and now and then a wrong one). The compiler must
//! never panic on them, and every chain it resolves must load and answer a question.
//!
//! Resolution visits every cell, and the shipped vocabulary has ~100,000 of them: under
//! coverage instrumentation that is about a second a run. So rule counts are kept small
//! (at most 6 per layer), and most runs use the shipped vocabulary filtered to a subset of
//! its values (parents kept, 4,608 cells); one run in 32 uses all of it.
#![no_main]

use arbitrary::{Arbitrary, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::fmt::Write as _;
use std::path::PathBuf;
use std::sync::OnceLock;

const AXES_TEXT: &str = include_str!("../../rules/vocabulary/axes.stringent");
const TERMS_TEXT: &str = include_str!("../../rules/vocabulary/terms.stringent");
const AXES: [&str; 5] = ["category", "purpose", "recipient", "subject", "holder"];
const MAX_RULES: usize = 6;

/// The values kept in the small vocabulary: every kept value's parent is kept too.
const SMALL: [&str; 28] = [
    // category
    "health_information",
    "general",
    "behavioral_health",
    "mental_health",
    "psychotherapy_notes",
    "substance_use",
    "part2_record",
    "hiv",
    // purpose
    "treatment",
    "emergency_treatment",
    "patient_access",
    "patient_directed",
    "employment",
    "legal_proceeding",
    // recipient
    "provider",
    "patient",
    "personal_representative",
    "parent",
    "employer",
    "court",
    // subject
    "adult",
    "minor",
    "minor_self_consented",
    "emancipated_minor",
    // holder (`provider` is above)
    "part2_program",
    "non_hipaa_entity",
    "consumer_health_app",
    "hospital",
];

/// The shipped axes file without the values the small vocabulary leaves out.
fn small_axes() -> String {
    AXES_TEXT
        .lines()
        .filter(|line| {
            let mut w = line.split_whitespace();
            !matches!((w.next(), w.next()), (Some("value"), Some(id)) if !SMALL.contains(&id))
        })
        .map(|l| format!("{l}\n"))
        .collect()
}

/// The value ids of each axis and the term ids, scanned from the shipped vocabulary.
struct Vocab {
    values: [Vec<String>; 5],
    elements: Vec<String>,
    forms: Vec<String>,
    obligations: Vec<String>,
}

fn vocab(small: bool) -> &'static Vocab {
    static FULL: OnceLock<Vocab> = OnceLock::new();
    static SMALLV: OnceLock<Vocab> = OnceLock::new();
    if small { SMALLV.get_or_init(|| scan(&small_axes())) } else { FULL.get_or_init(|| scan(AXES_TEXT)) }
}

fn scan(axes_text: &str) -> Vocab {
    {
        let mut v = Vocab { values: Default::default(), elements: vec![], forms: vec![], obligations: vec![] };
        let mut axis = None;
        for line in axes_text.lines().chain(TERMS_TEXT.lines()) {
            let mut words = line.split_whitespace();
            match (words.next(), words.next()) {
                (Some("axis"), Some(name)) => axis = AXES.iter().position(|a| *a == name),
                (Some("value"), Some(id)) => {
                    if let Some(list) = axis.and_then(|a| v.values.get_mut(a)) {
                        list.push(id.to_owned());
                    }
                }
                (Some("element"), Some(id)) => v.elements.push(id.to_owned()),
                (Some("form"), Some(id)) => v.forms.push(id.to_owned()),
                (Some("obligation"), Some(id)) => v.obligations.push(id.to_owned()),
                _ => {}
            }
        }
        v
    }
}

/// Pick from a list by a fuzzed byte; 255 gives a name nobody declared.
fn pick(list: &[String], i: u8) -> String {
    if i == 255 || list.is_empty() {
        return "no_such_value".to_owned();
    }
    list.get(i as usize % list.len()).cloned().unwrap_or_default()
}

#[derive(Arbitrary, Debug)]
enum PatternKind {
    Any,
    AnyExcept(Vec<u8>),
    List(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Pattern {
    axis: u8,
    kind: PatternKind,
}

#[derive(Arbitrary, Debug)]
enum Perm {
    Prohibited,
    Bases(Vec<u8>),
}

#[derive(Arbitrary, Debug)]
struct Rule {
    /// The rule id is `<layer>.r<id % 8>`: collisions exercise duplicate-name checks.
    id: u8,
    omit_cite: bool,
    confidence: u8,
    effective: u8,
    expires: Option<u8>,
    patterns: Vec<Pattern>,
    permission: Option<Perm>,
    mandatory: bool,
    deadline: Option<(u16, bool, u8)>,
    elements: Vec<u8>,
    form: Vec<u8>,
    obligations: Vec<u8>,
    max_validity: Option<u16>,
    /// `(layer, id)`: mostly the same layer, sometimes another (an E0205).
    excepts: Vec<(u8, u8)>,
    defers: Vec<u8>,
    justification: bool,
}

#[derive(Arbitrary, Debug)]
struct TestCase {
    layer: u8,
    values: [u8; 5],
    extra_category: Option<u8>,
    expect: u8,
    expect_arg: u8,
}

#[derive(Arbitrary, Debug)]
struct Tree {
    /// 0 (one run in 32): the whole shipped vocabulary; otherwise the small one.
    vocabulary: u8,
    federal: Vec<Rule>,
    state: Vec<Rule>,
    org: Option<Vec<Rule>>,
    state_under_us: bool,
    silent: Option<(u8, u8)>,
    tests: Vec<TestCase>,
    as_of: u8,
}

const LAYERS: [(&str, &str); 3] = [("US", "f"), ("US-XX", "s"), ("org:clinic", "o")];
const BASES: [&str; 8] = [
    "none",
    "no_objection",
    "authorization",
    "specific_authorization",
    "court_order",
    "warrant",
    "subpoena",
    "administrative_request",
];
const DIMENSIONS: [&str; 7] = ["permission", "mandate", "deadlines", "elements", "form", "obligations", "max_validity"];
const CONFIDENCE: [&str; 4] = ["verified", "secondary", "recalled", "unverified"];
const LEVELS: [&str; 7] = [
    "allowed",
    "allowed_unless_objects",
    "authorization",
    "specific_authorization",
    "legal_process",
    "court_order_only",
    "prohibited",
];

fn at<T: Copy>(list: &[T], i: u8) -> T {
    // Lists here are non-empty constants.
    list[i as usize % list.len()]
}

fn date(i: u8) -> String {
    format!("{}-{:02}-{:02}", 1995 + u32::from(i % 40), 1 + i % 12, 1 + (i / 12) % 28)
}

fn ids(list: &[String], picks: &[u8]) -> String {
    picks.iter().take(4).map(|i| pick(list, *i)).collect::<Vec<_>>().join(", ")
}

fn write_rule(out: &mut String, v: &Vocab, layer: usize, r: &Rule) {
    let prefix = LAYERS[layer].1;
    let _ = writeln!(out, "rule {prefix}.r{} \"Rule {}\" {{", r.id % 8, r.id);
    if !r.omit_cite {
        let _ = writeln!(out, "  cite \"Code {}\"", r.id);
    }
    let _ = writeln!(out, "  confidence {}", at(&CONFIDENCE, r.confidence));
    let _ = writeln!(out, "  effective {}", date(r.effective));
    if let Some(e) = r.expires {
        let _ = writeln!(out, "  expires {}", date(e));
    }
    for p in r.patterns.iter().take(4) {
        let axis = p.axis as usize % 6;
        let (name, values) = match (AXES.get(axis), v.values.get(axis)) {
            (Some(name), Some(values)) => (*name, values.as_slice()),
            _ => ("colour", &[][..]),
        };
        let text = match &p.kind {
            PatternKind::Any => "any".to_owned(),
            PatternKind::AnyExcept(xs) if xs.is_empty() => "any".to_owned(),
            PatternKind::AnyExcept(xs) => format!("any except {}", ids(values, xs)),
            PatternKind::List(xs) if xs.is_empty() => pick(values, 0),
            PatternKind::List(xs) => ids(values, xs),
        };
        let _ = writeln!(out, "  {name} {text}");
    }
    match &r.permission {
        None => {}
        Some(Perm::Prohibited) => out.push_str("  permission prohibited\n"),
        Some(Perm::Bases(bs)) if bs.is_empty() => out.push_str("  permission authorization\n"),
        Some(Perm::Bases(bs)) => {
            // Bytes past the basis index choose how ways are joined: `or` between ways,
            // `and` within one.
            let mut text = String::new();
            for (k, b) in bs.iter().take(5).enumerate() {
                if k > 0 {
                    text.push_str(if b / 8 % 3 == 0 { " and " } else { " or " });
                }
                text.push_str(at(&BASES, *b));
            }
            let _ = writeln!(out, "  permission {text}");
        }
    }
    if r.mandatory {
        out.push_str("  mandatory\n");
    }
    if let Some((days, business, action)) = r.deadline {
        let unit = if business { "business_days" } else { "calendar_days" };
        let action = match action % 4 {
            0 => "",
            1 => " for inspect",
            2 => " for copy",
            _ => " for any",
        };
        let _ = writeln!(out, "  deadline {days} {unit}{action}");
    }
    if !r.elements.is_empty() {
        let _ = writeln!(out, "  elements {}", ids(&v.elements, &r.elements));
    }
    if !r.form.is_empty() {
        let _ = writeln!(out, "  form {}", ids(&v.forms, &r.form));
    }
    if !r.obligations.is_empty() {
        let _ = writeln!(out, "  obligations {}", ids(&v.obligations, &r.obligations));
    }
    if let Some(days) = r.max_validity {
        let _ = writeln!(out, "  max_validity {days} days");
    }
    if !r.excepts.is_empty() {
        let list: Vec<String> = r
            .excepts
            .iter()
            .take(3)
            .map(|(l, id)| {
                // Three times in four the same layer; otherwise any layer.
                let l = if l % 4 == 0 { (*l as usize / 4) % 3 } else { layer };
                format!("{}.r{}", LAYERS[l].1, id % 8)
            })
            .collect();
        let _ = writeln!(out, "  excepts {}", list.join(", "));
    }
    if !r.defers.is_empty() {
        let list: Vec<&str> = r.defers.iter().take(3).map(|d| at(&DIMENSIONS, *d)).collect();
        let _ = writeln!(out, "  defers {}", list.join(", "));
    }
    if r.justification {
        out.push_str("  justification \"Because.\"\n");
    }
    out.push_str("}\n\n");
}

fn write_test(out: &mut String, v: &Vocab, t: &TestCase, org: bool) {
    let layers = if org { 3 } else { 2 };
    let _ = writeln!(out, "test \"case {}\" {{", t.expect);
    let _ = writeln!(out, "  jurisdiction {}", LAYERS[t.layer as usize % layers].0);
    for (axis, (name, i)) in AXES.iter().zip(t.values).enumerate() {
        if let Some(values) = v.values.get(axis) {
            let _ = writeln!(out, "  {name} {}", pick(values, i));
        }
    }
    if let (Some(c), Some(values)) = (t.extra_category, v.values.first()) {
        let _ = writeln!(out, "  category {}", pick(values, c));
    }
    let expect = match t.expect % 8 {
        0 => format!("level {}", at(&LEVELS, t.expect_arg)),
        1 => "mandatory".to_owned(),
        2 => "not mandatory".to_owned(),
        3 => format!("deadline {} calendar_days", t.expect_arg),
        4 => format!("bases {}", at(&BASES, t.expect_arg)),
        5 => format!("obligations {}", pick(&v.obligations, t.expect_arg)),
        6 => format!("max_validity {} days", t.expect_arg),
        _ => format!("decided_by f.r{}", t.expect_arg % 8),
    };
    let _ = writeln!(out, "  expect {expect}\n}}\n");
}

/// A rules root per vocabulary, made once per process.
fn dir(small: bool) -> &'static PathBuf {
    static FULL: OnceLock<PathBuf> = OnceLock::new();
    static SMALLD: OnceLock<PathBuf> = OnceLock::new();
    let make = |name: &str, axes: &str| {
        let d = std::env::temp_dir().join(format!("stringent-fuzz-compile-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        let _ = std::fs::create_dir_all(d.join("vocabulary"));
        let _ = std::fs::write(d.join("vocabulary/axes.stringent"), axes);
        let _ = std::fs::write(d.join("vocabulary/terms.stringent"), TERMS_TEXT);
        d
    };
    if small {
        SMALLD.get_or_init(|| make("small", &small_axes()))
    } else {
        FULL.get_or_init(|| make("full", AXES_TEXT))
    }
}

fn render(tree: &Tree) -> [String; 3] {
    let v = vocab(tree.vocabulary % 32 != 0);
    let mut files = [String::new(), String::new(), String::new()];
    let layers: [Option<&Vec<Rule>>; 3] = [Some(&tree.federal), Some(&tree.state), tree.org.as_ref()];
    for (i, (file, rules)) in files.iter_mut().zip(layers).enumerate() {
        let Some(rules) = rules else { continue };
        let header = match i {
            0 => "jurisdiction US \"United States\"".to_owned(),
            1 if tree.state_under_us => "jurisdiction US-XX \"State\" under US".to_owned(),
            1 => "jurisdiction US-XX \"State\"".to_owned(),
            _ => "jurisdiction org:clinic \"Clinic\" under US-XX".to_owned(),
        };
        let _ = writeln!(file, "{header}\n");
        for r in rules.iter().take(MAX_RULES) {
            write_rule(file, v, i, r);
        }
    }
    if let Some((topic, conf)) = tree.silent {
        let topics = ["mental_health", "substance_use", "hiv_sti", "genetic", "minors", "access", "nonsense"];
        let _ = writeln!(
            files[1],
            "silent {} \"Nothing more\" {{\n  cite \"Code\"\n  searched \"everything\"\n  confidence {}\n}}\n",
            at(&topics, topic),
            at(&CONFIDENCE, conf)
        );
    }
    for t in tree.tests.iter().take(3) {
        write_test(&mut files[1], v, t, tree.org.is_some());
    }
    files
}

fn run(tree: &Tree) {
    let d = dir(tree.vocabulary % 32 != 0);
    let files = render(tree);
    for (name, text) in ["us.stringent", "xx.stringent", "org.stringent"].iter().zip(&files) {
        let path = d.join(name);
        if text.is_empty() {
            let _ = std::fs::remove_file(&path);
        } else {
            let _ = std::fs::write(&path, text);
        }
    }
    let as_of = stringent_syntax::Date::parse(&date(tree.as_of)).unwrap_or_else(stringent_syntax::Date::today);
    let c = stringent_compiler::compile(std::slice::from_ref(d), as_of);
    let _ =
        stringent_diagnostics::render_human(&c.diagnostics, &c.sources, stringent_diagnostics::HumanStyle::Ascii, 100);
    if c.has_errors() {
        return;
    }
    let _ = stringent_compiler::testing::run(&c);
    let q = stringent_policy::Question {
        categories: vec!["hiv".into(), "mental_health".into()],
        purpose: "employment".into(),
        recipient: "employer".into(),
        subject: "minor".into(),
        holder: "provider".into(),
    };
    for j in c.jurisdictions() {
        let policy = c.policy_for(&j).unwrap_or_else(|| panic!("no policy for declared jurisdiction {j}"));
        // The JSON round trip (and its hash check) only for the last chain: it is the
        // `load` target's business, and costs a megabyte of JSON on the full vocabulary.
        let loaded = if Some(&j) == c.jurisdictions().last() {
            let json = serde_json::to_vec(&policy).unwrap_or_default();
            stringent_policy::LoadedPolicy::from_json(&json)
        } else {
            stringent_policy::LoadedPolicy::new(policy)
        };
        let loaded = match loaded {
            Ok(l) => l,
            Err(e) => panic!("the compiler's own artifact for {j} does not load: {e}"),
        };
        if let Ok(d) = loaded.decide(&q) {
            let _ = stringent_compiler::explain(&d);
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut u = Unstructured::new(data);
    if let Ok(tree) = Tree::arbitrary(&mut u) {
        // `STRINGENT_FUZZ_PRINT=1 cargo +nightly fuzz run compile CRASH` shows the files.
        if std::env::var_os("STRINGENT_FUZZ_PRINT").is_some() {
            for f in render(&tree) {
                eprintln!("{f}");
            }
        }
        run(&tree);
    }
});
