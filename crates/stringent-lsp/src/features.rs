//! The answers to each request, from one compile of the tree ([`Analysis`]).

use crate::index::{Decl, Kind};
use crate::text::{Doc, words};
use crate::workspace::{Analysis, Workspace};
use serde_json::{Value, json};
use std::collections::BTreeMap;
use stringent_compiler::discover::Targets;
use stringent_compiler::testing::{self, Outcome};
use stringent_diagnostics::{Diagnostic, Severity, Span};
use stringent_policy::{Basis, DayUnit, Dimension, Level, Question, Word};
use stringent_syntax::ast::{self, Confidence, Expectation, Item};

/// The grammar, the one definition of the syntax: completion's keywords are read from it.
const GRAMMAR: &str = include_str!("../../../grammar/stringent.pest");

/// The command a test's code lens runs.
pub const RUN_TEST: &str = "stringent.runTest";

/// Every keyword of the language: each word the grammar spells literally (two letters or
/// more; the single letters are string escapes). The editor grammar is tested against
/// this list, so highlighting and completion follow `grammar/stringent.pest`.
pub fn keywords() -> Vec<String> {
    let mut out: Vec<String> = GRAMMAR
        .lines()
        .filter(|l| !l.trim_start().starts_with("//"))
        .flat_map(|l| l.split('"').skip(1).step_by(2))
        .filter(|w| {
            w.len() > 1
                && w.starts_with(|c: char| c.is_ascii_lowercase())
                && w.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        })
        .map(str::to_owned)
        .collect();
    out.sort();
    out.dedup();
    out
}

pub fn initialize_result() -> Value {
    json!({
        "capabilities": {
            "textDocumentSync": {"openClose": true, "change": 1, "save": {"includeText": false}},
            "hoverProvider": true,
            "definitionProvider": true,
            "referencesProvider": true,
            "completionProvider": {"triggerCharacters": [" ", ","]},
            "documentFormattingProvider": true,
            "documentSymbolProvider": true,
            "codeLensProvider": {"resolveProvider": false},
            "renameProvider": true,
            "foldingRangeProvider": true,
            "inlayHintProvider": true,
            "codeActionProvider": true,
            "executeCommandProvider": {"commands": [RUN_TEST]}
        },
        "serverInfo": {"name": "stringent", "version": env!("CARGO_PKG_VERSION")}
    })
}

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/references",
    "textDocument/completion",
    "textDocument/formatting",
    "textDocument/documentSymbol",
    "textDocument/codeLens",
    "textDocument/rename",
    "textDocument/foldingRange",
    "textDocument/inlayHint",
    "textDocument/codeAction",
    "workspace/executeCommand",
];

pub fn handles(method: &str) -> bool {
    METHODS.contains(&method)
}

/// The answer when no rules tree is known yet.
pub fn empty(method: &str) -> Value {
    match method {
        "textDocument/references"
        | "textDocument/documentSymbol"
        | "textDocument/codeLens"
        | "textDocument/foldingRange"
        | "textDocument/inlayHint"
        | "textDocument/codeAction"
        | "textDocument/formatting" => json!([]),
        _ => Value::Null,
    }
}

/// The document a request names and the byte offset of its position, when both exist.
struct At<'a> {
    file: String,
    doc: &'a Doc,
    offset: Option<usize>,
}

fn at<'a>(ws: &Workspace, analysis: &'a Analysis, params: &Value) -> Option<At<'a>> {
    let uri = params.get("textDocument")?.get("uri")?.as_str()?;
    let file = ws.relative(&crate::uri_to_path(uri)?)?;
    let doc = analysis.doc(&file)?;
    let offset = params
        .get("position")
        .and_then(|p| serde_json::from_value::<lsp_types::Position>(p.clone()).ok())
        .and_then(|p| doc.offset(p));
    Some(At { file, doc, offset })
}

