//! The answer to a question, as `stringent decide` prints it and other tools read it.
//!
//! A [`Decision`] borrows what it repeats from the loaded policy — citations, titles, the
//! requirement's lists, the echoed value ids — so that answering costs a few allocations,
//! not one per string (BENCHMARKS.md §3); [`Decision::into_owned`] detaches it from the
//! policy for a caller that keeps it longer.

use crate::artifact::{AXES, CATEGORY_AXIS, Involvement, RequirementRecord, Role, WayRecord};
use crate::lattice::{Basis, Deadline, Dimension, Level, Requirement};
use crate::load::{LoadedPolicy, Question, QuestionError};
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

/// A decided question: the requirement, and the rules that decided it with their citations.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision<'a> {
    /// The jurisdiction answered for (`US-CA`, `US-CA+US-NV`).
    pub jurisdiction: Cow<'a, str>,
    /// The layer ids whose law the answer includes, federal first.
    pub chain: Cow<'a, [String]>,
    /// The date the answer holds for, `YYYY-MM-DD`.
    pub as_of: Cow<'a, str>,
    /// The question's categories, as asked.
    pub category: Vec<Cow<'a, str>>,
    /// The question's purpose, as asked.
    pub purpose: Cow<'a, str>,
    /// The question's recipient, as asked.
    pub recipient: Cow<'a, str>,
    /// The question's subject, as asked (default `adult`).
    pub subject: Cow<'a, str>,
    /// The question's holder, as asked (default `provider`).
    pub holder: Cow<'a, str>,
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
    pub ungoverned_categories: Vec<Cow<'a, str>>,
    /// The bases that suffice alone, with no other instrument and no condition.
    pub bases: Cow<'a, [Basis]>,
    /// Every way that makes the disclosure lawful, any one sufficing: the bases it needs
    /// together and the conditions under which it holds. `level` reads only the ways that
    /// need no condition; a tool that knows the facts can read the others.
    pub ways: Cow<'a, [WayRecord]>,
    /// The law requires the disclosure, not only permits it.
    pub mandatory: bool,
    /// Time limits to act, none dominating another.
    pub deadlines: Cow<'a, [Deadline]>,
    /// Ids of the elements an authorization must contain.
    pub authorization_elements: Cow<'a, [String]>,
    /// Ids of the constraints on the authorization's form.
    pub form: Cow<'a, [String]>,
    /// Ids of the duties that ride along with the disclosure.
    pub obligations: Cow<'a, [String]>,
    /// The longest an authorization may stay valid, in days; absent when no rule limits it.
    pub max_validity_days: Option<u32>,
    /// Every rule that matched, with its role and citation: why the answer is what it is.
    pub provenance: Vec<ProvenanceEntry<'a>>,
    /// The layers of the chain whose declared history (`history from`) begins after `as_of`:
    /// the answer may miss law of theirs that was in force then (docs/semantics.md,
    /// "History"). A layer that declares no date is not listed; `stringent coverage` fails
    /// on it instead.
    #[serde(default, skip_serializing_if = "<[HistoryGap]>::is_empty")]
    pub history_incomplete: Cow<'a, [HistoryGap]>,
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
pub struct ProvenanceEntry<'a> {
    /// The rule's id.
    pub rule: Cow<'a, str>,
    /// The jurisdiction whose rule it is.
    pub layer: Cow<'a, str>,
    /// Its title for people.
    pub title: Cow<'a, str>,
    /// Every citation joined with `; `, for one line of text.
    pub citation: Cow<'a, str>,
    /// Every citation of the rule.
    pub citations: Cow<'a, [String]>,
    /// How the encoding was checked: `verified`, `secondary`, `recalled` or `unverified`.
    pub confidence: Cow<'a, str>,
    /// Where the text of the law was read, when the rule names it.
    pub source: Option<Cow<'a, str>>,
    /// Whether it decided, was met, excepted, preempted, deferred or not in force.
    pub role: Role,
    /// The dimensions the role applies to.
    pub dimensions: Cow<'a, [Dimension]>,
    /// The category this entry was decided for, when the question named several.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub for_category: Option<Cow<'a, str>>,
}

