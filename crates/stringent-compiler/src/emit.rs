//! From resolved chains to artifacts, and writing them so that nothing is lost.

use crate::model::{Model, TermModel};
use crate::output;
use crate::resolve::ChainResult;
use std::collections::BTreeMap;
use std::path::Path;
use stringent_policy::artifact::{
    Axis, AxisValue, AxisValues, CompilerInfo, FORMAT, INDEX_FILE, INDEX_FORMAT, IndexEntry, Involvement, LayerInfo,
    ObligationInfo, Policy, PolicyIndex, RequirementRecord, RuleInfo, SCHEMA_VERSION, Term, UnreadTopic, Vocabulary,
};
use stringent_syntax::Date;

pub fn compiler_info() -> CompilerInfo {
    CompilerInfo { name: "stringent".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() }
}

/// The artifact of one resolved chain.
pub fn policy(model: &Model, chain: &ChainResult, as_of: Date) -> Policy {
    let term_id = |table: &[TermModel], i: &u32| table.get(*i as usize).map(|t| t.id.clone()).unwrap_or_default();
    let conditions: Vec<Term> =
        model.conditions.iter().map(|x| Term { id: x.id.clone(), title: x.title.clone() }).collect();
    let requirements = chain
        .requirements
        .iter()
        .map(|r| {
            let mut named = stringent_policy::Requirement {
                permission: r.permission.clone(),
                mandatory: r.mandatory,
                deadlines: r.deadlines.clone(),
                elements: r.elements.iter().map(|i| term_id(&model.elements, i)).collect(),
                form: r.form.iter().map(|i| term_id(&model.forms, i)).collect(),
                obligations: r.obligations.iter().map(|i| term_id(&model.obligations, i)).collect(),
                max_validity_days: r.max_validity_days,
            };
            named.normalize();
            RequirementRecord::new(&named, &conditions)
        })
        .collect();

    // Rules named in provenance, sorted by id; provenance refers to them by position.
    let mut named: BTreeMap<&str, usize> = BTreeMap::new();
    for inv in chain.provenance.iter().flatten() {
        if let Some(r) = model.rules.get(inv.rule) {
            named.insert(&r.id, inv.rule);
        }
    }
    let position: BTreeMap<usize, u32> =
        named.values().enumerate().map(|(pos, r)| (*r, u32::try_from(pos).unwrap_or(u32::MAX))).collect();
    let rules = named
        .values()
        .filter_map(|r| model.rules.get(*r))
        .map(|r| RuleInfo {
            id: r.id.clone(),
            layer: model.layers.get(r.layer).map(|l| l.id.clone()).unwrap_or_default(),
            title: r.title.clone(),
            citations: r.citations.clone(),
            source: r.source.clone(),
            confidence: r.confidence.as_str().to_owned(),
            effective: r.effective.to_string(),
            expires: r.expires.map(|e| e.to_string()),
            file: model.relative_paths.get(&r.file).cloned().unwrap_or_else(|| r.file.clone()),
            line: r.line,
            justification: r.justification.clone(),
        })
        .collect();
    let provenance = chain
        .provenance
        .iter()
        .map(|invs| {
            invs.iter()
                .map(|i| Involvement {
                    rule: position.get(&i.rule).copied().unwrap_or(0),
                    role: i.role,
                    dimensions: i.dims.iter().collect(),
                })
                .collect()
        })
        .collect();

    let mut policy = Policy {
        format: FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION.to_owned(),
        compiler: compiler_info(),
        jurisdiction: chain.chain.last().and_then(|l| model.layers.get(*l)).map(|l| l.id.clone()).unwrap_or_default(),
        as_of: as_of.to_string(),
        content_hash: String::new(),
        integrity: String::new(),
        chain: chain
            .chain
            .iter()
            .filter_map(|l| Some((*l, model.layers.get(*l)?)))
            .map(|(at, l)| LayerInfo {
                id: l.id.clone(),
                name: l.name.clone(),
                history_from: l.history_from.map(|d| d.to_string()),
                unread: unread_topics(model, at),
            })
            .collect(),
        vocabulary: vocabulary(model),
        requirements,
        rules,
        provenance,
        regions: chain.artifact_regions(),
    };
    policy.content_hash = policy.compute_hash();
    policy.integrity = policy.compute_integrity();
    policy
}

/// The topics a layer declares it has not read: its `silent` declarations of confidence
/// `unverified` or `recalled`, which state a gap rather than a finding (docs/semantics.md,
/// "Silences and gaps"), with every value their topics reach ([`Model::topic_reach`]).
fn unread_topics(model: &Model, layer: usize) -> Vec<UnreadTopic> {
    model
        .silences
        .iter()
        .filter(|s| s.layer == layer && s.is_gap())
        .filter_map(|s| {
            let topic = model.topics.get(s.topic)?;
            let reaches = model
                .topic_reach(s.topic)
                .into_iter()
                .filter_map(|(axis, values)| {
                    let a = model.axes.get(axis)?;
                    let values = values.iter().filter_map(|w| a.values.get(*w).map(|x| x.id.clone())).collect();
                    Some(AxisValues { axis: a.id.clone(), values })
                })
                .collect();
            Some(UnreadTopic { topic: topic.id.clone(), note: s.note.clone(), reaches })
        })
        .collect()
}