pub fn answer(ws: &Workspace, analysis: &Analysis, method: &str, params: Value) -> Result<Value, String> {
    if method == "workspace/executeCommand" {
        return execute(ws, analysis, &params);
    }
    if params.get("textDocument").and_then(|d| d.get("uri")).and_then(Value::as_str).is_none() {
        return Err("the parameters name no `textDocument.uri`".into());
    }
    let Some(here) = at(ws, analysis, &params) else { return Ok(empty(method)) };
    Ok(match method {
        "textDocument/hover" => hover(analysis, &here).unwrap_or(Value::Null),
        "textDocument/definition" => definition(ws, analysis, &here).unwrap_or(Value::Null),
        "textDocument/references" => {
            let declaration = params.pointer("/context/includeDeclaration").and_then(Value::as_bool).unwrap_or(true);
            references(ws, analysis, &here, declaration).unwrap_or_else(|| json!([]))
        }
        "textDocument/completion" => completion(analysis, &here).unwrap_or(Value::Null),
        "textDocument/formatting" => formatting(here.doc),
        "textDocument/documentSymbol" => symbols(ws, analysis, &here.file),
        "textDocument/codeLens" => lenses(ws, analysis, &here.file),
        "textDocument/foldingRange" => folding(ws, analysis, &here.file),
        "textDocument/inlayHint" => hints(ws, analysis, &here.file),
        "textDocument/codeAction" => {
            let start = params
                .pointer("/range/start")
                .and_then(|p| serde_json::from_value::<lsp_types::Position>(p.clone()).ok())
                .and_then(|p| here.doc.offset(p));
            start.and_then(|o| test_from_answer(ws, analysis, &here.file, o)).unwrap_or_else(|| json!([]))
        }
        "textDocument/rename" => {
            let new_name = params.get("newName").and_then(Value::as_str).ok_or("no `newName`")?;
            return rename(ws, analysis, &here, new_name);
        }
        _ => Value::Null,
    })
}

/// Rename a rule or a term (element, form, obligation, condition) everywhere it is
/// written. Values, topics and jurisdictions are the vocabulary's public identifiers
/// (README, "Patterns"; `diff` fails on a renamed one): they are not renamed from here.
fn rename(ws: &Workspace, analysis: &Analysis, here: &At, new_name: &str) -> Result<Value, String> {
    let Some((_, decls)) = here.offset.and_then(|o| analysis.index.at(&here.file, o)) else { return Ok(Value::Null) };
    let Some(first) = decls.first() else { return Ok(Value::Null) };
    let renamable =
        |k: &Kind| matches!(k, Kind::Rule | Kind::Element | Kind::Form | Kind::Obligation | Kind::Condition);
    if !decls.iter().all(|d| renamable(&d.kind)) {
        return Err(format!("`{}` is a {}: only rules and terms are renamed", first.name, first.kind.word()));
    }
    let well_formed = new_name.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && new_name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || (c == '.' && first.kind == Kind::Rule))
        && !new_name.ends_with('.');
    if !well_formed {
        return Err(format!("`{new_name}` is not a {} id", first.kind.word()));
    }
    if analysis.index.decls.contains_key(new_name) {
        return Err(format!("`{new_name}` is already declared"));
    }
    let mut changes: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for (file, span) in analysis.index.references(&first.name) {
        let Some(doc) = analysis.doc(file) else { continue };
        changes
            .entry(crate::path_to_uri(&ws.path(file)))
            .or_default()
            .push(json!({"range": doc.range(span), "newText": new_name}));
    }
    Ok(json!({"changes": changes}))
}

