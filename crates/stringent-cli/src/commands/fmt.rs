//! `stringent fmt`: the canonical layout, written or shown as a diff.

use crate::output::{FINDINGS, USAGE, human_style, plural};
use std::path::PathBuf;
use stringent_compiler::output::write_atomically;
use stringent_diagnostics::render_human;

pub(crate) fn run(paths: &[PathBuf], check: bool) -> u8 {
    let found = stringent_compiler::discover::discover(paths);
    let mut sources = stringent_diagnostics::SourceMap::default();
    let mut diagnostics = found.diagnostics;
    let mut unformatted = 0;
    for f in &found.files {
        match stringent_fmt::format(&f.text) {
            Ok(out) if out == f.text => {}
            Ok(out) if check => {
                unformatted += 1;
                out!("{}", format_diff(&f.text, &out, &f.display));
            }
            Ok(out) => {
                // A rule file reached through a link is formatted where it lives: the link
                // stays a link (discovery refused any that leads out of the root, E0005).
                let target = std::fs::canonicalize(&f.path).unwrap_or_else(|_| f.path.clone());
                if let Err(e) = write_atomically(&target, out.as_bytes()) {
                    errln!("error: cannot write `{}`: {e}", f.display);
                    return USAGE;
                }
                errln!("formatted {}", f.display);
            }
            Err(stringent_fmt::FormatError::Syntax) => {
                let (_, diags) = stringent_syntax::parse(&f.display, &f.text);
                sources.insert(f.display.clone(), f.text.as_str());
                diagnostics.extend(diags);
            }
            Err(stringent_fmt::FormatError::Changed(why)) => {
                errln!("error: not formatting `{}`: {why}; the file is left as it was", f.display);
                unformatted += 1;
            }
        }
    }
    if !diagnostics.is_empty() {
        err_raw!("{}", render_human(&diagnostics, &sources, human_style(), 100));
        errln!("files with errors are left as they were");
        return FINDINGS;
    }
    if check && unformatted > 0 {
        errln!("{unformatted} file{} not formatted; run `stringent fmt`", plural(unformatted));
    }
    if unformatted > 0 { FINDINGS } else { 0 }
}

/// The unified diff `fmt --check` prints, computed in time linear in the file: lines the
/// two texts share at the start and the end cost one pass, and at most
/// [`stringent_compiler::limits::MAX_DIFF_LINES`] lines of the rest are compared line by line (the diff is
/// quadratic in what it compares). Beyond that, the rest of the file is said to change.
pub(crate) fn format_diff(old: &str, new: &str, display: &str) -> String {
    use stringent_compiler::limits::MAX_DIFF_LINES;
    let old_lines: Vec<&str> = old.split_inclusive('\n').collect();
    let new_lines: Vec<&str> = new.split_inclusive('\n').collect();
    let prefix = old_lines.iter().zip(&new_lines).take_while(|(a, b)| a == b).count();
    let rest = old_lines.len().min(new_lines.len()) - prefix;
    let suffix = old_lines.iter().rev().zip(new_lines.iter().rev()).take(rest).take_while(|(a, b)| a == b).count();
    let changed = (old_lines.len() - prefix - suffix).max(new_lines.len() - prefix - suffix);
    let header = (display.to_owned(), format!("{display} (formatted)"));
    if changed <= MAX_DIFF_LINES {
        let diff = similar::TextDiff::from_lines(old, new);
        return diff.unified_diff().context_radius(2).header(&header.0, &header.1).to_string();
    }
    // The shared start and the first lines after it: line numbers stay those of the file.
    let cut = |lines: &[&str]| lines.iter().take(prefix + MAX_DIFF_LINES).map(|l| l.len()).sum::<usize>();
    let (old_part, new_part) = (old.get(..cut(&old_lines)).unwrap_or(old), new.get(..cut(&new_lines)).unwrap_or(new));
    let diff = similar::TextDiff::from_lines(old_part, new_part);
    let mut text = diff.unified_diff().context_radius(2).header(&header.0, &header.1).to_string();
    text.push_str(&format!(
        "@@ {display}: the diff stops after line {} of {}; the rest of the file changes too @@\n",
        prefix + MAX_DIFF_LINES,
        old_lines.len()
    ));
    text
}
