//! `stringent._native`: the Rust half of the Python package `stringent`.
//!
//! It binds the loader (`stringent-policy`: load an artifact or a compile's output
//! directory, answer questions) and the compiler (`stringent-compiler`: check and compile a
//! rules tree in memory). Every answer is the loader's own [`stringent_policy::Decision`],
//! wrapped in frozen Python objects; every error is one of the package's exceptions with
//! the loader's stable code. Nothing here panics on bad input: the workspace's lints deny
//! `unwrap`, `expect`, `panic` and indexing, and PyO3 turns any panic that did escape into a
//! Python exception rather than an abort.

use pyo3::create_exception;
use pyo3::exceptions::{PyException, PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::types::{PyBool, PyDict, PyList, PyString, PyTuple};
use std::collections::HashMap;
use std::path::PathBuf;
use std::sync::{Arc, OnceLock};
use stringent_policy as sp;

create_exception!(
    stringent,
    Error,
    PyException,
    "The base of every error the package raises. `code` is a stable name for the kind of error; str() is the Rust message."
);
create_exception!(
    stringent,
    LoadError,
    Error,
    "A policy file or a compile's directory could not be loaded (missing, not JSON, tampered with, …). `code` is the loader's `LoadError::code()`: `io`, `json`, `hash_mismatch`, `unknown_jurisdiction`, …"
);
create_exception!(
    stringent,
    QuestionError,
    Error,
    "A question names something the policy's vocabulary lacks. `code` is `unknown_value` (with `axis` and `value`, and `valid`: the axis's value ids) or `no_category`."
);
create_exception!(
    stringent,
    CompileError,
    Error,
    "The rules have errors, so no policy is answered from them. `code` is `compile_errors`; `diagnostics` holds every diagnostic of the compile."
);

/// An exception of class `make` with `str()` = `message` and the attributes given.
fn raise(py: Python<'_>, make: fn(String) -> PyErr, message: String, attributes: &[(&str, Bound<'_, PyAny>)]) -> PyErr {
    let err = make(message);
    let value = err.value(py);
    for (name, attr) in attributes {
        if let Err(e) = value.setattr(*name, attr) {
            return e;
        }
    }
    err
}

fn load_error(py: Python<'_>, e: &sp::LoadError) -> PyErr {
    raise(py, LoadError::new_err, e.to_string(), &[("code", PyString::new(py, e.code()).into_any())])
}

fn question_error(py: Python<'_>, e: &sp::QuestionError) -> PyErr {
    let none = || py.None().into_bound(py);
    let (axis, value, valid) = match e {
        sp::QuestionError::UnknownValue { axis, value, valid } => (
            PyString::new(py, axis).into_any(),
            PyString::new(py, value).into_any(),
            match PyTuple::new(py, valid) {
                Ok(t) => t.into_any(),
                Err(err) => return err,
            },
        ),
        sp::QuestionError::NoCategory => (none(), none(), none()),
    };
    raise(
        py,
        QuestionError::new_err,
        e.to_string(),
        &[("code", PyString::new(py, e.code()).into_any()), ("axis", axis), ("value", value), ("valid", valid)],
    )
}

/// Serialize with serde and turn the JSON into Python data (`dict`, `list`, `str`, `int`,
/// `float`, `bool`, `None`): what `json.loads` of the same JSON gives, keys in the order
/// `stringent decide --format json` writes them. The JSON text is read back by serde_json
/// into Python objects directly, without a `serde_json::Value` (whose maps are sorted).
fn to_python<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_string(value).map_err(|e| Error::new_err(format!("cannot serialize: {e}")))?;
    let mut reader = serde_json::Deserializer::from_str(&json);
    serde::Deserializer::deserialize_any(&mut reader, JsonToPython(py))
        .map_err(|e| Error::new_err(format!("cannot convert to Python: {e}")))
}

/// A serde visitor that builds the Python value of the JSON it is shown.
#[derive(Clone, Copy)]
struct JsonToPython<'py>(Python<'py>);

impl<'de, 'py> serde::de::DeserializeSeed<'de> for JsonToPython<'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

fn py_failed<E: serde::de::Error>(e: PyErr) -> E {
    E::custom(e.to_string())
}