/// The code action on a rule: a `test` asking the rule's question (the first value it
/// names on each axis) of the file's jurisdiction, expecting the answer the tree gives now
/// — what `decide` says, turned into a test that keeps it.
fn test_from_answer(ws: &Workspace, analysis: &Analysis, file: &str, offset: usize) -> Option<Value> {
    let c = &analysis.compilation;
    if c.has_errors() {
        return None;
    }
    let doc = analysis.doc(file)?;
    let rule = ws.parsed.tree(file)?.items.iter().find_map(|item| match item {
        Item::Rule(r) if r.span.start <= offset && offset <= r.span.end => Some(r),
        _ => None,
    })?;
    let layer = c.model.layers.iter().find(|l| l.file == file)?;
    let value = |axis: &str| -> Option<String> {
        let pattern = rule.fields.iter().find_map(|f| match f {
            ast::RuleField::Pattern(p) if p.axis.text == axis => Some(p),
            _ => None,
        });
        match pattern.map(|p| &p.values) {
            Some(ast::PatternValues::Listed(names)) => names.first().map(|n| n.text.clone()),
            Some(ast::PatternValues::Any { except }) => analysis
                .index
                .of_kind(|k| matches!(k, Kind::Value(a) if a == axis))
                .into_iter()
                .map(|d| d.name.clone())
                .find(|v| except.iter().all(|e| e.text != *v)),
            None => None,
        }
    };
    let mut q = Question::new(&value("category")?, &value("purpose")?, &value("recipient")?);
    let mut lines = vec![
        format!("  category {}", q.categories.join(", ")),
        format!("  purpose {}", q.purpose),
        format!("  recipient {}", q.recipient),
    ];
    if let Some(subject) = value("subject") {
        lines.push(format!("  subject {subject}"));
        q.subject = subject;
    }
    if let Some(holder) = value("holder") {
        lines.push(format!("  holder {holder}"));
        q.holder = holder;
    }
    let policy = c.loaded(&layer.id)?;
    let decision = policy.decide(&q).ok()?;
    lines.push(format!("  expect level {}", decision.level.as_str()));
    if decision.provenance.iter().any(|p| p.rule == rule.id.text) {
        lines.push(format!("  expect decided_by {}", rule.id.text));
    }
    let title = rule.title.value.replace(['"', '\\'], "'");
    let text = format!("\n\ntest \"{title}\" {{\n{}\n}}", lines.join("\n"));
    let at = doc.position(rule.span.end);
    let uri = crate::path_to_uri(&ws.path(file));
    Some(json!([{
        "title": format!("Add a test of `{}` expecting today's answer ({})", rule.id.text, decision.level.as_str()),
        "kind": "refactor",
        "edit": {"changes": {uri: [{"range": {"start": at, "end": at}, "newText": text}]}},
    }]))
}

/// After each `expect level` that the test's actual answer contradicts, the actual level.
fn hints(ws: &Workspace, analysis: &Analysis, file: &str) -> Value {
    let (Some(doc), Some(ast)) = (analysis.doc(file), ws.parsed.tree(file)) else { return json!([]) };
    let outcomes = run_tests(analysis, file);
    let mut out = Vec::new();
    for item in &ast.items {
        let Item::Test(t) = item else { continue };
        let line = doc.lines.line_of(t.span.start) + 1;
        let Some(actual) = outcomes.iter().find(|o| o.line == line).and_then(|o| o.decision.as_ref()) else {
            continue;
        };
        for e in &t.expectations {
            if let Expectation::Level(expected) = &e.value
                && *expected != actual.level
            {
                out.push(json!({
                    "position": doc.position(e.span.end),
                    "label": format!("actual {}", actual.level.as_str()),
                    "paddingLeft": true,
                }));
            }
        }
    }
    Value::Array(out)
}

/// One fold per declaration, test or assertion that spans more than one line.
fn folding(ws: &Workspace, analysis: &Analysis, file: &str) -> Value {
    let (Some(doc), Some(ast)) = (analysis.doc(file), ws.parsed.tree(file)) else { return json!([]) };
    let out: Vec<Value> = ast
        .items
        .iter()
        .filter_map(|item| {
            let span = item.span();
            let (start, end) = (doc.position(span.start).line, doc.position(span.end).line);
            (end > start).then(|| json!({"startLine": start, "endLine": end}))
        })
        .collect();
    Value::Array(out)
}

