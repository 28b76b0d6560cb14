//! The shipped rules tree, a fixed compile date, and the compiler's pipeline cut into the
//! stages `stringent_compiler::compile` runs, each callable on its own so that it can be
//! timed: discover, parse, model build, test questions, resolution, lints, emit.

use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use stringent_compiler::discover::{self, RuleFile};
use stringent_compiler::model::{self, Model, ParsedFile};
use stringent_compiler::resolve::{ChainResult, Resolver, Stats};
use stringent_diagnostics::Diagnostic;
use stringent_syntax::Date;
use stringent_syntax::ast::SourceFile;

/// Every benchmark compiles as of this date, so that runs on different days compare.
pub const AS_OF: &str = "2026-01-01";

pub fn as_of() -> Date {
    Date::parse(AS_OF).unwrap_or_else(Date::today)
}

/// The workspace root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The shipped rules tree, `rules/`.
pub fn shipped_root() -> PathBuf {
    repo_root().join("rules")
}

/// Every rule file under the roots, read as the compiler reads them.
pub fn read(roots: &[PathBuf]) -> Vec<RuleFile> {
    discover::discover(roots).files
}

/// The bytes of text of some files.
pub fn total_bytes(files: &[RuleFile]) -> usize {
    files.iter().map(|f| f.text.len()).sum()
}

/// Parse every file as `compile` does: one file per rayon task, collected in file order.
pub fn parse_all(files: &[RuleFile]) -> Vec<(SourceFile, Vec<Diagnostic>)> {
    files.par_iter().map(|f| stringent_syntax::parse(&f.display, &f.text)).collect()
}

/// Parse every file on the calling thread.
pub fn parse_serial(files: &[RuleFile]) -> Vec<(SourceFile, Vec<Diagnostic>)> {
    files.iter().map(|f| stringent_syntax::parse(&f.display, &f.text)).collect()
}

/// The model of parsed files, as `compile` builds it.
pub fn build_model(files: &[RuleFile], parsed: &[(SourceFile, Vec<Diagnostic>)]) -> (Model, Vec<Diagnostic>) {
    let inputs: Vec<ParsedFile<'_>> = files
        .iter()
        .zip(parsed)
        .map(|(f, (ast, _))| ParsedFile { display: &f.display, text: &f.text, relative: &f.relative, ast })
        .collect();
    model::build(&inputs, &[])
}

/// The questions of every `test` block, checked as `compile` checks them; the number that
/// could be asked.
pub fn test_questions(model: &Model, as_of: Date) -> usize {
    model.tests.iter().filter(|case| stringent_compiler::testing::question(model, as_of, case).is_ok()).count()
}

/// Every chain resolved as `compile` resolves them: one chain per rayon task.
pub fn resolve_all(model: &Model, as_of: Date) -> Vec<ChainResult> {
    let resolver = Resolver::new(model, as_of);
    let mut order: Vec<usize> = (0..model.layers.len()).collect();
    order.sort_by_key(|l| (model.chain(*l).len(), model.layers.get(*l).map(|x| x.id.clone())));
    order.par_iter().map(|l| resolver.chain(*l)).collect()
}

/// The lints over resolved chains, as `compile` runs them.
pub fn lint_all(model: &Model, chains: &[ChainResult], as_of: Date) -> Vec<Diagnostic> {
    let stats = Stats::merge(model.rules.len(), chains.iter().map(|c| &c.stats));
    stringent_compiler::lints::lints(model, &stats, chains, as_of)
}

/// One pass of every stage, each timed on its own, and then a whole `compile` of the
/// same roots; `rest` is what `compile` took beyond the stages it shares.
#[derive(Debug, Clone, Default)]
pub struct StageTimes {
    pub files: usize,
    pub bytes: usize,
    pub layers: usize,
    pub rules: usize,
    pub tests: usize,
    pub cells_per_chain: usize,
    /// Distinct provenance lists over all chains (about the distinct match sets resolved),
    /// and the entries in them.
    pub provenance_lists: usize,
    pub provenance_entries: usize,
    pub discover: Duration,
    pub parse: Duration,
    pub model: Duration,
    pub test_questions: Duration,
    pub resolve: Duration,
    pub lints: Duration,
    pub compile: Duration,
    pub policies: Duration,
    pub errors: usize,
    pub warnings: usize,
}

impl StageTimes {
    /// `compile` less the stages timed on their own: merging and sorting diagnostics.
    pub fn rest(&self) -> Duration {
        self.compile
            .saturating_sub(self.discover + self.parse + self.model + self.test_questions + self.resolve + self.lints)
    }
}

/// Time each stage once (after one untimed warm-up read of the files).
pub fn time_stages(roots: &[PathBuf], as_of: Date) -> StageTimes {
    let _ = read(roots);
    let mut t = StageTimes::default();
    let start = Instant::now();
    let files = read(roots);
    t.discover = start.elapsed();
    t.files = files.len();
    t.bytes = total_bytes(&files);

    let start = Instant::now();
    let parsed = parse_all(&files);
    t.parse = start.elapsed();

    let start = Instant::now();
    let (model, _) = build_model(&files, &parsed);
    t.model = start.elapsed();
    t.layers = model.layers.len();
    t.rules = model.rules.len();
    t.tests = model.tests.len();
    t.cells_per_chain = stringent_compiler::resolve::grid(&model).len();

    let start = Instant::now();
    std::hint::black_box(test_questions(&model, as_of));
    t.test_questions = start.elapsed();

    let start = Instant::now();
    let chains = resolve_all(&model, as_of);
    t.resolve = start.elapsed();
    t.provenance_lists = chains.iter().map(|c| c.provenance.len()).sum();
    t.provenance_entries = chains.iter().flat_map(|c| &c.provenance).map(Vec::len).sum();

    let start = Instant::now();
    std::hint::black_box(lint_all(&model, &chains, as_of));
    t.lints = start.elapsed();
    drop(chains);
    drop(model);
    drop(parsed);
    drop(files);

    let start = Instant::now();
    let c = stringent_compiler::compile(roots, as_of);
    t.compile = start.elapsed();
    t.warnings = c.warning_count();
    t.errors = c.diagnostics.len() - t.warnings;

    let start = Instant::now();
    std::hint::black_box(c.policies());
    t.policies = start.elapsed();
    t
}