impl<'de, 'py> serde::de::Visitor<'de> for JsonToPython<'py> {
    type Value = Bound<'py, PyAny>;
    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("JSON")
    }
    fn visit_bool<E: serde::de::Error>(self, v: bool) -> Result<Self::Value, E> {
        Ok(PyBool::new(self.0, v).to_owned().into_any())
    }
    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.0).unwrap_or_else(|never| match never {}).into_any())
    }
    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.0).unwrap_or_else(|never| match never {}).into_any())
    }
    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
        Ok(v.into_pyobject(self.0).unwrap_or_else(|never| match never {}).into_any())
    }
    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(PyString::new(self.0, v).into_any())
    }
    fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        Ok(self.0.None().into_bound(self.0))
    }
    fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        let list = PyList::empty(self.0);
        while let Some(item) = seq.next_element_seed(self)? {
            list.append(item).map_err(py_failed)?;
        }
        Ok(list.into_any())
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let dict = PyDict::new(self.0);
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            let value = map.next_value_seed(self)?;
            dict.set_item(key.as_ref(), value).map_err(py_failed)?;
        }
        Ok(dict.into_any())
    }
}

fn json_to_python<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
    use serde_json::Value;
    Ok(match value {
        Value::Null => py.None().into_bound(py),
        Value::Bool(b) => PyBool::new(py, *b).to_owned().into_any(),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                u.into_pyobject(py)?.into_any()
            } else if let Some(i) = n.as_i64() {
                i.into_pyobject(py)?.into_any()
            } else {
                n.as_f64().unwrap_or(f64::NAN).into_pyobject(py)?.into_any()
            }
        }
        Value::String(s) => PyString::new(py, s).into_any(),
        Value::Array(items) => {
            let list = PyList::empty(py);
            for item in items {
                list.append(json_to_python(py, item)?)?;
            }
            list.into_any()
        }
        Value::Object(map) => {
            let dict = PyDict::new(py);
            for (k, v) in map {
                dict.set_item(k, json_to_python(py, v)?)?;
            }
            dict.into_any()
        }
    })
}

fn strings<'py, S: AsRef<str>>(py: Python<'py>, items: &[S]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, items.iter().map(AsRef::as_ref))
}

fn names<'py, T: Copy>(py: Python<'py>, items: &[T], name: fn(T) -> &'static str) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, items.iter().map(|i| name(*i)))
}

fn objects<'py, T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(
    py: Python<'py>,
    items: impl IntoIterator<Item = T>,
) -> PyResult<Bound<'py, PyTuple>> {
    let built: Vec<Bound<'py, T>> = items.into_iter().map(|i| Bound::new(py, i)).collect::<PyResult<_>>()?;
    PyTuple::new(py, built)
}

fn quoted(items: &[String]) -> String {
    let inner: Vec<String> = items.iter().map(|s| format!("{s:?}")).collect();
    match inner.len() {
        1 => format!("({},)", inner.join(", ")),
        _ => format!("({})", inner.join(", ")),
    }
}

fn repr_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

// ----------------------------------------------------------------------------------------
// Decisions
// ----------------------------------------------------------------------------------------

/// The answer to a question: how much it takes to make the disclosure, and the rules that
/// decided it with their citations. Immutable. Every field of the JSON decision
/// (`stringent decide --format json`) is an attribute; `to_dict()` gives that JSON as
/// Python data.
#[pyclass(frozen, module = "stringent", name = "Decision")]
struct Decision {
    /// The jurisdiction's policy, shared with the `Policy` that answered.
    policy: Arc<sp::LoadedPolicy>,
    asked: Asked,
    /// For a question about one category: the cell's `[requirement, provenance]`, read at
    /// `decide`. The level, mandate and whether it is governed are read from it directly.
    entry: Option<[u32; 2]>,
    /// The loader's `Decision`: built by `LoadedPolicy::decide` when a field beyond those is
    /// first read (at once for several categories), then kept.
    full: OnceLock<sp::Decision>,
}

/// A question as asked: the caller's own `str` objects, copied into Rust strings only when
/// the whole decision is built.
struct Asked {
    categories: Vec<Py<PyString>>,
    purpose: Py<PyString>,
    recipient: Py<PyString>,
    subject: Py<PyString>,
    holder: Py<PyString>,
}

impl Asked {
    fn question(&self, py: Python<'_>) -> PyResult<sp::Question> {
        let text = |s: &Py<PyString>| -> PyResult<String> { Ok(s.bind(py).to_cow()?.into_owned()) };
        Ok(sp::Question {
            categories: self.categories.iter().map(text).collect::<PyResult<_>>()?,
            purpose: text(&self.purpose)?,
            recipient: text(&self.recipient)?,
            subject: text(&self.subject)?,
            holder: text(&self.holder)?,
        })
    }
}