fn location(ws: &Workspace, analysis: &Analysis, file: &str, span: Span) -> Option<Value> {
    let doc = analysis.doc(file)?;
    Some(json!({"uri": crate::path_to_uri(&ws.path(file)), "range": doc.range(span)}))
}

fn hover(analysis: &Analysis, here: &At) -> Option<Value> {
    let (span, decls) = analysis.index.at(&here.file, here.offset?)?;
    let mut parts: Vec<String> = Vec::new();
    for d in decls {
        let mut text = d.hover.clone();
        if d.kind == Kind::Jurisdiction {
            text.push_str(&chain_text(analysis, &d.name));
        }
        if d.kind == Kind::Rule {
            text.push_str(&decides_text(analysis, &d.name));
        }
        text.push_str(&format!("\n\n*declared in `{}`*", d.file));
        parts.push(text);
    }
    Some(json!({
        "contents": {"kind": "markdown", "value": parts.join("\n\n---\n\n")},
        "range": here.doc.range(span),
    }))
}

/// A jurisdiction's chain, federal first, as `decide` answers through it.
fn chain_text(analysis: &Analysis, id: &str) -> String {
    let model = &analysis.compilation.model;
    let Some(layer) = model.layer(id) else { return String::new() };
    let ids: Vec<String> =
        model.chain(layer).iter().rev().filter_map(|l| model.layers.get(*l)).map(|l| format!("`{}`", l.id)).collect();
    let rules = model.layers.get(layer).map_or(0, |l| l.rules.len());
    format!("\n\nchain: {} ({rules} rules in this layer)", ids.join(" → "))
}

/// The chains in which a rule decides some answer as of the compile's date: those whose
/// provenance names it somewhere.
fn decides_text(analysis: &Analysis, id: &str) -> String {
    let c = &analysis.compilation;
    let Some(rule) = c.model.rules.iter().position(|r| r.id == id) else { return String::new() };
    let chains: Vec<String> = c
        .chains
        .iter()
        .filter(|chain| chain.provenance.iter().flatten().any(|inv| inv.rule == rule))
        .filter_map(|chain| chain.chain.last().and_then(|l| c.model.layers.get(*l)))
        .map(|l| format!("`{}`", l.id))
        .collect();
    match chains.len() {
        0 => format!("\n\ndecides no answer as of {}", c.as_of),
        n if n > 12 => format!("\n\ndecides answers in {n} chains as of {}", c.as_of),
        _ => format!("\n\ndecides answers in {} as of {}", chains.join(", "), c.as_of),
    }
}

fn definition(ws: &Workspace, analysis: &Analysis, here: &At) -> Option<Value> {
    let (_, decls) = analysis.index.at(&here.file, here.offset?)?;
    let out: Vec<Value> = decls.iter().filter_map(|d| location(ws, analysis, &d.file, d.name_span)).collect();
    Some(Value::Array(out))
}

fn references(ws: &Workspace, analysis: &Analysis, here: &At, declaration: bool) -> Option<Value> {
    let (_, decls) = analysis.index.at(&here.file, here.offset?)?;
    let first = decls.first()?;
    let is_decl = |file: &str, span: Span| decls.iter().any(|d| d.file == file && d.name_span == span);
    let out: Vec<Value> = analysis
        .index
        .references(&first.name)
        .into_iter()
        .filter(|(file, span)| declaration || !is_decl(file, *span))
        .filter_map(|(file, span)| location(ws, analysis, file, span))
        .collect();
    Some(Value::Array(out))
}

