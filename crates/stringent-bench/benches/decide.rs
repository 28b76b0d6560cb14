//! 3. Deciding from loaded artifacts: nanoseconds per question over a large random sample
//!    of questions over every chain of the shipped corpus (goal: under 100 ns on one core;
//!    `tests/no_alloc.rs` asserts that the hot path allocates nothing). The baseline is the
//!    bare memory access: the same two array reads with the tuple number computed beforehand.
//! 4. Peers: the same questions answered by the exported OPA bundle under regorus, and by
//!    resolving the rules at question time with no compiled artifact (`naive`).

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]

mod common;

use common::{Summary, criterion, timed};
use criterion::Throughput;
use std::hint::black_box;
use std::io::Read;
use stringent_bench::corpus::{as_of, shipped_root};
use stringent_bench::naive::Naive;
use stringent_bench::sample;
use stringent_policy::{LoadedPolicy, Policy, Question};

const SAMPLE: usize = 100_000;
const DECIDE_SAMPLE: usize = 10_000;
const NAIVE_SAMPLE: usize = 2_000;
const OPA_SAMPLE: usize = 200;
/// The chains the OPA bundle holds (the data of all 53 is over 30 MB of JSON for regorus to load).
const OPA_CHAINS: [&str; 4] = ["US", "US-CA", "US-NY", "US-TX"];

fn main() {
    let mut c = criterion();
    let date = as_of();
    let compiled = stringent_compiler::compile(&[shipped_root()], date);
    assert!(!compiled.has_errors(), "the shipped rules have errors");
    let all: Vec<Policy> = compiled.policies();
    let loaded: Vec<LoadedPolicy> = all.iter().cloned().map(|p| LoadedPolicy::new(p).unwrap()).collect();

    let points = sample::points(&loaded, SAMPLE, 42);
    let axes = points.axes();
    let tuples: Vec<(usize, usize)> = points.iter().map(|(p, point)| (p, loaded[p].tuple(point).unwrap())).collect();
    // The value ids of every point, flat as the points are: one run of `axes` per point.
    let ids: Vec<&str> = points.iter().flat_map(|(p, point)| sample::ids(&loaded[p], point).unwrap()).collect();
    let questions: Vec<(usize, Question)> =
        points.iter().take(DECIDE_SAMPLE).map(|(p, point)| (p, sample::question(&loaded[p], point).unwrap())).collect();

    let mut group = c.benchmark_group("decide/shipped");
    group.sample_size(20);
    group.throughput(Throughput::Elements(SAMPLE as u64));
    group.bench_function("baseline: two array reads, tuple precomputed", |b| {
        timed(b, "array", || {
            for (p, tuple) in &tuples {
                let policy = loaded[*p].policy();
                black_box(&policy.requirements[policy.regions.table[*tuple][0] as usize]);
            }
        });
    });
    group.bench_function("requirement([u32; 5])", |b| {
        timed(b, "requirement", || {
            for (policy, point) in points.iter() {
                black_box(loaded[policy].requirement(black_box(point)));
            }
        });
    });
    group.bench_function("value_index × 5 + requirement", |b| {
        let mut point = vec![u32::MAX; axes];
        timed(b, "by-id", || {
            for ((p, _), names) in points.iter().zip(ids.chunks_exact(axes)) {
                let policy = &loaded[p];
                for (axis, (slot, name)) in point.iter_mut().zip(names).enumerate() {
                    *slot = policy.value_index(axis, name).unwrap_or(u32::MAX);
                }
                black_box(policy.requirement(&point));
            }
        });
    });
    // The same lookup without hashing: the axes have at most a few dozen values, so a
    // linear scan of the value ids (what a production change could store) is the alternative.
    let axis_ids: Vec<Vec<Vec<&str>>> = loaded
        .iter()
        .map(|p| p.policy().vocabulary.axes.iter().map(|a| a.values.iter().map(|v| v.id.as_str()).collect()).collect())
        .collect();
    group.bench_function("alternative: linear scan of value ids + requirement", |b| {
        let mut point = vec![u32::MAX; axes];
        timed(b, "by-id-scan", || {
            for ((p, _), names) in points.iter().zip(ids.chunks_exact(axes)) {
                for ((slot, name), values) in point.iter_mut().zip(names).zip(&axis_ids[p]) {
                    *slot = values.iter().position(|v| v == name).map_or(u32::MAX, |i| i as u32);
                }
                black_box(loaded[p].requirement(&point));
            }
        });
    });
    group.throughput(Throughput::Elements(DECIDE_SAMPLE as u64));
    group.bench_function("decide(&Question) (builds a Decision)", |b| {
        timed(b, "decide", || {
            for (p, q) in &questions {
                black_box(loaded[*p].decide(black_box(q)).unwrap());
            }
        });
    });

    // The naive design: the checked model in memory, the rules resolved per question.
    let naive = Naive::new(&compiled.model, date);
    let naive_points: Vec<(usize, &[u32])> = points
        .iter()
        .take(NAIVE_SAMPLE)
        .map(|(p, point)| (compiled.model.layer(&loaded[p].policy().jurisdiction).unwrap(), point))
        .collect();
    group.throughput(Throughput::Elements(NAIVE_SAMPLE as u64));
    group.bench_function("peer: naive resolution per question", |b| {
        timed(b, "naive", || {
            for (layer, point) in &naive_points {
                black_box(naive.requirement(*layer, black_box(point)));
            }
        });
    });

    // The OPA peer: the exported bundle, evaluated by regorus.
    let opa = opa_engine(&all).map(|engine| {
        let inputs: Vec<regorus::Value> = points
            .iter()
            .filter(|(p, _)| OPA_CHAINS.contains(&loaded[*p].policy().jurisdiction.as_str()))
            .take(OPA_SAMPLE)
            .map(|(p, point)| {
                let q = sample::question(&loaded[p], point).unwrap();
                let input = serde_json::json!({
                    "jurisdiction": loaded[p].policy().jurisdiction, "category": q.categories, "purpose": q.purpose,
                    "recipient": q.recipient, "subject": q.subject, "holder": q.holder,
                });
                regorus::Value::from_json_str(&input.to_string()).unwrap()
            })
            .collect();
        let opa_questions: Vec<(usize, Question)> = points
            .iter()
            .filter(|(p, _)| OPA_CHAINS.contains(&loaded[*p].policy().jurisdiction.as_str()))
            .take(OPA_SAMPLE)
            .map(|(p, point)| (p, sample::question(&loaded[p], point).unwrap()))
            .collect();
        (engine, inputs, opa_questions)
    });
    match opa {
        Ok((mut engine, inputs, opa_questions)) => {
            group.throughput(Throughput::Elements(inputs.len() as u64));
            group.bench_function("peer: regorus eval data.stringent.decision", |b| {
                timed(b, "opa", || {
                    for input in &inputs {
                        engine.set_input(input.clone());
                        black_box(engine.eval_rule("data.stringent.decision".to_owned()).unwrap());
                    }
                });
            });
            group.throughput(Throughput::Elements(opa_questions.len() as u64));
            group.bench_function("decide(&Question) on the OPA sample", |b| {
                timed(b, "decide-opa", || {
                    for (p, q) in &opa_questions {
                        black_box(loaded[*p].decide(black_box(q)).unwrap());
                    }
                });
            });
        }
        Err(why) => println!("\nthe regorus peer is skipped: {why}\n"),
    }
    group.finish();
    c.final_summary();

    let mut s = Summary::new("Deciding from loaded artifacts");
    s.note(format!("{} chains loaded; a random sample of {SAMPLE} questions (policy × point)", loaded.len()));
    s.figure("baseline: two array reads", "array", SAMPLE, None);
    let hot = s.figure("requirement([u32; 5])", "requirement", SAMPLE, None);
    s.figure("value_index × 5 + requirement", "by-id", SAMPLE, None);
    s.figure("alternative: linear scan of value ids + requirement", "by-id-scan", SAMPLE, None);
    s.figure("decide(&Question)", "decide", DECIDE_SAMPLE, None);
    if let Some(ns) = hot {
        let per = ns / SAMPLE as f64;
        s.note(format!("- goal < 100 ns per question: {}", if per < 100.0 { "met" } else { "NOT met" }));
    }
    s.ratio("requirement / two array reads", ("requirement", SAMPLE), ("array", SAMPLE), None);
    s.ratio("value_index + requirement / requirement", ("by-id", SAMPLE), ("requirement", SAMPLE), None);
    s.ratio("linear scan + requirement / requirement", ("by-id-scan", SAMPLE), ("requirement", SAMPLE), None);
    s.ratio("decide / requirement", ("decide", DECIDE_SAMPLE), ("requirement", SAMPLE), None);
    s.note("");
    s.note("Peers:");
    s.figure("naive resolution per question", "naive", NAIVE_SAMPLE, None);
    s.ratio("naive / requirement", ("naive", NAIVE_SAMPLE), ("requirement", SAMPLE), None);
    s.ratio("naive / decide", ("naive", NAIVE_SAMPLE), ("decide", DECIDE_SAMPLE), None);
    s.figure("regorus eval data.stringent.decision", "opa", OPA_SAMPLE, None);
    s.figure("decide on the same OPA sample", "decide-opa", OPA_SAMPLE, None);
    s.ratio("regorus / decide (same questions)", ("opa", OPA_SAMPLE), ("decide-opa", OPA_SAMPLE), None);
    s.ratio("regorus / requirement", ("opa", OPA_SAMPLE), ("requirement", SAMPLE), None);
    s.print();
}

