"""Every golden vector (tests/vectors/decisions.json) answered by the package, from the
artifacts the CLI wrote, and a sample of them from a compile in memory."""

from __future__ import annotations

import json
import pathlib
from typing import Any, Dict, List

import pytest

import stringent

from conftest import RULES, project


def ask(policy: stringent.Policy, vector: Dict[str, Any]) -> stringent.Decision:
    q = vector["question"]
    category = q["category"][0] if len(q["category"]) == 1 else q["category"]
    return policy.decide(
        vector["jurisdiction"], category, q["purpose"], q["recipient"], subject=q["subject"], holder=q["holder"]
    )


def from_attributes(d: stringent.Decision) -> Dict[str, Any]:
    """The JSON decision rebuilt from the attributes alone."""
    out: Dict[str, Any] = {
        "jurisdiction": d.jurisdiction,
        "chain": list(d.chain),
        "as_of": d.as_of,
        "category": list(d.category),
        "purpose": d.purpose,
        "recipient": d.recipient,
        "subject": d.subject,
        "holder": d.holder,
        "level": d.level,
        "governed": d.governed,
        "bases": list(d.bases),
        "ways": [{"bases": list(w.bases), "conditions": list(w.conditions), "level": w.level} for w in d.ways],
        "mandatory": d.mandatory,
        "deadlines": [{"days": x.days, "unit": x.unit, "action": x.action} for x in d.deadlines],
        "authorization_elements": list(d.authorization_elements),
        "form": list(d.form),
        "obligations": list(d.obligations),
        "max_validity_days": d.max_validity_days,
        "provenance": [],
    }
    if d.ungoverned_categories:
        out["ungoverned_categories"] = list(d.ungoverned_categories)
    for p in d.provenance:
        entry: Dict[str, Any] = {
            "rule": p.rule,
            "layer": p.layer,
            "title": p.title,
            "citation": p.citation,
            "citations": list(p.citations),
            "confidence": p.confidence,
            "source": p.source,
            "role": p.role,
            "dimensions": list(p.dimensions),
        }
        if p.for_category is not None:
            entry["for_category"] = p.for_category
        out["provenance"].append(entry)
    if d.history_incomplete:
        out["history_incomplete"] = [{"layer": h.layer, "complete_from": h.complete_from} for h in d.history_incomplete]
    if d.law_unread:
        out["law_unread"] = [{"layer": u.layer, "topic": u.topic, "note": u.note} for u in d.law_unread]
    return out


def test_every_golden_vector_from_the_compiled_directory(
    compiled_dir: pathlib.Path, golden: Dict[str, Any], vectors: List[Dict[str, Any]]
) -> None:
    policy = stringent.load(compiled_dir)
    assert len(policy.jurisdictions) == golden["chains"]
    answered = refused = 0
    for vector in vectors:
        if "error" in vector:
            with pytest.raises(stringent.QuestionError) as caught:
                ask(policy, vector)
            err = caught.value
            assert str(err) == vector["error"]["message"], vector
            assert err.code == "unknown_value"
            assert err.axis == vector["error"]["axis"]
            assert err.value in vector["question"][err.axis] or err.value == vector["question"][err.axis]
            refused += 1
            continue
        d = ask(policy, vector)
        as_dict = d.to_dict()
        assert project(as_dict) == vector["expect"], vector
        # The attributes say what the JSON says, field for field.
        assert from_attributes(d) == as_dict, vector
        assert d.as_of == golden["as_of"]
        assert d.jurisdiction == vector["jurisdiction"]
        q = vector["question"]
        assert (list(d.category), d.purpose, d.recipient, d.subject, d.holder) == (
            q["category"],
            q["purpose"],
            q["recipient"],
            q["subject"],
            q["holder"],
        )
        # The lean path answers the same level.
        category = q["category"][0] if len(q["category"]) == 1 else q["category"]
        assert (
            policy.level(
                vector["jurisdiction"], category, q["purpose"], q["recipient"], subject=q["subject"], holder=q["holder"]
            )
            == d.level
        )
        answered += 1
    assert answered > 3000 and refused >= 5, (answered, refused)


def test_golden_vectors_from_single_artifacts(compiled_dir: pathlib.Path, vectors: List[Dict[str, Any]]) -> None:
    """`load(file)` and `loads(bytes)` of one artifact answer as the directory does."""
    index = json.loads((compiled_dir / "index.json").read_text(encoding="utf-8"))
    files = {e["jurisdiction"]: compiled_dir / e["file"] for e in index["policies"]}
    for jurisdiction in ["US", "US-CA", "org:example_clinic"]:
        path = files[jurisdiction]
        by_file = stringent.load(path)
        by_bytes = stringent.loads(path.read_bytes())
        assert by_file.jurisdictions == (jurisdiction,) == by_bytes.jurisdictions
        mine = [v for v in vectors if v["jurisdiction"] == jurisdiction and "expect" in v]
        assert mine
        for vector in mine:
            assert project(ask(by_file, vector).to_dict()) == vector["expect"]
            assert project(ask(by_bytes, vector).to_dict()) == vector["expect"]


def test_compile_in_memory_answers_like_the_vectors(golden: Dict[str, Any], vectors: List[Dict[str, Any]]) -> None:
    compilation = stringent.compile(RULES, golden["as_of"])
    assert compilation.ok and not compilation.has_errors
    assert compilation.as_of == golden["as_of"]
    assert "US-CA" in compilation.jurisdictions
    policy = compilation.policy()
    sample = [v for v in vectors if "expect" in v][::25]
    sample += [v for v in vectors if len(v["question"]["category"]) > 1][:10]
    for vector in sample:
        assert project(ask(policy, vector).to_dict()) == vector["expect"], vector
    errors = [v for v in vectors if "error" in v]
    for vector in errors:
        with pytest.raises(stringent.QuestionError, match="unknown"):
            ask(policy, vector)
