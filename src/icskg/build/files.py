"""Input files, each read once as bytes: the same bytes are hashed for the cache key and handed to the parser.

Reading a file twice (once to hash it, once to parse it) lets a save in between pair one content's
result with the other content's key; holding the bytes makes that impossible.
"""

from __future__ import annotations

import codecs
import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import InputError

TURTLE_SUFFIXES = {".ttl"}


@dataclass(frozen=True)
class InputFile:
    """One file's bytes, with the name messages show for it (relative to the repository)."""

    path: Path
    shown: str
    data: bytes = field(repr=False)

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.data).hexdigest()

    def text(self) -> str:
        """The bytes as UTF-8 text; a BOM, bytes that are not UTF-8 or a NUL byte are input errors."""
        data = self.data
        if data.startswith(codecs.BOM_UTF8):
            raise InputError("starts with a byte-order mark (BOM): save the file as UTF-8 without BOM", self.shown, 1)
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            line = data[: error.start].count(b"\n") + 1
            utf16 = " (it looks like UTF-16)" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ""
            raise InputError(
                f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}){utf16}; save the file as UTF-8",
                self.shown,
                line,
            ) from None
        if "\x00" in text:
            raise InputError(
                "contains a NUL byte (U+0000): not a text file (UTF-16?) or a damaged one; save it as UTF-8 text",
                self.shown,
                text.count("\n", 0, text.index("\x00")) + 1,
            )
        return text


def read_file(path: Path, shown: str | None = None) -> InputFile:
    """The file's bytes; an unreadable file is an input error naming it."""
    shown = shown or str(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"cannot read the file ({reason}): make it a readable regular file, or remove it", shown
        ) from None
    return InputFile(path, shown, data)


def read_turtle_files(paths: list[Path], root: Path | None = None) -> list[InputFile]:
    """Each path read once; only Turtle (.ttl) files belong to the graph, anything else is refused by name."""
    files = []
    for path in paths:
        shown = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        if path.suffix not in TURTLE_SUFFIXES:
            raise InputError(
                f"unsupported file type '{path.suffix or path.name}': only Turtle (.ttl) files belong here", shown
            )
        files.append(read_file(path, shown))
    return files


def digest_of(files: list[InputFile], *context: str) -> str:
    """One digest of the files' names and bytes, and of `context` strings (what else shapes the result)."""
    digest = hashlib.sha256()
    for text in context:
        digest.update(f"{text}\n".encode())
    for file in files:
        digest.update(f"{file.shown}\0{file.digest}\n".encode())
    return digest.hexdigest()
