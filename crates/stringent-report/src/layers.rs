//! What one layer adds to the chain it extends: its answers compared with its parent
//! chain's, and what its rule files say of the topics it covers or declares silent.
//!
//! A layer's own rules can be a handful among the federal ones, and an organization's
//! policy answers like its state almost everywhere: a reviewer needs the difference, not
//! the whole table again.

use crate::html::esc;
use crate::matrix::{self, HOLDER, SUBJECT};
use crate::{LayerNotes, Site};
use std::fmt::Write as _;
use stringent_policy::LoadedPolicy;
use stringent_policy::artifact::{RequirementRecord, axis_position};
use stringent_policy::lattice::Dimension;
use stringent_policy::words::Word;

/// Rows of one category shown in the change table; the rest are counted.
const MAX_ROWS_PER_CATEGORY: usize = 200;

/// The site of the chain this one extends by one layer (`US-CA` for `org:clinic` under
/// it); `None` for the federal chain and for combined policies.
pub fn parent<'a>(site: &Site, sites: &'a [Site]) -> Option<&'a Site> {
    let chain = &site.policy.policy().chain;
    let parent_id = &chain.get(chain.len().checked_sub(2)?)?.id;
    sites.iter().find(|s| {
        let p = s.policy.policy();
        p.jurisdiction() == parent_id && p.chain.len() + 1 == chain.len()
    })
}

/// How one question's answer moved from the parent chain to this one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    Stricter,
    Looser,
    Mixed,
}

impl Change {
    fn as_str(self) -> &'static str {
        match self {
            Change::Stricter => "stricter",
            Change::Looser => "looser",
            Change::Mixed => "mixed",
        }
    }
}

/// One question (category × purpose × recipient, the matrix's subject and holder) whose
/// answer differs from the parent chain's.
pub struct ChangedQuestion<'a> {
    pub category: &'a str,
    pub purpose: &'a str,
    pub recipient: &'a str,
    pub parent: &'a RequirementRecord,
    pub here: &'a RequirementRecord,
    pub change: Change,
    /// The dimensions in which the two answers differ.
    pub dimensions: Vec<Dimension>,
}

/// Every question of the everyday case whose answer in `here` differs from `parent`'s,
/// in vocabulary order. Values one vocabulary lacks are skipped.
pub fn changes<'a>(parent: &'a LoadedPolicy, here: &'a LoadedPolicy) -> Vec<ChangedQuestion<'a>> {
    let mut out = Vec::new();
    let axes = &here.policy().vocabulary.axes;
    let values =
        |axis: &str| axis_position(axis).and_then(|a| axes.get(a)).map(|a| a.values.as_slice()).unwrap_or_default();
    let point = |p: &LoadedPolicy, category: &str, purpose: &str, recipient: &str| {
        matrix::point_of(
            p,
            &[
                ("category", category),
                ("purpose", purpose),
                ("recipient", recipient),
                ("subject", SUBJECT),
                ("holder", HOLDER),
            ],
        )
    };
    for category in values("category") {
        for purpose in values("purpose") {
            for recipient in values("recipient") {
                let (c, p, r) = (category.id.as_str(), purpose.id.as_str(), recipient.id.as_str());
                let (Some(a), Some(b)) = (point(parent, c, p, r), point(here, c, p, r)) else { continue };
                let (Some(old), Some(new)) = (parent.requirement(&a), here.requirement(&b)) else { continue };
                if old == new {
                    continue;
                }
                let (o, n) = (
                    old.requirement(&parent.policy().vocabulary.conditions),
                    new.requirement(&here.policy().vocabulary.conditions),
                );
                let change = match (n.at_least_as_strict_as(&o), o.at_least_as_strict_as(&n)) {
                    (true, _) => Change::Stricter,
                    (false, true) => Change::Looser,
                    (false, false) => Change::Mixed,
                };
                let dimensions = Dimension::ALL.into_iter().filter(|d| !n.same_in(*d, &o)).collect();
                out.push(ChangedQuestion {
                    dimensions,
                    category: &category.id,
                    purpose: &purpose.id,
                    recipient: &recipient.id,
                    parent: old,
                    here: new,
                    change,
                });
            }
        }
    }
    out
}

