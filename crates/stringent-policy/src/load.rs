//! Loading an artifact safely: format, version, hash and internal consistency are checked
//! before a single question is answered, so a corrupt file is an error, never a panic.

use crate::artifact::{AXES, FORMAT, OLDEST_READABLE_MINOR, Policy, RequirementRecord, SCHEMA_VERSION};
use crate::lattice::MAX_CONDITIONS;
use std::collections::HashMap;
use std::path::Path;

/// The largest policy file [`LoadedPolicy::load`] reads. The compiler's limits keep every
/// artifact far below it (at most about 12 MB of cells; the shipped ones are under 1 MB);
/// the bound keeps a wrong or hostile path from filling memory.
pub const MAX_POLICY_BYTES: u64 = 64 * 1024 * 1024;

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("cannot read `{path}`: {source}")]
    Io { path: String, source: std::io::Error },
    /// A directory, FIFO, socket or device: opening a FIFO would block until a writer
    /// comes, so the file type is checked before the file is opened.
    #[error("cannot read `{path}`: it is {kind}, not a regular file")]
    NotAFile { path: String, kind: &'static str },
    #[error("`{path}` is {size} bytes; a policy file may be at most {MAX_POLICY_BYTES} bytes")]
    TooLarge { path: String, size: u64 },
    #[error("not a valid policy file: {0}")]
    Json(#[from] serde_json::Error),
    #[error("not a stringent policy: `format` is `{0}`, expected `{FORMAT}`")]
    WrongFormat(String),
    #[error(
        "schema version `{found}` is not supported: this loader reads 1.{OLDEST_READABLE_MINOR} and later 1.x versions"
    )]
    UnsupportedVersion { found: String },
    #[error(
        "schema version `{found}` is too old: this loader reads 1.{OLDEST_READABLE_MINOR} and later 1.x versions, whose \
         permissions are ways of instruments and conditions; recompile it with this version of stringent"
    )]
    TooOld { found: String },
    #[error("content hash mismatch: the file says `{stated}` but its content hashes to `{actual}`")]
    HashMismatch { stated: String, actual: String },
    #[error(
        "integrity hash mismatch: the file says `{stated}` but hashes to `{actual}`; it was changed after it was \
         compiled (provenance included): recompile it"
    )]
    IntegrityMismatch { stated: String, actual: String },
    #[error(
        "the policy has no `integrity` hash (schema version {version}): this loader requires one; recompile it with \
         this version of stringent"
    )]
    MissingIntegrity { version: String },
    #[error("the policy is inconsistent: {0}")]
    Inconsistent(String),
}

/// A question about one disclosure. Several categories mean a record that carries all of
/// them; the answer is then the meet over them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    pub categories: Vec<String>,
    pub purpose: String,
    pub recipient: String,
    /// Default `adult`.
    pub subject: String,
    /// Default `provider`.
    pub holder: String,
}

