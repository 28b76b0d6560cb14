//! `stringent completions`: a shell completion script, printed to stdout.

use crate::Cli;
use clap::CommandFactory;

pub(crate) fn run(shell: clap_complete::Shell) -> u8 {
    let mut script = Vec::new();
    clap_complete::generate(shell, &mut Cli::command(), "stringent", &mut script);
    data!("{}", String::from_utf8_lossy(&script));
    0
}
