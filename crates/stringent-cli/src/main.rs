//! `stringent`: check, compile, decide and explain health-privacy rules.

use clap::{Parser, Subcommand, ValueEnum};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use stringent_compiler::{Compilation, compile, emit};
use stringent_diagnostics::{HumanStyle, render_human};
use stringent_policy::{LoadedPolicy, Question};
use stringent_syntax::Date;

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
        /// Rules roots (directories or files).
        #[arg(default_value = "rules")]
        paths: Vec<PathBuf>,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
        /// Fail on warnings too.
        #[arg(long)]
        deny_warnings: bool,
    },
    /// Compile rule files into one resolved policy per chain, plus an index.
    Compile {
        #[arg(default_value = "rules")]
        paths: Vec<PathBuf>,
        /// Output directory.
        #[arg(long)]
        out: PathBuf,
        #[arg(long, value_parser = parse_date)]
        as_of: Option<Date>,
    },
    /// Answer a question: may this record be disclosed, and on what terms?
    Decide(QuestionArgs),
    /// Answer a question in prose, layer by layer, with citations.
    Explain(QuestionArgs),
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
    #[arg(long = "category", required = true)]
    categories: Vec<String>,
    #[arg(long)]
    purpose: String,
    #[arg(long)]
    recipient: String,
    #[arg(long, default_value = "adult")]
    subject: String,
    #[arg(long, default_value = "provider")]
    holder: String,
    #[arg(long, value_parser = parse_date)]
    as_of: Option<Date>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, ValueEnum, PartialEq, Eq)]
enum Format {
    Text,
    Json,
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("`{s}` is not a date in the form YYYY-MM-DD"))
}

/// Exit codes: 0 clean, 1 findings, 2 usage or environment errors.
const FINDINGS: u8 = 1;
const USAGE: u8 = 2;

fn main() -> ExitCode {
    let cli = Cli::parse();
    let code = match cli.command {
        Command::Check { paths, as_of, deny_warnings } => check(&paths, as_of, deny_warnings),
        Command::Compile { paths, out, as_of } => compile_cmd(&paths, &out, as_of),
        Command::Decide(q) => question(&q, false),
        Command::Explain(q) => question(&q, true),
    };
    ExitCode::from(code)
}

fn report(c: &Compilation) {
    let style = if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
        HumanStyle::Plain
    } else if std::io::stderr().is_terminal() {
        HumanStyle::Colour
    } else {
        HumanStyle::Ascii
    };
    eprint!("{}", render_human(&c.diagnostics, &c.sources, style, 100));
    let errors = c.diagnostics.len() - c.warning_count();
    eprintln!("{} error{}, {} warning{}", errors, plural(errors), c.warning_count(), plural(c.warning_count()));
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

fn check(paths: &[PathBuf], as_of: Option<Date>, deny_warnings: bool) -> u8 {
    let c = compile(paths, as_of.unwrap_or_else(Date::today));
    report(&c);
    if c.has_errors() || (deny_warnings && c.warning_count() > 0) { FINDINGS } else { 0 }
}

fn compile_cmd(paths: &[PathBuf], out: &std::path::Path, as_of: Option<Date>) -> u8 {
    let as_of = as_of.unwrap_or_else(Date::today);
    let c = compile(paths, as_of);
    report(&c);
    if c.has_errors() {
        eprintln!("nothing written: fix the errors first");
        return FINDINGS;
    }
    match emit::write_all(out, &c.policies(), as_of) {
        Ok(index) => {
            eprintln!("wrote {} policies and index.json to {}", index.policies.len(), out.display());
            0
        }
        Err(e) => {
            eprintln!("error: cannot write to `{}`: {e}", out.display());
            USAGE
        }
    }
}

fn question(q: &QuestionArgs, prose: bool) -> u8 {
    let loaded = match &q.policy {
        Some(path) => match LoadedPolicy::load(path) {
            Ok(p) => {
                if let Some(j) = &q.jurisdiction
                    && p.policy().jurisdiction() != j
                {
                    eprintln!(
                        "error: `{}` holds the policy of `{}`, not `{j}`",
                        path.display(),
                        p.policy().jurisdiction()
                    );
                    return USAGE;
                }
                p
            }
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        },
        None => {
            let Some(jurisdiction) = &q.jurisdiction else {
                eprintln!("error: give --jurisdiction (e.g. US-CA), or --policy FILE");
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
                    eprintln!("error: unknown jurisdiction `{jurisdiction}`; valid: {}", c.jurisdictions().join(", "));
                    return USAGE;
                }
            }
        }
    };
    let question = Question {
        categories: q.categories.clone(),
        purpose: q.purpose.clone(),
        recipient: q.recipient.clone(),
        subject: q.subject.clone(),
        holder: q.holder.clone(),
    };
    let decision = match loaded.decide(&question) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("error: {e}");
            return USAGE;
        }
    };
    let text = if q.format == Format::Json {
        match serde_json::to_string_pretty(&decision) {
            Ok(s) => s + "\n",
            Err(e) => {
                eprintln!("error: {e}");
                return USAGE;
            }
        }
    } else if prose {
        stringent_compiler::explain(&decision)
    } else {
        summary(&decision)
    };
    print!("{text}");
    0
}

fn summary(d: &stringent_policy::Decision) -> String {
    let mut out = format!("{}: {}", d.jurisdiction, d.level.as_str());
    let bases: Vec<&str> = d.bases.iter().map(|b| b.as_str()).collect();
    out.push_str(&format!(
        "\n  bases: {}",
        if bases.is_empty() { "none suffices".to_owned() } else { bases.join(", ") }
    ));
    out.push_str(&format!("\n  mandatory: {}", d.mandatory));
    for dl in &d.deadlines {
        out.push_str(&format!("\n  deadline: {} {:?} ({:?})", dl.days, dl.unit, dl.action));
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
