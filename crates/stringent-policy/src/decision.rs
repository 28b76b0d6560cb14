//! The answer to a question, as `stringent decide` prints it and other tools read it.

use crate::artifact::{Involvement, RequirementRecord, Role, WayRecord};
use crate::lattice::{Basis, Deadline, Dimension, Level, Requirement};
use crate::load::{LoadedPolicy, Question, QuestionError};
use serde::{Deserialize, Serialize};

/// A decided question: the requirement, and the rules that decided it with their citations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// The jurisdiction answered for (`US-CA`, `US-CA+US-NV`).
    pub jurisdiction: String,
    /// The layer ids whose law the answer includes, federal first.
    pub chain: Vec<String>,
    /// The date the answer holds for, `YYYY-MM-DD`.
    pub as_of: String,
    /// The question's categories, as asked.
    pub category: Vec<String>,
    /// The question's purpose, as asked.
    pub purpose: String,
    /// The question's recipient, as asked.
    pub recipient: String,
    /// The question's subject, as asked (default `adult`).
    pub subject: String,
    /// The question's holder, as asked (default `provider`).
    pub holder: String,
    /// How much it takes to make the disclosure. Read it together with `governed`: where no
    /// rule governs the question, `allowed` means that nothing encoded restricts it, not that
    /// a law permits it.
    pub level: Level,
    /// Whether at least one rule in force, of some layer of the chain, reaches this question
    /// (for every category it names). `false` marks a question the encoded law does not
    /// reach at all — e.g. a consumer app outside HIPAA in a state with no consumer health
    /// data law (docs/semantics.md, "Governed answers").
    pub governed: bool,
    /// The categories of the question that no rule in force reaches, when it names several.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ungoverned_categories: Vec<String>,
    /// The bases that suffice alone, with no other instrument and no condition.
    pub bases: Vec<Basis>,
    /// Every way that makes the disclosure lawful, any one sufficing: the bases it needs
    /// together and the conditions under which it holds. `level` reads only the ways that
    /// need no condition; a tool that knows the facts can read the others.
    pub ways: Vec<WayRecord>,
    /// The law requires the disclosure, not only permits it.
    pub mandatory: bool,
    /// Time limits to act, none dominating another.
    pub deadlines: Vec<Deadline>,
    /// Ids of the elements an authorization must contain.
    pub authorization_elements: Vec<String>,
    /// Ids of the constraints on the authorization's form.
    pub form: Vec<String>,
    /// Ids of the duties that ride along with the disclosure.
    pub obligations: Vec<String>,
    /// The longest an authorization may stay valid, in days; absent when no rule limits it.
    pub max_validity_days: Option<u32>,
    /// Every rule that matched, with its role and citation: why the answer is what it is.
    pub provenance: Vec<ProvenanceEntry>,
    /// The layers of the chain whose declared history (`history from`) begins after `as_of`:
    /// the answer may miss law of theirs that was in force then (docs/semantics.md,
    /// "History"). A layer that declares no date is not listed; `stringent coverage` fails
    /// on it instead.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history_incomplete: Vec<HistoryGap>,
    /// The layers of the chain that declare they have not read their law on a topic that
    /// reaches a category of the question: the answer may be looser than that law
    /// (docs/semantics.md, "Silences and gaps"). Added in schema 2.1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub law_unread: Vec<UnreadLaw>,
}

/// A layer's declared gap that reaches the question.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct UnreadLaw {
    /// The layer's id.
    pub layer: String,
    /// The coverage topic not read.
    pub topic: String,
    /// What the layer says was not read.
    pub note: String,
}

impl UnreadLaw {
    /// The gaps of `chain` whose topics reach the question: on some axis the topic names,
    /// one of the question's values is among the topic's.
    pub fn of(chain: &[crate::artifact::LayerInfo], q: &crate::Question) -> Vec<UnreadLaw> {
        let asked = q.by_axis();
        let reached = |u: &crate::artifact::UnreadTopic| {
            u.reaches.iter().any(|r| {
                crate::artifact::axis_position(&r.axis)
                    .and_then(|a| asked.get(a))
                    .is_some_and(|ids| ids.iter().any(|id| r.values.contains(id)))
            })
        };
        chain
            .iter()
            .flat_map(|l| {
                l.unread.iter().filter(|u| reached(u)).map(|u| UnreadLaw {
                    layer: l.id.clone(),
                    topic: u.topic.clone(),
                    note: u.note.clone(),
                })
            })
            .collect()
    }
}

