//! What a rules tree declares, where, and what to say about it.
//!
//! Declarations come from each file's syntax tree (the parser the compiler uses), so a
//! hover shows the declaration as written. Uses are found lexically ([`crate::text::words`]):
//! every word outside comments and strings that names a declaration is a reference, which
//! keeps navigation working in a file that does not parse yet.

use crate::text::{Doc, words};
use std::collections::{BTreeMap, HashMap};
use stringent_compiler::ParseCache;
use stringent_diagnostics::Span;
use stringent_policy::words::Word;
use stringent_syntax::ast::{self, Item, RuleField, SourceFile};

/// What kind of thing a name declares.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    Jurisdiction,
    Axis,
    /// A value, with the axis it belongs to.
    Value(String),
    Element,
    Form,
    Obligation,
    Condition,
    Topic,
    Rule,
}

impl Kind {
    pub fn word(&self) -> &str {
        match self {
            Kind::Jurisdiction => "jurisdiction",
            Kind::Axis => "axis",
            Kind::Value(_) => "value",
            Kind::Element => "element",
            Kind::Form => "form",
            Kind::Obligation => "obligation",
            Kind::Condition => "condition",
            Kind::Topic => "topic",
            Kind::Rule => "rule",
        }
    }
}

/// One declaration.
#[derive(Debug, Clone)]
pub struct Decl {
    pub name: String,
    pub kind: Kind,
    /// The file, relative to the rules root.
    pub file: String,
    /// Where the name is written in its declaration.
    pub name_span: Span,
    /// The declaration's title.
    pub title: String,
    /// Hover text, Markdown.
    pub hover: String,
}

/// A file of the tree as last compiled.
pub struct FileData {
    pub doc: Doc,
}

/// Every file and declaration of one version of the tree.
#[derive(Default)]
pub struct Index {
    pub files: BTreeMap<String, FileData>,
    pub decls: HashMap<String, Vec<Decl>>,
}

fn code(s: &str) -> String {
    format!("`{}`", s.replace('`', "'"))
}

impl Index {
    /// The index of the files compiled, from the syntax trees the compile parsed.
    pub fn build(sources: &[(String, String)], trees: &ParseCache) -> Index {
        let mut index = Index::default();
        for (file, text) in sources {
            if let Some(ast) = trees.tree(file) {
                index.add(file, ast);
            }
            index.files.insert(file.clone(), FileData { doc: Doc::new(text.clone()) });
        }
        index
    }

    fn push(&mut self, file: &str, kind: Kind, name: &ast::Name, title: &str, hover: String) {
        self.decls.entry(name.text.clone()).or_default().push(Decl {
            name: name.text.clone(),
            kind,
            file: file.to_owned(),
            name_span: name.span,
            title: title.to_owned(),
            hover,
        });
    }

