//! The canonical layout of rule files.
//!
//! One item per block, fields one per line indented by two spaces, lists joined with
//! `, `, a blank line around every block at the top level and wherever the author left
//! one (at most one). Comments stay where they were: before the node that follows them,
//! or at the end of the line they ended. Before a caller writes anything, [`format`]
//! parses its own output again and refuses if the syntax tree or the comments changed.

use stringent_syntax::ast::*;

/// Why a file was not formatted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatError {
    /// The file does not parse; nothing is formatted until it does.
    Syntax,
    /// The formatted text would mean something else: a formatter bug, never written.
    Changed(String),
}

/// Format a file's text. `Ok` holds the canonical text, whose syntax tree and comments
/// equal the input's.
pub fn format(text: &str) -> Result<String, FormatError> {
    // Warnings (a byte-order mark, a bidirectional control) do not stop formatting; the
    // canonical text has no byte-order mark.
    let (file, diags) = stringent_syntax::parse("input", text);
    if diags.iter().any(|d| d.is_error()) {
        return Err(FormatError::Syntax);
    }
    let out = print(&file, text);
    let (again, diags) = stringent_syntax::parse("formatted", &out);
    if diags.iter().any(|d| d.is_error()) {
        return Err(FormatError::Changed("the formatted text does not parse".to_owned()));
    }
    if !stringent_syntax::shape::same_shape(&again.items, &file.items) {
        return Err(FormatError::Changed("the formatted text has another syntax tree".to_owned()));
    }
    let texts = |f: &SourceFile| f.comments.iter().map(|c| c.text.trim_end().to_owned()).collect::<Vec<_>>();
    if texts(&again) != texts(&file) {
        return Err(FormatError::Changed("the formatted text lost or reordered a comment".to_owned()));
    }
    Ok(out)
}

/// Print a syntax tree in the canonical layout, placing the comments of `source`.
pub fn print(file: &SourceFile, source: &str) -> String {
    let mut p = Printer { source, comments: &file.comments, next_comment: 0, out: String::new(), last_end: 0 };
    let mut previous_block = false;
    for (i, item) in file.items.iter().enumerate() {
        let block = is_block(item);
        p.comments_before(item.span().start, 0, i > 0 && (block || previous_block));
        p.item(item);
        previous_block = block;
    }
    p.comments_before(source.len() + 1, 0, false);
    if !p.out.ends_with('\n') && !p.out.is_empty() {
        p.out.push('\n');
    }
    p.out
}

fn is_block(item: &Item) -> bool {
    match item {
        Item::Axis(_) | Item::Topic(_) | Item::Rule(_) | Item::Test(_) | Item::Assert(_) | Item::Silent(_) => true,
        Item::Obligation(o) => !o.hl7.is_empty() || !o.text.is_empty(),
        _ => false,
    }
}

struct Printer<'a> {
    source: &'a str,
    comments: &'a [Comment],
    next_comment: usize,
    out: String,
    /// Where in the source the last printed node or comment ended.
    last_end: usize,
}

