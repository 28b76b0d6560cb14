"""The package's API: errors, immutability, defaults, diagnostics, and the JSON decision."""

from __future__ import annotations

import datetime
import json
import os
import pathlib
import shutil
import subprocess
from typing import Any

import pytest

import stringent

from conftest import REPO, RULES


@pytest.fixture(scope="module")
def policy(compiled_dir: pathlib.Path) -> stringent.Policy:
    return stringent.load(compiled_dir)


@pytest.fixture(scope="module")
def artifact(compiled_dir: pathlib.Path) -> pathlib.Path:
    index = json.loads((compiled_dir / "index.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in index["policies"] if e["jurisdiction"] == "US-CA"]
    return compiled_dir / entry["file"]


def test_decision_is_the_json_of_stringent_decide(compiled_dir: pathlib.Path, policy: stringent.Policy) -> None:
    """`to_dict()` is exactly `stringent decide --format json` (keys in the same order)."""
    binary = os.environ.get("STRINGENT_BIN")
    command = [binary] if binary else ["cargo", "run", "--quiet", "--release", "--bin", "stringent", "--"]
    questions = [
        ("US-CA", ["hiv"], "employment", "employer", "adult", "provider"),
        ("US-CA", ["general"], "patient_access", "patient", "adult", "provider"),
        ("US-NY", ["hiv", "mental_health"], "treatment", "provider", "minor", "provider"),
        ("org:example_clinic", ["general"], "treatment", "provider", "adult", "provider"),
    ]
    for jurisdiction, categories, purpose, recipient, subject, holder in questions:
        args = ["decide", "--policy", str(compiled_dir), "--jurisdiction", jurisdiction]
        for c in categories:
            args += ["--category", c]
        args += ["--purpose", purpose, "--recipient", recipient, "--subject", subject, "--holder", holder]
        out = subprocess.run(command + args + ["--format", "json"], check=True, cwd=REPO, capture_output=True).stdout
        expected = json.loads(out)
        category = categories[0] if len(categories) == 1 else categories
        got = policy.decide(jurisdiction, category, purpose, recipient, subject=subject, holder=holder).to_dict()
        assert got == expected
        assert list(got) == list(expected)  # the same key order
        assert json.dumps(got) == json.dumps(expected)


def test_defaults_come_from_the_loader(policy: stringent.Policy) -> None:
    assert stringent.DEFAULT_SUBJECT == "adult"
    assert stringent.DEFAULT_HOLDER == "provider"
    d = policy.decide("US", "general", "treatment", "provider")
    assert (d.subject, d.holder) == (stringent.DEFAULT_SUBJECT, stringent.DEFAULT_HOLDER)
    explicit = policy.decide("US", "general", "treatment", "provider", subject="adult", holder="provider")
    assert d == explicit
    assert d.to_dict() == explicit.to_dict()


def test_category_may_be_a_sequence(policy: stringent.Policy) -> None:
    one = policy.decide("US-NY", "hiv", "employment", "employer")
    assert one.category == ("hiv",)
    assert policy.decide("US-NY", ["hiv"], "employment", "employer") == one
    assert policy.decide("US-NY", ("hiv",), "employment", "employer") == one
    both = policy.decide("US-NY", ["hiv", "general"], "employment", "employer")
    assert both.category == ("hiv", "general")
    assert all(p.for_category in ("hiv", "general") for p in both.provenance)
    with pytest.raises(TypeError):
        policy.decide("US-NY", 3, "employment", "employer")  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        policy.decide("US-NY", [b"hiv"], "employment", "employer")  # type: ignore[list-item]
    with pytest.raises(stringent.QuestionError) as caught:
        policy.decide("US-NY", [], "employment", "employer")
    assert caught.value.code == "no_category"
    assert caught.value.axis is None and caught.value.value is None


def test_question_errors(policy: stringent.Policy) -> None:
    for axis, args, kwargs in [
        ("category", ("nope", "treatment", "provider"), {}),
        ("purpose", ("general", "nope", "provider"), {}),
        ("recipient", ("general", "treatment", "nope"), {}),
        ("subject", ("general", "treatment", "provider"), {"subject": "nope"}),
        ("holder", ("general", "treatment", "provider"), {"holder": "nope"}),
    ]:
        with pytest.raises(stringent.QuestionError) as caught:
            policy.decide("US", *args, **kwargs)
        err = caught.value
        assert isinstance(err, stringent.Error)
        assert err.code == "unknown_value"
        assert (err.axis, err.value) == (axis, "nope")
        assert err.valid and all(isinstance(v, str) for v in err.valid)
        assert str(err).startswith(f"unknown {axis} `nope`; valid values: ")
        with pytest.raises(stringent.QuestionError):
            policy.level("US", *args, **kwargs)


def test_load_errors(tmp_path: pathlib.Path, policy: stringent.Policy, artifact: pathlib.Path) -> None:
    def code_of(call: Any) -> str:
        with pytest.raises(stringent.LoadError) as caught:
            call()
        assert isinstance(caught.value, stringent.Error)
        assert str(caught.value)
        return str(caught.value.code)

    assert code_of(lambda: stringent.load(tmp_path / "missing.json")) == "io"
    assert code_of(lambda: stringent.load(tmp_path)) == "io"  # a directory without index.json
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert code_of(lambda: stringent.load(bad)) == "json"
    assert code_of(lambda: stringent.loads(b"{not json")) == "json"
    assert code_of(lambda: stringent.loads(artifact.read_bytes()[:200])) == "json"
    data = json.loads(artifact.read_bytes())
    data["content_hash"] = "sha256:" + "0" * 64
    tampered = tmp_path / "tampered.json"
    tampered.write_text(json.dumps(data), encoding="utf-8")
    assert code_of(lambda: stringent.load(tampered)) == "hash_mismatch"
    assert code_of(lambda: stringent.loads(json.dumps(data).encode())) == "hash_mismatch"
    data = json.loads(artifact.read_bytes())
    data["rules"][0]["title"] = "edited by hand"
    assert code_of(lambda: stringent.loads(json.dumps(data).encode())) == "integrity_mismatch"
    index = tmp_path / "dir"
    index.mkdir()
    (index / "index.json").write_bytes(artifact.read_bytes())
    assert code_of(lambda: stringent.load(index)) == "not_an_index"
    assert code_of(lambda: policy.decide("US-XX", "general", "treatment", "provider")) == "unknown_jurisdiction"
    single = stringent.load(artifact)
    assert code_of(lambda: single.decide("US-NY", "general", "treatment", "provider")) == "unknown_jurisdiction"


def test_an_artifact_tampered_after_load_of_the_index_is_refused_when_opened(
    tmp_path: pathlib.Path, compiled_dir: pathlib.Path
) -> None:
    copy = tmp_path / "policies"
    shutil.copytree(compiled_dir, copy)
    index = json.loads((copy / "index.json").read_text(encoding="utf-8"))
    (entry,) = [e for e in index["policies"] if e["jurisdiction"] == "US-TX"]
    policy = stringent.load(copy)
    path = copy / entry["file"]
    data = json.loads(path.read_bytes())
    data["content_hash"] = "sha256:" + "1" * 64
    path.write_text(json.dumps(data), encoding="utf-8")
    assert policy.decide("US-CA", "general", "treatment", "provider").level == "allowed"
    with pytest.raises(stringent.LoadError) as caught:
        policy.decide("US-TX", "general", "treatment", "provider")
    assert caught.value.code == "hash_mismatch"


def test_decision_is_frozen(policy: stringent.Policy) -> None:
    d = policy.decide("US-CA", "hiv", "employment", "employer")
    for name in ["level", "provenance", "jurisdiction", "nonexistent"]:
        with pytest.raises(AttributeError):
            setattr(d, name, "x")
    p = d.provenance[0]
    with pytest.raises(AttributeError):
        p.rule = "x"  # type: ignore[misc]
    assert isinstance(d.provenance, tuple) and isinstance(d.bases, tuple) and isinstance(d.chain, tuple)
    before = d.to_dict()
    before["level"] = "changed"
    assert d.to_dict()["level"] == d.level != "changed"


def test_nested_values(policy: stringent.Policy) -> None:
    access = policy.decide("US-CA", "general", "patient_access", "patient")
    assert access.mandatory
    assert access.deadlines and all(isinstance(x, stringent.Deadline) for x in access.deadlines)
    assert {x.unit for x in access.deadlines} <= {"calendar_days", "business_days"}
    assert [x.to_dict() for x in access.deadlines] == access.to_dict()["deadlines"]
    hiv = policy.decide("US-CA", "hiv", "employment", "employer")
    assert hiv.level == "specific_authorization"
    won = [p for p in hiv.provenance if p.role == "won"]
    assert won and all(p.citations and p.citation == "; ".join(p.citations) for p in won)
    assert all(p.confidence in ("verified", "secondary", "recalled", "unverified") for p in hiv.provenance)
    assert [w.to_dict() for w in hiv.ways] == hiv.to_dict()["ways"]
    assert [p.to_dict() for p in hiv.provenance] == hiv.to_dict()["provenance"]
    assert "Decision(jurisdiction='US-CA'" in repr(hiv) and "specific_authorization" in repr(hiv)
    assert "ProvenanceEntry(rule=" in repr(hiv.provenance[0])


def test_compile_check_and_compile_errors(tmp_path: pathlib.Path) -> None:
    tree = tmp_path / "rules"
    shutil.copytree(RULES / "vocabulary", tree / "vocabulary")
    shutil.copytree(RULES / "us", tree / "us")
    clean = stringent.compile(tree, datetime.date(2026, 12, 1))
    assert clean.ok and clean.errors == 0
    assert clean.jurisdictions == ("US",)
    assert clean.policy().decide("US", "general", "treatment", "provider").level == "allowed"
    assert [d for d in stringent.check(tree, "2026-12-01") if d.is_error] == []

    federal = tree / "us" / "federal.stringent"
    text = federal.read_text(encoding="utf-8")
    assert "category health_information" in text
    federal.write_text(text.replace("category health_information", "category health_informaton", 1), encoding="utf-8")
    (tree / "us" / "broken.stringent").write_text("this is not a rule file\n", encoding="utf-8")
    diagnostics = stringent.check(tree, "2026-12-01")
    codes = {d.code for d in diagnostics if d.is_error}
    assert "E0100" in codes  # syntax
    assert "E0200" in codes  # unknown name
    unknown = next(d for d in diagnostics if d.code == "E0200")
    assert unknown.severity == "error"
    assert unknown.file is not None and unknown.file.endswith("us/federal.stringent")
    assert unknown.line is not None and unknown.line > 1 and unknown.column is not None
    assert "health_informaton" in unknown.message
    as_json = unknown.to_dict()
    assert as_json["code"] == "E0200" and as_json["location"]["line"] == unknown.line
    assert set(as_json) == {"code", "severity", "message", "location", "help", "related"}

    broken = stringent.compile(tree, "2026-12-01")
    assert broken.has_errors and not broken.ok and broken.errors >= 2
    with pytest.raises(stringent.CompileError) as caught:
        broken.policy()
    err = caught.value
    assert isinstance(err, stringent.Error)
    assert err.code == "compile_errors"
    assert {d.code for d in err.diagnostics} == {d.code for d in broken.diagnostics}

    missing = stringent.check(tmp_path / "nowhere")
    assert [d.code for d in missing] == ["E0001"]


def test_bad_dates() -> None:
    with pytest.raises(ValueError):
        stringent.compile(RULES, "2026-02-30")
    with pytest.raises(TypeError):
        stringent.compile(RULES, 20261201)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        stringent.compile(RULES, datetime.datetime(2026, 12, 1))


def test_policy_container(policy: stringent.Policy) -> None:
    assert len(policy) == len(policy.jurisdictions)
    assert "US-CA" in policy and "US-XX" not in policy
    assert policy.jurisdictions[0] == "US"
    assert "53 jurisdictions" in repr(policy)


def test_the_exceptions_form_a_hierarchy() -> None:
    for cls in (stringent.LoadError, stringent.QuestionError, stringent.CompileError):
        assert issubclass(cls, stringent.Error)
    assert issubclass(stringent.Error, Exception)
    assert stringent.Error.__module__ == "stringent"


def test_documented() -> None:
    for obj in (stringent.load, stringent.loads, stringent.compile, stringent.check, stringent.Policy.decide):
        assert obj.__doc__ and len(obj.__doc__) > 40
    assert stringent.Decision.__doc__
    assert stringent.__version__ == "0.1.0"


def test_typed_example_passes_mypy_strict(tmp_path: pathlib.Path) -> None:
    """The stubs type a small program under `mypy --strict` (skipped where mypy is absent)."""
    mypy = pytest.importorskip("mypy.api")
    example = pathlib.Path(__file__).with_name("typed_example.py")
    out, err, status = mypy.run(["--strict", "--cache-dir", str(tmp_path / "cache"), str(example)])
    assert status == 0, out + err
    # And a wrong use is caught.
    wrong = tmp_path / "wrong.py"
    wrong.write_text(
        "import stringent\n"
        "p = stringent.load('x')\n"
        "d = p.decide('US', 'general', 'treatment', 'provider')\n"
        "n: int = d.level\n",
        encoding="utf-8",
    )
    out, err, status = mypy.run(["--strict", "--cache-dir", str(tmp_path / "cache"), str(wrong)])
    assert status == 1 and "incompatible" in out.lower(), out + err
