"""Every wait has a deadline: a call runs in a worker thread and the caller waits for it in short steps,
so a time limit holds for the whole call (not each socket read) and Ctrl-C (or a notebook's interrupt)
stops the wait at once.

Oxigraph releases the GIL while it evaluates a query, so the wait stays responsive; but a query it has
started cannot be cancelled: after a timeout or an interrupt, an abandoned in-process query finishes in
the background (a daemon thread, gone when the process exits) and its answer is dropped.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import TypeVar

from .errors import IcskgError

T = TypeVar("T")
STEP = 0.05
"""Seconds between two looks at the clock (and chances for Ctrl-C to land)."""


class DeadlineExceeded(IcskgError):
    """A query (in-process) did not finish within its time limit. Exit code 2: make the query cheaper or
    give it more time (--timeout)."""


def within(seconds: float, what: str, call: Callable[[], T]) -> T:
    """`call()` if it finishes within `seconds`, else DeadlineExceeded naming `what`; Ctrl-C goes through."""
    outcome: dict = {}

    def work() -> None:
        try:
            outcome["value"] = call()
        except BaseException as error:  # noqa: BLE001 - handed back to the waiting thread as it is
            outcome["error"] = error

    worker = threading.Thread(target=work, name=f"icskg: {what}", daemon=True)
    worker.start()
    deadline = time.monotonic() + seconds
    while worker.is_alive():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(f"{what} did not finish within {seconds:g} s (give more time with --timeout)")
        worker.join(min(STEP, remaining))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
