"""`icskg publish`: N-Triples from the store replace a named graph of a real server atomically (Oxigraph, and
the protocol tests also on Virtuoso)."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.compare import isomorphic

from icskg.build.files import read_turtle_files
from icskg.build.graph import BuiltGraph
from icskg.build.pipeline import build_files
from icskg.build.rules import INFERRED
from icskg.cli import main
from icskg.errors import EndpointError, InputError
from icskg.outputs.publish import batches, publish, update_url_for
from icskg.settings import Settings
from oxigraph_server import free_port

pytestmark = pytest.mark.server

TEST_GRAPH = "https://w3id.org/icskg/graph/test-publish"


@pytest.fixture(scope="module")
def small(built, settings) -> BuiltGraph:
    """The ontology and one data file, built like the whole graph (publish behaves the same at any size)."""
    repo = built.repo
    paths = [p for p in repo.graph_files() if p.parent.name == "ontology" or p.name == "partnerships.ttl"]
    return build_files(read_turtle_files(paths, repo.root), settings, repo)


def as_graph(ntriples: bytes) -> Graph:
    return Graph().parse(data=ntriples.decode("utf-8"), format="nt")


def graph_at(server, graph_iri: str) -> Graph:
    """The graph as the server's Graph Store Protocol gives it (N-Triples asked for; Virtuoso sends Turtle)."""
    url = f"{server.store_url}?graph={urllib.parse.quote(graph_iri, safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples, text/turtle;q=0.5"})
    with urllib.request.urlopen(request, timeout=30) as response:
        kind = response.headers.get("Content-Type", "")
        return Graph().parse(data=response.read().decode("utf-8"), format="nt" if "n-triples" in kind else "turtle")


