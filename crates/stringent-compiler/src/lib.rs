//! The stringent compiler: rule files in, checked and resolved policies out.
//!
//! Pipeline: [`discover`] finds and reads files → `stringent_syntax::parse` builds syntax
//! trees → [`model::build`] resolves names and checks structure → [`resolve`] computes
//! every chain's cells → [`lints`] reports what resolution found → [`emit`] writes the
//! artifacts. Every stage reports all it finds as diagnostics and carries on with what is
//! sound, so one run shows every problem.

pub mod assertions;
pub mod coverage;
pub mod diff;
pub mod discover;
pub mod emit;
pub mod explain;
pub mod limits;
pub mod lints;
pub mod model;
pub mod output;
pub mod proof;
pub mod resolve;
pub mod testing;
pub mod timeline;

use rayon::prelude::*;
use std::path::PathBuf;
use stringent_diagnostics::{Diagnostic, SourceMap, collapse_repeated_unknown_names, sort_diagnostics};
use stringent_policy::{LoadedPolicy, Policy};
use stringent_syntax::Date;

pub use explain::explain;

/// Everything one run learned about a rules tree.
pub struct Compilation {
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    pub model: model::Model,
    pub chains: Vec<resolve::ChainResult>,
    pub as_of: Date,
}

impl Compilation {
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.iter().filter(|d| !d.is_error()).count()
    }

    /// The artifact of every chain, federal first, then by jurisdiction id; built in
    /// parallel, collected in that order.
    pub fn policies(&self) -> Vec<Policy> {
        self.chains.par_iter().map(|c| emit::policy(&self.model, c, self.as_of)).collect()
    }

    /// The artifact of the chain that ends at `jurisdiction`, or the combination of
    /// several chains written `US-CA+US-NV` (a disclosure that must satisfy each).
    pub fn policy_for(&self, jurisdiction: &str) -> Option<Policy> {
        self.policy_at(jurisdiction, self.as_of)
    }

    /// [`Compilation::policy_for`] as of another date than the compile's.
    pub fn policy_at(&self, jurisdiction: &str, date: Date) -> Option<Policy> {
        let parts: Vec<Policy> = jurisdiction
            .split('+')
            .map(|j| {
                let layer = self.model.layer(j)?;
                if date == self.as_of {
                    let chain = self.chains.iter().find(|c| c.chain.last() == Some(&layer))?;
                    Some(emit::policy(&self.model, chain, date))
                } else {
                    let chain = resolve::Resolver::new(&self.model, date).chain(layer);
                    Some(emit::policy(&self.model, &chain, date))
                }
            })
            .collect::<Option<_>>()?;
        match parts.len() {
            1 => parts.into_iter().next(),
            _ => Policy::combine(&parts).ok(),
        }
    }

    /// A loaded policy ready to answer questions, as a consumer of the artifact would have.
    pub fn loaded(&self, jurisdiction: &str) -> Option<LoadedPolicy> {
        LoadedPolicy::new(self.policy_for(jurisdiction)?).ok()
    }

    /// [`Compilation::loaded`] as of another date than the compile's.
    pub fn loaded_at(&self, jurisdiction: &str, date: Date) -> Option<LoadedPolicy> {
        LoadedPolicy::new(self.policy_at(jurisdiction, date)?).ok()
    }

    /// The errors that make the chain ending at `jurisdiction` (or any part of a
    /// combination `A+B`) unsafe to answer: those in a file of one of its layers, and those
    /// that no layer's file holds (the vocabulary, a file whose header could not be read, a
    /// problem with no file), since nothing shows they spare it. An error in another
    /// chain's own layer leaves this chain's answers as they would be without it: chains
    /// share only the federal layer and the vocabulary. Empty means the chain can be
    /// answered even though the tree has errors elsewhere.
    pub fn errors_touching(&self, jurisdiction: &str) -> Vec<&Diagnostic> {
        let layer_files: std::collections::HashSet<&str> = self.model.layers.iter().map(|l| l.file.as_str()).collect();
        let mut chain_files = std::collections::HashSet::new();
        for part in jurisdiction.split('+') {
            match self.model.layer(part) {
                Some(layer) => chain_files.extend(
                    self.model
                        .chain(layer)
                        .into_iter()
                        .filter_map(|l| self.model.layers.get(l))
                        .map(|l| l.file.as_str()),
                ),
                // A chain that does not exist cannot be shown clean: every error counts.
                None => return self.diagnostics.iter().filter(|d| d.is_error()).collect(),
            }
        }
        self.diagnostics
            .iter()
            .filter(|d| d.is_error())
            .filter(|d| match &d.primary {
                None => true,
                Some(at) => chain_files.contains(at.file.as_str()) || !layer_files.contains(at.file.as_str()),
            })
            .collect()
    }

    /// The jurisdictions whose chains [`Compilation::errors_touching`] finds errors in, each
    /// with the first such error: what a question about them cannot be answered for.
    pub fn unavailable(&self) -> Vec<(String, &Diagnostic)> {
        if !self.has_errors() {
            return Vec::new();
        }
        self.model
            .layers
            .iter()
            .filter_map(|l| self.errors_touching(&l.id).first().map(|d| (l.id.clone(), *d)))
            .collect()
    }

    /// The layers declared in the files `targets` names.
    pub fn layers_in(&self, targets: &discover::Targets) -> Vec<String> {
        self.model.layers.iter().filter(|l| targets.holds(&l.file)).map(|l| l.id.clone()).collect()
    }

    /// Narrow the diagnostics to the files `targets` names, for a run about some files of a
    /// tree: what other files hold is not the user's question, except the errors that make
    /// the chains of `jurisdictions` unanswerable ([`Compilation::errors_touching`]). Those
    /// are taken out too and returned, for the caller to name in one line.
    pub fn narrow_to(&mut self, targets: &discover::Targets, jurisdictions: &[String]) -> Vec<Diagnostic> {
        if targets.only.is_none() {
            return Vec::new();
        }
        let elsewhere = |d: &Diagnostic| d.primary.as_ref().is_none_or(|at| !targets.holds(&at.file));
        let mut touching: Vec<Diagnostic> = Vec::new();
        for j in jurisdictions {
            for d in self.errors_touching(j) {
                if elsewhere(d) && !touching.contains(d) {
                    touching.push(d.clone());
                }
            }
        }
        self.diagnostics.retain(|d| !elsewhere(d));
        touching
    }

    pub fn jurisdictions(&self) -> Vec<String> {
        self.model.layers.iter().map(|l| l.id.clone()).collect()
    }
}

