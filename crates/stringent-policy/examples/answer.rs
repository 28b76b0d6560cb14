//! A program that depends on the loader crate alone and answers a question from a compiled
//! policy: `cargo run -p stringent-policy --example answer -- POLICY.json CATEGORY PURPOSE RECIPIENT`
use stringent_policy::{LoadedPolicy, Question};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [path, category, purpose, recipient] = args.as_slice() else {
        return Err("usage: answer POLICY.json CATEGORY PURPOSE RECIPIENT".into());
    };
    let policy = LoadedPolicy::load(std::path::Path::new(path))?;
    let answer = policy.decide(&Question::new(category, purpose, recipient))?;
    println!("{}: {}", answer.jurisdiction, answer.level.as_str());
    for p in answer.provenance.iter().filter(|p| p.role == stringent_policy::artifact::Role::Won) {
        println!("  {} ({})", p.rule, p.citation);
    }
    Ok(())
}
