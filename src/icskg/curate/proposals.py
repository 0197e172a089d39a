"""A title and a date for a new source document, proposed only where a line at the head of its text gives
them, for the curator to confirm (`icskg source add`). Nothing is guessed from elsewhere: a text whose head
has no such line gets no proposal, and the curator adds what a later line says by hand.

- **Date**: a short line at the head that is a date, alone or after a few words ("Example News, 3 March
  2019", "24.05.18"). Formats: `3 March 2019` (and `Tuesday 3 March 2019`, `3rd March 2019`), `March 3,
  2019`, `2019-03-03`, and day-first `03.03.19`, `03.03.2019`, `03/03/2019` (British usage; a two-digit
  year is 20YY). The words as written become `icskg:dateAsStated`, the date `dcterms:issued`.
- **Title**: a line the head gives twice (a web page's headline and its repetition), else the first of the
  first three lines (the date line aside) that reads as a headline: at most 150 characters, at least three
  words, two of them starting lower case, and no full stop at the end (sentences have one).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

HEAD_LINES = 12
"""How many non-empty lines count as the head of a text."""
TITLE_LINES = 3
MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DATES = (
    re.compile(rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+{_MONTH}\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?,?\s+(?P<year>\d{{4}})\b", re.IGNORECASE),
    re.compile(r"\b(?P<year>\d{4})-(?P<nmonth>\d{2})-(?P<day>\d{2})\b"),
    re.compile(r"(?<![\d.])(?P<day>\d{1,2})([./])(?P<nmonth>\d{1,2})\2(?P<year>\d{4}|\d{2})(?![\d.])"),
)
DATE_LINE_WORDS = 6
"""At most this many words beside the date on a date line (a publisher's name, "Published:")."""


@dataclass(frozen=True)
class Proposal:
    """Words of the text (verbatim, as they stand on their line) proposed for one property."""

    text: str
    line: int


@dataclass(frozen=True)
class DateProposal(Proposal):
    date: dt.date


def head(text: str) -> list[tuple[int, str]]:
    """The first HEAD_LINES non-empty lines, stripped, with their line numbers."""
    found = []
    for number, line in enumerate(text.splitlines(), start=1):
        if line.strip():
            found.append((number, line.strip()))
            if len(found) == HEAD_LINES:
                break
    return found


def parse_date(words: str) -> tuple[str, dt.date] | None:
    """The first date in `words` in one of the formats above, as (the words as written, the date)."""
    for pattern in _DATES:
        for match in pattern.finditer(words):
            fields = match.groupdict()
            month = int(fields["nmonth"]) if fields.get("nmonth") else MONTHS[fields["month"].lower()]
            year = int(fields["year"]) + (2000 if len(fields["year"]) == 2 else 0)
            try:
                return match.group(0), dt.date(year, month, int(fields["day"]))
            except ValueError:
                continue
    return None


def propose_date(text: str) -> DateProposal | None:
    for number, line in head(text):
        found = parse_date(line)
        if found is None:
            continue
        words, date = found
        if len(line.replace(words, " ").split()) <= DATE_LINE_WORDS:
            return DateProposal(words, number, date)
    return None


def _reads_as_headline(line: str) -> bool:
    words = line.split()
    lower = sum(1 for w in words if w[:1].islower())
    return len(line) <= 150 and len(words) >= 3 and lower >= 2 and not line.endswith(".")


def propose_title(text: str, date: DateProposal | None = None) -> Proposal | None:
    lines = [(n, line) for n, line in head(text) if date is None or n != date.line]
    seen: dict[str, int] = {}
    for number, line in lines:
        if line in seen and len(line) >= 10 and _reads_as_headline(line):
            return Proposal(line, seen[line])
        seen.setdefault(line, number)
    for number, line in lines[:TITLE_LINES]:
        if _reads_as_headline(line):
            return Proposal(line, number)
    return None


def given_line(text: str, words: str) -> int | None:
    """The line on which the curator's words stand in the text (after collapsing white space), or None."""
    wanted = " ".join(words.split())
    for number, line in enumerate(text.splitlines(), start=1):
        if wanted and wanted in " ".join(line.split()):
            return number
    return None
