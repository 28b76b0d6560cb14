//! `Policy`: one artifact, or a compile's directory opened jurisdiction by jurisdiction; `load`, `loads`.

use super::*;

/// Where a policy's jurisdictions come from when first asked about.
pub(crate) enum Opener {
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
pub(crate) struct Policy {
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
    pub(crate) fn new(jurisdictions: Vec<String>, opener: Opener) -> Self {
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
pub(crate) fn categories<'py>(category: &Bound<'py, PyAny>) -> PyResult<Vec<Bound<'py, PyString>>> {
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
pub(crate) fn load(py: Python<'_>, path: PathBuf) -> PyResult<Policy> {
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
pub(crate) fn loads(py: Python<'_>, data: &[u8]) -> PyResult<Policy> {
    sp::LoadedPolicy::from_json(data).map(Policy::one).map_err(|e| load_error(py, &e))
}

// ----------------------------------------------------------------------------------------
// Compiling and checking
// ----------------------------------------------------------------------------------------
