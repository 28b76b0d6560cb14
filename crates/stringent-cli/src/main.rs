//! `stringent`: check, compile, decide and explain health-privacy rules.

mod git_tree;

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use stringent_compiler::output::write_atomically;
use stringent_compiler::{Compilation, compile, emit};
use stringent_diagnostics::{HumanStyle, render_human};
use stringent_policy::{LoadedPolicy, Question};
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
        #[arg(long, value_enum, default_value_t)]
        format: DiagFormat,
    },
    /// For every jurisdiction and topic: covered by rules, explicitly silent, or missing.
    /// Exit 1 when a cell is missing.
    Coverage {
        #[arg(default_value = "rules")]
        paths: Vec<PathBuf>,
    },
    /// Rewrite rule files in the canonical layout, keeping comments. With --check, write
    /// nothing: show a diff and exit 1 when a file is not formatted.
    Fmt {
        #[arg(default_value = "rules")]
        paths: Vec<PathBuf>,
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
        old: String,
        new: String,
        /// The first date compared (default: today).
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Exit 1 when an answer loosens, as of --as-of or any later date compared, and no
        /// rule deciding the new answer carries a `justification`; or when a
        /// jurisdiction, value or term that questions or answers used was removed or
        /// renamed, an HL7 code was taken from a value or term, or a notice text changed
        /// (no justification covers those).
        #[arg(long, value_enum)]
        fail_on: Option<FailOn>,
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
    },
    /// Write a static, self-contained HTML report: a matrix of jurisdictions × categories,
    /// a page per jurisdiction with its rules, and a question form that answers offline.
    Report {
        #[command(flatten)]
        tree: TreeArgs,
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
    /// Rules roots (directories or files).
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

    fn compile(&self) -> Compilation {
        compile(&self.paths, self.date())
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
    /// A compiled policy file to answer from instead of the rules tree.
    #[arg(long)]
    policy: Option<PathBuf>,
    #[arg(long)]
    jurisdiction: Option<String>,
    /// Record category; repeat for a record that carries several.
    #[arg(long = "category")]
    categories: Vec<String>,
    #[arg(long)]
    purpose: Option<String>,
    #[arg(long)]
    recipient: Option<String>,
    #[arg(long, default_value = "adult")]
    subject: String,
    #[arg(long, default_value = "provider")]
    holder: String,
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
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
    Loosened,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
    /// HL7 security labels as a FHIR R4 `Meta.security` list (decide only).
    Fhir,
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

/// Write machine output (JSON, SARIF, annotations) to stdout as it is; when the reader has
/// gone away (`stringent diff | head`), stop quietly with the conventional status of a
/// closed pipe instead of panicking.
macro_rules! data {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if write!(std::io::stdout().lock(), $($arg)*).is_err() {
            std::process::exit(141);
        }
    }};
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

/// [`outln!`] to stderr.
macro_rules! errln {
    ($($arg:tt)*) => {{
        let text = format!($($arg)*);
        eprintln!("{}", stringent_diagnostics::escape_for_terminal(&text));
    }};
}

/// Exit codes: 0 clean, 1 findings, 2 usage or environment errors.
const FINDINGS: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check { tree, deny_warnings, format } => check(&tree, deny_warnings, format),
        Command::Compile { tree, out, combine, format } => compile_cmd(&tree, &out, &combine, format),
        Command::Test { tree, coverage, coverage_threshold, format } => {
            test(&tree, coverage, coverage_threshold, format)
        }
        Command::Coverage { paths } => coverage(&paths),
        Command::Fmt { paths, check } => fmt(&paths, check),
        Command::Diff { old, new, as_of, fail_on, format } => diff(&old, &new, as_of, fail_on, format),
        Command::Export(ExportCommand::Opa { tree, out }) => export_opa(&tree, &out),
        Command::Report { tree, out } => report_cmd(&tree, &out),
        Command::Decide(q) => question(&q, false),
        Command::Explain(e) => match e.rule {
            Some(rule) => exception_tree(&e.question, &rule),
            None => question(&e.question, true),
        },
    };
    ExitCode::from(code)
}

