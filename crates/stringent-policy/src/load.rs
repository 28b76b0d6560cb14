//! Loading an artifact safely: format, version, hash and internal consistency are checked
//! before a single question is answered, so a corrupt file is an error, never a panic.

use crate::artifact::{AXES, FORMAT, INDEX_FORMAT, Policy, RequirementRecord, SCHEMA_VERSION};
use crate::decision::HistoryGap;
use crate::grid::RegionIndex;
use crate::ids::IdIndex;
use crate::lattice::MAX_CONDITIONS;
use std::path::Path;

/// The largest policy file [`LoadedPolicy::load`] reads. The compiler's limits keep every
/// artifact far below it (at most about 12 MB of cells; the shipped ones are under 1 MB);
/// the bound keeps a wrong or hostile path from filling memory.
pub const MAX_POLICY_BYTES: u64 = 64 * 1024 * 1024;

/// The largest index file [`Index::read`](crate::Index::read) reads: about a hundred
/// thousand entries, far more than any compile writes (the shipped rules' index is under
/// 20 kB).
pub const MAX_INDEX_BYTES: u64 = 16 * 1024 * 1024;

/// The subject a [`Question`] asks about unless told otherwise; `stringent decide` uses it
/// too.
pub const DEFAULT_SUBJECT: &str = "adult";
/// The holder a [`Question`] asks about unless told otherwise; `stringent decide` uses it
/// too.
pub const DEFAULT_HOLDER: &str = "provider";

/// Why a file was not loaded. Each says what to do about it: a consumer never answers from
/// a policy that failed a check.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Io {
        /// The file, as given.
        path: String,
        /// What the operating system said.
        source: std::io::Error,
    },
    /// A directory, FIFO, socket or device: opening a FIFO would block until a writer
    /// comes, so the file type is checked before the file is opened.
    #[error("cannot read `{path}`: it is {kind}, not a regular file")]
    NotAFile {
        /// The file, as given.
        path: String,
        /// What it is instead: `a directory`, `a FIFO`, ….
        kind: &'static str,
    },
    /// Larger than [`MAX_POLICY_BYTES`] (an index: [`MAX_INDEX_BYTES`]): refused before it
    /// is read, so a wrong path cannot fill memory.
    #[error("`{path}` is {size} bytes; {what} may be at most {limit} bytes")]
    TooLarge {
        /// The file, as given.
        path: String,
        /// Its size in bytes.
        size: u64,
        /// `a policy file` or `an index`.
        what: &'static str,
        /// The most that is read of it.
        limit: u64,
    },
    /// Not JSON, or JSON of another shape: truncated, corrupt, or not an artifact.
    #[error("not a valid policy file: {0}")]
    Json(#[from] serde_json::Error),
    /// Valid JSON whose `format` names something else, e.g. the index file.
    #[error("not a stringent policy: `format` is `{0}`, expected `{FORMAT}`")]
    WrongFormat(String),
    #[error(
        "schema version `{found}` is not supported: this loader reads schema {SCHEMA_VERSION} and later 2.x versions; \
         read it with the version of stringent that wrote it, or a later one"
    )]
    /// A later major version, which this loader could misread.
    UnsupportedVersion {
        /// The file's `schema_version`.
        found: String,
    },
    #[error(
        "schema version `{found}` is too old: this loader reads schema {SCHEMA_VERSION} and later 2.x versions \
         (schema 2.0 stores the answers as regions, not per-cell arrays); recompile the rules with this version of \
         stringent"
    )]
    /// A 1.x artifact, whose per-cell layout this loader no longer reads.
    TooOld {
        /// The file's `schema_version`.
        found: String,
    },
    #[error("content hash mismatch: the file says `{stated}` but its content hashes to `{actual}`")]
    /// The answers were changed after the compile (or the file is corrupt).
    HashMismatch {
        /// The `content_hash` the file states.
        stated: String,
        /// The hash of the content as read.
        actual: String,
    },
    #[error(
        "integrity hash mismatch: the file says `{stated}` but hashes to `{actual}`; it was changed after it was \
         compiled (provenance included): recompile it"
    )]
    /// Some field beyond the answers (a citation, a title) was changed after the compile.
    IntegrityMismatch {
        /// The `integrity` the file states.
        stated: String,
        /// The hash of the file as read.
        actual: String,
    },
    #[error(
        "the policy has no `integrity` hash (schema version {version}): this loader requires one; recompile it with \
         this version of stringent"
    )]
    /// No `integrity` field: edits to provenance could not be detected.
    MissingIntegrity {
        /// The file's `schema_version`.
        version: String,
    },
    /// `index.json` is JSON whose `format` is not the index's.
    #[error("`{path}` is not a stringent index: `format` is `{format}`, expected `{INDEX_FORMAT}`")]
    NotAnIndex {
        /// The index file.
        path: String,
        /// Its `format`.
        format: String,
    },
    /// The index names no chain of this jurisdiction; `known` lists those it names.
    #[error("the index names no jurisdiction `{jurisdiction}`; it has {}", brief(known))]
    UnknownJurisdiction {
        /// The jurisdiction asked for.
        jurisdiction: String,
        /// The jurisdictions the index names, in its order.
        known: Vec<String>,
    },
    /// An index entry whose `file` is not a path inside the index's directory: absolute,
    /// climbing out with `..`, or reaching out through a link. A tampered index could
    /// otherwise make a reader load any file it can reach.
    #[error("the index entry of `{jurisdiction}` names `{file}`, which is not inside the index's directory")]
    OutsideDirectory {
        /// The entry's jurisdiction.
        jurisdiction: String,
        /// The entry's `file`, as written.
        file: String,
    },
    /// The index names a jurisdiction twice: which file answers for it would be a guess.
    #[error("the index names the jurisdiction `{0}` twice")]
    DuplicateJurisdiction(String),
    /// The artifact the index names is not the one it describes: its jurisdiction, chain,
    /// date or a hash differs from the entry's (an artifact or the index replaced by hand).
    #[error(
        "the artifact of `{jurisdiction}` does not match the index: its {field} is `{found}`, the index says \
         `{expected}`; recompile"
    )]
    IndexMismatch {
        /// The entry's jurisdiction.
        jurisdiction: String,
        /// `jurisdiction`, `chain`, `as_of`, `content_hash` or `integrity`.
        field: &'static str,
        /// What the index states.
        expected: String,
        /// What the artifact holds.
        found: String,
    },
    /// The hashes match but the parts disagree (regions that miss cells, an index out of
    /// range, a level that its ways do not give): answering could read nonsense.
    #[error("the policy is inconsistent: {0}")]
    Inconsistent(String),
}