/// A layer whose encoded history begins after the date asked about.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HistoryGap {
    /// The layer's id.
    pub layer: String,
    /// The layer's `history from` date, `YYYY-MM-DD`.
    pub complete_from: String,
}

impl HistoryGap {
    /// The layers of `chain` whose declared history begins after `as_of` (`YYYY-MM-DD`
    /// strings compare as dates).
    pub fn of(chain: &[crate::artifact::LayerInfo], as_of: &str) -> Vec<HistoryGap> {
        chain
            .iter()
            .filter_map(|l| {
                let from = l.history_from.as_deref()?;
                (as_of < from).then(|| HistoryGap { layer: l.id.clone(), complete_from: from.to_owned() })
            })
            .collect()
    }
}

/// One rule's part in a decision, with what a reader needs to check it against the law.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProvenanceEntry {
    /// The rule's id.
    pub rule: String,
    /// The jurisdiction whose rule it is.
    pub layer: String,
    /// Its title for people.
    pub title: String,
    /// Every citation joined with `; `, for one line of text.
    pub citation: String,
    /// Every citation of the rule.
    pub citations: Vec<String>,
    /// How the encoding was checked: `verified`, `secondary`, `recalled` or `unverified`.
    pub confidence: String,
    /// Where the text of the law was read, when the rule names it.
    pub source: Option<String>,
    /// Whether it decided, was met, excepted, preempted, deferred or not in force.
    pub role: Role,
    /// The dimensions the role applies to.
    pub dimensions: Vec<Dimension>,
    /// The category this entry was decided for, when the question named several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_category: Option<String>,
}

impl LoadedPolicy {
    /// Answer a question: the meet over its categories, with provenance.
    pub fn decide(&self, q: &Question) -> Result<Decision, QuestionError> {
        let points = self.points(q)?;
        let policy = self.policy();
        let mut met: Option<Requirement<String>> = None;
        let mut provenance = Vec::new();
        let mut ungoverned = Vec::new();
        for (point, category) in points.iter().zip(&q.categories) {
            let Some([requirement, provenance_index]) = self.entry(point) else {
                continue;
            };
            if let Some(record) = policy.requirements.get(requirement as usize) {
                let req = record.requirement(&policy.vocabulary.conditions);
                met = Some(match met {
                    Some(m) => m.meet(&req),
                    None => req,
                });
            }
            let involvements = policy.provenance.get(provenance_index as usize).map_or(&[][..], Vec::as_slice);
            if !involvements.iter().any(|inv| inv.role != Role::Inactive) {
                ungoverned.push(category.clone());
            }
            let for_category = (q.categories.len() > 1).then(|| category.clone());
            provenance.extend(involvements.iter().filter_map(|inv| self.provenance_entry(inv, for_category.clone())));
        }
        let record = RequirementRecord::new(&met.unwrap_or_default(), &policy.vocabulary.conditions);
        Ok(Decision {
            jurisdiction: policy.jurisdiction().to_owned(),
            chain: policy.chain.iter().map(|l| l.id.clone()).collect(),
            as_of: policy.as_of.clone(),
            category: q.categories.clone(),
            purpose: q.purpose.clone(),
            recipient: q.recipient.clone(),
            subject: q.subject.clone(),
            holder: q.holder.clone(),
            level: record.level,
            governed: ungoverned.is_empty(),
            ungoverned_categories: if q.categories.len() > 1 { ungoverned } else { Vec::new() },
            bases: record.bases,
            ways: record.ways,
            mandatory: record.mandatory,
            deadlines: record.deadlines,
            authorization_elements: record.authorization_elements,
            form: record.form,
            obligations: record.obligations,
            max_validity_days: record.max_validity_days,
            provenance,
            history_incomplete: HistoryGap::of(&policy.chain, &policy.as_of),
            law_unread: UnreadLaw::of(&policy.chain, q),
        })
    }

    fn provenance_entry(&self, inv: &Involvement, for_category: Option<String>) -> Option<ProvenanceEntry> {
        let rule = self.policy().rules.get(inv.rule as usize)?;
        Some(ProvenanceEntry {
            rule: rule.id.clone(),
            layer: rule.layer.clone(),
            title: rule.title.clone(),
            citation: rule.citations.join("; "),
            citations: rule.citations.clone(),
            confidence: rule.confidence.clone(),
            source: rule.source.clone(),
            role: inv.role,
            dimensions: inv.dimensions.clone(),
            for_category,
        })
    }
}
