//! The golden vectors (`tests/vectors/decisions.json`): questions about the shipped corpus and
//! the answers `decide` gives them, the one source of truth every binding is held to (the
//! Python package, the C ABI, the Java example, the OPA bundle, the report's form). This test
//! keeps the file equal to what the compiler and the loader make of `rules/` today, and
//! answers every vector again through the loader from artifacts written to disk.
//!
//! Which questions: in every chain, the first cell (in cell order) of each distinct
//! requirement of a new shape (level, and which dimensions it sets: so every level,
//! deadline, element, form, obligation, validity and conditional way the chain can answer
//! appears) and of the first few others, then a fixed pseudo-random sample of cells, some
//! questions about several categories at once (the meet), and unknown values (errors).
//! `tests/vectors/README.md` describes the format and the projection of a decision that
//! bindings compare.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use serde_json::{Map, Value, json};

#[path = "../../../tests/vectors/golden.rs"]
mod golden;
use golden::project;
use std::collections::BTreeSet;
use std::path::PathBuf;
use stringent_policy::{LoadedPolicy, Question, artifact::AXES};

/// The date the vectors' policies are compiled as of: fixed, so the file does not change
/// with the calendar, only with the law.
const AS_OF: &str = "2026-12-01";
/// Distinct requirements per chain beyond those of a new shape (see [`shape`]).
const PER_CHAIN: usize = 24;
/// Sampled cells per chain, beyond the distinct requirements.
const SAMPLED: usize = 12;
/// Questions about several categories per chain.
const MULTI: usize = 3;

fn repo() -> PathBuf {
    golden::repo(env!("CARGO_MANIFEST_DIR"))
}

/// A small deterministic generator (xorshift64*), seeded per chain, so the sample is the
/// same on every machine.
struct Sample(u64);
impl Sample {
    fn new(seed: &str) -> Sample {
        Sample(seed.bytes().fold(0x9E37_79B9_7F4A_7C15, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)) | 1)
    }
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 33) as usize % n.max(1)
    }
}

fn ids(p: &LoadedPolicy, point: &[u32]) -> Vec<String> {
    let axes = &p.policy().vocabulary.axes;
    point.iter().zip(axes).map(|(&i, a)| a.values[i as usize].id.clone()).collect()
}

fn question_json(categories: &[String], rest: &[String]) -> Value {
    json!({
        "category": categories,
        "purpose": rest[0],
        "recipient": rest[1],
        "subject": rest[2],
        "holder": rest[3],
    })
}

fn question_of(q: &Value) -> Question {
    let s = |k: &str| q[k].as_str().unwrap().to_owned();
    Question {
        categories: q["category"].as_array().unwrap().iter().map(|c| c.as_str().unwrap().to_owned()).collect(),
        purpose: s("purpose"),
        recipient: s("recipient"),
        subject: s("subject"),
        holder: s("holder"),
    }
}

fn answer(p: &LoadedPolicy, q: &Value) -> Value {
    match p.decide(&question_of(q)) {
        Ok(d) => json!({ "expect": project(&serde_json::to_value(d).unwrap()) }),
        Err(e) => {
            let axis = match &e {
                stringent_policy::QuestionError::UnknownValue { axis, .. } => json!(axis),
                stringent_policy::QuestionError::NoCategory | stringent_policy::QuestionError::TooManyWays => {
                    Value::Null
                }
            };
            json!({ "error": { "axis": axis, "message": e.to_string() } })
        }
    }
}

/// What a requirement holds, coarsely: its level and which of its dimensions are set. A
/// chain's first requirement of each shape is always asked about.
fn shape(r: &stringent_policy::artifact::RequirementRecord) -> (String, [bool; 7]) {
    let conditional = r.ways.iter().any(|w| !w.conditions.is_empty());
    (
        format!("{:?}", r.level),
        [
            r.mandatory,
            !r.deadlines.is_empty(),
            !r.authorization_elements.is_empty(),
            !r.form.is_empty(),
            !r.obligations.is_empty(),
            r.max_validity_days.is_some(),
            conditional,
        ],
    )
}

