//! The human renderer: miette's graphical report, one per diagnostic.

use crate::{Diagnostic, Location, Severity, SourceMap};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource};
use std::fmt;
use std::sync::Arc;

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
    let mut out = String::new();
    for d in diags {
        let report = Report::new(d, sources);
        if handler.render_report(&mut out, &report).is_err() {
            out.push_str(&format!("{}: {}\n", d.code, d.message));
        }
        out.push('\n');
    }
    out
}

/// A diagnostic bound to the source text it points into, as miette wants it.
#[derive(Debug)]
struct Report {
    code: String,
    message: String,
    severity: miette::Severity,
    help: Option<String>,
    source: Option<NamedSource<Arc<str>>>,
    labels: Vec<LabeledSpan>,
    related: Vec<Report>,
}

impl Report {
    fn new(d: &Diagnostic, sources: &SourceMap) -> Self {
        let severity = match d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        };
        let mut report = Report {
            code: d.code.to_string(),
            message: d.message.clone(),
            severity,
            help: d.help.clone(),
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
                    code: String::new(),
                    message: loc.label.clone().unwrap_or_else(|| "related".to_owned()),
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

    fn attach(&mut self, loc: &Location, sources: &SourceMap, primary: bool) {
        if let (None, Some(text)) = (&self.source, sources.get(&loc.file)) {
            self.source = Some(NamedSource::new(loc.file.clone(), text.clone()));
        }
        let span = (loc.span.start, loc.span.len());
        self.labels.push(if primary {
            LabeledSpan::new_primary_with_span(loc.label.clone(), span)
        } else {
            LabeledSpan::new_with_span(loc.label.clone(), span)
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
    fn code<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        (!self.code.is_empty()).then(|| Box::new(&self.code) as Box<dyn fmt::Display>)
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(self.severity)
    }

    fn help<'a>(&'a self) -> Option<Box<dyn fmt::Display + 'a>> {
        self.help.as_ref().map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.source.as_ref().map(|s| s as &dyn miette::SourceCode)
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
