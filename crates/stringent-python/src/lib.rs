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

mod compilation;
mod convert;
mod decision;
mod errors;
mod policy;

use compilation::*;
use convert::*;
use decision::*;
use errors::*;
use policy::*;

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
