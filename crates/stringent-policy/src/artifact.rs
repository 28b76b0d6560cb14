//! The compiled artifact: one resolved policy for one jurisdiction chain.
//!
//! Layout: the vocabulary fixes an order of values on each axis; a cell is a point of the
//! axes. `regions` (see [`crate::grid`]) gives each value its class and, per tuple of
//! classes, the index of its requirement in `requirements` (identical requirements are
//! stored once) and of its provenance in `provenance`.

use crate::grid::Regions;
use crate::lattice::{Basis, Deadline, Dimension, Level, MAX_CONDITIONS, Permission, Requirement, Way};
use serde::{Deserialize, Serialize};

/// The `format` field of every artifact.
pub const FORMAT: &str = "stringent.resolved-policy";
/// The `format` field of the index file that lists a compile's artifacts.
pub const INDEX_FORMAT: &str = "stringent.policy-index";
/// The name of the index file in a compile's output directory.
pub const INDEX_FILE: &str = "index.json";
/// MAJOR.MINOR of the artifact format. A loader refuses another MAJOR.
///
/// 1.1 added `integrity`, which this loader requires: an artifact of 1.0 (which has no
/// such field) is refused and must be recompiled. Loaders of 1.0 read 1.1 artifacts and
/// ignore the field. 1.1 also added `governed` to decisions.
///
/// 1.2 added permission as ways (`ways` in each requirement, `conditions` in the
/// vocabulary, the `legal_process` level and the legal-process bases). This loader refuses
/// 1.0 and 1.1 artifacts: they cannot say a way of several instruments or a condition.
/// A loader of 1.1 refuses a 1.2 artifact that uses the new level or bases, and otherwise
/// reads it conservatively: it sees the `level` and the `bases` that suffice alone.
///
/// 1.3 added `history_from` to each layer of the chain; a 1.2 artifact reads as a chain
/// whose layers do not say from when their history is complete.
///
/// 2.0 stores the answers by regions (`regions`) instead of two arrays of one entry per
/// cell (`cells`, `cell_provenance`): the artifacts of the shipped corpus are 3.9× smaller
/// (BENCHMARKS.md §5).
/// A 1.x artifact is refused with a request to recompile.
///
/// 2.1 added `unread` to each layer of the chain, and `law_unread` to decisions: the
/// topics a layer declares it has not read. A 2.0 artifact reads as one that declares none.
pub const SCHEMA_VERSION: &str = "2.1";
/// The axes every question has, in cell order: the one list of their names. The language
/// declares these axes by name (`rules/vocabulary/axes.stringent`), and the fields of a
/// [`Question`](crate::Question) are one per axis in this order; everything else takes the
/// axes, and their number, from the vocabulary, and their layout from [`crate::grid`].
pub const AXES: &[&str] = &["category", "purpose", "recipient", "subject", "holder"];

/// The position of the category axis in [`AXES`]: the one axis a question may name
/// several values of (a record of several categories).
pub const CATEGORY_AXIS: usize = 0;

/// The position of an axis in [`AXES`], and so in every point.
pub fn axis_position(name: &str) -> Option<usize> {
    AXES.iter().position(|a| *a == name)
}

/// One artifact: everything a consumer needs to answer questions for one chain, checked
/// by its two hashes, with no rule file needed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Policy {
    /// Always `stringent.resolved-policy`: tells an artifact apart from the index and other
    /// JSON.
    pub format: String,
    /// MAJOR.MINOR of the format it was written in; a loader refuses a MAJOR it does not know.
    pub schema_version: String,
    /// Which compiler wrote it, for reproducing or reporting a wrong answer.
    pub compiler: CompilerInfo,
    /// The jurisdiction answered: a chain's last layer (`US-CA`, `org:clinic`), or several
    /// joined with `+` for a combined policy (`US-CA+US-NV`).
    pub jurisdiction: String,
    /// The date the rules were resolved for, `YYYY-MM-DD`.
    pub as_of: String,
    /// `sha256:` and the hex digest of the policy content; see [`Policy::compute_hash`].
    /// The same answers have the same content hash, whatever rules and citations gave them.
    pub content_hash: String,
    /// `sha256:` and the hex digest of every other field, provenance included; see
    /// [`Policy::compute_integrity`]. Required since schema version 1.1: a loader refuses
    /// an artifact whose citations, titles or sources were changed after it was compiled.
    pub integrity: String,
    /// The layers, strongest authority first: federal, state, organization.
    pub chain: Vec<LayerInfo>,
    /// What the cells are made of: a question names its values by these ids.
    pub vocabulary: Vocabulary,
    /// Each distinct requirement once; `regions` refers to them by index.
    pub requirements: Vec<RequirementRecord>,
    /// Every rule named in provenance; provenance refers to rules by index here.
    pub rules: Vec<RuleInfo>,
    /// The lists of the rules that took part in cells; `regions` refers to them by index.
    pub provenance: Vec<Vec<Involvement>>,
    /// Per axis, each value's class; per tuple of classes, `[requirement, provenance]`:
    /// indices into `requirements` and `provenance`. Canonical (see [`crate::grid`]).
    pub regions: Regions<[u32; 2]>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The program that wrote an artifact or index.
