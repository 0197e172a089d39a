"""Set up and run icskg with nothing but Python 3.11+ (no make needed): see README "Quick start".

python3 dev.py run    # create .venv, install, build + validate + summary + a showcase query
python3 dev.py test   # create .venv, install, lint (ruff, icskg fmt --check) and run the tests
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")
STAMP = VENV / ".installed"


def sh(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code:
        sys.exit(code)


def install() -> None:
    """(Re)install into .venv when pyproject.toml changed since the last install."""
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if STAMP.is_file() and STAMP.read_text() == wanted:
        return
    if not (BIN / "python").exists():
        venv.create(VENV, with_pip=True)
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "-e", ".[test]")
    STAMP.write_text(wanted)


def run() -> None:
    sh(BIN / "icskg", "validate")
    sh(BIN / "icskg", "stats")
    sh(BIN / "icskg", "showcase")


def lint() -> None:
    sh(BIN / "ruff", "check", "src", "tests", "benchmarks", "dev.py")
    sh(BIN / "ruff", "format", "--check", "src", "tests", "benchmarks", "dev.py")
    sh(BIN / "icskg", "fmt", "--check")


def test() -> None:
    lint()
    sh(BIN / "python", "-m", "pytest", "-q", *sys.argv[2:])


TASKS = {"install": lambda: None, "run": run, "lint": lint, "test": test}

if __name__ == "__main__":
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in TASKS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(TASKS)}}}")
    install()
    TASKS[task]()