impl Decision {
    /// The loader's whole decision, built on first use.
    fn inner(&self, py: Python<'_>) -> PyResult<&sp::Decision> {
        if let Some(d) = self.full.get() {
            return Ok(d);
        }
        let built = self.policy.decide(&self.asked.question(py)?).map_err(|e| question_error(py, &e))?;
        Ok(self.full.get_or_init(|| built))
    }

    /// The requirement of a one-category question's cell.
    fn record(&self) -> Option<&sp::artifact::RequirementRecord> {
        let [requirement, _] = self.entry?;
        self.policy.policy().requirements.get(requirement as usize)
    }

    /// The rules that took part in a one-category question's cell.
    fn involvements(&self) -> Option<&[sp::artifact::Involvement]> {
        let [_, provenance] = self.entry?;
        self.policy.policy().provenance.get(provenance as usize).map(Vec::as_slice)
    }
}

#[pymethods]
impl Decision {
    /// The jurisdiction answered for (`US-CA`, `org:example_clinic`).
    #[getter]
    fn jurisdiction(&self) -> &str {
        self.policy.policy().jurisdiction()
    }
    /// The layer ids whose law the answer includes, federal first.
    #[getter]
    fn chain<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.policy.policy().chain.iter().map(|l| l.id.as_str()))
    }
    /// The date the answer holds for, `YYYY-MM-DD`.
    #[getter]
    fn as_of(&self) -> &str {
        &self.policy.policy().as_of
    }
    /// The question's categories, as asked (always a tuple, even for one).
    #[getter]
    fn category<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        PyTuple::new(py, self.asked.categories.iter().map(|c| c.bind(py)))
    }
    /// The question's purpose.
    #[getter]
    fn purpose(&self, py: Python<'_>) -> Py<PyString> {
        self.asked.purpose.clone_ref(py)
    }
    /// The question's recipient.
    #[getter]
    fn recipient(&self, py: Python<'_>) -> Py<PyString> {
        self.asked.recipient.clone_ref(py)
    }
    /// The question's subject.
    #[getter]
    fn subject(&self, py: Python<'_>) -> Py<PyString> {
        self.asked.subject.clone_ref(py)
    }
    /// The question's holder.
    #[getter]
    fn holder(&self, py: Python<'_>) -> Py<PyString> {
        self.asked.holder.clone_ref(py)
    }
    /// `allowed`, `allowed_unless_objects`, `authorization`, `specific_authorization`,
    /// `legal_process`, `court_order_only` or `prohibited`. Read it with `governed`.
    #[getter]
    fn level(&self, py: Python<'_>) -> PyResult<&'static str> {
        match self.record() {
            Some(r) => Ok(r.level.as_str()),
            None => Ok(self.inner(py)?.level.as_str()),
        }
    }
    /// Whether some rule in force reaches the question (for every category it names).
    #[getter]
    fn governed(&self, py: Python<'_>) -> PyResult<bool> {
        match self.involvements() {
            Some(inv) => Ok(inv.iter().any(|i| i.role != sp::artifact::Role::Inactive)),
            None => Ok(self.inner(py)?.governed),
        }
    }
    /// The categories no rule in force reaches, when the question names several.
    #[getter]
    fn ungoverned_categories<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.inner(py)?.ungoverned_categories)
    }
    /// The bases that suffice alone, with no other instrument and no condition.
    #[getter]
    fn bases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        match self.record() {
            Some(r) => names(py, &r.bases, sp::Basis::as_str),
            None => names(py, &self.inner(py)?.bases, sp::Basis::as_str),
        }
    }
    /// Every way that makes the disclosure lawful, any one sufficing.
    #[getter]
    fn ways<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.inner(py)?.ways.iter().map(|w| Way { inner: w.clone() }))
    }
    /// The law requires the disclosure, not only permits it.
    #[getter]
    fn mandatory(&self, py: Python<'_>) -> PyResult<bool> {
        match self.record() {
            Some(r) => Ok(r.mandatory),
            None => Ok(self.inner(py)?.mandatory),
        }
    }
    /// Time limits to act, none dominating another.
    #[getter]
    fn deadlines<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.inner(py)?.deadlines.iter().map(|d| Deadline { inner: *d }))
    }
    /// Ids of the elements an authorization must contain.
    #[getter]
    fn authorization_elements<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.inner(py)?.authorization_elements)
    }
    /// Ids of the constraints on the authorization's form.
    #[getter]
    fn form<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.inner(py)?.form)
    }
    /// Ids of the duties that ride along with the disclosure.
    #[getter]
    fn obligations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.inner(py)?.obligations)
    }
    /// The longest an authorization may stay valid, in days; None when no rule limits it.
    #[getter]
    fn max_validity_days(&self, py: Python<'_>) -> PyResult<Option<u32>> {
        Ok(self.inner(py)?.max_validity_days)
    }
    /// Every rule that matched, with its role and citations.
    #[getter]
    fn provenance<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.inner(py)?.provenance.iter().map(|p| ProvenanceEntry { inner: p.clone() }))
    }
    /// The layers whose declared history begins after `as_of`.
    #[getter]
    fn history_incomplete<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.inner(py)?.history_incomplete.iter().map(|h| HistoryGap { inner: h.clone() }))
    }
    /// The layers that declare they have not read their law on a topic reaching the question.
    #[getter]
    fn law_unread<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        objects(py, self.inner(py)?.law_unread.iter().map(|u| UnreadLaw { inner: u.clone() }))
    }
    /// The JSON decision (`stringent decide --format json`) as Python data: dicts, lists,
    /// str, int, bool and None. Empty optional lists are left out, as in the JSON.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, self.inner(py)?)
    }
    fn __eq__(&self, py: Python<'_>, other: &Bound<'_, PyAny>) -> PyResult<bool> {
        match other.cast::<Decision>() {
            Ok(o) => Ok(o.get().inner(py)? == self.inner(py)?),
            Err(_) => Ok(false),
        }
    }
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let d = self.inner(py)?;
        Ok(format!(
            "Decision(jurisdiction={}, category={}, purpose={}, recipient={}, subject={}, holder={}, level={}, governed={}, mandatory={}, provenance=<{} entries>)",
            repr_str(&d.jurisdiction),
            quoted(&d.category).replace('"', "'"),
            repr_str(&d.purpose),
            repr_str(&d.recipient),
            repr_str(&d.subject),
            repr_str(&d.holder),
            repr_str(d.level.as_str()),
            if d.governed { "True" } else { "False" },
            if d.mandatory { "True" } else { "False" },
            d.provenance.len(),
        ))
    }
}

