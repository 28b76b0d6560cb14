//! Export compiled stringent policies as an [Open Policy Agent] bundle, so that an existing
//! OPA deployment answers the question `stringent decide` answers, from the same resolved
//! cells, with the same JSON.
//!
//! [`opa_bundle`] returns a gzipped tarball with three entries, in this order:
//!
//! - `.manifest`: `{"revision": "sha256:…", "roots": ["stringent"]}`. The revision is the
//!   SHA-256 over the policies' content hashes (one per line, `\n`-terminated, in
//!   jurisdiction order), so it changes exactly when some answer's requirement changes;
//!   like the content hash, it ignores `as_of` and provenance.
//! - `data.json`: `{"stringent": {"policies": {"US": {…}, "US-CA": {…}}}}`. OPA merges a
//!   bundle-root `data.json` at `data`, so the policies land at `data.stringent.policies`,
//!   inside the bundle's root. Each holds what the Rego needs: the chain, `as_of`, per axis
//!   and value id the value's offset into the artifact's table of regions (its class times
//!   the class stride: a question's tuple is the sum of its values' offsets), that `table`
//!   of `[requirement, provenance]`, the interned requirements, `provenance` and the rules
//!   it names.
//! - `stringent/policy.rego`: package `stringent` (Rego v1, `import rego.v1`), whose rule
//!   `decision` is the answer as [`stringent_policy::Decision`] serializes it.
//!
//! The bundle is deterministic: the same policies give a byte-identical tarball (entries
//! in fixed order, mtime 0, uid and gid 0, mode 0644, a gzip header with no name and mtime 0).
//!
//! # Serving it from OPA
//!
//! Standalone:
//!
//! ```sh
//! opa run --server --bundle stringent-bundle.tar.gz
//! ```
//!
//! From an existing deployment, serve the tarball from any HTTP server and point OPA's
//! bundle service at it (OPA polls it and activates a new revision atomically):
//!
//! ```yaml
//! services:
//!   policies:
//!     url: https://bundles.example.org
//! bundles:
//!   stringent:
//!     service: policies
//!     resource: stringent-bundle.tar.gz
//!     polling: { min_delay_seconds: 60, max_delay_seconds: 120 }
//! ```
//!
//! Since the bundle owns the root `stringent`, it can sit beside other bundles with other
//! roots. Ask a question with
//!
//! ```sh
//! curl -s localhost:8181/v1/data/stringent/decision -d '{"input": {
//!   "jurisdiction": "US-CA", "category": ["hiv"], "purpose": "employment", "recipient": "employer"}}'
//! ```
//!
//! and read `result`. The input has the fields of `stringent decide`: `jurisdiction`,
//! `category` (an array of one or more value ids; several describe a record that carries
//! all of them, and the answer is their meet; a single string is read as one category),
//! `purpose`, `recipient`, `subject` (default `adult`) and `holder` (default `provider`).
//!
//! **Unknown identifiers**: where `stringent decide` exits 2, `decision` is *undefined*, so
//! OPA answers `{}` with no `result` field: an unknown jurisdiction, an unknown value on
//! any axis, an empty or missing `category`, or a field of the wrong type.
//!
//! [Open Policy Agent]: https://www.openpolicyagent.org/docs/management-bundles

use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::io;
use stringent_policy::artifact::{AXES, Involvement, RequirementRecord, UnreadTopic};
use stringent_policy::grid::RegionIndex;
use stringent_policy::{LoadedPolicy, Policy};

/// The bundle's only root: its data lives at `data.stringent`, its rules in package `stringent`.
pub const ROOT: &str = "stringent";
/// The Rego module of every bundle.
pub const POLICY_REGO: &str = include_str!("policy.rego");
/// The entries of the tarball, in the order they are written.
pub const MANIFEST_PATH: &str = ".manifest";
pub const DATA_PATH: &str = "data.json";
pub const REGO_PATH: &str = "stringent/policy.rego";