/// Check and resolve the rules under `roots` as of a date.
pub fn compile(roots: &[PathBuf], as_of: Date) -> Compilation {
    let shown: Vec<String> = roots.iter().map(|r| discover::slash(r)).collect();
    compile_discovered(discover::discover(roots), &shown, as_of, &mut ParseCache::default())
}

/// Check and resolve rule files given in memory as (name, text), without touching the
/// disk: the entry point for tests, fuzzers and an editor. The same checks and answers as
/// [`compile`] of a tree holding those files under those relative names.
pub fn compile_sources(sources: Vec<(String, String)>, as_of: Date) -> Compilation {
    compile_sources_cached(sources, as_of, &mut ParseCache::default())
}

/// [`compile_sources`], parsing only the files whose text differs from what `cache` holds
/// for them: an editor compiles the tree again after each edit of one file, and parsing is
/// most of a compile (BENCHMARKS.md). The answers and diagnostics are those of
/// [`compile_sources`]; afterwards `cache` holds the tree of every file given, and no other.
pub fn compile_sources_cached(sources: Vec<(String, String)>, as_of: Date, cache: &mut ParseCache) -> Compilation {
    let bytes = sources.into_iter().map(|(name, text)| (name, text.into_bytes())).collect();
    compile_discovered(discover::from_memory(bytes), &["the given sources".to_owned()], as_of, cache)
}

/// The syntax trees of the files of earlier compiles, by shown path, each with the text it
/// was parsed from and its parse diagnostics.
#[derive(Default)]
pub struct ParseCache {
    files: std::collections::HashMap<String, Parsed>,
}

struct Parsed {
    text: String,
    tree: stringent_syntax::ast::SourceFile,
    diagnostics: Vec<Diagnostic>,
}

impl ParseCache {
    /// The syntax tree of a file of the last compile.
    pub fn tree(&self, display: &str) -> Option<&stringent_syntax::ast::SourceFile> {
        self.files.get(display).map(|p| &p.tree)
    }

