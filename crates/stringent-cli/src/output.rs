//! Output shared by the commands: machine data, text for people, diagnostics, exit codes.

use crate::DiagFormat;
use std::io::IsTerminal;
use stringent_compiler::Compilation;
use stringent_diagnostics::{HumanStyle, render_human};

/// Write machine output (JSON, SARIF, annotations) to stdout as it is; when the reader has
/// gone away (`stringent diff | head`), stop quietly with the conventional status of a
/// closed pipe instead of panicking. Any other failure (a full disk) is said on stderr
/// and ends the run with 74 (`EX_IOERR`): output cut short must not pass for a result.
macro_rules! data {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            $crate::output::stdout_failed(&e);
        }
    }};
}

/// End the run after stdout could not be written: quietly for a closed pipe (141), with a
/// message and 74 otherwise.
pub(crate) fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() != std::io::ErrorKind::BrokenPipe {
        use std::io::Write as _;
        let _ = writeln!(std::io::stderr().lock(), "error: cannot write to standard output: {e}");
        std::process::exit(74);
    }
    std::process::exit(141);
}

macro_rules! dataln {
    ($($arg:tt)*) => {{ data!($($arg)*); data!("\n"); }};
}

/// Write text for people to stdout. It holds rule text (titles, citations, file names),
/// so control and bidirectional characters are shown escaped, never sent to the terminal.
macro_rules! out {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        data!("{}", stringent_diagnostics::escape_for_terminal(&text));
    }};
}

macro_rules! outln {
    () => { data!("\n") };
    ($($arg:tt)*) => {{ out!($($arg)*); data!("\n"); }};
}

/// Write to stderr; when it cannot be written (a closed pipe, a full device), go on quietly:
/// the exit code still says how the run went, and a message nobody can read is no reason
/// to panic.
macro_rules! err_raw {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = write!(std::io::stderr().lock(), $($arg)*);
    }};
}

/// [`outln!`] to stderr.
macro_rules! errln {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        err_raw!("{}\n", stringent_diagnostics::escape_for_terminal(&text));
    }};
}

/// Exit codes: 0 clean, 1 findings, 2 usage or environment errors.
pub(crate) const FINDINGS: u8 = 1;
pub(crate) const USAGE: u8 = 2;

pub(crate) fn report(c: &Compilation) {
    report_as(c, DiagFormat::Human);
}

pub(crate) fn report_as(c: &Compilation, format: DiagFormat) {
    match format {
        DiagFormat::Human => {}
        DiagFormat::Json => return data!("{}", stringent_diagnostics::render_json(&c.diagnostics, &c.sources)),
        DiagFormat::Sarif => {
            return data!(
                "{}",
                stringent_diagnostics::render_sarif(&c.diagnostics, &c.sources, env!("CARGO_PKG_VERSION"))
            );
        }
        DiagFormat::Github => return data!("{}", stringent_diagnostics::render_github(&c.diagnostics, &c.sources)),
    }
    err_raw!("{}", render_human(&c.diagnostics, &c.sources, human_style(), 100));
    let errors = c.diagnostics.len() - c.warning_count();
    errln!("{} error{}, {} warning{}", errors, plural(errors), c.warning_count(), plural(c.warning_count()));
}

/// How diagnostics for people look, for every command that renders them: no colour when
/// NO_COLOR is set and not empty, colour on a terminal, plain ASCII in logs and pipes.
pub(crate) fn human_style() -> HumanStyle {
    style_for(std::env::var_os("NO_COLOR").as_deref(), std::io::stderr().is_terminal())
}

/// [`human_style`] for a given NO_COLOR and whether stderr is a terminal.
pub(crate) fn style_for(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> HumanStyle {
    if no_color.is_some_and(|v| !v.is_empty()) {
        HumanStyle::Plain
    } else if terminal {
        HumanStyle::Colour
    } else {
        HumanStyle::Ascii
    }
}

pub(crate) fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// A path as printed in a message: a line break in its name is shown as `\n`, so that a
/// crafted directory name cannot print a line of its own (`wrote … policies` that was
/// never written); other control characters are escaped by the printing macros.
pub(crate) fn shown(path: &std::path::Path) -> String {
    path.display().to_string().replace('\n', "\\n").replace('\r', "\\r")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_color_wins_over_a_terminal_and_an_empty_one_does_not() {
        let set = Some(std::ffi::OsStr::new("1"));
        let empty = Some(std::ffi::OsStr::new(""));
        assert!(matches!(style_for(set, true), HumanStyle::Plain));
        assert!(matches!(style_for(set, false), HumanStyle::Plain));
        assert!(matches!(style_for(empty, true), HumanStyle::Colour));
        assert!(matches!(style_for(None, true), HumanStyle::Colour));
        assert!(matches!(style_for(None, false), HumanStyle::Ascii));
    }
}