pub struct CompilerInfo {
    /// The program's name, `stringent`.
    pub name: String,
    /// Its version: a wrong answer is reproduced with the same one.
    pub version: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// One layer of the chain: whose law the answers include.
pub struct LayerInfo {
    /// The jurisdiction id, as provenance names it (`US`, `US-CA`, `org:clinic`).
    pub id: String,
    /// Its name for people (`California`).
    pub name: String,
    /// `YYYY-MM-DD` from which the layer's encoded history is complete (its `history from`).
    /// Absent when the layer does not say: an answer as of any date may then miss law the
    /// layer has not encoded. Added in schema 1.3.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history_from: Option<String>,
    /// The topics on which the layer declares that its law was not read (a `silent`
    /// declaration of confidence `unverified` or `recalled`: a known gap, no finding). An
    /// answer on one of their categories may be looser than the layer's law. Added in
    /// schema 2.1.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unread: Vec<UnreadTopic>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A topic whose law a layer has not read, and the questions it reaches.
pub struct UnreadTopic {
    /// The coverage topic's id (`substance_use`).
    pub topic: String,
    /// What the layer says was not read.
    pub note: String,
    /// The values the topic names, per axis, their descendants included: a question with
    /// one of them on that axis is about the topic.
    pub reaches: Vec<AxisValues>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// Value ids of one axis.
pub struct AxisValues {
    /// The axis id (`category`).
    pub axis: String,
    /// Value ids of that axis.
    pub values: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// The values and terms the artifact was compiled with; their order fixes the cell layout.
pub struct Vocabulary {
    /// The five question axes, in cell order: category, purpose, recipient, subject, holder.
    pub axes: Vec<Axis>,
    /// The elements an authorization may be required to contain, by id and title.
    pub authorization_elements: Vec<Term>,
    /// The constraints on an authorization's form, by id and title.
    pub form: Vec<Term>,
    /// The duties that may ride along with a disclosure.
    pub obligations: Vec<ObligationInfo>,
    /// Facts beyond the question's axes that a way of permission may need
    /// (docs/semantics.md, "Conditions"); a way's conditions name these ids.
    pub conditions: Vec<Term>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// One axis of a question, with its values in cell order.
pub struct Axis {
    /// `category`, `purpose`, `recipient`, `subject` or `holder`.
    pub id: String,
    /// Its name for people.
    pub title: String,
    /// The values, in the order that numbers them in the cell layout.
    pub values: Vec<AxisValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// One value of an axis: what a question names.
pub struct AxisValue {
    /// The id a question uses (`hiv`, `treatment`).
    pub id: String,
    /// Its name for people.
    pub title: String,
    /// The broader value it refines (a psychotherapy note under mental health); rules
    /// written for the parent reach it.
    pub parent: Option<String>,
    /// HL7 codes for the value, for security labels; empty when HL7 has none.
    pub hl7: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A declared term (an authorization element, a form constraint, a condition).
pub struct Term {
    /// The id requirements use.
    pub id: String,
    /// Its name for people.
    pub title: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
/// A duty that rides along with a disclosure (a redisclosure notice).
pub struct ObligationInfo {
    /// The id requirements use.
    pub id: String,
    /// Its name for people.
    pub title: String,
    /// HL7 obligation codes, for security labels; empty when HL7 has none.
    pub hl7: Vec<String>,
    /// The notice text that must accompany the disclosure, where the law prescribes one.
    pub text: Option<String>,
}

/// One resolved requirement as stored: the lattice value plus its display level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RequirementRecord {
    /// Derived from the ways that need no condition; `prohibited` if every way needs one.
    pub level: Level,
    /// The bases that suffice alone, with no other instrument and no condition.
    pub bases: Vec<Basis>,
    /// Every way that makes the disclosure lawful, any one sufficing; none at all means
    /// prohibited. A way lists the bases it needs together and the conditions under which
    /// it holds.
    pub ways: Vec<WayRecord>,
    /// The law requires the disclosure, not only permits it.
    pub mandatory: bool,
    /// Time limits to act, none dominating another.
    pub deadlines: Vec<Deadline>,
    /// Ids of the elements an authorization must contain, sorted.
    pub authorization_elements: Vec<String>,
    /// Ids of the constraints on the authorization's form, sorted.
    pub form: Vec<String>,
    /// Ids of the duties that ride along with the disclosure, sorted.
    pub obligations: Vec<String>,
    /// The longest an authorization may stay valid, in days; absent when no rule limits it.
    pub max_validity_days: Option<u32>,
}

/// One way to make a disclosure lawful: these bases together, when these conditions hold.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WayRecord {
    /// `[none]` for a way that needs no instrument. Bases another listed basis implies
    /// are left out.
    pub bases: Vec<Basis>,
    /// Ids of the vocabulary's conditions; empty for an unconditional way.
    pub conditions: Vec<String>,
    /// The way's display level: that of its strongest basis.
    pub level: Level,
}

impl std::fmt::Display for WayRecord {
    /// `authorization and court_order if imminent_threat`
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let bases: Vec<&str> = self.bases.iter().map(|b| b.as_str()).collect();
        f.write_str(&bases.join(" and "))?;
        if !self.conditions.is_empty() {
            write!(f, " if {}", self.conditions.join(" and "))?;
        }
        Ok(())
    }
}

/// A permission's ways in the rule language's words: `authorization or none if
/// imminent_threat`; `prohibited` when there is none.
pub fn describe_ways(ways: &[WayRecord]) -> String {
    if ways.is_empty() {
        return "prohibited".to_owned();
    }
    ways.iter().map(ToString::to_string).collect::<Vec<_>>().join(" or ")
}

impl WayRecord {
    /// The way as the artifact stores it: conditions by their ids in `conditions`, so that a
    /// reader needs no numbering; a number past the list is written `condition_N`.
    pub fn new(way: Way, conditions: &[Term]) -> WayRecord {
        WayRecord {
            bases: way.bases(),
            conditions: way
                .conditions()
                .map(|c| conditions.get(c).map_or_else(|| format!("condition_{c}"), |t| t.id.clone()))
                .collect(),
            level: way.level(),
        }
    }

