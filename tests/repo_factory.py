"""Throw-away icskg repositories for tests that need bad or extra data, built from the real ontology and shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_repo(tmp_path: Path, files: dict[str, str | bytes] | None = None, with_data: bool = False) -> Path:
    """A copy of the repo's ontology, shapes and pyproject, plus `files` (relative path -> content)."""
    root = tmp_path / "repo"
    root.mkdir()
    shutil.copytree(ROOT / "ontology", root / "ontology")
    shutil.copytree(ROOT / "shapes", root / "shapes")
    if with_data:
        shutil.copytree(ROOT / "data", root / "data")
    else:
        (root / "data").mkdir()
    (root / "queries").mkdir()
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    for name, content in (files or {}).items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
