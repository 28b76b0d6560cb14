//! `compile` and `check` of a rules tree in memory: `Compilation`, `Diagnostic`, `Location`.

use super::*;

/// A place in a rule file: byte offsets and 1-based lines and columns, as `stringent check
/// --format json` writes it.
#[pyclass(frozen, module = "stringent", name = "Location")]
#[derive(Clone)]
pub(crate) struct Location {
    /// The file's path as given, with `/` separators.
    #[pyo3(get)]
    file: String,
    /// Byte offset of the start.
    #[pyo3(get)]
    start: usize,
    /// Byte offset of the end (exclusive).
    #[pyo3(get)]
    end: usize,
    /// 1-based line of the start.
    #[pyo3(get)]
    line: usize,
    /// 1-based column of the start.
    #[pyo3(get)]
    column: usize,
    /// 1-based line of the end.
    #[pyo3(get)]
    end_line: usize,
    /// 1-based column of the end.
    #[pyo3(get)]
    end_column: usize,
    /// What to say about the place, if anything.
    #[pyo3(get)]
    label: Option<String>,
}

impl Location {
    fn new(l: &stringent_diagnostics::JsonLocation) -> Self {
        Location {
            file: l.file.clone(),
            start: l.start,
            end: l.end,
            line: l.line,
            column: l.column,
            end_line: l.end_line,
            end_column: l.end_column,
            label: l.label.clone(),
        }
    }
}

#[pymethods]
impl Location {
    fn __repr__(&self) -> String {
        format!("Location({}:{}:{})", self.file, self.line, self.column)
    }
}

/// A problem found in the rules: the facts `stringent check --format json` reports.
#[pyclass(frozen, module = "stringent", name = "Diagnostic")]
pub(crate) struct Diagnostic {
    /// The diagnostic's code (`S0101`-style, as `stringent check` prints it).
    #[pyo3(get)]
    code: String,
    /// `error` or `warning`.
    #[pyo3(get)]
    severity: String,
    /// One line, lower case.
    #[pyo3(get)]
    message: String,
    /// What to do about it, when known.
    #[pyo3(get)]
    help: Option<String>,
    location: Option<Location>,
    related: Vec<Location>,
    json: serde_json::Value,
}

impl Diagnostic {
    fn all(c: &stringent_compiler::Compilation) -> Vec<Diagnostic> {
        let report = stringent_diagnostics::json_report(&c.diagnostics, &c.sources);
        report
            .diagnostics
            .iter()
            .map(|d| Diagnostic {
                code: d.code.clone(),
                severity: d.severity.clone(),
                message: d.message.clone(),
                help: d.help.clone(),
                location: d.location.as_ref().map(Location::new),
                related: d.related.iter().map(Location::new).collect(),
                json: serde_json::to_value(d).unwrap_or(serde_json::Value::Null),
            })
            .collect()
    }

    fn copy(&self) -> Diagnostic {
        Diagnostic {
            code: self.code.clone(),
            severity: self.severity.clone(),
            message: self.message.clone(),
            help: self.help.clone(),
            location: self.location.clone(),
            related: self.related.clone(),
            json: self.json.clone(),
        }
    }
}

#[pymethods]
impl Diagnostic {
    /// Where the problem is; None for a problem with no file.
    #[getter]
    fn location(&self) -> Option<Location> {
        self.location.clone()
    }
    /// The file of `location`, or None.
    #[getter]
    fn file(&self) -> Option<&str> {
        self.location.as_ref().map(|l| l.file.as_str())
    }
    /// The 1-based line of `location`, or None.
    #[getter]
    fn line(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.line)
    }
    /// The 1-based column of `location`, or None.
    #[getter]
    fn column(&self) -> Option<usize> {
        self.location.as_ref().map(|l| l.column)
    }
    /// Other places that explain the problem.
    #[getter]
    fn related<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.related.iter().cloned())
    }
    /// Whether it is an error (not a warning).
    #[getter]
    fn is_error(&self) -> bool {
        self.severity == "error"
    }
    /// The diagnostic as `stringent check --format json` writes it, as Python data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        json_to_python(py, &self.json)
    }
    fn __str__(&self) -> String {
        match &self.location {
            Some(l) => {
                format!("{}:{}:{}: {}[{}]: {}", l.file, l.line, l.column, self.severity, self.code, self.message)
            }
            None => format!("{}[{}]: {}", self.severity, self.code, self.message),
        }
    }
    fn __repr__(&self) -> String {
        format!("Diagnostic({})", self.__str__())
    }
}

/// A rules tree checked and resolved in memory. `ok` when it has no errors; then
/// `policy()` answers for every chain, as the artifacts `stringent compile` would write.
#[pyclass(frozen, module = "stringent", name = "Compilation")]
pub(crate) struct Compilation {
    inner: Arc<stringent_compiler::Compilation>,
    diagnostics: Vec<Diagnostic>,
    jurisdictions: Vec<String>,
}