/// What may follow the words already on the line: values after an axis name, rule ids
/// after `excepts` and `decided_by`, terms after the fields that take them, closed words
/// after the fields that take those, keywords elsewhere.
fn completion(analysis: &Analysis, here: &At) -> Option<Value> {
    let offset = here.offset?;
    let line = here.doc.lines.line_of(offset);
    let start = here.doc.lines.line_start(line)?;
    let before = here.doc.text.get(start..offset)?;
    let typed: Vec<&str> = words(before).iter().filter_map(|w| before.get(w.start..w.end)).collect();
    // The word being typed does not choose what completes it.
    let done = if before.ends_with(|c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-' | ':')) {
        typed.len().saturating_sub(1)
    } else {
        typed.len()
    };
    let typed = typed.get(..done).unwrap_or_default();
    let field = match typed {
        ["expect", f, ..] | ["require", f, ..] => Some(*f),
        [f, ..] => Some(*f),
        [] => None,
    };
    let last = typed.last().copied();
    let index = &analysis.index;
    let decls = |kind: fn(&Kind) -> bool, item: u32| -> Vec<Value> {
        index.of_kind(kind).into_iter().map(|d| decl_item(d, item)).collect()
    };
    let closed = |words: Vec<&'static str>| -> Vec<Value> {
        words.into_iter().map(|w| json!({"label": w, "kind": 14})).collect()
    };
    let axes: Vec<&str> = index.of_kind(|k| *k == Kind::Axis).iter().map(|d| d.name.as_str()).collect();
    let items: Vec<Value> = match (field, last) {
        (None, _) => keyword_items(),
        (Some(_), Some("under")) if field != Some("value") => decls(|k| *k == Kind::Jurisdiction, 9),
        (Some("value"), Some("under")) => decls(|k| matches!(k, Kind::Value(_)), 20),
        (Some("excepts" | "decided_by"), _) => decls(|k| *k == Kind::Rule, 3),
        (Some("jurisdiction"), _) => decls(|k| *k == Kind::Jurisdiction, 9),
        (Some("elements"), _) => decls(|k| *k == Kind::Element, 21),
        (Some("form"), _) => decls(|k| *k == Kind::Form, 21),
        (Some("obligations"), _) => decls(|k| *k == Kind::Obligation, 21),
        (Some("permission" | "way"), _) => {
            let mut all = closed(Basis::TABLE.iter().map(|(w, _)| *w).collect());
            all.extend(closed(vec!["or", "and", "if", "prohibited"]));
            all.extend(decls(|k| *k == Kind::Condition, 21));
            all
        }
        (Some("withdraws" | "bases" | "basis"), _) => closed(Basis::TABLE.iter().map(|(w, _)| *w).collect()),
        (Some("level"), _) => closed(Level::TABLE.iter().map(|(w, _)| *w).collect()),
        (Some("confidence"), _) => closed(Confidence::TABLE.iter().map(|(w, _)| *w).collect()),
        (Some("defers"), _) => closed(Dimension::TABLE.iter().map(|(w, _)| *w).collect()),
        (Some("deadline"), _) => {
            let mut all = closed(DayUnit::TABLE.iter().map(|(w, _)| *w).collect());
            all.extend(closed(vec!["for"]));
            all.extend(closed(stringent_policy::Action::TABLE.iter().map(|(w, _)| *w).collect()));
            all
        }
        (Some(axis), _) if axes.contains(&axis) => {
            let axis = axis.to_owned();
            let mut all: Vec<Value> = index
                .of_kind(|k| matches!(k, Kind::Value(a) if *a == axis))
                .into_iter()
                .map(|d| decl_item(d, 20))
                .collect();
            all.extend(closed(vec!["any", "except"]));
            all
        }
        _ => keyword_items(),
    };
    Some(json!({"isIncomplete": false, "items": items}))
}

fn keyword_items() -> Vec<Value> {
    keywords().into_iter().map(|k| json!({"label": k, "kind": 14})).collect()
}

