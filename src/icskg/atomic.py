"""Writing a file so that a failure leaves the old one whole: a temporary file beside it, then a rename."""

from __future__ import annotations

from pathlib import Path

from .errors import InputError


def write_atomically(path: Path, data: bytes) -> None:
    """Write `data` to `path` (creating its folder); a failure is an InputError naming the file."""
    temporary = path.with_name(f".{path.name}.partial")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        temporary.replace(path)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write {path}: {error.strerror or error}") from None
