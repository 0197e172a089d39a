"""Where a node is described: the file and line a curator should open, found in the bytes already read.

Computed only when a report needs it (a conforming graph never pays for it). A subject that starts a
statement at column 0 (the canonical layout `icskg fmt` writes) gets its line; any other IRI gets the
first line that mentions it; a blank node is placed where the IRI that holds it is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from .files import InputFile

_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)
_SUBJECT_AT_LINE_START = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|:[^\s;,]*)")


@dataclass(frozen=True)
class Origin:
    """A file (as messages show it) and the line of the node's first description there."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class Origins:
    """IRI -> where it is described, over a list of files (their bytes, never read again)."""

    def __init__(self, files: list[InputFile]):
        self.files = files

    @cached_property
    def _subjects(self) -> dict[str, list[Origin]]:
        found: dict[str, list[Origin]] = {}
        for file in self.files:
            for iri, line in subject_lines(file.data.decode("utf-8", "replace")).items():
                found.setdefault(iri, []).append(Origin(file.shown, line))
        return found

    def of(self, iri: str) -> list[Origin]:
        """Every file that describes `iri` as a subject (first line in each), else the first mention."""
        found = self._subjects.get(iri)
        if found:
            return found
        for file in self.files:
            text = file.data.decode("utf-8", "replace")
            line = mention_line(text, iri)
            if line:
                return [Origin(file.shown, line)]
        return []


def prefixes_in(text: str) -> dict[str, str]:
    return {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(text)}


def subject_lines(text: str) -> dict[str, int]:
    """Full IRI -> line of the statements that start with it at column 0."""
    namespaces = prefixes_in(text)
    found: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUBJECT_AT_LINE_START.match(line)
        if not match or re.match(r"(@?prefix|@?base|version)\b", line, re.IGNORECASE):
            continue
        iri = expand(match.group(1), namespaces)
        if iri is not None and iri not in found:
            found[iri] = number
    return found


def expand(token: str, namespaces: dict[str, str]) -> str | None:
    if token.startswith("<"):
        return token[1:-1]
    prefix, _, local = token.partition(":")
    if prefix in namespaces:
        return namespaces[prefix] + local.replace("\\", "")
    return None


def mention_line(text: str, iri: str) -> int | None:
    """The first line that writes `iri`, in full or as a prefixed name."""
    forms = [f"<{iri}>"]
    for prefix, namespace in prefixes_in(text).items():
        if iri.startswith(namespace) and len(iri) > len(namespace):
            forms.append(f"{prefix}:{iri[len(namespace) :]}")
    for number, line in enumerate(text.splitlines(), start=1):
        for form in forms:
            at = line.find(form)
            if at >= 0 and (form.startswith("<") or _ends_token(line, at + len(form))):
                return number
    return None


def _ends_token(line: str, end: int) -> bool:
    return end >= len(line) or not re.match(r"[\w.:%-]", line[end]) or (line[end] == "." and end + 1 >= len(line))
