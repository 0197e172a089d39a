"""The pipeline in one place: load -> infer -> validate, each step also usable on its own."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from rdflib import Graph

from . import cache
from .load import LoadedGraph, load_repository
from .reason import infer
from .repo import Repository, find_repository
from .report import Report
from .validate import load_shapes, validate


@dataclass
class Build:
    repo: Repository
    loaded: LoadedGraph
    inferred: Graph

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


def build(root: Path | str | None = None) -> Build:
    """Load the repository's ontology and data and infer with OWL 2 RL."""
    repo = find_repository(root)
    loaded = load_repository(repo)
    return Build(repo, loaded, infer_cached(repo, loaded))


def infer_cached(repo: Repository, loaded: LoadedGraph) -> Graph:
    """owlrl's inferences, from the cache when no input file changed."""
    cache_key = cache.key(repo.graph_files(), repo.root)
    inferred = cache.load(repo.cache_dir, cache_key)
    if inferred is None:
        inferred = infer(loaded.graph)
        cache.store(repo.cache_dir, cache_key, inferred)
    for prefix, namespace in loaded.graph.namespaces():
        inferred.bind(prefix, namespace, override=True, replace=True)
    return inferred


def check(built: Build, sources: Path | str | None = None) -> Report:
    """Validate a build against the repository's shapes and its source texts."""
    shapes = load_shapes(built.repo.shape_files(), built.repo.root)
    return validate(built.loaded, built.inferred, shapes, built.repo.sources_dir(sources))
