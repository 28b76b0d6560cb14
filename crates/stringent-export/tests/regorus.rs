//! The OPA bundle answers as `LoadedPolicy::decide` does: the bundle is unpacked, loaded
//! into regorus (a Rego interpreter) and asked a large deterministic sample of questions.

#![expect(
    clippy::unwrap_used,
    clippy::panic,
    clippy::indexing_slicing,
    reason = "a test reports a broken expectation by panicking"
)]

#[path = "../../../tests/vectors/golden.rs"]
mod golden;

use flate2::read::GzDecoder;
use serde_json::{Value, json};
use sha2::{Digest, Sha256};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Instant;
use stringent_export::{DATA_PATH, MANIFEST_PATH, REGO_PATH, opa_bundle};
use stringent_policy::artifact::{RequirementRecord, Term};
use stringent_policy::grid::{RegionIndex, Regions};
use stringent_policy::{
    Action, Basis, DayUnit, Deadline, LoadedPolicy, Permission, Policy, Question, Requirement, Way,
};
use stringent_syntax::Date;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shipped federal and California rules (other states are left out on purpose).
fn policies() -> &'static [Policy] {
    static POLICIES: OnceLock<Vec<Policy>> = OnceLock::new();
    POLICIES.get_or_init(|| {
        let repo = repo();
        let roots = [repo.join("rules/vocabulary"), repo.join("rules/us"), repo.join("rules/us-ca")];
        let c = stringent_compiler::compile(&roots, Date::parse("2026-11-24").unwrap());
        assert!(!c.has_errors(), "the shipped rules have errors");
        let policies = c.policies();
        let ids: Vec<&str> = policies.iter().map(Policy::jurisdiction).collect();
        assert_eq!(ids, ["US", "US-CA"]);
        policies
    })
}

struct Entry {
    path: String,
    mode: u32,
    mtime: u64,
    uid: u64,
    gid: u64,
    bytes: Vec<u8>,
}

fn unpack(bundle: &[u8]) -> Vec<Entry> {
    let mut archive = tar::Archive::new(GzDecoder::new(bundle));
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let mut e = e.unwrap();
            let header = e.header().clone();
            let mut bytes = Vec::new();
            e.read_to_end(&mut bytes).unwrap();
            Entry {
                path: e.path().unwrap().to_string_lossy().into_owned(),
                mode: header.mode().unwrap(),
                mtime: header.mtime().unwrap(),
                uid: header.uid().unwrap(),
                gid: header.gid().unwrap(),
                bytes,
            }
        })
        .collect()
}

fn text(entries: &[Entry], path: &str) -> String {
    let entry = entries.iter().find(|e| e.path == path).unwrap_or_else(|| panic!("no `{path}` in the bundle"));
    String::from_utf8(entry.bytes.clone()).unwrap()
}

/// A regorus engine loaded with the bundle's data and policy.
fn engine(entries: &[Entry]) -> regorus::Engine {
    let mut engine = regorus::Engine::new();
    engine.add_policy(REGO_PATH.to_owned(), text(entries, REGO_PATH)).unwrap();
    engine.add_data_json(&text(entries, DATA_PATH)).unwrap();
    engine
}

/// `None` when `decision` is undefined.
fn ask_opa(engine: &mut regorus::Engine, input: &Value) -> Option<Value> {
    engine.set_input_json(&input.to_string()).unwrap();
    match engine.eval_rule("data.stringent.decision".to_owned()).unwrap() {
        regorus::Value::Undefined => None,
        answer => Some(serde_json::from_str(&answer.to_json_str().unwrap()).unwrap()),
    }
}

/// The same question through `LoadedPolicy::decide`; `None` for an unknown jurisdiction
/// or identifier (where `stringent decide` exits 2).
fn ask_decide(loaded: &[LoadedPolicy], input: &Value) -> Option<Value> {
    let policy = loaded.iter().find(|p| p.policy().jurisdiction == input["jurisdiction"])?;
    let categories = match &input["category"] {
        Value::String(c) => vec![c.clone()],
        Value::Array(cs) => cs.iter().map(|c| c.as_str().unwrap().to_owned()).collect(),
        _ => return None,
    };
    let field = |name: &str, default: &str| input.get(name).map_or(default, |v| v.as_str().unwrap()).to_owned();
    let question = Question {
        categories,
        purpose: field("purpose", ""),
        recipient: field("recipient", ""),
        subject: field("subject", "adult"),
        holder: field("holder", "provider"),
    };
    policy.decide(&question).ok().map(|d| serde_json::to_value(d).unwrap())
}