/// One way to make a disclosure lawful: these bases together, when these conditions hold.
#[pyclass(frozen, module = "stringent", name = "Way")]
struct Way {
    inner: sp::artifact::WayRecord,
}

#[pymethods]
impl Way {
    /// The bases needed together (`("none",)` for a way that needs no instrument).
    #[getter]
    fn bases<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        names(py, &self.inner.bases, sp::Basis::as_str)
    }
    /// Ids of the conditions under which the way holds; empty when unconditional.
    #[getter]
    fn conditions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.inner.conditions)
    }
    /// The way's display level: that of its strongest basis.
    #[getter]
    fn level(&self) -> &'static str {
        self.inner.level.as_str()
    }
    /// The way as JSON data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Way>().is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        let bases: Vec<String> = self.inner.bases.iter().map(|b| b.as_str().to_owned()).collect();
        format!(
            "Way(bases={}, conditions={}, level={})",
            quoted(&bases).replace('"', "'"),
            quoted(&self.inner.conditions).replace('"', "'"),
            repr_str(self.inner.level.as_str())
        )
    }
}

/// `days` days (counted as `unit`) to `action`.
#[pyclass(frozen, module = "stringent", name = "Deadline")]
struct Deadline {
    inner: sp::Deadline,
}

fn unit_name(u: sp::DayUnit) -> &'static str {
    match u {
        sp::DayUnit::CalendarDays => "calendar_days",
        sp::DayUnit::BusinessDays => "business_days",
    }
}

fn action_name(a: sp::Action) -> &'static str {
    match a {
        sp::Action::Inspect => "inspect",
        sp::Action::Copy => "copy",
        sp::Action::Any => "any",
    }
}

#[pymethods]
impl Deadline {
    /// How many days.
    #[getter]
    fn days(&self) -> u32 {
        self.inner.days
    }
    /// `calendar_days` or `business_days`.
    #[getter]
    fn unit(&self) -> &'static str {
        unit_name(self.inner.unit)
    }
    /// `inspect`, `copy` or `any`.
    #[getter]
    fn action(&self) -> &'static str {
        action_name(self.inner.action)
    }
    /// The deadline as JSON data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<Deadline>().is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "Deadline(days={}, unit={}, action={})",
            self.inner.days,
            repr_str(unit_name(self.inner.unit)),
            repr_str(action_name(self.inner.action))
        )
    }
}

/// One rule's part in a decision, with what a reader needs to check it against the law.
#[pyclass(frozen, module = "stringent", name = "ProvenanceEntry")]
struct ProvenanceEntry {
    inner: sp::ProvenanceEntry,
}

