//! The invariants of docs/semantics.md, "Resolution", 6, as properties over generated rule trees: adding a
//! rule never loosens a cell, file order never changes the output, and every chain is at
//! least as strict as the federal layer alone.
#![expect(clippy::unwrap_used, clippy::indexing_slicing, reason = "a test reports a broken expectation by panicking")]

use proptest::prelude::*;
use std::path::{Path, PathBuf};
use stringent_compiler::{Compilation, compile};
use stringent_syntax::Date;

const CATEGORIES: [&str; 6] =
    ["health_information", "general", "mental_health", "psychotherapy_notes", "hiv", "genetic"];
const PURPOSES: &[&str] = &["treatment", "payment", "patient_access", "employment", "research"];
const RECIPIENTS: [&str; 4] = ["provider", "patient", "employer", "parent"];
const BASES: &[&str] = &["none", "no_objection", "authorization", "specific_authorization", "court_order"];

#[derive(Debug, Clone)]
struct GenRule {
    category: Option<usize>,
    purpose: Option<(usize, bool)>,
    recipient: Option<usize>,
    permission: Option<Vec<usize>>,
    obligation: Option<usize>,
    deadline: Option<u32>,
    max_validity: Option<u32>,
    excepts: Option<usize>,
}

fn gen_rule() -> impl Strategy<Value = GenRule> {
    (
        proptest::option::of(0..CATEGORIES.len()),
        proptest::option::of((0..PURPOSES.len(), any::<bool>())),
        proptest::option::of(0..RECIPIENTS.len()),
        proptest::option::of(proptest::collection::vec(0..BASES.len(), 0..3)),
        proptest::option::of(0usize..3),
        proptest::option::of(5u32..40),
        proptest::option::of(30u32..400),
        proptest::option::weighted(0.3, 0usize..8),
    )
        .prop_map(|(category, purpose, recipient, permission, obligation, deadline, max_validity, excepts)| {
            GenRule { category, purpose, recipient, permission, obligation, deadline, max_validity, excepts }
        })
}

fn render_rule(prefix: &str, i: usize, r: &GenRule, earlier: usize) -> String {
    let mut s = format!(
        "rule {prefix}.r{i} \"generated\" {{\n  cite \"Generated 1\"\n  confidence unverified\n  effective 2000-01-01\n"
    );
    if let Some(c) = r.category {
        s += &format!("  category {}\n", CATEGORIES[c]);
    }
    if let Some((p, except)) = r.purpose {
        s += &if except {
            format!("  purpose any except {}\n", PURPOSES[p])
        } else {
            format!("  purpose {}\n", PURPOSES[p])
        };
    }
    if let Some(rc) = r.recipient {
        s += &format!("  recipient {}\n", RECIPIENTS[rc]);
    }
    match &r.permission {
        Some(b) if b.is_empty() => s += "  permission prohibited\n",
        Some(b) => s += &format!("  permission {}\n", b.iter().map(|i| BASES[*i]).collect::<Vec<_>>().join(" or ")),
        None => {}
    }
    if let Some(o) = r.obligation {
        s += &format!("  obligations o{o}\n");
    }
    if let Some(d) = r.deadline {
        s += &format!("  deadline {d} calendar_days\n");
    }
    if let Some(v) = r.max_validity {
        s += &format!("  max_validity {v} days\n");
    }
    if let Some(e) = r.excepts.filter(|e| *e < earlier) {
        s += &format!("  excepts {prefix}.r{e}\n");
    }
    s + "}\n"
}

fn write_tree(dir: &Path, fed_dir: &str, state_dir: &str, federal: &[GenRule], state: &[GenRule]) {
    let vocab = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../rules/vocabulary/axes.stringent");
    std::fs::create_dir_all(dir.join("vocabulary")).unwrap();
    std::fs::copy(vocab, dir.join("vocabulary/axes.stringent")).unwrap();
    std::fs::write(
        dir.join("vocabulary/terms.stringent"),
        "obligation o0 \"zero\"\nobligation o1 \"one\"\nobligation o2 \"two\"\n",
    )
    .unwrap();
    let mut fed = String::from("jurisdiction US \"Federal\"\n");
    for (i, r) in federal.iter().enumerate() {
        fed += &render_rule("us", i, r, i);
    }
    let mut st = String::from("jurisdiction US-XX \"State\" under US\n");
    for (i, r) in state.iter().enumerate() {
        st += &render_rule("xx", i, r, i);
    }
    std::fs::create_dir_all(dir.join(fed_dir)).unwrap();
    std::fs::create_dir_all(dir.join(state_dir)).unwrap();
    std::fs::write(dir.join(fed_dir).join("layer.stringent"), fed).unwrap();
    std::fs::write(dir.join(state_dir).join("layer.stringent"), st).unwrap();
}

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("stringent-prop-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

fn compiled(dir: &Path) -> Compilation {
    compile(&[dir.to_path_buf()], Date::parse("2025-01-01").unwrap())
}

fn chain<'c>(c: &'c Compilation, id: &str) -> &'c stringent_compiler::resolve::ChainResult {
    let layer = c.model.layer(id).unwrap();
    c.chains.iter().find(|ch| ch.chain.last() == Some(&layer)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 16, ..ProptestConfig::default() })]

    #[test]
    fn resolution_invariants(
        federal in proptest::collection::vec(gen_rule(), 1..6),
        state in proptest::collection::vec(gen_rule(), 0..6),
        extra in gen_rule(),
    ) {
        let a = scratch("a");
        write_tree(&a, "a_federal", "b_state", &federal, &state);
        let base = compiled(&a);
        // Trees whose generated rules contradict each other are not what these laws are about.
        prop_assume!(!base.has_errors());

        // Every cell of the state chain is at least as strict as the federal layer alone.
        let (fed, st) = (chain(&base, "US"), chain(&base, "US-XX"));
        for (f, s) in fed.cells().iter().zip(&st.cells()) {
            let (f, s) = (&fed.requirements[*f as usize], &st.requirements[*s as usize]);
            prop_assert!(s.at_least_as_strict_as(f), "state looser than federal: {s:?} vs {f:?}");
        }

        // The order in which files are found does not change any artifact.
        let b = scratch("b");
        write_tree(&b, "z_federal", "a_state", &federal, &state);
        let reordered = compiled(&b);
        for (p, q) in base.policies().iter().zip(reordered.policies()) {
            prop_assert_eq!(&p.content_hash, &q.content_hash);
            prop_assert_eq!(&p.provenance, &q.provenance);
            prop_assert_eq!(&p.regions, &q.regions);
        }

        // A rule that is no exception never loosens a cell.
        let mut extra = extra;
        extra.excepts = None;
        let mut more = state.clone();
        more.push(extra);
        let c = scratch("c");
        write_tree(&c, "a_federal", "b_state", &federal, &more);
        let grown = compiled(&c);
        if !grown.has_errors() {
            let (old, new) = (chain(&base, "US-XX"), chain(&grown, "US-XX"));
            for (o, n) in old.cells().iter().zip(&new.cells()) {
                let (o, n) = (&old.requirements[*o as usize], &new.requirements[*n as usize]);
                prop_assert!(n.at_least_as_strict_as(o), "adding a rule loosened {o:?} to {n:?}");
            }
        }
        for d in [a, b, c] {
            let _ = std::fs::remove_dir_all(d);
        }
    }
}