/// A declared gap (a layer's unread topic) reaches the answers it names in the bundle as in
/// `decide`: `law_unread` on a genetic question, nothing on an HIV one.
#[test]
fn regorus_says_which_law_was_not_read_as_decide_does() {
    use stringent_policy::artifact::{AxisValues, UnreadTopic};
    let mut ca = policies()[1].clone();
    if let Some(layer) = ca.chain.last_mut() {
        layer.unread = vec![UnreadTopic {
            topic: "genetic".into(),
            note: "Gap: the genetic privacy act was not read".into(),
            reaches: vec![AxisValues { axis: "category".into(), values: vec!["genetic".into()] }],
        }];
    }
    ca.content_hash = ca.compute_hash();
    let with_gap = [policies()[0].clone(), ca];
    let bundle = opa_bundle(&with_gap).unwrap();
    let mut engine = engine(&unpack(&bundle));
    let loaded: Vec<LoadedPolicy> = with_gap.iter().map(|p| LoadedPolicy::new(p.clone()).unwrap()).collect();
    let mut reached = 0;
    for category in [serde_json::json!(["genetic"]), serde_json::json!(["hiv"]), serde_json::json!(["hiv", "genetic"])]
    {
        let input = serde_json::json!({
            "jurisdiction": "US-CA", "category": category, "purpose": "marketing", "recipient": "employer"
        });
        let expected = ask_decide(&loaded, &input).unwrap();
        assert_eq!(ask_opa(&mut engine, &input), Some(expected.clone()), "{input}");
        reached += usize::from(expected.get("law_unread").is_some());
    }
    assert_eq!(reached, 2, "the gap reaches the questions on genetic information, and only them");
}

/// xorshift64*, fixed seed: the same sample on every run and platform.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn percent(&mut self, p: usize) -> bool {
        self.below(100) < p
    }

    fn pick<'a>(&mut self, values: &'a [String]) -> &'a str {
        &values[self.below(values.len())]
    }
}

const SAMPLE: usize = 10_000;

/// One random question over every axis: mostly valid ids, sometimes several categories
/// (repeats included), omitted defaults, a bare-string category, or an unknown id.
fn question(rng: &mut Rng, jurisdictions: &[String], axes: &[Vec<String>]) -> Value {
    let jurisdiction = if rng.percent(1) { "US-ZZ" } else { rng.pick(jurisdictions) };
    let value = |rng: &mut Rng, axis: usize| {
        if rng.percent(1) { "no_such_value".to_owned() } else { rng.pick(&axes[axis]).to_owned() }
    };
    let count = match rng.below(100) {
        0 => 0,
        1..=49 => 1,
        50..=79 => 2,
        80..=94 => 3,
        _ => 4,
    };
    let categories: Vec<String> = (0..count).map(|_| value(rng, 0)).collect();
    let category = if count == 1 && rng.percent(5) { json!(categories[0]) } else { json!(categories) };
    let mut input = json!({
        "jurisdiction": jurisdiction,
        "category": category,
        "purpose": value(rng, 1),
        "recipient": value(rng, 2),
    });
    if !rng.percent(25) {
        input["subject"] = json!(value(rng, 3));
    }
    if !rng.percent(25) {
        input["holder"] = json!(value(rng, 4));
    }
    input
}

#[derive(Default)]
struct Stats {
    defined: usize,
    multi: usize,
    levels: std::collections::BTreeSet<String>,
    with_deadlines: usize,
    several_deadlines: usize,
    with_validity: usize,
}

