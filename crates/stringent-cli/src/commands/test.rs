//! `stringent test`: the rule tests written beside the rules, and their coverage.

use crate::output::{FINDINGS, report_as};
use crate::{DiagFormat, TreeArgs};

pub(crate) fn run(tree: &TreeArgs, show_coverage: bool, threshold: Option<f64>, format: DiagFormat) -> u8 {
    let c = tree.compile();
    if c.has_errors() {
        report_as(&c, format);
        return FINDINGS;
    }
    let run = stringent_compiler::testing::run(&c);
    for o in run.outcomes.iter().filter(|o| !o.passed()) {
        outln!("FAIL {}:{} {}", o.file, o.line, o.title);
        for f in &o.failures {
            outln!("  {f}");
        }
        if let Some(d) = &o.decision {
            outln!(
                "  actual: {} (bases: {}; ways: {})",
                d.level.as_str(),
                d.bases.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", "),
                stringent_policy::artifact::describe_ways(&d.ways)
            );
            for p in d.provenance.iter().filter(|p| p.role != stringent_policy::artifact::Role::Inactive) {
                outln!("    {} {} [{}] {}", p.role.as_str(), p.rule, p.layer, p.citation);
            }
        }
    }
    let cov = &run.coverage;
    if show_coverage || threshold.is_some() {
        outln!("coverage (rules; exception branches):");
        for (file, (hit, all)) in &cov.rules {
            let (eh, ea) = cov.exceptions.get(file).copied().unwrap_or((0, 0));
            outln!("  {file}: rules {hit}/{all}; exceptions {eh}/{ea}");
        }
        outln!("  overall: {:.1}%", cov.percent());
        if show_coverage {
            for r in &cov.missed_rules {
                outln!("  not exercised: rule {r}");
            }
            for (e, r) in &cov.missed_exceptions {
                outln!("  not exercised: {e} excepting {r}");
            }
        }
    }
    outln!("{} passed, {} failed", run.passed(), run.failed());
    if run.outcomes.is_empty() {
        errln!("error: no rule test found; write `test` blocks beside the rules");
        return FINDINGS;
    }
    let below = threshold.is_some_and(|t| cov.percent() < t);
    if below {
        outln!("coverage {:.1}% is below the threshold {:.1}%", cov.percent(), threshold.unwrap_or_default());
    }
    if run.failed() > 0 || below { FINDINGS } else { 0 }
}
