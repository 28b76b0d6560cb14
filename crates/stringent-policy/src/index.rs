//! Opening a jurisdiction's artifact through the index of a compile's output directory, so
//! that a reader names the directory (`--out DIR`) and never the generation inside it,
//! whose name changes with every compile that changes a byte.

use crate::artifact::{INDEX_FILE, INDEX_FORMAT, IndexEntry, PolicyIndex};
use crate::load::{LoadError, LoadedPolicy, MAX_INDEX_BYTES, check_version, read_bounded};
use std::path::{Component, Path, PathBuf};

/// The index of a compile's output directory, read and checked: it names each
/// jurisdiction once, and each artifact by a relative path inside the directory.
///
/// ```
/// use stringent_policy::{Index, LoadError, Question};
/// # let dir = std::env::temp_dir().join(format!("stringent-policy-doc-index-{}", std::process::id()));
/// # stringent_policy::index::tests_support::write_compile_output(&dir)?;
///
/// // `dir` is what `stringent compile rules --out DIR` wrote.
/// let index = Index::read(&dir)?;
/// assert_eq!(index.jurisdictions().collect::<Vec<_>>(), ["US-XX"]);
/// let policy = index.open("US-XX")?;
/// assert_eq!(policy.decide(&Question::new("hiv", "employment", "employer"))?.level.as_str(), "specific_authorization");
///
/// let err = index.open("US-XY").unwrap_err();
/// assert!(matches!(err, LoadError::UnknownJurisdiction { ref known, .. } if known == &["US-XX"]));
/// # std::fs::remove_dir_all(&dir)?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone)]
pub struct Index {
    /// The directory, resolved (no links, absolute): every artifact must lie inside it.
    dir: PathBuf,
    index: PolicyIndex,
}

impl Index {
    /// Read `DIR/index.json` (a regular file of at most [`MAX_INDEX_BYTES`]) and check it:
    /// its `format` and `schema_version`, each jurisdiction named once, and each `file` a
    /// relative path of plain names (no `..`, no root). Whether a file's links lead out of
    /// the directory is checked when it is opened.
    pub fn read(dir: impl AsRef<Path>) -> Result<Self, LoadError> {
        let given = dir.as_ref();
        let path = given.join(INDEX_FILE);
        let bytes = read_bounded(&path, "an index", MAX_INDEX_BYTES)?;
        #[derive(serde::Deserialize)]
        struct Format {
            format: String,
        }
        let head: Format = serde_json::from_slice(&bytes)?;
        if head.format != INDEX_FORMAT {
            return Err(LoadError::NotAnIndex { path: path.display().to_string(), format: head.format });
        }
        let index: PolicyIndex = serde_json::from_slice(&bytes)?;
        check_version(&index.schema_version)?;
        let mut seen = std::collections::HashSet::new();
        for e in &index.policies {
            if !seen.insert(e.jurisdiction.as_str()) {
                return Err(LoadError::DuplicateJurisdiction(e.jurisdiction.clone()));
            }
            if !is_plain_relative(&e.file) {
                return Err(outside(e));
            }
        }
        let dir = std::fs::canonicalize(given)
            .map_err(|source| LoadError::Io { path: given.display().to_string(), source })?;
        Ok(Index { dir, index })
    }

    /// The jurisdictions the index names, in its order (federal first, then by id).
    pub fn jurisdictions(&self) -> impl Iterator<Item = &str> {
        self.index.policies.iter().map(|e| e.jurisdiction.as_str())
    }

    /// The index as read: its date, compiler and entries.
    pub fn index(&self) -> &PolicyIndex {
        &self.index
    }

    /// The entry of a jurisdiction.
    pub fn entry(&self, jurisdiction: &str) -> Result<&IndexEntry, LoadError> {
        self.index.policies.iter().find(|e| e.jurisdiction == jurisdiction).ok_or_else(|| {
            LoadError::UnknownJurisdiction {
                jurisdiction: jurisdiction.to_owned(),
                known: self.jurisdictions().map(str::to_owned).collect(),
            }
        })
    }

    /// The artifact file of a jurisdiction, with every link resolved; an error if it lies
    /// outside the directory (a link that leads out included) or does not exist.
    pub fn path(&self, jurisdiction: &str) -> Result<PathBuf, LoadError> {
        let entry = self.entry(jurisdiction)?;
        let joined = self.dir.join(&entry.file);
        let resolved = std::fs::canonicalize(&joined)
            .map_err(|source| LoadError::Io { path: joined.display().to_string(), source })?;
        if !resolved.starts_with(&self.dir) {
            return Err(outside(entry));
        }
        Ok(resolved)
    }

