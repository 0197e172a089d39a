"""The remote backend against a real Oxigraph server: same call, same answer as the embedded store.

The parity tests iterate over whatever is in queries/, with each query's example parameters and with its
defaults (only the required parameters given), and compare the answers as RDF terms (value, datatype,
language; blank nodes differ by store, so they compare as one), in order when the query orders its
solutions and as a multiset otherwise. Failures of the endpoint are exercised with a closed port and a
tiny misbehaving http.server on loopback; nothing leaves 127.0.0.1.
"""

from __future__ import annotations

import json
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from rdflib.compare import isomorphic

import icskg
from fake_endpoint import fake_endpoint
from icskg.api import EndpointBackend, KnowledgeGraph
from icskg.errors import EndpointError, InputError
from icskg.query.catalogue import load_catalogue
from icskg.query.embedded import EmbeddedBackend
from icskg.query.params import bind, values_block
from oxigraph_server import free_port
from parity import CALL_IDS, CALLS, STORED, assert_same_answer, orders

ROOT = Path(__file__).resolve().parents[2]

HOSTILE = [  # as in test_params.py
    'care" } UNION { ?resource ?property ?label } #',
    "care' } UNION { ?resource ?property ?label } #",
    '"""} UNION {?s ?p ?o}"""',
    "care\n} UNION { ?resource ?property ?label }\n#",
    "x } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o",
    "# a comment\n?label",
    '\\" } UNION { ?a ?b ?c } #',
    "> <http://example.org/> ",
    "\u0000\r\t\u2028 }",
]
ECHO_QUERY = (
    "#+ summary: echo\n#+ parameters:\n#+   text:\n#+     type: string\n#+     required: true\n"
    "#+ example:\n#+   text: x\nSELECT ?text (STRLEN(?text) AS ?length) WHERE { }\n"
)


@pytest.mark.server
@pytest.mark.parametrize("name,how,params", CALLS, ids=CALL_IDS)
def test_every_stored_query_gives_the_same_answer(kg, remote_kg, name, how, params):
    assert_same_answer(kg, remote_kg, name, how, params)


def test_orders_tells_an_ordered_query():
    assert orders("SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s")
    assert orders("SELECT ?s WHERE { ?s ?p ?o }\norder by desc(?s)")
    assert not orders("SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?o } ORDER BY ?s LIMIT 1 } }")
    assert not orders("SELECT ?s WHERE { ?s ?p 'ORDER BY' } # ORDER BY ?s")


@pytest.mark.server
def test_parity_covers_answers_not_just_empty_lists(kg, remote_kg):
    nonempty = [name for name, how, params in CALLS if kg.query(name, **params)]
    assert len(nonempty) >= len(CALLS) // 2, "most stored queries returned nothing: the parity test would prove little"


def test_the_embedded_backend_is_the_store(kg, built):
    assert isinstance(kg.backend, EmbeddedBackend) and kg.backend.built is built
    assert not kg.is_remote and kg.built is built


@pytest.mark.server
def test_the_remote_graph_is_remote(remote_kg):
    assert remote_kg.is_remote and isinstance(remote_kg.backend, EndpointBackend)
    assert remote_kg.built is None and remote_kg.graph is None
    assert sorted(remote_kg.catalogue.queries) == [q.name for q in STORED]


@pytest.mark.server
def test_ad_hoc_sparql_counts_the_same(kg, built, remote_kg):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    triples = built.ntriples().count(b"\n")  # asserted + inferred, what was published
    assert remote_kg.sparql(text) == kg.sparql(text) == [{"n": triples}]
    assert remote_kg.sparql("ASK { ?s a ?c }") is kg.sparql("ASK { ?s a ?c }") is True


@pytest.mark.server
def test_construct_gives_the_same_graph(kg, remote_kg):
    text = "CONSTRUCT { ?s ?p ?o } WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> ; ?p ?o }"
    embedded = kg.sparql(text)
    assert len(embedded) > 0
    assert isomorphic(remote_kg.sparql(text), embedded)


@pytest.mark.server
def test_dataframes_agree(kg, remote_kg):
    name, params = "search_labels", {"text": "care"}
    embedded = kg.query_df(name, **params)
    remote = remote_kg.query(name, as_="dataframe", **params)
    assert len(embedded) > 0
    assert list(remote.columns) == list(embedded.columns)
    assert remote.values.tolist() == embedded.values.tolist()  # search_labels orders its rows


@pytest.mark.server
def test_only_the_published_graph_is_queried(oxigraph, remote_kg, built):
    other = "http://example.org/not-icskg"
    body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
    request = urllib.request.Request(
        f"{oxigraph.store_url}?graph={urllib.parse.quote(other, safe='')}", data=body, method="PUT"
    )
    request.add_header("Content-Type", "application/n-triples")
    urllib.request.urlopen(request, timeout=10).close()
    assert remote_kg.sparql("ASK { <http://example.org/s> ?p ?o }") is False
    assert remote_kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }") == [{"n": built.ntriples().count(b"\n")}]
    everything = KnowledgeGraph(backend=EndpointBackend(oxigraph.query_url, graph=None))
    assert everything.sparql("ASK { GRAPH ?g { <http://example.org/s> ?p ?o } }") is True


@pytest.mark.server
@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_match_nothing_remote(remote_kg, hostile):
    assert remote_kg.query("search_labels", text=hostile) == []


@pytest.mark.server
def test_hostile_strings_come_back_verbatim_remote(oxigraph, tmp_path):
    (tmp_path / "echo.rq").write_text(ECHO_QUERY, encoding="utf-8")
    kg = KnowledgeGraph(backend=EndpointBackend(oxigraph.query_url), catalogue=load_catalogue(tmp_path))
    for hostile in HOSTILE:
        assert kg.query("echo", text=hostile) == [{"text": hostile, "length": len(hostile)}]


