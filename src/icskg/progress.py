"""Telling a person at a terminal what a long step (parsing, inference, validation, import, upload) is doing.

Progress goes to stderr, so stdout (reports, query results, exports) stays the same whether it is
shown or not. Whether it is shown:

- ICSKG_PROGRESS=1 (or true/yes/on) shows it, ICSKG_PROGRESS=0 (or false/no/off) hides it, whatever
  else holds: on CI, in a pipe, in a test;
- otherwise, not on CI (CI=true, 1 or yes, as GitHub Actions, GitLab CI and most others set it);
- otherwise, only when stderr is a terminal (not when it is piped or redirected to a file).

`step(label)` brackets one step: `label …` when it starts, then `label: done in 1.2 s`, or
`label: failed after 1.2 s` when the body raises (`interrupted` on Ctrl-C); the exception goes on unchanged.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import click

PROGRESS_ENV = "ICSKG_PROGRESS"
ON = ("1", "true", "yes", "on")
OFF = ("0", "false", "no", "off")


def _setting(name: str) -> str:
    return os.environ.get(name, "").strip().lower()


def _stderr_is_terminal() -> bool:
    return sys.stderr.isatty()


def show_progress() -> bool:
    """Progress only for a person at a terminal: not when piped, not on CI, unless ICSKG_PROGRESS says otherwise."""
    forced = _setting(PROGRESS_ENV)
    if forced in ON:
        return True
    if forced in OFF:
        return False
    if _setting("CI") in ("true", "1", "yes"):
        return False
    return _stderr_is_terminal()


def _seconds(elapsed: float) -> str:
    if elapsed < 60:
        return f"{elapsed:.1f} s"
    minutes, seconds = divmod(round(elapsed), 60)
    return f"{minutes} min {seconds:02d} s"


@contextmanager
def step(label: str) -> Iterator[None]:
    """Report the start and end of one long step on stderr, when progress is shown (see the module docstring)."""
    if not show_progress():
        yield
        return
    click.echo(f"{label} …", err=True)
    started = time.perf_counter()
    try:
        yield
    except KeyboardInterrupt:
        click.echo(f"{label}: interrupted after {_seconds(time.perf_counter() - started)}", err=True)
        raise
    except BaseException:
        click.echo(f"{label}: failed after {_seconds(time.perf_counter() - started)}", err=True)
        raise
    click.echo(f"{label}: done in {_seconds(time.perf_counter() - started)}", err=True)
