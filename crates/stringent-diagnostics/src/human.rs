//! The human renderer: miette's graphical report, one per diagnostic.

use crate::escape::{EscapedSource, escape_for_terminal};
use crate::{Diagnostic, LineIndex, Location, Severity, SourceMap};
use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents, NamedSource, SourceSpan,
    SpanContents,
};
use std::collections::BTreeMap;
use std::fmt;
use std::sync::Arc;

/// Files up to this size (the largest shipped file is 38 KB) are shown through miette's own
/// source handling, which scans from the start of the file for every diagnostic; larger
/// ones through [`IndexedSource`], which does not (3,394 warnings in files of 340 KB took
/// 5 s to render the other way).
const INDEXED_FROM_BYTES: usize = 1 << 16;

/// The longest snippet shown; a longer one (a line of megabytes) is named by line and
/// column instead of echoed.
const MAX_SNIPPET_BYTES: usize = 4096;

/// A file's text with its line index, so that miette reads the few lines around a span
/// without rescanning the file from its start for every diagnostic.
#[derive(Debug, Clone)]
struct IndexedSource {
    name: String,
    text: Arc<str>,
    lines: Arc<LineIndex>,
    /// Set when the file holds characters shown escaped: `text` is then the escaped text,
    /// and spans into the file are moved through this map.
    escaped: Option<Arc<EscapedSource>>,
}

impl IndexedSource {
    /// A span of the file as a span of the text shown.
    fn shown_span(&self, span: crate::Span) -> (usize, usize) {
        match &self.escaped {
            Some(e) => {
                let start = e.offset(span.start);
                (start, e.offset(span.end).saturating_sub(start))
            }
            None => (span.start, span.len()),
        }
    }
}

impl IndexedSource {
    /// The byte range of the lines around `span`, with its first line (0-based).
    fn window(&self, span: &SourceSpan, before: usize, after: usize) -> (usize, usize, usize, usize) {
        let len = self.text.len();
        let start = span.offset().min(len);
        let end = (span.offset() + span.len()).min(len);
        let first = self.lines.line_of(start).saturating_sub(before);
        let last = self.lines.line_of(end.saturating_sub(usize::from(end > start))) + after;
        let from = self.lines.line_start(first).unwrap_or(0);
        let to = self.lines.line_start(last + 1).map_or(len, |s| s.saturating_sub(1)).max(from);
        (from, to, first, last + 1 - first)
    }

    fn fits(&self, span: (usize, usize)) -> bool {
        let (from, to, _, _) = self.window(&SourceSpan::from(span), 0, 0);
        to - from <= MAX_SNIPPET_BYTES
    }
}

/// The source text of one report: small files whole, large ones indexed.
#[derive(Debug)]
enum Source {
    Whole(NamedSource<Arc<str>>),
    Indexed(IndexedSource),
}

impl Source {
    fn code(&self) -> &dyn miette::SourceCode {
        match self {
            Source::Whole(s) => s,
            Source::Indexed(s) => s,
        }
    }
}

impl miette::SourceCode for IndexedSource {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        if span.offset() > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let (mut from, to, line, line_count) = self.window(span, before, after);
        // Without context, miette asks where the span itself starts (the header's column).
        let mut column = 0;
        if before == 0 && after == 0 {
            let start = span.offset().min(self.text.len());
            column = match &self.escaped {
                // Columns count the file's characters, not those of the escapes shown.
                Some(e) => e.original_column(start),
                None => self.text.get(from..start).map_or(0, |t| t.chars().count()),
            };
            from = start;
        }
        let data = self.text.as_bytes().get(from..to.max(from)).ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::from((from, data.len())),
            line,
            column,
            line_count,
        )))
    }
}

/// How to draw reports for people.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HumanStyle {
    /// Unicode box drawing with colour: an interactive terminal.
    Colour,
    /// Unicode box drawing, no colour: `NO_COLOR`, snapshots.
    Plain,
    /// ASCII only, no colour: logs and pipes.
    Ascii,
}

/// Render every diagnostic, each followed by a blank line.
pub fn render_human(diags: &[Diagnostic], sources: &SourceMap, style: HumanStyle, width: usize) -> String {
    let theme = match style {
        HumanStyle::Colour => GraphicalTheme::unicode(),
        HumanStyle::Plain => GraphicalTheme::unicode_nocolor(),
        HumanStyle::Ascii => GraphicalTheme::none(),
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_width(width).with_links(false);
    let mut indexed: BTreeMap<&str, IndexedSource> = BTreeMap::new();
    for (name, text) in sources.iter() {
        // Rule text is shown with control and bidirectional characters escaped.
        let escaped = EscapedSource::new(text).map(Arc::new);
        let text: Arc<str> = escaped.as_ref().map_or_else(|| text.clone(), |e| Arc::from(e.text.as_str()));
        let lines = Arc::new(LineIndex::new(&text));
        let shown = escape_for_terminal(name).into_owned();
        indexed.insert(name, IndexedSource { name: shown, text, lines, escaped });
    }
    let mut out = String::new();
    for d in diags {
        let report = Report::new(d, &indexed);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", headline(d), escape_for_terminal(&d.message)));
        }
        out.push('\n');
    }
    out
}

