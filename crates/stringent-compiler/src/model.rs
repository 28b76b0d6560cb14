//! The checked model of a rules tree: every name resolved to an index, every rule's
//! patterns turned into value masks and its requirement into a lattice value.

use crate::limits;
use std::collections::{BTreeMap, BTreeSet, HashMap};
use stringent_diagnostics::{Code, Diagnostic, LineIndex, Location, Span, nearest};
use stringent_policy::artifact::AXES;
use stringent_policy::{Basis, Dimension, MAX_CONDITIONS, Permission, Requirement, Way, Word};
use stringent_syntax::Date;
use stringent_syntax::ast::{self, Item, RuleField};

/// One value of an axis.
#[derive(Debug, Clone)]
pub struct Value {
    pub id: String,
    pub title: String,
    pub parent: Option<usize>,
    pub hl7: Vec<String>,
}

#[derive(Debug, Clone, Default)]
pub struct AxisModel {
    pub id: String,
    pub title: String,
    pub values: Vec<Value>,
    /// `covers[v][w]`: a rule written on `v` binds `w` (w is v or a descendant).
    pub covers: Vec<Vec<bool>>,
}

impl AxisModel {
    pub fn find(&self, id: &str) -> Option<usize> {
        self.values.iter().position(|v| v.id == id)
    }

    /// Per value, whether a pattern reaches it: the values listed and their descendants,
    /// or with `except` (`any except …`) every value but those.
    pub fn mask(&self, listed: &[usize], except: bool) -> Vec<bool> {
        let mut mask = vec![except; self.values.len()];
        for v in listed {
            for (m, covered) in mask.iter_mut().zip(self.covers.get(*v).into_iter().flatten()) {
                if *covered {
                    *m = !except;
                }
            }
        }
        mask
    }
}

/// A declared authorization element, form constraint or obligation.
#[derive(Debug, Clone)]
pub struct TermModel {
    pub id: String,
    pub title: String,
    pub hl7: Vec<String>,
    pub text: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Layer {
    pub id: String,
    pub name: String,
    pub parent: Option<usize>,
    pub file: String,
    pub span: Span,
    pub rules: Vec<usize>,
    /// The date from which the layer's encoded history is complete (`history from`); `None`
    /// when the header does not say (docs/semantics.md, "History").
    pub history_from: Option<Date>,
}

/// A set of dimensions, as a bit mask over [`Dimension::ALL`].
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dims(pub u8);

impl Dims {
    pub fn with(self, d: Dimension) -> Dims {
        Dims(self.0 | 1 << d as u8)
    }
    pub fn without(self, d: Dimension) -> Dims {
        Dims(self.0 & !(1 << d as u8))
    }
    pub fn has(self, d: Dimension) -> bool {
        self.0 & (1 << d as u8) != 0
    }
    pub fn iter(self) -> impl Iterator<Item = Dimension> {
        Dimension::ALL.into_iter().filter(move |d| self.has(*d))
    }
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }
    pub fn union(self, other: Dims) -> Dims {
        Dims(self.0 | other.0)
    }
}

#[derive(Debug, Clone)]
pub struct RuleModel {
    pub id: String,
    pub title: String,
    pub layer: usize,
    pub citations: Vec<String>,
    pub source: Option<String>,
    pub confidence: ast::Confidence,
    pub effective: Date,
    pub expires: Option<Date>,
    pub justification: Option<String>,
    /// Per axis: which values the rule matches.
    pub matches: Vec<Vec<bool>>,
    /// Per axis: which values the rule lists by name (not through `any` or a parent).
    pub names: Vec<Vec<bool>>,
    /// Terms are indices into the model's term tables.
    pub requirement: Requirement<u32>,
    /// The dimensions the rule states; the others it leaves to other rules.
    pub sets: Dims,
    pub excepts: Vec<usize>,
    pub defers: Dims,
    /// Bases the rule means to take away (`withdraws`): checked, not resolved.
    pub withdraws: Vec<Basis>,
    pub file: String,
    /// The whole rule, and its id, for diagnostics.
    pub span: Span,
    pub id_span: Span,
    /// The 1-based line the rule starts on.
    pub line: u32,
    /// Where each axis pattern is written, for diagnostics.
    pub pattern_spans: Vec<Option<Span>>,
    /// A field was written but could not be read, or names something undeclared, and an
    /// error says why: what the rule decides is not what its author meant, so lints that
    /// judge it stay quiet (one mistake, one diagnostic).
    pub damaged: bool,
}

impl RuleModel {
    pub fn active_on(&self, date: Date) -> bool {
        self.effective <= date && self.expires.is_none_or(|e| date < e)
    }

    /// The dates on which the rule starts or ends: the only dates on which it changes an
    /// answer (`diff` over time, `timeline` and `prove` visit these).
    pub fn change_dates(&self) -> impl Iterator<Item = Date> {
        std::iter::once(self.effective).chain(self.expires)
    }
}

/// Everything the resolver needs, with names resolved.
#[derive(Debug, Clone, Default)]
pub struct Model {
    pub axes: Vec<AxisModel>,
    pub elements: Vec<TermModel>,
    pub forms: Vec<TermModel>,
    pub obligations: Vec<TermModel>,
    /// Conditions a way of permission may need, sorted by id: condition `i` of a
    /// [`stringent_policy::Way`] is `conditions[i]`.
    pub conditions: Vec<TermModel>,
    pub layers: Vec<Layer>,
    pub rules: Vec<RuleModel>,
    /// The relative path of each file, by the display path used in diagnostics.
    pub relative_paths: BTreeMap<String, String>,
    /// Names that text which could not be read may declare: not reported unknown where used
    /// (docs/semantics.md, "One mistake, one diagnostic").
    pub unread_names: BTreeSet<String>,
    /// Rule tests, in file order.
    pub tests: Vec<TestCase>,
    /// Assertions, in file order (resolved by `crate::assertions`).
    pub assertions: Vec<AssertCase>,
    /// Topics on which a layer says it has nothing stricter than the layers above.
    pub silences: Vec<Silence>,
    /// The coverage topics the vocabulary declares, in declaration order.
    pub topics: Vec<TopicModel>,
}

/// A `test` block and the jurisdiction of the file it stands in.
#[derive(Debug, Clone)]
pub struct TestCase {
    pub file: String,
    pub layer: Option<String>,
    pub decl: ast::TestDecl,
}

/// An `assert` block and the jurisdiction of the file it stands in.
#[derive(Debug, Clone)]
pub struct AssertCase {
    pub file: String,
    pub layer: Option<String>,
    pub decl: ast::AssertDecl,
}

/// The coverage topics of `silent` declarations and of `stringent coverage`.
/// A coverage topic (`topic` in the vocabulary): what every jurisdiction covers with rules
/// or `silent` declarations. A rule speaks to it when it names one of `values`, given per
/// axis as value positions (docs/semantics.md, "Coverage").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TopicModel {
    pub id: String,
    pub title: String,
    pub values: Vec<(usize, Vec<usize>)>,
}

impl Model {
    /// The ids of the declared topics, in declaration order.
    pub fn topic_ids(&self) -> Vec<&str> {
        self.topics.iter().map(|t| t.id.as_str()).collect()
    }

    /// The values a topic speaks for, per axis (ascending indices): those it names and every
    /// value under them, except values under a more specific value another topic names
    /// (mental-health records lie under `behavioral_health`, which the substance-use topic
    /// names too; they belong to the mental-health topic). A `silent` on the topic, and a
    /// gap's `law_unread` warning, reach exactly these (docs/semantics.md, "Silences and gaps").
    pub fn topic_reach(&self, topic: usize) -> Vec<(usize, Vec<usize>)> {
        let Some(topic) = self.topics.get(topic) else { return Vec::new() };
        topic
            .values
            .iter()
            .filter_map(|(axis, values)| {
                let a = self.axes.get(*axis)?;
                let covers = |v: usize, w: usize| a.covers.get(v).and_then(|c| c.get(w)) == Some(&true);
                let others: Vec<usize> = self
                    .topics
                    .iter()
                    .filter(|t| t.id != topic.id)
                    .flat_map(|t| t.values.iter().filter(|(x, _)| x == axis).flat_map(|(_, vs)| vs.iter().copied()))
                    .filter(|u| !values.contains(u))
                    .collect();
                let reached = (0..a.values.len())
                    .filter(|w| {
                        values.iter().any(|v| {
                            covers(*v, *w) && !others.iter().any(|u| u != v && covers(*v, *u) && covers(*u, *w))
                        })
                    })
                    .collect();
                Some((*axis, reached))
            })
            .collect()
    }
}

/// `silent TOPIC "note" { … }` of one layer.
#[derive(Debug, Clone)]
pub struct Silence {
    pub layer: usize,
    pub topic: usize,
    pub note: String,
    pub citations: Vec<String>,
    pub searched: Vec<String>,
    pub confidence: ast::Confidence,
    pub file: String,
    pub span: Span,
}

impl Silence {
    /// A silence of confidence `unverified` or `recalled` states a gap, not a finding: the
    /// law was not read (docs/semantics.md, "Silences and gaps"). Answers it reaches say so.
    pub fn is_gap(&self) -> bool {
        matches!(self.confidence, ast::Confidence::Unverified | ast::Confidence::Recalled)
    }

    /// The newest date its `searched` notes name (`YYYY-MM` or `YYYY-MM-DD`): when the
    /// claim that nothing stricter exists was last checked.
    pub fn searched_on(&self) -> Option<&str> {
        self.searched.iter().filter_map(|s| newest_date_in(s)).max()
    }
}

/// The latest `YYYY-MM-DD` or `YYYY-MM` written in a text (as a string; such strings sort
/// as dates). A year alone is not a date: "2022 HB 1223" names an act, not a day of reading.
pub fn newest_date_in(text: &str) -> Option<&str> {
    let b = text.as_bytes();
    let digits = |from: usize, n: usize| b.get(from..from + n).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
    let mut best: Option<&str> = None;
    let mut i = 0;
    while i < b.len() {
        let starts_clean = i == 0 || !b.get(i - 1).is_some_and(u8::is_ascii_digit);
        if starts_clean && digits(i, 4) && b.get(i + 4) == Some(&b'-') && digits(i + 5, 2) {
            let mut end = i + 7;
            if b.get(end) == Some(&b'-') && digits(end + 1, 2) {
                end += 3;
            }
            let month_ok = matches!(text.get(i + 5..i + 7), Some(m) if ("01"..="12").contains(&m));
            if month_ok && !b.get(end).is_some_and(u8::is_ascii_digit) {
                let found = text.get(i..end);
                best = best.max(found);
                i = end;
                continue;
            }
        }
        i += 1;
    }
    best
}