/// A question about one disclosure. Several categories mean a record that carries all of
/// them; the answer is then the meet over them.
///
/// ```
/// use stringent_policy::{DEFAULT_HOLDER, Question};
///
/// let q = Question::new("hiv", "employment", "employer").subject("minor").with_category("genetic");
/// assert_eq!(q.categories, ["hiv", "genetic"]);
/// assert_eq!((q.subject.as_str(), q.holder.as_str()), ("minor", DEFAULT_HOLDER));
/// let q = q.holder("hospital");
/// assert_eq!(q.holder, "hospital");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Question {
    /// Value ids of the `category` axis; at least one.
    pub categories: Vec<String>,
    /// A value id of the `purpose` axis.
    pub purpose: String,
    /// A value id of the `recipient` axis.
    pub recipient: String,
    /// Default [`DEFAULT_SUBJECT`].
    pub subject: String,
    /// Default [`DEFAULT_HOLDER`].
    pub holder: String,
}

impl LoadError {
    /// A stable name for the kind of error, for callers that branch on it (the Python
    /// package's exceptions, the C ABI's codes): it never changes for a kind, whatever the
    /// message says.
    pub fn code(&self) -> &'static str {
        match self {
            LoadError::Io { .. } => "io",
            LoadError::NotAFile { .. } => "not_a_file",
            LoadError::TooLarge { .. } => "too_large",
            LoadError::Json(_) => "json",
            LoadError::WrongFormat(_) => "wrong_format",
            LoadError::UnsupportedVersion { .. } => "unsupported_version",
            LoadError::TooOld { .. } => "too_old",
            LoadError::HashMismatch { .. } => "hash_mismatch",
            LoadError::IntegrityMismatch { .. } => "integrity_mismatch",
            LoadError::MissingIntegrity { .. } => "missing_integrity",
            LoadError::NotAnIndex { .. } => "not_an_index",
            LoadError::UnknownJurisdiction { .. } => "unknown_jurisdiction",
            LoadError::OutsideDirectory { .. } => "outside_directory",
            LoadError::DuplicateJurisdiction(_) => "duplicate_jurisdiction",
            LoadError::IndexMismatch { .. } => "index_mismatch",
            LoadError::Inconsistent(_) => "inconsistent",
        }
    }
}