fn decl_item(d: &Decl, kind: u32) -> Value {
    let detail = match &d.kind {
        Kind::Value(axis) => format!("{axis}: {}", d.title),
        _ => d.title.clone(),
    };
    json!({
        "label": d.name,
        "kind": kind,
        "detail": detail,
        "documentation": {"kind": "markdown", "value": d.hover},
    })
}

/// The layout `stringent fmt` writes, as one edit of the whole document; none when the
/// file is already formatted or does not parse (its diagnostics say why).
fn formatting(doc: &Doc) -> Value {
    match stringent_fmt::format(&doc.text) {
        Ok(formatted) if formatted != doc.text => json!([{"range": doc.whole(), "newText": formatted}]),
        _ => json!([]),
    }
}

fn symbols(ws: &Workspace, analysis: &Analysis, file: &str) -> Value {
    let (Some(doc), Some(ast)) = (analysis.doc(file), ws.parsed.tree(file)) else { return json!([]) };
    let symbol = |name: &str, detail: &str, kind: u32, span: Span, name_span: Span, children: Vec<Value>| {
        json!({
            "name": if name.is_empty() { "(unnamed)" } else { name },
            "detail": detail,
            "kind": kind,
            "range": doc.range(span),
            "selectionRange": doc.range(name_span),
            "children": children,
        })
    };
    let out: Vec<Value> = ast
        .items
        .iter()
        .map(|item| match item {
            Item::Jurisdiction(j) => symbol(&j.id.text, &j.title.value, 3, j.span, j.id.span, vec![]),
            Item::Axis(a) => {
                let values = a
                    .values
                    .iter()
                    .map(|v| symbol(&v.name.text, &v.title.value, 22, v.span, v.name.span, vec![]))
                    .collect();
                symbol(&a.name.text, &a.title.value, 10, a.span, a.name.span, values)
            }
            Item::Element(t) | Item::Form(t) | Item::Condition(t) => {
                symbol(&t.name.text, &t.title.value, 14, t.span, t.name.span, vec![])
            }
            Item::Obligation(o) => symbol(&o.name.text, &o.title.value, 14, o.span, o.name.span, vec![]),
            Item::Topic(t) => symbol(&t.name.text, &t.title.value, 23, t.span, t.name.span, vec![]),
            Item::Rule(r) => symbol(&r.id.text, &r.title.value, 12, r.span, r.id.span, vec![]),
            Item::Test(t) => symbol(&t.title.value, "test", 6, t.span, t.title.span, vec![]),
            Item::Assert(a) => symbol(&a.title.value, "assert", 6, a.span, a.title.span, vec![]),
            Item::Silent(s) => symbol(&s.topic.text, "silent", 20, s.span, s.topic.span, vec![]),
        })
        .collect();
    Value::Array(out)
}

/// The tests written in one file, run against the tree as it stands.
fn run_tests(analysis: &Analysis, file: &str) -> Vec<Outcome> {
    if analysis.compilation.has_errors() {
        // As `stringent test`: answers from a tree with errors are not shown as results.
        return Vec::new();
    }
    let targets = Targets { roots: Vec::new(), only: Some(vec![file.to_owned()]) };
    testing::run_selected(&analysis.compilation, &targets, None).outcomes
}

/// One lens a test: its result, with the actual answer, and the command that runs it again.
fn lenses(ws: &Workspace, analysis: &Analysis, file: &str) -> Value {
    let (Some(doc), Some(ast)) = (analysis.doc(file), ws.parsed.tree(file)) else { return json!([]) };
    let outcomes = run_tests(analysis, file);
    let uri = crate::path_to_uri(&ws.path(file));
    let out: Vec<Value> = ast
        .items
        .iter()
        .filter_map(|item| match item {
            Item::Test(t) => Some(t),
            _ => None,
        })
        .map(|t| {
            let line = doc.lines.line_of(t.span.start) + 1;
            let outcome = outcomes.iter().find(|o| o.line == line);
            let title = match outcome {
                None if analysis.compilation.has_errors() => "▷ run test (the tree has errors)".to_owned(),
                None => "▷ run test (cannot be asked: see diagnostics)".to_owned(),
                Some(o) => summary(o),
            };
            json!({
                "range": doc.range(t.title.span),
                "command": {"title": title, "command": RUN_TEST, "arguments": [uri, line]},
            })
        })
        .collect();
    Value::Array(out)
}