/// Ask `sample` questions of both regorus (through the bundle of `policies`) and
/// `LoadedPolicy::decide`, requiring the same JSON for every one.
fn compare(policies: &[Policy], sample: usize, seed: u64) -> Stats {
    let bundle = opa_bundle(policies).unwrap();
    let entries = unpack(&bundle);
    let mut engine = engine(&entries);
    let loaded: Vec<LoadedPolicy> = policies.iter().map(|p| LoadedPolicy::new(p.clone()).unwrap()).collect();
    let axes: Vec<Vec<String>> =
        policies[0].vocabulary.axes.iter().map(|a| a.values.iter().map(|v| v.id.clone()).collect()).collect();
    for p in policies {
        assert_eq!(p.vocabulary, policies[0].vocabulary);
    }

    let jurisdictions: Vec<String> = policies.iter().map(|p| p.jurisdiction.clone()).collect();
    let mut rng = Rng(seed);
    let mut stats = Stats::default();
    let start = Instant::now();
    let mut opa_time = std::time::Duration::ZERO;
    for n in 0..sample {
        let input = question(&mut rng, &jurisdictions, &axes);
        let expected = ask_decide(&loaded, &input);
        let asked = Instant::now();
        let answer = ask_opa(&mut engine, &input);
        opa_time += asked.elapsed();
        assert_eq!(
            answer,
            expected,
            "question {n} answered differently:\n{}\nregorus: {}\ndecide:  {}",
            input,
            answer.as_ref().map_or("undefined".into(), |a| a.to_string()),
            expected.as_ref().map_or("undefined".into(), |a| a.to_string()),
        );
        if let Some(d) = &expected {
            stats.defined += 1;
            stats.levels.insert(d["level"].as_str().unwrap().to_owned());
            stats.multi += usize::from(d["category"].as_array().unwrap().len() > 1);
            let deadlines = d["deadlines"].as_array().unwrap().len();
            stats.with_deadlines += usize::from(deadlines > 0);
            stats.several_deadlines += usize::from(deadlines > 1);
            stats.with_validity += usize::from(!d["max_validity_days"].is_null());
        }
    }
    eprintln!(
        "{sample} questions ({} defined, {} multi-category, levels {:?}, {} with deadlines, {} with several, \
         {} with max_validity): {:.2?} in regorus ({:.0?} per question), {:.2?} in all",
        stats.defined,
        stats.multi,
        stats.levels,
        stats.with_deadlines,
        stats.several_deadlines,
        stats.with_validity,
        opa_time,
        opa_time / u32::try_from(sample).unwrap(),
        start.elapsed()
    );
    // The sample reaches every kind of question, not only the common ones.
    assert!(stats.defined > sample * 3 / 4, "{}", stats.defined);
    assert!(sample - stats.defined > sample / 50, "too few unknown-identifier questions");
    assert!(stats.multi > sample / 3, "{}", stats.multi);
    stats
}

#[test]
fn regorus_answers_as_decide_does() {
    let stats = compare(policies(), SAMPLE, 0x5EED_0F57_121C_E7A1);
    assert!(stats.levels.len() >= 5, "{:?}", stats.levels);
    assert!(stats.with_deadlines > 100, "{}", stats.with_deadlines);
}