impl Question {
    /// A question about one category, subject [`DEFAULT_SUBJECT`] and holder
    /// [`DEFAULT_HOLDER`].
    pub fn new(category: &str, purpose: &str, recipient: &str) -> Self {
        Question {
            categories: vec![category.to_owned()],
            purpose: purpose.to_owned(),
            recipient: recipient.to_owned(),
            subject: DEFAULT_SUBJECT.to_owned(),
            holder: DEFAULT_HOLDER.to_owned(),
        }
    }

    /// The same question about another subject (a value id of the `subject` axis).
    #[must_use]
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = subject.into();
        self
    }

    /// The same question for another holder (a value id of the `holder` axis).
    #[must_use]
    pub fn holder(mut self, holder: impl Into<String>) -> Self {
        self.holder = holder.into();
        self
    }

    /// The same question about a record that also carries `category`.
    #[must_use]
    pub fn with_category(mut self, category: impl Into<String>) -> Self {
        self.categories.push(category.into());
        self
    }

    /// The same question about a record that also carries each of `categories`.
    ///
    /// ```
    /// use stringent_policy::Question;
    ///
    /// let q = Question::new("hiv", "employment", "employer").with_categories(["genetic", "mental_health"]);
    /// assert_eq!(q.categories, ["hiv", "genetic", "mental_health"]);
    /// ```
    #[must_use]
    pub fn with_categories<S: Into<String>>(mut self, categories: impl IntoIterator<Item = S>) -> Self {
        self.categories.extend(categories.into_iter().map(Into::into));
        self
    }

    /// The values asked on each axis, in the order of [`AXES`]: with `AXES`, the one place
    /// that pairs the fields of a question with the axes.
    pub fn by_axis(&self) -> [&[String]; AXES.len()] {
        [
            &self.categories,
            std::slice::from_ref(&self.purpose),
            std::slice::from_ref(&self.recipient),
            std::slice::from_ref(&self.subject),
            std::slice::from_ref(&self.holder),
        ]
    }

    /// The question about one point, given its value on each axis in the order of
    /// [`AXES`]; `None` with another number of values.
    pub fn at(values: &[&str]) -> Option<Question> {
        let [category, purpose, recipient, subject, holder] = values else {
            return None;
        };
        Some(Question {
            categories: vec![(*category).to_owned()],
            purpose: (*purpose).to_owned(),
            recipient: (*recipient).to_owned(),
            subject: (*subject).to_owned(),
            holder: (*holder).to_owned(),
        })
    }
}

/// Why a question has no answer: it names something the policy's vocabulary lacks. An
/// answer is never guessed for a value the policy does not know.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QuestionError {
    /// A value id the axis does not have; `valid` lists the ones it has (the message names
    /// only the first few).
    #[error("unknown {axis} `{value}`; valid values: {}", brief(valid))]
    UnknownValue {
        /// The axis: `category`, `purpose`, `recipient`, `subject` or `holder`.
        axis: &'static str,
        /// The id asked for.
        value: String,
        /// The axis's value ids.
        valid: Vec<String>,
    },
    /// `categories` was empty: there is no record to answer for.
    #[error("a question needs at least one category")]
    NoCategory,
    /// The requirements of the categories asked together combine into more ways to
    /// disclose than one meet enumerates ([`crate::lattice::MAX_WAY_PRODUCTS`]): the answer
    /// would keep fewer ways than the law's, so none is given.
    #[error(
        "the requirements of these categories combine into more than {} ways to disclose; ask about fewer categories at once",
        crate::lattice::MAX_WAY_PRODUCTS
    )]
    TooManyWays,
}

impl QuestionError {
    /// A stable name for the kind of error: `unknown_value` or `no_category`.
    pub fn code(&self) -> &'static str {
        match self {
            QuestionError::UnknownValue { .. } => "unknown_value",
            QuestionError::NoCategory => "no_category",
            QuestionError::TooManyWays => "too_many_ways",
        }
    }
}

/// A policy ready to answer questions: value ids are indexed once at load, and the
/// regions prepared so that a cell is read from a table small enough to stay in cache.
#[derive(Debug, Clone)]
pub struct LoadedPolicy {
    policy: Policy,
    index: std::sync::Arc<IdIndex>,
    regions: RegionIndex,
    /// What every decision repeats, prepared once so that a decision borrows it: the
    /// chain's layer ids, the layers whose history begins after `as_of`, and each rule's
    /// citations joined for one line.
    chain: Vec<String>,
    history: Vec<HistoryGap>,
    citations: Vec<String>,
}