fn vocabulary(model: &Model) -> Vocabulary {
    let terms = |t: &[TermModel]| t.iter().map(|x| Term { id: x.id.clone(), title: x.title.clone() }).collect();
    Vocabulary {
        axes: model
            .axes
            .iter()
            .map(|a| Axis {
                id: a.id.clone(),
                title: a.title.clone(),
                values: a
                    .values
                    .iter()
                    .map(|v| AxisValue {
                        id: v.id.clone(),
                        title: v.title.clone(),
                        parent: v.parent.and_then(|p| a.values.get(p)).map(|p| p.id.clone()),
                        hl7: v.hl7.clone(),
                    })
                    .collect(),
            })
            .collect(),
        authorization_elements: terms(&model.elements),
        form: terms(&model.forms),
        obligations: model
            .obligations
            .iter()
            .map(|o| ObligationInfo {
                id: o.id.clone(),
                title: o.title.clone(),
                hl7: o.hl7.clone(),
                text: o.text.clone(),
            })
            .collect(),
        conditions: terms(&model.conditions),
    }
}

/// The file name of a chain's artifact: its jurisdiction id, with `:` made safe.
pub fn file_name(jurisdiction: &str) -> String {
    format!("{}.json", jurisdiction.replace(':', "_"))
}

/// Serialize as compact JSON with a final newline: stable bytes for the same value, and
/// small — an artifact holds about a hundred thousand cells.
pub fn to_json<T: serde::Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// Serialize as indented JSON with a final newline, for files people read (the index).
pub fn to_pretty_json<T: serde::Serialize>(value: &T) -> std::io::Result<Vec<u8>> {
    let mut bytes = serde_json::to_vec_pretty(value).map_err(std::io::Error::other)?;
    bytes.push(b'\n');
    Ok(bytes)
}

/// The file inside every generation directory that marks it as the tool's own: only a
/// directory named `policies-<16 hex digits>` holding it is ever removed by a compile.
pub const GENERATION_MARKER: &str = ".stringent-generation";

const MARKER_TEXT: &[u8] = b"written by stringent compile; a later compile into this directory removes it\n";

/// Write a compile's artifacts so that a reader, or a compile that fails or is killed,
/// never sees a half-written set, and two compiles into one directory never mix:
///
/// 0. the output directory is locked (`out/.stringent.lock`); another compile into it
///    waits (`on_wait` is called first);
/// 1. the artifacts go into a directory `out/policies-<hash>/`, named after their
///    integrity hashes (so any changed byte is a new name), staged under a temporary name
///    (`.policies.XXXXXX.stringent.tmp`) and renamed into place when complete;
/// 2. `out/index.json`, which names that directory's files, is then replaced by one
///    rename — the single step that switches readers from the old set to the new;
/// 3. only then are the tool's older generations and the leftovers of killed compiles
///    removed; nothing else in `out` is touched.
///
/// Killed before step 2, the previous index and the directory it names are untouched;
/// after it, the new set is complete. A failed write removes what it staged. The same
/// input writes the same bytes.
pub fn write_all(out: &Path, policies: &[Policy], as_of: Date, on_wait: impl FnOnce()) -> std::io::Result<PolicyIndex> {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    let mut entries = Vec::new();
    let mut files = Vec::new();
    for p in policies {
        let name = file_name(p.jurisdiction());
        hasher.update(format!("{name}\0{}\n", p.integrity));
        let bytes = to_json(p)?;
        // An artifact no loader would read is an error here, not at its first question.
        if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > stringent_policy::MAX_POLICY_BYTES {
            return Err(std::io::Error::other(format!(
                "the policy of `{}` would be {} bytes; a policy file may be at most {} bytes (README.md, \"Limits\")",
                p.jurisdiction(),
                bytes.len(),
                stringent_policy::MAX_POLICY_BYTES
            )));
        }
        files.push((name, bytes));
    }
    let digest: String = hasher.finalize().iter().take(8).map(|b| format!("{b:02x}")).collect();
    let generation = format!("policies-{digest}");
    for (p, (name, _)) in policies.iter().zip(&files) {
        entries.push(IndexEntry {
            jurisdiction: p.jurisdiction().to_owned(),
            chain: p.chain.iter().map(|l| l.id.clone()).collect(),
            file: format!("{generation}/{name}"),
            content_hash: p.content_hash.clone(),
            integrity: p.integrity.clone(),
        });
    }

    // Everything is serialized and checked before the directory is touched, and the lock is
    // held only while writing.
    std::fs::create_dir_all(out)?;
    let _lock = output::lock_dir(out, on_wait)?;
    // An index the tool did not write is someone's file: never replaced.
    let index_path = out.join(INDEX_FILE);
    if std::fs::symlink_metadata(&index_path).is_ok() && !is_own_index(&index_path) {
        return Err(std::io::Error::other(format!(
            "`{}` is in the way and was not written by stringent; move it away",
            index_path.display()
        )));
    }
    // Under the lock, temporary entries of the tool are leftovers of dead compiles.
    remove_stale(out, None);
    let final_dir = out.join(&generation);
    if !(is_own_generation(out, &generation) && holds_exactly(&final_dir, &files)) {
        let staging = output::staging_dir(out, "policies")?;
        for (name, bytes) in &files {
            output::create_synced(&staging.path().join(name), bytes)?;
        }
        output::create_synced(&staging.path().join(GENERATION_MARKER), MARKER_TEXT)?;
        output::sync_dir(staging.path())?;
        if std::fs::symlink_metadata(&final_dir).is_ok() {
            // A generation of this name whose files were changed or removed by hand: moved
            // aside (onto an empty temporary directory) and removed, if it is the tool's.
            if !is_own_generation(out, &generation) {
                return Err(std::io::Error::other(format!(
                    "`{}` is in the way and was not written by stringent; move it away",
                    final_dir.display()
                )));
            }
            let aside = output::staging_dir(out, "policies")?;
            std::fs::rename(&final_dir, aside.path())?;
        }
        std::fs::rename(staging.path(), &final_dir)?;
        let _ = staging.keep();
        output::sync_dir(out)?;
    }
    let index = PolicyIndex {
        format: INDEX_FORMAT.to_owned(),
        schema_version: SCHEMA_VERSION.to_owned(),
        compiler: compiler_info(),
        as_of: as_of.to_string(),
        policies: entries,
    };
    output::write_atomically(&out.join(INDEX_FILE), &to_pretty_json(&index)?)?;
    remove_stale(out, Some(&generation));
    Ok(index)
}