impl Printer<'_> {
    /// Whether the source has a blank line between the last printed thing and `at`.
    fn blank_before(&self, at: usize) -> bool {
        self.source.get(self.last_end.min(at)..at).is_some_and(|gap| gap.matches('\n').count() >= 2)
    }

    fn separate(&mut self, at: usize, force_blank: bool) {
        if self.out.is_empty() {
            return;
        }
        if !self.out.ends_with('\n') {
            self.out.push('\n');
        }
        if (force_blank || self.blank_before(at)) && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    /// Print the comments that stand before `at`: on the line the last node ended, as a
    /// trailing comment; otherwise on lines of their own at `indent`.
    fn comments_before(&mut self, at: usize, indent: usize, force_blank: bool) {
        // A forced blank line goes before the first thing on a line of its own.
        let mut force = force_blank;
        while let Some(c) = self.comments.get(self.next_comment) {
            if c.span.start >= at {
                break;
            }
            self.next_comment += 1;
            let same_line = !self.out.is_empty()
                && self.source.get(self.last_end.min(c.span.start)..c.span.start).is_some_and(|g| !g.contains('\n'));
            if same_line {
                self.out.push_str(&format!(" //{}", c.text.trim_end()));
            } else {
                self.separate(c.span.start, force);
                force = false;
                self.out.push_str(&format!("{}//{}", "  ".repeat(indent), c.text.trim_end()));
            }
            self.last_end = c.span.end;
        }
        self.separate(at, force);
    }

    /// Print one line at `indent` for a node that spans `span`.
    fn line(&mut self, indent: usize, span: Span, text: &str) {
        self.comments_before(span.start, indent, false);
        self.out.push_str(&"  ".repeat(indent));
        self.out.push_str(text);
        self.last_end = self.last_end.max(span.end);
    }

    fn open(&mut self, span: Span, head: &str) {
        self.out.push_str(head);
        self.out.push_str(" {");
        self.last_end = span.start + 1;
    }

    fn close(&mut self, span: Span) {
        self.comments_before(span.end.saturating_sub(1), 1, false);
        self.out.push('}');
        self.last_end = span.end;
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Jurisdiction(j) => {
                let mut s = format!("jurisdiction {} {}", j.id.text, quote(&j.title.value));
                if let Some(p) = &j.parent {
                    s.push_str(&format!(" under {}", p.text));
                }
                if let Some(d) = &j.history_from {
                    s.push_str(&format!(" history from {}", d.value));
                }
                self.out.push_str(&s);
                self.last_end = j.span.end;
            }
            Item::Axis(a) => {
                self.open(a.span, &format!("axis {} {}", a.name.text, quote(&a.title.value)));
                for v in &a.values {
                    let mut s = format!("value {} {}", v.name.text, quote(&v.title.value));
                    for p in &v.parents {
                        s.push_str(&format!(" under {}", p.text));
                    }
                    if !v.hl7.is_empty() {
                        s.push_str(&format!(" hl7 {}", quotes(&v.hl7)));
                    }
                    self.line(1, v.span, &s);
                }
                self.close(a.span);
            }
            Item::Element(t) | Item::Form(t) | Item::Condition(t) => {
                let kw = match item {
                    Item::Element(_) => "element",
                    Item::Form(_) => "form",
                    _ => "condition",
                };
                self.out.push_str(&format!("{kw} {} {}", t.name.text, quote(&t.title.value)));
                self.last_end = t.span.end;
            }
            Item::Obligation(o) => {
                let head = format!("obligation {} {}", o.name.text, quote(&o.title.value));
                if o.hl7.is_empty() && o.text.is_empty() {
                    self.out.push_str(&head);
                    self.last_end = o.span.end;
                    return;
                }
                self.open(o.span, &head);
                if let Some(first) = o.hl7.first() {
                    self.line(1, first.span, &format!("hl7 {}", quotes(&o.hl7)));
                }
                for t in &o.text {
                    self.line(1, t.span, &format!("text {}", quote(&t.value)));
                }
                self.close(o.span);
            }
            Item::Topic(t) => {
                self.open(t.span, &format!("topic {} {}", t.name.text, quote(&t.title.value)));
                for p in &t.values {
                    self.line(1, p.span, &pattern(p));
                }
                self.close(t.span);
            }
            Item::Rule(r) => {
                self.open(r.span, &format!("rule {} {}", r.id.text, quote(&r.title.value)));
                for f in &r.fields {
                    let (span, text) = field(f);
                    self.line(1, span, &text);
                }
                self.close(r.span);
            }
            Item::Test(t) => {
                self.open(t.span, &format!("test {}", quote(&t.title.value)));
                if let Some(first) = t.jurisdictions.first() {
                    let ids: Vec<&str> = t.jurisdictions.iter().map(|j| j.text.as_str()).collect();
                    self.line(1, first.span, &format!("jurisdiction {}", ids.join(" + ")));
                }
                if let Some(d) = &t.as_of {
                    self.line(1, d.span, &format!("as_of {}", d.value));
                }
                for p in &t.axes {
                    self.line(1, p.span, &pattern(p));
                }
                for e in &t.expectations {
                    self.line(1, e.span, &format!("expect {}", expectation(&e.value)));
                }
                self.close(t.span);
            }
            Item::Assert(a) => {
                self.open(a.span, &format!("assert {}", quote(&a.title.value)));
                if let Some(j) = &a.jurisdictions {
                    let text = match &j.value {
                        Chains::All { except } if except.is_empty() => "jurisdiction all".to_owned(),
                        Chains::All { except } => format!("jurisdiction all except {}", names(except)),
                        Chains::Listed(l) => format!("jurisdiction {}", names(l)),
                    };
                    self.line(1, j.span, &text);
                }
                if let Some(d) = &a.dates {
                    let text = match &d.value {
                        Dates::Changes => "dates changes".to_owned(),
                        Dates::Range { from, to: None } => format!("dates from {}", from.value),
                        Dates::Range { from, to: Some(to) } => format!("dates from {} to {}", from.value, to.value),
                    };
                    self.line(1, d.span, &text);
                }
                for p in &a.axes {
                    self.line(1, p.span, &pattern(p));
                }
                for b in &a.requirements {
                    self.line(1, b.span, &format!("require {}", b.value));
                }
                self.close(a.span);
            }
            Item::Silent(s) => {
                self.open(s.span, &format!("silent {} {}", s.topic.text, quote(&s.note.value)));
                for c in &s.citations {
                    self.line(1, c.span, &format!("cite {}", quote(&c.value)));
                }
                for c in &s.searched {
                    self.line(1, c.span, &format!("searched {}", quote(&c.value)));
                }
                if let Some(c) = &s.confidence {
                    self.line(1, c.span, &format!("confidence {}", c.value.keyword()));
                }
                self.close(s.span);
            }
        }
    }
}