/// The shipped US and US-CA rules set no `max_validity` and few deadlines, so the meet of
/// those is tried on the California policy with its requirements replaced by random ones
/// (canonical, as the compiler stores them): every level, dominated and undominated
/// deadlines, term sets and validities.
#[test]
fn regorus_meets_random_requirements_as_decide_does() {
    let mut rng = Rng(0xD1CE_5EED_0BAD_CAFE);
    let mut policy = policies()[1].clone();
    // Conditions of its own, so that ways under conditions are met too.
    policy.vocabulary.conditions = ["best_interest", "imminent_threat", "prior_notice"]
        .into_iter()
        .map(|id| Term { id: id.to_owned(), title: format!("the condition {id}") })
        .collect();
    let vocabulary = &policy.vocabulary;
    let terms =
        |rng: &mut Rng, all: Vec<String>| -> Vec<String> { all.into_iter().filter(|_| rng.percent(15)).collect() };
    let elements: Vec<String> = vocabulary.authorization_elements.iter().map(|t| t.id.clone()).collect();
    let form: Vec<String> = vocabulary.form.iter().map(|t| t.id.clone()).collect();
    let obligations: Vec<String> = vocabulary.obligations.iter().map(|t| t.id.clone()).collect();
    let requirements: Vec<RequirementRecord> = (0..60)
        .map(|_| {
            // Up to three ways of one or two bases, a quarter of them under a condition.
            let ways: Vec<Way> = (0..rng.below(4))
                .map(|_| {
                    let bases: Vec<Basis> =
                        (0..1 + rng.below(2)).map(|_| Basis::ALL[rng.below(Basis::ALL.len())]).collect();
                    let conditions: Vec<usize> = if rng.percent(25) { vec![rng.below(3)] } else { Vec::new() };
                    Way::new(&bases, &conditions)
                })
                .collect();
            let deadlines = (0..rng.below(4))
                .map(|_| Deadline {
                    days: [5, 10, 15, 30][rng.below(4)],
                    unit: [DayUnit::CalendarDays, DayUnit::BusinessDays][rng.below(2)],
                    action: [Action::Inspect, Action::Copy, Action::Any][rng.below(3)],
                })
                .collect();
            let mut req = Requirement {
                permission: Permission::from_ways(ways),
                mandatory: rng.percent(20),
                deadlines,
                elements: terms(&mut rng, elements.clone()),
                form: terms(&mut rng, form.clone()),
                obligations: terms(&mut rng, obligations.clone()),
                max_validity_days: [None, Some(90), Some(180), Some(365)][rng.below(4)],
            };
            req.normalize();
            RequirementRecord::new(&req, &vocabulary.conditions)
        })
        .collect();
    // A random requirement in every cell: every value its own class, then folded again.
    let index = RegionIndex::new(&policy.regions).unwrap();
    let grid = policy.regions.cell_grid().unwrap();
    let mut table = Vec::with_capacity(grid.len());
    grid.for_each_point(|_, point| {
        let provenance = index.get(&policy.regions, point).unwrap()[1];
        table.push([u32::try_from(rng.below(requirements.len())).unwrap(), provenance]);
    });
    let classes = grid.sizes().iter().map(|n| (0..u32::try_from(*n).unwrap()).collect()).collect();
    policy.regions = Regions::canonical(classes, table).unwrap();
    policy.requirements = requirements;
    policy.content_hash = policy.compute_hash();
    let stats = compare(&[policy], SAMPLE / 2, 0xACE0_FBA5_E5EE_D5ED);
    assert_eq!(stats.levels.len(), 7, "{:?}", stats.levels);
    assert!(stats.several_deadlines > 100 && stats.with_validity > 100);
}

/// The cases the README walks through, with the fields a reader checks.
#[test]
fn regorus_answers_the_readme_questions() {
    let entries = unpack(&opa_bundle(policies()).unwrap());
    let mut engine = engine(&entries);
    let ask = |engine: &mut regorus::Engine, input: Value| ask_opa(engine, &input).unwrap();

    let d = ask(
        &mut engine,
        json!({"jurisdiction": "US", "category": ["general"], "purpose": "treatment", "recipient": "provider"}),
    );
    assert_eq!(d["level"], "allowed");
    assert_eq!(d["subject"], "adult");
    assert_eq!(d["holder"], "provider");
    assert_eq!(
        d["bases"],
        json!([
            "none",
            "no_objection",
            "authorization",
            "specific_authorization",
            "court_order",
            "warrant",
            "subpoena",
            "administrative_request"
        ])
    );
    assert_eq!(d["ways"], json!([{"bases": ["none"], "conditions": [], "level": "allowed"}]));
    assert!(d["provenance"].as_array().unwrap().iter().any(|p| p["rule"] == "us.hipaa.164_506_c_2"));

    let d = ask(
        &mut engine,
        json!({"jurisdiction": "US", "category": ["psychotherapy_notes"], "purpose": "treatment", "recipient": "provider"}),
    );
    assert_eq!(d["level"], "specific_authorization");

    let d = ask(
        &mut engine,
        json!({"jurisdiction": "US-CA", "category": ["general", "hiv"], "purpose": "employment", "recipient": "employer"}),
    );
    assert_eq!(d["chain"], json!(["US", "US-CA"]));
    let provenance = d["provenance"].as_array().unwrap();
    assert!(provenance.iter().any(|p| p["for_category"] == "hiv"));
    assert!(provenance.iter().all(|p| p.get("for_category").is_some()));

    for unknown in [
        json!({"jurisdiction": "US-ZZ", "category": ["general"], "purpose": "treatment", "recipient": "provider"}),
        json!({"jurisdiction": "US", "category": ["general", "nope"], "purpose": "treatment", "recipient": "provider"}),
        json!({"jurisdiction": "US", "category": [], "purpose": "treatment", "recipient": "provider"}),
        json!({"jurisdiction": "US", "purpose": "treatment", "recipient": "provider"}),
        json!({"jurisdiction": "US", "category": ["general"], "purpose": "treatment", "recipient": "provider", "holder": "nope"}),
        json!({"jurisdiction": "US", "category": ["general"], "purpose": 3, "recipient": "provider"}),
    ] {
        assert_eq!(ask_opa(&mut engine, &unknown), None, "{unknown}");
    }
}

