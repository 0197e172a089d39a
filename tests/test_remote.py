"""The remote backend against a real Oxigraph server: same call, same answer as the embedded graph.

The parity tests iterate over whatever is in queries/, with each query's example parameters and
with its defaults (only the required parameters given). Failures of the endpoint are exercised with a
closed port and a tiny misbehaving http.server on loopback; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import http.server
import json
import threading
import time
import urllib.parse
import urllib.request
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path

import pytest
from rdflib import BNode
from rdflib.compare import isomorphic

import icskg
from icskg.api import EndpointBackend, KnowledgeGraph
from icskg.catalogue import load_catalogue, load_query
from icskg.errors import EndpointError, InputError
from icskg.params import bind, values_block
from oxigraph_server import free_port
from test_params import HOSTILE, write_echo_query

ROOT = Path(__file__).resolve().parents[1]
STORED = [load_query(p) for p in sorted((ROOT / "queries").glob("*.rq"))]


def defaults_only(query) -> dict:
    """The smallest call: required parameters (from the example), everything else left to its default."""
    return {p.name: query.example[p.name] for p in query.parameters if p.required and p.default is None}


CALLS = [(q.name, "example", q.example) for q in STORED] + [(q.name, "defaults", defaults_only(q)) for q in STORED]


def comparable(rows) -> list:
    """Rows as a sorted list (a multiset); blank nodes differ by store, so they compare as one."""
    if isinstance(rows, bool):
        return [rows]

    def value(v):
        if isinstance(v, BNode):
            return ("bnode",)
        if isinstance(v, Decimal):  # Oxigraph keeps decimals canonical: 44.0 is stored as 44
            return ("Decimal", str(v.normalize()))
        return (type(v).__name__, str(v))

    return sorted(tuple(sorted((k, value(v)) for k, v in row.items())) for row in rows)


@pytest.mark.parametrize("name,how,params", CALLS, ids=[f"{n}-{h}" for n, h, _ in CALLS])
def test_every_stored_query_gives_the_same_answer(kg, remote_kg, name, how, params):
    remote = remote_kg.query(name, **params)
    assert comparable(remote) == comparable(embedded_answer(kg, name, how, params))  # values and their types


_EMBEDDED: dict[tuple[str, str], object] = {}


def embedded_answer(kg, name, how, params):
    if (name, how) not in _EMBEDDED:
        _EMBEDDED[name, how] = kg.query(name, **params)
    return _EMBEDDED[name, how]


def test_parity_covers_answers_not_just_empty_lists(kg, remote_kg):
    nonempty = [name for name, how, params in CALLS if embedded_answer(kg, name, how, params)]
    assert nonempty, "every stored query returned nothing: the parity test would prove little"


def test_ad_hoc_sparql_counts_the_same(kg, remote_kg):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    assert remote_kg.sparql(text) == kg.sparql(text) == [{"n": len(kg.graph)}]
    assert remote_kg.sparql("ASK { ?s a ?c }") is kg.sparql("ASK { ?s a ?c }") is True


def test_construct_gives_the_same_graph(kg, remote_kg):
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> ; ?p ?o }"
    assert isomorphic(remote_kg.sparql(text), kg.sparql(text))


def test_dataframes_agree(kg, remote_kg):
    name, params = "search_labels", {"text": "care"}
    embedded = kg.query_df(name, **params)
    remote = remote_kg.query(name, as_="dataframe", **params)
    assert list(remote.columns) == list(embedded.columns)
    key = list(embedded.columns)
    assert sorted(map(repr, remote[key].values.tolist())) == sorted(map(repr, embedded[key].values.tolist()))


def test_only_the_published_graph_is_queried(oxigraph, remote_kg, kg):
    other = "http://example.org/not-icskg"
    body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    request = urllib.request.Request(
        f"{oxigraph.store_url}?graph={urllib.parse.quote(other, safe='')}", data=body, method="PUT"
    )
    request.add_header("Content-Type", "application/n-triples")
    urllib.request.urlopen(request, timeout=10).close()
    assert remote_kg.sparql("ASK { <http://example.org/s> ?p ?o }") is False
    assert remote_kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": len(kg.graph)}]


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_match_nothing_remote(remote_kg, hostile):
    assert remote_kg.query("search_labels", text=hostile) == []


def test_hostile_strings_come_back_verbatim_remote(oxigraph, tmp_path):
    write_echo_query(tmp_path)
    kg = KnowledgeGraph(backend=EndpointBackend(oxigraph.query_url), catalogue=load_catalogue(tmp_path))
    for hostile in HOSTILE:
        assert kg.query("echo", text=hostile) == [{"text": hostile, "length": len(hostile)}]


# --- what goes over the wire --------------------------------------------------------------------


class _Recorder(http.server.BaseHTTPRequestHandler):
    """Answers every query with an empty result and remembers what it was sent."""

    seen: list[dict] = []
    reply: tuple[int, str, bytes] = (
        200,
        "application/sparql-results+json",
        b'{"head":{"vars":[]},"results":{"bindings":[]}}',
    )
    delay = 0.0

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length", 0))
        body = self.rfile.read(length).decode("utf-8")
        type(self).seen.append(
            {"path": self.path, "content_type": self.headers.get("Content-Type"), "form": urllib.parse.parse_qs(body)}
        )
        time.sleep(type(self).delay)
        status, content_type, payload = type(self).reply
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@contextmanager
def fake_endpoint(reply=None, delay=0.0):
    handler = type("Handler", (_Recorder,), {"seen": [], "delay": delay})
    if reply is not None:
        handler.reply = reply
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/query", handler
    finally:
        server.shutdown()
        server.server_close()


def test_the_text_sent_is_the_stored_text_plus_one_values_block(kg):
    query = kg.stored("search_labels")
    hostile = HOSTILE[0]
    with fake_endpoint() as (url, handler):
        remote = KnowledgeGraph(
            backend=EndpointBackend(url, graph="https://w3id.org/icskg/graph"), catalogue=kg.catalogue
        )
        assert remote.query("search_labels", text=hostile) == []
    (request,) = handler.seen
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert request["form"]["default-graph-uri"] == ["https://w3id.org/icskg/graph"]
    (sent,) = request["form"]["query"]
    block = values_block(bind(query, {"text": hostile}))
    assert sent.count(block) == 1
    assert sent.replace(" " + block, "", 1) == query.text


def test_closed_port_is_a_clear_endpoint_error():
    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.monotonic()
    with pytest.raises(EndpointError, match="cannot reach .*connection refused") as caught:
        icskg.open_graph(ROOT, endpoint=url, timeout=2).sparql("ASK {}")
    assert caught.value.exit_code == 3
    assert time.monotonic() - started < 2


def test_http_500_reports_status_and_body():
    reply = (500, "text/plain", b"Internal trouble: the store is on fire " + b"x" * 1000)
    with fake_endpoint(reply) as (url, _):
        with pytest.raises(EndpointError) as caught:
            KnowledgeGraph(backend=EndpointBackend(url)).sparql("ASK {}")
    message = str(caught.value)
    assert "HTTP 500" in message and "the store is on fire" in message
    assert len(message) < 500  # only the first part of the body


def test_http_400_from_oxigraph_is_reported(oxigraph):
    backend = EndpointBackend(oxigraph.query_url)
    with pytest.raises(EndpointError, match="HTTP 400"):
        backend.request("SELECT * WHERE { ?s ?p }", "application/sparql-results+json")


def test_http_404_is_reported(oxigraph):
    with pytest.raises(EndpointError, match="HTTP 404"):
        KnowledgeGraph(backend=EndpointBackend(oxigraph.base + "/no-such-service")).sparql("ASK {}")


@pytest.mark.parametrize(
    "reply,message",
    [
        ((200, "application/sparql-results+json", b"{not json"), "malformed SPARQL results JSON"),
        ((200, "application/sparql-results+json", b'{"head": {}}'), "malformed SPARQL results JSON"),
        (
            (200, "application/sparql-results+json", b'{"head":{"vars":["x"]},"results":{"bindings":[{"x":{}}]}}'),
            "malformed",
        ),
        ((200, "text/html", b"<html>a login page</html>"), "not SPARQL results JSON"),
    ],
    ids=["not-json", "no-results", "bad-binding", "html"],
)
def test_malformed_responses_are_endpoint_errors(reply, message):
    with fake_endpoint(reply) as (url, _):
        with pytest.raises(EndpointError, match=message):
            KnowledgeGraph(backend=EndpointBackend(url)).sparql("SELECT ?x WHERE { ?x ?p ?o }")


def test_a_slow_endpoint_times_out():
    with fake_endpoint(delay=3) as (url, _):
        started = time.monotonic()
        with pytest.raises(EndpointError, match="within 0.5 s"):
            KnowledgeGraph(backend=EndpointBackend(url, timeout=0.5)).sparql("ASK {}")
        assert time.monotonic() - started < 2.5


def test_bad_endpoint_settings_are_input_errors():
    with pytest.raises(InputError, match="http"):
        EndpointBackend("ftp://example.org/sparql")
    with pytest.raises(InputError, match="timeout"):
        EndpointBackend("http://127.0.0.1:1/query", timeout=0)


def test_json_results_pass_through(remote_kg, kg):
    data = json.loads(remote_kg.query_serialized("classes", "json"))
    assert data["head"]["vars"] == ["class", "label", "instances"]
    assert len(data["results"]["bindings"]) == len(kg.query("classes"))


@pytest.fixture(scope="module")
def rdflib_kg(built):
    """rdflib's own SPARQL engine (ICSKG_ENGINE=rdflib), the reference for the embedded Oxigraph engine."""
    from icskg.api import EmbeddedBackend, KnowledgeGraph

    return KnowledgeGraph(built, backend=EmbeddedBackend(built.combined()))


def test_the_embedded_default_is_the_oxigraph_engine(kg):
    from icskg.engine import OxigraphBackend

    assert isinstance(kg.backend, OxigraphBackend) and kg.graph is not None


@pytest.mark.parametrize("name,how,params", CALLS, ids=[f"{n}-{h}" for n, h, _ in CALLS])
def test_every_stored_query_gives_the_same_answer_on_rdflib_and_oxigraph_engines(kg, rdflib_kg, name, how, params):
    assert comparable(rdflib_kg.query(name, **params)) == comparable(embedded_answer(kg, name, how, params))