/// A gzipped OPA bundle of `policies`, keyed by jurisdiction.
///
/// Every policy is checked first (as [`LoadedPolicy::new`] does, and its content hash
/// recomputed); an inconsistent policy, or two for one jurisdiction, is an
/// [`io::ErrorKind::InvalidInput`] error.
pub fn opa_bundle(policies: &[Policy]) -> io::Result<Vec<u8>> {
    let mut by_jurisdiction: BTreeMap<&str, PolicyData<'_>> = BTreeMap::new();
    for policy in policies {
        check(policy)?;
        let data = PolicyData::new(policy)?;
        if by_jurisdiction.insert(policy.jurisdiction.as_str(), data).is_some() {
            return Err(invalid(format!("two policies for jurisdiction `{}`", policy.jurisdiction)));
        }
    }
    let manifest = Manifest { revision: revision(by_jurisdiction.values().map(|p| p.content_hash)), roots: [ROOT] };
    let data = Data { stringent: Root { policies: by_jurisdiction } };
    let manifest = serde_json::to_vec(&manifest).map_err(io::Error::other)?;
    let data = serde_json::to_vec(&data).map_err(io::Error::other)?;

    let gzip = flate2::GzBuilder::new().mtime(0).operating_system(255).write(Vec::new(), flate2::Compression::best());
    let mut tarball = tar::Builder::new(gzip);
    for (path, bytes) in [(MANIFEST_PATH, &manifest[..]), (DATA_PATH, &data[..]), (REGO_PATH, POLICY_REGO.as_bytes())] {
        let mut header = tar::Header::new_ustar();
        header.set_entry_type(tar::EntryType::Regular);
        header.set_size(u64::try_from(bytes.len()).map_err(io::Error::other)?);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_uid(0);
        header.set_gid(0);
        tarball.append_data(&mut header, path, bytes)?;
    }
    tarball.into_inner()?.finish()
}

/// Whether `bundle` reads as a bundle [`opa_bundle`] wrote: gzip, its first entry the
/// `.manifest` with this root and a `sha256:` revision. Only the manifest is read (at most
/// 4 KiB of it), so a large file that is not a bundle costs nothing; `stringent export opa`
/// replaces a file only when this holds, never someone else's file.
pub fn is_opa_bundle(bundle: impl io::Read) -> bool {
    use io::Read as _;
    #[derive(serde::Deserialize)]
    struct Written {
        revision: String,
        roots: Vec<String>,
    }
    let mut archive = tar::Archive::new(flate2::read::GzDecoder::new(bundle));
    let Ok(mut entries) = archive.entries() else { return false };
    let Some(Ok(first)) = entries.next() else { return false };
    if first.path().ok().as_deref() != Some(std::path::Path::new(MANIFEST_PATH)) {
        return false;
    }
    let mut text = Vec::new();
    if first.take(4096).read_to_end(&mut text).is_err() {
        return false;
    }
    serde_json::from_slice::<Written>(&text).is_ok_and(|m| m.roots == [ROOT] && m.revision.starts_with("sha256:"))
}

/// `sha256:` and the hex SHA-256 of the content hashes, one per line.
fn revision<'a>(content_hashes: impl Iterator<Item = &'a str>) -> String {
    let mut hasher = Sha256::new();
    for hash in content_hashes {
        hasher.update(hash.as_bytes());
        hasher.update(b"\n");
    }
    let mut hex = String::from("sha256:");
    for byte in hasher.finalize() {
        hex.push_str(&format!("{byte:02x}"));
    }
    hex
}

fn invalid(message: String) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

/// The checks a loader makes, so that the Rego never indexes out of range.
fn check(policy: &Policy) -> io::Result<()> {
    let actual = policy.compute_hash();
    if actual != policy.content_hash {
        return Err(invalid(format!(
            "policy `{}` says its content hash is `{}` but its content hashes to `{actual}`",
            policy.jurisdiction, policy.content_hash
        )));
    }
    LoadedPolicy::new(policy.clone()).map_err(|e| invalid(format!("policy `{}`: {e}", policy.jurisdiction)))?;
    Ok(())
}

#[derive(Serialize)]
struct Manifest {
    revision: String,
    roots: [&'static str; 1],
}

/// `data.json`. Only structs and `BTreeMap`s, so the bytes never depend on map order.
#[derive(Serialize)]
struct Data<'a> {
    stringent: Root<'a>,
}

