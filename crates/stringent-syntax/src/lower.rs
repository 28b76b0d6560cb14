//! From pest's concrete tree to the typed syntax tree, collecting every error on the way.

use crate::ast::*;
use crate::{Date, Rule, StringentParser, messages};
use pest::Parser;
use pest::iterators::Pair;
use stringent_diagnostics::{Code, Diagnostic, Location, Span, bidi_name, is_control, is_invisible, nearest};

/// Bidirectional controls reported one by one in a file; past this, one more warning
/// counts the rest, so a hostile file cannot bury the report.
const MAX_BIDI_WARNINGS: usize = 100;

/// Parse one rule file. Always returns a tree (of the items that parsed) and every
/// diagnostic found; `path` is only used to label the diagnostics.
///
/// A leading UTF-8 byte-order mark is accepted with a warning (the grammar skips it, so
/// spans stay byte offsets into `text`).
pub fn parse(path: &str, text: &str) -> (SourceFile, Vec<Diagnostic>) {
    let mut lower = Lower { path, text, diags: Vec::new() };
    if text.starts_with('\u{FEFF}') {
        lower.diags.push(
            Diagnostic::new(Code::ByteOrderMark, format!("`{path}` starts with a byte-order mark"))
                .at(Location::new(path, Span::new(0, '\u{FEFF}'.len_utf8())).labelled("U+FEFF BYTE ORDER MARK"))
                .with_help("UTF-8 needs no byte-order mark and stringent ignores it; `stringent fmt` writes the file without it"),
        );
    }
    // A carriage return not followed by a line feed: a terminal returns to the start of the
    // line there and writes over what came before (`category hiv\r  purpose treatment`
    // shows only the purpose), and lines ended by one alone (classic Mac OS) make a comment
    // run to the end of the file. Said once, and nothing of the file is read.
    let lone: Vec<usize> =
        text.match_indices('\r').map(|(at, _)| at).filter(|at| text.as_bytes().get(at + 1) != Some(&b'\n')).collect();
    if let Some(&at) = lone.first() {
        let more = match lone.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more)".to_owned(),
            n => format!(" (and {n} more)"),
        };
        let help = if text.contains('\n') {
            "remove it: a terminal or a review shows the text after it over the text before it, so the file reads otherwise than stringent reads it"
        } else {
            "save the file with LF (or CRLF) line endings: stringent reads a line feed as the end of a line"
        };
        lower.diags.push(
            Diagnostic::new(
                Code::ControlCharacter,
                format!("`{path}` holds a carriage return that ends no line{more}"),
            )
            .at(Location::new(path, Span::new(at, at + 1))
                .labelled("U+000D CARRIAGE RETURN, with no line feed after it"))
            .with_help(help),
        );
        return (
            SourceFile { unread: crate::declared_names(&text.replace('\r', "\n")), ..SourceFile::default() },
            lower.diags,
        );
    }
    lower.bidi_controls(text);
    lower.invisible_characters(text);
    let file = match StringentParser::parse(Rule::file, text) {
        Ok(mut pairs) => match pairs.next() {
            Some(file) => lower.file(file, text),
            None => SourceFile::default(),
        },
        Err(err) => {
            lower.syntax_error(&err, 0);
            SourceFile { unread: crate::declared_names(text), ..SourceFile::default() }
        }
    };
    (file, lower.diags)
}

struct Lower<'a> {
    path: &'a str,
    text: &'a str,
    diags: Vec<Diagnostic>,
}

/// The span of a pair without the whitespace and comments pest consumed at its end (a
/// rule ending in an optional part that did not match has already read past them).
fn span_of(pair: &Pair<'_, Rule>) -> Span {
    let s = pair.as_span();
    let text = s.as_str();
    // Comments anywhere below: a list's optional `, more` reads past them before failing.
    let comments: Vec<(usize, usize)> = pair
        .clone()
        .into_inner()
        .flatten()
        .filter(|p| p.as_rule() == Rule::COMMENT)
        .map(|p| (p.as_span().start() - s.start(), p.as_span().end() - s.start()))
        .collect();
    let mut end = text.len();
    loop {
        let trimmed = text.get(..end).map_or(0, |t| t.trim_end().len());
        match comments.iter().find(|(_, e)| *e == trimmed) {
            Some((start, _)) => end = *start,
            None => {
                end = trimmed;
                break;
            }
        }
    }
    Span::new(s.start(), s.start() + end.max(usize::from(text.is_empty())).min(text.len()))
}

/// The meaningful children of a pair: comments and keywords are only punctuation here.
fn parts<'i>(pair: Pair<'i, Rule>) -> impl Iterator<Item = Pair<'i, Rule>> {
    pair.into_inner().filter(|p| !is_punctuation(p.as_rule()))
}

fn is_punctuation(kind: Rule) -> bool {
    use Rule::*;
    matches!(
        kind,
        COMMENT
            | kw_axis
            | kw_condition
            | kw_withdraws
            | kw_if
            | kw_and
            | kw_basis
            | kw_way
            | kw_value
            | kw_under
            | kw_history
            | kw_from
            | kw_hl7
            | kw_element
            | kw_form
            | kw_obligation
            | kw_text
            | kw_jurisdiction
            | kw_rule
            | kw_cite
            | kw_source
            | kw_confidence
            | kw_effective
            | kw_expires
            | kw_justification
            | kw_any
            | kw_permission
            | kw_or
            | kw_deadline
            | kw_for
            | kw_elements
            | kw_obligations
            | kw_max_validity
            | kw_days
            | kw_excepts
            | kw_defers
            | kw_test
            | kw_as_of
            | kw_expect
            | kw_level
            | kw_not
            | kw_bases
            | kw_decided_by
            | kw_assert
            | kw_all
            | kw_dates
            | kw_to
            | kw_require
            | kw_unless
            | kw_silent
            | kw_topic
            | kw_searched
            | open_brace
            | close_brace
            | except
    )
}