/// Whether `dir` is a generation holding exactly `files` (and the marker), byte for byte.
fn holds_exactly(dir: &Path, files: &[(String, Vec<u8>)]) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    let count = entries.count();
    count == files.len() + 1
        && std::fs::read(dir.join(GENERATION_MARKER)).is_ok_and(|m| m == MARKER_TEXT)
        && files.iter().all(|(name, bytes)| std::fs::read(dir.join(name)).is_ok_and(|b| &b == bytes))
}

/// Whether `path` is a regular file holding an index this tool wrote (its `format`).
fn is_own_index(path: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct Format {
        format: String,
    }
    std::fs::symlink_metadata(path).is_ok_and(|m| m.is_file() && m.len() <= 16 * 1024 * 1024)
        && std::fs::read(path)
            .ok()
            .and_then(|b| serde_json::from_slice::<Format>(&b).ok())
            .is_some_and(|f| f.format == INDEX_FORMAT)
}

/// Whether an old generation holds only what the tool writes there (artifacts that begin
/// as every artifact does, and the marker with its text, as regular files): one that holds
/// anything else — a file of another name, or a `.json` or marker someone wrote by hand —
/// is left where it is, so that removing it never removes a file the tool did not create.
fn holds_only_own_files(dir: &Path) -> bool {
    let Ok(entries) = std::fs::read_dir(dir) else { return false };
    let starts_with = |path: &Path, prefix: &[u8]| {
        use std::io::Read as _;
        let mut head = vec![0u8; prefix.len()];
        std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && head == prefix
    };
    let artifact_head = format!("{{\"format\":\"{}\",", stringent_policy::artifact::FORMAT);
    entries.flatten().all(|e| {
        let name = e.file_name().to_string_lossy().into_owned();
        let path = e.path();
        e.file_type().is_ok_and(|t| t.is_file())
            && if name == GENERATION_MARKER {
                std::fs::read(&path).is_ok_and(|m| m == MARKER_TEXT)
            } else {
                name.ends_with(".json") && starts_with(&path, artifact_head.as_bytes())
            }
    })
}

/// Whether `out/name` is a generation this tool wrote: named `policies-` and 16 lower-case
/// hex digits, a directory (not a link), holding the marker.
fn is_own_generation(out: &Path, name: &str) -> bool {
    let hex = name.strip_prefix("policies-");
    hex.is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)))
        && std::fs::symlink_metadata(out.join(name)).is_ok_and(|m| m.is_dir())
        && std::fs::symlink_metadata(out.join(name).join(GENERATION_MARKER)).is_ok_and(|m| m.is_file())
}

/// Remove the tool's own earlier generations (all but `keep`; none when `keep` is `None`)
/// and the temporary files and directories of compiles that died. Call only under the
/// lock. Best effort: what cannot be removed is left for the next compile.
fn remove_stale(out: &Path, keep: Option<&str>) {
    let Ok(entries) = std::fs::read_dir(out) else { return };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        let old_generation =
            keep.is_some_and(|k| name != k) && is_own_generation(out, &name) && holds_only_own_files(&e.path());
        let leftover = output::is_own_temp(&name, "policies") || output::is_own_temp(&name, INDEX_FILE);
        if old_generation || leftover {
            let path = e.path();
            let is_dir = std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir());
            let _ = if is_dir { std::fs::remove_dir_all(&path) } else { std::fs::remove_file(&path) };
        }
    }
}
