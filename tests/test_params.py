"""Typed parameters: refused before anything runs, bound as RDF terms, never pasted into query text."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pyoxigraph
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.sparql import prepareQuery

from icskg.api import EmbeddedBackend, KnowledgeGraph
from icskg.catalogue import load_catalogue, load_query
from icskg.errors import InputError
from icskg.params import bind, to_term, values_block, where_clause_start, with_values

XSD = "http://www.w3.org/2001/XMLSchema#"

HOSTILE = [
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


@pytest.mark.parametrize(
    "kind,value,expected",
    [
        ("iri", "https://w3id.org/icskg/id/partnership/dorset", URIRef("https://w3id.org/icskg/id/partnership/dorset")),
        ("string", "Dorset", Literal("Dorset")),
        ("langstring", "Dorset@en", Literal("Dorset", lang="en")),
        ("date", "2018-05-24", Literal(dt.date(2018, 5, 24))),
        ("gyearmonth", "2018-05", Literal("2018-05", datatype=URIRef(XSD + "gYearMonth"))),
        ("gyear", 2018, Literal("2018", datatype=URIRef(XSD + "gYear"))),
        ("integer", "44", Literal(44)),
        ("decimal", "1.3", Literal(Decimal("1.3"))),
        ("boolean", "true", Literal(True)),
    ],
)
def test_values_become_typed_terms(kind, value, expected):
    assert to_term("x", kind, value) == expected


@pytest.mark.parametrize(
    "kind,value",
    [
        ("iri", "not an iri"),
        ("iri", "http://example.org/a>b"),
        ("iri", 'http://example.org/"'),
        ("iri", "http://example.org/{x}"),
        ("iri", "relative/path"),
        ("langstring", "no language"),
        ("date", "24 May 2018"),
        ("date", "2018-02-30"),
        ("gyearmonth", "2018-13"),
        ("gyear", "18"),
        ("integer", "4.5"),
        ("integer", True),
        ("decimal", "NaN"),
        ("decimal", "lots"),
        ("boolean", "maybe"),
    ],
)
def test_wrong_types_are_refused(kind, value):
    with pytest.raises(InputError, match=f"parameter 'x' must be of type {kind}"):
        to_term("x", kind, value)


@pytest.fixture(scope="module")
def search(repo_root):
    return load_query(repo_root / "queries" / "search_labels.rq")


def test_bind_checks_names_required_and_types(search):
    assert bind(search, {"text": "care"}) == {"text": Literal("care")}
    with pytest.raises(InputError, match="has no parameter 'txet'"):
        bind(search, {"text": "care", "txet": "x"})
    with pytest.raises(InputError, match="needs parameter 'text'"):
        bind(search, {})
    classes = load_query(search.path.with_name("classes.rq"))
    with pytest.raises(InputError, match="parameter 'namespace' must be of type iri"):
        bind(classes, {"namespace": "icskg ontology"})


def test_defaults_are_applied(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: s\n#+ parameters:\n#+   n:\n#+     type: integer\n#+     default: 3\nASK { ?s ?p ?n }\n"
    )
    assert bind(load_query(path), {}) == {"n": Literal(3)}
    assert bind(load_query(path), {"n": 7}) == {"n": Literal(7)}


def test_bad_parameters_are_refused_before_anything_runs(kg):
    class Exploding:
        def run(self, *args, **kwargs):  # pragma: no cover - must never be reached
            raise AssertionError("the query ran")

    guarded = KnowledgeGraph(backend=Exploding(), catalogue=kg.catalogue)
    for name, params in (
        ("search_labels", {}),
        ("search_labels", {"text": "x", "nope": 1}),
        ("classes", {"namespace": "not an iri"}),
    ):
        with pytest.raises(InputError):
            guarded.query(name, **params)
    with pytest.raises(InputError, match="no stored query named 'nope'"):
        guarded.query("nope")


# --- the VALUES block for remote endpoints -------------------------------------------------------

TRICKY_QUERIES = [
    "SELECT ?s WHERE { ?s ?p ?text }",
    "select ?s { ?s ?p ?text }",
    "ASK { ?s ?p ?text }",
    "ASK WHERE { ?s ?p ?text }",
    "# a { comment\nPREFIX ex: <http://example.org/a#b>\nSELECT ?s WHERE { ?s ex:p ?text }",
    'SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) WHERE { ?s ?p ?text FILTER(?text != "}{") }',
    "SELECT ?s FROM <http://example.org/g#(> WHERE { { SELECT ?s ?text WHERE { ?s ?p ?text } } }",
    'SELECT ?s WHERE { ?s ?p "#{\\"(" , ?text }',
    "SELECT ?s WHERE {?s ?p ?text} VALUES ?s { <http://example.org/a> }",
    "SELECT ?s WHERE { ?s ?p ?text FILTER(?text < 3 && ?text > 1) }",
    "SELECT ?s WHERE { ?s ?p '''long { string''' , ?text }",
]


@pytest.mark.parametrize("text", TRICKY_QUERIES)
def test_values_go_first_in_the_where_clause(text):
    bindings = {"text": Literal('a "quoted" } { value'), "n": Literal(3)}
    sent = with_values(text, bindings)
    block = values_block(bindings)
    assert sent.replace(" " + block, "", 1) == text  # nothing else changed
    at = where_clause_start(text)
    assert text[at - 1] == "{" and sent[at:].startswith(" VALUES")
    prepareQuery(sent)  # rdflib parses it
    pyoxigraph.Store().query(sent)  # so does Oxigraph


def test_no_bindings_no_change():
    assert with_values("SELECT * WHERE { ?s ?p ?o }", {}) == "SELECT * WHERE { ?s ?p ?o }"


def _roundtrip_through_values(term) -> tuple:
    query = f"SELECT ?v WHERE {{ {values_block({'v': term})} }}"
    from_rdflib = next(iter(Graph().query(query)))[0]
    from_oxigraph = next(iter(pyoxigraph.Store().query(query)))["v"]
    return from_rdflib, from_oxigraph


@settings(max_examples=80, deadline=None)
@given(st.text())
def test_any_string_survives_the_values_block(text):
    from_rdflib, from_oxigraph = _roundtrip_through_values(to_term("x", "string", text))
    assert str(from_rdflib) == text
    assert from_oxigraph.value == text


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1), st.sampled_from(["en", "en-GB", "cy"])
)
def test_any_language_string_survives_the_values_block(text, lang):
    from_rdflib, from_oxigraph = _roundtrip_through_values(to_term("x", "langstring", f"{text}@{lang}"))
    assert (str(from_rdflib), from_rdflib.language.lower()) == (text, lang.lower())
    assert from_oxigraph.value == text


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_stay_values(hostile):
    query = "SELECT ?s WHERE { ?s ?p ?text }"
    sent = with_values(query, {"text": to_term("text", "string", hostile)})
    parsed = prepareQuery(sent)
    assert [str(v) for v in parsed.algebra.PV] == ["s"]  # no extra variable or pattern smuggled in
    assert str(_roundtrip_through_values(Literal(hostile))[0]) == hostile


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_match_nothing_embedded(kg, hostile):
    assert kg.query("search_labels", text=hostile) == []


ECHO_QUERY = (
    "#+ summary: echo\n#+ parameters:\n#+   text:\n#+     type: string\n#+     required: true\n"
    "#+ example:\n#+   text: x\nSELECT ?text (STRLEN(?text) AS ?length) WHERE { }\n"
)


def write_echo_query(folder):
    """A stored query that returns its string parameter, to see what a value becomes on a backend."""
    (folder / "echo.rq").write_text(ECHO_QUERY, encoding="utf-8")


def test_an_echoed_value_comes_back_verbatim(tmp_path, built):
    write_echo_query(tmp_path)
    kg = KnowledgeGraph(backend=EmbeddedBackend(built.asserted), catalogue=load_catalogue(tmp_path))
    for hostile in HOSTILE:
        assert kg.query("echo", text=hostile) == [{"text": hostile, "length": len(hostile)}]