impl Model {
    /// The position of the axis named `id` in cell order.
    pub fn axis_index(&self, id: &str) -> Option<usize> {
        self.axes.iter().position(|a| a.id == id)
    }

    /// The position of value `value` on the axis at `axis`.
    pub fn value_index(&self, axis: usize, value: &str) -> Option<usize> {
        self.axes.get(axis)?.values.iter().position(|v| v.id == value)
    }

    pub fn layer(&self, id: &str) -> Option<usize> {
        self.layers.iter().position(|l| l.id == id)
    }

    pub fn rule(&self, id: &str) -> Option<usize> {
        self.rules.iter().position(|r| r.id == id)
    }

    /// The chain of a layer: its ancestors, strongest authority (the root) first.
    pub fn chain(&self, layer: usize) -> Vec<usize> {
        let mut chain = vec![layer];
        let mut at = layer;
        // Cycles are cut when the model is built; the bound guards regardless, in linear time.
        while let Some(parent) = self.layers.get(at).and_then(|l| l.parent)
            && chain.len() <= self.layers.len()
        {
            chain.push(parent);
            at = parent;
        }
        chain.reverse();
        chain
    }
}

/// A parsed file, ready for the model.
pub struct ParsedFile<'a> {
    pub display: &'a str,
    pub text: &'a str,
    pub relative: &'a str,
    pub ast: &'a ast::SourceFile,
}

/// Build the model from parsed files, reporting every naming and structural problem.
/// `unread_elsewhere` names what files that could not be parsed at all may declare.
pub fn build(files: &[ParsedFile<'_>], unread_elsewhere: &[String]) -> (Model, Vec<Diagnostic>) {
    let mut b = Builder::default();
    for f in files {
        b.model.relative_paths.insert(f.display.to_owned(), f.relative.to_owned());
    }
    // A header that cannot be read may name its jurisdiction wrongly (`US-CAL`): the one
    // its folder is named after is spared too.
    b.model.unread_names = files
        .iter()
        .flat_map(|f| f.ast.unread.iter().map(|d| d.name.clone()))
        .chain(unread_elsewhere.iter().cloned())
        .chain(files.iter().filter(|f| f.ast.header_unread()).filter_map(|f| folder_jurisdiction(f.relative)))
        .collect();
    b.unread_axes = AXES.iter().filter(|a| b.model.unread_names.contains(**a)).map(|a| (*a).to_owned()).collect();
    b.vocabulary(files);
    b.layers(files);
    b.rules(files);
    b.exceptions();
    b.cost();
    // A file displaced by another file's declaration of its jurisdiction (E0201) is not read:
    // the jurisdiction its folder is named after (`us-ca/` declaring `US`) is spared too.
    let displaced: Vec<String> = files
        .iter()
        .filter(|f| {
            f.ast.items.iter().any(|i| matches!(i, Item::Jurisdiction(_)))
                && !b.model.layers.iter().any(|l| l.file == f.display)
        })
        .filter_map(|f| folder_jurisdiction(f.relative))
        .filter(|id| b.model.layer(id).is_none())
        .collect();
    b.model.unread_names.extend(displaced);
    let texts: HashMap<&str, &str> = files.iter().map(|f| (f.display, f.text)).collect();
    spare_unread(&mut b.diags, &b.model.unread_names, &texts);
    (b.model, b.diags)
}

/// Drop "unknown name" errors for names that text already reported as unreadable may
/// declare, and for names already reported as too long: the broken declaration, or the
/// long name, is the one mistake (docs/semantics.md, "One mistake, one diagnostic"). The
/// name is read at the error's own span.
pub fn spare_unread(diags: &mut Vec<Diagnostic>, unread: &BTreeSet<String>, texts: &HashMap<&str, &str>) {
    diags.retain(|d| {
        let named = d.primary.as_ref().and_then(|at| texts.get(at.file.as_str())?.get(at.span.start..at.span.end));
        d.code != Code::UnknownName
            || !named.is_some_and(|n| unread.contains(n) || n.len() > stringent_syntax::MAX_NAME_BYTES)
    });
}

/// An axis read but not yet linked: the axis, its file, its name's span, and each
/// value's parent as written.
type PendingAxis = (AxisModel, String, Span, Vec<Option<(ast::Name, String)>>);

#[derive(Default)]
struct Builder {
    model: Model,
    diags: Vec<Diagnostic>,
    /// Exceptions are resolved once every rule is known: (rule, names, file).
    pending_excepts: Vec<(usize, Vec<ast::Name>, String)>,
    /// Where each axis is declared, for diagnostics about its size.
    axis_locations: Vec<Option<(String, Span)>>,
    /// A limit on the vocabulary or the layers is already reported: the cost checks that
    /// follow from it stay quiet, so one mistake gives one diagnostic.
    limit_reported: bool,
    /// Axes that text which could not be parsed may declare: not reported again as missing.
    unread_axes: Vec<String>,
    /// The axes a misspelt axis declaration most likely meant (`recipent`: `recipient`),
    /// reported there with "did you mean": not reported again as missing.
    misspelt_axes: Vec<String>,
}

fn loc(file: &str, span: Span) -> Location {
    Location::new(file, span)
}

fn unknown(what: &str, name: &ast::Name, file: &str, candidates: &[&str]) -> Diagnostic {
    let mut d = Diagnostic::new(Code::UnknownName, format!("unknown {what} `{}`", name.text))
        .at(loc(file, name.span).labelled(format!("no {what} is declared with this name")));
    d = match nearest(&name.text, candidates.iter().copied()) {
        Some(near) => d.with_help(format!("did you mean `{near}`?")),
        None if candidates.len() <= 12 && !candidates.is_empty() => {
            d.with_help(format!("declared: {}", candidates.join(", ")))
        }
        None => d.with_help("declare it first, e.g. in `rules/vocabulary/`, or check the spelling".to_string()),
    };
    d
}

/// The id of the federal layer, the root of every chain.
pub const FEDERAL: &str = "US";

/// What a layer is, read from its id (the grammar allows `US`, `US-XX` and `org:name`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LayerKind {
    Federal,
    State,
    Organization,
}

impl LayerKind {
    pub fn of(id: &str) -> LayerKind {
        if id == FEDERAL {
            LayerKind::Federal
        } else if id.starts_with("org:") {
            LayerKind::Organization
        } else {
            LayerKind::State
        }
    }
}

/// The federal floor holds only if every chain starts at the federal layer: the federal
/// layer has no parent, a state stands under `US`, an organization under a state or another
/// organization (docs/semantics.md, "Chains"). A layer placed otherwise is refused here, before
/// its rules could be resolved without federal law.
/// The first segment of the rule ids of a layer: `us` for `US`, `wy` for `US-WY`, `org`
/// for an organization (`org.example_clinic.…`).
pub fn layer_prefix(layer_id: &str) -> String {
    match LayerKind::of(layer_id) {
        LayerKind::Organization => "org".to_owned(),
        _ => layer_id.rsplit('-').next().unwrap_or(layer_id).to_ascii_lowercase(),
    }
}

/// The jurisdiction a file's folder is named after (`us/` → `US`, `us-wa/` → `US-WA`), as the
/// shipped tree lays files out: what a file whose header cannot be read most likely declares.
pub fn folder_jurisdiction(path: &str) -> Option<String> {
    let folder = path.rsplit_once('/')?.0.rsplit('/').next()?;
    let upper = folder.to_ascii_uppercase();
    let state = upper.strip_prefix("US-").is_some_and(|s| s.len() == 2 && s.bytes().all(|b| b.is_ascii_uppercase()));
    (upper == FEDERAL || state).then_some(upper)
}

/// E0212 for a state declared in the organizations' folder, the federal folder or another
/// state's folder: a policy that calls itself a state would get a state's powers over the
/// federal defaults that defer to state law, under a name no reviewer expects there.
fn state_out_of_place(id: &str, relative: &str, display: &str, span: Span) -> Option<Diagnostic> {
    if LayerKind::of(id) != LayerKind::State {
        return None;
    }
    // Every folder on the path counts, not only the nearest: `org/sub/x.stringent` is still
    // in the organizations' folder.
    let folders = relative.rsplit_once('/')?.0;
    let misplaced_in = |folder: &&str| {
        let upper = folder.to_ascii_uppercase();
        upper == "ORG" || folder_jurisdiction(&format!("{folder}/x")).is_some_and(|j| j != id)
    };
    let folder = folders.split('/').find(misplaced_in)?.to_ascii_uppercase();
    Some(folder).map(|folder| {
        Diagnostic::new(Code::BadParent, format!("state layer `{id}` is declared in `{display}`, outside a folder of its own"))
            .at(loc(display, span).labelled(format!("a state in the `{}` folder", folder.to_ascii_lowercase())))
            .with_help(format!(
                "a state's rules live in `{}/`; an organization's policy is `jurisdiction org:name \"…\" under US-XX`, which tightens its state's chain",
                id.to_ascii_lowercase()
            ))
    })
}

