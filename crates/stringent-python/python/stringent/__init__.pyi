"""Type stubs of the package `stringent` (its classes are implemented in Rust, `stringent._native`)."""

import datetime
import os
from typing import Any, Optional, Sequence, Tuple, Union

__version__: str
DEFAULT_SUBJECT: str
"""The subject a question asks about unless told otherwise (`adult`)."""
DEFAULT_HOLDER: str
"""The holder a question asks about unless told otherwise (`provider`)."""
SCHEMA_VERSION: str
"""MAJOR.MINOR of the artifact format this loader writes and reads."""

_Path = Union[str, "os.PathLike[str]"]
_Date = Union[str, datetime.date, None]

class Error(Exception):
    """The base of every error the package raises; str() is the Rust message."""

    code: str
    """A stable name for the kind of error."""

class LoadError(Error):
    """A file or directory could not be loaded. `code` is the loader's `LoadError::code()`:
    `io`, `not_a_file`, `too_large`, `json`, `wrong_format`, `unsupported_version`,
    `too_old`, `hash_mismatch`, `integrity_mismatch`, `missing_integrity`, `not_an_index`,
    `unknown_jurisdiction`, `outside_directory`, `duplicate_jurisdiction`,
    `index_mismatch` or `inconsistent`."""

class QuestionError(Error):
    """A question names something the vocabulary lacks: `code` is `unknown_value` (then
    `axis`, `value` and `valid` say which), `no_category`, or `too_many_ways` (categories
    asked together whose requirements combine past the bound; they are None)."""

    axis: Optional[str]
    value: Optional[str]
    valid: Optional[Tuple[str, ...]]

class CompileError(Error):
    """The rules have errors (`code` is `compile_errors`); `diagnostics` holds them all."""

    diagnostics: Tuple["Diagnostic", ...]

