//! `stringent decide` and `stringent explain`: answer a question.

use crate::output::{FINDINGS, USAGE, report};
use crate::{Format, QuestionArgs};
use std::path::Path;
use std::path::PathBuf;
use stringent_compiler::compile;
use stringent_policy::{Index, LoadError, LoadedPolicy, Question, QuestionError};
use stringent_syntax::Date;

pub(crate) fn question(q: &QuestionArgs, prose: bool) -> u8 {
    if let Some(j) = &q.jurisdiction
        && j.split('+').count() > stringent_compiler::limits::MAX_COMBINED_JURISDICTIONS
    {
        errln!(
            "error: `--jurisdiction` combines {} jurisdictions; at most {} are allowed (README.md, \"Limits\")",
            j.split('+').count(),
            stringent_compiler::limits::MAX_COMBINED_JURISDICTIONS
        );
        return USAGE;
    }
    let loaded = match &q.policy {
        Some(path) => match open(path, q.jurisdiction.as_deref()) {
            Ok(p) => {
                // A compiled policy holds the answers of one date; answering it for another
                // would present one date's law as another's.
                if let Some(date) = q.as_of
                    && p.policy().as_of != date.to_string()
                {
                    errln!(
                        "error: `{}` was compiled as of {}; it cannot answer as of {date}\n  help: answer from the rules (`--rules DIR --as-of {date}`) or compile with `--as-of {date}`",
                        crate::output::shown(path),
                        p.policy().as_of
                    );
                    return USAGE;
                }
                if let Some(j) = &q.jurisdiction
                    && p.policy().jurisdiction() != j
                {
                    errln!(
                        "error: `{}` holds the policy of `{}`, not `{j}`",
                        crate::output::shown(path),
                        p.policy().jurisdiction()
                    );
                    return USAGE;
                }
                p
            }
            Err(e) => {
                errln!("error: {e}");
                return USAGE;
            }
        },
        None => {
            let Some(jurisdiction) = &q.jurisdiction else {
                errln!("error: give --jurisdiction (e.g. US-CA), or --policy FILE");
                return USAGE;
            };
            let rules = q.rules.clone().unwrap_or_else(|| PathBuf::from("rules"));
            let roots = match super::whole_trees(&[rules]) {
                Ok(roots) => roots,
                Err(code) => return code,
            };
            let c = compile(&roots, q.as_of.unwrap_or_else(Date::today));
            // An error in another chain's own layer leaves this chain's answers as they
            // would be without it (Compilation::errors_touching): answer, and say which
            // chains cannot be answered until the errors are fixed.
            if c.has_errors() {
                if !c.errors_touching(jurisdiction).is_empty() {
                    report(&c);
                    return FINDINGS;
                }
                let unavailable = c.unavailable();
                errln!(
                    "warning: the rules have errors elsewhere; {jurisdiction} is answered, these chains are unavailable until they are fixed:"
                );
                for (j, d) in &unavailable {
                    let at = d.primary.as_ref().map(|l| format!(" ({})", l.file)).unwrap_or_default();
                    errln!("  {j}: [{}] {}{at}", d.code.as_str(), d.message);
                }
            }
            match c.loaded(jurisdiction) {
                Some(p) => p,
                None => {
                    let ids = c.jurisdictions();
                    let hint = stringent_diagnostics::nearest(jurisdiction, ids.iter().map(String::as_str))
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    errln!("error: unknown jurisdiction `{jurisdiction}`{hint} (valid: {})", ids.join(", "));
                    return USAGE;
                }
            }
        }
    };
    let (Some(purpose), Some(recipient), false) = (&q.purpose, &q.recipient, q.categories.is_empty()) else {
        let missing: Vec<&str> = [
            (q.categories.is_empty(), "--category"),
            (q.purpose.is_none(), "--purpose"),
            (q.recipient.is_none(), "--recipient"),
        ]
        .into_iter()
        .filter_map(|(absent, flag)| absent.then_some(flag))
        .collect();
        errln!("error: missing {}", missing.join(", "));
        errln!(
            "  help: a question needs --category, --purpose and --recipient, e.g. `--category general --purpose treatment --recipient provider`"
        );
        return USAGE;
    };
    let question = Question {
        categories: q.categories.clone(),
        purpose: purpose.clone(),
        recipient: recipient.clone(),
        subject: q.subject.clone(),
        holder: q.holder.clone(),
    };
    let decision = match loaded.decide(&question) {
        Ok(d) => d,
        Err(e) => {
            let hint = match &e {
                QuestionError::UnknownValue { value, valid, .. } => did_you_mean(value, valid),
                QuestionError::NoCategory | QuestionError::TooManyWays => String::new(),
            };
            errln!("error: {e}{hint}");
            return USAGE;
        }
    };
    let text = if q.format == Format::Fhir {
        let labels = stringent_policy::security_labels(loaded.policy(), &decision);
        serde_json::to_string_pretty(&labels).unwrap_or_default() + "\n"
    } else if q.format == Format::Json && prose {
        serde_json::to_string_pretty(&stringent_compiler::explain::explanation(&decision)).unwrap_or_default() + "\n"
    } else if q.format == Format::Json {
        match serde_json::to_string_pretty(&decision) {
            Ok(s) => s + "\n",
            Err(e) => {
                errln!("error: {e}");
                return USAGE;
            }
        }
    } else if prose {
        stringent_compiler::explain(&decision)
    } else {
        summary(&decision)
    };
    if q.format == Format::Text {
        out!("{text}");
    } else {
        data!("{text}");
    }
    0
}