/// A test's result in one line: passed or failed, and the actual level.
fn summary(o: &Outcome) -> String {
    let actual = o.decision.as_ref().map_or("no answer".to_owned(), |d| d.level.as_str().to_owned());
    match o.failures.first() {
        None => format!("✓ passed: {actual}"),
        Some(f) => format!("✗ failed: {f} (actual {actual})"),
    }
}

/// `stringent.runTest URI LINE`: run the test that starts on that line and say how it went.
fn execute(ws: &Workspace, analysis: &Analysis, params: &Value) -> Result<Value, String> {
    let command = params.get("command").and_then(Value::as_str).ok_or("no `command`")?;
    if command != RUN_TEST {
        return Err(format!("unknown command `{command}`"));
    }
    let args = params.get("arguments").and_then(Value::as_array).ok_or("no `arguments`")?;
    let uri = args.first().and_then(Value::as_str).ok_or("the first argument is the file's URI")?;
    let line = args.get(1).and_then(Value::as_u64).ok_or("the second argument is the test's line")?;
    let Some(file) = crate::uri_to_path(uri).and_then(|p| ws.relative(&p)) else { return Ok(Value::Null) };
    let Some(o) = run_tests(analysis, &file).into_iter().find(|o| u64::try_from(o.line).ok() == Some(line)) else {
        return Ok(Value::Null);
    };
    Ok(json!({
        "title": o.title,
        "passed": o.passed(),
        "failures": o.failures,
        "summary": summary(&o),
        "actual": o.decision,
    }))
}

/// Every diagnostic of the tree, as the protocol publishes them, by file. A diagnostic
/// has the code, message and help `stringent check` prints, and its span as a range; one
/// that names no file stands at the start of each open document.
pub fn diagnostics(ws: &Workspace, analysis: &Analysis) -> BTreeMap<String, Value> {
    let mut by_file: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for d in &analysis.compilation.diagnostics {
        match &d.primary {
            Some(at) => {
                let Some(doc) = analysis.doc(&at.file) else { continue };
                by_file.entry(at.file.clone()).or_default().push(convert(
                    ws,
                    analysis,
                    doc,
                    d,
                    at.span,
                    at.label.as_deref(),
                ));
            }
            // A problem of the tree rather than of a file (no federal layer): shown at the
            // top of every open document, so it is seen wherever the author is.
            None => {
                for file in ws.open_files() {
                    let Some(doc) = analysis.doc(file) else { continue };
                    by_file.entry(file.clone()).or_default().push(convert(ws, analysis, doc, d, Span::new(0, 0), None));
                }
            }
        }
    }
    by_file.into_iter().map(|(k, v)| (k, Value::Array(v))).collect()
}

fn convert(ws: &Workspace, analysis: &Analysis, doc: &Doc, d: &Diagnostic, span: Span, label: Option<&str>) -> Value {
    let mut message = d.message.clone();
    if let Some(label) = label {
        message.push_str(&format!("\n{label}"));
    }
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let related: Vec<Value> = d
        .related
        .iter()
        .filter_map(|r| {
            let loc = location(ws, analysis, &r.file, r.span)?;
            Some(json!({"location": loc, "message": r.label.clone().unwrap_or_else(|| "related".into())}))
        })
        .collect();
    json!({
        "range": doc.range(span),
        "severity": match d.severity { Severity::Error => 1, Severity::Warning => 2 },
        "code": d.code.as_str(),
        "source": "stringent",
        "message": message,
        "relatedInformation": related,
    })
}
