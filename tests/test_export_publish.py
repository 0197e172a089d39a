"""`icskg export` round trips in every format; `icskg publish` replaces a named graph atomically."""

from __future__ import annotations

import threading
import urllib.parse
import urllib.request
from pathlib import Path

import pyoxigraph
import pytest
from click.testing import CliRunner
from rdflib import BNode, Dataset, Graph
from rdflib.compare import isomorphic

from icskg.cli import main
from icskg.errors import EndpointError, InputError
from icskg.export import ASSERTED_GRAPH, FORMATS, INFERRED_GRAPH, PARSERS, export
from icskg.load import load_files
from icskg.pipeline import Build
from icskg.publish import publish, show_progress, update_url_for
from icskg.reason import infer
from oxigraph_server import free_port

ROOT = Path(__file__).resolve().parents[1]
TEST_GRAPH = "https://w3id.org/icskg/graph/test-publish"


@pytest.fixture(scope="module")
def small(built) -> Build:
    """The ontology and one data file, loaded and inferred like the whole graph: export and publish
    behave the same at any size, and rdflib's parsers and isomorphism checks are slow on the full graph."""
    files = [p for p in built.repo.graph_files() if p.parent.name == "ontology" or p.name == "partnerships.ttl"]
    loaded = load_files(files, built.repo.root)
    return Build(built.repo, loaded, infer(loaded.graph))


def same_graph(a: Graph, b: Graph) -> bool:
    """Isomorphism; a plain set comparison when there are no blank nodes (much faster, same answer)."""
    if any(isinstance(term, BNode) for graph in (a, b) for triple in graph for term in triple):
        return isomorphic(a, b)
    return set(a) == set(b)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f != "trig"])
@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_export_round_trips(small, fmt, inferred):
    data = export(small, fmt, inferred)
    again = Graph().parse(data=data.decode("utf-8"), format=PARSERS[fmt])
    expected = small.combined() if inferred else small.asserted
    assert isomorphic(again, expected)


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_trig_keeps_asserted_and_inferred_apart(small, inferred):
    ds = Dataset()
    ds.parse(data=export(small, "trig", inferred).decode("utf-8"), format="trig")
    assert isomorphic(ds.graph(ASSERTED_GRAPH), small.asserted)
    if inferred:
        assert isomorphic(ds.graph(INFERRED_GRAPH), small.inferred)
    else:
        assert len(ds.graph(INFERRED_GRAPH)) == 0


def test_exports_are_stable(small):
    assert export(small, "ttl") == export(small, "ttl")
    assert export(small, "nt") == export(small, "nt")


def test_unknown_format_is_refused(small):
    with pytest.raises(InputError, match="unknown export format"):
        export(small, "rdfxml")


def test_cli_export_to_file_and_stdout(tmp_path, small, monkeypatch):
    built = small
    monkeypatch.setattr("icskg.pipeline.build", lambda root=None: small)
    out = tmp_path / "graph.nt"
    runner = CliRunner()
    result = runner.invoke(main, ["--root", str(ROOT), "export", "-f", "nt", "--inferred", "-o", str(out)])
    assert result.exit_code == 0, result.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == len(built.asserted) + len(built.inferred)  # one triple a line
    result = runner.invoke(main, ["--root", str(ROOT), "export", "--format", "nt"])
    assert result.exit_code == 0
    assert len(result.output.splitlines()) == len(built.asserted)


# --- publish -------------------------------------------------------------------------------------


def as_stored(graph: Graph) -> Graph:
    """The graph as an Oxigraph store keeps it: typed literals in canonical form ("44.0"^^xsd:decimal
    is stored as "44"), which is value-equal but not term-equal to what rdflib wrote."""
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    data = store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.DefaultGraph())
    return Graph().parse(data=data.decode("utf-8"), format="nt")