impl LoadedPolicy {
    /// Read and verify an artifact file: a regular file (links followed) of at most
    /// [`MAX_POLICY_BYTES`].
    ///
    /// ```
    /// use stringent_policy::{LoadError, LoadedPolicy};
    ///
    /// let policy = LoadedPolicy::load("tests/data/tiny-US-XX.json")?;
    /// assert_eq!(policy.policy().jurisdiction(), "US-XX");
    /// // A compile's output directory is opened through its index instead (`LoadedPolicy::open`).
    /// assert!(matches!(LoadedPolicy::load("tests/data"), Err(LoadError::NotAFile { .. })));
    /// # Ok::<(), LoadError>(())
    /// ```
    pub fn load(path: impl AsRef<Path>) -> Result<Self, LoadError> {
        Self::from_json(&read_bounded(path.as_ref(), "a policy file", MAX_POLICY_BYTES)?)
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
        let index =
            IdIndex::shared(axes.iter().map(|a| a.values.iter().map(|v| v.id.as_str()))).map_err(|(axis, id)| {
                let axis = axes.get(axis).map_or("?", |a| a.id.as_str());
                LoadError::Inconsistent(format!("axis `{axis}` names the value `{id}` twice"))
            })?;
        check_hierarchies(axes, &index)?;
        let sizes: Vec<usize> = axes.iter().map(|a| a.values.len()).collect();
        policy.regions.check(&sizes).map_err(LoadError::Inconsistent)?;
        let (reqs, provs) = (policy.requirements.len(), policy.provenance.len());
        if policy.regions.table.iter().any(|[r, _]| *r as usize >= reqs) {
            return Err(LoadError::Inconsistent("a region names a requirement that does not exist".into()));
        }
        if policy.regions.table.iter().any(|[_, p]| *p as usize >= provs) {
            return Err(LoadError::Inconsistent("a region names provenance that does not exist".into()));
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
        let too_many = || LoadError::Inconsistent("the classes describe more tuples than can be stored".into());
        let regions = RegionIndex::new(&policy.regions).ok_or_else(too_many)?;
        let chain = policy.chain.iter().map(|l| l.id.clone()).collect();
        let history = HistoryGap::of(&policy.chain, &policy.as_of);
        let citations = policy.rules.iter().map(|r| r.citations.join("; ")).collect();
        Ok(LoadedPolicy { policy, index, regions, chain, history, citations })
    }

    /// The artifact as loaded and checked, for its chain, vocabulary and provenance.
    pub fn policy(&self) -> &Policy {
        &self.policy
    }

    /// The position of a value on the axis at position `axis` of [`AXES`].
    pub fn value_index(&self, axis: usize, id: &str) -> Option<u32> {
        self.index.find(axis, id)
    }

    /// The id of the value at `position` on the axis at position `axis` of [`AXES`].
    pub fn value_id(&self, axis: usize, position: u32) -> Option<&str> {
        let axis = self.policy.vocabulary.axes.get(axis)?;
        axis.values.get(position as usize).map(|v| v.id.as_str())
    }

    /// The ids of the chain's layers, federal first.
    pub(crate) fn chain_ids(&self) -> &[String] {
        &self.chain
    }

    /// The layers whose declared history begins after the policy's `as_of`.
    pub(crate) fn history_gaps(&self) -> &[HistoryGap] {
        &self.history
    }

    /// Every citation of the rule at `rule`, joined with `; `.
    pub(crate) fn joined_citation(&self, rule: usize) -> &str {
        self.citations.get(rule).map_or("", String::as_str)
    }

    /// The number of the tuple of classes that holds a point (an index into
    /// `policy().regions.table`). `None` when out of range.
    #[inline]
    pub fn tuple(&self, point: &[u32]) -> Option<usize> {
        self.regions.tuple(point)
    }

    /// The entry of a point given as value positions, one per axis: the indices of its
    /// requirement and provenance. `None` when out of range.
    #[inline]
    pub fn entry(&self, point: &[u32]) -> Option<[u32; 2]> {
        self.regions.get(&self.policy.regions, point).copied()
    }

    /// The requirement of one cell: the hot path. Constant time, no allocation.
    #[inline]
    pub fn requirement(&self, point: &[u32]) -> Option<&RequirementRecord> {
        self.policy.requirements.get(self.entry(point)?[0] as usize)
    }

    /// The position of a value on the axis at position `axis` of [`AXES`], or the error a
    /// question naming it gets (with the axis's valid ids): [`value_index`](Self::value_index)
    /// for callers that must say why.
    pub fn value_position(&self, axis: usize, id: &str) -> Result<u32, QuestionError> {
        self.value_index(axis, id).ok_or_else(|| QuestionError::UnknownValue {
            axis: AXES.get(axis).copied().unwrap_or("axis"),
            value: id.to_owned(),
            valid: self
                .policy
                .vocabulary
                .axes
                .get(axis)
                .map(|a| a.values.iter().map(|v| v.id.clone()).collect())
                .unwrap_or_default(),
        })
    }

    /// Resolve the value ids of a question to cell coordinates, one point per category.
    pub fn points(&self, q: &Question) -> Result<Vec<Vec<u32>>, QuestionError> {
        if q.categories.is_empty() {
            return Err(QuestionError::NoCategory);
        }
        // The values of each axis, looked up in axis order; then every point they make, in
        // cell order: one per category.
        let mut values: Vec<Vec<u32>> = Vec::with_capacity(AXES.len());
        for (axis, ids) in q.by_axis().into_iter().enumerate() {
            values.push(ids.iter().map(|id| self.value_position(axis, id)).collect::<Result<_, _>>()?);
        }
        let mut points = Vec::with_capacity(q.categories.len());
        self.regions.cells().for_each_selected(&values, |_, point| points.push(point.to_vec()));
        Ok(points)
    }
}

/// Read a regular file (links followed) of at most `limit` bytes; `what` names it in the
/// error. The file type is checked before it is opened, and the read stops one byte past
/// the limit, so neither a FIFO nor a growing file can stall or fill memory.
pub(crate) fn read_bounded(path: &Path, what: &'static str, limit: u64) -> Result<Vec<u8>, LoadError> {
    use std::io::Read as _;
    let shown = || path.display().to_string();
    let io = |source| LoadError::Io { path: shown(), source };
    let meta = std::fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(LoadError::NotAFile { path: shown(), kind: file_kind(&meta.file_type()) });
    }
    if meta.len() > limit {
        return Err(LoadError::TooLarge { path: shown(), size: meta.len(), what, limit });
    }
    let file = std::fs::File::open(path).map_err(io)?;
    let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
    file.take(limit + 1).read_to_end(&mut bytes).map_err(io)?;
    let read = u64::try_from(bytes.len()).unwrap_or(u64::MAX);
    if read > limit {
        return Err(LoadError::TooLarge { path: shown(), size: read, what, limit });
    }
    Ok(bytes)
}

