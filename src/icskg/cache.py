"""A cache of what the pipeline derives, keyed by the hashes of everything it was derived from.

Entries: the inferred triples and the whole graph as N-Triples (keyed by the graph files, the
reasoner and the libraries' versions), and validation reports (keyed by that, the shapes, the registry
extracts and the source texts). Change one byte of any input, or upgrade a library, and the entry is
not used. Set ICSKG_CACHE=0 to bypass it. Entries are written atomically; only the newest entry of
each kind is kept.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from importlib.metadata import version
from pathlib import Path

CACHE_ENV = "ICSKG_CACHE"


def enabled() -> bool:
    return os.environ.get(CACHE_ENV, "1") not in ("0", "false", "no")


def key(files: Iterable[Path], root: Path, *context: str) -> str:
    """A digest of the files' names (relative to root) and contents, and of `context` strings."""
    digest = hashlib.sha256()
    for text in context:
        digest.update(f"{text}\n".encode())
    from .load import read_bytes

    for path in files:
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"{name}\0{hashlib.sha256(read_bytes(path, name)).hexdigest()}\n".encode())
    return digest.hexdigest()


def versions(*packages: str) -> str:
    return " ".join(f"{package} {version(package)}" for package in packages)


def path(cache_dir: Path, kind: str, cache_key: str, suffix: str) -> Path:
    return cache_dir / f"{kind}-{cache_key}{suffix}"


def read(cache_dir: Path, kind: str, cache_key: str, suffix: str) -> bytes | None:
    entry = path(cache_dir, kind, cache_key, suffix)
    if not enabled() or not entry.is_file():
        return None
    return entry.read_bytes()


def has(cache_dir: Path, kind: str, cache_key: str, suffix: str) -> bool:
    return enabled() and path(cache_dir, kind, cache_key, suffix).is_file()


def write(cache_dir: Path, kind: str, cache_key: str, suffix: str, data: bytes) -> None:
    """Write atomically (temp file + rename) and drop older entries of the same kind."""
    if not enabled():
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = path(cache_dir, kind, cache_key, suffix)
    temporary = final.with_name(f"{final.name}.tmp{os.getpid()}")
    temporary.write_bytes(data)
    temporary.replace(final)
    for old in cache_dir.glob(f"{kind}-*{suffix}"):
        if old != final:
            old.unlink(missing_ok=True)