#[derive(Serialize)]
struct Root<'a> {
    policies: BTreeMap<&'a str, PolicyData<'a>>,
}

#[derive(Serialize)]
struct PolicyData<'a> {
    jurisdiction: &'a str,
    chain: Vec<&'a str>,
    as_of: &'a str,
    content_hash: &'a str,
    /// Axis id → value id → the value's class times its axis's stride in the table.
    offsets: BTreeMap<&'a str, BTreeMap<&'a str, u64>>,
    /// Condition id → its position in the vocabulary: a way's canonical order uses it.
    conditions: BTreeMap<&'a str, u32>,
    requirements: &'a [RequirementRecord],
    /// Per tuple of classes: the indices of its requirement and provenance.
    table: &'a [[u32; 2]],
    provenance: &'a [Vec<Involvement>],
    rules: Vec<RuleData<'a>>,
    /// The chain's declared gaps, layer by layer in chain order (artifact.rs, UnreadTopic):
    /// answers they reach say the law was not read. Absent when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    unread: Vec<UnreadData<'a>>,
    /// The layers whose declared history begins after `as_of` (`Decision::history_incomplete`):
    /// every answer of the chain names them. Absent when there is none.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    history_incomplete: Vec<stringent_policy::HistoryGap>,
}

/// A layer's declared gaps.
#[derive(Serialize)]
struct UnreadData<'a> {
    layer: &'a str,
    topics: &'a [UnreadTopic],
}

/// What an answer's provenance shows of a rule.
#[derive(Serialize)]
struct RuleData<'a> {
    id: &'a str,
    layer: &'a str,
    title: &'a str,
    citations: &'a [String],
    confidence: &'a str,
    source: Option<&'a str>,
}

impl<'a> PolicyData<'a> {
    fn new(policy: &'a Policy) -> io::Result<Self> {
        let mut offsets = BTreeMap::new();
        for (axis, expected) in policy.vocabulary.axes.iter().zip(AXES.iter().copied()) {
            if axis.id != expected {
                return Err(invalid(format!(
                    "policy `{}`: axis `{}` where `{expected}` belongs",
                    policy.jurisdiction, axis.id
                )));
            }
        }
        let index = RegionIndex::new(&policy.regions).ok_or_else(|| {
            invalid(format!("policy `{}`: its regions describe too many tuples", policy.jurisdiction))
        })?;
        // `check` has made sure the regions cover the cells: every value has an offset.
        for (axis, of_values) in policy.vocabulary.axes.iter().zip(index.offsets()) {
            let mut of_axis = BTreeMap::new();
            for (value, offset) in axis.values.iter().zip(of_values) {
                of_axis.insert(value.id.as_str(), u64::try_from(*offset).map_err(io::Error::other)?);
            }
            offsets.insert(axis.id.as_str(), of_axis);
        }
        Ok(PolicyData {
            jurisdiction: &policy.jurisdiction,
            chain: policy.chain.iter().map(|l| l.id.as_str()).collect(),
            as_of: &policy.as_of,
            content_hash: &policy.content_hash,
            offsets,
            conditions: policy
                .vocabulary
                .conditions
                .iter()
                .enumerate()
                .map(|(i, c)| Ok((c.id.as_str(), u32::try_from(i).map_err(io::Error::other)?)))
                .collect::<io::Result<_>>()?,
            requirements: &policy.requirements,
            table: &policy.regions.table,
            provenance: &policy.provenance,
            rules: policy
                .rules
                .iter()
                .map(|r| RuleData {
                    id: &r.id,
                    layer: &r.layer,
                    title: &r.title,
                    citations: &r.citations,
                    confidence: &r.confidence,
                    source: r.source.as_deref(),
                })
                .collect(),
            unread: policy
                .chain
                .iter()
                .filter(|l| !l.unread.is_empty())
                .map(|l| UnreadData { layer: &l.id, topics: &l.unread })
                .collect(),
            history_incomplete: stringent_policy::HistoryGap::of(&policy.chain, &policy.as_of),
        })
    }
}
