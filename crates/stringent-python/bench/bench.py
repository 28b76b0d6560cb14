"""Benchmark: `stringent` (Rust, through PyO3) against a pure-Python lookup in the artifacts.

    python bench/bench.py [--policies DIR] [--questions N] [--repeat R]

DIR is the output of `stringent compile rules --out DIR`; without it the shipped rules are
compiled into a temporary directory (STRINGENT_BIN, else `cargo run --release`). The questions
are drawn uniformly over (chain, cell) with a fixed seed, one category each, by value ids,
as a caller asks them. Both sides answer the same questions in the same run:

- Rust: `Policy.decide` (the decision is completed lazily: level, bases, mandate and
  whether it is governed are read from the cell at once, the rest is built by the loader's
  `decide` when first read), the same plus reading `level`, `bases` and `provenance` (which
  builds the whole decision), plus `to_dict()`, and `Policy.level` (the lean path).
- Python: each artifact read once with `json`, value ids indexed once; per question the
  tuple of classes from `regions.classes` and the strides over the class counts (as
  `stringent_policy::grid` does), the table entry, and the answer's level, bases and
  provenance entries built as the loader builds them (rule, layer, title, citation joined,
  citations, confidence, source, role, dimensions); and the level alone.

Each figure is the best of R rounds, each round running every figure once (time per\nquestion); ratios are Python / Rust.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import random
import subprocess
import sys
import tempfile
import time
from typing import Any, Callable, Dict, List, Sequence, Tuple

import stringent

REPO = pathlib.Path(__file__).resolve().parents[3]
Question = Tuple[str, str, str, str, str, str]


class PurePython:
    """Answers from the artifact JSON alone, in pure Python."""

    def __init__(self, directory: pathlib.Path) -> None:
        index = json.loads((directory / "index.json").read_text(encoding="utf-8"))
        self.chains: Dict[str, Dict[str, Any]] = {}
        for entry in index["policies"]:
            with open(directory / entry["file"], "rb") as f:
                artifact = json.load(f)
            axes = artifact["vocabulary"]["axes"]
            classes = artifact["regions"]["classes"]
            counts = [max(c) + 1 for c in classes]
            strides = [1] * len(counts)
            for axis in range(len(counts) - 2, -1, -1):
                strides[axis] = strides[axis + 1] * counts[axis + 1]
            # Per axis, value id -> what the value adds to the tuple's number.
            offsets = [
                {v["id"]: classes[a][i] * strides[a] for i, v in enumerate(axis["values"])} for a, axis in enumerate(axes)
            ]
            self.chains[entry["jurisdiction"]] = {
                "offsets": offsets,
                "table": artifact["regions"]["table"],
                "requirements": artifact["requirements"],
                "provenance": artifact["provenance"],
                "rules": artifact["rules"],
            }

    def entry(self, q: Question) -> Tuple[Dict[str, Any], List[Any], List[Dict[str, Any]]]:
        c = self.chains[q[0]]
        o = c["offsets"]
        tuple_ = o[0][q[1]] + o[1][q[2]] + o[2][q[3]] + o[3][q[4]] + o[4][q[5]]
        requirement, provenance = c["table"][tuple_]
        return c["requirements"][requirement], c["provenance"][provenance], c["rules"]

    def level(self, q: Question) -> str:
        requirement, _, _ = self.entry(q)
        return str(requirement["level"])

    def answer(self, q: Question) -> Dict[str, Any]:
        requirement, involvements, rules = self.entry(q)
        provenance = []
        for inv in involvements:
            rule = rules[inv["rule"]]
            provenance.append(
                {
                    "rule": rule["id"],
                    "layer": rule["layer"],
                    "title": rule["title"],
                    "citation": "; ".join(rule["citations"]),
                    "citations": list(rule["citations"]),
                    "confidence": rule["confidence"],
                    "source": rule["source"],
                    "role": inv["role"],
                    "dimensions": list(inv["dimensions"]),
                }
            )
        return {"level": requirement["level"], "bases": list(requirement["bases"]), "provenance": provenance}


def questions(policy_dir: pathlib.Path, n: int, seed: int = 20261201) -> List[Question]:
    index = json.loads((policy_dir / "index.json").read_text(encoding="utf-8"))
    first = index["policies"][0]
    artifact = json.loads((policy_dir / first["file"]).read_text(encoding="utf-8"))
    ids = [[v["id"] for v in axis["values"]] for axis in artifact["vocabulary"]["axes"]]
    chains = [e["jurisdiction"] for e in index["policies"]]
    rng = random.Random(seed)
    return [
        (rng.choice(chains), rng.choice(ids[0]), rng.choice(ids[1]), rng.choice(ids[2]), rng.choice(ids[3]), rng.choice(ids[4]))
        for _ in range(n)
    ]


def best(run: Callable[[], None], n: int, repeat: int) -> float:
    # CPU time of this process, not wall time: the machine may be shared, and time spent
    # waiting for a core is no cost of either side.
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times) / n


def compile_rules(out: pathlib.Path) -> None:
    binary = os.environ.get("STRINGENT_BIN")
    command = [binary] if binary else ["cargo", "run", "--quiet", "--release", "--bin", "stringent", "--"]
    subprocess.run(command + ["compile", "rules", "--out", str(out), "--as-of", "2026-12-01"], check=True, cwd=REPO)


def main(argv: Sequence[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--policies", type=pathlib.Path)
    parser.add_argument("--questions", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        directory = args.policies
        if directory is None:
            directory = pathlib.Path(tmp) / "policies"
            compile_rules(directory)
        return run(directory, args.questions, args.repeat)


def run(directory: pathlib.Path, n: int, repeat: int) -> int:
    qs = questions(directory, n)

    start = time.perf_counter()
    policy = stringent.load(directory)
    for j in policy.jurisdictions:  # open and verify every artifact
        policy.level(j, "general", "treatment", "provider")
    rust_load = time.perf_counter() - start
    start = time.perf_counter()
    pure = PurePython(directory)
    python_load = time.perf_counter() - start

    # Both sides answer alike before they are timed.
    for q in qs[:2000]:
        d = policy.decide(q[0], q[1], q[2], q[3], subject=q[4], holder=q[5])
        mine = pure.answer(q)
        theirs = d.to_dict()
        assert mine["level"] == d.level == theirs["level"] == policy.level(q[0], q[1], q[2], q[3], subject=q[4], holder=q[5])
        assert mine["bases"] == list(d.bases) == theirs["bases"]
        assert mine["provenance"] == [{k: v for k, v in p.items() if k != "for_category"} for p in theirs["provenance"]]

    decide = policy.decide
    level = policy.level

    def rust_decide() -> None:
        for j, c, p, r, s, h in qs:
            decide(j, c, p, r, subject=s, holder=h)

    def rust_decide_level() -> None:
        for j, c, p, r, s, h in qs:
            decide(j, c, p, r, subject=s, holder=h).level

    def rust_decide_full() -> None:
        for j, c, p, r, s, h in qs:
            d = decide(j, c, p, r, subject=s, holder=h)
            d.level, d.bases, d.provenance

    def rust_to_dict() -> None:
        for j, c, p, r, s, h in qs:
            decide(j, c, p, r, subject=s, holder=h).to_dict()

    def rust_level() -> None:
        for j, c, p, r, s, h in qs:
            level(j, c, p, r, subject=s, holder=h)

    answer = pure.answer
    pure_level = pure.level

    def python_full() -> None:
        for q in qs:
            answer(q)

    def python_level() -> None:
        for q in qs:
            pure_level(q)

    def empty_loop() -> None:
        for j, c, p, r, s, h in qs:
            pass

    runs = {
        "loop overhead (no call)": empty_loop,
        "rust: Policy.level (lean path)": rust_level,
        "rust: Policy.decide": rust_decide,
        "rust: decide + .level": rust_decide_level,
        "rust: decide + .level, .bases, .provenance": rust_decide_full,
        "rust: decide + to_dict()": rust_to_dict,
        "python: level only": python_level,
        "python: level, bases, provenance": python_full,
    }
    # Round-robin: every figure once per round, the best round kept, so that a change in the
    # machine's load (it is shared) reaches both sides alike.
    figures = {name: float("inf") for name in runs}
    for _ in range(repeat):
        for name, run_ in runs.items():
            figures[name] = min(figures[name], best(run_, n, 1))
    print(f"{n:,} questions drawn uniformly over (chain, cell) of {len(policy.jurisdictions)} chains; best of {repeat} rounds")
    print(f"Python {sys.version.split()[0]}, stringent {stringent.__version__}")
    for name, seconds in figures.items():
        print(f"  {name:<46} {seconds * 1e6:8.3f} µs per question")
    ratio = lambda py, rs: figures[py] / figures[rs]  # noqa: E731
    print("ratios (pure Python / stringent, same questions, same run):")
    print(f"  level only:                  {ratio('python: level only', 'rust: Policy.level (lean path)'):6.2f}×  (python level / Policy.level)")
    print(f"  level via decide:            {ratio('python: level only', 'rust: decide + .level'):6.2f}×  (python level / decide + .level)")
    print(
        f"  level, bases, provenance:    {ratio('python: level, bases, provenance', 'rust: decide + .level, .bases, .provenance'):6.2f}×"
        "  (python answer / decide + those fields)"
    )
    print(f"  load and verify every chain: stringent {rust_load:.3f} s; json + index {python_load:.3f} s")
    goal = figures["rust: decide + .level"] <= 2e-6
    print(f"goal decide <= 2 µs per question: {'met' if goal else 'NOT met'} (decide + .level)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
