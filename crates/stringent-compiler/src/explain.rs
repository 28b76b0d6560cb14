//! `stringent explain`: a decision in prose a compliance officer can check against the
//! statutes — each layer's contribution with its citations, then the outcome — and the
//! exception tree of a rule.

use crate::model::Model;
use serde::Serialize;
use stringent_policy::artifact::{Role, describe_ways};
use stringent_policy::{Action, DayUnit, Decision, Level};

/// An explained decision: the same facts as the decision, in sentences.
#[derive(Debug, Clone, Serialize)]
pub struct Explanation<'a> {
    pub question: String,
    pub chain: Vec<String>,
    pub as_of: String,
    pub layers: Vec<LayerExplanation>,
    pub answer: Vec<String>,
    pub decision: Decision<'a>,
}

#[derive(Debug, Clone, Serialize)]
pub struct LayerExplanation {
    pub layer: String,
    pub lines: Vec<String>,
}

/// Explain a decision, layer by layer.
pub fn explanation<'a>(d: &Decision<'a>) -> Explanation<'a> {
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
                .filter(|p| *p.layer == **layer)
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
        chain: d.chain.to_vec(),
        as_of: d.as_of.to_string(),
        layers,
        answer: answer(d),
        decision: d.clone(),
    }
}

fn answer(d: &Decision<'_>) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(line) = ungoverned(d) {
        out.push(line);
    }
    if let Some(line) = history_gap(d) {
        out.push(line);
    }
    if let Some(line) = unread_law(d) {
        out.push(line);
    }
    let conditional = d.ways.iter().any(|w| !w.conditions.is_empty());
    let first = if d.level == Level::Prohibited && conditional {
        "prohibited unless a condition below holds".to_owned()
    } else {
        level_words(d.level).to_owned()
    };
    out.push(first + ".");
    // The level names the weakest unconditional way; say every way when there is more
    // than that one (docs/semantics.md, "Permission as ways").
    let plain = d.ways.len() == 1 && d.ways.iter().all(|w| w.conditions.is_empty() && w.bases.len() == 1);
    if !d.ways.is_empty() && !plain {
        out.push(format!("Any one of these ways suffices: {}.", describe_ways(&d.ways).replace(" or ", "; or ")));
    }
    if d.mandatory {
        out.push("The disclosure is mandatory: it must be made when asked.".to_owned());
    }
    for dl in d.deadlines.iter() {
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
pub fn explain(d: &Decision<'_>) -> String {
    let e = explanation(d);
    // A combination (`US-CA+US-NV`) is several chains, not one: its layers are listed, not
    // chained, lest US-NV read as standing under US-CA.
    let chain = match e.decision.jurisdiction.split_once('+') {
        Some(_) => format!(
            "Chains: {} (a disclosure that must satisfy each; layers {})",
            e.decision.jurisdiction.split('+').collect::<Vec<_>>().join(" and "),
            e.chain.join(", ")
        ),
        None => format!("Chain: {}", e.chain.join(" → ")),
    };
    let mut out = format!("Question: {}\n{chain} (as of {})\n\n", e.question, e.as_of);
    for l in &e.layers {
        out.push_str(&format!("{}:\n", l.layer));
        for line in &l.lines {
            out.push_str(&format!("  - {line}\n"));
        }
    }
    let category = d.category.join(" + ");
    let axes = stringent_policy::cell_label([
        ("category", category.as_str()),
        ("purpose", &*d.purpose),
        ("recipient", &*d.recipient),
        ("subject", &*d.subject),
        ("holder", &*d.holder),
    ]);
    out.push_str(&format!("\nAnswer for {axes}: {}\n", e.answer.join("\n")));
    out
}

/// The sentence that says no encoded law reaches the question, or some of its categories:
/// the level that follows is then what nothing restricts, not what a law permits.
pub fn ungoverned(d: &Decision<'_>) -> Option<String> {
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

/// The sentence that says the answer may miss law in force on its date, because a layer's
/// encoded history does not reach back that far (docs/semantics.md, "History").
pub fn history_gap(d: &Decision<'_>) -> Option<String> {
    if d.history_incomplete.is_empty() {
        return None;
    }
    let layers: Vec<String> =
        d.history_incomplete.iter().map(|g| format!("{} from {}", g.layer, g.complete_from)).collect();
    Some(format!(
        "The history encoded is complete only for {}: as of {} this answer may miss law then in force.",
        layers.join(", "),
        d.as_of
    ))
}

/// The sentence that says the answer may be looser than a law the chain's layers declare
/// they have not read (docs/semantics.md, "Silences and gaps").
pub fn unread_law(d: &Decision<'_>) -> Option<String> {
    if d.law_unread.is_empty() {
        return None;
    }
    let gaps: Vec<String> = d.law_unread.iter().map(|u| format!("{} on {} ({})", u.layer, u.topic, u.note)).collect();
    Some(format!(
        "Law not read: {}. This answer may be looser than that law; check it before relying on it.",
        gaps.join("; ")
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
        Level::LegalProcess => "allowed only with legal process: a subpoena or an administrative request",
        Level::CourtOrderOnly => "allowed only under a court order",
        Level::Prohibited => "prohibited: no consent or order makes it lawful",
    }
}

/// How deep `explain --rule` follows exceptions; deeper levels are counted, not shown.
pub const MAX_TREE_DEPTH: usize = crate::limits::MAX_EXPLAIN_DEPTH;

/// A rule in the exception tree, with what it excepts or what excepts it below it.
#[derive(Debug, Clone, Serialize)]
pub struct ExceptionNode {
    pub rule: String,
    pub layer: String,
    pub title: String,
    pub citation: String,
    pub children: Vec<ExceptionNode>,
    /// Levels below this node left out at [`MAX_TREE_DEPTH`]: the longest chain beneath it.
    #[serde(skip_serializing_if = "is_zero")]
    pub more_levels: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
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
    let n = model.rules.len();
    let down: Vec<&[usize]> = model.rules.iter().map(|r| r.excepts.as_slice()).collect();
    // Who excepts each rule, in rule order, built once.
    let mut up: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (i, r) in model.rules.iter().enumerate() {
        for e in &r.excepts {
            if let Some(list) = up.get_mut(*e) {
                list.push(i);
            }
        }
    }
    let up: Vec<&[usize]> = up.iter().map(Vec::as_slice).collect();
    Some(ExceptionTree {
        rule: node(model, rule, Vec::new(), 0)?,
        excepts: walk(model, rule, &down),
        excepted_by: walk(model, rule, &up),
    })
}

fn node(model: &Model, r: usize, children: Vec<ExceptionNode>, more_levels: usize) -> Option<ExceptionNode> {
    model.rules.get(r).map(|x| ExceptionNode {
        rule: x.id.clone(),
        layer: model.layers.get(x.layer).map(|l| l.id.clone()).unwrap_or_default(),
        title: x.title.clone(),
        citation: x.citations.join("; "),
        children,
        more_levels,
    })
}

/// The tree below `root` along `next`, depth first, each rule once, with an explicit
/// stack (a chain of ten thousand exceptions must not exhaust the call stack) and cut at
/// [`MAX_TREE_DEPTH`] levels.
fn walk(model: &Model, root: usize, next: &[&[usize]]) -> Vec<ExceptionNode> {
    struct Visit {
        rule: usize,
        children: Vec<usize>,
        more_levels: usize,
    }
    let mut seen = vec![false; next.len()];
    if let Some(s) = seen.get_mut(root) {
        *s = true;
    }
    let mut heights: Option<Vec<usize>> = None;
    let mut visits: Vec<Visit> = Vec::new();
    let mut top: Vec<usize> = Vec::new();
    // (the visit the children go to, the rule whose children they are, the next child, depth)
    let mut stack: Vec<(Option<usize>, usize, usize, usize)> = vec![(None, root, 0, 0)];
    while let Some(&mut (parent, rule, ref mut at, depth)) = stack.last_mut() {
        let child = next.get(rule).and_then(|c| c.get(*at)).copied();
        *at += 1;
        let Some(child) = child else {
            stack.pop();
            continue;
        };
        if seen.get(child) != Some(&false) {
            continue;
        }
        if let Some(s) = seen.get_mut(child) {
            *s = true;
        }
        let index = visits.len();
        let more_levels = if depth + 1 >= MAX_TREE_DEPTH {
            let h = heights.get_or_insert_with(|| chain_heights(next));
            h.get(child).copied().unwrap_or(1).saturating_sub(1)
        } else {
            0
        };
        visits.push(Visit { rule: child, children: Vec::new(), more_levels });
        match parent.and_then(|p| visits.get_mut(p)) {
            Some(p) => p.children.push(index),
            None => top.push(index),
        }
        if more_levels == 0 && depth + 1 < MAX_TREE_DEPTH {
            stack.push((Some(index), child, 0, depth + 1));
        }
    }
    // Children are visited after their parent: build the nodes from the last visit back.
    let mut built: Vec<Option<ExceptionNode>> = vec![None; visits.len()];
    for (i, v) in visits.iter().enumerate().rev() {
        let children = v.children.iter().filter_map(|c| built.get_mut(*c).and_then(Option::take)).collect();
        if let Some(slot) = built.get_mut(i) {
            *slot = node(model, v.rule, children, v.more_levels);
        }
    }
    top.iter().filter_map(|i| built.get_mut(*i).and_then(Option::take)).collect()
}

/// Per rule: the rules in the longest chain it heads along `next` (itself included),
/// memoised with an explicit stack; an edge back into the walk under way is not followed.
fn chain_heights(next: &[&[usize]]) -> Vec<usize> {
    let n = next.len();
    let mut height = vec![0usize; n];
    let mut on_walk = vec![false; n];
    for start in 0..n {
        if height.get(start) != Some(&0) {
            continue;
        }
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        if let Some(w) = on_walk.get_mut(start) {
            *w = true;
        }
        while let Some(&mut (rule, ref mut at)) = stack.last_mut() {
            let succ = next.get(rule).and_then(|c| c.get(*at)).copied();
            *at += 1;
            match succ {
                Some(s) if height.get(s) == Some(&0) && on_walk.get(s) == Some(&false) => {
                    if let Some(w) = on_walk.get_mut(s) {
                        *w = true;
                    }
                    stack.push((s, 0));
                }
                Some(_) => {}
                None => {
                    let below =
                        next.get(rule).map(|c| c.iter().filter_map(|s| height.get(*s)).copied().max().unwrap_or(0));
                    if let Some(h) = height.get_mut(rule) {
                        *h = below.unwrap_or(0) + 1;
                    }
                    if let Some(w) = on_walk.get_mut(rule) {
                        *w = false;
                    }
                    stack.pop();
                }
            }
        }
    }
    height
}

/// The exception tree as indented text; levels beyond [`MAX_TREE_DEPTH`] are counted.
pub fn render_exception_tree(t: &ExceptionTree) -> String {
    // Recursion is bounded by the tree's depth, at most MAX_TREE_DEPTH.
    fn lines(nodes: &[ExceptionNode], depth: usize, out: &mut String) {
        for n in nodes {
            out.push_str(&format!("{}{} [{}] {} ({})\n", "  ".repeat(depth), n.rule, n.layer, n.title, n.citation));
            lines(&n.children, depth + 1, out);
            if n.more_levels > 0 {
                let s = if n.more_levels == 1 { "" } else { "s" };
                out.push_str(&format!(
                    "{}… {} more level{s} (explain shows {MAX_TREE_DEPTH})\n",
                    "  ".repeat(depth + 1),
                    n.more_levels
                ));
            }
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
