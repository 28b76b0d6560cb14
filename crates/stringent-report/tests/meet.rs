//! The question form's copy of the requirement meet (`assets/question.js`, run in Node)
//! agrees with `Requirement::meet` on every pair of requirements of every shipped chain,
//! and on the meet over all categories at every point of each chain (a question naming
//! every category), compared as the rows, levels and bases the page shows.
//! The test is `#[ignore]`d, so a plain `cargo test` reports it as ignored, not passed;
//! `bash tests/run` runs it when Node is installed (`--with-browser` installs it).

#![expect(
    clippy::unwrap_used,
    clippy::indexing_slicing,
    clippy::panic,
    reason = "a test reports a broken expectation by panicking"
)]

#[path = "../../../tests/vectors/golden.rs"]
mod golden;

use serde_json::{Value, json};
use std::collections::{BTreeSet, HashMap};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use stringent_policy::artifact::RequirementRecord;
use stringent_policy::grid::RegionIndex;
use stringent_policy::{Policy, Requirement};
use stringent_syntax::Date;

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Reads the file given as its argument and prints, per policy, one JSON line: the meet of
/// every pair, then the meet over every fold, each as `rowOf` gives it.
const HARNESS: &str = r#"
const q = require(process.argv[1]);
const input = JSON.parse(require("fs").readFileSync(process.argv[2], "utf8"));
for (const p of input.policies) {
  const policy = { conditions: p.conditions };
  const reqs = p.rows.map((r) => q.fromRecord(policy, r));
  const out = [];
  for (const [i, j] of p.pairs) out.push(q.rowOf(policy, q.meet(reqs[i], reqs[j])));
  for (const fold of p.folds) {
    let met = reqs[fold[0]];
    for (const k of fold.slice(1)) met = q.meet(met, reqs[k]);
    out.push(q.rowOf(policy, met));
  }
  process.stdout.write(JSON.stringify(out) + "\n");
}
"#;

/// What the page shows of a requirement: its row, level and the bases that suffice alone.
fn shown(r: &Requirement<String>, policy: &Policy) -> Value {
    let record = RequirementRecord::new(r, &policy.vocabulary.conditions);
    json!([stringent_report::requirement_row(&record).unwrap(), record.level, record.bases])
}

/// The distinct sequences of requirements a question naming every category meets: per
/// point of the other axes, each category's requirement in category order.
fn folds(policy: &Policy) -> BTreeSet<Vec<usize>> {
    let index = RegionIndex::new(&policy.regions).unwrap();
    let grid = policy.regions.cell_grid().unwrap();
    let mut by_rest: HashMap<Vec<u32>, Vec<usize>> = HashMap::new();
    grid.for_each_point(|_, point| {
        let entry = index.get(&policy.regions, point).unwrap();
        let requirement = usize::try_from(entry[0]).unwrap();
        if requirement < policy.requirements.len() {
            by_rest.entry(point[1..].to_vec()).or_default().push(requirement);
        }
    });
    by_rest.into_values().collect()
}

#[test]
#[ignore = "needs Node: `bash tests/run` runs it when Node is installed"]
fn the_question_form_meets_every_pair_as_rust_does() {
    let c = stringent_compiler::compile(&[repo().join("rules")], Date::parse("2026-11-24").unwrap());
    assert!(!c.has_errors(), "the shipped rules have errors");
    let policies = c.policies();

    let mut input = Vec::new();
    let mut expected: Vec<Vec<Value>> = Vec::new();
    let (mut pairs_total, mut folds_total) = (0, 0);
    for policy in &policies {
        let conditions = &policy.vocabulary.conditions;
        let reqs: Vec<Requirement<String>> = policy.requirements.iter().map(|r| r.requirement(conditions)).collect();
        let rows: Vec<Value> =
            policy.requirements.iter().map(|r| stringent_report::requirement_row(r).unwrap()).collect();
        let n = reqs.len();
        let pairs: Vec<[usize; 2]> = (0..n).flat_map(|i| (i..n).map(move |j| [i, j])).collect();
        let folds: Vec<Vec<usize>> = folds(policy).into_iter().collect();
        let mut want: Vec<Value> = pairs.iter().map(|[i, j]| shown(&reqs[*i].meet(&reqs[*j]), policy)).collect();
        for fold in &folds {
            let met = fold[1..].iter().fold(reqs[fold[0]].clone(), |acc, k| acc.meet(&reqs[*k]));
            want.push(shown(&met, policy));
        }
        pairs_total += pairs.len();
        folds_total += folds.len();
        expected.push(want);
        let names: Vec<&str> = conditions.iter().map(|t| t.id.as_str()).collect();
        input.push(json!({ "conditions": names, "rows": rows, "pairs": pairs, "folds": folds }));
    }
    let file = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stringent-meet-pairs.json");
    std::fs::File::create(&file)
        .unwrap()
        .write_all(serde_json::to_string(&json!({ "policies": input })).unwrap().as_bytes())
        .unwrap();

    let script = repo().join("crates/stringent-report/src/assets/question.js").canonicalize().unwrap();
    let node = std::env::var_os("STRINGENT_NODE").unwrap_or_else(|| "node".into());
    let out = Command::new(&node)
        .args(["-e", HARNESS])
        .arg(&script)
        .arg(&file)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run Node ({e}); install it, or `bash tests/run --with-browser`"));
    assert!(out.status.success(), "Node failed");
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), policies.len());

    let mut levels = BTreeSet::new();
    for ((policy, want), line) in policies.iter().zip(&expected).zip(lines) {
        let got: Vec<Value> = serde_json::from_str(line).unwrap();
        assert_eq!(got.len(), want.len(), "{}", policy.jurisdiction);
        for (k, (g, w)) in got.iter().zip(want).enumerate() {
            assert_eq!(g, w, "{}: meet {k} differs (JavaScript, then Rust)", policy.jurisdiction);
            levels.insert(w[1].as_str().unwrap().to_owned());
        }
    }
    eprintln!("{pairs_total} pairs and {folds_total} folds over {} chains agree", policies.len());
    // The corpus reaches the meet's every level and more than a few pairs per chain.
    assert!(pairs_total > 50 * policies.len(), "{pairs_total}");
    assert!(levels.len() >= 6, "{levels:?}");
}