fn misplaced(layer: &Layer, parent: Option<&ast::Name>, file: &str) -> Option<Diagnostic> {
    let header = loc(file, layer.span);
    let id = &layer.id;
    match (LayerKind::of(id), parent) {
        (LayerKind::Federal, None) => None,
        (LayerKind::Federal, Some(p)) => Some(
            Diagnostic::new(Code::BadParent, format!("the federal layer `{id}` cannot stand under `{}`", p.text))
                .at(loc(file, p.span).labelled("federal law has no parent layer"))
                .with_help("remove `under …`: the federal layer is the floor every chain starts from"),
        ),
        (LayerKind::State, None) => Some(
            Diagnostic::new(Code::BadParent, format!("state layer `{id}` does not stand under federal law"))
                .at(header.labelled("no `under US`"))
                .with_help(format!(
                    "write `jurisdiction {id} \"{}\" under US`: a state's rules tighten the federal floor, they never replace it",
                    layer.name
                )),
        ),
        (LayerKind::State, Some(p)) if p.text != FEDERAL => Some(
            Diagnostic::new(Code::BadParent, format!("state layer `{id}` stands under `{}`, not under `US`", p.text))
                .at(loc(file, p.span).labelled("a state's parent is the federal layer"))
                .with_help("write `under US`"),
        ),
        (LayerKind::Organization, None) => Some(
            Diagnostic::new(Code::BadParent, format!("organization layer `{id}` does not stand under a state"))
                .at(header.labelled("no `under`"))
                .with_help(format!(
                    "write `jurisdiction {id} \"{}\" under US-XX` with the state whose law binds the organization: its policy tightens that state's chain",
                    layer.name
                )),
        ),
        (LayerKind::Organization, Some(p)) if LayerKind::of(&p.text) == LayerKind::Federal => Some(
            Diagnostic::new(Code::BadParent, format!("organization layer `{id}` stands directly under federal law"))
                .at(loc(file, p.span).labelled("an organization stands under a state or another organization"))
                .with_help("write `under US-XX` with the state whose law binds the organization; state law applies to it too"),
        ),
        _ => None,
    }
}

impl Builder {
    /// The vocabulary's coverage topics, their axes and values resolved; a name declared
    /// twice, an unknown axis or value is reported and left out.
    fn topics(&mut self, decls: &[(&ast::TopicDecl, &str)]) {
        let mut seen: HashMap<&str, (&str, Span)> = HashMap::new();
        for (decl, file) in decls {
            if let Some(first) = seen.get(decl.name.text.as_str()) {
                let first = *first;
                self.duplicate("topic", &decl.name, file, first);
                continue;
            }
            seen.insert(&decl.name.text, (file, decl.name.span));
            let mut values = Vec::new();
            for p in &decl.values {
                let Some(axis) = self.model.axis_index(&p.axis.text) else {
                    self.diags.push(unknown("axis", &p.axis, file, AXES));
                    continue;
                };
                let ast::PatternValues::Listed(names) = &p.values else { continue };
                let mut listed = Vec::new();
                for n in names {
                    match self.model.value_index(axis, &n.text) {
                        Some(v) => listed.push(v),
                        None => {
                            let known: Vec<&str> = self
                                .model
                                .axes
                                .get(axis)
                                .map(|a| a.values.iter().map(|v| v.id.as_str()).collect())
                                .unwrap_or_default();
                            self.diags.push(unknown(&format!("{} value", p.axis.text), n, file, &known));
                        }
                    }
                }
                values.push((axis, listed));
            }
            self.model.topics.push(TopicModel { id: decl.name.text.clone(), title: decl.title.value.clone(), values });
        }
    }

    fn duplicate(&mut self, what: &str, name: &ast::Name, file: &str, first: (&str, Span)) {
        self.diags.push(
            Diagnostic::new(Code::DuplicateName, format!("{what} `{}` is declared twice", name.text))
                .at(loc(file, name.span).labelled("declared again here"))
                .with_related(loc(first.0, first.1).labelled("first declared here"))
                .with_help(format!("give each {what} its own name, or remove one of them")),
        );
    }