    /// Parse the files whose text is not the one cached (on all cores), and forget files
    /// not among `files`.
    fn update(&mut self, files: &[discover::RuleFile]) {
        let keep: std::collections::HashSet<&str> = files.iter().map(|f| f.display.as_str()).collect();
        self.files.retain(|name, _| keep.contains(name.as_str()));
        let stale: Vec<&discover::RuleFile> =
            files.iter().filter(|f| self.files.get(&f.display).is_none_or(|p| p.text != f.text)).collect();
        let parsed: Vec<_> = stale.par_iter().map(|f| stringent_syntax::parse(&f.display, &f.text)).collect();
        for (f, (tree, diagnostics)) in stale.into_iter().zip(parsed) {
            self.files.insert(f.display.clone(), Parsed { text: f.text.clone(), tree, diagnostics });
        }
    }
}

/// Everything after discovery; `shown` names what was given, for a tree without a federal
/// layer.
fn compile_discovered(
    found: discover::Discovered,
    shown: &[String],
    as_of: Date,
    cache: &mut ParseCache,
) -> Compilation {
    let discover::Discovered { files, mut diagnostics, unparsed } = found;
    // What files that could not be parsed may declare: their names are not reported again
    // as unknown (docs/semantics.md, "One mistake, one diagnostic").
    let mut unread: Vec<String> =
        unparsed.iter().flat_map(|(_, text)| stringent_syntax::declared_names(text)).map(|d| d.name).collect();
    unread.extend(diagnostics.iter().filter_map(unread_jurisdiction));
    let mut sources = SourceMap::default();
    for (path, text) in unparsed {
        sources.insert(path, text);
    }
    if files.is_empty() && diagnostics.iter().any(Diagnostic::is_error) {
        // Nothing was read: what discovery said is the whole story (a missing or empty root
        // would otherwise be followed by "no axis declared" for every axis).
        in_order(&mut diagnostics);
        return Compilation { sources, diagnostics, model: model::Model::default(), chains: Vec::new(), as_of };
    }
    // Files parse independently: one per thread, collected in file order.
    cache.update(&files);
    let cache: &ParseCache = cache;
    let mut parsed: Vec<model::ParsedFile<'_>> = Vec::with_capacity(files.len());
    for f in &files {
        // `update` parsed every file it lacked, so each is found.
        let Some(p) = cache.files.get(&f.display) else { continue };
        diagnostics.extend(p.diagnostics.iter().cloned());
        sources.insert(f.display.clone(), f.text.as_str());
        parsed.push(model::ParsedFile { display: &f.display, text: &f.text, relative: &f.relative, ast: &p.tree });
    }
    let (model, diags) = model::build(&parsed, &unread);
    // Beyond a documented limit the cells may not even fit in memory: report, resolve nothing.
    let over_limit = diags.iter().any(|d| d.code == stringent_diagnostics::Code::LimitExceeded);
    diagnostics.extend(diags);
    if let Some(d) = no_federal_layer(&model, &diagnostics, shown) {
        diagnostics.push(d);
    }
    let mut test_diags = Vec::new();
    // An axis the vocabulary failed to declare (E0209) has no values: every test and
    // assertion naming one would be reported again, one mistake as thousands. They are
    // checked once the vocabulary is whole.
    let vocabulary_whole = model.axes.iter().all(|a| !a.values.is_empty());
    for case in model.tests.iter().filter(|_| vocabulary_whole) {
        if let Err(d) = testing::question(&model, as_of, case) {
            test_diags.push(*d);
        }
        for j in case.decl.jurisdictions.iter().filter(|j| model.layer(&j.text).is_none()) {
            let ids: Vec<&str> = model.layers.iter().map(|l| l.id.as_str()).collect();
            let mut d =
                Diagnostic::new(stringent_diagnostics::Code::UnknownName, format!("unknown jurisdiction `{}`", j.text))
                    .at(stringent_diagnostics::Location::new(case.file.clone(), j.span)
                        .labelled("no layer declares it"));
            if let Some(near) = stringent_diagnostics::nearest(&j.text, ids) {
                d = d.with_help(format!("did you mean `{near}`?"));
            }
            test_diags.push(d);
        }
    }
    let texts: std::collections::HashMap<&str, &str> = parsed.iter().map(|f| (f.display, f.text)).collect();
    if vocabulary_whole {
        test_diags.extend(assertions::resolve(&model, &|_, _| 0).1);
    }
    model::spare_unread(&mut test_diags, &model.unread_names, &texts);
    diagnostics.extend(test_diags);

    if over_limit {
        in_order(&mut diagnostics);
        return Compilation { sources, diagnostics, model, chains: Vec::new(), as_of };
    }
    let resolver = resolve::Resolver::new(&model, as_of);
    let mut order: Vec<usize> = (0..model.layers.len()).collect();
    order.sort_by_cached_key(|l| (model.chain(*l).len(), model.layers.get(*l).map(|x| x.id.clone())));
    // Chains resolve independently: one per thread, collected in a fixed order.
    let chains: Vec<resolve::ChainResult> = order.par_iter().map(|l| resolver.chain(*l)).collect();
    let stats = resolve::Stats::merge(model.rules.len(), chains.iter().map(|c| &c.stats));
    diagnostics.extend(trusted_lints(&model, &diagnostics, lints::lints(&model, &stats, &chains, as_of)));
    in_order(&mut diagnostics);
    Compilation { sources, diagnostics, model, chains, as_of }
}

