"""`icskg source find TEXT`: where words stand in the source texts, as the quote check sees them (white
space and quote marks normalised), and the closest spans when they stand nowhere (icskg.validate.spans)."""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputError
from ..namespaces import PREFIXES
from ..validate.sources import SourceTexts, normalise
from ..validate.spans import Span, is_near

NEAR_MISSES = 5
"""How many near misses (the closest span of each file, fewest edits first) are shown."""


@dataclass(frozen=True)
class Finding:
    searched: list[str]
    exact: list[Span]
    near: list[Span]
    close: bool = True  # whether `near` are near misses, or only the closest span of all (far off)


def resolve(sources: SourceTexts, ident: str) -> str:
    """The file name a curator means by `ident`: a file name, a slug, `source:slug`, the IRI or the number."""
    names = sorted(sources.files)
    wanted = ident.strip().removeprefix(PREFIXES["source"]).removeprefix("source:")
    exact = [n for n in names if wanted in (n, n.removesuffix(".txt"))]
    if exact:
        return exact[0]
    by_number = [n for n in names if wanted.isdigit() and n.split("_", 1)[0] == wanted]
    if len(by_number) == 1:
        return by_number[0]
    known = ", ".join(n.removesuffix(".txt") for n in names) or "none"
    why = "matches several" if by_number else "is not one"
    raise InputError(f"--source {ident!r} {why} of the source texts in {sources.folder} ({known})")


def find(sources: SourceTexts, words: str, source: str | None = None) -> Finding:
    if not normalise(words):
        raise InputError("give the words to find (TEXT is empty)")
    names = [resolve(sources, source)] if source else sorted(sources.files)
    texts = [sources.text(name) for name in names]
    exact = [span for text in texts for span in text.find(words)]
    if exact:
        return Finding(names, exact, [])
    closest = [span for text in texts if (span := text.closest(words)) is not None]
    closest.sort(key=lambda span: (span.edits, span.file, span.line))
    near = [span for span in closest if is_near(span, words)]
    return Finding(names, [], (near or closest[:1])[:NEAR_MISSES], bool(near))
