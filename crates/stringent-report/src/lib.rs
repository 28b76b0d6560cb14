//! A static, self-contained HTML report of compiled stringent policies.
//!
//! [`write_report`] writes into one directory:
//!
//! - `index.html`: a matrix of jurisdictions × record categories, shaded by the share of
//!   questions (purpose × recipient, about an adult, held by a provider) where the
//!   jurisdiction's requirement is strictly stricter than the federal one;
//! - `jurisdictions/<id>.html`: every rule of a jurisdiction's chain, grouped by layer,
//!   and a question form answered in the browser from the compiled policy embedded in the
//!   page (`<script type="application/json">`), exactly as `LoadedPolicy::decide` answers;
//! - `assets/report.css`, `assets/question.js` and `assets/filter.js`.
//!
//! Nothing is loaded from the network: no CDN, no web fonts, no fetches. The pages work
//! from `file://`.

mod data;
pub use data::requirement_row;
mod html;
mod layers;
mod matrix;
mod pages;

use std::collections::{BTreeMap, BTreeSet};
use std::io;
use std::path::{Path, PathBuf};
use stringent_policy::{LoadedPolicy, Policy};

/// The stylesheet shared by every page.
const CSS: &str = include_str!("assets/report.css");
/// The question form's script: reads the embedded policy and answers like `decide`.
const QUESTION_JS: &str = include_str!("assets/question.js");
/// The search and filter boxes: hide what does not match, nothing fetched.
const FILTER_JS: &str = include_str!("assets/filter.js");

/// One jurisdiction of the report: its policy, ready to answer, and where its page lives.
pub(crate) struct Site {
    pub policy: LoadedPolicy,
    /// File name of its page inside `jurisdictions/`.
    pub page: String,
}

/// What a layer's rule files say that its compiled policy does not carry: the coverage
/// topics it speaks to and its `silent` declarations. The report shows them on the
/// layer's page; the CLI gathers them from the compiled tree.
#[derive(Debug, Clone, Default)]
pub struct LayerNotes {
    /// One entry per coverage topic of the vocabulary, in its order.
    pub topics: Vec<TopicStatus>,
    /// The layer's `silent` declarations.
    pub silences: Vec<SilenceNote>,
}

/// Whether a layer's rules cover a topic.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TopicKind {
    /// Rules of the layer speak to it.
    Covered,
    /// The layer declares that nothing stricter than federal law exists.
    Silent,
    /// The layer says nothing: the answer is federal law by default, not by a finding.
    Missing,
}

impl TopicKind {
    /// The word shown and used as a style class.
    pub fn as_str(self) -> &'static str {
        match self {
            TopicKind::Covered => "covered",
            TopicKind::Silent => "silent",
            TopicKind::Missing => "missing",
        }
    }
}

/// One coverage topic of one layer.
#[derive(Debug, Clone)]
pub struct TopicStatus {
    /// The topic's id (`hiv_sti`).
    pub topic: String,
    /// Its title.
    pub title: String,
    pub kind: TopicKind,
    /// What is shown: `covered: 3 verified, 1 secondary`, `silent (secondary)`, `missing`.
    pub status: String,
}

/// One `silent` declaration: the claim that no stricter law exists, and its grounds.
#[derive(Debug, Clone)]
pub struct SilenceNote {
    pub topic: String,
    /// The declaration's title: what was found.
    pub claim: String,
    pub confidence: String,
    pub citations: Vec<String>,
    /// Its `searched` notes: what was read, and when.
    pub searched: Vec<String>,
}

/// The data a jurisdiction's page embeds for its question form: the form's script
/// (`assets/question.js`) answers from it alone. Public so that the golden vectors can be
/// put to the script outside a browser (tests/meet.rs).
pub fn question_data(policy: &Policy) -> io::Result<String> {
    data::policy_json(policy, &[])
}

/// Write the report of `policies` into `out` (created if missing), without the rule
/// files' notes; see [`write_report_with`].
pub fn write_report(
    policies: &[Policy],
    out: &Path,
    write: impl FnOnce(&[(PathBuf, Vec<u8>)]) -> io::Result<()>,
) -> io::Result<()> {
    write_report_with(policies, &BTreeMap::new(), out, write)
}

