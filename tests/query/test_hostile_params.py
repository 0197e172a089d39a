"""Hostile parameters: arbitrary strings, IRIs and numbers at every parameter of every stored query, on both
backends (the build's own Oxigraph store, and the real Oxigraph server of tests/conftest.py).

For each value, whatever its type and the parameter's:
- nothing crashes: the only error is InputError, and only when the value is not of the parameter's
  type (exactly when `params.to_term` refuses it), before anything runs;
- the query text is never changed by a value: each backend is handed the stored text itself, and what
  reaches the store or the endpoint is that text plus one VALUES block, and nothing else (removing the
  block gives the stored text back);
- a value never matches more than a literal equal to it would: a string or IRI that occurs nowhere in
  the graph (not even as part of a label or an IRI) gives exactly the answer that a plain sentinel
  value that occurs nowhere gives. An injected `" || true || "` would match everything instead.

test_params.py covers the VALUES block itself (any string survives it) and search_labels; this file
covers every parameter of every query. Example counts are kept small (the slowest query gets fewer).
"""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from icskg.api import DEFAULT_GRAPH, EndpointBackend, KnowledgeGraph
from icskg.errors import InputError
from icskg.query.catalogue import load_catalogue
from icskg.query.embedded import EmbeddedBackend
from icskg.query.params import bind, to_term, values_block

ROOT = Path(__file__).resolve().parents[2]
SENTINEL_TEXT = "zq9xj no such text 8841"
SENTINEL_IRI = "https://w3id.org/icskg/id/nothing/zq9xj-8841"
HOSTILE = [
    'x" || true || "',
    "x' || true || '",
    '"""} UNION {?s ?p ?o}"""',
    "x } ; DROP ALL ; SELECT * WHERE { ?s ?p ?o",
    "> <http://example.org/> ",
    "\u0000\r\t\u2028 }",
    "http://example.org/a> } UNION { ?s ?p ?o } #",
    "https://w3id.org/icskg/id/x>?s ?p ?o",
    "1 || 1 = 1",
    '2019-01-01"^^<http://www.w3.org/2001/XMLSchema#date> } #',
]

QUERIES = list(load_catalogue(ROOT / "queries"))  # a broken query file is test_catalogue's business
PARAMETERS = [(q, p) for q in QUERIES for p in q.parameters]