    fn vocabulary(&mut self, files: &[ParsedFile<'_>]) {
        let mut axes: Vec<Option<PendingAxis>> = vec![None; AXES.len()];
        let mut term_spans: [HashMap<String, (String, Span)>; 4] = Default::default();
        let mut topics: Vec<(&ast::TopicDecl, &str)> = Vec::new();
        // An axis declared twice is kept from `vocabulary/`, whatever the path order: an
        // axis in another file (`org/` sorts first) is the one reported and not read.
        let in_vocabulary = |f: &ParsedFile<'_>| f.relative.split('/').any(|part| part == "vocabulary");
        for first in [true, false] {
            for f in files.iter().filter(|f| in_vocabulary(f) == first) {
                for item in &f.ast.items {
                    if let Item::Axis(a) = item {
                        self.axis(a, f.display, &mut axes);
                    }
                }
            }
        }
        for f in files {
            for item in &f.ast.items {
                match item {
                    Item::Axis(_) => {}
                    Item::Topic(t) => topics.push((t, f.display)),
                    Item::Element(t) | Item::Form(t) | Item::Condition(t) => {
                        let kind = match item {
                            Item::Element(_) => 0,
                            Item::Form(_) => 1,
                            _ => 3,
                        };
                        let term = TermModel {
                            id: t.name.text.clone(),
                            title: t.title.value.clone(),
                            hl7: vec![],
                            text: None,
                        };
                        self.term(kind, &t.name, f.display, term, &mut term_spans);
                    }
                    Item::Obligation(o) => {
                        let text = (!o.text.is_empty())
                            .then(|| o.text.iter().map(|t| t.value.as_str()).collect::<Vec<_>>().join("\n\n"));
                        let term = TermModel {
                            id: o.name.text.clone(),
                            title: o.title.value.clone(),
                            hl7: o.hl7.iter().map(|h| h.value.clone()).collect(),
                            text,
                        };
                        self.term(2, &o.name, f.display, term, &mut term_spans);
                    }
                    _ => {}
                }
            }
        }
        for (i, slot) in axes.into_iter().enumerate() {
            let name = AXES.get(i).copied().unwrap_or_default();
            match slot {
                Some((mut axis, file, span, parents)) => {
                    if axis.values.len() > limits::MAX_VALUES_PER_AXIS {
                        // Its cover table alone would grow with the square of its values.
                        self.diags.push(
                            Diagnostic::new(
                                Code::LimitExceeded,
                                format!(
                                    "the axis `{}` declares {} values; at most {} are allowed",
                                    axis.id,
                                    axis.values.len(),
                                    limits::MAX_VALUES_PER_AXIS
                                ),
                            )
                            .at(loc(&file, span).labelled("too many values"))
                            .with_help("merge values that no rule tells apart; see README.md, \"Limits\""),
                        );
                        self.limit_reported = true;
                    } else {
                        self.link_parents(&mut axis, &file, parents);
                    }
                    self.axis_locations.push(Some((file, span)));
                    self.model.axes.push(axis);
                }
                None if files.is_empty() => {
                    self.axis_locations.push(None);
                    self.model.axes.push(AxisModel { id: name.to_owned(), ..AxisModel::default() })
                }
                None => {
                    if !self.unread_axes.iter().chain(&self.misspelt_axes).any(|a| a == name) {
                        self.diags.push(
                            Diagnostic::new(Code::MissingAxis, format!("the axis `{name}` is not declared")).with_help(
                                format!(
                                    "every rules tree declares the axes {}; see rules/vocabulary/axes.stringent",
                                    AXES.join(", ")
                                ),
                            ),
                        );
                    }
                    self.axis_locations.push(None);
                    self.model.axes.push(AxisModel { id: name.to_owned(), ..AxisModel::default() });
                }
            }
        }
        self.topics(&topics);
        // Sort terms by id so the artifact does not depend on file order.
        for t in
            [&mut self.model.elements, &mut self.model.forms, &mut self.model.obligations, &mut self.model.conditions]
        {
            t.sort_by(|a, b| a.id.cmp(&b.id));
        }
        if self.model.conditions.len() > MAX_CONDITIONS {
            let first_extra = term_spans
                .get(3)
                .and_then(|spans| self.model.conditions.get(MAX_CONDITIONS).and_then(|t| spans.get(&t.id)))
                .cloned();
            let mut d = Diagnostic::new(
                Code::LimitExceeded,
                format!(
                    "{} conditions are declared; at most {MAX_CONDITIONS} are allowed",
                    self.model.conditions.len()
                ),
            )
            .with_help("reuse a condition across laws where the fact is the same; see README.md, \"Limits\"");
            if let Some((file, span)) = first_extra {
                d = d.at(loc(&file, span).labelled("one too many"));
            }
            self.diags.push(d);
            self.limit_reported = true;
        }
    }

    fn axis(&mut self, a: &ast::AxisDecl, file: &str, axes: &mut [Option<PendingAxis>]) {
        let Some(i) = AXES.iter().position(|x| *x == a.name.text) else {
            self.diags.push(unknown("axis", &a.name, file, AXES));
            if let Some(meant) = nearest(&a.name.text, AXES.iter().copied()) {
                self.misspelt_axes.push(meant.to_owned());
            }
            return;
        };
        if let Some(Some((_, first_file, first_span, _))) = axes.get(i) {
            let first = (first_file.clone(), *first_span);
            self.duplicate("axis", &a.name, file, (&first.0, first.1));
            return;
        }
        let mut axis = AxisModel { id: a.name.text.clone(), title: a.title.value.clone(), ..AxisModel::default() };
        let mut parents = Vec::new();
        let mut seen: HashMap<&str, Span> = HashMap::new();
        for v in &a.values {
            if let Some(first) = seen.get(v.name.text.as_str()) {
                let first = *first;
                self.duplicate("value", &v.name, file, (file, first));
                continue;
            }
            seen.insert(&v.name.text, v.name.span);
            if let Some(extra) = v.parents.get(1) {
                self.diags.push(
                    Diagnostic::new(Code::DuplicateField, format!("value `{}` has more than one parent", v.name.text))
                        .at(loc(file, extra.span).labelled("second parent"))
                        .with_help("values form a forest: each has at most one parent"),
                );
            }
            parents.push(v.parents.first().map(|p| (p.clone(), file.to_owned())));
            axis.values.push(Value {
                id: v.name.text.clone(),
                title: v.title.value.clone(),
                parent: None,
                hl7: v.hl7.iter().map(|h| h.value.clone()).collect(),
            });
        }
        if let Some(slot) = axes.get_mut(i) {
            *slot = Some((axis, file.to_owned(), a.name.span, parents));
        }
    }

    fn link_parents(&mut self, axis: &mut AxisModel, file: &str, parents: Vec<Option<(ast::Name, String)>>) {
        let ids: Vec<String> = axis.values.iter().map(|v| v.id.clone()).collect();
        let names: Vec<&str> = ids.iter().map(String::as_str).collect();
        let by_id: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let under_spans: Vec<Option<Span>> = parents.iter().map(|p| p.as_ref().map(|(n, _)| n.span)).collect();
        for (i, p) in parents.into_iter().enumerate() {
            let Some((name, pfile)) = p else { continue };
            match by_id.get(name.text.as_str()) {
                Some(pi) => {
                    if let Some(v) = axis.values.get_mut(i) {
                        v.parent = Some(*pi);
                    }
                }
                None => self.diags.push(unknown(&format!("{} value", axis.id), &name, &pfile, &names)),
            }
        }
        let n = axis.values.len();
        let mut in_cycle = vec![false; n];
        for v in parent_cycles(n, |v| axis.values.get(v).and_then(|x| x.parent)).into_iter().flatten() {
            if let Some(flag) = in_cycle.get_mut(v) {
                *flag = true;
            }
        }
        if let Some(first) = in_cycle.iter().position(|c| *c) {
            let members: Vec<&str> =
                (0..n).filter(|i| in_cycle.get(*i) == Some(&true)).filter_map(|i| names.get(i).copied()).collect();
            self.diags.push(
                Diagnostic::new(
                    Code::ParentCycle,
                    format!("the parents of `{}` form a cycle", names.get(first).copied().unwrap_or_default()),
                )
                .at(loc(file, under_spans.get(first).copied().flatten().unwrap_or_default())
                    .labelled("this parent leads back to the value"))
                .with_help(format!(
                    "values in the cycle: {}; a value cannot be its own ancestor",
                    shortened(&members, limits::MAX_CYCLE_MEMBERS_SHOWN)
                )),
            );
            for (v, c) in axis.values.iter_mut().zip(&in_cycle) {
                if *c {
                    v.parent = None;
                }
            }
        }
        // The parents now form a forest. Depth of each value, memoised: linear in the values.
        let depths = forest_depths(n, |v| axis.values.get(v).and_then(|x| x.parent));
        if let Some((deepest, depth)) = depths.iter().copied().enumerate().max_by_key(|(i, d)| (*d, usize::MAX - i))
            && depth > limits::MAX_HIERARCHY_DEPTH
        {
            let value = names.get(deepest).copied().unwrap_or_default();
            self.diags.push(
                Diagnostic::new(
                    Code::LimitExceeded,
                    format!(
                        "the values of `{}` nest {depth} deep; at most {} levels are allowed",
                        axis.id,
                        limits::MAX_HIERARCHY_DEPTH
                    ),
                )
                .at(loc(file, under_spans.get(deepest).copied().flatten().unwrap_or_default())
                    .labelled(format!("`{value}` is level {depth}, its root being level 1")))
                .with_help("group values under fewer parents; see README.md, \"Limits\""),
            );
            self.limit_reported = true;
        }
        // `covers[v][w]`: v is w or one of its ancestors. Each value walks up its own
        // ancestors once: values times depth, not values squared times depth.
        let mut covers = vec![vec![false; n]; n];
        for w in 0..n {
            let mut at = Some(w);
            let mut steps = 0;
            while let Some(x) = at
                && steps <= n
            {
                if let Some(flag) = covers.get_mut(x).and_then(|row| row.get_mut(w)) {
                    *flag = true;
                }
                at = axis.values.get(x).and_then(|val| val.parent);
                steps += 1;
            }
        }
        axis.covers = covers;
    }

    fn term(
        &mut self,
        kind: usize,
        name: &ast::Name,
        file: &str,
        term: TermModel,
        spans: &mut [HashMap<String, (String, Span)>; 4],
    ) {
        let what = ["authorization element", "form constraint", "obligation", "condition"]
            .get(kind)
            .copied()
            .unwrap_or("term");
        let Some(seen) = spans.get_mut(kind) else {
            return;
        };
        if let Some((first_file, first_span)) = seen.get(&name.text).cloned() {
            self.duplicate(what, name, file, (&first_file, first_span));
            return;
        }
        seen.insert(name.text.clone(), (file.to_owned(), name.span));
        let table = match kind {
            0 => &mut self.model.elements,
            1 => &mut self.model.forms,
            2 => &mut self.model.obligations,
            _ => &mut self.model.conditions,
        };
        table.push(term);
    }

    fn layers(&mut self, files: &[ParsedFile<'_>]) {
        let mut parents = Vec::new();
        for f in files {
            let mut headers = f.ast.items.iter().filter_map(|i| match i {
                Item::Jurisdiction(j) => Some(j),
                _ => None,
            });
            let Some(j) = headers.next() else { continue };
            for extra in headers {
                self.diags.push(
                    Diagnostic::new(Code::SecondHeader, format!("`{}` has a second jurisdiction header", f.display))
                        .at(loc(f.display, extra.span).labelled("second header"))
                        .with_related(loc(f.display, j.span).labelled("first header"))
                        .with_help("write one file per jurisdiction"),
                );
            }
            if let Some(first) = self.model.layers.iter().position(|l| l.id == j.id.text) {
                // The file in the jurisdiction's own folder keeps the name, whatever the path
                // order: a state file that declares `jurisdiction US` must not take the
                // federal floor's place (docs/semantics.md, "Chains").
                let at_home = |relative: &str| folder_jurisdiction(relative).as_deref() == Some(j.id.text.as_str());
                let first_relative =
                    self.model.layers.get(first).and_then(|l| self.model.relative_paths.get(&l.file)).cloned();
                let (kept, dropped) = if at_home(f.relative) && !first_relative.as_deref().is_some_and(at_home) {
                    let Some(layer) = self.model.layers.get_mut(first) else { continue };
                    let displaced = (layer.file.clone(), layer.span);
                    layer.name = j.title.value.clone();
                    layer.file = f.display.to_owned();
                    layer.span = j.span;
                    layer.history_from = j.history_from.as_ref().map(|d| d.value);
                    parents.retain(|(i, _, _)| *i != first);
                    parents.push((first, j.parent.clone(), f.display.to_owned()));
                    ((f.display.to_owned(), j.span), displaced)
                } else {
                    let Some(layer) = self.model.layers.get(first) else { continue };
                    ((layer.file.clone(), layer.span), (f.display.to_owned(), j.span))
                };
                let first = kept;
                let (dropped_file, dropped_span) = dropped;
                self.diags.push(
                    Diagnostic::new(
                        Code::DuplicateName,
                        format!("jurisdiction `{}` is declared by two files", j.id.text),
                    )
                    .at(loc(&dropped_file, dropped_span)
                        .labelled("declared again here: this file's rules are not read"))
                    .with_related(loc(&first.0, first.1).labelled("this declaration is kept"))
                    .with_help("keep one file per jurisdiction and move the rules into it"),
                );
                continue;
            }
            if let Some(d) = state_out_of_place(&j.id.text, f.relative, f.display, j.id.span) {
                self.diags.push(d);
            }
            parents.push((self.model.layers.len(), j.parent.clone(), f.display.to_owned()));
            self.model.layers.push(Layer {
                id: j.id.text.clone(),
                name: j.title.value.clone(),
                parent: None,
                file: f.display.to_owned(),
                span: j.span,
                rules: Vec::new(),
                history_from: j.history_from.as_ref().map(|d| d.value),
            });
        }
        let ids: Vec<String> = self.model.layers.iter().map(|l| l.id.clone()).collect();
        let names: Vec<&str> = ids.iter().map(String::as_str).collect();
        let federal = names.iter().position(|n| *n == FEDERAL);
        let by_id: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        for (i, parent, file) in parents {
            let Some(layer) = self.model.layers.get(i) else { continue };
            if let Some(d) = misplaced(layer, parent.as_ref(), &file) {
                self.diags.push(d);
                // A state that forgot `under US` is still read as standing under it, so that
                // the one mistake is reported once and its rules are still checked.
                let state = LayerKind::of(&layer.id) == LayerKind::State;
                if let (Some(l), true) = (self.model.layers.get_mut(i), state) {
                    l.parent = federal.filter(|f| *f != i);
                }
                continue;
            }
            let Some(parent) = parent else { continue };
            match by_id.get(parent.text.as_str()).copied() {
                Some(p) if p == i => self.diags.push(
                    Diagnostic::new(Code::ParentCycle, format!("jurisdiction `{}` is its own parent", parent.text))
                        .at(loc(&file, parent.span).labelled("names itself")),
                ),
                Some(p) => {
                    if let Some(l) = self.model.layers.get_mut(i) {
                        l.parent = Some(p);
                    }
                }
                None => self.diags.push(unknown("jurisdiction", &parent, &file, &names)),
            }
        }
        self.layer_cycles();
    }

    /// Report each cycle of jurisdictions once, at its first member, and cut it there.
    fn layer_cycles(&mut self) {
        let n = self.model.layers.len();
        let cycles = parent_cycles(n, |l| self.model.layers.get(l).and_then(|x| x.parent));
        for cycle in cycles {
            let Some(start) = cycle.iter().min().copied() else { continue };
            let Some(l) = self.model.layers.get_mut(start) else { continue };
            l.parent = None;
            let (file, span, id) = (l.file.clone(), l.span, l.id.clone());
            self.diags.push(
                Diagnostic::new(Code::ParentCycle, format!("the parents of jurisdiction `{id}` form a cycle"))
                    .at(loc(&file, span).labelled("this jurisdiction is its own ancestor"))
                    .with_help("a chain runs from the federal layer down to a state and an organization"),
            );
        }
        self.layer_limits();
    }

    /// The number of layers and the depth of their chains (README.md, "Limits").
    fn layer_limits(&mut self) {
        let layers = &self.model.layers;
        let depths = forest_depths(layers.len(), |l| layers.get(l).and_then(|x| x.parent));
        let deepest = depths.iter().copied().enumerate().max_by_key(|(i, d)| (*d, usize::MAX - i));
        let diag = if let Some((l, depth)) = deepest
            && depth > limits::MAX_CHAIN_DEPTH
            && let Some(layer) = layers.get(l)
        {
            Diagnostic::new(
                Code::LimitExceeded,
                format!(
                    "the chain of jurisdiction `{}` has {depth} layers; at most {} are allowed",
                    layer.id,
                    limits::MAX_CHAIN_DEPTH
                ),
            )
            .at(loc(&layer.file, layer.span).labelled(format!("{depth} layers from the federal layer down to here")))
            .with_help("place the jurisdiction directly under its state; see README.md, \"Limits\"")
        } else if layers.len() > limits::MAX_LAYERS
            && let Some(layer) = layers.get(limits::MAX_LAYERS)
        {
            Diagnostic::new(
                Code::LimitExceeded,
                format!("the rules declare {} jurisdictions; at most {} are allowed", layers.len(), limits::MAX_LAYERS),
            )
            .at(loc(&layer.file, layer.span).labelled(format!("jurisdiction number {}", limits::MAX_LAYERS + 1)))
            .with_help("compile separate rules trees; see README.md, \"Limits\"")
        } else {
            return;
        };
        self.diags.push(diag);
        self.limit_reported = true;
    }

    /// What resolving and writing the tree would cost, in cells: refused before anything
    /// is allocated for them, unless a limit behind it is already reported.
    fn cost(&mut self) {
        if self.limit_reported {
            return;
        }
        let sizes: Vec<usize> = self.model.axes.iter().map(|a| a.values.len()).collect();
        let cells = sizes.iter().try_fold(1usize, |acc, n| acc.checked_mul(*n));
        let total = cells.and_then(|c| c.checked_mul(self.model.layers.len()));
        let shape =
            self.model.axes.iter().map(|a| format!("{} {}", a.values.len(), a.id)).collect::<Vec<_>>().join(" × ");
        let largest =
            sizes.iter().copied().enumerate().max_by_key(|(i, n)| (*n, usize::MAX - i)).map(|(i, _)| i).unwrap_or(0);
        let at = self.axis_locations.get(largest).cloned().flatten();
        let shown = |n: Option<usize>| n.map_or_else(|| "more than can be counted".to_owned(), |n| n.to_string());
        let d = if cells.is_none_or(|c| c > limits::MAX_CELLS) {
            Diagnostic::new(
                Code::LimitExceeded,
                format!("the axes describe {} cells; at most {} are allowed", shown(cells), limits::MAX_CELLS),
            )
            .with_help(format!(
                "{shape}: every chain stores a requirement for each combination; merge values that no rule tells apart (README.md, \"Limits\")"
            ))
        } else if total.is_none_or(|t| t > limits::MAX_TOTAL_CELLS) {
            Diagnostic::new(
                Code::LimitExceeded,
                format!(
                    "{} jurisdictions of {} cells each make {} cells; at most {} are allowed",
                    self.model.layers.len(),
                    shown(cells),
                    shown(total),
                    limits::MAX_TOTAL_CELLS
                ),
            )
            .with_help(format!("{shape}; compile separate rules trees or merge values (README.md, \"Limits\")"))
        } else {
            return;
        };
        let d = match at {
            Some((file, span)) => d.at(loc(&file, span).labelled("the largest axis")),
            None => d,
        };
        self.diags.push(d);
    }

    fn rules(&mut self, files: &[ParsedFile<'_>]) {
        let mut seen: HashMap<String, (String, Span)> = HashMap::new();
        // A rule id declared in two layers is kept in the more fundamental one (federal, then
        // a state, then an organization), whatever the path order: an organization's copy of
        // a state's rule id (`org/` sorts first) is the one reported, and the state's rules
        // that except it still find it.
        let rank = |f: &ParsedFile<'_>| {
            f.ast.items.iter().find_map(|i| match i {
                Item::Jurisdiction(j) => Some(match LayerKind::of(&j.id.text) {
                    LayerKind::Federal => 0,
                    LayerKind::State => 1,
                    LayerKind::Organization => 2,
                }),
                _ => None,
            })
        };
        let mut kept: HashMap<&str, (usize, usize, &str, Span)> = HashMap::new();
        for (order, f) in files.iter().enumerate() {
            let Some(rank) = rank(f) else { continue };
            for item in &f.ast.items {
                if let Item::Rule(r) = item {
                    let candidate = (rank, order, f.display, r.id.span);
                    kept.entry(r.id.text.as_str())
                        .and_modify(|k| {
                            if (candidate.0, candidate.1) < (k.0, k.1) {
                                *k = candidate;
                            }
                        })
                        .or_insert(candidate);
                }
            }
        }
        for f in files {
            let header = f.ast.items.iter().find_map(|i| match i {
                Item::Jurisdiction(j) => Some(j),
                _ => None,
            });
            let layer = header.and_then(|j| {
                self.model.layer(&j.id.text).filter(|l| self.model.layers.get(*l).is_some_and(|x| x.file == f.display))
            });
            let lines = LineIndex::new(f.text);
            // A file whose header another file's declaration displaced (E0201) is not read:
            // its rules, silences and tests would only repeat or contradict that one error.
            if header.is_some() && layer.is_none() {
                continue;
            }
            // The first rule of the file whose id names another layer, and how many do (E0220,
            // reported once per file: a copied file misnames all its rules in one mistake).
            let mut misnamed: Option<(&ast::Name, String)> = None;
            let mut misnamed_count = 0usize;
            for item in &f.ast.items {
                if let Item::Test(t) = item {
                    // A test of a file whose header could not be read asks about nothing known.
                    if header.is_none() && f.ast.header_unread() && t.jurisdictions.is_empty() {
                        continue;
                    }
                    let layer = header.map(|j| j.id.text.clone());
                    self.model.tests.push(TestCase { file: f.display.to_owned(), layer, decl: t.clone() });
                    continue;
                }
                if let Item::Assert(a) = item {
                    // Like a test: one in a file whose header could not be read asks about nothing known.
                    if header.is_none() && f.ast.header_unread() && a.jurisdictions.is_none() {
                        continue;
                    }
                    let layer = header.map(|j| j.id.text.clone());
                    self.model.assertions.push(AssertCase { file: f.display.to_owned(), layer, decl: a.clone() });
                    continue;
                }
                if let Item::Silent(sd) = item {
                    // A file whose header was refused (E0201) is reported once, at its header.
                    if layer.is_some() || (header.is_none() && !f.ast.header_unread()) {
                        self.silence(sd, layer, f.display);
                    }
                    continue;
                }
                let Item::Rule(r) = item else { continue };
                if let Some((first_file, first_span)) = seen.get(&r.id.text).cloned() {
                    self.duplicate("rule", &r.id, f.display, (&first_file, first_span));
                    continue;
                }
                if let Some((_, _, keep_file, keep_span)) = kept.get(r.id.text.as_str()).copied()
                    && (keep_file != f.display || keep_span != r.id.span)
                {
                    self.duplicate("rule", &r.id, f.display, (keep_file, keep_span));
                    continue;
                }
                seen.insert(r.id.text.clone(), (f.display.to_owned(), r.id.span));
                let Some(layer) = layer else {
                    if header.is_none() && !f.ast.header_unread() {
                        self.diags.push(
                            Diagnostic::new(
                                Code::RuleOutsideLayer,
                                format!("rule `{}` stands in a file with no jurisdiction", r.id.text),
                            )
                            .at(loc(f.display, r.id.span).labelled("whose rule is this?"))
                            .with_help(
                                "start the file with a header such as `jurisdiction US-CA \"California\" under US`",
                            ),
                        );
                    }
                    continue;
                };
                // Rules of one layer meet in the cells they share: past the limit the meets
                // grow with the square of the rules (README.md, "Limits").
                let count = self.model.layers.get(layer).map_or(0, |l| l.rules.len());
                if count >= limits::MAX_RULES_PER_LAYER {
                    if count == limits::MAX_RULES_PER_LAYER && !self.limit_reported {
                        let id = self.layer_id(layer);
                        self.diags.push(
                            Diagnostic::new(
                                Code::LimitExceeded,
                                format!(
                                    "jurisdiction `{id}` has more than {} rules; at most {} are allowed",
                                    limits::MAX_RULES_PER_LAYER,
                                    limits::MAX_RULES_PER_LAYER
                                ),
                            )
                            .at(loc(f.display, r.id.span).labelled(format!("rule number {}", count + 1)))
                            .with_help("a layer's rules are a statute's provisions, not one per cell: merge rules with the same requirement into one pattern; see README.md, \"Limits\""),
                        );
                        self.limit_reported = true;
                    }
                    continue;
                }
                if let Some(other) = self.layer_claimed_by(&r.id.text, layer) {
                    misnamed_count += 1;
                    misnamed.get_or_insert((&r.id, other));
                }
                if let Some(mut rule) = self.rule(r, layer, f.display) {
                    rule.line = u32::try_from(lines.line_col(f.text, r.span.start).0).unwrap_or(u32::MAX);
                    let index = self.model.rules.len();
                    if let Some(l) = self.model.layers.get_mut(layer) {
                        l.rules.push(index);
                    }
                    self.model.rules.push(rule);
                }
            }
            if let (Some((name, other)), Some(own)) = (misnamed, header.map(|j| j.id.text.as_str())) {
                let more = match misnamed_count {
                    0 | 1 => String::new(),
                    2 => " (and 1 more rule of this file)".to_owned(),
                    n => format!(" (and {} more rules of this file)", n - 1),
                };
                self.diags.push(
                    Diagnostic::new(
                        Code::RuleIdOfAnotherLayer,
                        format!("rule `{}` of {own} has an id that names {other}{more}", name.text),
                    )
                    .at(loc(f.display, name.span).labelled(format!("reads as a rule of {other}")))
                    .with_help(format!(
                        "begin the id with `{}.`: a rule's id names the layer it stands in, so that a reviewer reading it in `diff` or `explain` knows whose law it is",
                        layer_prefix(own)
                    )),
                );
            }
        }
    }

    /// The layer `rule_id` claims when that is not its own `layer` (E0220): its first part,
    /// in any case, is another layer's prefix, `org`, or a word that reads as federal law
    /// (`us`, `usa`, `federal`, `hipaa`, `cfr`). An id of its own layer's prefix, or of none a
    /// reader would take for a layer (`tiny.x`), claims nothing.
    fn layer_claimed_by(&self, rule_id: &str, layer: usize) -> Option<String> {
        const FEDERAL_WORDS: [&str; 5] = ["us", "usa", "federal", "hipaa", "cfr"];
        let own = self.model.layers.get(layer)?;
        let prefix = layer_prefix(&own.id);
        let first = rule_id.split('.').next()?.to_ascii_lowercase();
        if first == prefix {
            return None;
        }
        let claimed = if FEDERAL_WORDS.contains(&first.as_str()) {
            FEDERAL.to_owned()
        } else if first == "org" {
            "an organization".to_owned()
        } else {
            self.model.layers.iter().find(|l| l.id != own.id && layer_prefix(&l.id) == first)?.id.clone()
        };
        (claimed != own.id).then_some(claimed)
    }

    fn silence(&mut self, sd: &ast::SilentDecl, layer: Option<usize>, file: &str) {
        let Some(layer) = layer else {
            self.diags.push(
                Diagnostic::new(
                    Code::RuleOutsideLayer,
                    format!("`silent {}` stands in a file with no jurisdiction", sd.topic.text),
                )
                .at(loc(file, sd.topic.span).labelled("whose silence is this?"))
                .with_help("start the file with a header such as `jurisdiction US-CA \"California\" under US`"),
            );
            return;
        };
        let Some(topic) = self.model.topics.iter().position(|t| t.id == sd.topic.text) else {
            let declared = self.model.topic_ids();
            self.diags.push(unknown("coverage topic", &sd.topic, file, &declared));
            return;
        };
        // A silence is a claim that nothing stricter exists: it must say what was read and
        // when (docs/semantics.md, "Silences and gaps"); a citation alone says neither.
        if !sd.searched.iter().any(|s| newest_date_in(&s.value).is_some()) {
            let what = if sd.searched.is_empty() { "what was searched, or when" } else { "when it was searched" };
            self.diags.push(
                Diagnostic::new(Code::UndatedSilence, format!("`silent {}` does not say {what}", sd.topic.text))
                    .at(loc(file, sd.topic.span).labelled("silence needs dated grounds"))
                    .with_help("add `searched \"<the statutes, chapters and session laws read>; YYYY-MM-DD\"`: what was read and the day it was read"),
            );
        }
        // One layer says once whether it found law on a topic: a second silence (a claim
        // beside a gap) would leave answers warning `law_unread` while `diff` read the claim.
        if let Some(first) = self.model.silences.iter().find(|s| s.layer == layer && s.topic == topic) {
            let first = (first.file.clone(), first.span);
            self.diags.push(
                Diagnostic::new(
                    Code::DuplicateName,
                    format!("`silent {}` is declared twice for one jurisdiction", sd.topic.text),
                )
                .at(loc(file, sd.topic.span).labelled("declared again here"))
                .with_related(loc(&first.0, first.1).labelled("first declared here"))
                .with_help(
                    "keep one silence per topic: a gap while the law is unread, or one claim with what was read",
                ),
            );
            return;
        }
        self.model.silences.push(Silence {
            layer,
            topic,
            note: sd.note.value.clone(),
            citations: sd.citations.iter().map(|c| c.value.clone()).collect(),
            searched: sd.searched.iter().map(|c| c.value.clone()).collect(),
            confidence: sd.confidence.as_ref().map_or(ast::Confidence::Unverified, |c| c.value),
            file: file.to_owned(),
            span: sd.span,
        });
    }

    fn rule(&mut self, r: &ast::RuleDecl, layer: usize, file: &str) -> Option<RuleModel> {
        let mut rule = RuleModel {
            id: r.id.text.clone(),
            title: r.title.value.clone(),
            layer,
            citations: Vec::new(),
            source: None,
            confidence: ast::Confidence::Unverified,
            effective: Date { year: 0, month: 1, day: 1 },
            expires: None,
            justification: None,
            matches: self.model.axes.iter().map(|a| vec![true; a.values.len()]).collect(),
            names: self.model.axes.iter().map(|a| vec![false; a.values.len()]).collect(),
            requirement: Requirement::default(),
            sets: Dims::default(),
            excepts: Vec::new(),
            defers: Dims::default(),
            withdraws: Vec::new(),
            file: file.to_owned(),
            span: r.span,
            id_span: r.id.span,
            line: 0,
            pattern_spans: vec![None; self.model.axes.len()],
            damaged: !r.unreadable.is_empty(),
        };
        let mut once: HashMap<&'static str, Span> = HashMap::new();
        let mut confidence_seen = false;
        let mut effective_seen = false;
        let mut excepts: Vec<ast::Name> = Vec::new();
        let mut withdraws_span: Option<Span> = None;
        let diags_before = self.diags.len();
        // Whether the field before was a pattern on no known axis (a misspelt keyword).
        let mut after_unknown = false;
        for field in &r.fields {
            let (key, span) = field_key(field);
            if let Some(key) = key {
                if let Some(first) = once.get(key) {
                    self.diags.push(
                        Diagnostic::new(Code::DuplicateField, format!("rule `{}` states `{key}` twice", r.id.text))
                            .at(loc(file, span).labelled("stated again here"))
                            .with_related(loc(file, *first).labelled("first stated here"))
                            .with_help("state each field once; list several values with commas"),
                    );
                    continue;
                }
                once.insert(key, span);
            }
            let was_unknown = std::mem::take(&mut after_unknown);
            match field {
                RuleField::Cite(t) => rule.citations.push(t.value.clone()),
                RuleField::Source(t) => rule.source = Some(t.value.clone()),
                RuleField::Justification(t) => rule.justification = Some(t.value.clone()),
                RuleField::Confidence(c) => {
                    rule.confidence = c.value;
                    confidence_seen = true;
                }
                RuleField::Effective(d) => {
                    rule.effective = d.value;
                    effective_seen = true;
                }
                RuleField::Expires(d) => rule.expires = Some(d.value),
                RuleField::Pattern(p) => {
                    // `permision authorization or court_order` reads as the patterns
                    // `permision …` and `or court_order`: the misspelt keyword is the one
                    // mistake, the words of its line that follow are not axes too.
                    let continues = was_unknown && matches!(p.axis.text.as_str(), "or" | "and" | "if");
                    if !continues {
                        self.pattern(p, file, &mut rule);
                    }
                    after_unknown = continues || !AXES.contains(&p.axis.text.as_str());
                }
                RuleField::Permission(p) => {
                    if let (Some(first), Some(last)) = (p.value.prohibited_if.first(), p.value.prohibited_if.last()) {
                        let cond = Span::new(first.span.start, last.span.end);
                        self.diags.push(
                            Diagnostic::new(
                                Code::ConditionOnProhibition,
                                format!("rule `{}` puts a condition on a prohibition", r.id.text),
                            )
                            .at(loc(file, cond).labelled("a prohibition holds whatever the facts"))
                            .with_help(
                                "a condition names when a way of disclosing is lawful; write the lawful way instead, \
                                 e.g. `permission none if imminent_threat`, or drop the condition",
                            ),
                        );
                    }
                    if p.value.ways.len() > limits::MAX_WAYS_PER_RULE {
                        self.diags.push(
                            Diagnostic::new(
                                Code::LimitExceeded,
                                format!(
                                    "rule `{}` names {} ways to disclose; at most {} are allowed",
                                    r.id.text,
                                    p.value.ways.len(),
                                    limits::MAX_WAYS_PER_RULE
                                ),
                            )
                            .at(loc(file, p.span).labelled("the ways, joined by `or`"))
                            .with_help("the meet of rules multiplies their ways; split the rule by pattern, or see README.md, \"Limits\""),
                        );
                    }
                    let ways: Vec<Way> = p.value.ways.iter().map(|w| self.way(w, file)).collect();
                    rule.requirement.permission = Permission::from_ways(ways);
                    rule.sets = rule.sets.with(Dimension::Permission);
                }
                RuleField::Withdraws(list) => {
                    rule.withdraws = list.value.clone();
                    withdraws_span = Some(list.span);
                }
                RuleField::Mandatory(_) => {
                    rule.requirement.mandatory = true;
                    rule.sets = rule.sets.with(Dimension::Mandate);
                }
                RuleField::Deadline(d) => {
                    rule.requirement.deadlines.push(stringent_policy::Deadline {
                        days: d.days.value,
                        unit: d.unit,
                        action: d.action,
                    });
                    rule.sets = rule.sets.with(Dimension::Deadlines);
                }
                RuleField::Elements(list) => {
                    rule.requirement.elements = self.terms(0, &list.value, file);
                    rule.sets = rule.sets.with(Dimension::AuthorizationElements);
                }
                RuleField::Form(list) => {
                    rule.requirement.form = self.terms(1, &list.value, file);
                    rule.sets = rule.sets.with(Dimension::Form);
                }
                RuleField::Obligations(list) => {
                    rule.requirement.obligations = self.terms(2, &list.value, file);
                    rule.sets = rule.sets.with(Dimension::Obligations);
                }
                RuleField::MaxValidity(days) => {
                    rule.requirement.max_validity_days = Some(days.value);
                    rule.sets = rule.sets.with(Dimension::MaxValidityDays);
                }
                RuleField::Excepts(list) => excepts.extend(list.value.iter().cloned()),
                RuleField::Defers(list) => {
                    for d in &list.value {
                        rule.defers = rule.defers.with(*d);
                    }
                }
            }
        }
        // A field that names an undeclared value, term or condition is kept without it, as
        // is an unreadable one: the error said so, and the lints stay quiet on the rule.
        rule.damaged |= self.diags.get(diags_before..).is_some_and(|new| new.iter().any(Diagnostic::is_error));
        rule.requirement.normalize();
        if let Some(span) = withdraws_span {
            self.withdrawn_still_admitted(&rule, &r.id.text, file, span);
        }
        // A required field written with a typo (`confidance verified`) is read as a pattern on
        // an unknown axis, reported there with "did you mean"; it is not also missing.
        let misspelt: Vec<&str> = r
            .fields
            .iter()
            .filter_map(|f| match f {
                ast::RuleField::Pattern(p) if !AXES.contains(&p.axis.text.as_str()) => {
                    nearest(&p.axis.text, ["cite", "confidence", "effective"])
                }
                _ => None,
            })
            .collect();
        let mut missing = Vec::new();
        if rule.citations.is_empty() && !misspelt.contains(&"cite") {
            missing.push(("cite", "every rule cites the law it encodes: `cite \"45 CFR 164.508(a)(1)\"`"));
        }
        if !confidence_seen && !r.unreadable.contains(&"confidence") && !misspelt.contains(&"confidence") {
            missing.push((
                "confidence",
                "say how well the citation was checked: `confidence verified` (or secondary, recalled, unverified)",
            ));
        }
        // An `effective` whose date could not be read is reported as such (E0101), not missing.
        if !effective_seen && !r.unreadable.contains(&"effective") && !misspelt.contains(&"effective") {
            missing.push(("effective", "give the date the law took effect: `effective 2003-04-14`"));
        }
        for (field, help) in missing {
            self.diags.push(
                Diagnostic::new(Code::MissingField, format!("rule `{}` has no `{field}`", r.id.text))
                    .at(loc(file, r.id.span).labelled(format!("`{field}` is required")))
                    .with_help(help),
            );
        }
        if let Some(exp) = rule.expires
            && exp <= rule.effective
        {
            let span = once.get("expires").copied().unwrap_or(r.id.span);
            let mut d = Diagnostic::new(
                Code::DatesOutOfOrder,
                format!("rule `{}` expires on {exp}, not after it takes effect on {}", r.id.text, rule.effective),
            )
            .at(loc(file, span).labelled("expires here"));
            if let Some(eff) = once.get("effective") {
                d = d.with_related(loc(file, *eff).labelled("takes effect here"));
            }
            self.diags.push(d.with_help("a rule is in effect from `effective` up to, not including, `expires`"));
        }
        if !rule.defers.is_empty() {
            let defers_span = once.get("defers").copied().unwrap_or(r.id.span);
            let root = self.model.layers.get(layer).is_some_and(|l| l.parent.is_none());
            if !root {
                self.diags.push(
                    Diagnostic::new(Code::BadDeferral, format!("rule `{}` defers a dimension but is not federal", r.id.text))
                        .at(loc(file, defers_span).labelled("only the federal layer hands a question to lower layers"))
                        .with_help("state law tightens with an ordinary requirement; deferral is for provisions such as 45 CFR 164.502(g)(3)(ii)"),
                );
                rule.defers = Dims::default();
            }
            for d in rule.defers.iter() {
                if !rule.sets.has(d) {
                    self.diags.push(
                        Diagnostic::new(
                            Code::BadDeferral,
                            format!("rule `{}` defers `{}` but does not state it", r.id.text, d.keyword()),
                        )
                        .at(loc(file, defers_span).labelled("nothing to defer"))
                        .with_help("a deferring rule states the value that stands where lower layers are silent"),
                    );
                }
            }
        }
        self.pending_excepts.push((self.model.rules.len(), excepts, file.to_owned()));
        Some(rule)
    }

    fn pattern(&mut self, p: &ast::Pattern, file: &str, rule: &mut RuleModel) {
        let Some(ai) = AXES.iter().position(|a| *a == p.axis.text) else {
            let mut candidates: Vec<&str> = AXES.to_vec();
            candidates.extend([
                "cite",
                "source",
                "confidence",
                "effective",
                "expires",
                "permission",
                "mandatory",
                "deadline",
                "elements",
                "form",
                "obligations",
                "max_validity",
                "excepts",
                "defers",
                "justification",
            ]);
            let mut d = unknown("axis or field", &p.axis, file, &candidates);
            if nearest(&p.axis.text, candidates.iter().copied()).is_none() {
                d = d.with_help(format!("a pattern names an axis: {}", AXES.join(", ")));
            }
            self.diags.push(d);
            return;
        };
        let Some(axis) = self.model.axes.get(ai) else {
            return;
        };
        // An axis the vocabulary failed to declare is reported once (E0209); its values are
        // not reported again at every rule that names one, and the rule is left out of the
        // lints, as a rule any other error names is.
        if self.axis_locations.get(ai).is_some_and(Option::is_none) && axis.values.is_empty() {
            rule.damaged = true;
            return;
        }
        if let Some(s) = rule.pattern_spans.get_mut(ai) {
            if s.is_some() {
                self.diags.push(
                    Diagnostic::new(
                        Code::DuplicateField,
                        format!("rule `{}` has two `{}` patterns", rule.id, p.axis.text),
                    )
                    .at(loc(file, p.span).labelled("second pattern"))
                    .with_help("list several values in one pattern: `category hiv, sti`"),
                );
                return;
            }
            *s = Some(p.span);
        }
        let ids: Vec<&str> = axis.values.iter().map(|v| v.id.as_str()).collect();
        let resolve = |names: &[ast::Name], diags: &mut Vec<Diagnostic>| -> Vec<usize> {
            names
                .iter()
                .filter_map(|n| {
                    let found = axis.find(&n.text);
                    if found.is_none() {
                        diags.push(unknown(&format!("{} value", axis.id), n, file, &ids));
                    }
                    found
                })
                .collect()
        };
        let (listed, negate) = match &p.values {
            ast::PatternValues::Any { except } => (resolve(except, &mut self.diags), true),
            ast::PatternValues::Listed(list) => (resolve(list, &mut self.diags), false),
        };
        let matched = axis.mask(&listed, negate);
        for v in listed.iter().filter(|_| !negate) {
            if let Some(flag) = rule.names.get_mut(ai).and_then(|names| names.get_mut(*v)) {
                *flag = true;
            }
        }
        if let Some(m) = rule.matches.get_mut(ai) {
            *m = matched;
        }
    }

    /// One way of a permission, its conditions resolved to their indices.
    fn way(&mut self, w: &ast::WayWords, file: &str) -> Way {
        let bases: Vec<Basis> = w.bases.clone();
        let conditions: Vec<usize> = self.terms(3, &w.conditions, file).into_iter().map(|c| c as usize).collect();
        Way::new(&bases, &conditions)
    }

    /// A rule that withdraws a basis must not admit it itself, in any way, under any
    /// condition: else the withdrawal says what the rule does not do.
    fn withdrawn_still_admitted(&mut self, rule: &RuleModel, id: &str, file: &str, span: Span) {
        let sets_permission = rule.sets.has(Dimension::Permission);
        let admitted: Vec<&str> = rule
            .withdraws
            .iter()
            .filter(|b| {
                !sets_permission
                    || rule.requirement.permission.ways().iter().any(|w| b.way().covers(w.without_conditions()))
            })
            .map(|b| b.as_str())
            .collect();
        if admitted.is_empty() {
            return;
        }
        let message = if sets_permission {
            format!("rule `{id}` withdraws `{}` but its permission still admits it", admitted.join("`, `"))
        } else {
            format!("rule `{id}` withdraws `{}` but states no permission", admitted.join("`, `"))
        };
        self.diags.push(
            Diagnostic::new(Code::WithdrawnBasisAdmitted, message)
                .at(loc(file, span).labelled("withdrawn here"))
                .with_help(
                    "a basis is taken away by a permission that lacks it: e.g. `permission authorization` with \
                 `withdraws court_order` for a law that allows a disclosure only on the patient's authorization, \
                 whatever a court orders",
                ),
        );
    }

    fn terms(&mut self, kind: usize, names: &[ast::Name], file: &str) -> Vec<u32> {
        let (what, table) = match kind {
            0 => ("authorization element", &self.model.elements),
            1 => ("form constraint", &self.model.forms),
            2 => ("obligation", &self.model.obligations),
            _ => ("condition", &self.model.conditions),
        };
        let ids: Vec<&str> = table.iter().map(|t| t.id.as_str()).collect();
        let mut out = Vec::new();
        for n in names {
            match ids.iter().position(|id| *id == n.text) {
                Some(i) => out.push(u32::try_from(i).unwrap_or(u32::MAX)),
                None => self.diags.push(unknown(what, n, file, &ids)),
            }
        }
        out
    }

    fn exceptions(&mut self) {
        let pending = std::mem::take(&mut self.pending_excepts);
        let ids: Vec<String> = self.model.rules.iter().map(|r| r.id.clone()).collect();
        let names: Vec<&str> = ids.iter().map(String::as_str).collect();
        // Look rules up by id once, not by scanning every rule for every `excepts` name.
        let by_id: HashMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        for (ri, excepts, file) in pending {
            for name in excepts {
                let Some(target) = by_id.get(name.text.as_str()).copied() else {
                    // A rule is never an exception to itself: its own id is no suggestion.
                    let own = names.get(ri).copied();
                    let others: Vec<&str> = names.iter().copied().filter(|n| Some(*n) != own).collect();
                    self.diags.push(unknown("rule", &name, &file, &others));
                    self.damage(ri);
                    continue;
                };
                let (Some(rule), Some(other)) = (self.model.rules.get(ri), self.model.rules.get(target)) else {
                    continue;
                };
                if rule.layer != other.layer {
                    let (rl, ol) = (self.layer_id(rule.layer), self.layer_id(other.layer));
                    let related = loc(&other.file, other.id_span).labelled(format!("`{}` belongs to `{ol}`", other.id));
                    self.diags.push(
                        Diagnostic::new(Code::ExceptionAcrossLayers, format!("rule `{}` of `{rl}` is an exception to a rule of `{ol}`", names.get(ri).copied().unwrap_or_default()))
                            .at(loc(&file, name.span).labelled("not in this rule's layer"))
                            .with_related(related)
                            .with_help("an exception loosens only its own layer; to tighten another layer's rule, write an ordinary rule"),
                    );
                    self.damage(ri);
                    continue;
                }
                if target == ri {
                    self.diags.push(
                        Diagnostic::new(
                            Code::ExceptionCycle,
                            format!("rule `{}` is an exception to itself", name.text),
                        )
                        .at(loc(&file, name.span).labelled("names itself")),
                    );
                    self.damage(ri);
                    continue;
                }
                if let Some(rule) = self.model.rules.get_mut(ri) {
                    rule.excepts.push(target);
                }
            }
        }
        self.exception_cycles();
    }

    /// An `excepts` name of rule `ri` was refused: the rule is not the exception its
    /// author wrote, so the lints that judge it stay quiet.
    fn damage(&mut self, ri: usize) {
        if let Some(rule) = self.model.rules.get_mut(ri) {
            rule.damaged = true;
        }
    }

    fn layer_id(&self, layer: usize) -> String {
        self.model.layers.get(layer).map(|l| l.id.clone()).unwrap_or_default()
    }

    /// Depth-first search for a cycle in the "is an exception to" graph.
    fn exception_cycles(&mut self) {
        let n = self.model.rules.len();
        let mut state = vec![0u8; n]; // 0 new, 1 on the path, 2 done
        let mut reported = vec![false; n];
        for start in 0..n {
            if state.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(s) = state.get_mut(start) {
                *s = 1;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let succ = self.model.rules.get(node).and_then(|r| r.excepts.get(*next)).copied();
                *next += 1;
                match succ {
                    Some(s) if state.get(s) == Some(&1) => {
                        let path: Vec<usize> = stack.iter().map(|(r, _)| *r).skip_while(|r| *r != s).collect();
                        if !path.iter().any(|r| reported.get(*r) == Some(&true)) {
                            for r in &path {
                                if let Some(f) = reported.get_mut(*r) {
                                    *f = true;
                                }
                            }
                            self.cycle_diag(&path);
                        }
                    }
                    Some(s) if state.get(s) == Some(&0) => {
                        if let Some(st) = state.get_mut(s) {
                            *st = 1;
                        }
                        stack.push((s, 0));
                    }
                    Some(_) => {}
                    None => {
                        if let Some(st) = state.get_mut(node) {
                            *st = 2;
                        }
                        stack.pop();
                    }
                }
            }
        }
        // Drop the edges of reported cycles so resolution stays well defined.
        for (r, flagged) in reported.iter().enumerate() {
            if *flagged && let Some(rule) = self.model.rules.get_mut(r) {
                rule.excepts.clear();
            }
        }
        self.exception_depth();
    }

    /// The longest chain of exceptions, memoised over the now acyclic graph: linear in
    /// the rules and their `excepts`.
    fn exception_depth(&mut self) {
        let rules = &self.model.rules;
        let n = rules.len();
        // Per rule: rules in the longest chain it heads (itself included); 0 = not yet known.
        let mut depth = vec![0usize; n];
        // A rule on the walk under way: an edge back to it (a cycle the checks above left,
        // which they should not) is not followed.
        let mut on_walk = vec![false; n];
        for start in 0..n {
            if depth.get(start) != Some(&0) {
                continue;
            }
            let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
            if let Some(w) = on_walk.get_mut(start) {
                *w = true;
            }
            while let Some(&mut (node, ref mut next)) = stack.last_mut() {
                let succ = rules.get(node).and_then(|r| r.excepts.get(*next)).copied();
                *next += 1;
                match succ {
                    Some(s) if depth.get(s) == Some(&0) && on_walk.get(s) == Some(&false) => {
                        if let Some(w) = on_walk.get_mut(s) {
                            *w = true;
                        }
                        stack.push((s, 0));
                    }
                    Some(_) => {}
                    None => {
                        let below = rules
                            .get(node)
                            .map(|r| r.excepts.iter().filter_map(|e| depth.get(*e)).copied().max().unwrap_or(0))
                            .unwrap_or(0);
                        if let Some(d) = depth.get_mut(node) {
                            *d = below + 1;
                        }
                        if let Some(w) = on_walk.get_mut(node) {
                            *w = false;
                        }
                        stack.pop();
                    }
                }
            }
        }
        let Some((head, longest)) = depth.iter().copied().enumerate().max_by_key(|(i, d)| (*d, usize::MAX - i)) else {
            return;
        };
        if longest <= limits::MAX_EXCEPTION_DEPTH {
            return;
        }
        let Some(rule) = rules.get(head) else { return };
        self.diags.push(
            Diagnostic::new(
                Code::LimitExceeded,
                format!(
                    "rule `{}` heads a chain of {longest} exceptions; at most {} are allowed",
                    rule.id,
                    limits::MAX_EXCEPTION_DEPTH
                ),
            )
            .at(loc(&rule.file, rule.id_span).labelled("an exception to an exception to … this many rules deep"))
            .with_help("write the innermost exceptions as exceptions to one rule; see README.md, \"Limits\""),
        );
    }

    fn cycle_diag(&mut self, path: &[usize]) {
        let rules: Vec<&RuleModel> = path.iter().filter_map(|r| self.model.rules.get(*r)).collect();
        let Some(first) = rules.first() else { return };
        // A cycle of thousands of rules names its first few: the diagnostic stays small.
        let shown = limits::MAX_CYCLE_MEMBERS_SHOWN;
        let names: Vec<&str> = rules.iter().take(shown).map(|r| r.id.as_str()).collect();
        let cycle = if rules.len() > shown {
            format!("{} → … ({} more) → {}", names.join(" → "), rules.len() - shown, first.id)
        } else {
            format!("{} → {}", names.join(" → "), first.id)
        };
        let mut d = Diagnostic::new(Code::ExceptionCycle, format!("exceptions form a cycle: {cycle}"))
            .at(loc(&first.file, first.id_span).labelled("this rule is, through others, an exception to itself"))
            .with_help("an exception overrides the rule it names; break the cycle by removing one `excepts`");
        for r in rules.iter().skip(1).take(shown.saturating_sub(1)) {
            d = d.with_related(loc(&r.file, r.id_span).labelled(format!("`{}` is in the cycle", r.id)));
        }
        if rules.len() > shown {
            d = d.with_help(format!(
                "{} rules are in the cycle; the first {shown} are shown. An exception overrides the rule it names; break the cycle by removing one `excepts`",
                rules.len()
            ));
        }
        self.diags.push(d);
    }
}

/// The cycles of a parent relation over `0..n`, each as its members: every node is
/// visited once, so a long chain costs its length, not its length squared.
fn parent_cycles(n: usize, parent: impl Fn(usize) -> Option<usize>) -> Vec<Vec<usize>> {
    const NEW: usize = usize::MAX;
    const DONE: usize = usize::MAX - 1;
    // Per node: NEW, DONE, or its position on the walk under way.
    let mut state = vec![NEW; n];
    let mut cycles = Vec::new();
    let mut path = Vec::new();
    for start in 0..n {
        path.clear();
        let mut at = Some(start);
        while let Some(x) = at {
            match state.get(x).copied() {
                Some(NEW) => {}
                Some(DONE) | None => break,
                Some(pos) => {
                    cycles.push(path.get(pos..).map(<[usize]>::to_vec).unwrap_or_default());
                    break;
                }
            }
            if let Some(s) = state.get_mut(x) {
                *s = path.len();
            }
            path.push(x);
            at = parent(x);
        }
        for x in &path {
            if let Some(s) = state.get_mut(*x) {
                *s = DONE;
            }
        }
    }
    cycles
}

/// The depth of every node of a forest (a root is 1), memoised: linear in the nodes. A
/// cycle, which the caller has already broken, would count as a root.
fn forest_depths(n: usize, parent: impl Fn(usize) -> Option<usize>) -> Vec<usize> {
    let mut depth = vec![0usize; n];
    let mut path = Vec::new();
    for start in 0..n {
        path.clear();
        let mut at = Some(start);
        let mut base = 0;
        while let Some(x) = at {
            match depth.get(x).copied() {
                Some(0) if path.len() <= n => {}
                Some(d) => {
                    base = d;
                    break;
                }
                None => break,
            }
            path.push(x);
            at = parent(x);
        }
        for x in path.iter().rev() {
            base += 1;
            if let Some(d) = depth.get_mut(*x) {
                *d = base;
            }
        }
    }
    depth
}

/// At most `shown` names joined by commas, and how many more there are.
fn shortened(names: &[&str], shown: usize) -> String {
    let mut text = names.iter().take(shown).copied().collect::<Vec<_>>().join(", ");
    if names.len() > shown {
        text.push_str(&format!(" and {} more", names.len() - shown));
    }
    text
}

/// The name under which a field may appear only once, and its span.
fn field_key(field: &RuleField) -> (Option<&'static str>, Span) {
    match field {
        RuleField::Cite(t) => (None, t.span),
        RuleField::Source(t) => (Some("source"), t.span),
        RuleField::Justification(t) => (Some("justification"), t.span),
        RuleField::Confidence(c) => (Some("confidence"), c.span),
        RuleField::Effective(d) => (Some("effective"), d.span),
        RuleField::Expires(d) => (Some("expires"), d.span),
        RuleField::Pattern(p) => (None, p.span),
        RuleField::Permission(p) => (Some("permission"), p.span),
        RuleField::Mandatory(s) => (Some("mandatory"), *s),
        RuleField::Deadline(d) => (None, d.span),
        RuleField::Elements(l) => (Some("elements"), l.span),
        RuleField::Form(l) => (Some("form"), l.span),
        RuleField::Obligations(l) => (Some("obligations"), l.span),
        RuleField::MaxValidity(d) => (Some("max_validity"), d.span),
        RuleField::Excepts(l) => (None, l.span),
        RuleField::Defers(l) => (Some("defers"), l.span),
        RuleField::Withdraws(l) => (Some("withdraws"), l.span),
    }
}

#[cfg(test)]
mod tests {
    use super::newest_date_in;

    #[test]
    fn a_searched_note_is_dated_by_its_newest_day_or_month() {
        assert_eq!(newest_date_in("SDCL ch. 34-22; 2026-05"), Some("2026-05"));
        assert_eq!(newest_date_in("read 2025-11-30, again 2026-12-03"), Some("2026-12-03"));
        assert_eq!(newest_date_in("2026-05 and 2026-05-02"), Some("2026-05-02"));
    }

    #[test]
    fn section_numbers_and_years_alone_are_not_dates() {
        assert_eq!(newest_date_in("2022 HB 1223, SDCL 34-20A-50"), None);
        assert_eq!(newest_date_in("R.S. 1234-56 and 2026-13"), None);
        assert_eq!(newest_date_in("12026-05"), None);
        assert_eq!(newest_date_in("2026-051"), None);
        assert_eq!(newest_date_in(""), None);
    }
}
