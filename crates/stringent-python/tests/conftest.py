"""Shared fixtures: the repository's golden vectors and the shipped rules compiled once.

The rules are compiled with the `stringent` CLI into a temporary directory: the binary named
by STRINGENT_BIN when set (run-tests sets it), otherwise `cargo run --release --bin
stringent` from the repository.
"""

from __future__ import annotations

import json
import os
import pathlib
import subprocess
from typing import Any, Dict, List

import pytest

REPO = pathlib.Path(__file__).resolve().parents[3]
RULES = REPO / "rules"
VECTORS = REPO / "tests" / "vectors" / "decisions.json"


@pytest.fixture(scope="session")
def golden() -> Dict[str, Any]:
    data: Dict[str, Any] = json.loads(VECTORS.read_text(encoding="utf-8"))
    assert data["format"] == "stringent-golden-vectors"
    assert data["version"] == 1
    return data


@pytest.fixture(scope="session")
def vectors(golden: Dict[str, Any]) -> List[Dict[str, Any]]:
    return list(golden["vectors"])


@pytest.fixture(scope="session")
def compiled_dir(tmp_path_factory: pytest.TempPathFactory, golden: Dict[str, Any]) -> pathlib.Path:
    out = tmp_path_factory.mktemp("policies")
    binary = os.environ.get("STRINGENT_BIN")
    command = [binary] if binary else ["cargo", "run", "--quiet", "--release", "--bin", "stringent", "--"]
    subprocess.run(
        command + ["compile", str(RULES), "--out", str(out), "--as-of", golden["as_of"]],
        check=True,
        cwd=REPO,
        stdout=subprocess.DEVNULL,
    )
    assert (out / "index.json").is_file()
    return out


def project(decision: Dict[str, Any]) -> Dict[str, Any]:
    """The projection of a JSON decision that tests/vectors/README.md defines."""

    def keep(entry: Dict[str, Any], keys: List[str]) -> Dict[str, Any]:
        return {k: entry[k] for k in keys if entry.get(k) is not None}

    return {
        "chain": decision["chain"],
        "level": decision["level"],
        "governed": decision["governed"],
        "ungoverned_categories": decision.get("ungoverned_categories", []),
        "bases": decision["bases"],
        "ways": decision["ways"],
        "mandatory": decision["mandatory"],
        "deadlines": decision["deadlines"],
        "authorization_elements": decision["authorization_elements"],
        "form": decision["form"],
        "obligations": decision["obligations"],
        "max_validity_days": decision.get("max_validity_days"),
        "provenance": [
            keep(p, ["rule", "layer", "role", "dimensions", "for_category"]) for p in decision.get("provenance", [])
        ],
        "history_incomplete": decision.get("history_incomplete", []),
        "law_unread": [keep(u, ["layer", "topic"]) for u in decision.get("law_unread", [])],
    }
