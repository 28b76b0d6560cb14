//! HL7 security labels for a decision, so systems built on FHIR and DS4P can act on it:
//! the sensitivity codes of the record's categories, the purpose-of-use code, the
//! confidentiality code, and the obligation codes that ride along.

use crate::artifact::{Policy, axis_position};
use crate::decision::Decision;
use serde::Serialize;

/// HL7 v3 code systems, as FHIR names them.
pub const ACT_CODE: &str = "http://terminology.hl7.org/CodeSystem/v3-ActCode";
/// Purpose-of-use codes (`HRESCH`, `ETREAT`, …).
pub const ACT_REASON: &str = "http://terminology.hl7.org/CodeSystem/v3-ActReason";
/// Confidentiality codes: `R` when a sensitivity code applies.
pub const CONFIDENTIALITY: &str = "http://terminology.hl7.org/CodeSystem/v3-Confidentiality";
/// stringent's own code system for what HL7 has no code for: an answer that no encoded
/// rule governs (docs/semantics.md, "Governed answers").
pub const GOVERNANCE: &str = "urn:stringent:governance";

/// A FHIR `Coding`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Coding {
    /// The code system's URI: a code means nothing without it.
    pub system: String,
    /// The code within `system`, what a consuming system matches on.
    pub code: String,
    /// The code's name, for people reading the labels.
    pub display: String,
}

/// The security labels of a decision, shaped as a FHIR R4 `Meta` (its `security` list).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SecurityLabels {
    /// Sorted and without repeats, so the same decision gives the same bytes.
    pub security: Vec<Coding>,
}

/// The labels that apply to a decision made from `policy`: each category's codes and its
/// ancestors' (a psychotherapy note is also mental-health information), the purpose's,
/// the obligations', and confidentiality `R` (restricted) when any sensitivity code
/// applies, `N` (normal) otherwise; and, for an answer no rule governs, the code
/// `ungoverned` of [`GOVERNANCE`], so that a FHIR consumer cannot read it as a permission.
pub fn security_labels(policy: &Policy, d: &Decision<'_>) -> SecurityLabels {
    let axes = &policy.vocabulary.axes;
    let mut security: Vec<Coding> = Vec::new();
    let coding = |system: &str, code: &str, display: &str| Coding {
        system: system.to_owned(),
        code: code.to_owned(),
        display: display.to_owned(),
    };
    let axis = |name: &str| axis_position(name).and_then(|i| axes.get(i));
    if let Some(categories) = axis("category") {
        for c in &d.category {
            let mut at = categories.values.iter().find(|v| &v.id == c);
            // The loader refuses a cycle; the bound keeps this loop finite regardless.
            for _ in 0..categories.values.len() {
                let Some(v) = at else { break };
                security.extend(v.hl7.iter().map(|code| coding(ACT_CODE, code, &v.title)));
                at = v.parent.as_ref().and_then(|p| categories.values.iter().find(|w| &w.id == p));
            }
        }
    }
    let sensitive = !security.is_empty();
    if let Some(purpose) = axis("purpose").and_then(|a| a.values.iter().find(|v| v.id == d.purpose)) {
        security.extend(purpose.hl7.iter().map(|code| coding(ACT_REASON, code, &purpose.title)));
    }
    for o in d.obligations.iter() {
        if let Some(info) = policy.vocabulary.obligations.iter().find(|x| &x.id == o) {
            security.extend(info.hl7.iter().map(|code| coding(ACT_CODE, code, &info.title)));
        }
    }
    security.push(if sensitive {
        coding(CONFIDENTIALITY, "R", "restricted")
    } else {
        coding(CONFIDENTIALITY, "N", "normal")
    });
    if !d.governed {
        security.push(coding(
            GOVERNANCE,
            "ungoverned",
            "No encoded rule governs this disclosure: the labels are not a legal permission",
        ));
    }
    security.sort();
    security.dedup_by(|a, b| a.system == b.system && a.code == b.code);
    SecurityLabels { security }
}
