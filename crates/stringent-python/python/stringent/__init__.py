"""stringent: answer questions from compiled US health-privacy policies.

A question always has the same shape: in jurisdiction J, may a holder disclose a record of
category C, for purpose P, to recipient R, about subject S?

    >>> import stringent
    >>> policy = stringent.load("target/policies")        # stringent compile rules --out …
    >>> d = policy.decide("US-CA", "hiv", "employment", "employer")
    >>> d.level, [p.citation for p in d.provenance if p.role == "won"]

`load(path)` reads one artifact file or a compile's output directory (through its
`index.json`), `loads(data)` one artifact's JSON. `compile(rules_dir)` and
`check(rules_dir)` check and resolve a rules tree in memory. Every answer is a frozen
`Decision` whose `to_dict()` is the JSON of `stringent decide --format json`; every error is
a `stringent.Error` with a stable `code`.

Not legal advice: every rule states how well its citation was checked (`confidence`).
"""

from ._native import (
    DEFAULT_HOLDER as DEFAULT_HOLDER,
    DEFAULT_SUBJECT as DEFAULT_SUBJECT,
    SCHEMA_VERSION as SCHEMA_VERSION,
    CompileError as CompileError,
    Compilation as Compilation,
    Deadline as Deadline,
    Decision as Decision,
    Diagnostic as Diagnostic,
    Error as Error,
    HistoryGap as HistoryGap,
    LoadError as LoadError,
    Location as Location,
    Policy as Policy,
    ProvenanceEntry as ProvenanceEntry,
    QuestionError as QuestionError,
    UnreadLaw as UnreadLaw,
    Way as Way,
    __version__ as __version__,
    check as check,
    compile as compile,
    load as load,
    loads as loads,
)

__all__ = [
    "DEFAULT_HOLDER",
    "DEFAULT_SUBJECT",
    "SCHEMA_VERSION",
    "CompileError",
    "Compilation",
    "Deadline",
    "Decision",
    "Diagnostic",
    "Error",
    "HistoryGap",
    "LoadError",
    "Location",
    "Policy",
    "ProvenanceEntry",
    "QuestionError",
    "UnreadLaw",
    "Way",
    "__version__",
    "check",
    "compile",
    "load",
    "loads",
]
