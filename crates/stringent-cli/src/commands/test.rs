//! `stringent test`: the rule tests written beside the rules, and their coverage. Given
//! files (or folders) inside a rules root, the whole tree is compiled and only the tests
//! written in them run; `--filter` keeps the tests whose title contains its text.

use super::{compiled, say_elsewhere};
use crate::output::{FINDINGS, report_as};
use crate::{DiagFormat, TreeArgs};

pub(crate) fn run(
    tree: &TreeArgs,
    filter: Option<&str>,
    show_coverage: bool,
    threshold: Option<f64>,
    format: DiagFormat,
) -> u8 {
    let (mut c, targets) = match compiled(tree) {
        Ok(found) => found,
        Err(code) => return code,
    };
    // The chains the selected tests stand in or name: an error elsewhere in one of them
    // makes their answers unsound.
    let mut chains = c.layers_in(&targets);
    for case in c.model.tests.iter().filter(|t| targets.holds(&t.file)) {
        chains.extend(case.decl.jurisdictions.iter().map(|j| j.text.clone()));
    }
    let elsewhere = c.narrow_to(&targets, &chains);
    if c.has_errors() || !elsewhere.is_empty() {
        report_as(&c, format);
        say_elsewhere(&elsewhere, &targets);
        return FINDINGS;
    }
    let run = stringent_compiler::testing::run_selected(&c, &targets, filter);
    if format == DiagFormat::Json {
        data!("{}\n", results_json(&run));
    } else {
        list(&run);
    }
    let cov = &run.coverage;
    // Under JSON, stdout holds the JSON alone: coverage is its `coverage_percent`.
    let text = format != DiagFormat::Json;
    if text && (show_coverage || threshold.is_some()) {
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
    if text {
        outln!("{} passed, {} failed", run.passed(), run.failed());
    }
    if run.outcomes.is_empty() {
        match filter {
            Some(text) => errln!("error: no rule test's title contains `{text}`"),
            None => errln!("error: no rule test found; write `test` blocks beside the rules"),
        }
        return FINDINGS;
    }
    let below = threshold.is_some_and(|t| cov.percent() < t);
    if below {
        let line =
            format!("coverage {:.1}% is below the threshold {:.1}%", cov.percent(), threshold.unwrap_or_default());
        if text {
            outln!("{line}");
        } else {
            errln!("{line}");
        }
    }
    if run.failed() > 0 || below { FINDINGS } else { 0 }
}

/// Every test run, one line each (`ok  ` or `FAIL`, where it is written, its title); under a
/// failure, what did not hold and the actual answer with its provenance.
fn list(run: &stringent_compiler::testing::TestRun) {
    for o in &run.outcomes {
        outln!("{} {}:{} {}", if o.passed() { "ok  " } else { "FAIL" }, o.file, o.line, o.title);
        if o.passed() {
            continue;
        }
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
}

/// `--format json`: every test run, with its result, and the counts.
fn results_json(run: &stringent_compiler::testing::TestRun) -> serde_json::Value {
    let tests: Vec<serde_json::Value> = run
        .outcomes
        .iter()
        .map(|o| {
            serde_json::json!({
                "file": o.file,
                "line": o.line,
                "name": o.title,
                "passed": o.passed(),
                "failures": o.failures,
                "actual": o.decision.as_ref().map(|d| d.level.as_str()),
            })
        })
        .collect();
    serde_json::json!({
        "tests": tests,
        "passed": run.passed(),
        "failed": run.failed(),
        "coverage_percent": run.coverage.percent(),
    })
}