    /// The way again; a condition the vocabulary does not declare counts as one more
    /// condition that never holds, so that reading a record never loosens it.
    pub fn way(&self, conditions: &[Term]) -> Way {
        let indices: Vec<usize> = self
            .conditions
            .iter()
            .map(|id| conditions.iter().position(|t| t.id == *id).unwrap_or(MAX_CONDITIONS - 1))
            .collect();
        Way::new(&self.bases, &indices)
    }
}

impl RequirementRecord {
    /// The record of a requirement whose condition `i` is `conditions[i]`.
    pub fn new(r: &Requirement<String>, conditions: &[Term]) -> Self {
        RequirementRecord {
            level: r.permission.level(),
            bases: r.permission.bases().collect(),
            ways: r.permission.ways().iter().map(|w| WayRecord::new(*w, conditions)).collect(),
            mandatory: r.mandatory,
            deadlines: r.deadlines.clone(),
            authorization_elements: r.elements.clone(),
            form: r.form.clone(),
            obligations: r.obligations.clone(),
            max_validity_days: r.max_validity_days,
        }
    }

    /// The requirement again, its conditions numbered by `conditions`.
    pub fn requirement(&self, conditions: &[Term]) -> Requirement<String> {
        let mut req = Requirement {
            permission: Permission::from_ways(self.ways.iter().map(|w| w.way(conditions))),
            mandatory: self.mandatory,
            deadlines: self.deadlines.clone(),
            elements: self.authorization_elements.clone(),
            form: self.form.clone(),
            obligations: self.obligations.clone(),
            max_validity_days: self.max_validity_days,
        };
        req.normalize();
        req
    }
}

/// A rule named in provenance, stored once: what an answer cites.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RuleInfo {
    /// The rule's id, stable across compiles.
    pub id: String,
    /// The jurisdiction whose rule it is.
    pub layer: String,
    /// Its title for people.
    pub title: String,
    /// The law it encodes, as cited (`45 CFR 164.508(a)`).
    pub citations: Vec<String>,
    /// Where the text of the law was read, when the rule names it.
    pub source: Option<String>,
    /// How the encoding was checked: `verified`, `secondary`, `recalled` or `unverified`.
    pub confidence: String,
    /// `YYYY-MM-DD` from which the rule is in force.
    pub effective: String,
    /// `YYYY-MM-DD` from which it is no longer in force, if it expires.
    pub expires: Option<String>,
    /// Where the rule is written: a path relative to the rules root, and a 1-based line.
    pub file: String,
    /// See `file`.
    pub line: u32,
    /// Why a rule that loosens an earlier answer is right, for reviewers of `stringent diff`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub justification: Option<String>,
}

/// How a rule took part in deciding a cell.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Its value is the result in these dimensions.
    Won,
    /// It matched and was met, but another rule was stricter in these dimensions.
    Met,
    /// It matched, but a rule of its layer that also matched is an exception to it.
    Excepted,
    /// It matched, but federal law overrides it here (45 CFR 160.203, 42 CFR 2.20).
    Preempted,
    /// A federal rule that defers these dimensions, replaced by a lower layer's value.
    Deferred,
    /// It would match, but is not in effect on the as-of date.
    Inactive,
}

impl Role {
    /// The name serde writes, for text output that must match the JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Won => "won",
            Role::Met => "met",
            Role::Excepted => "excepted",
            Role::Preempted => "preempted",
            Role::Deferred => "deferred",
            Role::Inactive => "inactive",
        }
    }
}

/// How one rule took part in a cell's answer.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Involvement {
    /// Index into [`Policy::rules`].
    pub rule: u32,
    /// Whether it decided, was met, excepted, preempted, deferred or not in force.
    pub role: Role,
    /// The dimensions the role applies to.
    pub dimensions: Vec<Dimension>,
}

