"""Streamed answers (issue 13): CSV, TSV and JSON are written chunk by chunk, from the store or passed through
from an endpoint, carry the same rows as the parsed path, and stop at their deadline."""

from __future__ import annotations

import io
import time

import pytest
from click.testing import CliRunner
from rdflib import Literal
from rdflib.query import Result

from fake_endpoint import fake_endpoint
from icskg.api import EndpointBackend, KnowledgeGraph
from icskg.cli import main
from icskg.deadline import DeadlineExceeded
from icskg.errors import EndpointError, InputError
from icskg.query.results import python_value
from icskg.query.stream import FORMATS
from repo_factory import ROOT

LABELS = "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?thing ?label"
TYPED = """SELECT ?n ?d ?lang WHERE {
  VALUES (?n ?d ?lang) { (42 "2019-01-07"^^xsd:date "Bath"@en) ("+5"^^xsd:integer UNDEF "a\\tb\\nc, \\"d\\"") }
}"""
BIG = "SELECT ?a ?b WHERE { ?a a ?c . ?b a ?d } LIMIT 200000"
ENDLESS = "SELECT ?a ?b ?c WHERE { ?a ?p ?b . ?b ?q ?c . ?x ?y ?z }"


class CountingSink(io.BytesIO):
    """Keeps the bytes, and the size of every write: a stream writes many small chunks."""

    def __init__(self):
        super().__init__()
        self.sizes: list[int] = []

    def write(self, data) -> int:
        self.sizes.append(len(data))
        return super().write(data)


def parsed(document: bytes, fmt: str) -> list[dict]:
    """A results document read back by rdflib's own parsers, as rows of lexical forms (CSV has no types)."""
    result = Result.parse(io.BytesIO(document), format=fmt)
    return [{str(v): (None if row[v] is None else str(row[v])) for v in result.vars} for row in result]


def lexical(rows: list[dict]) -> list[dict]:
    return [{k: (None if v is None else str(v)) for k, v in row.items()} for row in rows]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("query", [LABELS, TYPED], ids=["labels", "typed"])
def test_a_streamed_document_holds_the_rows_of_the_parsed_path(kg, fmt, query):
    out = io.BytesIO()
    kg.sparql_to(query, out, fmt)
    expected = kg.sparql_result(query)
    rows = parsed(out.getvalue(), fmt)
    assert len(rows) == len(expected.bindings) > 0
    if fmt == "csv":  # CSV carries lexical forms only (and no language tags or datatypes)
        assert rows == [{str(v): (None if r[v] is None else str(r[v])) for v in expected.vars} for r in expected]
    else:
        back = Result.parse(io.BytesIO(out.getvalue()), format=fmt)
        assert [[python_value(t) for t in row] for row in back] == [[python_value(t) for t in row] for row in expected]


def test_typed_literals_keep_their_datatype_and_language_in_tsv_and_json(kg):
    for fmt in ("tsv", "json"):
        (first, _) = Result.parse(io.BytesIO(kg.sparql_serialized(TYPED, fmt)), format=fmt)
        assert first[2] == Literal("Bath", lang="en"), fmt
        assert python_value(first[1]).isoformat() == "2019-01-07", fmt


def test_an_ask_streams_true_or_false(kg):
    assert kg.sparql_serialized("ASK { ?s a skos:Concept }", "csv") == b"true"
    assert kg.sparql_serialized("ASK { ?s a <urn:x-icskg:none> }", "tsv") == b"false"
    assert b'"boolean":true' in kg.sparql_serialized("ASK { ?s a skos:Concept }", "json")


def test_a_large_answer_arrives_in_small_chunks(kg):
    """200,000 rows, written as they are produced: no single write holds more than a sliver of the answer."""
    out = CountingSink()
    kg.sparql_to(BIG, out, "csv")
    lines = out.getvalue().count(b"\n")
    assert lines == 200_001  # the header and every row
    assert len(out.sizes) > 100
    assert max(out.sizes) < len(out.getvalue()) / 100


def test_a_stored_query_streams_with_its_parameters(kg):
    document = kg.query_serialized("search_labels", "tsv", text="dorset")
    rows = parsed(document, "tsv")
    assert rows and rows == lexical(kg.query("search_labels", text="dorset"))


