"""The source texts a validation checks quotes and excerpts against: every file of the sources folder,
read once as bytes (the same bytes go into the report's cache key).

A quote's words are compared after normalising white space (including non-breaking spaces) and quote
marks (straight, curly, primes), since PDF and web extraction vary those; nothing else is forgiven.
Source texts are read from a folder, never copied into the project.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from functools import cached_property
from pathlib import Path

from ..build.files import InputFile, digest_of, read_file

_QUOTE_MARKS = str.maketrans(
    {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"} | {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"}
)
_SPACE = re.compile(r"\s+")


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)
    return _SPACE.sub(" ", text).strip()


def normalise_mapped(text: str) -> tuple[str, str, list[int]]:
    """`normalise(text)` (the same steps, tested equal), the NFC text it was made from, and for each of its
    characters the offset in that NFC text it comes from: so a match found in normalised words can be
    shown as the verbatim span of the file, with its line (`icskg source find`, the quote shapes)."""
    nfc = unicodedata.normalize("NFC", text)
    translated = nfc.translate(_QUOTE_MARKS)  # one character for one: offsets unchanged
    parts: list[str] = []
    offsets: list[int] = []
    position = 0
    for space in _SPACE.finditer(translated):
        parts.append(translated[position : space.start()])
        offsets.extend(range(position, space.start()))
        parts.append(" ")
        offsets.append(space.start())
        position = space.end()
    parts.append(translated[position:])
    offsets.extend(range(position, len(translated)))
    joined = "".join(parts)
    start = 1 if joined.startswith(" ") else 0
    end = len(joined) - 1 if joined.endswith(" ") and len(joined) > start else len(joined)
    return joined[start:end], nfc, offsets[start:end]


class SourceTexts:
    """The files of one folder, by name."""

    def __init__(self, folder: Path):
        self.folder = folder
        paths = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
        self.files: dict[str, InputFile] = {p.name: read_file(p, p.name) for p in paths}

    def digest(self) -> str:
        return digest_of(list(self.files.values()), f"sources {self.folder.resolve()}")

    def has(self, name: str) -> bool:
        return name in self.files

    def file_problem(self, name: str, recorded: str | None) -> str | None:
        file = self.files.get(name)
        if file is None:
            return f"source file {name} not found in {self.folder}"
        actual = hashlib.sha256(file.data).hexdigest()
        if recorded and recorded != actual:
            return f"{name} has SHA-256 {actual}, not the recorded {recorded}: the file changed"
        return None

    @cached_property
    def _normalised(self) -> dict[str, str]:
        return {name: normalise(file.data.decode("utf-8", "replace")) for name, file in self.files.items()}

    def contains(self, name: str, words: str) -> bool:
        text = self._normalised.get(name)
        return text is not None and normalise(words) in text

    def text(self, name: str):
        """The file as a SourceText (icskg.validate.spans: find words, the closest span), or None."""
        from .spans import SourceText

        if name not in self.files:
            return None
        if name not in self._texts:
            self._texts[name] = SourceText(name, self.files[name].data.decode("utf-8", "replace"))
        return self._texts[name]

    @cached_property
    def _texts(self) -> dict:
        return {}