/// Write the report of `policies` into `out` (created if missing), each layer's page with
/// its `notes` (by jurisdiction id). Every page is rendered before anything is written; then
/// the whole set — assets, pages, `index.html` last — is handed to `write` at once, so that
/// the pages of one report are never mixed with another's (the CLI stages them all under a
/// lock on `out` before renaming any, `output::write_files_together`). Existing report files
/// are overwritten and nothing else in `out` is touched.
pub fn write_report_with(
    policies: &[Policy],
    notes: &BTreeMap<String, LayerNotes>,
    out: &Path,
    write: impl FnOnce(&[(PathBuf, Vec<u8>)]) -> io::Result<()>,
) -> io::Result<()> {
    let mut sorted: Vec<&Policy> = policies.iter().collect();
    sorted.sort_by(|a, b| (a.chain.len(), a.jurisdiction()).cmp(&(b.chain.len(), b.jurisdiction())));
    let mut used = BTreeSet::new();
    let mut sites = Vec::with_capacity(sorted.len());
    for p in sorted {
        let policy = LoadedPolicy::new(p.clone()).map_err(|e| {
            io::Error::new(io::ErrorKind::InvalidData, format!("policy of `{}`: {e}", p.jurisdiction()))
        })?;
        let page = unique_page_name(p.jurisdiction(), &mut used);
        sites.push(Site { policy, page });
    }

    let assets = out.join("assets");
    let pages_dir = out.join("jurisdictions");
    let mut files = vec![
        (assets.join("report.css"), CSS.as_bytes().to_vec()),
        (assets.join("question.js"), QUESTION_JS.as_bytes().to_vec()),
        (assets.join("filter.js"), FILTER_JS.as_bytes().to_vec()),
    ];
    for site in &sites {
        let html = pages::jurisdiction_page(site, &sites, notes.get(site.policy.policy().jurisdiction()))?;
        files.push((pages_dir.join(&site.page), html.into_bytes()));
    }
    files.push((out.join("index.html"), pages::index_page(&sites, notes).into_bytes()));

    std::fs::create_dir_all(out)?;
    for dir in [&assets, &pages_dir] {
        own_directory(dir)?;
    }
    if let Some((path, _)) = files.iter().find(|(path, bytes)| !replaceable(path, bytes)) {
        return Err(io::Error::other(format!(
            "`{}` is in the way and was not written by stringent; move it away",
            path.display()
        )));
    }
    write(&files)
}

/// Whether the report may write `bytes` at `path`: nothing is there, or a regular file an
/// earlier report wrote — a page naming its generator (or, from reports before the name was
/// added, the report's own header), an asset whose first line is the asset's. Anything else
/// is someone's file, and a report never overwrites what it did not create.
fn replaceable(path: &Path, bytes: &[u8]) -> bool {
    use std::io::Read as _;
    let Ok(meta) = std::fs::symlink_metadata(path) else { return true };
    if !meta.is_file() {
        return false;
    }
    let mut head = Vec::with_capacity(4096);
    if std::fs::File::open(path).and_then(|f| f.take(4096).read_to_end(&mut head)).is_err() {
        return false;
    }
    let head = String::from_utf8_lossy(&head);
    if bytes.starts_with(b"<!doctype html>") {
        head.contains(html::GENERATOR) || head.contains("\">stringent report</a></p>")
    } else {
        let first_line = |b: &[u8]| b.split(|c| *c == b'\n').next().map(<[u8]>::to_vec);
        first_line(head.as_bytes()) == first_line(bytes)
    }
}

/// A file name for a jurisdiction's page: lower-case letters, digits and `-`, unique.
fn unique_page_name(jurisdiction: &str, used: &mut BTreeSet<String>) -> String {
    let mut slug: String =
        jurisdiction.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    if slug.trim_matches('-').is_empty() {
        slug = "jurisdiction".to_owned();
    }
    let mut name = format!("{slug}.html");
    let mut n = 2;
    while used.contains(&name) {
        name = format!("{slug}-{n}.html");
        n += 1;
    }
    used.insert(name.clone());
    name
}

/// Create `dir` unless it exists, and refuse it when it is a link: the report's files would
/// be written wherever a planted link leads.
fn own_directory(dir: &Path) -> io::Result<()> {
    match std::fs::symlink_metadata(dir) {
        Ok(meta) if meta.file_type().is_symlink() => Err(io::Error::other(format!(
            "`{}` is a symbolic link; the report writes only into directories of its own",
            dir.display()
        ))),
        Ok(meta) if meta.is_dir() => Ok(()),
        Ok(_) => Err(io::Error::other(format!("`{}` is in the way: it is not a directory", dir.display()))),
        Err(e) if e.kind() == io::ErrorKind::NotFound => std::fs::create_dir(dir),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn page_names_are_safe_and_unique() {
        let mut used = BTreeSet::new();
        assert_eq!(unique_page_name("US-CA", &mut used), "us-ca.html");
        assert_eq!(unique_page_name("us:ca", &mut used), "us-ca-2.html");
        assert_eq!(unique_page_name("org:Acme Health", &mut used), "org-acme-health.html");
        assert_eq!(unique_page_name("::", &mut used), "jurisdiction.html");
    }
}
