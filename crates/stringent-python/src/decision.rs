//! The answer's frozen Python objects: `Decision` (filled from the cell at once, the rest on first read) and its parts.

use super::*;

/// The answer to a question: how much it takes to make the disclosure, and the rules that
/// decided it with their citations. Immutable. Every field of the JSON decision
/// (`stringent decide --format json`) is an attribute; `to_dict()` gives that JSON as
/// Python data.
#[pyclass(frozen, module = "stringent", name = "Decision")]
pub(crate) struct Decision {
    /// The jurisdiction's policy, shared with the `Policy` that answered.
    pub(crate) policy: Arc<sp::LoadedPolicy>,
    pub(crate) asked: Asked,
    /// For a question about one category: the cell's `[requirement, provenance]`, read at
    /// `decide`. The level, mandate and whether it is governed are read from it directly.
    pub(crate) entry: Option<[u32; 2]>,
    /// The loader's `Decision`: built by `LoadedPolicy::decide` when a field beyond those is
    /// first read (at once for several categories), then kept.
    pub(crate) full: OnceLock<sp::Decision<'static>>,
}

/// A question as asked: the caller's own `str` objects, copied into Rust strings only when
/// the whole decision is built.
pub(crate) struct Asked {
    pub(crate) categories: Vec<Py<PyString>>,
    pub(crate) purpose: Py<PyString>,
    pub(crate) recipient: Py<PyString>,
    pub(crate) subject: Py<PyString>,
    pub(crate) holder: Py<PyString>,
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
    pub(crate) fn inner(&self, py: Python<'_>) -> PyResult<&sp::Decision<'static>> {
        if let Some(d) = self.full.get() {
            return Ok(d);
        }
        let built = self.policy.decide(&self.asked.question(py)?).map_err(|e| question_error(py, &e))?.into_owned();
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
    pub(crate) fn level(&self, py: Python<'_>) -> PyResult<&'static str> {
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
            quoted(d.category.iter()).replace('"', "'"),
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
pub(crate) struct Way {
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
    pub(crate) fn level(&self) -> &'static str {
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
pub(crate) struct Deadline {
    inner: sp::Deadline,
}

pub(crate) fn unit_name(u: sp::DayUnit) -> &'static str {
    match u {
        sp::DayUnit::CalendarDays => "calendar_days",
        sp::DayUnit::BusinessDays => "business_days",
    }
}

pub(crate) fn action_name(a: sp::Action) -> &'static str {
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
pub(crate) struct ProvenanceEntry {
    inner: sp::ProvenanceEntry<'static>,
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
pub(crate) struct HistoryGap {
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
pub(crate) struct UnreadLaw {
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
