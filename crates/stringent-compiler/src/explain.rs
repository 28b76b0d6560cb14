//! `stringent explain`: a decision in prose a compliance officer can check against the
//! statutes — each layer's contribution with its citations, then the outcome — and the
//! exception tree of a rule.

use crate::model::Model;
use serde::Serialize;
use stringent_policy::artifact::Role;
use stringent_policy::{Action, Basis, DayUnit, Decision, Level};

/// An explained decision: the same facts as the decision, in sentences.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation {
    pub question: String,
    pub chain: Vec<String>,
    pub as_of: String,
    pub layers: Vec<LayerExplanation>,
    pub answer: Vec<String>,
    pub decision: Decision,
}

#[derive(Debug, Clone, Serialize)]
pub struct LayerExplanation {
    pub layer: String,
    pub lines: Vec<String>,
}

/// Explain a decision, layer by layer.
pub fn explanation(d: &Decision) -> Explanation {
    let question = format!(
        "may the {} disclose {} information for {} to the {} (subject: {})?",
        d.holder,
        d.category.join(" + "),
        d.purpose,
        d.recipient,
        d.subject
    );
    let layers = d
        .chain
        .iter()
        .map(|layer| {
            let mut lines: Vec<String> = d
                .provenance
                .iter()
                .filter(|p| &p.layer == layer)
                .map(|p| {
                    let dims: Vec<&str> = p.dimensions.iter().map(|x| x.as_str()).collect();
                    let what = match p.role {
                        Role::Won => format!("decides {}", dims.join(", ")),
                        Role::Met => format!("applies, but a stricter rule decides {}", dims.join(", ")),
                        Role::Excepted => "is set aside here: a rule of its layer is an exception to it".to_owned(),
                        Role::Preempted => {
                            "is preempted here: federal law requires or forbids this disclosure (45 CFR 160.203; 42 CFR 2.20)".to_owned()
                        }
                        Role::Deferred => "is the federal default where state law is silent; state law speaks here (45 CFR 164.502(g)(3)(ii))".to_owned(),
                        Role::Inactive => "would apply but is not in effect on this date".to_owned(),
                    };
                    let scope = p.for_category.as_ref().map(|c| format!(" [for {c}]")).unwrap_or_default();
                    format!("{} \"{}\" ({}; {}){scope} {what}.", p.rule, p.title, p.citation, p.confidence)
                })
                .collect();
            if lines.is_empty() {
                lines.push("no rule of this layer applies; it adds nothing to the layers above.".to_owned());
            }
            LayerExplanation { layer: layer.clone(), lines }
        })
        .collect();
    Explanation {
        question,
        chain: d.chain.clone(),
        as_of: d.as_of.clone(),
        layers,
        answer: answer(d),
        decision: d.clone(),
    }
}

fn answer(d: &Decision) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(line) = ungoverned(d) {
        out.push(line);
    }
    let mut first = level_words(d.level).to_owned();
    if d.bases.contains(&Basis::CourtOrder) && d.level > Level::AllowedUnlessObjects && d.level != Level::CourtOrderOnly
    {
        first.push_str("; a court order also suffices");
    }
    out.push(first + ".");
    if d.mandatory {
        out.push("The disclosure is mandatory: it must be made when asked.".to_owned());
    }
    for dl in &d.deadlines {
        let unit = match dl.unit {
            DayUnit::CalendarDays => "calendar days",
            DayUnit::BusinessDays => "business days",
        };
        let action = match dl.action {
            Action::Inspect => " for inspection",
            Action::Copy => " for copies",
            Action::Any => "",
        };
        out.push(format!("Deadline: {} {unit}{action}.", dl.days));
    }
    for (label, list) in
        [("Authorization must state", &d.authorization_elements), ("Form", &d.form), ("Obligations", &d.obligations)]
    {
        if !list.is_empty() {
            out.push(format!("{label}: {}.", list.join(", ")));
        }
    }
    if let Some(days) = d.max_validity_days {
        out.push(format!("An authorization may last at most {days} days."));
    }
    out
}

