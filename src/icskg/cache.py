"""A cache of the inferred triples, keyed by the hashes of the input files.

Inference is the slow step (owlrl), and the inferred triples depend only on the asserted files and
the reasoner's version, so the key is exactly that: change one byte of any input, or upgrade owlrl or
icskg, and the entry is not used. Set ICSKG_CACHE=0 to bypass it.
"""

from __future__ import annotations

import hashlib
import os
from importlib.metadata import version
from pathlib import Path

from rdflib import Graph

from .reason import reasoner

CACHE_ENV = "ICSKG_CACHE"


def enabled() -> bool:
    return os.environ.get(CACHE_ENV, "1") not in ("0", "false", "no")


def key(files: list[Path], root: Path) -> str:
    digest = hashlib.sha256()
    libraries = f"icskg {version('icskg')} owlrl {version('owlrl')} rdflib {version('rdflib')}"
    digest.update(f"{libraries} reasoner {reasoner()}\n".encode())
    for path in files:
        name = path.relative_to(root) if path.is_relative_to(root) else path
        digest.update(f"{name}\0{hashlib.sha256(path.read_bytes()).hexdigest()}\n".encode())
    return digest.hexdigest()


def load(cache_dir: Path, cache_key: str) -> Graph | None:
    path = cache_dir / f"inferred-{cache_key}.nt"
    if not enabled() or not path.is_file():
        return None
    graph = Graph()
    graph.parse(path, format="nt")
    return graph


def store(cache_dir: Path, cache_key: str, inferred: Graph) -> None:
    """Write atomically (temp file + rename) and keep only the newest entry."""
    if not enabled():
        return
    cache_dir.mkdir(parents=True, exist_ok=True)
    final = cache_dir / f"inferred-{cache_key}.nt"
    temporary = final.with_suffix(f".tmp{os.getpid()}")
    inferred.serialize(temporary, format="nt", encoding="utf-8")
    temporary.replace(final)
    for old in cache_dir.glob("inferred-*.nt"):
        if old != final:
            old.unlink(missing_ok=True)