#[pymethods]
impl ProvenanceEntry {
    /// The rule's id.
    #[getter]
    fn rule(&self) -> &str {
        &self.inner.rule
    }
    /// The jurisdiction whose rule it is.
    #[getter]
    fn layer(&self) -> &str {
        &self.inner.layer
    }
    /// Its title for people.
    #[getter]
    fn title(&self) -> &str {
        &self.inner.title
    }
    /// Every citation joined with `; `.
    #[getter]
    fn citation(&self) -> &str {
        &self.inner.citation
    }
    /// Every citation of the rule.
    #[getter]
    fn citations<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.inner.citations)
    }
    /// `verified`, `secondary`, `recalled` or `unverified`.
    #[getter]
    fn confidence(&self) -> &str {
        &self.inner.confidence
    }
    /// Where the text of the law was read, when the rule names it.
    #[getter]
    fn source(&self) -> Option<&str> {
        self.inner.source.as_deref()
    }
    /// `won`, `met`, `excepted`, `preempted`, `deferred` or `inactive`.
    #[getter]
    fn role(&self) -> &'static str {
        self.inner.role.as_str()
    }
    /// The dimensions the role applies to.
    #[getter]
    fn dimensions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        names(py, &self.inner.dimensions, sp::Dimension::as_str)
    }
    /// The category this entry was decided for, when the question named several.
    #[getter]
    fn for_category(&self) -> Option<&str> {
        self.inner.for_category.as_deref()
    }
    /// The entry as JSON data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<ProvenanceEntry>().is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "ProvenanceEntry(rule={}, layer={}, role={}, citation={})",
            repr_str(&self.inner.rule),
            repr_str(&self.inner.layer),
            repr_str(self.inner.role.as_str()),
            repr_str(&self.inner.citation)
        )
    }
}

/// A layer whose encoded history begins after the date asked about.
#[pyclass(frozen, module = "stringent", name = "HistoryGap")]
struct HistoryGap {
    inner: sp::HistoryGap,
}

#[pymethods]
impl HistoryGap {
    /// The layer's id.
    #[getter]
    fn layer(&self) -> &str {
        &self.inner.layer
    }
    /// The layer's `history from` date, `YYYY-MM-DD`.
    #[getter]
    fn complete_from(&self) -> &str {
        &self.inner.complete_from
    }
    /// The gap as JSON data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<HistoryGap>().is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "HistoryGap(layer={}, complete_from={})",
            repr_str(&self.inner.layer),
            repr_str(&self.inner.complete_from)
        )
    }
}

/// A layer's declared gap (law not read on a topic) that reaches the question.
#[pyclass(frozen, module = "stringent", name = "UnreadLaw")]
struct UnreadLaw {
    inner: sp::UnreadLaw,
}

#[pymethods]
impl UnreadLaw {
    /// The layer's id.
    #[getter]
    fn layer(&self) -> &str {
        &self.inner.layer
    }
    /// The coverage topic not read.
    #[getter]
    fn topic(&self) -> &str {
        &self.inner.topic
    }
    /// What the layer says was not read.
    #[getter]
    fn note(&self) -> &str {
        &self.inner.note
    }
    /// The gap as JSON data.
    fn to_dict<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        to_python(py, &self.inner)
    }
    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other.cast::<UnreadLaw>().is_ok_and(|o| o.get().inner == self.inner)
    }
    fn __repr__(&self) -> String {
        format!(
            "UnreadLaw(layer={}, topic={}, note={})",
            repr_str(&self.inner.layer),
            repr_str(&self.inner.topic),
            repr_str(&self.inner.note)
        )
    }
}

// ----------------------------------------------------------------------------------------
// Policies
// ----------------------------------------------------------------------------------------

/// Where a policy's jurisdictions come from when first asked about.
enum Opener {
    /// Every jurisdiction was loaded up front (one artifact).
    Loaded,
    /// A compile's output directory: each artifact opened through the index on first use.
    Index(sp::Index),
    /// A compile in memory: each chain built on first use.
    Compiled(Arc<stringent_compiler::Compilation>),
}

