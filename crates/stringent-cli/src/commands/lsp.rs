//! `stringent lsp`: the language server (crate `stringent-lsp`) on stdin and stdout.

use crate::output::FINDINGS;
use stringent_syntax::Date;

/// Serve until the client exits. Exit 0 after `shutdown` and `exit`; 1 when the
/// connection broke or the client exited without shutting the server down (the protocol's
/// rule), with the reason on stderr.
pub(crate) fn run(as_of: Date) -> u8 {
    match stringent_lsp::run_stdio(as_of) {
        Ok(()) => 0,
        Err(why) => {
            errln!("error: {why}");
            FINDINGS
        }
    }
}
