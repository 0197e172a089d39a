"""Text bound for a terminal or a CI log: control characters (escape sequences, bidirectional overrides)
from data or from a server are shown as visible escapes, so they cannot move a cursor or recolour a log.
Machine formats (CSV, JSON, Turtle) are written as they are."""

from __future__ import annotations

import re

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")


def printable(text: str) -> str:
    """Control characters as visible escapes, e.g. \\x1b (line feeds and tabs are kept)."""
    return _CONTROL.sub(_escape, text)


def _escape(match: re.Match) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"
