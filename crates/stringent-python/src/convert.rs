//! Rust values as Python data: serde values (in the JSON's key order), tuples of names and objects, reprs.

use super::*;

/// Serialize with serde and turn the JSON into Python data (`dict`, `list`, `str`, `int`,
/// `float`, `bool`, `None`): what `json.loads` of the same JSON gives, keys in the order
/// `stringent decide --format json` writes them. The JSON text is read back by serde_json
/// into Python objects directly, without a `serde_json::Value` (whose maps are sorted).
pub(crate) fn to_python<'py, T: serde::Serialize>(py: Python<'py>, value: &T) -> PyResult<Bound<'py, PyAny>> {
    let json = serde_json::to_string(value).map_err(|e| Error::new_err(format!("cannot serialize: {e}")))?;
    let mut reader = serde_json::Deserializer::from_str(&json);
    serde::Deserializer::deserialize_any(&mut reader, JsonToPython(py))
        .map_err(|e| Error::new_err(format!("cannot convert to Python: {e}")))
}

/// A serde visitor that builds the Python value of the JSON it is shown.
#[derive(Clone, Copy)]
pub(crate) struct JsonToPython<'py>(Python<'py>);

impl<'de, 'py> serde::de::DeserializeSeed<'de> for JsonToPython<'py> {
    type Value = Bound<'py, PyAny>;
    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_any(self)
    }
}

pub(crate) fn py_failed<E: serde::de::Error>(e: PyErr) -> E {
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

pub(crate) fn json_to_python<'py>(py: Python<'py>, value: &serde_json::Value) -> PyResult<Bound<'py, PyAny>> {
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

pub(crate) fn strings<'py, S: AsRef<str>>(py: Python<'py>, items: &[S]) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, items.iter().map(AsRef::as_ref))
}

pub(crate) fn names<'py, T: Copy>(
    py: Python<'py>,
    items: &[T],
    name: fn(T) -> &'static str,
) -> PyResult<Bound<'py, PyTuple>> {
    PyTuple::new(py, items.iter().map(|i| name(*i)))
}

pub(crate) fn objects<'py, T: pyo3::PyClass + Into<pyo3::PyClassInitializer<T>>>(
    py: Python<'py>,
    items: impl IntoIterator<Item = T>,
) -> PyResult<Bound<'py, PyTuple>> {
    let built: Vec<Bound<'py, T>> = items.into_iter().map(|i| Bound::new(py, i)).collect::<PyResult<_>>()?;
    PyTuple::new(py, built)
}

pub(crate) fn quoted<S: AsRef<str>>(items: impl IntoIterator<Item = S>) -> String {
    let inner: Vec<String> = items.into_iter().map(|s| format!("{:?}", s.as_ref())).collect();
    match inner.len() {
        1 => format!("({},)", inner.join(", ")),
        _ => format!("({})", inner.join(", ")),
    }
}

pub(crate) fn repr_str(s: &str) -> String {
    format!("'{}'", s.replace('\\', "\\\\").replace('\'', "\\'"))
}

// ----------------------------------------------------------------------------------------
// Decisions
// ----------------------------------------------------------------------------------------
