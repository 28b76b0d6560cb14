//! `stringent`: check, compile, decide and explain health-privacy rules.

#[macro_use]
mod output;
mod commands;
mod git_tree;

use clap::{Parser, Subcommand, ValueEnum};
use commands::{
    check, compile, completions, coverage, decide, diff, explain, export, fmt, lsp, man, prove, report, test, timeline,
};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use stringent_syntax::Date;

/// A compile allocates and frees many small vectors from several threads; mimalloc does
/// that in about four fifths of the time the system allocator takes (BENCHMARKS.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "stringent",
    version,
    about = "A rules language and compiler for US health-privacy law: the more stringent rule wins, dimension by dimension."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Check rule files: syntax, names, structure and resolution. Exit 1 on errors.
    Check {
        #[command(flatten)]
        tree: TreeArgs,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
        /// How diagnostics are written.
        #[arg(long, value_enum, default_value_t)]
        format: DiagFormat,
    },
    /// Compile rule files into one resolved policy per chain, plus an index.
    Compile {
        #[command(flatten)]
        tree: TreeArgs,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        /// Also write the combination of several chains, e.g. `US-CA+US-NV` for a disclosure
        /// that must satisfy both (the id `decide --jurisdiction` takes); repeat for more
        /// combinations. `US-CA,US-NV` is still read, with a warning.
        #[arg(long, value_name = "J1+J2+…")]
        combine: Vec<String>,
        /// How diagnostics are written.
        #[arg(long, value_enum, default_value_t)]
        format: DiagFormat,
    },
    /// Run the rule tests written beside the rules. Exit 1 when one fails.
    Test {
        #[command(flatten)]
        tree: TreeArgs,
        /// Report which rules and exception branches the tests exercised.
        #[arg(long)]
        coverage: bool,
        /// Fail when coverage (rules and exception branches) is below this percentage.
        #[arg(long, value_name = "PCT", value_parser = parse_percent)]
        coverage_threshold: Option<f64>,
        /// Run only the tests whose title contains this text.
        #[arg(long, value_name = "TEXT")]
        filter: Option<String>,
        /// How diagnostics are written.
        #[arg(long, value_enum, default_value_t)]
        format: DiagFormat,
    },
    /// For every jurisdiction and topic: covered by rules, explicitly silent, or missing.
    /// Exit 1 when a cell is missing.
    Coverage {
        /// Rules roots (directories or files).
        #[arg(default_value = "rules")]
        paths: Vec<PathBuf>,
    },
    /// Rewrite rule files in the canonical layout, keeping comments. With --check, write
    /// nothing: show a diff and exit 1 when a file is not formatted.
    Fmt {
        /// Rules roots (directories or files) whose rule files are formatted.
        #[arg(default_value = "rules")]
        paths: Vec<PathBuf>,
        /// Write nothing: show what would change and exit 1 when a file is not formatted.
        #[arg(long)]
        check: bool,
    },
    /// The semantic difference between two rule trees: every changed answer, labelled
    /// tightened, loosened or changed, with the rules and citations on each side.
    /// OLD and NEW are directories, or `git:REV` for the `rules` directory at a revision of
    /// this repository (`git:REV:PATH` for another directory, relative to the top).
    /// Values and terms added, removed, renamed or edited (title, HL7 codes, notice text)
    /// are reported; a new value is compared with its nearest ancestor in OLD, a probable
    /// rename under its old id.
    /// The trees are compared as of --as-of and again as of every later date on which a
    /// rule of either takes effect or expires; each later date whose changes differ from
    /// the date before's is shown under `as of DATE:` (JSON: `later`).
    Diff {
        /// The tree before: a directory, `git:REV` or `git:REV:PATH`.
        old: String,
        /// The tree after: a directory, `git:REV` or `git:REV:PATH`.
        new: String,
        /// The first date compared (default: today). Given twice (`--as-of A --as-of B`),
        /// OLD as of A is compared with NEW as of B and no later date is looked at: with
        /// the same tree for both, what changed in the law between two dates.
        #[arg(long, value_parser = parse_date, num_args = 1, action = clap::ArgAction::Append)]
        as_of: Vec<Date>,
        /// Exit 1 when an answer loosens, as of --as-of or any later date compared, and no
        /// rule deciding the new answer carries a `justification`; or when a
        /// jurisdiction, value or term that questions or answers used was removed or
        /// renamed, an HL7 code was taken from a value or term, or a notice text changed
        /// (no justification covers those).
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        /// How the difference is written.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Prove properties of a rules tree on every chain, every cell and every date from the
    /// earliest `history from` on (each date on which a rule starts or ends), exhaustively.
    /// Without --refines, the built-in properties: no rule in force on some date decides
    /// nothing on every such date (a dead rule, or an exception that never applies), and no
    /// mandate meets a prohibition of its own layer on any date. With --refines OLD: for
    /// every question of every jurisdiction in both trees, this tree's answer is at least as
    /// strict as OLD's on every date. Exit 0 (PASS) or 1 (FAIL) with the counterexamples,
    /// their rules and citations; a `justification` explains a loosening, it does not make
    /// the tree refine OLD, and a jurisdiction of OLD that is gone fails too.
    Prove {
        /// The tree to prove: a directory, `git:REV` or `git:REV:PATH`.
        #[arg(default_value = "rules")]
        new: String,
        /// The tree this one must refine (be at least as strict as): a directory,
        /// `git:REV` or `git:REV:PATH`.
        #[arg(long)]
        refines: Option<String>,
        /// The first date checked (default: the earliest `history from` of any layer, so
        /// that every date the tree vouches for is checked).
        #[arg(long, value_parser = parse_date)]
        from: Option<Date>,
        /// How the result is written.
        #[arg(long, value_enum, default_value_t = ProveFormat::Text)]
        format: ProveFormat,
    },
    /// The law's history as encoded for one chain: every date on which one of its answers
    /// changes, what changed and the rules and citations on each side, as `diff` shows a
    /// change. It starts at the date from which the chain's history is complete (the
    /// latest `history from` of its layers; --from to start elsewhere) and shows changes
    /// already scheduled, such as compliance dates to come.
    Timeline {
        /// The chain: `US`, a state such as `US-CA`, or an organization such as
        /// `org:example_clinic`.
        jurisdiction: String,
        /// Rules tree: a directory, `git:REV` (its `rules` directory at a revision of the
        /// repository in the current directory) or `git:REV:PATH`.
        #[arg(long, default_value = "rules")]
        rules: String,
        /// The date whose answers the first change is compared with (default: the date from
        /// which the chain's history is complete).
        #[arg(long, value_parser = parse_date)]
        from: Option<Date>,
        /// The last date looked at (default: none, so scheduled changes show).
        #[arg(long, value_parser = parse_date)]
        to: Option<Date>,
        /// How the timeline is written.
        #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
        format: DiffFormat,
    },
    /// Write a static, self-contained HTML report: a matrix of jurisdictions × categories,
    /// a page per jurisdiction with its rules, and a question form that answers offline.
    Report {
        #[command(flatten)]
        tree: TreeArgs,
        /// The directory to write the report into (its `index.html` is the front page).
        #[arg(long)]
        out: PathBuf,
    },
    /// Export the compiled policies for other systems.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Answer a question: may this record be disclosed, and on what terms?
    Decide(QuestionArgs),
    /// Answer a question in prose, layer by layer, with citations; or, with --rule, show
    /// the exception tree of a rule (what it excepts, what excepts it).
    Explain(ExplainArgs),
    /// Run the language server on stdin and stdout, for an editor (see the README,
    /// "Editor"): diagnostics, hover, definitions, references, completion, formatting,
    /// symbols and a lens that runs each rule test, on the rules tree of the files opened.
    Lsp {
        /// Answer tests and resolve rules as of this date (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Print a shell completion script to stdout, e.g.
    /// `stringent completions bash > /etc/bash_completion.d/stringent`.
    Completions {
        /// The shell to complete for.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the manual page of `stringent` (roff) to stdout; with --out, write one page
    /// for `stringent` and one for each command into a directory.
    Man {
        /// The directory to write `stringent.1`, `stringent-check.1`, … into.
        #[arg(long)]
        out: Option<PathBuf>,
    },
}

#[derive(Subcommand)]
enum ExportCommand {
    /// An Open Policy Agent bundle (`.manifest`, `data.json`, `stringent/policy.rego`) whose
    /// `data.stringent.decision` answers what `stringent decide` answers.
    Opa {
        #[command(flatten)]
        tree: TreeArgs,
        /// The bundle to write, e.g. `stringent-bundle.tar.gz`.
        #[arg(long)]
        out: PathBuf,
    },
}

/// The rules a command reads, and the date they are resolved for.
#[derive(clap::Args)]
struct TreeArgs {
    /// Rules roots; a file or folder inside a root (the folder holding `vocabulary/`) stands for that root.
    #[arg(default_value = "rules")]
    paths: Vec<PathBuf>,
    /// Resolve as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
}

impl TreeArgs {
    fn date(&self) -> Date {
        self.as_of.unwrap_or_else(Date::today)
    }
}

#[derive(clap::Args)]
struct ExplainArgs {
    /// Show the exception tree of this rule instead of answering a question.
    #[arg(long)]
    rule: Option<String>,
    #[command(flatten)]
    question: QuestionArgs,
}

#[derive(clap::Args)]
struct QuestionArgs {
    /// Rules tree to resolve (default `rules` when no --policy is given).
    #[arg(long, conflicts_with = "policy")]
    rules: Option<PathBuf>,
    /// A compiled policy file, or the output directory of `compile --out` (with
    /// --jurisdiction, found through its index.json), to answer from instead of the rules.
    #[arg(long)]
    policy: Option<PathBuf>,
    /// The chain to answer for: `US`, a state such as `US-CA`, an organization such as
    /// `org:example_clinic`, or several joined with `+` (`US-CA+US-NV`) for a disclosure
    /// that must satisfy each.
    #[arg(long)]
    jurisdiction: Option<String>,
    /// Record category: a value of the `category` axis declared in the rules'
    /// vocabulary (vocabulary/axes.stringent), e.g. `mental_health`; repeat for a record
    /// that carries several.
    #[arg(long = "category", value_name = "CATEGORY")]
    categories: Vec<String>,
    /// Purpose of the disclosure: a value of the `purpose` axis in the rules' vocabulary,
    /// e.g. `treatment`.
    #[arg(long)]
    purpose: Option<String>,
    /// Who receives the record: a value of the `recipient` axis in the rules' vocabulary,
    /// e.g. `provider`.
    #[arg(long)]
    recipient: Option<String>,
    /// Whom the record is about: a value of the `subject` axis in the rules' vocabulary,
    /// e.g. `minor`.
    #[arg(long, default_value = stringent_policy::DEFAULT_SUBJECT)]
    subject: String,
    /// Who holds the record: a value of the `holder` axis in the rules' vocabulary,
    /// e.g. `health_plan`.
    #[arg(long, default_value = stringent_policy::DEFAULT_HOLDER)]
    holder: String,
    /// Answer as of this date (YYYY-MM-DD); default today.
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    /// How the answer is written.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

/// How diagnostics are written: for people (stderr) or for machines (stdout).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq, Default)]
enum DiagFormat {
    /// miette's graphical report; plain ASCII when not on a terminal, no colour under NO_COLOR.
    #[default]
    Human,
    /// stringent's own JSON (versioned; schema in schemas/).
    Json,
    /// SARIF 2.1.0, for code-scanning uploads.
    Sarif,
    /// GitHub Actions workflow annotations.
    Github,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum FailOn {
    /// An answer loosened without a justification, or a breaking change of the public contract.
    Loosened,
}

/// How `decide` and `explain` write an answer.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    /// For people.
    Text,
    /// For machines (the decision, or with `explain` its explanation).
    Json,
    /// HL7 security labels as a FHIR R4 `Meta.security` list (decide only).
    Fhir,
}

/// How `prove` writes its verdict: as `diff` does, or its findings as diagnostics in the
/// machine formats `check` writes (at the failing assertion or rule).
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum ProveFormat {
    /// For people.
    Text,
    /// For machines (the whole proof, every counterexample).
    Json,
    /// SARIF 2.1.0: one result per failing assertion, dead rule or clash (without --refines).
    Sarif,
    /// GitHub Actions workflow annotations, likewise (without --refines).
    Github,
}

/// How `diff` writes the difference: it has no security labels, so no `fhir`.
#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum DiffFormat {
    /// For people.
    Text,
    /// For machines (the whole difference, with `later`).
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// A percentage: a finite number from 0 to 100 (`nan`, `inf` and `101` are refused).
fn parse_percent(s: &str) -> Result<f64, String> {
    match s.trim().parse::<f64>() {
        Ok(v) if v.is_finite() && (0.0..=100.0).contains(&v) => Ok(v),
        _ => Err(format!("`{s}` is not a percentage: give a number from 0 to 100")),
    }
}

impl Command {
    /// The rules roots the command reads. Each must exist: a path that does not is a
    /// mistake in the command line (exit 2), found before any work, not a finding about the
    /// rules (the compiler's E0001 is for callers of the library).
    fn rule_paths(&self) -> &[PathBuf] {
        match self {
            Command::Check { tree, .. }
            | Command::Compile { tree, .. }
            | Command::Test { tree, .. }
            | Command::Report { tree, .. }
            | Command::Export(ExportCommand::Opa { tree, .. }) => &tree.paths,
            Command::Coverage { paths } | Command::Fmt { paths, .. } => paths,
            Command::Decide(q) | Command::Explain(ExplainArgs { question: q, .. }) => q.rules.as_slice(),
            Command::Diff { .. }
            | Command::Prove { .. }
            | Command::Timeline { .. }
            | Command::Completions { .. }
            | Command::Lsp { .. }
            | Command::Man { .. } => &[],
        }
    }
}

/// The first of `paths` that does not exist.
fn missing(paths: &[PathBuf]) -> Option<&Path> {
    paths.iter().map(PathBuf::as_path).find(|p| !p.exists())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Some(path) = missing(cli.command.rule_paths()) {
        errln!("error: `{}` does not exist", crate::output::shown(path));
        errln!("  help: give the directory that holds the rule files, e.g. `rules`");
        return ExitCode::from(output::USAGE);
    }
    let code = match cli.command {
        Command::Check { tree, deny_warnings, format } => check::run(&tree, deny_warnings, format),
        Command::Compile { tree, out, combine, format } => compile::run(&tree, &out, &combine, format),
        Command::Test { tree, coverage, coverage_threshold, filter, format } => {
            test::run(&tree, filter.as_deref(), coverage, coverage_threshold, format)
        }
        Command::Coverage { paths } => coverage::run(&paths),
        Command::Fmt { paths, check } => fmt::run(&paths, check),
        Command::Diff { old, new, as_of, fail_on, format } => diff::run(&old, &new, &as_of, fail_on, format),
        Command::Prove { new, refines: Some(old), from, format } => prove::refines(&old, &new, from, format),
        Command::Prove { new, refines: None, from, format } => prove::builtin(&new, from, format),
        Command::Timeline { jurisdiction, rules, from, to, format } => {
            timeline::run(&rules, &jurisdiction, from, to, format)
        }
        Command::Export(ExportCommand::Opa { tree, out }) => export::opa(&tree, &out),
        Command::Report { tree, out } => report::run(&tree, &out),
        Command::Decide(q) => decide::question(&q, false),
        Command::Explain(e) => match e.rule {
            Some(rule) => explain::run(&e.question, &rule),
            None => decide::question(&e.question, true),
        },
        Command::Completions { shell } => completions::run(shell),
        Command::Man { out } => man::run(out.as_deref()),
        Command::Lsp { as_of } => lsp::run(as_of.unwrap_or_else(Date::today)),
    };
    ExitCode::from(code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    /// Every argument of every command, at any depth, says what it is for (`--help`, the
    /// manual pages and the completions all read it); clap's own help and version aside.
    #[test]
    fn every_argument_of_every_command_has_help() {
        fn walk(cmd: &clap::Command, path: &str, bare: &mut Vec<String>) {
            for arg in cmd.get_arguments() {
                let id = arg.get_id().as_str();
                if id == "help" || id == "version" {
                    continue;
                }
                if arg.get_help().is_none_or(|h| h.to_string().trim().is_empty()) {
                    bare.push(format!("{path} {id}"));
                }
                // Clap lists a closed set of values; when some say what they mean, all do
                // (the shells of `completions` need no words, a format does).
                let values: Vec<_> = arg.get_possible_values().into_iter().filter(|v| !v.is_hide_set()).collect();
                let explained =
                    |v: &clap::builder::PossibleValue| v.get_help().is_some_and(|h| !h.to_string().trim().is_empty());
                if values.iter().any(explained) {
                    for value in values.iter().filter(|v| !explained(v)) {
                        bare.push(format!("{path} {id}={}", value.get_name()));
                    }
                }
            }
            for sub in cmd.get_subcommands() {
                walk(sub, &format!("{path} {}", sub.get_name()), bare);
            }
        }
        let mut cmd = Cli::command();
        cmd.build();
        cmd.clone().debug_assert();
        let mut bare = Vec::new();
        walk(&cmd, "stringent", &mut bare);
        assert!(bare.is_empty(), "arguments without help: {bare:?}");
    }
}
