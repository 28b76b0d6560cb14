//! Machine-readable renderers: our own JSON (stable, versioned), SARIF 2.1.0 for code
//! scanning, and GitHub workflow annotations. All take the same diagnostics as the human
//! renderer, so a new check needs no new output code.

use crate::{Diagnostic, LineIndex, Location, Severity, SourceMap};
use serde::Serialize;
use std::collections::BTreeMap;

/// The version of the JSON diagnostic format; bumped on any incompatible change.
pub const JSON_FORMAT_VERSION: u32 = 1;

/// `--format json`: every diagnostic with byte spans and 1-based lines and columns.
#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonReport {
    pub version: u32,
    pub errors: usize,
    pub warnings: usize,
    pub diagnostics: Vec<JsonDiagnostic>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonDiagnostic {
    pub code: String,
    pub severity: String,
    pub message: String,
    pub location: Option<JsonLocation>,
    pub help: Option<String>,
    pub related: Vec<JsonLocation>,
}

#[derive(Debug, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct JsonLocation {
    pub file: String,
    /// Byte offsets, `start..end`.
    pub start: usize,
    pub end: usize,
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub label: Option<String>,
}

/// Line indexes built once per file.
struct Lines<'a> {
    sources: &'a SourceMap,
    cache: BTreeMap<String, LineIndex>,
}

impl<'a> Lines<'a> {
    fn new(sources: &'a SourceMap) -> Self {
        Lines { sources, cache: BTreeMap::new() }
    }

    fn locate(&mut self, loc: &Location) -> JsonLocation {
        let (start, end) = match self.sources.get(&loc.file) {
            Some(text) => {
                let idx = self.cache.entry(loc.file.clone()).or_insert_with(|| LineIndex::new(text));
                (idx.line_col(text, loc.span.start), idx.line_col(text, loc.span.end))
            }
            None => ((1, 1), (1, 1)),
        };
        JsonLocation {
            file: loc.file.clone(),
            start: loc.span.start,
            end: loc.span.end,
            line: start.0,
            column: start.1,
            end_line: end.0,
            end_column: end.1,
            label: loc.label.clone(),
        }
    }
}

pub fn json_report(diags: &[Diagnostic], sources: &SourceMap) -> JsonReport {
    let mut lines = Lines::new(sources);
    let errors = diags.iter().filter(|d| d.is_error()).count();
    JsonReport {
        version: JSON_FORMAT_VERSION,
        errors,
        warnings: diags.len() - errors,
        diagnostics: diags
            .iter()
            .map(|d| JsonDiagnostic {
                code: d.code.to_string(),
                severity: severity(d.severity).to_owned(),
                message: d.message.clone(),
                location: d.primary.as_ref().map(|l| lines.locate(l)),
                help: d.help.clone(),
                related: d.related.iter().map(|l| lines.locate(l)).collect(),
            })
            .collect(),
    }
}

pub fn render_json(diags: &[Diagnostic], sources: &SourceMap) -> String {
    serde_json::to_string_pretty(&json_report(diags, sources)).unwrap_or_default() + "\n"
}

fn severity(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

/// `--format github`: one workflow command per diagnostic, so GitHub Actions annotates the
/// pull request's changed lines.
pub fn render_github(diags: &[Diagnostic], sources: &SourceMap) -> String {
    let mut lines = Lines::new(sources);
    let mut out = String::new();
    for d in diags {
        let kind = if d.is_error() { "error" } else { "warning" };
        let mut message = d.message.clone();
        if let Some(h) = &d.help {
            message.push_str(&format!(" (help: {h})"));
        }
        match &d.primary {
            Some(l) => {
                let j = lines.locate(l);
                out.push_str(&format!(
                    "::{kind} file={},line={},col={},endLine={},endColumn={},title={}::{}\n",
                    escape_property(&j.file),
                    j.line,
                    j.column,
                    j.end_line,
                    j.end_column,
                    escape_property(d.code.as_str()),
                    escape_data(&message)
                ));
            }
            None => out.push_str(&format!(
                "::{kind} title={}::{}\n",
                escape_property(d.code.as_str()),
                escape_data(&message)
            )),
        }
    }
    out
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// `--format sarif`: SARIF 2.1.0, one run, one rule per diagnostic code.
pub fn render_sarif(diags: &[Diagnostic], sources: &SourceMap, tool_version: &str) -> String {
    let mut lines = Lines::new(sources);
    let mut codes: Vec<crate::Code> = diags.iter().map(|d| d.code).collect();
    codes.sort();
    codes.dedup();
    let rules: Vec<serde_json::Value> = codes
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.as_str(),
                "name": c.as_str(),
                "shortDescription": { "text": c.summary() },
                "defaultConfiguration": { "level": if c.default_severity() == Severity::Error { "error" } else { "warning" } },
            })
        })
        .collect();
    let region = |j: &JsonLocation| {
        serde_json::json!({
            "startLine": j.line, "startColumn": j.column, "endLine": j.end_line, "endColumn": j.end_column,
            "byteOffset": j.start, "byteLength": j.end.saturating_sub(j.start),
        })
    };
    let results: Vec<serde_json::Value> = diags
        .iter()
        .map(|d| {
            let mut text = d.message.clone();
            if let Some(h) = &d.help {
                text.push_str(&format!("\nhelp: {h}"));
            }
            let locations: Vec<serde_json::Value> = d
                .primary
                .iter()
                .map(|l| {
                    let j = lines.locate(l);
                    serde_json::json!({ "physicalLocation": { "artifactLocation": { "uri": j.file }, "region": region(&j) } })
                })
                .collect();
            let related: Vec<serde_json::Value> = d
                .related
                .iter()
                .enumerate()
                .map(|(i, l)| {
                    let j = lines.locate(l);
                    serde_json::json!({
                        "id": i,
                        "message": { "text": j.label.clone().unwrap_or_default() },
                        "physicalLocation": { "artifactLocation": { "uri": j.file }, "region": region(&j) },
                    })
                })
                .collect();
            serde_json::json!({
                "ruleId": d.code.as_str(),
                "ruleIndex": codes.iter().position(|c| *c == d.code).unwrap_or(0),
                "level": severity(d.severity),
                "message": { "text": text },
                "locations": locations,
                "relatedLocations": related,
            })
        })
        .collect();
    let sarif = serde_json::json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "stringent",
                "version": tool_version,
                "informationUri": "https://www.ecfr.gov/current/title-45/subtitle-A/subchapter-C/part-160/subpart-B",
                "rules": rules,
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    serde_json::to_string_pretty(&sarif).unwrap_or_default() + "\n"
}