/// The section "What this layer changes": per category, the questions whose answer differs
/// from the parent chain's, marked stricter, looser or mixed.
pub fn changes_section(site: &Site, sites: &[Site]) -> String {
    let mut out = String::new();
    let p = site.policy.policy();
    let Some(layer) = p.chain.last() else { return out };
    let Some(parent) = parent(site, sites) else { return out };
    let parent_id = parent.policy.policy().jurisdiction();
    let changed = changes(&parent.policy, &site.policy);
    let _ = writeln!(
        out,
        "<section id=\"changes\" aria-labelledby=\"changes-heading\">\n<h2 id=\"changes-heading\">What {layer} changes \
         over {parent_id}</h2>\n<p>The questions (every category × purpose × recipient, about an adult \
         (<code>subject {SUBJECT}</code>), the record held by a provider (<code>holder {HOLDER}</code>)) whose answer \
         in this chain differs from the answer of <a href=\"{page}\">{parent_id}</a>, the chain without this layer: \
         <strong data-testid=\"changes-count\">{n}</strong> in all.</p>",
        layer = esc(&layer.id),
        parent_id = esc(parent_id),
        page = esc(&parent.page),
        n = changed.len(),
    );
    if changed.is_empty() {
        out.push_str("<p>None: this layer decides nothing differently in the everyday case.</p>\n</section>\n");
        return out;
    }
    for group in changed.chunk_by(|a, b| a.category == b.category) {
        let Some(first) = group.first() else { continue };
        let count = |k: Change| group.iter().filter(|c| c.change == k).count();
        let _ = writeln!(
            out,
            "<details class=\"changes\" data-testid=\"changes-category\" data-value=\"{c}\">\n<summary><code>{c}</code>: \
             {n} question{plural} ({s} stricter, {l} looser, {m} mixed)</summary>\n<div class=\"table-scroll\">\
             <table class=\"changes\"><thead><tr><th scope=\"col\">purpose</th><th scope=\"col\">recipient</th>\
             <th scope=\"col\">{parent_id}</th><th scope=\"col\">here</th><th scope=\"col\">change</th>\
             <th scope=\"col\">dimensions</th></tr></thead><tbody>",
            c = esc(first.category),
            n = group.len(),
            plural = if group.len() == 1 { "" } else { "s" },
            s = count(Change::Stricter),
            l = count(Change::Looser),
            m = count(Change::Mixed),
            parent_id = esc(parent_id),
        );
        for q in group.iter().take(MAX_ROWS_PER_CATEGORY) {
            let _ = writeln!(
                out,
                "<tr data-testid=\"change\" data-change=\"{change}\"><td><code>{purpose}</code></td>\
                 <td><code>{recipient}</code></td><td>{old}</td><td>{new}</td>\
                 <td class=\"change-{change}\">{change}</td><td>{dims}</td></tr>",
                change = q.change.as_str(),
                purpose = esc(q.purpose),
                recipient = esc(q.recipient),
                old = esc(q.parent.level.as_str()),
                new = esc(q.here.level.as_str()),
                dims = esc(&q.dimensions.iter().map(|d| d.keyword()).collect::<Vec<_>>().join(", ")),
            );
        }
        out.push_str("</tbody></table></div>\n");
        if group.len() > MAX_ROWS_PER_CATEGORY {
            let _ = writeln!(
                out,
                "<p class=\"meta\">… and {} more; ask the question form or <code>stringent diff</code> for them.</p>",
                group.len() - MAX_ROWS_PER_CATEGORY
            );
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
    out
}

/// The section "Topics covered and declared silent" from the layer's rule files.
pub fn coverage_section(notes: Option<&LayerNotes>) -> String {
    let Some(notes) = notes.filter(|n| !n.topics.is_empty() || !n.silences.is_empty()) else {
        return String::new();
    };
    let mut out = String::new();
    out.push_str(
        "<section id=\"coverage\" aria-labelledby=\"coverage-heading\">\n<h2 id=\"coverage-heading\">Topics covered \
         and declared silent</h2>\n<p>For each topic every state must address: whether this layer's rules speak to it \
         (with how well their citations were checked), declare that nothing stricter than federal law exists \
         (<code>silent</code>, with what was searched), or say nothing (<em>missing</em>: the answer is federal law \
         by default, not by a finding).</p>\n<table class=\"coverage\"><thead><tr><th scope=\"col\">topic</th>\
         <th scope=\"col\">status</th></tr></thead><tbody>\n",
    );
    for t in &notes.topics {
        let _ = writeln!(
            out,
            "<tr data-testid=\"topic\" data-value=\"{id}\"><th scope=\"row\">{title} <code>{id}</code></th>\
             <td class=\"topic-{kind}\">{status}</td></tr>",
            id = esc(&t.topic),
            title = esc(&t.title),
            kind = esc(t.kind.as_str()),
            status = esc(&t.status),
        );
    }
    out.push_str("</tbody></table>\n");
    for s in &notes.silences {
        let _ = writeln!(
            out,
            "<div class=\"silence\" data-testid=\"silence\" data-value=\"{topic}\">\n<h3>Silent on <code>{topic}</code>: \
             {claim}</h3>\n<dl class=\"facts\"><dt>Confidence</dt><dd><span class=\"confidence confidence-{conf}\">{conf}\
             </span></dd>\n<dt>Citations</dt><dd>{cites}</dd>\n<dt>Searched</dt><dd>{searched}</dd></dl>\n</div>",
            topic = esc(&s.topic),
            claim = esc(&s.claim),
            conf = esc(&s.confidence),
            cites = if s.citations.is_empty() {
                "<em>none given</em>".to_owned()
            } else {
                s.citations.iter().map(|c| esc(c)).collect::<Vec<_>>().join("; ")
            },
            searched = s.searched.iter().map(|c| esc(c)).collect::<Vec<_>>().join("<br>"),
        );
    }
    out.push_str("</section>\n");
    out
}
