//! `stringent coverage`: which jurisdictions and topics the rules cover.

use crate::output::{FINDINGS, report};
use std::path::PathBuf;
use stringent_compiler::compile;
use stringent_syntax::Date;
use stringent_syntax::ast::Confidence;

pub(crate) fn run(paths: &[PathBuf]) -> u8 {
    use stringent_compiler::coverage::State;
    let roots = match super::whole_trees(paths) {
        Ok(roots) => roots,
        Err(code) => return code,
    };
    let c = compile(&roots, Date::today());
    if c.has_errors() {
        report(&c);
        return FINDINGS;
    }
    let rows = stringent_compiler::coverage::coverage(&c.model);
    let topics = c.model.topic_ids();
    out!("{:<14}", "jurisdiction");
    for t in topics {
        out!(" {t:<22}");
    }
    outln!();
    let mut missing = 0;
    for (j, cells) in &rows {
        out!("{j:<14}");
        for cell in cells {
            let text = match cell {
                State::Covered(mix) => {
                    let parts: Vec<String> =
                        mix.iter().map(|(k, n)| format!("{n}{}", k.chars().next().unwrap_or('?'))).collect();
                    format!("covered {}", parts.join(" "))
                }
                // A silence that says the law was not read is a gap, not a finding: shown
                // apart, as answers it reaches say (docs/semantics.md, "Silences and gaps").
                State::Silent(conf @ (Confidence::Unverified | Confidence::Recalled)) => {
                    format!("GAP ({})", conf.as_str())
                }
                State::Silent(conf) => format!("silent ({})", conf.as_str()),
                State::Missing => {
                    missing += 1;
                    "MISSING".to_owned()
                }
            };
            out!(" {text:<22}");
        }
        outln!();
    }
    outln!(
        "{} jurisdictions, {missing} missing cells (v verified, s secondary, r recalled, u unverified; GAP: a silence \
         that says the law was not read, which answers it reaches report)",
        rows.len()
    );
    outln!();
    // How each layer's claims were checked: a reviewer reads the mix, the stalest silence
    // and the date from which its history is complete; a layer that does not say is missing.
    let mix = |m: &std::collections::BTreeMap<&str, usize>| -> String {
        let parts: Vec<String> = m.iter().map(|(k, n)| format!("{n}{}", k.chars().next().unwrap_or('?'))).collect();
        if parts.is_empty() { "-".to_owned() } else { parts.join(" ") }
    };
    outln!("{:<22} {:<16} {:<12} {:<24} history from", "layer", "rules", "silences", "searched (oldest..newest)");
    let mut undated = 0;
    let audit = stringent_compiler::coverage::audit(&c.model);
    for a in &audit {
        let searched = match (&a.oldest_searched, &a.newest_searched) {
            (Some(o), Some(n)) if o == n => o.clone(),
            (Some(o), Some(n)) => format!("{o}..{n}"),
            _ => "-".to_owned(),
        };
        let history = a.history_from.clone().unwrap_or_else(|| {
            undated += 1;
            "MISSING".to_owned()
        });
        outln!("{:<22} {:<16} {:<12} {:<24} {history}", a.jurisdiction, mix(&a.rules), mix(&a.silences), searched);
    }
    outln!("{undated} layers without `history from`");
    // An unverified silence rests on a statute not read whole: name them, so nobody takes
    // them for a finding that no law exists (docs/semantics.md, "Silences and gaps").
    let unread: Vec<String> = c
        .model
        .silences
        .iter()
        .filter(|s| s.confidence == stringent_syntax::ast::Confidence::Unverified)
        .filter_map(|s| {
            let layer = c.model.layers.get(s.layer)?;
            let topic = &c.model.topics.get(s.topic)?.id;
            Some(format!("{} {topic}", layer.id))
        })
        .collect();
    if !unread.is_empty() {
        outln!("{} silences are unverified (the statute was not read whole): {}", unread.len(), unread.join(", "));
    }
    missing += undated;
    let open = stringent_compiler::coverage::open_to_process(&c.model);
    if !open.is_empty() {
        let list: Vec<String> = open.iter().map(|(id, p)| format!("{id} ({})", p.join(", "))).collect();
        outln!(
            "{} broad state rules leave proceedings or law enforcement to federal law, with no rule of their layer there (read the statute's list again): {}",
            list.len(),
            list.join(", ")
        );
    }
    let unsourced: Vec<&String> = audit.iter().flat_map(|a| &a.unsourced).collect();
    if !unsourced.is_empty() {
        let ids: Vec<&str> = unsourced.iter().map(|s| s.as_str()).collect();
        outln!("{} rules name no source: {}", ids.len(), ids.join(", "));
        missing += unsourced.len();
    }
    outln!();
    outln!("ungoverned answers (no rule in force reaches them; `allowed` there is not a legal permission):");
    for chain in &c.chains {
        let u = stringent_compiler::coverage::ungoverned(&c.model, chain);
        let share = |(id, n, all): &(String, usize, usize)| format!("{id} {}%", n * 100 / (*all).max(1));
        outln!(
            "  {:<14} {} of {} cells; holders: {}; categories: {}",
            u.jurisdiction,
            u.cells,
            u.total,
            if u.holders.is_empty() {
                "none".to_owned()
            } else {
                u.holders.iter().map(share).collect::<Vec<_>>().join(", ")
            },
            if u.categories.is_empty() {
                "none".to_owned()
            } else {
                u.categories.iter().map(share).collect::<Vec<_>>().join(", ")
            }
        );
    }
    if missing > 0 { FINDINGS } else { 0 }
}