impl Question {
    /// A question about one category, subject `adult` and holder `provider`.
    pub fn new(category: &str, purpose: &str, recipient: &str) -> Self {
        Question {
            categories: vec![category.to_owned()],
            purpose: purpose.to_owned(),
            recipient: recipient.to_owned(),
            subject: "adult".to_owned(),
            holder: "provider".to_owned(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    #[error("unknown {axis} `{value}`; valid values: {}", valid.join(", "))]
    UnknownValue { axis: &'static str, value: String, valid: Vec<String> },
    #[error("a question needs at least one category")]
    NoCategory,
}

/// A policy ready to answer questions: value ids are indexed once at load, and the cells
/// are folded into a table small enough to stay in cache (`CellTable`).
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    policy: Policy,
    index: [HashMap<String, u32>; 5],
    strides: [usize; 5],
    table: CellTable,
}

/// The requirement of every cell, stored once per tuple of classes of values: values of an
/// axis whose cells all have the same requirements are one class. A chain of 234,080 cells
/// folds into a few thousand tuples, so random questions read a table that fits in cache
/// instead of a cell array that does not.
#[derive(Debug, Clone, Default)]
struct CellTable {
    /// Per axis, per value: its class.
    class_of: [Vec<u32>; 5],
    /// Per axis: the number of classes.
    counts: [usize; 5],
    /// Per tuple of classes, row-major: the requirement index.
    requirements: Vec<u32>,
}

impl CellTable {
    fn new(cells: &[u32], sizes: [usize; 5], strides: [usize; 5]) -> Self {
        let mut table = CellTable::default();
        if cells.is_empty() {
            // An axis without values: no point has a requirement.
            table.class_of = sizes.map(|size| vec![0; size]);
            return table;
        }
        let mut reps: [Vec<usize>; 5] = Default::default();
        for (a, ((size, stride), (class_of, rep))) in
            sizes.iter().zip(strides).zip(table.class_of.iter_mut().zip(reps.iter_mut())).enumerate()
        {
            // The cells with value `v` on this axis: one run of `stride` cells in each block
            // of `size * stride`.
            let runs =
                |v: usize| cells.chunks(size * stride).filter_map(move |block| block.get(v * stride..(v + 1) * stride));
            let signature = |v: usize| {
                runs(v)
                    .flatten()
                    .fold(0xcbf2_9ce4_8422_2325u64, |h, c| (h ^ u64::from(*c)).wrapping_mul(0x100_0000_01b3))
            };
            let mut seen: Vec<(u64, usize, u32)> = Vec::new();
            for v in 0..*size {
                let sig = signature(v);
                let same = seen.iter().find(|(s, w, _)| *s == sig && runs(v).flatten().eq(runs(*w).flatten()));
                let class = match same {
                    Some((_, _, class)) => *class,
                    None => {
                        let class = u32::try_from(rep.len()).unwrap_or(u32::MAX);
                        seen.push((sig, v, class));
                        rep.push(v);
                        class
                    }
                };
                class_of.push(class);
            }
            if let Some(count) = table.counts.get_mut(a) {
                *count = rep.len();
            }
        }
        let [r0, r1, r2, r3, r4] = reps.each_ref();
        let [s0, s1, s2, s3, s4] = strides;
        for v0 in r0 {
            for v1 in r1 {
                for v2 in r2 {
                    for v3 in r3 {
                        for v4 in r4 {
                            let cell = v0 * s0 + v1 * s1 + v2 * s2 + v3 * s3 + v4 * s4;
                            table.requirements.push(cells.get(cell).copied().unwrap_or(0));
                        }
                    }
                }
            }
        }
        table
    }

    /// The requirement index of a point whose values are in range.
    fn requirement(&self, point: [u32; 5]) -> Option<u32> {
        let mut tuple = 0usize;
        for ((p, classes), count) in point.iter().zip(&self.class_of).zip(self.counts) {
            tuple = tuple * count + *classes.get(*p as usize)? as usize;
        }
        self.requirements.get(tuple).copied()
    }
}

impl LoadedPolicy {
    /// Read and verify an artifact file: a regular file (links followed) of at most
    /// [`MAX_POLICY_BYTES`].
    pub fn load(path: &Path) -> Result<Self, LoadError> {
        use std::io::Read as _;
        let shown = || path.display().to_string();
        let io = |source| LoadError::Io { path: shown(), source };
        let meta = std::fs::metadata(path).map_err(io)?;
        if !meta.is_file() {
            return Err(LoadError::NotAFile { path: shown(), kind: file_kind(&meta.file_type()) });
        }
        if meta.len() > MAX_POLICY_BYTES {
            return Err(LoadError::TooLarge { path: shown(), size: meta.len() });
        }
        // The file may grow between the check and the read: read one byte past the limit
        // at most, and refuse if it is there.
        let file = std::fs::File::open(path).map_err(io)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(MAX_POLICY_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
        let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
        if read > MAX_POLICY_BYTES {
            return Err(LoadError::TooLarge { path: shown(), size: read });
        }
        Self::from_json(&bytes)
    }

    /// Parse and verify an artifact.
    pub fn from_json(bytes: &[u8]) -> Result<Self, LoadError> {
        let head: Head = serde_json::from_slice(bytes)?;
        if head.format != FORMAT {
            return Err(LoadError::WrongFormat(head.format));
        }
        check_version(&head.schema_version)?;
        if head.integrity.is_none() {
            return Err(LoadError::MissingIntegrity { version: head.schema_version });
        }
        let policy: Policy = serde_json::from_slice(bytes)?;
        let actual = policy.compute_hash();
        if actual != policy.content_hash {
            return Err(LoadError::HashMismatch { stated: policy.content_hash, actual });
        }
        let actual = policy.compute_integrity();
        if actual != policy.integrity {
            return Err(LoadError::IntegrityMismatch { stated: policy.integrity, actual });
        }
        Self::new(policy)
    }

    /// Index a policy built in memory (no hash check: it was just computed).
    pub fn new(policy: Policy) -> Result<Self, LoadError> {
        let axes = &policy.vocabulary.axes;
        let names: Vec<&str> = axes.iter().map(|a| a.id.as_str()).collect();
        if names != AXES {
            return Err(LoadError::Inconsistent(format!("axes are {names:?}, expected {AXES:?}")));
        }
        let mut index: [HashMap<String, u32>; 5] = Default::default();
        let mut sizes = [0usize; 5];
        for ((axis, map), size) in axes.iter().zip(index.iter_mut()).zip(sizes.iter_mut()) {
            for (i, v) in axis.values.iter().enumerate() {
                map.insert(v.id.clone(), u32::try_from(i).unwrap_or(u32::MAX));
            }
            *size = axis.values.len();
        }
        // A hostile vocabulary can describe more cells than a machine can count: refuse it
        // rather than overflow.
        let too_many = || LoadError::Inconsistent("the axes describe more cells than can be stored".into());
        let mut strides = [1usize; 5];
        for i in (0..4).rev() {
            let next = strides
                .get(i + 1)
                .copied()
                .unwrap_or(1)
                .checked_mul(sizes.get(i + 1).copied().unwrap_or(1))
                .ok_or_else(too_many)?;
            if let Some(s) = strides.get_mut(i) {
                *s = next;
            }
        }
        let cell_count = sizes.iter().try_fold(1usize, |acc, n| acc.checked_mul(*n)).ok_or_else(too_many)?;
        if policy.cells.len() != cell_count || policy.cell_provenance.len() != cell_count {
            return Err(LoadError::Inconsistent(format!(
                "{} cells and {} provenance entries for {cell_count} cells",
                policy.cells.len(),
                policy.cell_provenance.len()
            )));
        }
        let reqs = policy.requirements.len();
        if policy.cells.iter().any(|&c| c as usize >= reqs) {
            return Err(LoadError::Inconsistent("a cell names a requirement that does not exist".into()));
        }
        let provs = policy.provenance.len();
        if policy.cell_provenance.iter().any(|&c| c as usize >= provs) {
            return Err(LoadError::Inconsistent("a cell names provenance that does not exist".into()));
        }
        let rules = policy.rules.len();
        if policy.provenance.iter().flatten().any(|inv| inv.rule as usize >= rules) {
            return Err(LoadError::Inconsistent("provenance names a rule that does not exist".into()));
        }
        let conditions = &policy.vocabulary.conditions;
        if conditions.len() > MAX_CONDITIONS {
            return Err(LoadError::Inconsistent(format!(
                "{} conditions are declared; at most {MAX_CONDITIONS} can be",
                conditions.len()
            )));
        }
        let declared = |id: &String| conditions.iter().any(|t| t.id == *id);
        if policy.requirements.iter().flat_map(|r| &r.ways).flat_map(|w| &w.conditions).any(|c| !declared(c)) {
            return Err(LoadError::Inconsistent("a way names a condition the vocabulary does not declare".into()));
        }
        // `level` and `bases` are derived from `ways`: a record whose stored level says more
        // than its ways (as a hand-made file with recomputed hashes could) is refused, since
        // `requirement()` hands out the stored level.
        if policy.requirements.iter().any(|r| RequirementRecord::new(&r.requirement(conditions), conditions) != *r) {
            return Err(LoadError::Inconsistent("a requirement's level or bases disagree with its ways".into()));
        }
        let table = CellTable::new(&policy.cells, sizes, strides);
        Ok(LoadedPolicy { policy, index, strides, table })
    }

    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The position of a value on an axis (0 = category … 4 = holder).
    pub fn value_index(&self, axis: usize, id: &str) -> Option<u32> {
        self.index.get(axis)?.get(id).copied()
    }

    /// The cell number of a point given as value positions; `None` when out of range.
    pub fn cell(&self, point: [u32; 5]) -> Option<usize> {
        let mut cell = 0usize;
        for ((p, stride), axis) in point.iter().zip(self.strides).zip(&self.policy.vocabulary.axes) {
            if *p as usize >= axis.values.len() {
                return None;
            }
            cell += *p as usize * stride;
        }
        Some(cell)
    }

    /// The requirement of one cell: the hot path. Constant time, no allocation.
    pub fn requirement(&self, point: [u32; 5]) -> Option<&RequirementRecord> {
        self.policy.requirements.get(self.table.requirement(point)? as usize)
    }

    /// Resolve the value ids of a question to cell coordinates, one point per category.
    pub fn points(&self, q: &Question) -> Result<Vec<[u32; 5]>, QuestionError> {
        if q.categories.is_empty() {
            return Err(QuestionError::NoCategory);
        }
        let find = |axis: usize, value: &str| {
            self.value_index(axis, value).ok_or_else(|| QuestionError::UnknownValue {
                axis: AXES.get(axis).copied().unwrap_or("axis"),
                value: value.to_owned(),
                valid: self
                    .policy
                    .vocabulary
                    .axes
                    .get(axis)
                    .map(|a| a.values.iter().map(|v| v.id.clone()).collect())
                    .unwrap_or_default(),
            })
        };
        let rest = [find(1, &q.purpose)?, find(2, &q.recipient)?, find(3, &q.subject)?, find(4, &q.holder)?];
        q.categories
            .iter()
            .map(|c| {
                let [p, r, s, h] = rest;
                Ok([find(0, c)?, p, r, s, h])
            })
            .collect()
    }
}

/// What a path that is not a regular file is, in words.
fn file_kind(ft: &std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt as _;
        if ft.is_fifo() {
            return "a FIFO";
        }
        if ft.is_socket() {
            return "a socket";
        }
        if ft.is_block_device() || ft.is_char_device() {
            return "a device";
        }
    }
    if ft.is_dir() { "a directory" } else { "a special file" }
}

fn check_version(version: &str) -> Result<(), LoadError> {
    let ours = SCHEMA_VERSION.split('.').next().unwrap_or_default();
    match version.split_once('.').map(|(major, minor)| (major, minor.parse::<u32>())) {
        Some((major, Ok(minor))) if major == ours && minor >= OLDEST_READABLE_MINOR => Ok(()),
        Some((major, Ok(_))) if major == ours => Err(LoadError::TooOld { found: version.to_owned() }),
        _ => Err(LoadError::UnsupportedVersion { found: version.to_owned() }),
    }
}

/// The fields read before trusting the rest of the file.
#[derive(serde::Deserialize)]
struct Head {
    format: String,
    schema_version: String,
    integrity: Option<String>,
}
