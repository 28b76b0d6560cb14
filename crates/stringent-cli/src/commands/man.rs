//! `stringent man`: manual pages in roff, from the same definition as `--help`.

use super::written;
use crate::Cli;
use crate::output::USAGE;
use clap::CommandFactory;
use std::path::Path;
use stringent_compiler::output::write_atomically;

/// Without `out`, print the page of `stringent` itself; with it, write that page and one
/// per command (`stringent-check.1`, `stringent-export-opa.1`, …), each atomically, so a
/// reader never sees half a page.
pub(crate) fn run(out: Option<&Path>) -> u8 {
    let mut top = Cli::command().disable_help_subcommand(true);
    top.build();
    let Some(dir) = out else {
        return match page(&top) {
            Ok(text) => {
                data!("{}", String::from_utf8_lossy(&text));
                0
            }
            Err(e) => {
                errln!("error: cannot render the manual page: {e}");
                USAGE
            }
        };
    };
    let mut pages = Vec::new();
    collect(&top, &mut pages);
    let result = std::fs::create_dir_all(dir).and_then(|()| {
        pages.iter().try_for_each(|cmd| {
            let name = format!("{}.1", cmd.get_display_name().unwrap_or_else(|| cmd.get_name()));
            write_atomically(&dir.join(name), &page(cmd)?)
        })
    });
    written(result, dir, &format!("{} manual pages to {}", pages.len(), crate::output::shown(dir)))
}

/// A command and, depth first, every visible command below it.
fn collect(cmd: &clap::Command, pages: &mut Vec<clap::Command>) {
    pages.push(cmd.clone());
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
        collect(sub, pages);
    }
}

fn page(cmd: &clap::Command) -> std::io::Result<Vec<u8>> {
    let mut text = Vec::new();
    clap_mangen::Man::new(cmd.clone()).render(&mut text)?;
    Ok(text)
}