impl Decision<'_> {
    /// The same decision, owning everything it holds: for a caller that keeps it after the
    /// policy it came from is gone.
    pub fn into_owned(self) -> Decision<'static> {
        Decision {
            jurisdiction: owned(self.jurisdiction),
            chain: Cow::Owned(self.chain.into_owned()),
            as_of: owned(self.as_of),
            category: self.category.into_iter().map(owned).collect(),
            purpose: owned(self.purpose),
            recipient: owned(self.recipient),
            subject: owned(self.subject),
            holder: owned(self.holder),
            level: self.level,
            governed: self.governed,
            ungoverned_categories: self.ungoverned_categories.into_iter().map(owned).collect(),
            bases: Cow::Owned(self.bases.into_owned()),
            ways: Cow::Owned(self.ways.into_owned()),
            mandatory: self.mandatory,
            deadlines: Cow::Owned(self.deadlines.into_owned()),
            authorization_elements: Cow::Owned(self.authorization_elements.into_owned()),
            form: Cow::Owned(self.form.into_owned()),
            obligations: Cow::Owned(self.obligations.into_owned()),
            max_validity_days: self.max_validity_days,
            provenance: self.provenance.into_iter().map(ProvenanceEntry::into_owned).collect(),
            history_incomplete: Cow::Owned(self.history_incomplete.into_owned()),
            law_unread: self.law_unread,
        }
    }
}

impl ProvenanceEntry<'_> {
    /// The same entry, owning its strings.
    pub fn into_owned(self) -> ProvenanceEntry<'static> {
        ProvenanceEntry {
            rule: owned(self.rule),
            layer: owned(self.layer),
            title: owned(self.title),
            citation: owned(self.citation),
            citations: Cow::Owned(self.citations.into_owned()),
            confidence: owned(self.confidence),
            source: self.source.map(owned),
            role: self.role,
            dimensions: Cow::Owned(self.dimensions.into_owned()),
            for_category: self.for_category.map(owned),
        }
    }
}