def select(server, query: str) -> list[str]:
    request = urllib.request.Request(
        server.query_url, data=urllib.parse.urlencode({"query": query}).encode(), headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.read().decode("utf-8").splitlines()[1:]


def named_graphs(server) -> set[str]:
    return set(select(server, "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"))


def count_in(server, graph_iri: str) -> int:
    return int(select(server, f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}")[0])


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(params=["oxigraph", pytest.param("virtuoso_scratch", marks=pytest.mark.xdist_group("virtuoso"))])
def server(request):
    """Each real server the publish protocol is proved on (Virtuoso's tests share its one worker)."""
    return request.getfixturevalue(request.param)


def test_publish_twice_holds_exactly_the_new_graph(server, small):
    first = small.ntriples(inferred=False)
    second = small.ntriples(inferred=True)
    assert len(second) > len(first)
    done = publish(
        first, store=server.store_url, update=server.update_url, graph_iri=TEST_GRAPH, query=server.query_url
    )
    assert done.triples == small.count() and done.graph == TEST_GRAPH and done.bytes == len(first)
    assert isomorphic(graph_at(server, TEST_GRAPH), as_graph(first))

    seen: list[int] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            seen.append(count_in(server, TEST_GRAPH))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        done = publish(
            second, store=server.store_url, update=server.update_url, graph_iri=TEST_GRAPH, query=server.query_url
        )
    finally:
        stop.set()
        thread.join()
    assert done.triples == small.count() + small.count(INFERRED)
    assert isomorphic(graph_at(server, TEST_GRAPH), as_graph(second))
    assert seen, "the reader never got an answer"
    assert set(seen) <= {small.count(), done.triples}, "a reader saw a half-loaded graph"
    assert not [g for g in named_graphs(server) if g.startswith("urn:uuid:")], "a staging graph was left behind"


def test_failed_upload_leaves_the_published_graph_alone(server, small):
    asserted = small.ntriples(inferred=False)
    publish(asserted, store=server.store_url, update=server.update_url, graph_iri=TEST_GRAPH, query=server.query_url)
    closed = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(EndpointError, match="connection refused"):
        publish(small.ntriples(), store=closed, update=server.update_url, graph_iri=TEST_GRAPH, query=server.query_url)
    assert isomorphic(graph_at(server, TEST_GRAPH), as_graph(asserted))
    # an upload the store refuses (not N-Triples) fails the same way, and its staging graph is dropped
    # (Oxigraph answers 400; Virtuoso answers 500 for a body it cannot parse: docs/servers.md)
    with pytest.raises(EndpointError, match="HTTP (400|500)"):
        publish(
            b"this is not N-Triples\n",
            store=server.store_url,
            update=server.update_url,
            graph_iri=TEST_GRAPH,
            query=server.query_url,
        )
    assert isomorphic(graph_at(server, TEST_GRAPH), as_graph(asserted))
    assert not [g for g in named_graphs(server) if g.startswith("urn:uuid:")]


def test_a_store_that_keeps_fewer_triples_than_sent_is_refused_before_the_swap(server, small):
    """The staging graph is counted before the MOVE: here the store keeps one triple of the two lines sent (a
    duplicate), as a store that cut an upload short would, and the published graph stays as it was."""
    asserted = small.ntriples(inferred=False)
    publish(asserted, store=server.store_url, update=server.update_url, graph_iri=TEST_GRAPH, query=server.query_url)
    line = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    with pytest.raises(EndpointError, match="kept 1 of the 2 triples uploaded; the published graph is unchanged"):
        publish(
            line * 2, store=server.store_url, update=server.update_url, graph_iri=TEST_GRAPH, query=server.query_url
        )
    assert isomorphic(graph_at(server, TEST_GRAPH), as_graph(asserted))
    assert not [g for g in named_graphs(server) if g.startswith("urn:uuid:")], "a staging graph was left behind"


def graph_with_blank_nodes(plain: int, chains: int) -> bytes:
    """N-Triples with `plain` ground triples and `chains` blank-node chains (_:a -> _:b -> literal), shuffled
    so that the blank-node triples are spread through the document."""
    import random

    ex = "http://example.org/"
    lines = [f'<{ex}s{i}> <{ex}p> "value {i}" .\n' for i in range(plain)]
    lines.append(f'<{ex}tricky> <{ex}p> "a literal with _:x in it" .\n')
    for i in range(chains):
        lines += [f"<{ex}c{i}> <{ex}has> _:a{i} .\n", f"_:a{i} <{ex}next> _:b{i} .\n", f'_:b{i} <{ex}v> "{i}" .\n']
    random.Random(7).shuffle(lines)
    return "".join(lines).encode("utf-8")


def test_batches_keep_every_triple_once_and_blank_nodes_together():
    data = graph_with_blank_nodes(1000, 20)
    documents = batches(data, 300)
    assert sorted(b"".join(documents).splitlines()) == sorted(data.splitlines())
    *plain, blank = documents
    assert [d.count(b"\n") for d in plain] == [300, 300, 300, 100]
    assert b"_:" not in b"".join(plain) and blank.count(b"\n") == 61  # 20 chains of 3, and the tricky literal
    assert batches(b"", 10) == [b""]
    with pytest.raises(InputError, match="positive"):
        batches(data, 0)


def test_a_graph_uploaded_in_batches_arrives_whole_with_its_blank_nodes(server):
    data = graph_with_blank_nodes(1000, 20)
    done = publish(
        data,
        store=server.store_url,
        update=server.update_url,
        graph_iri=TEST_GRAPH,
        query=server.query_url,
        batch_triples=300,
    )
    assert done.triples == 1061
    assert isomorphic(graph_at(server, TEST_GRAPH), as_graph(data))


def test_publish_refuses_bad_input(oxigraph, small):
    data = small.ntriples(inferred=False)
    with pytest.raises(InputError, match="absolute IRI"):
        publish(data, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri="graph> } DROP ALL")
    with pytest.raises(InputError, match="http"):
        publish(data, store="file:///tmp/x", update=oxigraph.update_url)
    assert "graph> } DROP ALL" not in named_graphs(oxigraph)


def test_publish_shows_progress_only_when_asked(oxigraph, small, capfd):
    data = small.ntriples(inferred=False)
    publish(data, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri=TEST_GRAPH, progress=True)
    assert f"uploading {small.count()} triples" in capfd.readouterr().err
    publish(data, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri=TEST_GRAPH)
    assert capfd.readouterr().err == ""


def test_cli_publish(oxigraph, built, repo_root):
    args = ["--root", str(repo_root), "publish", "--endpoint", oxigraph.query_url, "--store", oxigraph.store_url]
    result = run(*args, "--graph", TEST_GRAPH, env={"CI": "true", "ICSKG_PROGRESS": None})
    assert result.exit_code == 0, result.output
    triples = built.count() + built.count(INFERRED)
    assert f"published {triples} triples to <{TEST_GRAPH}>; the endpoint now holds {triples}" in result.stdout
    assert "uploading" not in result.stderr, "no progress bar on CI"
    assert count_in(oxigraph, TEST_GRAPH) == triples  # the content itself: test_publish_twice_...
    closed = f"http://127.0.0.1:{free_port()}"
    result = run("--root", str(repo_root), "publish", "--endpoint", f"{closed}/query", "--store", f"{closed}/store")
    assert result.exit_code == 3, result.output
    assert "connection refused" in result.stderr


def test_cli_publish_shows_progress_when_asked(oxigraph, built, repo_root):
    args = ["--root", str(repo_root), "publish", "--endpoint", oxigraph.query_url, "--store", oxigraph.store_url]
    result = run(*args, "--graph", TEST_GRAPH, env={"ICSKG_PROGRESS": "1"})
    assert result.exit_code == 0, result.output
    triples = built.count() + built.count(INFERRED)
    assert f"published {triples} triples to <{TEST_GRAPH}>" in result.stdout
    assert f"uploading {triples} triples" in result.stderr


def test_update_url_and_progress_rules():
    assert update_url_for("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/update"
    assert update_url_for("http://host/ds/query") == "http://host/ds/update"
    assert update_url_for("http://host/sparql") == "http://host/sparql"
    with pytest.raises(InputError, match="--update"):
        update_url_for("http://host/endpoint")
    assert Settings.load(environ={"CI": "true"}).progress is False
    assert Settings.load(environ={"CI": "true", "ICSKG_PROGRESS": "1"}).progress is True