/// The questions of one chain, with their answers.
fn chain_vectors(jurisdiction: &str, p: &LoadedPolicy) -> Vec<Value> {
    let grid = p.policy().regions.cell_grid().unwrap();
    let mut points: Vec<Vec<u32>> = Vec::new();
    let mut seen = BTreeSet::new();
    let mut shapes = BTreeSet::new();
    let mut others = 0;
    grid.for_each_point(|_, point| {
        if let Some([requirement, _]) = p.entry(point)
            && seen.insert(requirement)
        {
            let new_shape = shapes.insert(shape(&p.policy().requirements[requirement as usize]));
            if new_shape || others < PER_CHAIN {
                others += usize::from(!new_shape);
                points.push(point.to_vec());
            }
        }
    });
    let mut sample = Sample::new(jurisdiction);
    for _ in 0..SAMPLED {
        points.push(grid.point(sample.below(grid.len())).unwrap());
    }
    let mut vectors: Vec<Value> = points
        .iter()
        .map(|point| {
            let names = ids(p, point);
            let q = question_json(&names[..1], &names[1..]);
            let mut v = json!({ "jurisdiction": jurisdiction, "question": q, "indices": point });
            let a = answer(p, &v["question"]);
            merge(&mut v, a);
            v
        })
        .collect();
    let categories = &p.policy().vocabulary.axes[0].values;
    for _ in 0..MULTI {
        let point = grid.point(sample.below(grid.len())).unwrap();
        let names = ids(p, &point);
        let mut asked = vec![names[0].clone()];
        for _ in 0..2 {
            let c = categories[sample.below(categories.len())].id.clone();
            if !asked.contains(&c) {
                asked.push(c);
            }
        }
        let mut v = json!({ "jurisdiction": jurisdiction, "question": question_json(&asked, &names[1..]) });
        let a = answer(p, &v["question"]);
        merge(&mut v, a);
        vectors.push(v);
    }
    vectors
}

fn merge(into: &mut Value, from: Value) {
    let (Value::Object(a), Value::Object(b)) = (into, from) else { unreachable!() };
    a.extend(b);
}

/// A value id no axis has, asked on each axis in turn: every binding must refuse it with
/// the loader's message.
fn error_vectors(p: &LoadedPolicy) -> Vec<Value> {
    let base = ["general", "treatment", "provider", "adult", "provider"].map(String::from);
    (0..AXES.len())
        .map(|axis| {
            let mut names = base.clone();
            names[axis] = "no_such_value".into();
            let mut v = json!({ "jurisdiction": "US", "question": question_json(&names[..1], &names[1..]) });
            let a = answer(p, &v["question"]);
            merge(&mut v, a);
            v
        })
        .collect()
}

fn render(vectors: &[Value], chains: usize) -> String {
    let mut out = String::new();
    out.push_str("{\n");
    out.push_str("  \"format\": \"stringent-golden-vectors\",\n");
    out.push_str("  \"version\": 1,\n");
    out.push_str(&format!("  \"schema_version\": {},\n", json!(stringent_policy::artifact::SCHEMA_VERSION)));
    out.push_str(&format!("  \"as_of\": \"{AS_OF}\",\n"));
    out.push_str(&format!("  \"chains\": {chains},\n"));
    out.push_str("  \"vectors\": [\n");
    for (i, v) in vectors.iter().enumerate() {
        out.push_str("    ");
        out.push_str(&serde_json::to_string(v).unwrap());
        out.push_str(if i + 1 < vectors.len() { ",\n" } else { "\n" });
    }
    out.push_str("  ]\n}\n");
    out
}

/// The shipped corpus compiled as of [`AS_OF`] and written to a fresh directory as
/// `stringent compile --out` writes it.
fn compiled() -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let jurisdictions = golden::compile_shipped(&repo(), AS_OF, dir.path());
    (dir, jurisdictions)
}

#[test]
fn the_golden_vectors_are_what_the_shipped_corpus_answers() {
    let (dir, jurisdictions) = compiled();
    let mut vectors = Vec::new();
    for j in &jurisdictions {
        let p = LoadedPolicy::open(dir.path(), j).unwrap();
        if j == "US" {
            vectors.extend(error_vectors(&p));
        }
        vectors.extend(chain_vectors(j, &p));
    }
    let text = render(&vectors, jurisdictions.len());
    let path = repo().join("tests/vectors/decisions.json");
    if std::env::var_os("STRINGENT_WRITE_VECTORS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
    }
    let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        on_disk == text,
        "tests/vectors/decisions.json is stale: regenerate with STRINGENT_WRITE_VECTORS=1 and review the diff"
    );
}

