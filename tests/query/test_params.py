"""Typed parameters: refused before anything runs, bound as RDF terms in a VALUES block, never pasted into the text.

test_remote.py runs HOSTILE and the echo query against the real server too.
"""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib import Graph
from rdflib.plugins.sparql import prepareQuery

from icskg.api import KnowledgeGraph
from icskg.errors import InputError
from icskg.query.catalogue import load_catalogue, load_query
from icskg.query.embedded import EmbeddedBackend
from icskg.query.params import bind, to_term, values_block, with_values
from icskg.query.scope import where_clause_start

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


def typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


@pytest.mark.parametrize(
    "kind,value,expected",
    [
        (
            "iri",
            "https://w3id.org/icskg/id/partnership/dorset",
            ox.NamedNode("https://w3id.org/icskg/id/partnership/dorset"),
        ),
        ("string", "Dorset", ox.Literal("Dorset")),
        ("langstring", "Dorset@en", ox.Literal("Dorset", language="en")),
        ("langstring", "Dorset@EN-gb", ox.Literal("Dorset", language="en-gb")),
        ("date", "2018-05-24", typed("2018-05-24", "date")),
        ("gyearmonth", "2018-05", typed("2018-05", "gYearMonth")),
        ("gyear", 2018, typed("2018", "gYear")),
        ("integer", "44", typed("44", "integer")),
        ("integer", "+007", typed("7", "integer")),
        ("decimal", "1.3", typed("1.3", "decimal")),
        ("decimal", 2, typed("2.0", "decimal")),
        ("boolean", "true", typed("true", "boolean")),
        ("boolean", False, typed("false", "boolean")),
    ],
)
def test_values_become_typed_pyoxigraph_terms(kind, value, expected):
    term = to_term("x", kind, value)
    assert type(term) is type(expected)
    assert term == expected


@pytest.mark.parametrize(
    "kind,value",
    [
        ("iri", "not an iri"),
        ("iri", "http://example.org/a>b"),
        ("iri", 'http://example.org/"'),
        ("iri", "http://example.org/{x}"),
        ("iri", "relative/path"),
        ("iri", "A:\n"),
        ("langstring", "no language"),
        ("date", "24 May 2018"),
        ("date", "2018-02-30"),
        ("gyearmonth", "2018-13"),
        ("gyear", "18"),
        ("integer", "4.5"),
        ("integer", True),
        ("decimal", "NaN"),
        ("decimal", "lots"),
        ("decimal", True),
        ("boolean", "maybe"),
    ],
)
def test_wrong_types_are_refused(kind, value):
    with pytest.raises(InputError, match=f"parameter 'x' must be of type {kind}"):
        to_term("x", kind, value)


def test_an_unknown_type_is_refused():
    with pytest.raises(InputError, match="unknown type 'text'"):
        to_term("x", "text", "a")


@pytest.fixture(scope="module")
def search(repo_root):
    return load_query(repo_root / "queries" / "search_labels.rq")


def test_bind_checks_names_required_and_types(search):
    assert bind(search, {"text": "care"}) == {"text": ox.Literal("care")}
    with pytest.raises(InputError, match="has no parameter 'txet'"):
        bind(search, {"text": "care", "txet": "x"})
    with pytest.raises(InputError, match="needs parameter 'text'"):
        bind(search, {})
    classes = load_query(search.path.with_name("classes.rq"))
    with pytest.raises(InputError, match="parameter 'namespace' must be of type iri"):
        bind(classes, {"namespace": "icskg ontology"})
    assert bind(classes, {}) == {}  # an optional parameter without a default is left unbound


def test_defaults_are_applied(tmp_path):
    path = tmp_path / "q.rq"
    path.write_text(
        "#+ summary: s\n#+ parameters:\n#+   n:\n#+     type: integer\n#+     default: 3\nASK { ?s ?p ?n }\n"
    )
    query = load_query(path)
    assert bind(query, {}) == {"n": typed("3", "integer")}
    assert bind(query, {"n": 7}) == {"n": typed("7", "integer")}
    assert bind(query, {"n": None}) == {"n": typed("3", "integer")}  # None: as if not given


def test_bad_parameters_are_refused_before_anything_runs(kg):
    class Exploding:
        def run(self, *args, **kwargs):  # pragma: no cover - must never be reached
            raise AssertionError("the query ran")

        raw = run

    guarded = KnowledgeGraph(backend=Exploding(), catalogue=kg.catalogue)
    for name, params in (
        ("search_labels", {}),
        ("search_labels", {"text": "x", "nope": 1}),
        ("classes", {"namespace": "not an iri"}),
    ):
        with pytest.raises(InputError):
            guarded.query(name, **params)
        with pytest.raises(InputError):
            guarded.query_serialized(name, "json", **params)
    with pytest.raises(InputError, match="no stored query named 'nope'"):
        guarded.query("nope")