/// The policy at `--policy`: an artifact file, or a compile's output directory, where the
/// jurisdiction's artifact is found through its index (the generation directory inside is
/// renamed by every compile that changes it, so scripts name the directory).
fn open(path: &Path, jurisdiction: Option<&str>) -> Result<LoadedPolicy, String> {
    if !path.is_dir() {
        return LoadedPolicy::load(path).map_err(|e| e.to_string());
    }
    let index = Index::read(path).map_err(|e| e.to_string())?;
    let Some(jurisdiction) = jurisdiction else {
        let known: Vec<&str> = index.jurisdictions().take(8).collect();
        return Err(format!(
            "`{}` is a compile's output directory: give --jurisdiction (it has {}{})",
            crate::output::shown(path),
            known.join(", "),
            if index.index().policies.len() > known.len() { ", …" } else { "" }
        ));
    };
    index.open(jurisdiction).map_err(|e| match &e {
        LoadError::UnknownJurisdiction { jurisdiction, known } => format!("{e}{}", did_you_mean(jurisdiction, known)),
        _ => e.to_string(),
    })
}

/// A help line naming the valid value nearest to an unknown one, when one is near.
fn did_you_mean(value: &str, valid: &[String]) -> String {
    stringent_diagnostics::nearest(value, valid.iter().map(String::as_str))
        .map(|n| format!("\n  help: did you mean `{n}`?"))
        .unwrap_or_default()
}

pub(crate) fn summary(d: &stringent_policy::Decision<'_>) -> String {
    let mut out = format!("{}: {}", d.jurisdiction, d.level.as_str());
    if let Some(line) = stringent_compiler::explain::ungoverned(d) {
        out.push_str(" (UNGOVERNED)\n  ");
        out.push_str(&line);
    }
    if let Some(line) = stringent_compiler::explain::history_gap(d) {
        out.push_str("\n  history: ");
        out.push_str(&line);
    }
    if let Some(line) = stringent_compiler::explain::unread_law(d) {
        out.push_str("\n  unread: ");
        out.push_str(&line);
    }
    let bases: Vec<&str> = d.bases.iter().map(|b| b.as_str()).collect();
    out.push_str(&format!(
        "\n  bases: {}",
        if bases.is_empty() { "none suffices alone".to_owned() } else { bases.join(", ") }
    ));
    // Ways of several instruments, or under conditions, are more than the bases say.
    if d.ways.iter().any(|w| w.bases.len() > 1 || !w.conditions.is_empty()) {
        out.push_str(&format!("\n  ways: {}", stringent_policy::artifact::describe_ways(&d.ways)));
    }
    out.push_str(&format!("\n  mandatory: {}", d.mandatory));
    for dl in d.deadlines.iter() {
        let unit = match dl.unit {
            stringent_policy::DayUnit::CalendarDays => "calendar days",
            stringent_policy::DayUnit::BusinessDays => "business days",
        };
        let action = match dl.action {
            stringent_policy::Action::Inspect => " to inspect",
            stringent_policy::Action::Copy => " for a copy",
            stringent_policy::Action::Any => "",
        };
        out.push_str(&format!("\n  deadline: {} {unit}{action}", dl.days));
    }
    for (label, list) in [("elements", &d.authorization_elements), ("form", &d.form), ("obligations", &d.obligations)] {
        if !list.is_empty() {
            out.push_str(&format!("\n  {label}: {}", list.join(", ")));
        }
    }
    if let Some(v) = d.max_validity_days {
        out.push_str(&format!("\n  max validity: {v} days"));
    }
    out.push_str("\n  decided by:");
    for p in d.provenance.iter().filter(|p| p.role == stringent_policy::artifact::Role::Won) {
        out.push_str(&format!(
            "\n    {} [{}] {} ({})",
            p.rule,
            p.layer,
            p.citation,
            p.dimensions.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    out.push('\n');
    out
}