/// The first few of a list of ids, for a message: the whole list can be long (an index
/// of every state), and the caller keeps it for a "did you mean". The report's question form
/// (`question.js`) words it the same way.
fn brief(values: &[String]) -> String {
    const SHOWN: usize = 8;
    let head: Vec<&str> = values.iter().take(SHOWN).map(String::as_str).collect();
    match values.len() {
        0 => "none".to_owned(),
        n if n <= SHOWN => head.join(", "),
        n => format!("{}, … ({n} in all)", head.join(", ")),
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

pub(crate) fn check_version(version: &str) -> Result<(), LoadError> {
    let ours: u32 = SCHEMA_VERSION.split('.').next().and_then(|m| m.parse().ok()).unwrap_or_default();
    // Only canonical numbers: `02.0` or `+2.0` is no version this project writes.
    let parsed = version
        .split_once('.')
        .map(|(major, minor)| (major.parse::<u32>(), minor.parse::<u32>()))
        .filter(|(major, minor)| matches!((major, minor), (Ok(a), Ok(b)) if format!("{a}.{b}") == version));
    match parsed {
        // Every minor of this major: a later one only adds fields this loader ignores.
        Some((Ok(major), Ok(_))) if major == ours => Ok(()),
        Some((Ok(major), Ok(_))) if major <= ours => Err(LoadError::TooOld { found: version.to_owned() }),
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

/// Each axis names each value once, and its hierarchy is a forest: every parent is a value
/// of the axis and no value is its own ancestor. Code that walks up from a value (its HL7
/// labels, what a rule for a parent reaches) may then stop at the root without a bound.
fn check_hierarchies(axes: &[crate::artifact::Axis], index: &IdIndex) -> Result<(), LoadError> {
    for (position, axis) in axes.iter().enumerate() {
        for value in &axis.values {
            let mut at = value;
            let mut steps = 0;
            while let Some(parent) = &at.parent {
                let Some(next) = index.find(position, parent).and_then(|i| axis.values.get(i as usize)) else {
                    return Err(LoadError::Inconsistent(format!(
                        "value `{}` of axis `{}` has the parent `{parent}`, which the axis does not declare",
                        at.id, axis.id
                    )));
                };
                steps += 1;
                if steps > axis.values.len() {
                    return Err(LoadError::Inconsistent(format!(
                        "value `{}` of axis `{}` is its own ancestor",
                        value.id, axis.id
                    )));
                }
                at = next;
            }
        }
    }
    Ok(())
}