/// The index file of a compile: which artifact holds which chain.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PolicyIndex {
    /// Always `stringent.policy-index`: tells the index apart from an artifact.
    pub format: String,
    /// The artifacts' `schema_version`.
    pub schema_version: String,
    /// Which compiler wrote the set.
    pub compiler: CompilerInfo,
    /// The date every artifact of the set was resolved for, `YYYY-MM-DD`.
    pub as_of: String,
    /// One entry per artifact of the set.
    pub policies: Vec<IndexEntry>,
}

/// Where the index finds one chain's artifact, and the hashes it must have.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IndexEntry {
    /// The chain's own jurisdiction, e.g. `US-CA`.
    pub jurisdiction: String,
    /// The layer ids of the chain, federal first.
    pub chain: Vec<String>,
    /// The artifact's path relative to the index's directory, `/`-separated:
    /// `policies-<16 hex digits>/<jurisdiction>.json`.
    pub file: String,
    /// The artifact's `content_hash`: two entries with the same one give the same answers.
    pub content_hash: String,
    /// The artifact's `integrity`.
    pub integrity: String,
}

/// What the content hash covers: the policy, not how it was made or explained.
#[derive(Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
struct HashedContent<'a> {
    format: &'a str,
    jurisdiction: &'a str,
    chain: Vec<&'a str>,
    vocabulary: &'a Vocabulary,
    requirements: &'a [RequirementRecord],
    regions: Regions<u32>,
}

impl Policy {
    /// SHA-256 over the compact JSON (`serde_json`, fields in declaration order, no
    /// whitespace) of: `format`, `jurisdiction`, the chain's jurisdiction ids, `vocabulary`,
    /// `requirements` and the canonical regions of the requirements alone (provenance
    /// dropped). `as_of`, `compiler`, rules and provenance are left out, so two compiles
    /// with the same answers have the same hash.
    pub fn compute_hash(&self) -> String {
        use sha2::{Digest, Sha256};
        sha256_hex(&Sha256::digest(serde_json::to_vec(&self.hashed()).unwrap_or_default()))
    }

