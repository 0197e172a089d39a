"""The pipeline in one place: load -> infer -> validate, each step also usable on its own.

Each step's output is cached under the hash of its inputs (icskg.cache). When nothing changed, a
build reads the whole graph as N-Triples for the query engine and parses the Turtle (for rdflib's
API, origins and exports) only when something asks for it; `check` returns the stored report.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from functools import cached_property
from pathlib import Path

from rdflib import Graph

from . import cache
from .load import LoadedGraph, load_repository
from .progress import step
from .reason import infer, reasoner
from .repo import Repository, find_repository
from .report import Report, Result

GRAPH_SUFFIX = ".nt"
REPORT_SUFFIX = ".json"
REPORT_GRAPH_SUFFIX = ".report.nt"


class Build:
    """The repository's graph: asserted triples (with origins) and inferred ones, loaded when needed."""

    def __init__(self, repo: Repository, loaded: LoadedGraph | None = None, inferred: Graph | None = None):
        """With `loaded` or `inferred` given, the build is those graphs, not the repository's files: then
        nothing is read from or written to the cache."""
        self.repo = repo
        self.given = loaded is not None or inferred is not None
        self.key = None if self.given else graph_key(repo)
        if loaded is not None:
            self.__dict__["loaded"] = loaded
        if inferred is not None:
            self.__dict__["inferred"] = inferred

    @cached_property
    def loaded(self) -> LoadedGraph:
        with step(f"parsing {len(self.repo.graph_files())} Turtle files"):
            return load_repository(self.repo)

    @cached_property
    def inferred(self) -> Graph:
        """The OWL 2 RL inferences, from the cache when no input file changed."""
        data = None if self.given else cache.read(self.repo.cache_dir, "inferred", self.key, GRAPH_SUFFIX)
        if data is not None:
            inferred = Graph().parse(data=data, format="nt")
        else:
            asserted = self.loaded.graph
            with step("inferring (OWL 2 RL)"):
                inferred = infer(asserted)
            if not self.given:
                cache.write(self.repo.cache_dir, "inferred", self.key, GRAPH_SUFFIX, _ntriples(inferred))
        for prefix, namespace in self.loaded.graph.namespaces():
            inferred.bind(prefix, namespace, override=True, replace=True)
        return inferred

    @property
    def asserted(self) -> Graph:
        return self.loaded.graph

    def combined(self) -> Graph:
        graph = Graph()
        for prefix, namespace in self.asserted.namespaces():
            graph.bind(prefix, namespace, override=True, replace=True)
        graph += self.asserted
        graph += self.inferred
        return graph

    @cached_property
    def _ntriples(self) -> bytes:
        if self.given:
            return _ntriples(self.combined())
        data = cache.read(self.repo.cache_dir, "graph", self.key, GRAPH_SUFFIX)
        if data is None:
            data = self._snapshot()
            cache.write(self.repo.cache_dir, "graph", self.key, GRAPH_SUFFIX, data)
        return data

    def ntriples(self) -> bytes:
        """Asserted + inferred triples as N-Triples (what the embedded query engine loads)."""
        return self._ntriples

    def _snapshot(self) -> bytes:
        """Built in Oxigraph where that gives the same triples (icskg.query_store), else through rdflib."""
        if "loaded" not in self.__dict__ and reasoner() == "auto":
            from . import query_store

            with step("building the query store (Oxigraph: parse, OWL 2 RL)"):
                store = query_store.build_store(self.repo.graph_files())
            if store is not None:
                self._built_store = store
                return query_store.ntriples(store)
        return _ntriples(self.combined())

    def query_store(self):
        """A pyoxigraph Store of asserted + inferred triples for the embedded engine: the one this build
        just made (handed over once), else one loaded from the N-Triples."""
        import pyoxigraph

        data = self.ntriples()
        store = self.__dict__.pop("_built_store", None)
        if store is None:
            store = pyoxigraph.Store()
            store.bulk_load(data, format=pyoxigraph.RdfFormat.N_TRIPLES)
        return store


def _ntriples(graph: Graph) -> bytes:
    return graph.serialize(format="nt", encoding="utf-8")


def graph_key(repo: Repository) -> str:
    return cache.key(repo.graph_files(), repo.root, cache.versions("icskg", "owlrl", "rdflib"), reasoner())


def build(root: Path | str | None = None) -> Build:
    """The repository's ontology and data with OWL 2 RL inferences.

    Nothing is parsed here: each step reads what it needs when asked (from the cache when no input
    changed), so `icskg validate` never builds the query store and a warm `open_graph` never parses
    Turtle. A broken file is reported, with file and line, by the first step that reads it."""
    return Build(find_repository(root))


def validation_key(built: Build, sources: Path | None) -> str:
    """Everything a report depends on: the graph, the shapes, the registry extracts, the source texts."""
    repo = built.repo
    inputs = repo.shape_files() + _files_under(repo.root / "registries")
    context = [built.key, cache.versions("pyshacl"), f"sources {sources.resolve() if sources else None}"]
    if sources is not None and sources.is_dir():
        inputs += _files_under(sources)
    return cache.key(inputs, repo.root, *context)


def _files_under(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []


def check(built: Build, sources: Path | str | None = None) -> Report:
    """Validate a build against the repository's shapes and its source texts (or return the stored report)."""
    from .validate import load_shapes, validate

    repo = built.repo
    sources_dir = repo.sources_dir(sources)
    report_key = None if built.given else validation_key(built, sources_dir)
    stored = _stored_report(repo.cache_dir, report_key) if report_key else None
    if stored is not None:
        return stored
    shapes = load_shapes(repo.shape_files(), repo.root)
    loaded, inferred = built.loaded, built.inferred
    with step("validating (SHACL, source texts, registry links)"):
        report = validate(loaded, inferred, shapes, sources_dir)
    if report_key:
        summary = {"results": [asdict(r) for r in report.results], "notes": report.notes}
        cache.write(repo.cache_dir, "report", report_key, REPORT_GRAPH_SUFFIX, _ntriples(report.graph))
        cache.write(repo.cache_dir, "report", report_key, REPORT_SUFFIX, json.dumps(summary).encode())
    return report


def _stored_report(cache_dir: Path, report_key: str) -> Report | None:
    summary = cache.read(cache_dir, "report", report_key, REPORT_SUFFIX)
    if summary is None or not cache.has(cache_dir, "report", report_key, REPORT_GRAPH_SUFFIX):
        return None
    stored = json.loads(summary)

    def report_graph() -> Graph:
        return Graph().parse(cache.path(cache_dir, "report", report_key, REPORT_GRAPH_SUFFIX), format="nt")

    return Report([Result(**r) for r in stored["results"]], report_graph, stored["notes"])