/// The Unicode name of a control character, where it has a well-known one.
fn control_name(c: char) -> &'static str {
    match c {
        '\u{07}' => " BELL",
        '\u{08}' => " BACKSPACE",
        '\u{0B}' => " LINE TABULATION",
        '\u{0C}' => " FORM FEED",
        '\u{0D}' => " CARRIAGE RETURN",
        '\u{1B}' => " ESCAPE",
        '\u{7F}' => " DELETE",
        '\u{9B}' => " CONTROL SEQUENCE INTRODUCER",
        '\u{2028}' => " LINE SEPARATOR",
        '\u{2029}' => " PARAGRAPH SEPARATOR",
        _ => "",
    }
}

impl Lower<'_> {
    /// W0005 for every bidirectional control anywhere in the file (comments, strings,
    /// names): it can make text display in another order than it is read.
    fn bidi_controls(&mut self, text: &str) {
        let mut found = text.char_indices().filter_map(|(at, c)| Some((at, c, bidi_name(c)?)));
        for (at, c, name) in found.by_ref().take(MAX_BIDI_WARNINGS) {
            let point = format!("U+{:04X} {name}", u32::from(c));
            self.diags.push(
                Diagnostic::new(Code::BidiControl, "the text contains a bidirectional control character")
                    .at(Location::new(self.path, Span::new(at, at + c.len_utf8())).labelled(point.clone()))
                    .with_help(format!(
                        "{point} changes the order in which the text around it is displayed, so the rule can \
                         read differently than it is; remove it (names and rule text never need it)"
                    )),
            );
        }
        let Some((at, c, _)) = found.next() else { return };
        let rest = 1 + found.count();
        self.diags.push(
            Diagnostic::new(
                Code::BidiControl,
                format!("{rest} more bidirectional control characters in `{}`", self.path),
            )
            .at(Location::new(self.path, Span::new(at, at + c.len_utf8())).labelled("the next one"))
            .with_help("remove them: each changes the order in which the text around it is displayed"),
        );
    }

    /// W0010 for an invisible character in a name, string or comment (a zero-width space, a
    /// soft hyphen, a tag character): text that holds one looks like other text, so a
    /// reviewer cannot see what the file says. The line and paragraph separators are E0103
    /// in strings and comments instead. One warning per file, at the first, with the count.
    fn invisible_characters(&mut self, text: &str) {
        // A byte-order mark is W0006 at the start of the file; anywhere else it is a
        // zero-width no-break space.
        let mut found = text.char_indices().filter(|(at, c)| {
            (is_invisible(*c) && !matches!(c, '\u{2028}' | '\u{2029}')) || (*c == '\u{FEFF}' && *at > 0)
        });
        let Some((at, c)) = found.next() else { return };
        let more = found.count();
        let point = format!("U+{:04X}", u32::from(c));
        let message = if more == 0 {
            "the text contains an invisible character".to_owned()
        } else {
            format!("the text contains {} invisible characters", more + 1)
        };
        self.diags.push(
            Diagnostic::new(Code::InvisibleCharacter, message)
                .at(Location::new(self.path, Span::new(at, at + c.len_utf8()))
                    .labelled(format!("{point}, shown as nothing")))
                .with_help(
                    "an invisible character makes text look like other text, so a review cannot see what the file \
                     says; remove it (stringent's output shows each as `\\u{…}`)",
                ),
        );
    }

    /// E0103 for a control character in a string or comment: a terminal may act on it (move
    /// the cursor, erase a line), so the file shown by `cat` or in a review would not be the
    /// file stringent reads. One diagnostic per string or comment, at its first such character.
    fn control_characters(&mut self, what: &str, body: &str, start: usize) {
        // A line or paragraph separator is no control character, but an editor or a review
        // page may break the line there: text after it would look like a rule while it is
        // still the comment (or the string).
        let mut found = body.char_indices().filter(|(_, c)| is_control(*c) || matches!(c, '\u{2028}' | '\u{2029}'));
        let Some((at, c)) = found.next() else { return };
        let more = found.count();
        let also = match more {
            0 => String::new(),
            1 => " (and 1 more)".to_owned(),
            n => format!(" (and {n} more)"),
        };
        let at = start + at;
        let kind = if c.is_control() { "control character" } else { "line or paragraph separator" };
        self.diags.push(
            Diagnostic::new(Code::ControlCharacter, format!("a {what} contains a {kind}{also}"))
                .at(Location::new(self.path, Span::new(at, at + c.len_utf8())).labelled(format!(
                    "U+{:04X}{}",
                    u32::from(c),
                    control_name(c)
                )))
                .with_help(format!(
                    "{}; remove it{}",
                    if c.is_control() {
                        "a control character can make a terminal show other text than the file holds"
                    } else {
                        "an editor or a review page may start a new line there, so that what follows looks like a rule while it is not"
                    },
                    if what == "string" { " (write `\\t` for a tab)" } else { "" }
                )),
        );
    }

    /// E0103 for a `\n` escape in a string (`more` others in it): titles, citations, notes
    /// and justifications are printed on one line in `decide`, `explain`, `diff` and `test`,
    /// where a line break would start a line that reads as the tool's own output (a forged
    /// `decided by` line under a real answer). One diagnostic per string, at the first.
    fn line_break_escape(&mut self, at: usize, more: usize) {
        let also = match more {
            0 => String::new(),
            1 => " (and 1 more)".to_owned(),
            n => format!(" (and {n} more)"),
        };
        self.diags.push(
            Diagnostic::new(Code::ControlCharacter, format!("a string contains a line break{also}"))
                .at(Location::new(self.path, Span::new(at, at + 2)).labelled("`\\n`"))
                .with_help(
                    "stringent prints a string on one line, and a line break would start a line that reads as its \
                     output rather than the file's text; write it on one line (a `;` or ` - ` separates parts)",
                ),
        );
    }

    fn syntax_error(&mut self, err: &pest::error::Error<Rule>, offset: usize) {
        let (span, message, help) = messages::describe(err);
        let mut span = span.shifted(offset);
        // An error at the very end points after the last text, where a label can be drawn.
        let end = self.text.trim_end().len();
        if span.start > end {
            span = Span::new(end, end);
        }
        // A non-ASCII character where a name goes is most often a look-alike of an ASCII letter.
        // Look through the rest of the word at the error: `us.а` fails at the dot.
        let word = self.text.get(span.start..).unwrap_or_default();
        let confusable = word
            .char_indices()
            .take_while(|(_, c)| !c.is_whitespace() && *c != '"')
            .take(64)
            .find(|(_, c)| !c.is_ascii());
        let confusable = confusable.map(|(at, c)| {
            span = Span::new(span.start + at, span.start + at + c.len_utf8());
            c
        });
        let label = match confusable {
            Some(c) => format!("`{c}` is not an ASCII character"),
            None => message.clone(),
        };
        let mut d = Diagnostic::new(Code::Syntax, message).at(Location::new(self.path, span).labelled(label));
        if let Some(c) = confusable {
            let looks = messages::ascii_lookalike(c).map(|a| format!(", which looks like `{a}`")).unwrap_or_default();
            d = d.with_help(format!(
                "names are written with ASCII letters, digits and `_`; this is `{c}` (U+{:04X}){looks}",
                u32::from(c)
            ));
        } else if let Some(help) = help {
            d = d.with_help(help);
        }
        self.diags.push(d);
    }

    /// The grammar guarantees every shape this module expects; should it ever not, the
    /// user gets an error at the item rather than a crash.
    fn malformed(&mut self, span: Span) {
        self.diags.push(
            Diagnostic::new(Code::Syntax, "this item could not be read")
                .at(Location::new(self.path, span))
                .with_help("please report this: the parser accepted text it cannot represent"),
        );
    }

    fn file(&mut self, pair: Pair<'_, Rule>, text: &str) -> SourceFile {
        let mut out = SourceFile::default();
        for p in pair.clone().into_inner().flatten() {
            if p.as_rule() == Rule::COMMENT {
                self.control_characters("comment", p.as_str(), p.as_span().start());
                let body = p.as_str().trim_start_matches("//");
                out.comments.push(Comment { text: body.to_owned(), span: span_of(&p) });
            }
        }
        for p in pair.into_inner() {
            let span = span_of(&p);
            let item = match p.as_rule() {
                Rule::junk => {
                    self.junk(text, span);
                    out.unread.extend(crate::declared_in_chunk(text.get(span.start..span.end).unwrap_or_default()));
                    continue;
                }
                Rule::COMMENT | Rule::EOI => continue,
                Rule::jurisdiction => self.jurisdiction(p).map(Item::Jurisdiction),
                Rule::axis => self.axis(p).map(Item::Axis),
                Rule::element_decl => self.term(p).map(Item::Element),
                Rule::form_decl => self.term(p).map(Item::Form),
                Rule::condition_decl => self.term(p).map(Item::Condition),
                Rule::topic_decl => self.topic(p).map(Item::Topic),
                Rule::obligation_decl => self.obligation(p).map(Item::Obligation),
                Rule::rule => self.rule(p).map(Item::Rule),
                Rule::test => self.test(p).map(Item::Test),
                Rule::assertion => self.assertion(p).map(Item::Assert),
                Rule::silent_decl => self.silent(p).map(Item::Silent),
                _ => None,
            };
            match item {
                Some(item) => out.items.push(item),
                None => self.malformed(span),
            }
        }
        out
    }

    /// Text that is no item: parse it again on its own to say precisely what is wrong.
    fn junk(&mut self, text: &str, span: Span) {
        let chunk = text.get(span.start..span.end).unwrap_or_default();
        match StringentParser::parse(Rule::item_only, chunk) {
            Err(err) => self.syntax_error(&err, span.start),
            Ok(_) => self.diags.push(
                Diagnostic::new(Code::Syntax, "unexpected text")
                    .at(Location::new(self.path, span).labelled("expected a declaration, a rule or a test")),
            ),
        }
    }

    /// A name as written; one past [`crate::MAX_NAME_BYTES`] is reported here, once per place
    /// it is written, and kept, so that nothing else is reported for it.
    fn name(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<Name> {
        let p = pair?;
        let span = span_of(&p);
        let text = p.as_str();
        self.too_long("name", text.len(), crate::MAX_NAME_BYTES, span.start, "every answer and page that uses it");
        Some(Name { text: text.to_owned(), span })
    }

    /// One E0400 at `start` for a `what` of `len` bytes past `max`: it would be copied into
    /// `copied_into`, multiplying the output (README.md, "Limits").
    fn too_long(&mut self, what: &str, len: usize, max: usize, start: usize, copied_into: &str) {
        if len <= max {
            return;
        }
        self.diags.push(
            Diagnostic::new(Code::LimitExceeded, format!("a {what} of {len} bytes; at most {max} are allowed"))
                .at(Location::new(self.path, Span::new(start, start + 1)).labelled(format!("this {what}")))
                .with_help(format!("a {what} is copied into {copied_into}: shorten it; see README.md, \"Limits\"")),
        );
    }

    /// A jurisdiction id, written in its one spelling: `US` and `US-NY` upper case, `org:name`
    /// lower case. Another case is one error that names the id meant; the id reads as meant,
    /// so that nothing else is reported for the same slip.
    fn jurisdiction_id(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<Name> {
        let mut name = self.name(pair)?;
        let meant = match name.text.split_once(':') {
            Some((_, org)) => format!("org:{}", org.to_ascii_lowercase()),
            None => name.text.to_ascii_uppercase(),
        };
        if meant != name.text {
            let which = if meant.starts_with("org:") {
                "organization ids are lower case"
            } else {
                "jurisdiction ids are upper case"
            };
            self.diags.push(
                Diagnostic::new(Code::Syntax, format!("jurisdiction id `{}` is not written as `{meant}`", name.text))
                    .at(Location::new(self.path, name.span).labelled("wrong case"))
                    .with_help(format!("{which}: did you mean `{meant}`?")),
            );
            name.text = meant;
        }
        Some(name)
    }

    fn names(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        parts(pair).filter_map(|p| self.name(Some(p))).collect()
    }

    fn text(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<Text> {
        let p = pair?;
        let span = span_of(&p);
        let body = p.into_inner().next();
        let raw = body.as_ref().map_or("", |b| b.as_str());
        if let Some(b) = &body {
            self.control_characters("string", raw, b.as_span().start());
            self.too_long(
                "string",
                raw.len(),
                crate::MAX_STRING_BYTES,
                span.start,
                "every artifact and page that names its rule",
            );
        }
        let mut value = String::with_capacity(raw.len());
        let mut chars = raw.char_indices();
        let mut line_breaks = Vec::new();
        while let Some((at, c)) = chars.next() {
            if c == '\\' {
                match chars.next() {
                    Some((_, 'n')) => {
                        line_breaks.push(at);
                        value.push('\n');
                    }
                    Some((_, 't')) => value.push('\t'),
                    Some((_, other)) => value.push(other),
                    None => {}
                }
            } else {
                value.push(c);
            }
        }
        if let (Some(first), Some(b)) = (line_breaks.first(), &body) {
            self.line_break_escape(b.as_span().start() + first, line_breaks.len() - 1);
        }
        Some(Text { value, span })
    }

    /// A string that must say something: a title, citation, source or note. An empty or
    /// blank one is reported (E0214) and kept, so nothing else is reported for it.
    fn required(&mut self, pair: Option<Pair<'_, Rule>>, what: &str, example: &str) -> Option<Text> {
        let t = self.text(pair)?;
        // Blank is what shows as nothing: white space and invisible characters alike (a
        // justification of one U+2800 would otherwise pass for a reason).
        if t.value.chars().all(|c| c.is_whitespace() || is_invisible(c) || c == '\u{FEFF}') {
            self.diags.push(
                Diagnostic::new(Code::EmptyText, format!("the {what} is empty"))
                    .at(Location::new(self.path, t.span).labelled(format!("an empty {what}")))
                    .with_help(format!("write the {what}, e.g. {example}")),
            );
        }
        Some(t)
    }

    fn number(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<Spanned<u32>> {
        let p = pair?;
        let span = span_of(&p);
        match p.as_str().parse::<u32>() {
            Ok(value) => Some(Spanned { value, span }),
            Err(_) => {
                self.diags.push(
                    Diagnostic::new(Code::InvalidNumber, format!("`{}` is too large", p.as_str()))
                        .at(Location::new(self.path, span).labelled("at most 4294967295")),
                );
                None
            }
        }
    }

    fn date(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<Spanned<Date>> {
        let p = pair?;
        let span = span_of(&p);
        match Date::parse(p.as_str()) {
            Some(value) => Some(Spanned { value, span }),
            // The grammar reads any digits and separators as a date, so that a date in
            // another layout is this one error and the item around it is still read.
            None if Date::is_well_formed(p.as_str()) => {
                self.diags.push(
                    Diagnostic::new(Code::InvalidDate, format!("`{}` is not a calendar date", p.as_str()))
                        .at(Location::new(self.path, span).labelled("no such day"))
                        .with_help("dates are written YYYY-MM-DD with a real month and day"),
                );
                None
            }
            None => {
                let help = match Date::parse_loose(p.as_str()) {
                    Some(d) => format!("dates are written YYYY-MM-DD: write `{d}`"),
                    None => "dates are written YYYY-MM-DD (year, month, day), e.g. 2024-04-16".to_owned(),
                };
                self.diags.push(
                    Diagnostic::new(
                        Code::InvalidDate,
                        format!("`{}` is not a date in the form YYYY-MM-DD", p.as_str()),
                    )
                    .at(Location::new(self.path, span).labelled("not YYYY-MM-DD"))
                    .with_help(help),
                );
                None
            }
        }
    }

    fn jurisdiction(&mut self, pair: Pair<'_, Rule>) -> Option<JurisdictionDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let id = self.jurisdiction_id(it.next())?;
        let title = self.required(it.next(), "jurisdiction name", "\"California\"")?;
        let mut parent = None;
        let mut history_from = None;
        for p in it {
            match p.as_rule() {
                Rule::history_from => history_from = self.date(parts(p).next()),
                _ => parent = self.jurisdiction_id(Some(p)),
            }
        }
        Some(JurisdictionDecl { id, title, parent, history_from, span })
    }

    fn axis(&mut self, pair: Pair<'_, Rule>) -> Option<AxisDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let name = self.name(it.next())?;
        let title = self.required(it.next(), "axis title", "\"Record category\"")?;
        let mut values = Vec::new();
        for v in it {
            let vspan = span_of(&v);
            let mut vit = parts(v);
            let vname = self.name(vit.next())?;
            let vtitle = self.required(vit.next(), "value title", "\"HIV/AIDS test results\"")?;
            let mut value = ValueDecl { name: vname, title: vtitle, parents: Vec::new(), hl7: Vec::new(), span: vspan };
            for prop in vit {
                match prop.as_rule() {
                    Rule::under => {
                        let parent = self.name(parts(prop).next())?;
                        value.parents.push(parent);
                    }
                    Rule::hl7 => {
                        let list = parts(prop).next()?;
                        for code in parts(list) {
                            value.hl7.extend(self.required(Some(code), "HL7 code", "\"HIV\""));
                        }
                    }
                    _ => return None,
                }
            }
            values.push(value);
        }
        Some(AxisDecl { name, title, values, span })
    }

    fn term(&mut self, pair: Pair<'_, Rule>) -> Option<TermDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let name = self.name(it.next())?;
        let title = self.required(it.next(), "title", "\"The name or class of the recipient\"")?;
        Some(TermDecl { name, title, span })
    }

    fn obligation(&mut self, pair: Pair<'_, Rule>) -> Option<ObligationDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let name = self.name(it.next())?;
        let title = self.required(it.next(), "title", "\"Notice against redisclosure\"")?;
        let mut decl = ObligationDecl { name, title, hl7: Vec::new(), text: Vec::new(), span };
        for prop in it {
            match prop.as_rule() {
                Rule::hl7 => {
                    let list = parts(prop).next()?;
                    for code in parts(list) {
                        decl.hl7.extend(self.required(Some(code), "HL7 code", "\"NORDSCLCD\""));
                    }
                }
                Rule::notice_text => {
                    let t = self.required(
                        parts(prop).next(),
                        "notice text",
                        "\"This information has been disclosed to you…\"",
                    )?;
                    decl.text.push(t);
                }
                _ => return None,
            }
        }
        Some(decl)
    }

    fn rule(&mut self, pair: Pair<'_, Rule>) -> Option<RuleDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let id = self.name(it.next())?;
        let title = self.required(it.next(), "rule title", "\"No disclosure without an authorization\"")?;
        let mut fields = Vec::new();
        let mut unreadable = Vec::new();
        for f in it {
            let kind = f.as_rule();
            match self.rule_field(f) {
                Some(field) => fields.push(field),
                None => unreadable.extend(field_keyword(kind)),
            }
        }
        Some(RuleDecl { id, title, fields, unreadable, span })
    }

    fn rule_field(&mut self, f: Pair<'_, Rule>) -> Option<RuleField> {
        let span = span_of(&f);
        let kind = f.as_rule();
        Some(match kind {
            Rule::cite => RuleField::Cite(self.required(parts(f).next(), "citation", "\"45 CFR 164.508(a)(1)\"")?),
            Rule::source => {
                RuleField::Source(self.required(parts(f).next(), "source", "\"https://www.ecfr.gov/…\"")?)
            }
            Rule::justification => RuleField::Justification(self.required(
                parts(f).next(),
                "justification",
                "\"The 2024 amendment narrows the exception\"",
            )?),
            Rule::confidence => RuleField::Confidence(Spanned { value: self.word(parts(f).next())?, span }),
            Rule::effective => RuleField::Effective(self.date(parts(f).next())?),
            Rule::expires => RuleField::Expires(self.date(parts(f).next())?),
            Rule::pattern => RuleField::Pattern(self.pattern(f)?),
            Rule::permission => {
                let mut ways = Vec::new();
                let mut prohibited_if = Vec::new();
                for p in parts(f) {
                    match p.as_rule() {
                        Rule::way => ways.push(self.way(p)),
                        Rule::conditions => prohibited_if = self.conditions(p),
                        _ => {}
                    }
                }
                // Every way is read, so that each misspelt basis is reported, before one
                // makes the field unreadable.
                let ways = ways.into_iter().collect::<Option<Vec<_>>>()?;
                RuleField::Permission(Spanned { value: PermissionWords { ways, prohibited_if }, span })
            }
            Rule::withdraws => {
                let bases = self.words(parts(f))?;
                RuleField::Withdraws(Spanned { value: bases, span })
            }
            Rule::mandatory => RuleField::Mandatory(span),
            Rule::deadline => {
                let mut it = parts(f);
                let days = self.number(it.next())?;
                let unit = self.word(it.next())?;
                let action = match it.next() {
                    Some(a) => self.word(Some(a))?,
                    None => Action::Any,
                };
                RuleField::Deadline(Deadline { days, unit, action, span })
            }
            Rule::elements | Rule::form | Rule::obligations | Rule::excepts => {
                let list = parts(f).next()?;
                let value = Spanned { value: self.names(list), span };
                match kind {
                    Rule::elements => RuleField::Elements(value),
                    Rule::form => RuleField::Form(value),
                    Rule::obligations => RuleField::Obligations(value),
                    _ => RuleField::Excepts(value),
                }
            }
            Rule::max_validity => {
                let days = self.number(parts(f).next())?;
                RuleField::MaxValidity(Spanned { value: days.value, span })
            }
            Rule::defers => {
                let value = self.words(parts(f))?;
                RuleField::Defers(Spanned { value, span })
            }
            _ => {
                self.malformed(span);
                return None;
            }
        })
    }

    fn pattern(&mut self, pair: Pair<'_, Rule>) -> Option<Pattern> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let axis = self.name(it.next())?;
        let body = it.next()?;
        let values = match body.as_rule() {
            Rule::any_pattern => {
                let except = parts(body).next().map(|l| self.names(l)).unwrap_or_default();
                PatternValues::Any { except }
            }
            _ => PatternValues::Listed(self.names(body)),
        };
        Some(Pattern { axis, values, span })
    }

    fn topic(&mut self, pair: Pair<'_, Rule>) -> Option<TopicDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let name = self.name(it.next())?;
        let title = self.required(it.next(), "topic title", "\"HIV and STI records\"")?;
        let mut values = Vec::new();
        for p in it {
            let pspan = span_of(&p);
            let mut pit = parts(p);
            let axis = self.name(pit.next())?;
            let listed = self.names(pit.next()?);
            values.push(Pattern { axis, values: PatternValues::Listed(listed), span: pspan });
        }
        Some(TopicDecl { name, title, values, span })
    }

    fn silent(&mut self, pair: Pair<'_, Rule>) -> Option<SilentDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let topic = self.name(it.next())?;
        let note = self.required(it.next(), "note", "\"No state statute on genetic information\"")?;
        let mut decl = SilentDecl { topic, note, citations: Vec::new(), searched: Vec::new(), confidence: None, span };
        let mut confidence_at: Option<Span> = None;
        for f in it {
            let fspan = span_of(&f);
            // A second confidence would decide the silence's weight unseen: a gap's
            // `unverified` read first, a `verified` below it taking the warning away.
            if f.as_rule() == Rule::confidence
                && let Some(first) = confidence_at
            {
                let owner = format!("silent {}", decl.topic.text);
                self.repeated_field(&owner, "confidence", first, fspan, "");
                continue;
            }
            match f.as_rule() {
                Rule::cite => {
                    decl.citations.push(self.required(parts(f).next(), "citation", "\"Cal. Civ. Code 56.10\"")?)
                }
                Rule::searched => {
                    decl.searched.push(self.required(parts(f).next(), "search note", "\"Cal. codes, 2024\"")?)
                }
                // A misspelt confidence is reported; the silence stays, so that its topic is
                // not also reported as missing.
                Rule::confidence => {
                    confidence_at = Some(fspan);
                    decl.confidence = self.word(parts(f).next()).map(|value| Spanned { value, span: fspan })
                }
                _ => return None,
            }
        }
        Some(decl)
    }

    fn test(&mut self, pair: Pair<'_, Rule>) -> Option<TestDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let title = self.required(it.next(), "test title", "\"HIV results to an employer need a specific release\"")?;
        let mut test = TestDecl {
            title,
            jurisdictions: Vec::new(),
            as_of: None,
            axes: Vec::new(),
            expectations: Vec::new(),
            span,
        };
        let (mut jurisdiction_at, mut as_of_at): (Option<Span>, Option<Span>) = (None, None);
        for f in it {
            let fspan = span_of(&f);
            // A second `jurisdiction` or `as_of` is one error; the first stands, so that the
            // test asks what a reader sees first.
            let repeated = match f.as_rule() {
                Rule::test_jurisdiction => jurisdiction_at.map(|first| ("jurisdiction", first)),
                Rule::test_as_of => as_of_at.map(|first| ("as_of", first)),
                _ => None,
            };
            if let Some((what, first)) = repeated {
                let owner = format!("test \"{}\"", test.title.value);
                self.repeated_field(&owner, what, first, fspan, "");
                continue;
            }
            match f.as_rule() {
                Rule::test_jurisdiction => {
                    jurisdiction_at = Some(fspan);
                    test.jurisdictions = parts(f).filter_map(|p| self.jurisdiction_id(Some(p))).collect()
                }
                Rule::test_as_of => {
                    as_of_at = Some(fspan);
                    test.as_of = self.date(parts(f).next())
                }
                Rule::pattern => test.axes.push(self.pattern(f)?),
                Rule::expect => {
                    if let Some(e) = self.expectation(f) {
                        test.expectations.push(e);
                    }
                }
                _ => return None,
            }
        }
        Some(test)
    }

    /// E0202 for a field a block states twice where only one can stand (`owner` names the
    /// block, `what` the field): the first stands and the second is skipped, so that what a
    /// reader sees first is what is checked.
    fn repeated_field(&mut self, owner: &str, what: &str, first: Span, second: Span, hint: &str) {
        let (line, _) = stringent_diagnostics::LineIndex::new(self.text).line_col(self.text, first.start);
        self.diags.push(
            Diagnostic::new(Code::DuplicateField, format!("{owner} says its {what} twice"))
                .at(Location::new(self.path, second).labelled(format!("a second {what}")))
                .with_help(format!("the first, on line {line}, stands; write one{hint}")),
        );
    }

    fn assertion(&mut self, pair: Pair<'_, Rule>) -> Option<AssertDecl> {
        let span = span_of(&pair);
        let mut it = parts(pair);
        let title =
            self.required(it.next(), "assertion title", "\"Psychotherapy notes need a specific authorization\"")?;
        let mut a = AssertDecl {
            title,
            jurisdictions: None,
            dates: None,
            axes: Vec::new(),
            requirements: Vec::new(),
            unreadable: false,
            span,
        };
        for f in it {
            let fspan = span_of(&f);
            // A second `jurisdiction`, or a second `dates` or `as_of`, is one error; the first
            // stands.
            let repeated = match f.as_rule() {
                Rule::assert_jurisdiction => a.jurisdictions.as_ref().map(|j| ("jurisdiction", j.span)),
                Rule::assert_dates | Rule::test_as_of => a.dates.as_ref().map(|d| ("dates", d.span)),
                _ => None,
            };
            if let Some((what, first)) = repeated {
                let owner = format!("assertion \"{}\"", a.title.value);
                self.repeated_field(&owner, what, first, fspan, " (`as_of D` is `dates from D to D`)");
                continue;
            }
            match f.as_rule() {
                Rule::assert_jurisdiction => {
                    let body = parts(f).next()?;
                    let value = match body.as_rule() {
                        Rule::all_jurisdictions => {
                            let except = parts(body).next().map(|l| self.jurisdiction_ids(l)).unwrap_or_default();
                            Chains::All { except }
                        }
                        _ => Chains::Listed(self.jurisdiction_ids(body)),
                    };
                    a.jurisdictions = Some(Spanned { value, span: fspan });
                }
                Rule::assert_dates => {
                    let mut d = parts(f);
                    let value = match d.next() {
                        Some(p) if p.as_rule() == Rule::changes => Some(Dates::Changes),
                        first => match self.date(first) {
                            Some(from) => match d.next() {
                                None => Some(Dates::Range { from, to: None }),
                                to => self.date(to).map(|to| Dates::Range { from, to: Some(to) }),
                            },
                            None => None,
                        },
                    };
                    match value {
                        Some(value) => a.dates = Some(Spanned { value, span: fspan }),
                        None => a.unreadable = true,
                    }
                }
                Rule::test_as_of => match self.date(parts(f).next()) {
                    Some(d) => {
                        a.dates = Some(Spanned { value: Dates::Range { from: d.clone(), to: Some(d) }, span: fspan })
                    }
                    None => a.unreadable = true,
                },
                Rule::pattern => a.axes.push(self.pattern(f)?),
                Rule::require => match self.bound(f) {
                    Some(b) => a.requirements.push(b),
                    None => a.unreadable = true,
                },
                _ => return None,
            }
        }
        Some(a)
    }

    fn jurisdiction_ids(&mut self, list: Pair<'_, Rule>) -> Vec<Name> {
        parts(list).filter_map(|p| self.jurisdiction_id(Some(p))).collect()
    }

    /// One `require` of an assertion; `None` when a word of it is misspelt (reported).
    fn bound(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Bound>> {
        let span = span_of(&pair);
        let e = parts(pair).next()?;
        let value = match e.as_rule() {
            Rule::require_mandatory => Bound::Mandatory(true),
            Rule::require_not_mandatory => Bound::Mandatory(false),
            Rule::governed => Bound::Governed,
            Rule::require_level => {
                let mut it = parts(e);
                let comparison = self.word(it.next());
                let level = self.word(it.next());
                let unless = it.next().map(|u| self.conditions(u)).unwrap_or_default();
                Bound::Level(comparison?, level?, unless)
            }
            Rule::require_not_basis => {
                let mut it = parts(e).filter(|p| p.as_rule() != Rule::kw_basis && p.as_rule() != Rule::kw_not);
                let basis = it.next().map(|b| self.basis(b));
                let unless = it.next().map(|u| self.conditions(u)).unwrap_or_default();
                Bound::NotBasis(basis??, unless)
            }
            Rule::require_deadline => {
                let mut it = parts(e);
                let comparison = self.word(it.next());
                let days = self.number(it.next());
                let unit = self.word(it.next());
                let action = match it.next() {
                    Some(a) => self.word(Some(a)),
                    None => Some(Action::Any),
                };
                Bound::Deadline { comparison: comparison?, days: days?.value, unit: unit?, action: action? }
            }
            Rule::require_condition => Bound::Condition(self.name(parts(e).next())?),
            Rule::expect_obligations => Bound::Obligations(self.names(parts(e).next()?)),
            Rule::expect_elements => Bound::Elements(self.names(parts(e).next()?)),
            Rule::expect_form => Bound::Form(self.names(parts(e).next()?)),
            Rule::require_max_validity => {
                let mut it = parts(e);
                let comparison = self.word(it.next());
                let days = self.number(it.next());
                Bound::MaxValidity(comparison?, days?.value)
            }
            _ => return None,
        };
        Some(Spanned { value, span })
    }

    /// `authorization and court_order if imminent_threat`; `None` when a basis is misspelt
    /// (each one reported).
    fn way(&mut self, pair: Pair<'_, Rule>) -> Option<WayWords> {
        let span = span_of(&pair);
        let mut bases = Vec::new();
        let mut conditions = Vec::new();
        for p in parts(pair) {
            match p.as_rule() {
                Rule::basis => bases.push(self.basis(p)),
                Rule::conditions => conditions = self.conditions(p),
                _ => {}
            }
        }
        Some(WayWords { bases: bases.into_iter().collect::<Option<_>>()?, conditions, span })
    }

    /// A basis of a way: a misspelt `prohibited` is suggested too, as it stands where a
    /// way does.
    fn basis(&mut self, pair: Pair<'_, Rule>) -> Option<Basis> {
        self.word_or(Some(pair), &["prohibited"])
    }

    /// Every closed word of a list, each misspelling reported; `None` if any was.
    fn words<'i, W: Word>(&mut self, pairs: impl Iterator<Item = Pair<'i, Rule>>) -> Option<Vec<W>> {
        let words: Vec<Option<W>> = pairs.map(|p| self.word(Some(p))).collect();
        words.into_iter().collect()
    }

    /// A closed word, read through its kind's table (`stringent_policy::words`).
    fn word<W: Word>(&mut self, pair: Option<Pair<'_, Rule>>) -> Option<W> {
        self.word_or(pair, &[])
    }

    /// A closed word; `also` are other words that may stand in its place, offered as
    /// suggestions. A misspelling is E0104 with "did you mean"; an older spelling is read,
    /// with W0008 saying that `stringent fmt` writes today's.
    fn word_or<W: Word>(&mut self, pair: Option<Pair<'_, Rule>>, also: &[&'static str]) -> Option<W> {
        let pair = pair?;
        let text = pair.as_str();
        let at = Location::new(self.path, span_of(&pair));
        if let Some(word) = W::from_keyword(text) {
            return Some(word);
        }
        if let Some(word) = W::renamed(text) {
            let now = word.keyword();
            self.diags.push(
                Diagnostic::new(Code::OldSpelling, format!("the {} `{text}` is now spelt `{now}`", W::KIND))
                    .at(at.labelled("an earlier spelling"))
                    .with_help(format!("`stringent fmt` writes `{now}`; both mean the same")),
            );
            return Some(word);
        }
        let choices: Vec<&str> = W::keywords().collect();
        let known = format!("{} is one of: {}", W::KIND, choices.join(", "));
        let help = match nearest(text, choices.iter().chain(also).copied()) {
            Some(near) => format!("did you mean `{near}`? A {known}"),
            None => format!("a {known}"),
        };
        self.diags.push(
            Diagnostic::new(Code::UnknownWord, format!("unknown {} `{text}`", W::KIND))
                .at(at.labelled(format!("not a {}", W::KIND)))
                .with_help(help),
        );
        None
    }

    /// `if imminent_threat and prior_notice_to_patient`
    fn conditions(&mut self, pair: Pair<'_, Rule>) -> Vec<Name> {
        parts(pair).filter(|c| c.as_rule() == Rule::ident).filter_map(|c| self.name(Some(c))).collect()
    }

    fn expectation(&mut self, pair: Pair<'_, Rule>) -> Option<Spanned<Expectation>> {
        let span = span_of(&pair);
        let e = parts(pair).next()?;
        let kind = e.as_rule();
        let value = match kind {
            Rule::expect_mandatory => Expectation::Mandatory(true),
            Rule::expect_not_mandatory => Expectation::Mandatory(false),
            Rule::expect_level => Expectation::Level(self.word(parts(e).next())?),
            Rule::expect_deadline => {
                let mut it = parts(e);
                let days = self.number(it.next())?.value;
                let unit = self.word(it.next())?;
                let action = match it.next() {
                    Some(a) => self.word(Some(a))?,
                    None => Action::Any,
                };
                Expectation::Deadline { days, unit, action }
            }
            Rule::expect_bases => Expectation::Bases(self.words(parts(e))?),
            Rule::expect_not_basis => Expectation::NotBasis(self.word(parts(e).last())?),
            Rule::expect_way => Expectation::Way(self.way(parts(e).last()?)?),
            Rule::expect_obligations => Expectation::Obligations(self.names(parts(e).next()?)),
            Rule::expect_elements => Expectation::Elements(self.names(parts(e).next()?)),
            Rule::expect_form => Expectation::Form(self.names(parts(e).next()?)),
            Rule::expect_max_validity => Expectation::MaxValidity(self.number(parts(e).next())?.value),
            Rule::expect_decided_by => Expectation::DecidedBy(self.name(parts(e).next())?),
            _ => return None,
        };
        Some(Spanned { value, span })
    }
}

/// The keyword of a rule field, for saying which field could not be read.
fn field_keyword(kind: Rule) -> Option<&'static str> {
    Some(match kind {
        Rule::effective => "effective",
        Rule::expires => "expires",
        Rule::deadline => "deadline",
        Rule::max_validity => "max_validity",
        Rule::confidence => "confidence",
        Rule::permission => "permission",
        Rule::withdraws => "withdraws",
        Rule::defers => "defers",
        _ => return None,
    })
}
