"""Shared fixtures: the repository's graph is built once per test session (owlrl is slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

import icskg
from icskg.pipeline import Build

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built() -> Build:
    return icskg.build(ROOT)


@pytest.fixture(scope="session")
def kg(built) -> icskg.KnowledgeGraph:
    return icskg.KnowledgeGraph(built)


@pytest.fixture(scope="session")
def report(built):
    return icskg.check(built)


# --- Query layer (issue 4): one real Oxigraph server per session (tests/oxigraph_server.py) -------


@pytest.fixture(scope="session")
def oxigraph():
    """A running Oxigraph server on a free loopback port, stopped at the end of the session."""
    from oxigraph_server import start_oxigraph

    server = start_oxigraph()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def remote_kg(oxigraph, kg):
    """The built graph published to that server, opened through the remote backend."""
    from icskg.publish import publish

    publish(kg.graph, store=oxigraph.store_url, update=oxigraph.update_url, progress=False)
    return icskg.open_graph(ROOT, endpoint=oxigraph.query_url, timeout=30)