/// What the vectors promise: every chain, every level of the lattice and every dimension
/// of an answer appear, so a binding that drops one cannot pass.
#[test]
fn the_golden_vectors_cover_every_chain_level_and_dimension() {
    let text = std::fs::read_to_string(repo().join("tests/vectors/decisions.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let vectors = file["vectors"].as_array().unwrap();
    assert!(vectors.len() >= 1000, "{} vectors", vectors.len());
    let chains: BTreeSet<&str> = vectors.iter().map(|v| v["jurisdiction"].as_str().unwrap()).collect();
    assert_eq!(chains.len() as u64, file["chains"].as_u64().unwrap());
    let answers: Vec<&Value> = vectors.iter().filter_map(|v| v.get("expect")).collect();
    let levels: BTreeSet<&str> = answers.iter().map(|e| e["level"].as_str().unwrap()).collect();
    for level in [
        "allowed",
        "allowed_unless_objects",
        "authorization",
        "specific_authorization",
        "legal_process",
        "court_order_only",
        "prohibited",
    ] {
        assert!(levels.contains(level), "no vector answers `{level}`: {levels:?}");
    }
    let some = |f: &dyn Fn(&Value) -> bool| answers.iter().any(|e| f(e));
    assert!(some(&|e| e["mandatory"] == json!(true)), "no mandatory answer");
    assert!(some(&|e| e["governed"] == json!(false)), "no ungoverned answer");
    for dimension in
        ["deadlines", "authorization_elements", "form", "obligations", "ways", "law_unread", "ungoverned_categories"]
    {
        assert!(some(&|e| !e[dimension].as_array().unwrap().is_empty()), "no answer has {dimension}");
    }
    assert!(some(&|e| !e["max_validity_days"].is_null()), "no answer limits validity");
    assert!(
        some(&|e| e["ways"].as_array().unwrap().iter().any(|w| !w["conditions"].as_array().is_none_or(Vec::is_empty))),
        "no conditional way"
    );
    assert!(vectors.iter().any(|v| v.get("error").is_some()), "no error vector");
    assert!(
        vectors.iter().any(|v| v["question"]["category"].as_array().unwrap().len() > 1),
        "no multi-category question"
    );
}

/// The Rust loader, reading artifacts from disk, answers every vector as recorded.
#[test]
fn the_rust_loader_passes_the_golden_vectors() {
    let (dir, _) = compiled();
    let text = std::fs::read_to_string(repo().join("tests/vectors/decisions.json")).unwrap();
    let file: Value = serde_json::from_str(&text).unwrap();
    let index = stringent_policy::Index::read(dir.path()).unwrap();
    let mut failures = Vec::new();
    let mut by_indices = 0;
    let mut opened = std::collections::HashMap::new();
    for (n, v) in file["vectors"].as_array().unwrap().iter().enumerate() {
        let j = v["jurisdiction"].as_str().unwrap();
        let p = opened.entry(j.to_owned()).or_insert_with(|| index.open(j).unwrap());
        let mut got = json!({});
        merge(&mut got, answer(p, &v["question"]));
        let want: Map<String, Value> = v
            .as_object()
            .unwrap()
            .iter()
            .filter(|(k, _)| *k == "expect" || *k == "error")
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        if got != Value::Object(want) {
            failures.push(n);
        }
        if let Some(point) = v.get("indices") {
            let point: Vec<u32> =
                point.as_array().unwrap().iter().map(|i| u32::try_from(i.as_u64().unwrap()).unwrap()).collect();
            let level = p.requirement(&point).map(|r| serde_json::to_value(r.level).unwrap());
            assert_eq!(level.as_ref(), Some(&v["expect"]["level"]), "vector {n} by indices");
            by_indices += 1;
        }
    }
    assert!(failures.is_empty(), "vectors answered differently: {failures:?}");
    assert!(by_indices > 0);
}