#[test]
fn the_same_policies_give_a_byte_identical_bundle() {
    let policies = policies();
    let first = opa_bundle(policies).unwrap();
    let copies: Vec<Policy> = policies.to_vec();
    let again = opa_bundle(&copies).unwrap();
    assert_eq!(first, again);
    let reversed: Vec<Policy> = policies.iter().rev().cloned().collect();
    assert_eq!(first, opa_bundle(&reversed).unwrap(), "input order must not matter");

    // gzip header: no file name, no mtime.
    assert_eq!(&first[..4], &[0x1f, 0x8b, 8, 0]);
    assert_eq!(&first[4..8], &[0, 0, 0, 0]);

    let entries = unpack(&first);
    let paths: Vec<&str> = entries.iter().map(|e| e.path.as_str()).collect();
    assert_eq!(paths, [MANIFEST_PATH, DATA_PATH, REGO_PATH]);
    for e in &entries {
        assert_eq!((e.mode, e.mtime, e.uid, e.gid), (0o644, 0, 0, 0), "{}", e.path);
    }
}

#[test]
fn the_manifest_names_the_root_and_a_revision_over_the_content_hashes() {
    let policies = policies();
    let entries = unpack(&opa_bundle(policies).unwrap());
    let manifest: Value = serde_json::from_str(&text(&entries, MANIFEST_PATH)).unwrap();
    assert_eq!(manifest["roots"], json!(["stringent"]));
    let mut hasher = Sha256::new();
    for p in policies {
        hasher.update(format!("{}\n", p.content_hash));
    }
    let expected: String = hasher.finalize().iter().map(|b| format!("{b:02x}")).collect();
    assert_eq!(manifest["revision"], format!("sha256:{expected}"));
    assert_eq!(manifest.as_object().unwrap().len(), 2);

    // Everything the bundle holds is inside its root, as OPA requires.
    let data: Value = serde_json::from_str(&text(&entries, DATA_PATH)).unwrap();
    let top: Vec<&String> = data.as_object().unwrap().keys().collect();
    assert_eq!(top, ["stringent"]);
    let jurisdictions: Vec<&String> = data["stringent"]["policies"].as_object().unwrap().keys().collect();
    assert_eq!(jurisdictions, ["US", "US-CA"]);
    assert!(text(&entries, REGO_PATH).lines().any(|l| l == "package stringent"));

    // A different set of policies has a different revision.
    let alone = unpack(&opa_bundle(&policies[..1]).unwrap());
    let alone: Value = serde_json::from_str(&text(&alone, MANIFEST_PATH)).unwrap();
    assert_ne!(alone["revision"], manifest["revision"]);
}

#[test]
fn inconsistent_or_duplicate_policies_are_refused() {
    let policies = policies();
    let twice = [policies[0].clone(), policies[0].clone()];
    assert_eq!(opa_bundle(&twice).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);

    let mut tampered = policies[0].clone();
    tampered.regions.table.pop();
    tampered.content_hash = tampered.compute_hash();
    assert_eq!(opa_bundle(&[tampered]).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);

    let mut stale = policies[0].clone();
    stale.content_hash = "sha256:00".into();
    assert_eq!(opa_bundle(&[stale]).unwrap_err().kind(), std::io::ErrorKind::InvalidInput);
}

