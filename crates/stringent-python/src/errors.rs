//! The package's exceptions, and the loader's errors turned into them with their stable codes.

use super::*;

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
    "A question names something the policy's vocabulary lacks. `code` is `unknown_value` (with `axis` and `value`, and `valid`: the axis's value ids), `no_category` or `too_many_ways` (categories asked together whose requirements combine past the bound)."
);
create_exception!(
    stringent,
    CompileError,
    Error,
    "The rules have errors, so no policy is answered from them. `code` is `compile_errors`; `diagnostics` holds every diagnostic of the compile."
);

/// An exception of class `make` with `str()` = `message` and the attributes given.
pub(crate) fn raise(
    py: Python<'_>,
    make: fn(String) -> PyErr,
    message: String,
    attributes: &[(&str, Bound<'_, PyAny>)],
) -> PyErr {
    let err = make(message);
    let value = err.value(py);
    for (name, attr) in attributes {
        if let Err(e) = value.setattr(*name, attr) {
            return e;
        }
    }
    err
}

pub(crate) fn load_error(py: Python<'_>, e: &sp::LoadError) -> PyErr {
    raise(py, LoadError::new_err, e.to_string(), &[("code", PyString::new(py, e.code()).into_any())])
}

pub(crate) fn question_error(py: Python<'_>, e: &sp::QuestionError) -> PyErr {
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
        sp::QuestionError::NoCategory | sp::QuestionError::TooManyWays => (none(), none(), none()),
    };
    raise(
        py,
        QuestionError::new_err,
        e.to_string(),
        &[("code", PyString::new(py, e.code()).into_any()), ("axis", axis), ("value", value), ("valid", valid)],
    )
}
