"""The one cache: what the pipeline derives (the built store, validation reports, checked queries and
shapes), stored under a key made of everything that shapes the answer.

A key is a SHA-256 of: the bytes the pipeline actually read (never a second read of the same file),
icskg's own code (a digest of the package's source files, so an edit in an editable install is seen at
once), and the versions of the libraries whose behaviour shapes a result (pyoxigraph, rdflib, owlrl,
pySHACL, PyYAML). Entries are written atomically (a unique temporary file, then a rename), so two
processes can share one cache folder; only the newest entry of each kind is kept.

The cache is best effort: a folder that cannot be created or written (a read-only checkout, a full
disk) means no cache, never an error. `Settings.cache` turns it off (ICSKG_CACHE=0) and
`Settings.cache_dir` moves it (ICSKG_CACHE_DIR; the tests use a temporary one).
"""

from __future__ import annotations

import hashlib
import os
import uuid
from functools import lru_cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

LIBRARIES = ("pyoxigraph", "rdflib", "owlrl", "pyshacl", "PyYAML")


@lru_cache(maxsize=1)
def code_digest() -> str:
    """A digest of every Python file of the icskg package (read once per process)."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        digest.update(f"{path.relative_to(package)}\0".encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


@lru_cache(maxsize=1)
def library_versions() -> str:
    found = []
    for name in LIBRARIES:
        try:
            found.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            found.append(f"{name} absent")
    return ", ".join(found)


def key(*parts: str) -> str:
    """A cache key from `parts` (digests of the bytes read, settings that matter), the code and the libraries."""
    digest = hashlib.sha256()
    for part in (code_digest(), library_versions(), *parts):
        digest.update(part.encode("utf-8"))
        digest.update(b"\n")
    return digest.hexdigest()


class Cache:
    """Entries `<kind>-<key><suffix>` in one folder; None as the folder means no cache at all."""

    def __init__(self, directory: Path | None):
        self.directory = directory

    def path(self, kind: str, cache_key: str, suffix: str) -> Path | None:
        return None if self.directory is None else self.directory / f"{kind}-{cache_key}{suffix}"

    def get(self, kind: str, cache_key: str, suffix: str = "") -> bytes | None:
        entry = self.path(kind, cache_key, suffix)
        if entry is None:
            return None
        try:
            return entry.read_bytes()
        except OSError:
            return None

    def put(self, kind: str, cache_key: str, data: bytes, suffix: str = "") -> None:
        """Write atomically and drop older entries of the same kind; any OS error means the entry is skipped."""
        entry = self.path(kind, cache_key, suffix)
        if entry is None:
            return
        temporary = entry.with_name(f".{entry.name}.{os.getpid()}.{uuid.uuid4().hex}.tmp")
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(data)
            temporary.replace(entry)
        except OSError:
            try:
                temporary.unlink(missing_ok=True)
            except OSError:
                pass
            return
        for old in entry.parent.glob(f"{kind}-*{suffix}"):
            if old != entry and old.name[len(kind) + 1 :].removesuffix(suffix).isalnum():
                try:
                    old.unlink()
                except OSError:
                    pass


def open_cache(settings, repository) -> Cache:
    """The cache a run uses: none when turned off, else the settings' folder or the repository's."""
    if not settings.cache:
        return Cache(None)
    return Cache(settings.cache_dir or repository.default_cache_dir)
