"""Shared fixtures. The tests never touch the developer's cache: ICSKG_CACHE_DIR points at a fresh
temporary folder for the session (set before anything reads the settings), and progress stays quiet."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
_CACHE = tempfile.mkdtemp(prefix="icskg-test-cache-")
os.environ["ICSKG_CACHE_DIR"] = _CACHE
os.environ.setdefault("ICSKG_PROGRESS", "0")
sys.path.insert(0, str(Path(__file__).resolve().parent))  # the helper modules beside this file
pytest.register_assert_rewrite("parity")


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def settings():
    from icskg.settings import Settings

    return Settings.load(root=ROOT)


@pytest.fixture(scope="session")
def built(settings):
    from icskg.build import build

    return build(settings)


@pytest.fixture(scope="session")
def kg(built):
    from icskg.api import KnowledgeGraph

    return KnowledgeGraph(built)


@pytest.fixture(scope="session")
def report(settings):
    from icskg.validate import validate

    return validate(settings)


def running(server):
    """Yield a started server to the fixture's users; stop it however the session ends."""
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def oxigraph():
    """A running Oxigraph server on a free loopback port, stopped at the end of the session."""
    from oxigraph_server import start_oxigraph

    yield from running(start_oxigraph())


@pytest.fixture(scope="session")
def remote_kg(oxigraph, built):
    """The built graph published to that server, opened through the remote backend."""
    import icskg
    from icskg.outputs.publish import publish

    publish(built.ntriples(), store=oxigraph.store_url, update=oxigraph.update_url)
    return icskg.open_graph(ROOT, endpoint=oxigraph.query_url, timeout=30)


@pytest.fixture(scope="session")
def virtuoso():
    """A running Virtuoso on free loopback ports with a fresh database, stopped at the end of the session."""
    from virtuoso_server import start_virtuoso

    yield from running(start_virtuoso())


@pytest.fixture(scope="session")
def virtuoso_scratch():
    """A second Virtuoso for the tests that write other graphs, so that the parity tests' store holds only the
    published graph (docs/servers.md, V17)."""
    from virtuoso_server import start_virtuoso

    yield from running(start_virtuoso())


@pytest.fixture(scope="session")
def virtuoso_kg(virtuoso, built):
    """The graph published to Virtuoso by `icskg publish` (as a user would), opened through the remote backend."""
    from click.testing import CliRunner

    import icskg
    from icskg.cli import main

    args = ["--root", str(ROOT), "publish", "--endpoint", virtuoso.query_url, "--store", virtuoso.store_url]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    return icskg.open_graph(ROOT, endpoint=virtuoso.query_url, timeout=60)
