"""The README's Python example runs as written (cf. rdflib's test_examples)."""

from __future__ import annotations

import contextlib
import io
import re

from repo_factory import ROOT


def python_blocks() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    return re.findall(r"^```python\n(.*?)^```", readme, flags=re.MULTILINE | re.DOTALL)


def test_readme_python_example_runs(monkeypatch):
    blocks = python_blocks()
    assert blocks, "README.md has no ```python block"
    monkeypatch.chdir(ROOT)
    for block in blocks:
        assert len(block.strip().splitlines()) <= 12
        output = io.StringIO()
        with contextlib.redirect_stdout(output):
            exec(compile(block, "README.md", "exec"), {"__name__": "readme"})
        assert output.getvalue().strip()


def test_quick_start_is_exactly_two_commands():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    quick = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", quick, flags=re.DOTALL).group(1)
    assert block.strip().splitlines() == ["python3 dev.py run", "python3 dev.py test"]