/// A loaded policy: one or several jurisdictions, each answering questions. Made by
/// `load()`, `loads()` or `Compilation.policy()`.
#[pyclass(frozen, module = "stringent", name = "Policy")]
struct Policy {
    jurisdictions: Vec<String>,
    position: HashMap<String, usize>,
    /// One per jurisdiction, filled on first use and kept.
    slots: Vec<OnceLock<Arc<sp::LoadedPolicy>>>,
    opener: Opener,
    /// Jurisdiction → its slot, as a Python dict: looked up by the caller's `str` objects
    /// (their cached hashes), with no copy into UTF-8 (abi3 for Python 3.9 has no borrowed
    /// UTF-8 view of a `str`).
    by_name: OnceLock<Py<PyDict>>,
    /// Per slot, per axis: value id → position, as Python dicts, for the same reason.
    ids: Vec<OnceLock<Vec<Py<PyDict>>>>,
}

impl Policy {
    fn new(jurisdictions: Vec<String>, opener: Opener) -> Self {
        let position = jurisdictions.iter().enumerate().map(|(i, j)| (j.clone(), i)).collect();
        let slots = jurisdictions.iter().map(|_| OnceLock::new()).collect();
        let ids = jurisdictions.iter().map(|_| OnceLock::new()).collect();
        Policy { jurisdictions, position, slots, opener, by_name: OnceLock::new(), ids }
    }

    fn one(loaded: sp::LoadedPolicy) -> Self {
        let policy = Policy::new(vec![loaded.policy().jurisdiction().to_owned()], Opener::Loaded);
        if let Some(slot) = policy.slots.first() {
            let _ = slot.set(Arc::new(loaded));
        }
        policy
    }

    /// The jurisdiction's loaded policy, opened now if it was not yet.
    fn get(&self, jurisdiction: &str) -> Result<&Arc<sp::LoadedPolicy>, sp::LoadError> {
        let unknown = || sp::LoadError::UnknownJurisdiction {
            jurisdiction: jurisdiction.to_owned(),
            known: self.jurisdictions.clone(),
        };
        let slot = self.position.get(jurisdiction).and_then(|i| self.slots.get(*i)).ok_or_else(unknown)?;
        if let Some(loaded) = slot.get() {
            return Ok(loaded);
        }
        let loaded = match &self.opener {
            Opener::Loaded => return Err(unknown()),
            Opener::Index(index) => index.open(jurisdiction)?,
            Opener::Compiled(c) => c.loaded(jurisdiction).ok_or_else(|| {
                sp::LoadError::Inconsistent(format!("the compile built no policy for `{jurisdiction}`"))
            })?,
        };
        // Two threads may open it at once; the first one's is kept, both are the same.
        Ok(slot.get_or_init(|| Arc::new(loaded)))
    }

    /// The slot of a jurisdiction; `LoadError` (`unknown_jurisdiction`) if there is none.
    fn slot_of(&self, py: Python<'_>, jurisdiction: &Bound<'_, PyString>) -> PyResult<usize> {
        let by_name = match self.by_name.get() {
            Some(d) => d,
            None => {
                let d = PyDict::new(py);
                for (i, j) in self.jurisdictions.iter().enumerate() {
                    d.set_item(j, i)?;
                }
                self.by_name.get_or_init(|| d.unbind())
            }
        };
        match by_name.bind(py).get_item(jurisdiction)? {
            Some(i) => i.extract(),
            None => {
                let jurisdiction = jurisdiction.to_cow()?.into_owned();
                let known = self.jurisdictions.clone();
                Err(load_error(py, &sp::LoadError::UnknownJurisdiction { jurisdiction, known }))
            }
        }
    }

    /// The loaded policy of a slot, opened now if it was not yet.
    fn opened(&self, py: Python<'_>, slot: usize) -> PyResult<&Arc<sp::LoadedPolicy>> {
        if let Some(loaded) = self.slots.get(slot).and_then(OnceLock::get) {
            return Ok(loaded);
        }
        let name = self.jurisdictions.get(slot).map_or("", String::as_str);
        // Opening reads and hashes a file: let other Python threads run meanwhile.
        py.detach(|| self.get(name)).map_err(|e| load_error(py, &e))
    }