    fn add(&mut self, file: &str, ast: &SourceFile) {
        for item in &ast.items {
            match item {
                Item::Jurisdiction(j) => {
                    let mut hover = format!("**jurisdiction {}** — {}", code(&j.id.text), j.title.value);
                    if let Some(p) = &j.parent {
                        hover.push_str(&format!("\n\nunder {}", code(&p.text)));
                    }
                    if let Some(h) = &j.history_from {
                        hover.push_str(&format!("\n\nhistory complete from {}", h.value));
                    }
                    self.push(file, Kind::Jurisdiction, &j.id, &j.title.value, hover);
                }
                Item::Axis(a) => {
                    let values: Vec<&str> = a.values.iter().map(|v| v.name.text.as_str()).collect();
                    let hover =
                        format!("**axis {}** — {}\n\nvalues: {}", code(&a.name.text), a.title.value, values.join(", "));
                    self.push(file, Kind::Axis, &a.name, &a.title.value, hover);
                    for v in &a.values {
                        let mut hover = format!(
                            "**value {}** on axis {} — {}",
                            code(&v.name.text),
                            code(&a.name.text),
                            v.title.value
                        );
                        if !v.parents.is_empty() {
                            let parents: Vec<String> = v.parents.iter().map(|p| code(&p.text)).collect();
                            hover.push_str(&format!("\n\nunder {}", parents.join(", ")));
                        }
                        for h in &v.hl7 {
                            hover.push_str(&format!("\n\nHL7 {}", code(&h.value)));
                        }
                        self.push(file, Kind::Value(a.name.text.clone()), &v.name, &v.title.value, hover);
                    }
                }
                Item::Element(t) => self.term(file, Kind::Element, t),
                Item::Form(t) => self.term(file, Kind::Form, t),
                Item::Condition(t) => self.term(file, Kind::Condition, t),
                Item::Obligation(o) => {
                    let mut hover = format!("**obligation {}** — {}", code(&o.name.text), o.title.value);
                    for h in &o.hl7 {
                        hover.push_str(&format!("\n\nHL7 {}", code(&h.value)));
                    }
                    for t in &o.text {
                        hover.push_str(&format!("\n\n> {}", t.value));
                    }
                    self.push(file, Kind::Obligation, &o.name, &o.title.value, hover);
                }
                Item::Topic(t) => {
                    let hover = format!("**topic {}** — {}", code(&t.name.text), t.title.value);
                    self.push(file, Kind::Topic, &t.name, &t.title.value, hover);
                }
                Item::Rule(r) => {
                    let hover = rule_hover(r);
                    self.push(file, Kind::Rule, &r.id, &r.title.value, hover);
                }
                Item::Test(_) | Item::Assert(_) | Item::Silent(_) => {}
            }
        }
    }

    fn term(&mut self, file: &str, kind: Kind, t: &ast::TermDecl) {
        let hover = format!("**{} {}** — {}", kind.word(), code(&t.name.text), t.title.value);
        self.push(file, kind, &t.name, &t.title.value, hover);
    }

    /// Declarations named by the word at `offset` of `file`, with the word's span.
    pub fn at(&self, file: &str, offset: usize) -> Option<(Span, &[Decl])> {
        let data = self.files.get(file)?;
        let span = crate::text::word_at(&data.doc.text, offset)?;
        let word = data.doc.text.get(span.start..span.end)?;
        let decls = self.decls.get(word)?;
        Some((span, decls.as_slice()))
    }

    /// Every place a name is written: declarations and uses, file by file.
    pub fn references(&self, name: &str) -> Vec<(&str, Span)> {
        let mut out = Vec::new();
        for (file, data) in &self.files {
            for w in words(&data.doc.text) {
                if data.doc.text.get(w.start..w.end) == Some(name) {
                    out.push((file.as_str(), w));
                }
            }
        }
        out
    }

    /// Every declaration of a kind, sorted by name.
    pub fn of_kind(&self, wanted: impl Fn(&Kind) -> bool) -> Vec<&Decl> {
        let mut out: Vec<&Decl> = self.decls.values().flatten().filter(|d| wanted(&d.kind)).collect();
        out.sort_by(|a, b| a.name.cmp(&b.name));
        out
    }
}

/// A rule's hover: what an author checks before relying on it.
fn rule_hover(r: &ast::RuleDecl) -> String {
    let mut out = format!("**rule {}** — {}", code(&r.id.text), r.title.value);
    for f in &r.fields {
        let line = match f {
            RuleField::Cite(t) => format!("cite: {}", t.value),
            RuleField::Source(t) => format!("source: <{}>", t.value),
            RuleField::Confidence(c) => format!("confidence: {}", c.value.keyword()),
            RuleField::Effective(d) => format!("effective: {}", d.value),
            RuleField::Expires(d) => format!("expires: {}", d.value),
            RuleField::Justification(t) => format!("justification: {}", t.value),
            _ => continue,
        };
        out.push_str("\n\n");
        out.push_str(&line);
    }
    out
}