# --- what goes over the wire --------------------------------------------------------------------


def test_the_text_sent_is_the_stored_text_plus_one_values_block(kg):
    query = kg.stored("search_labels")
    hostile = HOSTILE[0]
    with fake_endpoint() as (url, handler):
        remote = KnowledgeGraph(
            backend=EndpointBackend(url, graph="https://w3id.org/icskg/graph"), catalogue=kg.catalogue
        )
        assert remote.query("search_labels", text=hostile) == []
    check, request = handler.seen  # whether the graph holds triples (once per backend), then the query
    assert check["form"]["query"] == ["ASK { ?s ?p ?o }"]
    assert request["content_type"] == "application/x-www-form-urlencoded"
    assert "application/sparql-results+json" in request["accept"]
    assert request["form"]["default-graph-uri"] == ["https://w3id.org/icskg/graph"]
    (sent,) = request["form"]["query"]
    block = values_block(bind(query, {"text": hostile}))
    assert sent.count(block) == 1
    assert sent.replace(" " + block, "", 1) == query.text


def test_an_empty_graph_is_named_not_taken_for_no_match():
    reply = (200, "application/sparql-results+json", b'{"head":{},"boolean":false}')
    with fake_endpoint() as (url, handler):
        remote = KnowledgeGraph(backend=EndpointBackend(url, graph="https://w3id.org/icskg/graph"))
        handler.reply = (200, "application/sparql-results+json", b'{"head":{"vars":["x"]},"results":{"bindings":[]}}')
        original = handler.do_POST

        def answer(self):
            if "ASK" in urllib.parse.parse_qs(self.rfile.peek().decode("utf-8", "replace")).get("query", [""])[0]:
                type(self).reply = reply
            original(self)

        handler.do_POST = answer
        with pytest.raises(EndpointError, match="holds no triples in the graph <https://w3id.org/icskg/graph>"):
            remote.sparql("SELECT ?x WHERE { ?x ?p ?o }")


def test_without_a_graph_no_default_graph_is_sent():
    with fake_endpoint() as (url, handler):
        KnowledgeGraph(backend=EndpointBackend(url, graph=None)).sparql("SELECT ?x WHERE { ?x ?p ?o }")
    (request,) = handler.seen
    assert "default-graph-uri" not in request["form"]
    assert request["form"]["query"] == ["SELECT ?x WHERE { ?x ?p ?o }"]


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


@pytest.mark.server
def test_http_400_from_oxigraph_is_reported(oxigraph):
    backend = EndpointBackend(oxigraph.query_url)
    with pytest.raises(EndpointError, match="HTTP 400"):
        backend.request("SELECT * WHERE { ?s ?p }", "application/sparql-results+json")


@pytest.mark.server
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


def test_a_malformed_graph_is_an_endpoint_error():
    with fake_endpoint((200, "text/turtle", b"this is not turtle <")) as (url, _):
        with pytest.raises(EndpointError, match="malformed graph"):
            KnowledgeGraph(backend=EndpointBackend(url)).sparql("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }")


def test_a_slow_endpoint_times_out():
    with fake_endpoint(delay=3) as (url, _):
        started = time.monotonic()
        with pytest.raises(EndpointError, match="within 0.5 s"):
            KnowledgeGraph(backend=EndpointBackend(url, timeout=0.5)).sparql("ASK {}")
        assert time.monotonic() - started < 2.5


def test_bad_endpoint_settings_are_input_errors():
    with pytest.raises(InputError, match="http"):
        EndpointBackend("ftp://example.org/sparql")
    with pytest.raises(InputError, match="http"):
        icskg.open_graph(ROOT, endpoint="localhost:7878/query")
    with pytest.raises(InputError, match="timeout"):
        EndpointBackend("http://127.0.0.1:1/query", timeout=0)


def test_bad_sparql_is_refused_before_the_endpoint_is_called():
    with fake_endpoint() as (url, handler):
        remote = KnowledgeGraph(backend=EndpointBackend(url))
        with pytest.raises(InputError, match="SPARQL syntax error"):
            remote.sparql("SELECT ?x WHERE { ?x")
        with pytest.raises(InputError, match="SPARQL Update"):
            remote.sparql("DELETE WHERE { ?s ?p ?o }")
    assert handler.seen == []


@pytest.mark.server
def test_json_and_csv_results_pass_through(remote_kg, kg):
    data = json.loads(remote_kg.query_serialized("classes", "json"))
    assert data["head"]["vars"] == ["class", "label", "instances"]
    assert len(data["results"]["bindings"]) == len(kg.query("classes"))
    csv_lines = remote_kg.query_serialized("classes", "csv").decode("utf-8").splitlines()
    assert csv_lines[0] == "class,label,instances"
    assert len(csv_lines) - 1 == len(kg.query("classes"))


def test_a_header_comment_never_decides_the_query_form():
    """SPARQLWrapper guesses a query's form from the first keyword in the text, comments included: a header line
    saying "(icskg:inAdditionTo" made it send a SELECT as an update (`update=`, "ADD")."""
    text = '#+ summary: s\n#+ description: counted "beside" it (icskg:inAdditionTo)\nSELECT * WHERE { ?s ?p ?o }\n'
    reply = (200, "application/sparql-results+json", b'{"head":{"vars":[]},"results":{"bindings":[]}}')
    with fake_endpoint(reply) as (url, handler):
        answer = EndpointBackend(url, graph="").run(text)
        assert answer.type == "SELECT" and list(answer) == []
    assert [request["form"].get("query") for request in handler.seen] == [[text]]