/// Every distinct pair of requirements that meet in some shipped chain, and every
/// distinct sequence that a question naming all categories meets at some point of a
/// chain, is placed in the cells of synthetic policies and asked of regorus: the Rego copy
/// of the meet (`data.stringent.meet`, the requirement part of the decision) is checked
/// against `Requirement::meet` on all of them, not on a sample.
#[test]
fn regorus_meets_every_pair_of_shipped_requirements_as_rust_does() {
    let c = stringent_compiler::compile(&[repo().join("rules")], Date::parse("2026-11-24").unwrap());
    assert!(!c.has_errors(), "the shipped rules have errors");
    let shipped = c.policies();
    let template = &shipped[0];
    let conditions = &template.vocabulary.conditions;

    // The requirements of every chain, each once; then the pairs and folds, by number.
    let mut records: Vec<RequirementRecord> = Vec::new();
    let mut pairs = std::collections::BTreeSet::new();
    let mut folds = std::collections::BTreeSet::new();
    for policy in &shipped {
        assert_eq!(policy.vocabulary, template.vocabulary);
        let ids: Vec<u32> = policy
            .requirements
            .iter()
            .map(|r| match records.iter().position(|x| x == r) {
                Some(k) => u32::try_from(k).unwrap(),
                None => {
                    records.push(r.clone());
                    u32::try_from(records.len() - 1).unwrap()
                }
            })
            .collect();
        for (a, x) in ids.iter().enumerate() {
            for y in &ids[a..] {
                pairs.insert(vec![*x.min(y), *x.max(y)]);
            }
        }
        let index = RegionIndex::new(&policy.regions).unwrap();
        let grid = policy.regions.cell_grid().unwrap();
        let mut by_rest: std::collections::HashMap<Vec<u32>, Vec<u32>> = std::collections::HashMap::new();
        grid.for_each_point(|_, point| {
            let entry = index.get(&policy.regions, point).unwrap()[0];
            by_rest.entry(point[1..].to_vec()).or_default().push(ids[usize::try_from(entry).unwrap()]);
        });
        folds.extend(by_rest.into_values());
    }
    let requirements: Vec<Requirement<String>> = records.iter().map(|r| r.requirement(conditions)).collect();

    // Synthetic policies of the same vocabulary hold at each point of the other axes
    // either pairs (categories 2k and 2k+1) or one fold (every category in order).
    let sizes: Vec<usize> = template.vocabulary.axes.iter().map(|a| a.values.len()).collect();
    let categories = sizes[0];
    let points_per_policy: usize = sizes[1..].iter().product();
    let mut slots: Vec<(Vec<u32>, bool)> = Vec::new();
    let pairs: Vec<Vec<u32>> = pairs.into_iter().collect();
    for chunk in pairs.chunks(categories / 2) {
        slots.push((chunk.concat(), false));
    }
    let fold_count = folds.len();
    for fold in folds {
        assert_eq!(fold.len(), categories);
        slots.push((fold, true));
    }
    let axis_ids: Vec<Vec<String>> =
        template.vocabulary.axes.iter().map(|a| a.values.iter().map(|v| v.id.clone()).collect()).collect();
    let mut policies = Vec::new();
    // Each question with the requirements it meets.
    let mut asked: Vec<(Value, Vec<u32>)> = Vec::new();
    for (n, chunk) in slots.chunks(points_per_policy).enumerate() {
        let mut policy = template.clone();
        policy.jurisdiction = format!("US-P{n}");
        policy.requirements = records.clone();
        let mut table = vec![[0u32, 0u32]; categories * points_per_policy];
        for (point, (slot, _)) in chunk.iter().enumerate() {
            for (category, requirement) in slot.iter().enumerate() {
                table[category * points_per_policy + point][0] = *requirement;
            }
        }
        let classes = sizes.iter().map(|n| (0..u32::try_from(*n).unwrap()).collect()).collect();
        policy.regions = Regions::canonical(classes, table).unwrap();
        policy.content_hash = policy.compute_hash();
        for (point, (slot, whole)) in chunk.iter().enumerate() {
            // The point's values of the other axes, row-major as the grid numbers them.
            let mut rest = Vec::new();
            let mut left = point;
            for (axis, size) in sizes.iter().enumerate().skip(1).rev() {
                rest.push(axis_ids[axis][left % size].clone());
                left /= size;
            }
            rest.reverse();
            let groups: Vec<Vec<usize>> = if *whole {
                vec![(0..slot.len()).collect()]
            } else {
                (0..slot.len()).collect::<Vec<_>>().chunks(2).map(<[usize]>::to_vec).collect()
            };
            for cats in groups {
                let category: Vec<&str> = cats.iter().map(|c| axis_ids[0][*c].as_str()).collect();
                let input = json!({
                    "jurisdiction": policy.jurisdiction,
                    "category": category,
                    "purpose": rest[0], "recipient": rest[1], "subject": rest[2], "holder": rest[3],
                });
                asked.push((input, cats.iter().map(|c| slot[*c]).collect()));
            }
        }
        policies.push(policy);
    }

    let entries = unpack(&opa_bundle(&policies).unwrap());
    let start = Instant::now();
    // Two engines on two halves: the machines that run this have two cores.
    let (first, second) = asked.split_at(asked.len() / 2);
    std::thread::scope(|s| {
        for half in [first, second] {
            let (entries, requirements) = (&entries, &requirements);
            s.spawn(move || {
                let mut engine = engine(entries);
                for (input, met) in half {
                    let rust = met[1..]
                        .iter()
                        .fold(requirements[met[0] as usize].clone(), |acc, k| acc.meet(&requirements[*k as usize]));
                    let expected = serde_json::to_value(RequirementRecord::new(&rust, conditions)).unwrap();
                    engine.set_input_json(&input.to_string()).unwrap();
                    let answer = engine.eval_rule("data.stringent.meet".to_owned()).unwrap();
                    let answer: Value = serde_json::from_str(&answer.to_json_str().unwrap()).unwrap();
                    assert_eq!(answer, expected, "the Rego meet differs from Rust's on {input}");
                }
            });
        }
    });
    eprintln!(
        "{} pairs and {fold_count} folds of {} distinct shipped requirements: the Rego meet agrees ({:.1?})",
        pairs.len(),
        records.len(),
        start.elapsed()
    );
    assert!(pairs.len() > 100_000 && fold_count > 1_000, "{} {fold_count}", pairs.len());
}