class Way:
    """One way to make a disclosure lawful: these bases together, when these conditions hold."""

    @property
    def bases(self) -> Tuple[str, ...]: ...
    @property
    def conditions(self) -> Tuple[str, ...]: ...
    @property
    def level(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class Deadline:
    """`days` days, counted as `unit` (`calendar_days`, `business_days`), to `action`
    (`inspect`, `copy`, `any`)."""

    @property
    def days(self) -> int: ...
    @property
    def unit(self) -> str: ...
    @property
    def action(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class ProvenanceEntry:
    """One rule's part in a decision, with its citations."""

    @property
    def rule(self) -> str: ...
    @property
    def layer(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def citation(self) -> str: ...
    @property
    def citations(self) -> Tuple[str, ...]: ...
    @property
    def confidence(self) -> str: ...
    @property
    def source(self) -> Optional[str]: ...
    @property
    def role(self) -> str: ...
    @property
    def dimensions(self) -> Tuple[str, ...]: ...
    @property
    def for_category(self) -> Optional[str]: ...
    def to_dict(self) -> dict[str, Any]: ...

class HistoryGap:
    """A layer whose encoded history begins after the date asked about."""

    @property
    def layer(self) -> str: ...
    @property
    def complete_from(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class UnreadLaw:
    """A layer's declared gap (law not read on a topic) that reaches the question."""

    @property
    def layer(self) -> str: ...
    @property
    def topic(self) -> str: ...
    @property
    def note(self) -> str: ...
    def to_dict(self) -> dict[str, Any]: ...

class Decision:
    """The answer to a question; immutable. `to_dict()` is the JSON decision."""

    @property
    def jurisdiction(self) -> str: ...
    @property
    def chain(self) -> Tuple[str, ...]: ...
    @property
    def as_of(self) -> str: ...
    @property
    def category(self) -> Tuple[str, ...]: ...
    @property
    def purpose(self) -> str: ...
    @property
    def recipient(self) -> str: ...
    @property
    def subject(self) -> str: ...
    @property
    def holder(self) -> str: ...
    @property
    def level(self) -> str: ...
    @property
    def governed(self) -> bool: ...
    @property
    def ungoverned_categories(self) -> Tuple[str, ...]: ...
    @property
    def bases(self) -> Tuple[str, ...]: ...
    @property
    def ways(self) -> Tuple[Way, ...]: ...
    @property
    def mandatory(self) -> bool: ...
    @property
    def deadlines(self) -> Tuple[Deadline, ...]: ...
    @property
    def authorization_elements(self) -> Tuple[str, ...]: ...
    @property
    def form(self) -> Tuple[str, ...]: ...
    @property
    def obligations(self) -> Tuple[str, ...]: ...
    @property
    def max_validity_days(self) -> Optional[int]: ...
    @property
    def provenance(self) -> Tuple[ProvenanceEntry, ...]: ...
    @property
    def history_incomplete(self) -> Tuple[HistoryGap, ...]: ...
    @property
    def law_unread(self) -> Tuple[UnreadLaw, ...]: ...
    def to_dict(self) -> dict[str, Any]: ...

class Policy:
    """One or several jurisdictions, each answering questions."""

    @property
    def jurisdictions(self) -> Tuple[str, ...]: ...
    def decide(
        self,
        jurisdiction: str,
        category: Union[str, Sequence[str]],
        purpose: str,
        recipient: str,
        *,
        subject: Optional[str] = ...,
        holder: Optional[str] = ...,
    ) -> Decision:
        """Answer a question (subject defaults to DEFAULT_SUBJECT, holder to DEFAULT_HOLDER)."""
    def level(
        self,
        jurisdiction: str,
        category: Union[str, Sequence[str]],
        purpose: str,
        recipient: str,
        *,
        subject: Optional[str] = ...,
        holder: Optional[str] = ...,
    ) -> str:
        """`decide(...).level` without building the decision."""
    def __len__(self) -> int: ...
    def __contains__(self, jurisdiction: object) -> bool: ...

class Location:
    """A place in a rule file: byte offsets, 1-based lines and columns."""

    @property
    def file(self) -> str: ...
    @property
    def start(self) -> int: ...
    @property
    def end(self) -> int: ...
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...
    @property
    def end_line(self) -> int: ...
    @property
    def end_column(self) -> int: ...
    @property
    def label(self) -> Optional[str]: ...

class Diagnostic:
    """A problem in the rules, with the facts of `stringent check --format json`."""

    @property
    def code(self) -> str: ...
    @property
    def severity(self) -> str: ...
    @property
    def message(self) -> str: ...
    @property
    def help(self) -> Optional[str]: ...
    @property
    def location(self) -> Optional[Location]: ...
    @property
    def file(self) -> Optional[str]: ...
    @property
    def line(self) -> Optional[int]: ...
    @property
    def column(self) -> Optional[int]: ...
    @property
    def related(self) -> Tuple[Location, ...]: ...
    @property
    def is_error(self) -> bool: ...
    def to_dict(self) -> dict[str, Any]: ...

class Compilation:
    """A rules tree checked and resolved in memory."""

    @property
    def diagnostics(self) -> Tuple[Diagnostic, ...]: ...
    @property
    def ok(self) -> bool: ...
    @property
    def has_errors(self) -> bool: ...
    @property
    def errors(self) -> int: ...
    @property
    def warnings(self) -> int: ...
    @property
    def jurisdictions(self) -> Tuple[str, ...]: ...
    @property
    def as_of(self) -> str: ...
    def policy(self) -> Policy:
        """Every chain's answers; raises CompileError when the rules have errors."""

def load(path: _Path) -> Policy:
    """Load an artifact file or a compile's output directory (its index.json)."""

def loads(data: bytes) -> Policy:
    """Load one artifact from its JSON bytes."""

def compile(rules_dir: _Path, as_of: _Date = None) -> Compilation:
    """Check and resolve a rules tree in memory (as_of default: today, UTC)."""

def check(rules_dir: _Path, as_of: _Date = None) -> Tuple[Diagnostic, ...]:
    """Every diagnostic of a rules tree (empty when clean)."""