    /// Load and verify a jurisdiction's artifact as [`LoadedPolicy::load`] does, and check
    /// that it is the one the index describes: same jurisdiction, chain, date and hashes.
    pub fn open(&self, jurisdiction: &str) -> Result<LoadedPolicy, LoadError> {
        let entry = self.entry(jurisdiction)?;
        let loaded = LoadedPolicy::load(self.path(jurisdiction)?)?;
        let p = loaded.policy();
        let chain: Vec<&str> = p.chain.iter().map(|l| l.id.as_str()).collect();
        let checks = [
            ("jurisdiction", entry.jurisdiction.clone(), p.jurisdiction().to_owned()),
            ("chain", entry.chain.join("+"), chain.join("+")),
            ("as_of", self.index.as_of.clone(), p.as_of.clone()),
            ("content_hash", entry.content_hash.clone(), p.content_hash.clone()),
            ("integrity", entry.integrity.clone(), p.integrity.clone()),
        ];
        for (field, expected, found) in checks {
            if expected != found {
                return Err(LoadError::IndexMismatch {
                    jurisdiction: entry.jurisdiction.clone(),
                    field,
                    expected,
                    found,
                });
            }
        }
        Ok(loaded)
    }
}

impl LoadedPolicy {
    /// Open a jurisdiction's artifact in the output directory of `stringent compile --out
    /// DIR`, through `DIR/index.json`: [`Index::read`] then [`Index::open`]. A reader names
    /// the directory, which stays put, not the generation inside it, which a compile that
    /// changes anything renames.
    ///
    /// ```
    /// use stringent_policy::{LoadError, LoadedPolicy};
    /// # let dir = std::env::temp_dir().join(format!("stringent-policy-doc-open-{}", std::process::id()));
    /// # stringent_policy::index::tests_support::write_compile_output(&dir)?;
    ///
    /// let policy = LoadedPolicy::open(&dir, "US-XX")?;
    /// assert_eq!(policy.policy().chain.len(), 2);
    /// assert!(matches!(LoadedPolicy::open(&dir, "US-CA"), Err(LoadError::UnknownJurisdiction { .. })));
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn open(dir: impl AsRef<Path>, jurisdiction: &str) -> Result<Self, LoadError> {
        Index::read(dir)?.open(jurisdiction)
    }
}

fn outside(e: &IndexEntry) -> LoadError {
    LoadError::OutsideDirectory { jurisdiction: e.jurisdiction.clone(), file: e.file.clone() }
}

/// Whether `file` is a relative path of plain names separated by `/`: no root, no prefix,
/// no `.` or `..`, no backslash (a separator elsewhere), nothing empty.
fn is_plain_relative(file: &str) -> bool {
    !file.is_empty()
        && !file.contains('\\')
        && file.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
        && Path::new(file).components().all(|c| matches!(c, Component::Normal(_)))
}

/// A compile's output directory made of the loader's own fixture, for the examples.
#[doc(hidden)]
pub mod tests_support {
    use crate::artifact::{CompilerInfo, INDEX_FILE, INDEX_FORMAT, IndexEntry, Policy, PolicyIndex};
    use std::path::Path;

    /// Write `dir/index.json` and `dir/policies-0000000000000000/US-XX.json` as a compile
    /// of the fixture would.
    pub fn write_compile_output(dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
        let bytes = include_bytes!("../tests/data/tiny-US-XX.json");
        let policy: Policy = serde_json::from_slice(bytes)?;
        let generation = "policies-0000000000000000";
        std::fs::create_dir_all(dir.join(generation))?;
        std::fs::write(dir.join(generation).join("US-XX.json"), bytes)?;
        let index = PolicyIndex {
            format: INDEX_FORMAT.to_owned(),
            schema_version: policy.schema_version.clone(),
            compiler: CompilerInfo { name: "stringent".to_owned(), version: "0.1.0".to_owned() },
            as_of: policy.as_of.clone(),
            policies: vec![IndexEntry {
                jurisdiction: policy.jurisdiction().to_owned(),
                chain: policy.chain.iter().map(|l| l.id.clone()).collect(),
                file: format!("{generation}/US-XX.json"),
                content_hash: policy.content_hash.clone(),
                integrity: policy.integrity.clone(),
            }],
        };
        std::fs::write(dir.join(INDEX_FILE), serde_json::to_vec_pretty(&index)?)?;
        Ok(())
    }
}