fn field(f: &RuleField) -> (Span, String) {
    match f {
        RuleField::Cite(t) => (t.span, format!("cite {}", quote(&t.value))),
        RuleField::Source(t) => (t.span, format!("source {}", quote(&t.value))),
        RuleField::Justification(t) => (t.span, format!("justification {}", quote(&t.value))),
        RuleField::Confidence(c) => (c.span, format!("confidence {}", c.value.keyword())),
        RuleField::Effective(d) => (d.span, format!("effective {}", d.value)),
        RuleField::Expires(d) => (d.span, format!("expires {}", d.value)),
        RuleField::Pattern(p) => (p.span, pattern(p)),
        RuleField::Permission(p) if p.value.ways.is_empty() => {
            let mut text = "permission prohibited".to_owned();
            if !p.value.prohibited_if.is_empty() {
                text.push_str(&format!(" if {}", joined(&p.value.prohibited_if, " and ")));
            }
            (p.span, text)
        }
        RuleField::Permission(p) => {
            let ways: Vec<String> = p.value.ways.iter().map(way).collect();
            (p.span, format!("permission {}", ways.join(" or ")))
        }
        RuleField::Withdraws(l) => {
            let bases: Vec<&str> = l.value.iter().map(|b| b.keyword()).collect();
            (l.span, format!("withdraws {}", bases.join(", ")))
        }
        RuleField::Mandatory(s) => (*s, "mandatory".to_owned()),
        RuleField::Deadline(d) => (d.span, deadline(d.days.value, d.unit, d.action)),
        RuleField::Elements(l) => (l.span, format!("elements {}", names(&l.value))),
        RuleField::Form(l) => (l.span, format!("form {}", names(&l.value))),
        RuleField::Obligations(l) => (l.span, format!("obligations {}", names(&l.value))),
        RuleField::MaxValidity(d) => (d.span, format!("max_validity {} days", d.value)),
        RuleField::Excepts(l) => (l.span, format!("excepts {}", names(&l.value))),
        RuleField::Defers(l) => {
            let dims: Vec<&str> = l.value.iter().map(|d| d.keyword()).collect();
            (l.span, format!("defers {}", dims.join(", ")))
        }
    }
}

/// `authorization and court_order if imminent_threat`
fn way(w: &WayWords) -> String {
    let bases: Vec<&str> = w.bases.iter().map(|b| b.keyword()).collect();
    let mut text = bases.join(" and ");
    if !w.conditions.is_empty() {
        text.push_str(&format!(" if {}", joined(&w.conditions, " and ")));
    }
    text
}

fn joined(v: &[Name], separator: &str) -> String {
    v.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(separator)
}

fn pattern(p: &Pattern) -> String {
    match &p.values {
        PatternValues::Any { except } if except.is_empty() => format!("{} any", p.axis.text),
        PatternValues::Any { except } => format!("{} any except {}", p.axis.text, names(except)),
        PatternValues::Listed(v) => format!("{} {}", p.axis.text, names(v)),
    }
}

fn expectation(e: &Expectation) -> String {
    match e {
        Expectation::Level(l) => format!("level {}", l.keyword()),
        Expectation::Mandatory(true) => "mandatory".to_owned(),
        Expectation::Mandatory(false) => "not mandatory".to_owned(),
        Expectation::Deadline { days, unit, action } => deadline(*days, *unit, *action),
        Expectation::Bases(b) => format!("bases {}", b.iter().map(|x| x.keyword()).collect::<Vec<_>>().join(", ")),
        Expectation::NotBasis(b) => format!("not basis {}", b.keyword()),
        Expectation::Way(w) => format!("way {}", way(w)),
        Expectation::Obligations(n) => format!("obligations {}", names(n)),
        Expectation::Elements(n) => format!("elements {}", names(n)),
        Expectation::Form(n) => format!("form {}", names(n)),
        Expectation::MaxValidity(d) => format!("max_validity {d} days"),
        Expectation::DecidedBy(r) => format!("decided_by {}", r.text),
    }
}

fn deadline(days: u32, unit: DayUnit, action: Action) -> String {
    match action {
        Action::Any => format!("deadline {days} {}", unit.keyword()),
        _ => format!("deadline {days} {} for {}", unit.keyword(), action.keyword()),
    }
}

fn names(v: &[Name]) -> String {
    v.iter().map(|n| n.text.as_str()).collect::<Vec<_>>().join(", ")
}

fn quotes(v: &[Text]) -> String {
    v.iter().map(|t| quote(&t.value)).collect::<Vec<_>>().join(", ")
}

/// A string literal for `value`, escaping what the grammar requires.
fn quote(value: &str) -> String {
    let mut s = String::with_capacity(value.len() + 2);
    s.push('"');
    for c in value.chars() {
        match c {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\t' => s.push_str("\\t"),
            c => s.push(c),
        }
    }
    s.push('"');
    s
}
