"""Answers written as they are produced: SPARQL 1.1 CSV, TSV and JSON go from the store (or from the
endpoint's response) to the output chunk by chunk, so a million-row answer needs the memory of a few rows,
not of the whole answer.

The writing happens inside the query's deadline (icskg.deadline). When the deadline passes, or Ctrl-C
arrives, the sink is closed: the next chunk the background work tries to write raises, so that work stops
instead of writing on. What was written before stays written; the caller reports the answer as incomplete.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import BinaryIO, TypeVar

import pyoxigraph as ox

from ..deadline import within
from ..errors import InputError

T = TypeVar("T")
FORMATS = ("csv", "tsv", "json")
"""The SPARQL 1.1 Query Results formats written as a stream."""

OXIGRAPH_FORMATS = {
    "csv": ox.QueryResultsFormat.CSV,
    "tsv": ox.QueryResultsFormat.TSV,
    "json": ox.QueryResultsFormat.JSON,
}
CHUNK = 64 * 1024
"""Bytes read from an endpoint's response at a time."""


class SinkClosed(Exception):
    """Raised into the writer once the reader stopped waiting (deadline or Ctrl-C)."""


class Sink:
    """A binary output that can be closed from another thread; it remembers the last byte written, so the
    command line can end a document without a final newline (JSON) with one."""

    def __init__(self, out: BinaryIO):
        self.out = out
        self.closed = False
        self.written = 0
        self.last = b""

    def write(self, data) -> int:
        if self.closed:
            raise SinkClosed("the reader stopped waiting")
        data = bytes(data)
        if data:
            self.out.write(data)
            self.written += len(data)
            self.last = data[-1:]
        return len(data)

    def flush(self) -> None:
        if not self.closed and hasattr(self.out, "flush"):
            self.out.flush()


def check_format(fmt: str) -> str:
    if fmt not in FORMATS:
        raise InputError(f"unknown results format {fmt!r} (one of: {', '.join(FORMATS)})")
    return fmt


def write_within(seconds: float, what: str, sink: Sink, call: Callable[[], T]) -> T:
    """`call()` (which writes to `sink`) within the deadline; on a deadline, Ctrl-C or any error the sink is
    closed first, so the abandoned background work stops at its next write."""
    try:
        return within(seconds, what, call)
    except BaseException:
        sink.closed = True
        raise