    /// SHA-256 over the compact JSON (`serde_json`, fields in declaration order, no
    /// whitespace) of the artifact without its `integrity` field: everything a compile
    /// wrote, provenance included. Fields unknown to this version (from a later minor
    /// version) are not covered.
    pub fn compute_integrity(&self) -> String {
        use sha2::{Digest, Sha256};
        use std::io::Write;
        // Listed field by field, so that a new field of `Policy` cannot be left out unnoticed.
        let Policy {
            format,
            schema_version,
            compiler,
            jurisdiction,
            as_of,
            content_hash,
            integrity: _,
            chain,
            vocabulary,
            requirements,
            rules,
            provenance,
            regions,
        } = self;
        let sealed = Sealed {
            format,
            schema_version,
            compiler,
            jurisdiction,
            as_of,
            content_hash,
            chain,
            vocabulary,
            requirements,
            rules,
            provenance,
            regions,
        };
        let mut hashing = std::io::BufWriter::with_capacity(1 << 16, Hashing(Sha256::new()));
        // Writing into a hash cannot fail, and every key is a string.
        let _ = serde_json::to_writer(&mut hashing, &sealed);
        let _ = hashing.flush();
        let digest = hashing.into_inner().map(|h| h.0.finalize()).unwrap_or_default();
        sha256_hex(&digest)
    }

    /// What the hash covers.
    fn hashed(&self) -> HashedContent<'_> {
        HashedContent {
            format: &self.format,
            jurisdiction: &self.jurisdiction,
            chain: self.chain.iter().map(|l| l.id.as_str()).collect(),
            vocabulary: &self.vocabulary,
            requirements: &self.requirements,
            regions: self.regions.map(|[requirement, _]| *requirement).unwrap_or_default(),
        }
    }

    /// The jurisdiction this policy answers for.
    pub fn jurisdiction(&self) -> &str {
        &self.jurisdiction
    }
}

/// Every field of [`Policy`] but `integrity`, in the same order: what the integrity hash covers.
#[derive(Serialize)]
struct Sealed<'a> {
    format: &'a str,
    schema_version: &'a str,
    compiler: &'a CompilerInfo,
    jurisdiction: &'a str,
    as_of: &'a str,
    content_hash: &'a str,
    chain: &'a [LayerInfo],
    vocabulary: &'a Vocabulary,
    requirements: &'a [RequirementRecord],
    rules: &'a [RuleInfo],
    provenance: &'a [Vec<Involvement>],
    regions: &'a Regions<[u32; 2]>,
}

/// A writer that feeds a hash.
struct Hashing(sha2::Sha256);

impl std::io::Write for Hashing {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        sha2::Digest::update(&mut self.0, buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// `sha256:` and the digest in lower-case hex.
fn sha256_hex(digest: &[u8]) -> String {
    let mut hex = String::with_capacity(71);
    hex.push_str("sha256:");
    for b in digest {
        hex.push_str(&format!("{b:02x}"));
    }
    hex
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The content hash ignores provenance: regions that differ only there hash alike.
    #[test]
    fn the_hash_covers_answers_not_provenance() {
        let text = include_str!("../tests/data/tiny-US-XX.json");
        let mut policy: Policy = serde_json::from_str(text).unwrap_or_else(|e| unreachable!("fixture: {e}"));
        assert_eq!(policy.compute_hash(), policy.content_hash);
        assert!(policy.regions.table.len() > 1);
        let hash = policy.compute_hash();
        for entry in &mut policy.regions.table {
            entry[1] = 0;
        }
        assert_eq!(policy.compute_hash(), hash);
        if let Some(entry) = policy.regions.table.first_mut() {
            entry[0] = entry[0].wrapping_add(1);
        }
        assert_ne!(policy.compute_hash(), hash);
    }

    /// The integrity hash is that of the artifact's own bytes with the field left out.
    #[test]
    fn the_integrity_hash_is_that_of_the_artifact_without_it() {
        use sha2::{Digest, Sha256};
        let text = include_str!("../tests/data/tiny-US-XX.json");
        let mut policy: Policy = serde_json::from_str(text).unwrap_or_else(|e| unreachable!("fixture: {e}"));
        assert_eq!(policy.compute_integrity(), policy.integrity);
        policy.integrity = String::new();
        let bytes = serde_json::to_vec(&policy).unwrap_or_default();
        let without = String::from_utf8_lossy(&bytes).replacen(r#","integrity":"""#, "", 1);
        assert!(without.len() < bytes.len());
        let hex: String = Sha256::digest(without.as_bytes()).iter().map(|b| format!("{b:02x}")).collect();
        assert_eq!(policy.compute_integrity(), format!("sha256:{hex}"));
    }
}