fn report(c: &Compilation) {
    report_as(c, DiagFormat::Human);
}

fn report_as(c: &Compilation, format: DiagFormat) {
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
    eprint!("{}", render_human(&c.diagnostics, &c.sources, human_style(), 100));
    let errors = c.diagnostics.len() - c.warning_count();
    errln!("{} error{}, {} warning{}", errors, plural(errors), c.warning_count(), plural(c.warning_count()));
}

/// How diagnostics for people look, for every command that renders them: no colour when
/// NO_COLOR is set and not empty, colour on a terminal, plain ASCII in logs and pipes.
fn human_style() -> HumanStyle {
    style_for(std::env::var_os("NO_COLOR").as_deref(), std::io::stderr().is_terminal())
}

/// [`human_style`] for a given NO_COLOR and whether stderr is a terminal.
fn style_for(no_color: Option<&std::ffi::OsStr>, terminal: bool) -> HumanStyle {
    if no_color.is_some_and(|v| !v.is_empty()) {
        HumanStyle::Plain
    } else if terminal {
        HumanStyle::Colour
    } else {
        HumanStyle::Ascii
    }
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn check(tree: &TreeArgs, deny_warnings: bool, format: DiagFormat) -> u8 {
    let c = tree.compile();
    report_as(&c, format);
    if c.has_errors() || (deny_warnings && c.warning_count() > 0) { FINDINGS } else { 0 }
}

fn compile_cmd(tree: &TreeArgs, out: &std::path::Path, combine: &[String], format: DiagFormat) -> u8 {
    let as_of = tree.date();
    let c = tree.compile();
    report_as(&c, format);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    let mut policies = c.policies();
    if policies.is_empty() {
        // Unreachable through a checked tree (a tree without a federal layer is an error);
        // kept so that no path replaces a policy set with an empty one.
        errln!("nothing written: the rules hold no jurisdiction");
        return FINDINGS;
    }
    let mut combined = std::collections::BTreeSet::new();
    for spec in combine {
        let parts: Vec<&str> = spec.split([',', '+']).map(str::trim).collect();
        let distinct: std::collections::BTreeSet<&str> = parts.iter().copied().collect();
        if distinct.len() < 2 || distinct.len() != parts.len() || distinct.contains("") {
            errln!("error: `--combine {spec}` must name two or more different jurisdictions, e.g. `US-CA+US-NV`");
            return USAGE;
        }
        let joined = parts.join("+");
        // The comma was the first spelling; `+` is the one `decide` and the tests use.
        if spec.contains(',') {
            errln!("warning: `--combine {spec}`: write `--combine {joined}`; the comma is read for now");
        }
        if !combined.insert(joined.clone()) {
            continue;
        }
        match c.policy_for(&joined) {
            Some(p) => policies.push(p),
            None => {
                errln!("error: cannot combine `{spec}`: valid jurisdictions are {}", c.jurisdictions().join(", "));
                return USAGE;
            }
        }
    }
    let waiting = || eprintln!("waiting for another compile into `{}` to finish", out.display());
    match emit::write_all(out, &policies, as_of, waiting) {
        Ok(index) => {
            errln!("wrote {} policies and index.json to {}", index.policies.len(), out.display());
            0
        }
        Err(e) => {
            errln!("error: cannot write to `{}`: {e}", out.display());
            USAGE
        }
    }
}

fn test(tree: &TreeArgs, show_coverage: bool, threshold: Option<f64>, format: DiagFormat) -> u8 {
    let c = tree.compile();
    if c.has_errors() {
        report_as(&c, format);
        return FINDINGS;
    }
    let run = stringent_compiler::testing::run(&c);
    for o in run.outcomes.iter().filter(|o| !o.passed()) {
        outln!("FAIL {}:{} {}", o.file, o.line, o.title);
        for f in &o.failures {
            outln!("  {f}");
        }
        if let Some(d) = &o.decision {
            outln!(
                "  actual: {} (bases: {}; ways: {})",
                d.level.as_str(),
                d.bases.iter().map(|b| b.as_str()).collect::<Vec<_>>().join(", "),
                stringent_policy::artifact::describe_ways(&d.ways)
            );
            for p in d.provenance.iter().filter(|p| p.role != stringent_policy::artifact::Role::Inactive) {
                outln!("    {} {} [{}] {}", p.role.as_str(), p.rule, p.layer, p.citation);
            }
        }
    }
    let cov = &run.coverage;
    if show_coverage || threshold.is_some() {
        outln!("coverage (rules; exception branches):");
        for (file, (hit, all)) in &cov.rules {
            let (eh, ea) = cov.exceptions.get(file).copied().unwrap_or((0, 0));
            outln!("  {file}: rules {hit}/{all}; exceptions {eh}/{ea}");
        }
        outln!("  overall: {:.1}%", cov.percent());
        if show_coverage {
            for r in &cov.missed_rules {
                outln!("  not exercised: rule {r}");
            }
            for (e, r) in &cov.missed_exceptions {
                outln!("  not exercised: {e} excepting {r}");
            }
        }
    }
    outln!("{} passed, {} failed", run.passed(), run.failed());
    if run.outcomes.is_empty() {
        errln!("error: no rule test found; write `test` blocks beside the rules");
        return FINDINGS;
    }
    let below = threshold.is_some_and(|t| cov.percent() < t);
    if below {
        outln!("coverage {:.1}% is below the threshold {:.1}%", cov.percent(), threshold.unwrap_or_default());
    }
    if run.failed() > 0 || below { FINDINGS } else { 0 }
}

fn fmt(paths: &[PathBuf], check: bool) -> u8 {
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
                if let Err(e) = write_atomically(&f.path, out.as_bytes()) {
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
        eprint!("{}", render_human(&diagnostics, &sources, human_style(), 100));
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
fn format_diff(old: &str, new: &str, display: &str) -> String {
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

fn report_cmd(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = tree.compile();
    report(&c);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    match stringent_report::write_report_with(&c.policies(), &report_notes(&c), out, write_atomically) {
        Ok(()) => {
            errln!("wrote the report to {}/index.html", out.display());
            0
        }
        Err(e) => {
            errln!("error: cannot write `{}`: {e}", out.display());
            USAGE
        }
    }
}

/// What the rule files say that the policies do not carry, per layer: coverage of each
/// topic and the `silent` declarations, for the report's pages.
fn report_notes(
    c: &stringent_compiler::Compilation,
) -> std::collections::BTreeMap<String, stringent_report::LayerNotes> {
    use stringent_compiler::coverage::State;
    use stringent_report::{LayerNotes, SilenceNote, TopicKind, TopicStatus};
    let mut notes = std::collections::BTreeMap::new();
    for (jurisdiction, states) in stringent_compiler::coverage::coverage(&c.model) {
        let topics = c
            .model
            .topics
            .iter()
            .zip(states)
            .map(|(topic, state)| {
                let (kind, status) = match state {
                    State::Covered(mix) => (
                        TopicKind::Covered,
                        format!(
                            "covered: {}",
                            mix.iter().map(|(c, n)| format!("{n} {c}")).collect::<Vec<_>>().join(", ")
                        ),
                    ),
                    State::Silent(confidence) => (TopicKind::Silent, format!("silent ({})", confidence.as_str())),
                    State::Missing => (TopicKind::Missing, "missing".to_owned()),
                };
                TopicStatus { topic: topic.id.clone(), title: topic.title.clone(), kind, status }
            })
            .collect();
        notes.insert(jurisdiction, LayerNotes { topics, silences: Vec::new() });
    }
    for s in &c.model.silences {
        let (Some(layer), Some(topic)) = (c.model.layers.get(s.layer), c.model.topics.get(s.topic)) else { continue };
        notes.entry(layer.id.clone()).or_insert_with(LayerNotes::default).silences.push(SilenceNote {
            topic: topic.id.clone(),
            claim: s.note.clone(),
            confidence: s.confidence.as_str().to_owned(),
            citations: s.citations.clone(),
            searched: s.searched.clone(),
        });
    }
    notes
}

fn export_opa(tree: &TreeArgs, out: &std::path::Path) -> u8 {
    let c = tree.compile();
    report(&c);
    if c.has_errors() {
        errln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    let written = stringent_export::opa_bundle(&c.policies()).and_then(|bytes| write_atomically(out, &bytes));
    match written {
        Ok(()) => {
            errln!("wrote the OPA bundle {}", out.display());
            0
        }
        Err(e) => {
            errln!("error: cannot write `{}`: {e}", out.display());
            USAGE
        }
    }
}

fn diff(old: &str, new: &str, as_of: Option<Date>, fail_on: Option<FailOn>, format: Format) -> u8 {
    let as_of = as_of.unwrap_or_else(Date::today);
    let mut trees = Vec::new();
    for spec in [old, new] {
        // A tree unpacked from git is removed when `tree` drops, on every path.
        let tree = match git_tree::tree(spec) {
            Ok(t) => t,
            Err(e) => {
                errln!("error: {e}");
                return USAGE;
            }
        };
        let c = compile(std::slice::from_ref(&tree.path), as_of);
        if c.has_errors() {
            errln!("error: `{spec}` has errors:");
            report(&c);
            return FINDINGS;
        }
        trees.push(c);
    }
    let (Some(old_c), Some(new_c)) = (trees.first(), trees.get(1)) else { return USAGE };
    let d = match stringent_compiler::diff::diff_over_time(old_c, new_c) {
        Ok(d) => d,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    if format == Format::Json {
        dataln!("{}", serde_json::to_string_pretty(&d).unwrap_or_default());
    } else {
        for j in d.added.iter().filter(|j| !d.new_layers.iter().any(|l| &l.jurisdiction == *j)) {
            outln!("{j}: new jurisdiction");
        }
        for l in &d.new_layers {
            outln!("{}: new jurisdiction, compared with its parent chain {}:", l.jurisdiction, l.parent);
            print_groups(&l.groups);
        }
        for j in &d.removed {
            outln!("{j}: removed");
        }
        for v in &d.vocabulary {
            outln!("{}", vocabulary_line(v));
        }
        for h in &d.history {
            let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "not declared".to_owned());
            outln!("{}: history complete from {} (was {})", h.layer, date(&h.new), date(&h.old));
        }
        print_groups(&d.groups);
        for l in &d.later {
            outln!("as of {}:", l.as_of);
            print_groups(&l.groups);
        }
    }
    if fail_on == Some(FailOn::Loosened) {
        let mut fail = false;
        if d.groups.iter().any(stringent_compiler::diff::ChangeGroup::unjustified_loosening) {
            errln!("an answer loosened without a justification");
            fail = true;
        }
        for l in d.later.iter().filter(|l| l.unjustified_loosening()) {
            errln!("an answer loosens without a justification as of {}", l.as_of);
            fail = true;
        }
        if d.breaking() {
            errln!(
                "a jurisdiction, value or term that questions or answers used was renamed or removed, an HL7 \
                 code was taken away or a notice text changed: a breaking change of the public contract, which \
                 no justification covers; review it and run without --fail-on to accept it"
            );
            fail = true;
        }
        if fail {
            return FINDINGS;
        }
    }
    0
}

/// Change groups in words, then their count.
fn print_groups(groups: &[stringent_compiler::diff::ChangeGroup]) {
    use stringent_compiler::diff::Direction;
    for g in groups {
        let more = g.cells.saturating_sub(g.examples.len());
        let more = if more > 0 { format!(", and {more} more cells") } else { String::new() };
        outln!("{}: {}{more}", g.jurisdiction, g.examples.join("; "));
        for c in &g.compared_with {
            outln!("  compared with the old tree as {c}");
        }
        for c in &g.changes {
            let label = match c.direction {
                Direction::Tightened => "tightened",
                Direction::Loosened => "LOOSENED",
                Direction::Changed => "changed",
            };
            outln!("  {label} {}: {} -> {}", c.dimension.as_str(), c.old, c.new);
            let refs = |rs: &[stringent_compiler::diff::RuleRef]| {
                rs.iter().map(|r| format!("{} ({})", r.rule, r.citation)).collect::<Vec<_>>().join("; ")
            };
            outln!("    before: {}", if c.old_rules.is_empty() { "no rule".to_owned() } else { refs(&c.old_rules) });
            outln!("    after:  {}", if c.new_rules.is_empty() { "no rule".to_owned() } else { refs(&c.new_rules) });
            for r in c.new_rules.iter().filter(|r| r.justification.is_some()) {
                outln!("    justification ({}): {}", r.rule, r.justification.clone().unwrap_or_default());
            }
        }
    }
    let cells: usize = groups.iter().map(|g| g.cells).sum();
    outln!("{} change groups, {cells} cells changed", groups.len());
}

/// One vocabulary change in words: `value category sti renamed to std (probably: same title)`.
fn vocabulary_line(v: &stringent_compiler::diff::VocabularyChange) -> String {
    use stringent_compiler::diff::VocabularyChangeKind as K;
    let what = match &v.axis {
        Some(axis) => format!("{} {axis}", v.kind.as_str()),
        None => v.kind.as_str().to_owned(),
    };
    let (old, new) = (v.old.as_deref().unwrap_or("?"), v.new.as_deref().unwrap_or("?"));
    let mut line = match v.change {
        K::Renamed => format!("vocabulary: {what} {old} renamed to {new} (probably: {})", v.evidence.join(", ")),
        K::Removed => format!("vocabulary: {what} {old} removed"),
        K::Added => match (&v.new_parent, &v.compared_with) {
            (Some(p), Some(c)) => {
                format!("vocabulary: {what} {new} added under {p}; its answers are compared with {c}'s")
            }
            (Some(p), None) => format!("vocabulary: {what} {new} added under {p}"),
            (None, _) => format!("vocabulary: {what} {new} added"),
        },
        K::Edited => {
            let field = match v.field.as_deref() {
                Some("hl7") => "HL7 codes",
                Some("text") => "notice text",
                Some(f) => f,
                None => "?",
            };
            let (was, now) = (v.was.as_deref().unwrap_or(""), v.now.as_deref().unwrap_or(""));
            let renamed = if old == new { String::new() } else { format!(" (renamed to {new})") };
            if v.field.as_deref() == Some("hl7") {
                format!("vocabulary: {what} {old}{renamed}: {field} changed from [{was}] to [{now}]")
            } else {
                format!("vocabulary: {what} {old}{renamed}: {field} changed from {was:?} to {now:?}")
            }
        }
        K::Moved => format!(
            "vocabulary: {what} {new} moved from under {} to under {}",
            v.old_parent.as_deref().unwrap_or("nothing"),
            v.new_parent.as_deref().unwrap_or("nothing")
        ),
    };
    if v.kind == stringent_compiler::diff::TermKind::Value && v.change == K::Added && v.compared_with.is_none() {
        line.push_str(" (no ancestor in the old vocabulary: its answers are not compared)");
    }
    if v.breaking {
        line.push_str(" [breaking]");
    }
    line
}

fn coverage(paths: &[PathBuf]) -> u8 {
    use stringent_compiler::coverage::State;
    let c = compile(paths, Date::today());
    if c.has_errors() {
        report(&c);
        return FINDINGS;
    }
    let rows = stringent_compiler::coverage::coverage(&c.model);
    let topics = c.model.topic_ids();
    out!("{:<14}", "jurisdiction");
    for t in topics {
        out!(" {t:<22}");
    }
    outln!();
    let mut missing = 0;
    for (j, cells) in &rows {
        out!("{j:<14}");
        for cell in cells {
            let text = match cell {
                State::Covered(mix) => {
                    let parts: Vec<String> =
                        mix.iter().map(|(k, n)| format!("{n}{}", k.chars().next().unwrap_or('?'))).collect();
                    format!("covered {}", parts.join(" "))
                }
                State::Silent(conf) => format!("silent ({})", conf.as_str()),
                State::Missing => {
                    missing += 1;
                    "MISSING".to_owned()
                }
            };
            out!(" {text:<22}");
        }
        outln!();
    }
    outln!("{} jurisdictions, {missing} missing cells (v verified, s secondary, r recalled, u unverified)", rows.len());
    outln!();
    // How each layer's claims were checked: a reviewer reads the mix, the stalest silence
    // and the date from which its history is complete; a layer that does not say is missing.
    let mix = |m: &std::collections::BTreeMap<&str, usize>| -> String {
        let parts: Vec<String> = m.iter().map(|(k, n)| format!("{n}{}", k.chars().next().unwrap_or('?'))).collect();
        if parts.is_empty() { "-".to_owned() } else { parts.join(" ") }
    };
    outln!("{:<22} {:<16} {:<12} {:<24} history from", "layer", "rules", "silences", "searched (oldest..newest)");
    let mut undated = 0;
    let audit = stringent_compiler::coverage::audit(&c.model);
    for a in &audit {
        let searched = match (&a.oldest_searched, &a.newest_searched) {
            (Some(o), Some(n)) if o == n => o.clone(),
            (Some(o), Some(n)) => format!("{o}..{n}"),
            _ => "-".to_owned(),
        };
        let history = a.history_from.clone().unwrap_or_else(|| {
            undated += 1;
            "MISSING".to_owned()
        });
        outln!("{:<22} {:<16} {:<12} {:<24} {history}", a.jurisdiction, mix(&a.rules), mix(&a.silences), searched);
    }
    outln!("{undated} layers without `history from`");
    // An unverified silence rests on a statute not read whole: name them, so nobody takes
    // them for a finding that no law exists (docs/semantics.md, "Silence").
    let unread: Vec<String> = c
        .model
        .silences
        .iter()
        .filter(|s| s.confidence == stringent_syntax::ast::Confidence::Unverified)
        .filter_map(|s| {
            let layer = c.model.layers.get(s.layer)?;
            let topic = &c.model.topics.get(s.topic)?.id;
            Some(format!("{} {topic}", layer.id))
        })
        .collect();
    if !unread.is_empty() {
        outln!("{} silences are unverified (the statute was not read whole): {}", unread.len(), unread.join(", "));
    }
    missing += undated;
    let open = stringent_compiler::coverage::open_to_process(&c.model);
    if !open.is_empty() {
        let list: Vec<String> = open.iter().map(|(id, p)| format!("{id} ({})", p.join(", "))).collect();
        outln!(
            "{} broad state rules leave proceedings or law enforcement to federal law, with no rule of their layer there (read the statute's list again): {}",
            list.len(),
            list.join(", ")
        );
    }
    let unsourced: Vec<&String> = audit.iter().flat_map(|a| &a.unsourced).collect();
    if !unsourced.is_empty() {
        let ids: Vec<&str> = unsourced.iter().map(|s| s.as_str()).collect();
        outln!("{} rules name no source: {}", ids.len(), ids.join(", "));
        missing += unsourced.len();
    }
    outln!();
    outln!("ungoverned answers (no rule in force reaches them; `allowed` there is not a legal permission):");
    for chain in &c.chains {
        let u = stringent_compiler::coverage::ungoverned(&c.model, chain);
        let share = |(id, n, all): &(String, usize, usize)| format!("{id} {}%", n * 100 / (*all).max(1));
        outln!(
            "  {:<14} {} of {} cells; holders: {}; categories: {}",
            u.jurisdiction,
            u.cells,
            u.total,
            if u.holders.is_empty() {
                "none".to_owned()
            } else {
                u.holders.iter().map(share).collect::<Vec<_>>().join(", ")
            },
            if u.categories.is_empty() {
                "none".to_owned()
            } else {
                u.categories.iter().map(share).collect::<Vec<_>>().join(", ")
            }
        );
    }
    if missing > 0 { FINDINGS } else { 0 }
}

fn question(q: &QuestionArgs, prose: bool) -> u8 {
    let loaded = match &q.policy {
        Some(path) => match LoadedPolicy::load(path) {
            Ok(p) => {
                // A compiled policy holds the answers of one date; answering it for another
                // would present one date's law as another's.
                if let Some(date) = q.as_of
                    && p.policy().as_of != date.to_string()
                {
                    errln!(
                        "error: `{}` was compiled as of {}; it cannot answer as of {date}\n  help: answer from the rules (`--rules DIR --as-of {date}`) or compile with `--as-of {date}`",
                        path.display(),
                        p.policy().as_of
                    );
                    return USAGE;
                }
                if let Some(j) = &q.jurisdiction
                    && p.policy().jurisdiction() != j
                {
                    errln!(
                        "error: `{}` holds the policy of `{}`, not `{j}`",
                        path.display(),
                        p.policy().jurisdiction()
                    );
                    return USAGE;
                }
                p
            }
            Err(e) => {
                errln!("error: {e}");
                return USAGE;
            }
        },
        None => {
            let Some(jurisdiction) = &q.jurisdiction else {
                errln!("error: give --jurisdiction (e.g. US-CA), or --policy FILE");
                return USAGE;
            };
            let rules = q.rules.clone().unwrap_or_else(|| PathBuf::from("rules"));
            let c = compile(&[rules], q.as_of.unwrap_or_else(Date::today));
            if c.has_errors() {
                report(&c);
                return FINDINGS;
            }
            match c.loaded(jurisdiction) {
                Some(p) => p,
                None => {
                    let ids = c.jurisdictions();
                    let hint = stringent_diagnostics::nearest(jurisdiction, ids.iter().map(String::as_str))
                        .map(|n| format!("; did you mean `{n}`?"))
                        .unwrap_or_default();
                    errln!("error: unknown jurisdiction `{jurisdiction}`{hint} (valid: {})", ids.join(", "));
                    return USAGE;
                }
            }
        }
    };
    let (Some(purpose), Some(recipient), false) = (&q.purpose, &q.recipient, q.categories.is_empty()) else {
        errln!("error: a question needs --category, --purpose and --recipient");
        return USAGE;
    };
    let question = Question {
        categories: q.categories.clone(),
        purpose: purpose.clone(),
        recipient: recipient.clone(),
        subject: q.subject.clone(),
        holder: q.holder.clone(),
    };
    let decision = match loaded.decide(&question) {
        Ok(d) => d,
        Err(e) => {
            errln!("error: {e}");
            return USAGE;
        }
    };
    let text = if q.format == Format::Fhir {
        let labels = stringent_policy::security_labels(loaded.policy(), &decision);
        serde_json::to_string_pretty(&labels).unwrap_or_default() + "\n"
    } else if q.format == Format::Json && prose {
        serde_json::to_string_pretty(&stringent_compiler::explain::explanation(&decision)).unwrap_or_default() + "\n"
    } else if q.format == Format::Json {
        match serde_json::to_string_pretty(&decision) {
            Ok(s) => s + "\n",
            Err(e) => {
                errln!("error: {e}");
                return USAGE;
            }
        }
    } else if prose {
        stringent_compiler::explain(&decision)
    } else {
        summary(&decision)
    };
    if q.format == Format::Text {
        out!("{text}");
    } else {
        data!("{text}");
    }
    0
}

fn exception_tree(q: &QuestionArgs, rule: &str) -> u8 {
    if q.policy.is_some() {
        errln!(
            "error: `--rule` reads the rules, not a compiled policy\n  help: give `--rules DIR` instead of `--policy`"
        );
        return USAGE;
    }
    let rules = q.rules.clone().unwrap_or_else(|| PathBuf::from("rules"));
    let c = compile(&[rules], q.as_of.unwrap_or_else(Date::today));
    if c.has_errors() {
        report(&c);
        return FINDINGS;
    }
    let Some(tree) = c.model.rule(rule).and_then(|r| stringent_compiler::explain::exception_tree(&c.model, r)) else {
        let ids: Vec<&str> = c.model.rules.iter().map(|r| r.id.as_str()).collect();
        let hint =
            stringent_diagnostics::nearest(rule, ids).map(|n| format!("; did you mean `{n}`?")).unwrap_or_default();
        errln!("error: no rule `{rule}`{hint}");
        return USAGE;
    };
    if q.format == Format::Json {
        dataln!("{}", serde_json::to_string_pretty(&tree).unwrap_or_default());
    } else {
        out!("{}", stringent_compiler::explain::render_exception_tree(&tree));
    }
    0
}

fn summary(d: &stringent_policy::Decision) -> String {
    let mut out = format!("{}: {}", d.jurisdiction, d.level.as_str());
    if let Some(line) = stringent_compiler::explain::ungoverned(d) {
        out.push_str(" (UNGOVERNED)\n  ");
        out.push_str(&line);
    }
    if let Some(line) = stringent_compiler::explain::history_gap(d) {
        out.push_str("\n  history: ");
        out.push_str(&line);
    }
    let bases: Vec<&str> = d.bases.iter().map(|b| b.as_str()).collect();
    out.push_str(&format!(
        "\n  bases: {}",
        if bases.is_empty() { "none suffices alone".to_owned() } else { bases.join(", ") }
    ));
    // Ways of several instruments, or under conditions, are more than the bases say.
    if d.ways.iter().any(|w| w.bases.len() > 1 || !w.conditions.is_empty()) {
        out.push_str(&format!("\n  ways: {}", stringent_policy::artifact::describe_ways(&d.ways)));
    }
    out.push_str(&format!("\n  mandatory: {}", d.mandatory));
    for dl in &d.deadlines {
        let unit = match dl.unit {
            stringent_policy::DayUnit::CalendarDays => "calendar days",
            stringent_policy::DayUnit::BusinessDays => "business days",
        };
        let action = match dl.action {
            stringent_policy::Action::Inspect => " to inspect",
            stringent_policy::Action::Copy => " for a copy",
            stringent_policy::Action::Any => "",
        };
        out.push_str(&format!("\n  deadline: {} {unit}{action}", dl.days));
    }
    for (label, list) in [("elements", &d.authorization_elements), ("form", &d.form), ("obligations", &d.obligations)] {
        if !list.is_empty() {
            out.push_str(&format!("\n  {label}: {}", list.join(", ")));
        }
    }
    if let Some(v) = d.max_validity_days {
        out.push_str(&format!("\n  max validity: {v} days"));
    }
    out.push_str("\n  decided by:");
    for p in d.provenance.iter().filter(|p| p.role == stringent_policy::artifact::Role::Won) {
        out.push_str(&format!(
            "\n    {} [{}] {} ({})",
            p.rule,
            p.layer,
            p.citation,
            p.dimensions.iter().map(|x| x.as_str()).collect::<Vec<_>>().join(", ")
        ));
    }
    out.push('\n');
    out
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