/// The golden vectors (`tests/vectors/decisions.json`) through the OPA bundle of every
/// shipped chain: each answer, projected as the vectors are, equals the expectation; a
/// question naming an unknown value is undefined (OPA's refusal, where `decide` errs).
#[test]
fn regorus_passes_the_golden_vectors() {
    let repo = golden::repo(env!("CARGO_MANIFEST_DIR"));
    let file = golden::read(&repo);
    let dir = tempfile::tempdir().unwrap();
    let jurisdictions = golden::compile_shipped(&repo, file["as_of"].as_str().unwrap(), dir.path());
    let index = stringent_policy::Index::read(dir.path()).unwrap();
    let policies: Vec<Policy> = jurisdictions.iter().map(|j| index.open(j).unwrap().policy().clone()).collect();
    let mut engine = engine(&unpack(&opa_bundle(&policies).unwrap()));
    let mut wrong = Vec::new();
    let vectors = file["vectors"].as_array().unwrap();
    for (n, v) in vectors.iter().enumerate() {
        let mut input = v["question"].clone();
        input["jurisdiction"] = v["jurisdiction"].clone();
        let answer = ask_opa(&mut engine, &input);
        let ok = match (answer, v.get("expect")) {
            (Some(a), Some(e)) => golden::project(&a) == *e,
            (None, None) => true,
            _ => false,
        };
        if !ok {
            if wrong.is_empty() {
                let got = ask_opa(&mut engine, &input).map(|a| golden::project(&a));
                eprintln!(
                    "vector {n}: {input}\nregorus: {}\nexpected: {}",
                    got.unwrap_or_default(),
                    v.get("expect").cloned().unwrap_or_default()
                );
            }
            wrong.push(n);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} vectors answered differently, first {:?}",
        wrong.len(),
        vectors.len(),
        &wrong[..wrong.len().min(10)]
    );
}
