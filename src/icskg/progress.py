"""Telling a person at a terminal what a long step (parsing, inference, validation, import, upload) is doing.

Progress goes to stderr, so stdout (reports, query results, exports) stays the same whether it is
shown or not. Whether it is shown is a setting (`Settings.progress`: on a terminal, never on CI,
ICSKG_PROGRESS forces it either way).

`step(label, show)` brackets one step: `label …` when it starts, then `label: done in 1.2 s`, or
`label: failed after 1.2 s` when the body raises (`interrupted` on Ctrl-C); the exception goes on unchanged.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _seconds(elapsed: float) -> str:
    if elapsed < 60:
        return f"{elapsed:.1f} s"
    minutes, seconds = divmod(round(elapsed), 60)
    return f"{minutes} min {seconds:02d} s"


@contextmanager
def step(label: str, show: bool) -> Iterator[None]:
    """Report the start and end of one long step on stderr when `show`."""
    if not show:
        yield
        return
    _say(f"{label} …")
    started = time.perf_counter()
    try:
        yield
    except KeyboardInterrupt:
        _say(f"{label}: interrupted after {_seconds(time.perf_counter() - started)}")
        raise
    except BaseException:
        _say(f"{label}: failed after {_seconds(time.perf_counter() - started)}")
        raise
    _say(f"{label}: done in {_seconds(time.perf_counter() - started)}")
