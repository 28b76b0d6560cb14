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
//! - `assets/report.css` and `assets/question.js`.
//!
//! Nothing is loaded from the network: no CDN, no web fonts, no fetches. The pages work
//! from `file://`.

mod data;
pub use data::requirement_row;
mod html;
mod matrix;
mod pages;

use std::collections::BTreeSet;
use std::io;
use std::path::Path;
use stringent_policy::{LoadedPolicy, Policy};

/// The stylesheet shared by every page.
const CSS: &str = include_str!("assets/report.css");
/// The question form's script: reads the embedded policy and answers like `decide`.
const QUESTION_JS: &str = include_str!("assets/question.js");

/// One jurisdiction of the report: its policy, ready to answer, and where its page lives.
pub(crate) struct Site {
    pub policy: LoadedPolicy,
    /// File name of its page inside `jurisdictions/`.
    pub page: String,
}

/// Write the report of `policies` into `out` (created if missing). Each file is handed to
/// `write` with its bytes (the CLI replaces it atomically, never through a link);
/// existing report files are overwritten and nothing else in `out` is touched.
pub fn write_report(
    policies: &[Policy],
    out: &Path,
    mut write: impl FnMut(&Path, &[u8]) -> io::Result<()>,
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
    std::fs::create_dir_all(out)?;
    for dir in [&assets, &pages_dir] {
        own_directory(dir)?;
    }
    write(&assets.join("report.css"), CSS.as_bytes())?;
    write(&assets.join("question.js"), QUESTION_JS.as_bytes())?;
    for site in &sites {
        let html = pages::jurisdiction_page(site, &sites)?;
        write(&pages_dir.join(&site.page), html.as_bytes())?;
    }
    write(&out.join("index.html"), pages::index_page(&sites).as_bytes())?;
    Ok(())
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
