"""The release an installed icskg carries: the built graph (asserted + inferred, as N-Quads) and the stored
queries, so `icskg.open_graph()` and `icskg query` work wherever icskg is installed, with no checkout.

`icskg release` writes it into `src/icskg/release/` (`python3 dev.py wheel` does that, then builds the
wheel, which ships the folder as package data). Only a graph that conforms to its shapes is released. The
manifest (`release.json`) records what was released: counts, the reasoner, the inputs' digest and the
graph file's SHA-256, checked when the release is opened, so a damaged installation says so.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import shutil
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pyoxigraph as ox

from .build.graph import BuiltGraph, Reasoning
from .build.rules import INFERRED
from .errors import InputError

PACKAGED = Path(__file__).resolve().parent / "release"
"""Where a wheel carries its release (package data)."""
GRAPH, MANIFEST, QUERIES = "graph.nq.gz", "release.json", "queries"
FORMAT = 1


@dataclass(frozen=True)
class Release:
    folder: Path
    manifest: dict

    @property
    def queries_dir(self) -> Path:
        return self.folder / QUERIES


def icskg_version() -> str:
    try:
        return version("icskg")
    except PackageNotFoundError:  # pragma: no cover - running from a source tree without an install
        return "unknown"


def write_release(built: BuiltGraph, queries_dir: Path, target: Path) -> list[Path]:
    """Write the graph, the stored queries and the manifest into `target` (replacing an earlier release).
    The N-Quads are sorted and compressed without a timestamp, so the same graph gives the same bytes."""
    lines = sorted(set(built.store.dump(format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()))
    data = gzip.compress(("\n".join(lines) + "\n").encode("utf-8"), mtime=0)
    names = sorted(p.name for p in queries_dir.glob("*.rq") if p.is_file()) if queries_dir.is_dir() else []
    manifest = {
        "format": FORMAT,
        "icskg": icskg_version(),
        "asserted_triples": built.count(),
        "inferred_triples": built.count(INFERRED),
        "reasoner": built.reasoning.reasoner,
        "inputs": built.key,
        "graph": GRAPH,
        "graph_sha256": hashlib.sha256(data).hexdigest(),
        "queries": names,
    }
    try:
        if (target / QUERIES).is_dir():
            shutil.rmtree(target / QUERIES)
        (target / QUERIES).mkdir(parents=True)
        for name in names:
            shutil.copyfile(queries_dir / name, target / QUERIES / name)
        (target / GRAPH).write_bytes(data)
        (target / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot write the release into {target}: {error.strerror or error}") from None
    return [target / GRAPH, target / MANIFEST, target / QUERIES]


def packaged() -> Release | None:
    """The release this installation carries, or None (a checkout, or a wheel built without one)."""
    manifest = PACKAGED / MANIFEST
    if not manifest.is_file():
        return None
    try:
        return Release(PACKAGED, json.loads(manifest.read_text(encoding="utf-8")))
    except (OSError, ValueError) as error:
        raise InputError(f"the installed release is damaged ({error}): reinstall icskg", manifest) from None


def open_release(release: Release) -> BuiltGraph:
    """The released graph in a new in-memory store, after checking its bytes against the manifest."""
    path = release.folder / release.manifest.get("graph", GRAPH)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"the installed release has no graph ({error.strerror}): reinstall icskg", path) from None
    if hashlib.sha256(data).hexdigest() != release.manifest.get("graph_sha256"):
        raise InputError("the installed graph does not match its manifest: reinstall icskg", path)
    store = ox.Store()
    store.bulk_load(gzip.decompress(data), format=ox.RdfFormat.N_QUADS)
    reasoning = Reasoning(str(release.manifest.get("reasoner", "icskg")))
    return BuiltGraph(store, [], reasoning, None, release.manifest.get("inputs"))


def repository_or_release(root: Path | str | None):
    """Where the graph and the stored queries come from: the repository at or above `root` (or the current
    directory); with no `root` given and no repository found, the release this installation carries. Both
    have a `queries_dir`; only a Repository can be built from."""
    from .build.repository import find_repository
    from .errors import RepositoryNotFound

    try:
        return find_repository(root)
    except RepositoryNotFound as error:
        release = packaged() if root is None else None
        if release is None:
            if root is None:
                raise RepositoryNotFound(
                    f"{error.message}; this installation carries no built graph either (a wheel built with "
                    "`python3 dev.py wheel` does)"
                ) from None
            raise
        return release