/// Answers every golden vector with the form's `decide`, from the data each chain's page
/// embeds, and prints one JSON line per vector: the decision in the JSON's field names
/// (for the projection), or `{"error": message}`.
const GOLDEN_HARNESS: &str = r#"
const q = require(process.argv[1]);
const fs = require("fs");
const input = JSON.parse(fs.readFileSync(process.argv[2], "utf8"));
const policies = {};
for (const [id, data] of Object.entries(input.pages)) policies[id] = q.load(JSON.parse(data));
const out = [];
for (const v of input.vectors) {
  const question = Object.assign({ categories: v.question.category }, v.question);
  try {
    const d = q.decide(policies[v.jurisdiction], question);
    out.push(JSON.stringify({
      chain: policies[v.jurisdiction].chain.map((l) => l[0]),
      level: d.level,
      governed: d.governed,
      ungoverned_categories: d.ungovernedCategories,
      bases: d.bases,
      ways: d.ways,
      mandatory: d.mandatory,
      deadlines: d.deadlines,
      authorization_elements: d.elements,
      form: d.form,
      obligations: d.obligations,
      max_validity_days: d.maxValidity === undefined ? null : d.maxValidity,
      provenance: d.provenance.map((p) => Object.assign(
        { rule: p.rule, layer: p.layer, role: p.role, dimensions: p.dimensions },
        p.forCategory === null ? {} : { for_category: p.forCategory })),
      history_incomplete: d.historyIncomplete.map((h) => ({ complete_from: h.completeFrom, layer: h.layer })),
      law_unread: d.lawUnread.map((u) => ({ layer: u.layer, topic: u.topic })),
    }));
  } catch (e) {
    if (!(e instanceof q.QuestionError)) throw e;
    out.push(JSON.stringify({ error: e.message }));
  }
}
process.stdout.write(out.join("\n") + "\n");
"#;

#[test]
#[ignore = "needs Node: `bash tests/run` runs it when Node is installed"]
fn the_question_form_passes_the_golden_vectors() {
    let repo = repo();
    let file = golden::read(&repo);
    let dir = tempfile::tempdir().unwrap();
    let jurisdictions = golden::compile_shipped(&repo, file["as_of"].as_str().unwrap(), dir.path());
    let index = stringent_policy::Index::read(dir.path()).unwrap();
    let pages: serde_json::Map<String, Value> = jurisdictions
        .iter()
        .map(|j| (j.clone(), Value::from(stringent_report::question_data(index.open(j).unwrap().policy()).unwrap())))
        .collect();
    let vectors = file["vectors"].as_array().unwrap();
    let input = Path::new(env!("CARGO_TARGET_TMPDIR")).join("stringent-golden-form.json");
    std::fs::write(&input, serde_json::to_string(&json!({ "pages": pages, "vectors": vectors })).unwrap()).unwrap();

    let script = repo.join("crates/stringent-report/src/assets/question.js").canonicalize().unwrap();
    let node = std::env::var_os("STRINGENT_NODE").unwrap_or_else(|| "node".into());
    let out = Command::new(&node)
        .args(["-e", GOLDEN_HARNESS])
        .arg(&script)
        .arg(&input)
        .stderr(Stdio::inherit())
        .output()
        .unwrap_or_else(|e| panic!("cannot run Node ({e}); install it, or `bash tests/run --with-browser`"));
    assert!(out.status.success(), "Node failed");
    let lines: Vec<&str> = std::str::from_utf8(&out.stdout).unwrap().lines().collect();
    assert_eq!(lines.len(), vectors.len());
    let mut wrong = Vec::new();
    for (n, (v, line)) in vectors.iter().zip(lines).enumerate() {
        let got: Value = serde_json::from_str(line).unwrap();
        let ok = match (v.get("expect"), v.get("error")) {
            (Some(e), _) => golden::project(&got) == *e,
            (None, Some(error)) => got["error"] == error["message"],
            _ => false,
        };
        if !ok {
            if wrong.is_empty() {
                eprintln!(
                    "vector {n}: {}\nform:     {}\nexpected: {}",
                    v["question"],
                    golden::project(&got),
                    v.get("expect").cloned().unwrap_or_default()
                );
            }
            wrong.push(n);
        }
    }
    assert!(
        wrong.is_empty(),
        "{} of {} vectors answered differently by the form, first {:?}",
        wrong.len(),
        vectors.len(),
        &wrong[..wrong.len().min(10)]
    );
}