def graph_at(server, graph_iri: str) -> Graph:
    url = f"{server.store_url}?graph={urllib.parse.quote(graph_iri, safe='')}"
    request = urllib.request.Request(url, headers={"Accept": "application/n-triples"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return Graph().parse(data=response.read().decode("utf-8"), format="nt")


def named_graphs(server) -> set[str]:
    request = urllib.request.Request(
        server.query_url,
        data=urllib.parse.urlencode({"query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { } }"}).encode(),
        headers={"Accept": "text/csv"},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return set(response.read().decode("utf-8").splitlines()[1:])


def count_in(server, graph_iri: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph_iri}> {{ ?s ?p ?o }} }}"
    request = urllib.request.Request(
        server.query_url, data=urllib.parse.urlencode({"query": query}).encode(), headers={"Accept": "text/csv"}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return int(response.read().decode("utf-8").splitlines()[1])


def test_publish_twice_holds_exactly_the_new_graph(oxigraph, small):
    first = small.asserted
    second = small.combined()
    publish(first, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri=TEST_GRAPH, progress=False)
    assert same_graph(graph_at(oxigraph, TEST_GRAPH), as_stored(first))

    seen: list[int] = []
    stop = threading.Event()

    def reader():
        while not stop.is_set():
            seen.append(count_in(oxigraph, TEST_GRAPH))

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        done = publish(second, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri=TEST_GRAPH)
    finally:
        stop.set()
        thread.join()
    assert done.triples == len(second)
    assert same_graph(graph_at(oxigraph, TEST_GRAPH), as_stored(second))
    assert set(seen) <= {len(first), len(second)}, "a reader saw a half-loaded graph"
    assert not [g for g in named_graphs(oxigraph) if g.startswith("urn:uuid:")], "a staging graph was left behind"


def test_failed_upload_leaves_the_published_graph_alone(oxigraph, small):
    built = small
    publish(built.asserted, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri=TEST_GRAPH, progress=False)
    closed = f"http://127.0.0.1:{free_port()}/store"
    with pytest.raises(EndpointError, match="connection refused"):
        publish(built.combined(), store=closed, update=oxigraph.update_url, graph_iri=TEST_GRAPH, progress=False)
    assert same_graph(graph_at(oxigraph, TEST_GRAPH), as_stored(built.asserted))


def test_publish_refuses_bad_input(oxigraph, small):
    built = small
    with pytest.raises(InputError, match="absolute IRI"):
        publish(built.asserted, store=oxigraph.store_url, update=oxigraph.update_url, graph_iri="graph> } DROP ALL")
    with pytest.raises(InputError, match="http"):
        publish(built.asserted, store="file:///tmp/x", update=oxigraph.update_url)


def test_cli_publish(oxigraph, small, monkeypatch):
    built = small
    monkeypatch.setattr("icskg.pipeline.build", lambda root=None: small)
    args = ["--root", str(ROOT), "publish", "--endpoint", oxigraph.query_url, "--store", oxigraph.store_url]
    result = CliRunner().invoke(main, [*args, "--graph", TEST_GRAPH], env={"CI": "true"})
    assert result.exit_code == 0, result.output
    triples = len(built.asserted) + len(built.inferred)
    assert f"published {triples} triples to <{TEST_GRAPH}>; the endpoint now holds {triples}" in result.output
    assert count_in(oxigraph, TEST_GRAPH) == triples  # the content itself: test_publish_twice_...
    closed = f"http://127.0.0.1:{free_port()}"
    result = CliRunner().invoke(
        main, ["--root", str(ROOT), "publish", "--endpoint", f"{closed}/query", "--store", f"{closed}/store"]
    )
    assert result.exit_code == 3, result.output
    assert "connection refused" in result.output


def test_update_url_and_progress_rules(monkeypatch):
    assert update_url_for("http://127.0.0.1:7878/query") == "http://127.0.0.1:7878/update"
    assert update_url_for("http://host/ds/query") == "http://host/ds/update"
    with pytest.raises(InputError, match="--update"):
        update_url_for("http://host/endpoint")
    monkeypatch.setenv("CI", "true")
    assert show_progress() is False
