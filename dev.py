"""Set up and run icskg with nothing but Python 3.11+ (no make needed): see README "Quick start".

python3 dev.py run    # create .venv, install icskg, build + validate + summary + a showcase query
python3 dev.py test   # create .venv, install icskg with its test extras, lint and run the whole test suite
python3 dev.py wheel  # a wheel in dist/ that carries the built graph and the stored queries (icskg release)
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if sys.platform == "win32" else "bin")


def say(text: str) -> None:
    print(f"dev.py: {text}", flush=True)


def sh(*args: str | Path) -> None:
    print("+", " ".join(str(a) for a in args), flush=True)
    code = subprocess.call([str(a) for a in args], cwd=ROOT)
    if code:
        sys.exit(code)


def install(extras: str) -> None:
    """(Re)install into .venv when pyproject.toml changed since the last install of these extras."""
    stamp = VENV / f".installed-{extras or 'run'}"
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if stamp.is_file() and stamp.read_text() == wanted:
        return
    started = time.monotonic()
    if not (BIN / "python").exists():
        say("creating the virtual environment .venv")
        venv.create(VENV, with_pip=True)
    what = "icskg and what it needs to run" if not extras else f"icskg with its {extras} extras (linters, test tools)"
    say(f"installing {what} into .venv; the first time this downloads packages (a minute or two)")
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    # --no-compile: byte-compiling every installed package costs CI seconds; Python compiles what it imports
    sh(BIN / "python", "-m", "pip", "install", "--quiet", "--no-compile", "-e", f".[{extras}]" if extras else ".")
    stamp.write_text(wanted)
    say(f"installed in {time.monotonic() - started:.0f} s")


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
    sh(BIN / "python", "-m", "pytest", "-q", "-n", "auto", "--dist", "loadgroup", *sys.argv[2:])


def wheel() -> None:
    sh(BIN / "icskg", "release")
    sh(BIN / "python", "-m", "pip", "wheel", "--quiet", "--no-deps", "--wheel-dir", "dist", ".")
    say("the wheel is in dist/: pip install it anywhere, then icskg.open_graph() needs no checkout")


TASKS = {
    "install": ("test", lambda: None),
    "run": ("", run),
    "lint": ("test", lint),
    "test": ("test", test),
    "wheel": ("", wheel),
}

if __name__ == "__main__":
    task = sys.argv[1] if len(sys.argv) > 1 else ""
    if task not in TASKS:
        sys.exit(f"usage: python3 dev.py {{{'|'.join(TASKS)}}}")
    extras, action = TASKS[task]
    install(extras)
    action()
