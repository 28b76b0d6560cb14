"""A small program typed against the package's stubs (checked with mypy --strict)."""

from __future__ import annotations

import datetime
from typing import Dict, List, Optional, Tuple

import stringent


def summarize(policy: stringent.Policy, jurisdiction: str) -> Dict[str, object]:
    d: stringent.Decision = policy.decide(jurisdiction, ["hiv", "general"], "employment", "employer", subject="adult")
    level: str = d.level
    citations: List[str] = [c for p in d.provenance for c in p.citations]
    days: Optional[int] = d.max_validity_days
    deadlines: List[Tuple[int, str, str]] = [(x.days, x.unit, x.action) for x in d.deadlines]
    lean: str = policy.level(jurisdiction, "general", "treatment", "provider")
    return {"level": level, "citations": citations, "days": days, "deadlines": deadlines, "lean": lean, "json": d.to_dict()}


def report(rules: str) -> List[str]:
    lines: List[str] = []
    for diag in stringent.check(rules, datetime.date(2026, 12, 1)):
        where: Optional[str] = diag.file
        line: Optional[int] = diag.line
        lines.append(f"{where}:{line}: {diag.code} {diag.message}")
    compilation = stringent.compile(rules)
    if compilation.ok:
        policy = compilation.policy()
        lines.extend(policy.jurisdictions)
    return lines


def load_safely(path: str) -> Optional[stringent.Policy]:
    try:
        return stringent.load(path)
    except stringent.LoadError as e:
        code: str = e.code
        print(code, str(e))
        return None
    except stringent.QuestionError as e:
        axis: Optional[str] = e.axis
        print(axis)
        return None