def test_a_streamed_query_stops_at_its_deadline_and_its_writer_stops_too(kg):
    out = CountingSink()
    started = time.monotonic()
    with pytest.raises(DeadlineExceeded, match="within 1 s"):
        kg.sparql_to(ENDLESS, out, "csv", timeout=1)
    assert time.monotonic() - started < 1 + 3  # a bound, not a benchmark
    # the abandoned background work stops at its next write instead of filling memory or the disk: the
    # number of writes settles (an endless query left writing would never settle), then stays put
    deadline = time.monotonic() + 30
    writes = -1
    while len(out.sizes) != writes and time.monotonic() < deadline:
        writes = len(out.sizes)
        time.sleep(0.5)
    time.sleep(0.5)
    assert len(out.sizes) == writes


def test_an_unknown_format_is_refused_before_anything_runs(kg):
    with pytest.raises(InputError, match="unknown results format 'xml'"):
        kg.sparql_serialized(LABELS, "xml")
    with pytest.raises(InputError, match="a CONSTRUCT or DESCRIBE result is a graph"):
        kg.sparql_serialized("CONSTRUCT WHERE { ?s a skos:Concept }", "csv")


def test_a_graph_answer_is_json_ld_with_icskg_prefixes(kg):
    document = kg.sparql_serialized("CONSTRUCT WHERE { ?s a skos:ConceptScheme }", "json")
    assert b'"@context"' in document and b'"skos"' in document


# --- against an endpoint ------------------------------------------------------------------------------------


@pytest.mark.server
@pytest.mark.parametrize("fmt", FORMATS)
def test_an_endpoint_document_is_passed_through_with_the_same_rows(kg, remote_kg, fmt):
    remote = remote_kg.sparql_serialized(LABELS, fmt)
    assert parsed(remote, fmt) == parsed(kg.sparql_serialized(LABELS, fmt), fmt)
    stored = remote_kg.query_serialized("search_labels", fmt, text="dorset")
    assert parsed(stored, fmt) == parsed(kg.query_serialized("search_labels", fmt, text="dorset"), fmt)


@pytest.mark.server
def test_a_large_endpoint_answer_arrives_in_chunks(remote_kg):
    out = CountingSink()
    remote_kg.sparql_to(BIG, out, "tsv", timeout=60)
    assert out.getvalue().count(b"\n") == 200_001
    assert max(out.sizes) <= 64 * 1024 < len(out.getvalue()) / 10


def test_an_endpoint_answering_in_another_format_writes_nothing():
    reply = (200, "application/sparql-results+json", b'{"head":{"vars":["x"]},"results":{"bindings":[]}}')
    with fake_endpoint(reply) as (url, _):
        remote = KnowledgeGraph(backend=EndpointBackend(url, graph=None))
        out = io.BytesIO()
        with pytest.raises(EndpointError, match="answered with application/sparql-results\\+json, not csv"):
            remote.sparql_to("SELECT ?x WHERE { ?x ?p ?o }", out, "csv")
    assert out.getvalue() == b""


def test_a_streamed_endpoint_answer_keeps_the_whole_call_deadline():
    """An endpoint that sends its answer slowly is stopped at the deadline, not at each read."""
    with fake_endpoint(delay=3.0) as (url, _):
        remote = KnowledgeGraph(backend=EndpointBackend(url, graph=None, timeout=1))
        started = time.monotonic()
        with pytest.raises(EndpointError, match="within 1 s"):
            remote.sparql_serialized("SELECT ?x WHERE { ?x ?p ?o }", "json")
        assert time.monotonic() - started < 1 + 2


# --- the command line ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_the_cli_streams_every_format_to_stdout_ending_with_a_newline(kg, fmt):
    result = CliRunner().invoke(main, ["--root", str(ROOT), "sparql", "-q", LABELS, "-f", fmt])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    assert result.stdout_bytes.endswith(b"\n")
    document = result.stdout_bytes if fmt != "json" else result.stdout_bytes.rstrip(b"\n")
    assert parsed(document, fmt) == parsed(kg.sparql_serialized(LABELS, fmt), fmt)