/// `error[E0200]` or `warning[W0001]`: the severity in words and the code.
fn headline(d: &Diagnostic) -> String {
    let severity = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    format!("{severity}[{}]", d.code)
}

/// A diagnostic bound to the source text it points into, as miette wants it.
#[derive(Debug)]
struct Report {
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<Source>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &BTreeMap<&str, IndexedSource>) -> Self {
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        // The severity in words before the code, as rustc writes it (`error[E0200]: …`): a
        // log without colour still says which diagnostics fail the run, not only a glyph.
        let mut report = Report {
            message: format!("{}: {}", headline(d), escape_for_terminal(&d.message)),
            severity,
            help: d.help.as_deref().map(|h| escape_for_terminal(h).into_owned()),
            source: None,
            labels: Vec::new(),
            related: Vec::new(),
        };
        let Some(primary) = &d.primary else {
            return report;
        };
        report.attach(primary, sources, true);
        for loc in &d.related {
            if loc.file == primary.file {
                report.attach(loc, sources, false);
            } else {
                let mut note = Report {
                    message: loc
                        .label
                        .as_deref()
                        .map_or_else(|| "related".to_owned(), |l| escape_for_terminal(l).into_owned()),
                    severity: miette::Severity::Advice,
                    help: None,
                    source: None,
                    labels: Vec::new(),
                    related: Vec::new(),
                };
                note.attach(loc, sources, false);
                report.related.push(note);
            }
        }
        report
    }

    fn attach(&mut self, loc: &Location, sources: &BTreeMap<&str, IndexedSource>, primary: bool) {
        let Some(file) = sources.get(loc.file.as_str()) else { return };
        let span = file.shown_span(loc.span);
        if !file.fits(span) {
            let (line, mut col) = file.lines.line_col(&file.text, span.0);
            if let Some(e) = &file.escaped {
                col = e.original_column(span.0) + 1;
            }
            self.message.push_str(&format!(" (at {}:{line}:{col}; the line is too long to show)", file.name));
            return;
        }
        if self.source.is_none() {
            self.source = Some(if file.text.len() >= INDEXED_FROM_BYTES || file.escaped.is_some() {
                Source::Indexed(file.clone())
            } else {
                Source::Whole(NamedSource::new(file.name.clone(), file.text.clone()))
            });
        }
        let label = loc.label.as_deref().map(|l| escape_for_terminal(l).into_owned());
        self.labels.push(if primary {
            LabeledSpan::new_primary_with_span(label, span)
        } else {
            LabeledSpan::new_with_span(label, span)
        });
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Report {}

impl miette::Diagnostic for Report {
    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(Source::code)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        if self.source.is_none() || self.labels.is_empty() {
            return None;
        }
        Some(Box::new(self.labels.iter().cloned()))
    }

    fn related<'a>(&'a self) -> Option<Box<dyn Iterator<Item = &'a dyn miette::Diagnostic> + 'a>> {
        if self.related.is_empty() {
            return None;
        }
        Some(Box::new(self.related.iter().map(|r| r as &dyn miette::Diagnostic)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Code, Span};

    /// A log read without colour (CI) names each diagnostic's severity in words, with its code.
    #[test]
    fn each_report_says_error_or_warning_in_words_without_colour() {
        let mut sources = SourceMap::default();
        sources.insert("xx/state.stringent", "rule xx.a \"A\" {\n  category genetik\n}\n");
        let diags = [
            Diagnostic::new(Code::UnknownName, "unknown category value `genetik`").at(Location::new(
                "xx/state.stringent",
                Span::new(27, 34),
            )
            .labelled("not declared")),
            Diagnostic::new(Code::Preempted, "rule `xx.a` is no stricter than federal law anywhere it applies"),
        ];
        for style in [HumanStyle::Ascii, HumanStyle::Plain] {
            let text = render_human(&diags, &sources, style, 100);
            let firsts: Vec<&str> = text.split("\n\n").filter_map(|r| r.lines().next()).collect();
            assert!(
                firsts.first().is_some_and(|l| l.contains("error[E0200]: unknown category value `genetik`")),
                "{text}"
            );
            assert!(firsts.get(1).is_some_and(|l| l.contains("warning[W0001]: rule `xx.a` is no stricter")), "{text}");
            assert!(!text.contains('\u{1b}'), "{text}");
        }
    }
}