    /// The cell of one value per axis (in the order of the axes); None if one is unknown.
    fn point(
        &self,
        py: Python<'_>,
        slot: usize,
        loaded: &sp::LoadedPolicy,
        values: [&Bound<'_, PyString>; 5],
    ) -> PyResult<Option<[u32; 5]>> {
        let Some(ids) = self.ids.get(slot) else { return Ok(None) };
        let ids = match ids.get() {
            Some(ids) => ids,
            None => {
                let mut axes = Vec::new();
                for axis in &loaded.policy().vocabulary.axes {
                    let d = PyDict::new(py);
                    for (i, v) in axis.values.iter().enumerate() {
                        d.set_item(&v.id, i)?;
                    }
                    axes.push(d.unbind());
                }
                ids.get_or_init(|| axes)
            }
        };
        let mut point = [0u32; 5];
        if ids.len() != point.len() {
            return Ok(None);
        }
        for ((slot, value), axis) in point.iter_mut().zip(values).zip(ids) {
            match axis.bind(py).get_item(value)? {
                Some(i) => *slot = i.extract()?,
                None => return Ok(None),
            }
        }
        Ok(Some(point))
    }
}

/// A category argument: one `str`, or a sequence of `str` for a record that carries them
/// all.
fn categories<'py>(category: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyString>>> {
    if let Ok(s) = category.cast::<PyString>() {
        return Ok(vec![s.clone()]);
    }
    let wrong = || PyTypeError::new_err("category must be a str or a sequence of str");
    if category.cast::<pyo3::types::PyBytes>().is_ok() {
        return Err(wrong());
    }
    category.try_iter().map_err(|_| wrong())?.map(|item| item?.cast_into::<PyString>().map_err(|_| wrong())).collect()
}

#[pymethods]
impl Policy {
    /// The jurisdictions this policy answers for, in the order of the index (federal
    /// first), or the one of a single artifact.
    #[getter]
    fn jurisdictions<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyTuple>> {
        strings(py, &self.jurisdictions)
    }

    /// Answer a question: in `jurisdiction`, may a `holder` disclose a record of `category`
    /// (one id, or a sequence of ids for a record carrying them all) for `purpose` to
    /// `recipient`, about `subject`? Defaults: subject `DEFAULT_SUBJECT` (`adult`), holder
    /// `DEFAULT_HOLDER` (`provider`). Raises `QuestionError` for a value the vocabulary
    /// lacks and `LoadError` for an unknown jurisdiction or an artifact that fails its
    /// checks when first opened.
    #[pyo3(signature = (jurisdiction, category, purpose, recipient, *, subject=None, holder=None))]
    #[allow(clippy::too_many_arguments, reason = "one argument per axis of a question, as Python calls it")]
    fn decide(
        &self,
        py: Python<'_>,
        jurisdiction: &Bound<'_, PyString>,
        category: &Bound<'_, PyAny>,
        purpose: &Bound<'_, PyString>,
        recipient: &Bound<'_, PyString>,
        subject: Option<&Bound<'_, PyString>>,
        holder: Option<&Bound<'_, PyString>>,
    ) -> PyResult<Decision> {
        let subject = subject.unwrap_or_else(|| pyo3::intern!(py, sp::DEFAULT_SUBJECT));
        let holder = holder.unwrap_or_else(|| pyo3::intern!(py, sp::DEFAULT_HOLDER));
        let categories = categories(category)?;
        let slot = self.slot_of(py, jurisdiction)?;
        let policy = self.opened(py, slot)?;
        let entry = match categories.as_slice() {
            [one] => {
                self.point(py, slot, policy, [one, purpose, recipient, subject, holder])?.and_then(|p| policy.entry(&p))
            }
            _ => None,
        };
        let asked = Asked {
            categories: categories.into_iter().map(Bound::unbind).collect(),
            purpose: purpose.clone().unbind(),
            recipient: recipient.clone().unbind(),
            subject: subject.clone().unbind(),
            holder: holder.clone().unbind(),
        };
        let decision = Decision { policy: Arc::clone(policy), asked, entry, full: OnceLock::new() };
        if entry.is_none() {
            // Several categories: the meet, built now. An unknown value: the loader's error.
            decision.inner(py)?;
        }
        Ok(decision)
    }

    /// The level alone (`Decision.level`) of the same question as `decide`, without
    /// building the decision: the lean path for hot loops. Same arguments, same errors.
    #[pyo3(signature = (jurisdiction, category, purpose, recipient, *, subject=None, holder=None))]
    #[allow(clippy::too_many_arguments, reason = "one argument per axis of a question, as Python calls it")]
    fn level(
        &self,
        py: Python<'_>,
        jurisdiction: &Bound<'_, PyString>,
        category: &Bound<'_, PyAny>,
        purpose: &Bound<'_, PyString>,
        recipient: &Bound<'_, PyString>,
        subject: Option<&Bound<'_, PyString>>,
        holder: Option<&Bound<'_, PyString>>,
    ) -> PyResult<&'static str> {
        if let Ok(one) = category.cast::<PyString>() {
            let subject = subject.unwrap_or_else(|| pyo3::intern!(py, sp::DEFAULT_SUBJECT));
            let holder = holder.unwrap_or_else(|| pyo3::intern!(py, sp::DEFAULT_HOLDER));
            let slot = self.slot_of(py, jurisdiction)?;
            let policy = self.opened(py, slot)?;
            if let Some(r) = self
                .point(py, slot, policy, [one, purpose, recipient, subject, holder])?
                .and_then(|p| policy.requirement(&p))
            {
                return Ok(r.level.as_str());
            }
        }
        // Several categories (a meet), or an unknown value (the error `decide` raises).
        self.decide(py, jurisdiction, category, purpose, recipient, subject, holder)?.level(py)
    }

    fn __len__(&self) -> usize {
        self.jurisdictions.len()
    }

    fn __contains__(&self, jurisdiction: &str) -> bool {
        self.position.contains_key(jurisdiction)
    }

    fn __repr__(&self) -> String {
        match self.jurisdictions.as_slice() {
            [one] => format!("<stringent.Policy {one}>"),
            all => format!("<stringent.Policy of {} jurisdictions>", all.len()),
        }
    }
}

