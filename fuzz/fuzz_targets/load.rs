//! Mutated artifacts must load or be refused, never panic; a loaded policy must answer.
//!
//! Most mutations break the content hash, so the target also takes the second way in a
//! consumer has: the JSON deserialized as a `Policy`, its hash recomputed, then
//! `LoadedPolicy::new` (what a tool does with a policy it built or edited in memory).
#![no_main]

use libfuzzer_sys::fuzz_target;
use stringent_policy::{LoadedPolicy, Policy, Question};

fn ask(p: &LoadedPolicy) {
    let axes = &p.policy().vocabulary.axes;
    let value = |axis: usize, i: usize| -> String {
        axes.get(axis).and_then(|a| a.values.get(i % a.values.len().max(1))).map(|v| v.id.clone()).unwrap_or_default()
    };
    let mut questions = Vec::new();
    for i in 0..3 {
        questions.push(Question {
            categories: vec![value(0, i), value(0, i + 1)],
            purpose: value(1, i),
            recipient: value(2, i),
            subject: value(3, i),
            holder: value(4, i),
        });
    }
    questions.push(Question {
        categories: vec!["hiv".into()],
        purpose: "employment".into(),
        recipient: "employer".into(),
        subject: "adult".into(),
        holder: "provider".into(),
    });
    questions.push(Question {
        categories: vec![],
        purpose: String::new(),
        recipient: String::new(),
        subject: String::new(),
        holder: String::new(),
    });
    for q in &questions {
        if let Ok(d) = p.decide(q) {
            let _ = serde_json::to_string(&d);
        }
    }
    // The hot path with coordinates out of range.
    let _ = p.requirement([0, 0, 0, 0, 0]);
    let _ = p.requirement([u32::MAX; 5]);
    let _ = Policy::combine(&[p.policy().clone(), p.policy().clone()]);
}

fuzz_target!(|data: &[u8]| {
    if let Ok(p) = LoadedPolicy::from_json(data) {
        ask(&p);
    }
    if let Ok(mut policy) = serde_json::from_slice::<Policy>(data) {
        policy.content_hash = policy.compute_hash();
        policy.integrity = policy.compute_integrity();
        let json = serde_json::to_vec(&policy).unwrap_or_default();
        if let Ok(p) = LoadedPolicy::from_json(&json) {
            ask(&p);
        }
    }
});
