"""Every wait has a deadline: a call runs in a worker thread and the caller waits for it in short steps,
so a time limit holds for the whole call (not each socket read) and Ctrl-C (or a notebook's interrupt)
stops the wait at once.

Oxigraph releases the GIL while it evaluates a query, so the wait stays responsive; but a query it has
started cannot be cancelled: after a timeout or an interrupt, an abandoned in-process query finishes in
the background (a daemon thread, gone when the process exits) and its answer is dropped.
"""

from __future__ import annotations

import queue
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


class _Worker(threading.Thread):
    """A daemon thread that runs one call at a time. Workers are reused (a thread per call costs more than
    a small query); one whose call was abandoned returns to the pool only when that call ends."""

    _idle: list[_Worker] = []
    _lock = threading.Lock()

    def __init__(self):
        super().__init__(name="icskg: deadline worker", daemon=True)
        self._calls: queue.SimpleQueue = queue.SimpleQueue()
        self.start()

    @classmethod
    def take(cls) -> _Worker:
        with cls._lock:
            return cls._idle.pop() if cls._idle else cls()

    def run(self) -> None:
        while True:
            call, outcome, done = self._calls.get()
            try:
                outcome["value"] = call()
            except BaseException as error:  # noqa: BLE001 - handed back to the waiting thread as it is
                outcome["error"] = error
            done.set()
            with _Worker._lock:
                _Worker._idle.append(self)


def within(seconds: float, what: str, call: Callable[[], T]) -> T:
    """`call()` if it finishes within `seconds`, else DeadlineExceeded naming `what`; Ctrl-C goes through."""
    outcome: dict = {}
    done = threading.Event()
    _Worker.take()._calls.put((call, outcome, done))
    deadline = time.monotonic() + seconds
    while not done.is_set():
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DeadlineExceeded(f"{what} did not finish within {seconds:g} s (give more time with --timeout)")
        done.wait(min(STEP, remaining))
    if "error" in outcome:
        raise outcome["error"]
    return outcome["value"]