#[pymethods]
impl Compilation {
    /// Every error and warning, in reporting order (by file, then position).
    #[getter]
    fn diagnostics<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.diagnostics.iter().map(Diagnostic::copy))
    }
    /// No errors (warnings allowed).
    #[getter]
    fn ok(&self) -> bool {
        !self.inner.has_errors()
    }
    /// At least one error.
    #[getter]
    fn has_errors(&self) -> bool {
        self.inner.has_errors()
    }
    /// The number of errors.
    #[getter]
    fn errors(&self) -> usize {
        self.diagnostics.iter().filter(|d| d.is_error()).count()
    }
    /// The number of warnings.
    #[getter]
    fn warnings(&self) -> usize {
        self.inner.warning_count()
    }
    /// The jurisdictions of the tree (every layer: federal, states, organizations).
    #[getter]
    fn jurisdictions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.jurisdictions)
    }
    /// The date resolved for, `YYYY-MM-DD`.
    #[getter]
    fn as_of(&self) -> String {
        self.inner.as_of.to_string()
    }
    /// A policy answering for every chain of the tree, built in memory on first use of each
    /// (no file written). Raises `CompileError` when the rules have errors: nothing is
    /// answered from rules that did not check clean.
    fn policy(&self, py: Python<'_>) -> PyResult<Policy> {
        if self.inner.has_errors() {
            let diags = objects(py, self.diagnostics.iter().map(Diagnostic::copy))?;
            let errors = self.errors();
            let first = self.diagnostics.iter().find(|d| d.is_error()).map(Diagnostic::__str__).unwrap_or_default();
            return Err(raise(
                py,
                CompileError::new_err,
                format!("the rules have {errors} error{}; first: {first}", if errors == 1 { "" } else { "s" }),
                &[("code", PyString::new(py, "compile_errors").into_any()), ("diagnostics", diags.into_any())],
            ));
        }
        Ok(Policy::new(self.jurisdictions.clone(), Opener::Compiled(Arc::clone(&self.inner))))
    }
    fn __repr__(&self) -> String {
        format!(
            "<stringent.Compilation as of {}: {} jurisdictions, {} errors, {} warnings>",
            self.inner.as_of,
            self.jurisdictions.len(),
            self.errors(),
            self.warnings()
        )
    }
}

/// `as_of`: None (today, UTC), a `YYYY-MM-DD` str or a `datetime.date`.
pub(crate) fn date(as_of: Option<&Bound<'_, PyAny>>) -> PyResult<stringent_syntax::Date> {
    let Some(value) = as_of.filter(|v| !v.is_none()) else {
        return Ok(stringent_syntax::Date::today());
    };
    let text: String = match value.cast::<PyString>() {
        Ok(s) => s.to_cow()?.into_owned(),
        Err(_) => {
            let date_type = value.py().import("datetime")?.getattr("date")?;
            let datetime_type = value.py().import("datetime")?.getattr("datetime")?;
            if !value.is_instance(&date_type)? || value.is_instance(&datetime_type)? {
                return Err(PyTypeError::new_err("as_of must be a `YYYY-MM-DD` str or a datetime.date"));
            }
            value.call_method0("isoformat")?.extract()?
        }
    };
    stringent_syntax::Date::parse(&text)
        .ok_or_else(|| PyValueError::new_err(format!("`{text}` is not a date in the form YYYY-MM-DD")))
}

pub(crate) fn compiled(py: Python<'_>, rules_dir: PathBuf, as_of: Option<&Bound<'_, PyAny>>) -> PyResult<Compilation> {
    let as_of = date(as_of)?;
    let c = py.detach(|| stringent_compiler::compile(&[rules_dir], as_of));
    let diagnostics = Diagnostic::all(&c);
    let jurisdictions = c.jurisdictions();
    Ok(Compilation { inner: Arc::new(c), diagnostics, jurisdictions })
}

/// Check and resolve the rules tree `rules_dir` (the folder holding `vocabulary/`) as of
/// `as_of` (a `YYYY-MM-DD` str or a `datetime.date`; default today, UTC), in memory. Never
/// raises for problems in the rules: read `diagnostics` and `ok`; `policy()` raises
/// `CompileError` if there are errors.
#[pyfunction]
#[pyo3(signature = (rules_dir, as_of=None))]
pub(crate) fn compile(py: Python<'_>, rules_dir: PathBuf, as_of: Option<&Bound<'_, PyAny>>) -> PyResult<Compilation> {
    compiled(py, rules_dir, as_of)
}

/// Every diagnostic of the rules tree `rules_dir` as of `as_of` (default today): what
/// `stringent check` reports. Empty when the rules are clean.
#[pyfunction]
#[pyo3(signature = (rules_dir, as_of=None))]
pub(crate) fn check<'py>(
    py: Python<'py>,
    rules_dir: PathBuf,
    as_of: Option<&Bound<'py, PyAny>>,
) -> PyResult<Bound<'py, PyTuple>> {
    let c = compiled(py, rules_dir, as_of)?;
    objects(py, c.diagnostics)
}