/// The diagnostics in their stable order, each unknown name reported once (at its first
/// use, with the count of the others): one mistake, one diagnostic.
fn in_order(diagnostics: &mut Vec<Diagnostic>) {
    sort_diagnostics(diagnostics);
    collapse_repeated_unknown_names(diagnostics);
}

/// What resolution found, without what an error already reported may have caused: none of
/// it when the vocabulary, the federal layer or a file whose header could not be read has an
/// error (every chain is built on them), else none located in a file with an error. A rule
/// that lost a value to a typo "decides nothing"; the typo is the one mistake
/// (docs/semantics.md, "One mistake, one diagnostic").
fn trusted_lints(model: &model::Model, found: &[Diagnostic], lints: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let errors: Vec<&Diagnostic> = found.iter().filter(|d| d.is_error()).collect();
    if errors.is_empty() {
        return lints;
    }
    let state_files: std::collections::HashSet<&str> =
        model.layers.iter().filter(|l| l.id != model::FEDERAL).map(|l| l.file.as_str()).collect();
    let broken: std::collections::HashSet<&str> =
        errors.iter().filter_map(|d| d.primary.as_ref()).map(|at| at.file.as_str()).collect();
    let shared_broken =
        errors.iter().any(|d| d.primary.as_ref().is_none_or(|at| !state_files.contains(at.file.as_str())));
    if shared_broken {
        return Vec::new();
    }
    lints.into_iter().filter(|d| d.primary.as_ref().is_none_or(|at| !broken.contains(at.file.as_str()))).collect()
}

/// The jurisdiction a file that could not be read at all (too large, unreadable) most
/// likely declares, from the folder it stands in (`us/`, `us-wa/`), as the shipped tree
/// lays files out.
fn unread_jurisdiction(d: &Diagnostic) -> Option<String> {
    use stringent_diagnostics::Code;
    if !matches!(d.code, Code::TooLarge | Code::Unreadable) {
        return None;
    }
    model::folder_jurisdiction(&d.primary.as_ref()?.file)
}

/// Every chain starts at the federal layer, so a tree without one can answer nothing
/// soundly. Reported only when nothing else went wrong: a federal file that failed to parse
/// has already said why it is missing.
fn no_federal_layer(model: &model::Model, found: &[Diagnostic], shown: &[String]) -> Option<Diagnostic> {
    if model.layer(model::FEDERAL).is_some() || found.iter().any(Diagnostic::is_error) {
        return None;
    }
    let message = if model.layers.is_empty() {
        format!("`{}` declares no jurisdiction: there is nothing to answer", shown.join("`, `"))
    } else {
        format!("`{}` has no federal layer (`jurisdiction US`)", shown.join("`, `"))
    };
    Some(Diagnostic::new(stringent_diagnostics::Code::NoFederalLayer, message).with_help(
        "give the rules root that holds the vocabulary and `jurisdiction US` (e.g. `rules`): every chain starts at federal law",
    ))
}