# --- the VALUES block: the one way every backend binds parameters ------------------------------------------------

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
    bindings = {"text": ox.Literal('a "quoted" } { value'), "n": typed("3", "integer")}
    sent = with_values(text, bindings)
    block = values_block(bindings)
    assert sent.replace(" " + block, "", 1) == text  # nothing else changed
    at = where_clause_start(text)
    assert text[at - 1] == "{" and sent[at:].startswith(" VALUES")
    assert sent.count("\n") == text.count("\n")  # the block adds no line: error lines stay the file's
    ox.Store().query(sent)  # Oxigraph parses it
    prepareQuery(sent)  # so does another SPARQL 1.1 parser (rdflib's)


def test_the_values_block_is_n_triples_terms():
    bindings = {
        "a": ox.NamedNode("http://example.org/a"),
        "b": ox.Literal("x", language="en"),
        "c": typed("3", "integer"),
        "d": ox.Literal('q"\n\t\\'),
    }
    assert values_block(bindings) == (
        'VALUES ?a { <http://example.org/a> } VALUES ?b { "x"@en } '
        'VALUES ?c { "3"^^<http://www.w3.org/2001/XMLSchema#integer> } VALUES ?d { "q\\"\\n\\t\\\\" }'
    )


def test_a_bad_variable_name_is_refused():
    with pytest.raises(InputError, match="not a SPARQL variable name"):
        values_block({"a b": ox.Literal("x")})


def test_no_bindings_no_change():
    assert with_values("SELECT * WHERE { ?s ?p ?o }", {}) == "SELECT * WHERE { ?s ?p ?o }"


def _roundtrip_through_values(term) -> tuple:
    """What the term becomes when read back from a VALUES block by Oxigraph and by rdflib."""
    query = f"SELECT ?v WHERE {{ {values_block({'v': term})} }}"
    from_oxigraph = next(iter(ox.Store().query(query)))["v"]
    from_rdflib = next(iter(Graph().query(query)))[0]
    return from_oxigraph, from_rdflib


@settings(max_examples=80, deadline=None)
@given(st.text())
def test_any_string_survives_the_values_block(text):
    term = to_term("x", "string", text)
    from_oxigraph, from_rdflib = _roundtrip_through_values(term)
    assert from_oxigraph == term
    assert str(from_rdflib) == text


@settings(max_examples=60, deadline=None)
@given(
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1), st.sampled_from(["en", "en-GB", "cy"])
)
def test_any_language_string_survives_the_values_block(text, lang):
    term = to_term("x", "langstring", f"{text}@{lang}")
    from_oxigraph, from_rdflib = _roundtrip_through_values(term)
    assert (from_oxigraph.value, from_oxigraph.language) == (text, lang.lower())
    assert (str(from_rdflib), from_rdflib.language.lower()) == (text, lang.lower())


@pytest.mark.parametrize("hostile", HOSTILE)
def test_hostile_strings_stay_values(hostile):
    """Run on a store where exactly one triple has the hostile text as its object: `SELECT *` gives that one
    solution and only the query's own variables (an injected UNION or pattern would add rows or variables)."""
    store = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    store.add(ox.Quad(ox.NamedNode("http://example.org/a"), p, ox.Literal(hostile)))
    store.add(ox.Quad(ox.NamedNode("http://example.org/b"), p, ox.Literal("other")))
    sent = with_values("SELECT * WHERE { ?s ?p ?text }", {"text": to_term("text", "string", hostile)})
    solutions = store.query(sent)
    assert sorted(v.value for v in solutions.variables) == ["p", "s", "text"]
    rows = list(solutions)
    assert [(row["s"].value, row["text"].value) for row in rows] == [("http://example.org/a", hostile)]
    assert sorted(str(v) for v in prepareQuery(sent).algebra.PV) == ["p", "s", "text"]  # so does rdflib


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
    kg = KnowledgeGraph(backend=EmbeddedBackend(built), catalogue=load_catalogue(tmp_path))
    for hostile in HOSTILE:
        assert kg.query("echo", text=hostile) == [{"text": hostile, "length": len(hostile)}]


def test_the_embedded_store_gets_the_stored_text_plus_one_values_block(kg, built, search):
    """The embedded backend binds the way a remote endpoint does: the same text, with the same VALUES block."""
    sent = []

    class Recording:
        def query(self, text, **options):
            sent.append(text)
            return built.query(text, **options)

    backend = EmbeddedBackend(Recording())
    graph = KnowledgeGraph(backend=backend, catalogue=kg.catalogue)
    rows = graph.query("search_labels", text=HOSTILE[0])
    assert rows == []
    (text,) = sent
    block = values_block(bind(search, {"text": HOSTILE[0]}))
    assert text.count(block) == 1 and text.replace(" " + block, "", 1) == search.text
    assert graph.query("search_labels", text="care") == kg.query("search_labels", text="care") != []
