"""The repository README's Python example runs as written, against the shipped rules
compiled into a temporary directory (its `target/policies`) and from the repository's root
(its `rules`)."""

from __future__ import annotations

import contextlib
import io
import os
import pathlib
import re

from conftest import REPO


def test_the_readme_python_example_runs(compiled_dir: pathlib.Path) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", readme, re.S)
    assert len(blocks) == 1, "the README has one Python example"
    code = blocks[0].replace('"target/policies"', repr(str(compiled_dir)))
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(REPO)
    try:
        with contextlib.redirect_stdout(out):
            exec(compile(code, "README.md", "exec"), {})
    finally:
        os.chdir(cwd)
    lines = out.getvalue().splitlines()
    assert len(lines) == 4, lines
    assert lines[2].startswith("unknown_value recipient unknown recipient `no_such_recipient`")
    assert lines[3].startswith("0 ")