IRIS = st.builds(
    lambda scheme, rest: f"{scheme}:{rest}",
    st.sampled_from(["https", "http", "urn", "mailto", "x"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=30),
)
VALUES = st.one_of(
    st.text(),
    st.sampled_from(HOSTILE),
    IRIS,
    st.integers(),
    st.floats(allow_nan=True, allow_infinity=True),
    st.decimals(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.dates(),
    st.from_regex(r"\A-?\d{4}(-\d{2}(-\d{2})?)?\Z"),
    st.text().map(lambda t: f"{t}@en"),
)


class Spy:
    """Records the text each backend call is handed (`texts`) and the text that reaches the store or the
    endpoint (`sent`), then passes the call on."""

    def __init__(self, backend):
        self.backend = backend
        self.texts: list[str] = []
        self.sent: list[str] = []
        if isinstance(backend, EndpointBackend):
            request = backend.request

            def recorded(text, accept, timeout=None):
                self.sent.append(text)
                return request(text, accept, timeout)

            backend.request = recorded
        else:
            built = backend.built
            spy = self

            class RecordingGraph:
                def query(self, text, **options):
                    spy.sent.append(text)
                    return built.query(text, **options)

            backend.built = RecordingGraph()

    def clear(self):
        self.texts.clear()
        self.sent.clear()

    def run(self, text, bindings=None, form=None, timeout=None):
        self.texts.append(text)
        return self.backend.run(text, bindings, form)


@pytest.fixture(scope="module")
def graph_text(built) -> tuple[str, str]:
    """Every literal's lexical form and every IRI in the graph (asserted and inferred), as one string (and
    lower-cased)."""
    parts = {term.value for quads in (built.asserted(), built.inferred()) for quad in quads for term in quad.triple}
    blob = "\x00".join(sorted(parts))
    return blob, blob.lower()


@pytest.fixture(scope="module")
def backends(kg, built, remote_kg, oxigraph):
    embedded = Spy(EmbeddedBackend(built))
    endpoint = EndpointBackend(oxigraph.query_url, graph=DEFAULT_GRAPH, timeout=30)
    endpoint.check_graph_holds_triples()  # once per backend: done before the spy records what each query sends
    remote = Spy(endpoint)
    return {
        "embedded": (embedded, KnowledgeGraph(backend=embedded, catalogue=kg.catalogue)),
        "oxigraph": (remote, KnowledgeGraph(backend=remote, catalogue=kg.catalogue)),
    }


def _canonical(rows) -> list:
    if isinstance(rows, bool):
        return [rows]
    return sorted(repr(sorted((k, str(v)) for k, v in row.items())) for row in rows)


def _absent(term: ox.NamedNode | ox.Literal, blob: tuple[str, str]) -> bool:
    text = term.value
    return text not in blob[0] and text.lower() not in blob[1] and text.casefold() not in blob[1]


@pytest.mark.server
@pytest.mark.parametrize(("query", "parameter"), PARAMETERS, ids=[f"{q.name}-{p.name}" for q, p in PARAMETERS])
def test_hostile_values_at_every_parameter(query, parameter, backends, graph_text, kg):
    stored = kg.stored(query.name)
    started = time.monotonic()
    kg.query(query.name, **query.example)
    slow = time.monotonic() - started
    examples = 25 if slow < 0.2 else max(3, int(2.0 / slow))
    sentinel = SENTINEL_IRI if parameter.type == "iri" else SENTINEL_TEXT
    others = {name: value for name, value in query.example.items() if name != parameter.name}
    expected_nothing = {
        name: _canonical(graph.query(query.name, **others, **{parameter.name: sentinel}))
        for name, (_spy, graph) in backends.items()
        if parameter.type in ("iri", "string")
    }

    @settings(max_examples=examples, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(VALUES)
    def check(value):
        try:
            term = to_term(parameter.name, parameter.type, value)
        except InputError:
            term = None
        for name, (spy, graph) in backends.items():
            spy.clear()
            try:
                rows = graph.query(query.name, **others, **{parameter.name: value})
            except InputError:
                assert term is None, f"{name}: InputError for a value of the right type: {value!r}"
                assert not spy.texts and not spy.sent, "refused only after the query ran"
                continue
            assert term is not None, f"{name}: {value!r} is no {parameter.type}, yet the query ran"
            assert spy.texts == [stored.text], f"{name}: the backend got another text than the stored one"
            block = values_block(bind(stored, {**others, parameter.name: value}))
            (sent,) = spy.sent
            assert sent.count(block) == 1 and sent.replace(" " + block, "", 1) == stored.text, name
            if parameter.type in ("iri", "string") and _absent(term, graph_text):
                assert _canonical(rows) == expected_nothing[name], f"{name}: {value!r} matched something"

    check()


def test_every_parameter_of_every_query_is_covered():
    assert len(QUERIES) >= 20 and len(PARAMETERS) >= len(QUERIES)
    types = {p.type for _q, p in PARAMETERS}
    assert {"iri", "string"} <= types


@pytest.mark.server
@pytest.mark.parametrize("value", [True, 1.5, Decimal("NaN"), float("inf"), dt.date(2019, 1, 1), "2019-02-30"])
def test_wrong_types_are_input_errors_on_both_backends(backends, value):
    """A typed parameter given a value of another type: InputError, before any query runs."""
    query = next(q for q in QUERIES if any(p.type == "iri" for p in q.parameters))
    parameter = next(p for p in query.parameters if p.type == "iri")
    for spy, graph in backends.values():
        spy.clear()
        with pytest.raises(InputError, match=f"parameter '{parameter.name}' must be of type iri"):
            graph.query(query.name, **{parameter.name: value})
        assert not spy.texts and not spy.sent