fn owned(s: Cow<'_, str>) -> Cow<'static, str> {
    Cow::Owned(s.into_owned())
}

impl LoadedPolicy {
    /// Answer a question: the meet over its categories, with provenance.
    ///
    /// One category reads its cell's stored requirement as it is; several are met
    /// (docs/semantics.md, "Records of several categories"), and each provenance entry
    /// then says which category it was decided for.
    pub fn decide(&self, q: &Question) -> Result<Decision<'_>, QuestionError> {
        if q.categories.is_empty() {
            return Err(QuestionError::NoCategory);
        }
        let policy = self.policy();
        let asked = q.by_axis();
        // Positions in axis order, so that the first unknown value is the one reported.
        let mut point = [0u32; AXES.len()];
        for id in &q.categories {
            self.value_position(CATEGORY_AXIS, id)?;
        }
        for (axis, ids) in asked.iter().enumerate().filter(|(axis, _)| *axis != CATEGORY_AXIS) {
            let (Some(slot), Some(id)) = (point.get_mut(axis), ids.first()) else {
                continue;
            };
            *slot = self.value_position(axis, id)?;
        }
        let several = q.categories.len() > 1;
        let conditions = &policy.vocabulary.conditions;
        let mut one: Option<&RequirementRecord> = None;
        let mut met: Option<Requirement<String>> = None;
        let mut provenance = Vec::new();
        let mut ungoverned = Vec::new();
        let mut category_ids = Vec::with_capacity(q.categories.len());
        // Every category was found above.
        for category in q.categories.iter().filter_map(|id| self.value_index(CATEGORY_AXIS, id)) {
            let category_id = self.value_id(CATEGORY_AXIS, category).unwrap_or_default();
            category_ids.push(Cow::Borrowed(category_id));
            if let Some(slot) = point.get_mut(CATEGORY_AXIS) {
                *slot = category;
            }
            let Some([requirement, provenance_index]) = self.entry(&point) else {
                continue;
            };
            if let Some(record) = policy.requirements.get(requirement as usize) {
                if several {
                    let req = record.requirement(conditions);
                    met = Some(match met {
                        Some(m) => m.meet(&req),
                        None => req,
                    });
                } else {
                    one = Some(record);
                }
            }
            let involvements = policy.provenance.get(provenance_index as usize).map_or(&[][..], Vec::as_slice);
            provenance.reserve(involvements.len());
            if !involvements.iter().any(|inv| inv.role != Role::Inactive) {
                ungoverned.push(Cow::Borrowed(category_id));
            }
            let for_category = several.then_some(category_id);
            provenance.extend(involvements.iter().filter_map(|inv| self.provenance_entry(inv, for_category)));
        }
        // A meet past the bound keeps fewer ways than the law's: stricter, but not the
        // answer, and the compiler's E0400 guards only the cells of one category.
        if met.as_ref().is_some_and(|m| m.permission.overflowed()) {
            return Err(QuestionError::TooManyWays);
        }
        let record: Cow<'_, RequirementRecord> = match one {
            Some(record) => Cow::Borrowed(record),
            None => Cow::Owned(RequirementRecord::new(&met.unwrap_or_default(), conditions)),
        };
        let (level, mandatory, max_validity_days) = (record.level, record.mandatory, record.max_validity_days);
        let (bases, ways, deadlines, authorization_elements, form, obligations) = match record {
            Cow::Borrowed(r) => (
                Cow::Borrowed(&r.bases[..]),
                Cow::Borrowed(&r.ways[..]),
                Cow::Borrowed(&r.deadlines[..]),
                Cow::Borrowed(&r.authorization_elements[..]),
                Cow::Borrowed(&r.form[..]),
                Cow::Borrowed(&r.obligations[..]),
            ),
            Cow::Owned(r) => (
                Cow::Owned(r.bases),
                Cow::Owned(r.ways),
                Cow::Owned(r.deadlines),
                Cow::Owned(r.authorization_elements),
                Cow::Owned(r.form),
                Cow::Owned(r.obligations),
            ),
        };
        let echo =
            |axis: usize| Cow::Borrowed(point.get(axis).and_then(|p| self.value_id(axis, *p)).unwrap_or_default());
        let [_, purpose, recipient, subject, holder] = std::array::from_fn(echo);
        Ok(Decision {
            jurisdiction: Cow::Borrowed(policy.jurisdiction()),
            chain: Cow::Borrowed(self.chain_ids()),
            as_of: Cow::Borrowed(&policy.as_of),
            category: category_ids,
            purpose,
            recipient,
            subject,
            holder,
            level,
            governed: ungoverned.is_empty(),
            ungoverned_categories: if several { ungoverned } else { Vec::new() },
            bases,
            ways,
            mandatory,
            deadlines,
            authorization_elements,
            form,
            obligations,
            max_validity_days,
            provenance,
            history_incomplete: Cow::Borrowed(self.history_gaps()),
            law_unread: UnreadLaw::of(&policy.chain, q),
        })
    }

    fn provenance_entry<'a>(
        &'a self,
        inv: &'a Involvement,
        for_category: Option<&'a str>,
    ) -> Option<ProvenanceEntry<'a>> {
        let rule = self.policy().rules.get(inv.rule as usize)?;
        Some(ProvenanceEntry {
            rule: Cow::Borrowed(&rule.id),
            layer: Cow::Borrowed(&rule.layer),
            title: Cow::Borrowed(&rule.title),
            citation: Cow::Borrowed(self.joined_citation(inv.rule as usize)),
            citations: Cow::Borrowed(&rule.citations),
            confidence: Cow::Borrowed(&rule.confidence),
            source: rule.source.as_deref().map(Cow::Borrowed),
            role: inv.role,
            dimensions: Cow::Borrowed(&inv.dimensions),
            for_category: for_category.map(Cow::Borrowed),
        })
    }
}