/// Load a compiled policy. `path` is one artifact file (`US-CA.json`: one jurisdiction) or
/// the output directory of `stringent compile --out DIR` (its `index.json`: every
/// jurisdiction, each artifact opened and verified on first use and kept). Raises
/// `LoadError` (`code`: `io`, `json`, `hash_mismatch`, …).
#[pyfunction]
fn load(py: Python<'_>, path: PathBuf) -> PyResult<Policy> {
    py.detach(|| -> Result<Policy, sp::LoadError> {
        if path.is_dir() {
            let index = sp::Index::read(&path)?;
            let names = index.jurisdictions().map(str::to_owned).collect();
            Ok(Policy::new(names, Opener::Index(index)))
        } else {
            Ok(Policy::one(sp::LoadedPolicy::load(&path)?))
        }
    })
    .map_err(|e| load_error(py, &e))
}

/// Load one artifact from its JSON bytes (the content of `US-CA.json`), verified as
/// `load()` verifies a file. Raises `LoadError`.
#[pyfunction]
fn loads(py: Python<'_>, data: &[u8]) -> PyResult<Policy> {
    sp::LoadedPolicy::from_json(data).map(Policy::one).map_err(|e| load_error(py, &e))
}

// ----------------------------------------------------------------------------------------
// Compiling and checking
// ----------------------------------------------------------------------------------------

/// A place in a rule file: byte offsets and 1-based lines and columns, as `stringent check
/// --format json` writes it.
#[pyclass(frozen, module = "stringent", name = "Location")]
#[derive(Clone)]
struct Location {
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
struct Diagnostic {
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
struct Compilation {
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
fn date(as_of: Option<&Bound<'_, PyAny>>) -> PyResult<stringent_syntax::Date> {
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

fn compiled(py: Python<'_>, rules_dir: PathBuf, as_of: Option<&Bound<'_, PyAny>>) -> PyResult<Compilation> {
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
fn compile(py: Python<'_>, rules_dir: PathBuf, as_of: Option<&Bound<'_, PyAny>>) -> PyResult<Compilation> {
    compiled(py, rules_dir, as_of)
}

/// Every diagnostic of the rules tree `rules_dir` as of `as_of` (default today): what
/// `stringent check` reports. Empty when the rules are clean.
#[pyfunction]
#[pyo3(signature = (rules_dir, as_of=None))]
fn check<'py>(py: Python<'py>, rules_dir: PathBuf, as_of: Option<&Bound<'py, PyAny>>) -> PyResult<Bound<'py, PyTuple>> {
    let c = compiled(py, rules_dir, as_of)?;
    objects(py, c.diagnostics)
}

/// The native half of the Python package `stringent`; import `stringent`, not this.
#[pymodule]
mod _native {
    #[pymodule_export]
    use super::{
        Compilation, CompileError, Deadline, Decision, Diagnostic, Error, HistoryGap, LoadError, Location, Policy,
        ProvenanceEntry, QuestionError, UnreadLaw, Way, check, compile, load, loads,
    };
    use pyo3::prelude::*;

    #[pymodule_init]
    fn init(m: &Bound<'_, PyModule>) -> PyResult<()> {
        m.add("DEFAULT_SUBJECT", stringent_policy::DEFAULT_SUBJECT)?;
        m.add("DEFAULT_HOLDER", stringent_policy::DEFAULT_HOLDER)?;
        m.add("SCHEMA_VERSION", stringent_policy::artifact::SCHEMA_VERSION)?;
        m.add("__version__", env!("CARGO_PKG_VERSION"))?;
        Ok(())
    }
}
