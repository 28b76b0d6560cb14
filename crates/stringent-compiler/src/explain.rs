//! `stringent explain`: a decision in prose a compliance officer can check against the
//! statutes — each layer's contribution with its citations, then the outcome.

use stringent_policy::artifact::Role;
use stringent_policy::{Decision, Level};

/// Explain a decision, one paragraph per layer, then the answer.
pub fn explain(d: &Decision) -> String {
    let mut out = String::new();
    let axes = format!(
        "{} / {} / {} / subject {} / holder {}",
        d.category.join("+"),
        d.purpose,
        d.recipient,
        d.subject,
        d.holder
    );
    out.push_str(&format!(
        "Question: may {} disclose {} information for {} to a {} (subject: {})?\n",
        d.holder,
        d.category.join(" + "),
        d.purpose,
        d.recipient,
        d.subject
    ));
    out.push_str(&format!("Chain: {} (as of {})\n\n", d.chain.join(" → "), d.as_of));
    for layer in &d.chain {
        out.push_str(&format!("{layer}:\n"));
        let entries: Vec<_> = d.provenance.iter().filter(|p| &p.layer == layer).collect();
        if entries.is_empty() {
            out.push_str("  no rule of this layer applies; it adds nothing to the layers above.\n");
        }
        for p in entries {
            let dims: Vec<&str> = p.dimensions.iter().map(|x| x.as_str()).collect();
            let what = match p.role {
                Role::Won => format!("decides {}", dims.join(", ")),
                Role::Met => format!("applies, but a stricter rule decides {}", dims.join(", ")),
                Role::Excepted => "is set aside here: a rule of its layer is an exception to it".to_owned(),
                Role::Preempted => {
                    "is preempted here: federal law requires or forbids this disclosure (45 CFR 160.203; 42 CFR 2.20)"
                        .to_owned()
                }
                Role::Deferred => format!("defers {} to state law, which speaks here", dims.join(", ")),
                Role::Inactive => "would apply but is not in effect on this date".to_owned(),
            };
            let scope = p.for_category.as_ref().map(|c| format!(" [for {c}]")).unwrap_or_default();
            out.push_str(&format!(
                "  - {} \"{}\" ({}; {}){scope} {what}.\n",
                p.rule, p.title, p.citation, p.confidence
            ));
        }
    }
    out.push_str(&format!("\nAnswer for {axes}: {}", level_words(d.level)));
    if d.bases.contains(&stringent_policy::Basis::CourtOrder)
        && d.level > Level::AllowedUnlessObjects
        && d.level != Level::CourtOrderOnly
    {
        out.push_str("; a court order also suffices");
    }
    out.push_str(".\n");
    if d.mandatory {
        out.push_str("The disclosure is mandatory: it must be made when asked.\n");
    }
    for dl in &d.deadlines {
        let unit = match dl.unit {
            stringent_policy::DayUnit::CalendarDays => "calendar days",
            stringent_policy::DayUnit::BusinessDays => "business days",
        };
        let action = match dl.action {
            stringent_policy::Action::Inspect => "for inspection",
            stringent_policy::Action::Copy => "for copies",
            stringent_policy::Action::Any => "",
        };
        out.push_str(&format!("Deadline: {} {unit} {action}\n", dl.days).replace("  \n", "\n").replace(" \n", "\n"));
    }
    for (label, list) in
        [("Authorization must state", &d.authorization_elements), ("Form", &d.form), ("Obligations", &d.obligations)]
    {
        if !list.is_empty() {
            out.push_str(&format!("{label}: {}\n", list.join(", ")));
        }
    }
    if let Some(days) = d.max_validity_days {
        out.push_str(&format!("An authorization may last at most {days} days.\n"));
    }
    out
}

fn level_words(level: Level) -> &'static str {
    match level {
        Level::Allowed => "allowed without the individual's permission",
        Level::AllowedUnlessObjects => "allowed unless the individual objects, after a chance to agree or object",
        Level::Authorization => "allowed with a written authorization",
        Level::SpecificAuthorization => {
            "allowed only with a specific written authorization; a general release is not enough"
        }
        Level::CourtOrderOnly => "allowed only under a court order",
        Level::Prohibited => "prohibited: no consent or order makes it lawful",
    }
}
