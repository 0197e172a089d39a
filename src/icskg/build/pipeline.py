"""Build the graph of record: read each file once, parse it into the store, infer, cache.

files (bytes) -> cache key -> [cache hit: load the store's N-Quads]
                           -> [miss: Oxigraph parses each file, OWL 2 RL in the store, write the cache]
"""

from __future__ import annotations

import json
from dataclasses import dataclass

import pyoxigraph as ox

from ..progress import step
from ..settings import Settings
from . import cache as caching
from .files import InputFile, digest_of, read_turtle_files
from .graph import BuiltGraph, Reasoning
from .parse import load_turtle
from .reference import materialise_with_owlrl
from .repository import Repository, find_repository
from .rules import decline_reason, materialise


@dataclass(frozen=True)
class Inputs:
    """The repository and its graph files, read once, and the cache key those bytes make."""

    repo: Repository
    files: list[InputFile]
    key: str


def read_inputs(settings: Settings) -> Inputs:
    repo = find_repository(settings.root)
    files = read_turtle_files(repo.graph_files(), repo.root)
    return Inputs(repo, files, caching.key("graph", digest_of(files), f"reasoner {settings.reasoner}"))


def build(settings: Settings | None = None, inputs: Inputs | None = None) -> BuiltGraph:
    """The repository's ontology and data with their OWL 2 RL closure, from the cache when no byte changed."""
    settings = settings or Settings.load()
    inputs = inputs or read_inputs(settings)
    repo, files, key = inputs.repo, inputs.files, inputs.key
    cache = caching.open_cache(settings, repo)
    cached = _cached(cache, key)
    if cached is not None:
        store, reasoning = cached
        return BuiltGraph(store, files, reasoning, repo, key)
    graph = build_files(files, settings, repo)
    graph.key = key
    cache.put("build", key, graph.store.dump(format=ox.RdfFormat.N_QUADS), ".nq")
    info = {"reasoner": graph.reasoning.reasoner, "reason": graph.reasoning.reason}
    cache.put("build", key, json.dumps(info).encode(), ".json")
    return graph


def build_files(files: list[InputFile], settings: Settings, repo: Repository | None = None) -> BuiltGraph:
    """Parse `files` into a new store and infer (no cache): the whole build for any list of files."""
    store = ox.Store()
    with step(f"parsing {len(files)} Turtle files", settings.progress):
        for file in files:
            load_turtle(store, file)
    with step("inferring (OWL 2 RL)", settings.progress):
        reasoning = infer(store, settings.reasoner)
    return BuiltGraph(store, files, reasoning, repo)


def infer(store: ox.Store, reasoner: str = "auto") -> Reasoning:
    """OWL 2 RL into the store's INFERRED graph: icskg's rules, or owlrl where they decline (or are told to)."""
    if reasoner == "owlrl":
        materialise_with_owlrl(store)
        return Reasoning("owlrl", "ICSKG_REASONER=owlrl asks for it")
    if materialise(store):
        return Reasoning("icskg")
    reason = decline_reason(store)
    materialise_with_owlrl(store)
    return Reasoning("owlrl", reason)


def _cached(cache: caching.Cache, key: str) -> tuple[ox.Store, Reasoning] | None:
    data, info = cache.get("build", key, ".nq"), cache.get("build", key, ".json")
    if data is None or info is None:
        return None
    try:
        store = ox.Store()
        store.bulk_load(data, format=ox.RdfFormat.N_QUADS)
        fields = json.loads(info)
        return store, Reasoning(fields["reasoner"], fields["reason"])
    except (SyntaxError, ValueError, KeyError, TypeError):
        return None  # a damaged entry is a miss