/// A regorus engine loaded with the OPA bundle of some chains; why not, when it cannot be built.
fn opa_engine(all: &[Policy]) -> Result<regorus::Engine, String> {
    let chosen: Vec<Policy> = all.iter().filter(|p| OPA_CHAINS.contains(&p.jurisdiction.as_str())).cloned().collect();
    let bundle = stringent_export::opa_bundle(&chosen).map_err(|e| format!("opa_bundle failed: {e}"))?;
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(&bundle[..]));
    let (mut rego, mut data) = (None, None);
    for entry in archive.entries().map_err(|e| format!("the bundle is no tarball: {e}"))? {
        let mut entry = entry.map_err(|e| e.to_string())?;
        let path = entry.path().map_err(|e| e.to_string())?.to_string_lossy().into_owned();
        let mut text = String::new();
        entry.read_to_string(&mut text).map_err(|e| e.to_string())?;
        if path == stringent_export::REGO_PATH {
            rego = Some(text);
        } else if path == stringent_export::DATA_PATH {
            data = Some(text);
        }
    }
    let (Some(rego), Some(data)) = (rego, data) else {
        return Err("the bundle has no policy or no data".into());
    };
    let mut engine = regorus::Engine::new();
    engine
        .add_policy(stringent_export::REGO_PATH.to_owned(), rego)
        .map_err(|e| format!("regorus rejects the policy: {e}"))?;
    engine.add_data_json(&data).map_err(|e| format!("regorus rejects the data: {e}"))?;
    Ok(engine)
}
