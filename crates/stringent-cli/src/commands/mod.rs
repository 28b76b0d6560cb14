//! One module per command.

pub(crate) mod check;
pub(crate) mod compile;
pub(crate) mod completions;
pub(crate) mod coverage;
pub(crate) mod decide;
pub(crate) mod diff;
pub(crate) mod explain;
pub(crate) mod export;
pub(crate) mod fmt;
pub(crate) mod lsp;
pub(crate) mod man;
pub(crate) mod prove;
pub(crate) mod report;
pub(crate) mod test;
pub(crate) mod timeline;

use crate::output::{FINDINGS, USAGE, report_as};
use crate::{DiagFormat, TreeArgs};
use stringent_compiler::Compilation;
use stringent_compiler::discover::Targets;

/// Compile the tree a command's paths name: a file or a folder inside a rules root stands
/// for that root, compiled whole (`discover::targets`). `Err` is the exit code, after
/// saying why the paths name no tree.
pub(crate) fn compiled(tree: &TreeArgs) -> Result<(Compilation, Targets), u8> {
    let targets = targets_of(&tree.paths)?;
    Ok((stringent_compiler::compile(&targets.roots, tree.date()), targets))
}

/// The whole trees that `paths` lie in: what a command that answers for a whole tree
/// (`decide`, `coverage`, `prove`, `diff`, …) compiles when given a file or folder inside
/// one, as `check` does, instead of a part of it that lacks the vocabulary. `Err` is the
/// exit code, after saying why.
pub(crate) fn whole_trees(paths: &[std::path::PathBuf]) -> Result<Vec<std::path::PathBuf>, u8> {
    Ok(targets_of(paths)?.roots)
}

fn targets_of(paths: &[std::path::PathBuf]) -> Result<Targets, u8> {
    stringent_compiler::discover::targets(paths).map_err(|why| {
        for line in why.lines() {
            let line = if line.starts_with("help:") { line.to_owned() } else { format!("error: {line}") };
            errln!("{line}");
        }
        USAGE
    })
}

/// The one line that stands for the errors in other files that make the named files'
/// chains unanswerable ([`Compilation::narrow_to`]); nothing when there are none.
pub(crate) fn say_elsewhere(elsewhere: &[stringent_diagnostics::Diagnostic], targets: &Targets) {
    let Some(first) = elsewhere.first() else { return };
    let at = first.primary.as_ref().map_or_else(String::new, |l| format!(" in `{}`", l.file));
    let roots: Vec<String> = targets.roots.iter().map(|r| stringent_compiler::discover::slash(r)).collect();
    errln!(
        "error: the given files' chains cannot be answered: {} error{} in other files (first: {} {}{at}); run `stringent check {}` to see {}",
        elsewhere.len(),
        crate::output::plural(elsewhere.len()),
        first.code,
        first.message,
        roots.join(" "),
        if elsewhere.len() == 1 { "it" } else { "them" }
    );
}

/// The prologue of every command that writes output: compile the tree, report its
/// diagnostics, and refuse to go on when it has errors (or holds no jurisdiction), so that
/// nothing is ever written from rules that did not check clean. `Err` is the exit code.
///
/// A file or folder named inside a rules root compiles (and writes) the whole tree: the
/// artifacts are one per chain of the tree, and a part of a tree is no policy set.
pub(crate) fn checked_for_writing(tree: &TreeArgs, format: DiagFormat) -> Result<Compilation, u8> {
    let (c, targets) = compiled(tree)?;
    if targets.only.is_some() {
        let roots: Vec<String> = targets.roots.iter().map(|r| stringent_compiler::discover::slash(r)).collect();
        errln!("note: compiling the whole tree `{}` that holds the given paths", roots.join("`, `"));
    }
    report_as(&c, format);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return Err(FINDINGS);
    }
    if c.chains.is_empty() {
        // Unreachable through a checked tree (a tree without a federal layer is an error);
        // kept so that no path replaces a policy set with an empty one.
        errln!("nothing written: the rules hold no jurisdiction");
        return Err(FINDINGS);
    }
    Ok(c)
}

/// The epilogue of a write: what was written, or why not (exit 2: the environment refused).
pub(crate) fn written<E: std::fmt::Display>(result: Result<(), E>, out: &std::path::Path, what: &str) -> u8 {
    match result {
        Ok(()) => {
            errln!("wrote {what}");
            0
        }
        Err(e) => {
            errln!("error: cannot write to `{}`: {e}", crate::output::shown(out));
            USAGE
        }
    }
}