/// Explain a decision in prose.
pub fn explain(d: &Decision) -> String {
    let e = explanation(d);
    let mut out = format!("Question: {}\nChain: {} (as of {})\n\n", e.question, e.chain.join(" → "), e.as_of);
    for l in &e.layers {
        out.push_str(&format!("{}:\n", l.layer));
        for line in &l.lines {
            out.push_str(&format!("  - {line}\n"));
        }
    }
    let axes = format!("{} / {} / {} / {} / {}", d.category.join("+"), d.purpose, d.recipient, d.subject, d.holder);
    out.push_str(&format!("\nAnswer for {axes}: {}\n", e.answer.join("\n")));
    out
}

/// The sentence that says no encoded law reaches the question, or some of its categories:
/// the level that follows is then what nothing restricts, not what a law permits.
pub fn ungoverned(d: &Decision) -> Option<String> {
    if d.governed {
        return None;
    }
    let what =
        if d.ungoverned_categories.is_empty() { d.category.join(" + ") } else { d.ungoverned_categories.join(" + ") };
    Some(format!(
        "No rule in {} governs a {}'s disclosure of {what} information for {} to the {}: nothing encoded reaches this question, so what follows is not a legal permission.",
        d.chain.join(" → "),
        d.holder,
        d.purpose,
        d.recipient
    ))
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

/// How deep `explain --rule` follows exceptions; deeper chains are cut off.
pub const MAX_TREE_DEPTH: usize = 200;

/// A rule in the exception tree, with what it excepts or what excepts it below it.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionNode {
    pub rule: String,
    pub layer: String,
    pub title: String,
    pub citation: String,
    pub children: Vec<ExceptionNode>,
}

/// The exception tree of a rule, like `catala exceptions`: the rules it is an exception
/// to (transitively), and the rules that are exceptions to it (transitively).
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionTree {
    pub rule: ExceptionNode,
    pub excepts: Vec<ExceptionNode>,
    pub excepted_by: Vec<ExceptionNode>,
}

pub fn exception_tree(model: &Model, rule: usize) -> Option<ExceptionTree> {
    let node = |r: usize, children: Vec<ExceptionNode>| {
        model.rules.get(r).map(|x| ExceptionNode {
            rule: x.id.clone(),
            layer: model.layers.get(x.layer).map(|l| l.id.clone()).unwrap_or_default(),
            title: x.title.clone(),
            citation: x.citations.join("; "),
            children,
        })
    };
    // Exception edges are acyclic after the model's checks; `seen` guards regardless.
    fn walk(
        model: &Model,
        r: usize,
        down: bool,
        seen: &mut Vec<usize>,
        node: &dyn Fn(usize, Vec<ExceptionNode>) -> Option<ExceptionNode>,
    ) -> Vec<ExceptionNode> {
        let next: Vec<usize> = if down {
            model.rules.get(r).map(|x| x.excepts.clone()).unwrap_or_default()
        } else {
            model.rules.iter().enumerate().filter(|(_, x)| x.excepts.contains(&r)).map(|(i, _)| i).collect()
        };
        next.into_iter()
            .filter_map(|n| {
                if seen.contains(&n) {
                    return None;
                }
                seen.push(n);
                let children = walk(model, n, down, seen, node);
                node(n, children)
            })
            .collect()
    }
    Some(ExceptionTree {
        rule: node(rule, Vec::new())?,
        excepts: walk(model, rule, true, &mut vec![rule], &node),
        excepted_by: walk(model, rule, false, &mut vec![rule], &node),
    })
}

/// The exception tree as indented text.
pub fn render_exception_tree(t: &ExceptionTree) -> String {
    fn lines(nodes: &[ExceptionNode], depth: usize, out: &mut String) {
        for n in nodes {
            out.push_str(&format!("{}{} [{}] {} ({})\n", "  ".repeat(depth), n.rule, n.layer, n.title, n.citation));
            lines(&n.children, depth + 1, out);
        }
    }
    let r = &t.rule;
    let mut out = format!("{} [{}] {} ({})\n", r.rule, r.layer, r.title, r.citation);
    out.push_str("is an exception to:\n");
    if t.excepts.is_empty() {
        out.push_str("  nothing\n");
    }
    lines(&t.excepts, 1, &mut out);
    out.push_str("is excepted by:\n");
    if t.excepted_by.is_empty() {
        out.push_str("  nothing\n");
    }
    lines(&t.excepted_by, 1, &mut out);
    out
}
