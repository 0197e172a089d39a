"""Where words occur in a source text, and the closest span when they do not: `icskg source find` and the
quote shapes' messages (icskgfn:closestSpan) show a curator the verbatim words to copy.

Words are matched after the quote check's normalisation (`normalise_mapped`: white space, quote marks), and
shown as they stand in the file, with their line. A near miss is found with RapidFuzz: the best partial
alignment of the words in the text, then moved to the word boundaries nearby that give the fewest edits
(Levenshtein distance, one edit a character inserted, deleted or replaced).
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass
from functools import cached_property

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein

from .sources import normalise, normalise_mapped

SIMILARITY = 60.0
"""RapidFuzz's partial ratio (0-100) below which a span is not worth suggesting."""
NEAR_EDITS = 0.25
"""A near miss needs at most this share of the words' characters changed."""


@dataclass(frozen=True)
class Span:
    """Words of one source file: its name, the line they start on, the text as the file gives it, and the
    edits between the words looked for and these (0 for an exact match, after normalising)."""

    file: str
    line: int
    text: str
    edits: int

    def shown(self, limit: int = 0) -> str:
        text = " ".join(self.text.split())
        if limit and len(text) > limit:
            text = text[: limit - 1] + "…"
        return f"{self.file}:{self.line}: “{text}”"


class SourceText:
    """One source file's text, normalised as the quote check does, with the way back to the file's words."""

    def __init__(self, name: str, text: str):
        self.name = name
        self.normalised, self.original, self.offsets = normalise_mapped(text)

    @cached_property
    def _line_starts(self) -> list[int]:
        return [0] + [i + 1 for i, c in enumerate(self.original) if c == "\n"]

    def span(self, start: int, end: int, edits: int) -> Span:
        """The normalised text's [start, end) as a Span of the file's own words."""
        first = self.offsets[start]
        last = self.offsets[end - 1] + 1 if end > start else first
        line = bisect_right(self._line_starts, first)
        return Span(self.name, line, self.original[first:last], edits)

    def find(self, words: str) -> list[Span]:
        """Every occurrence of the words (after normalising), in the order of the file."""
        needle = normalise(words)
        found, at = [], self.normalised.find(needle) if needle else -1
        while at >= 0:
            found.append(self.span(at, at + len(needle), 0))
            at = self.normalised.find(needle, at + 1)
        return found

    def closest(self, words: str) -> Span | None:
        """The span most like the words (fewest edits near RapidFuzz's best alignment), or None when nothing
        is similar enough (partial ratio below SIMILARITY)."""
        needle, text = normalise(words), self.normalised
        if not needle or not text:
            return None
        if len(needle) >= len(text):
            return self.span(0, len(text), Levenshtein.distance(needle, text))
        alignment = fuzz.partial_ratio_alignment(needle, text, score_cutoff=SIMILARITY)
        if alignment is None:
            return None
        start, end = alignment.dest_start, alignment.dest_end
        reach = max(8, len(needle) // 4)
        starts = _boundaries(text, start - reach, start + reach) or {start}
        ends = _boundaries(text, end - reach, end + reach) or {end}
        pairs = [(s, e) for s in starts for e in ends if e > s] or [(start, end)]
        edits, _moved, s, e = min(
            (Levenshtein.distance(needle, text[s:e]), abs(s - start) + abs(e - end), s, e) for s, e in pairs
        )
        return self.span(s, e, edits)


def is_near(span: Span, words: str) -> bool:
    """A near miss: at most NEAR_EDITS of the words' characters to change (and at least 2 allowed)."""
    return span.edits <= max(2, int(len(normalise(words)) * NEAR_EDITS))


def _boundaries(text: str, low: int, high: int) -> set[int]:
    """Offsets in [low, high] where a word or a run of punctuation begins or ends."""
    found = set()
    for i in range(max(0, low), min(len(text), high) + 1):
        if i in (0, len(text)) or text[i - 1] == " " or text[i] == " " or text[i - 1].isalnum() != text[i].isalnum():
            found.add(i)
    return found
