"""The stored-query catalogue: every queries/*.rq loads, and broken headers or queries are refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal
from rdflib.namespace import SH

from icskg.catalogue import (
    QUERY,
    catalogue_graph,
    load_catalogue,
    load_query,
    parse_sparql,
)
from icskg.cli import main
from icskg.errors import InputError

ROOT = Path(__file__).resolve().parents[1]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def test_there_are_stored_queries():
    assert QUERY_FILES, "queries/ holds no .rq files"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_stored_query_has_a_full_header_and_parses(path):
    query = load_query(path)  # header, parameter and example checks, rdflib prepareQuery
    assert query.summary
    assert query.description, f"{path.name}: the header needs a description"
    assert query.tags, f"{path.name}: the header needs tags"
    for parameter in query.parameters:
        assert parameter.description, f"{path.name}: parameter '{parameter.name}' needs a description"
    assert query.form in ("SELECT", "ASK")
    parse_sparql(query.body)  # also without its header


def test_catalogue_loads_with_unique_names():
    catalogue = load_catalogue(ROOT / "queries")
    assert sorted(catalogue) == [p.stem for p in QUERY_FILES]


GOOD_BODY = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s WHERE { ?s rdfs:label ?text }\n"


def write(tmp_path: Path, text: str, name: str = "q.rq") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_good_query_loads(tmp_path):
    path = write(
        tmp_path,
        "#+ summary: Labelled things\n"
        "#+ description: Things with a label.\n"
        "#+ tags: [labels]\n"
        "#+ parameters:\n"
        "#+   text:\n"
        "#+     type: string\n"
        "#+     required: true\n"
        "#+     description: The label.\n"
        "#+ example:\n"
        "#+   text: Dorset\n"
        "#+ cq: What is called Dorset?\n" + GOOD_BODY,
    )
    query = load_query(path)
    assert query.name == "q"
    assert query.parameters[0].name == "text" and query.parameters[0].required
    assert query.example == {"text": "Dorset"}
    assert query.cq == "What is called Dorset?"
    assert not query.body.startswith("#+")


BROKEN_HEADERS = {
    "no header": ("", "no '#+' header", 1),
    "yaml syntax": ("#+ summary: ok\n#+ tags: [a, b\n", "malformed '#+' header", None),
    "not a mapping": ("#+ - just\n#+ - a list\n", "must be a YAML mapping", 1),
    "unknown key": ("#+ summary: ok\n#+ author: me\n", "unknown header key(s): author", None),
    "no summary": ("#+ description: no summary\n", "needs a 'summary'", None),
    "tags not a list": ("#+ summary: ok\n#+ tags: labels\n", "'tags' must be a list", None),
    "unknown type": (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: text\n",
        "parameter 'text' needs a type",
        None,
    ),
    "unknown parameter key": (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: string\n#+     enum: [a]\n",
        "unknown key(s) enum",
        None,
    ),
    "required not boolean": (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: string\n#+     required: yes please\n",
        "'required' must be true or false",
        None,
    ),
    "parameter not in query": (
        "#+ summary: ok\n#+ parameters:\n#+   place:\n#+     type: string\n",
        "parameter 'place' is not a variable",
        None,
    ),
    "bad default": (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: integer\n#+     default: many\n",
        "default: parameter 'text' must be of type integer",
        None,
    ),
    "bad example": (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: date\n#+ example:\n#+   text: 2019-13-45\n",
        "example: parameter 'text' must be of type date",
        None,
    ),
    "example of an unknown parameter": (
        "#+ summary: ok\n#+ example:\n#+   place: Dorset\n",
        "example names 'place'",
        None,
    ),
    "required without example": (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: string\n#+     required: true\n",
        "required parameter(s) without an example value: text",
        None,
    ),
    "bad parameter name": (
        "#+ summary: ok\n#+ parameters:\n#+   my-text:\n#+     type: string\n",
        "not a SPARQL variable name",
        None,
    ),
}


@pytest.mark.parametrize("header,message,line", BROKEN_HEADERS.values(), ids=list(BROKEN_HEADERS))
def test_broken_headers_are_refused(tmp_path, header, message, line):
    path = write(tmp_path, header + GOOD_BODY)
    with pytest.raises(InputError) as caught:
        load_query(path)
    assert message in str(caught.value)
    assert caught.value.file == str(path)
    if line is not None:
        assert caught.value.line == line


def test_yaml_error_points_at_the_file_line(tmp_path):
    path = write(tmp_path, "# a comment first\n#+ summary: ok\n#+ tags: [a, b\n#+ cq: x\n" + GOOD_BODY)
    with pytest.raises(InputError) as caught:
        load_query(path)
    assert caught.value.line in (3, 4)  # the YAML error is reported at a header line of the file


BROKEN_QUERIES = {
    "syntax error": ("SELECT ?s WHERE {\n  ?s ?p \n}\n", "SPARQL syntax error", 4),
    "unknown prefix": ("SELECT ?s WHERE { ?s foo:bar ?o }\n", "Unknown namespace prefix", None),
    "construct": ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", "must be a SELECT or an ASK", None),
    "not sparql": ("this is not a query\n", "SPARQL syntax error", None),
}


@pytest.mark.parametrize("body,message,line", BROKEN_QUERIES.values(), ids=list(BROKEN_QUERIES))
def test_queries_that_do_not_parse_are_refused(tmp_path, body, message, line):
    path = write(tmp_path, "#+ summary: ok\n#+ description: x\n" + body)
    with pytest.raises(InputError) as caught:
        load_query(path)
    assert message in str(caught.value)
    if line is not None:
        assert caught.value.line == line


def test_one_broken_file_breaks_the_catalogue(tmp_path):
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    write(tmp_path, "#+ summary: ok\nSELECT ?s WHERE { ?s\n", "bad.rq")
    with pytest.raises(InputError, match="bad.rq"):
        load_catalogue(tmp_path)


def test_an_ask_query_is_an_ask_executable(tmp_path):
    write(tmp_path, "#+ summary: Is anything labelled?\n" + GOOD_BODY.replace("SELECT ?s WHERE", "ASK"), "any.rq")
    catalogue = load_catalogue(tmp_path)
    assert catalogue["any"].form == "ASK"
    graph = catalogue_graph(catalogue)
    assert (QUERY["any"], SH.ask, None) in graph
    assert (QUERY["any"], None, SH.SPARQLAskExecutable) in graph


# --- the catalogue as RDF, queried with SPARQL ---------------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "queries")


@pytest.fixture(scope="module")
def described(catalogue) -> Graph:
    return catalogue_graph(catalogue)


def test_every_query_is_a_sparql_executable(catalogue, described):
    found = described.query(
        """PREFIX sh: <http://www.w3.org/ns/shacl#>
        PREFIX schema: <https://schema.org/>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        SELECT ?name ?label ?text WHERE {
          ?q a sh:SPARQLExecutable ; schema:name ?name ; rdfs:label ?label .
          { ?q a sh:SPARQLSelectExecutable ; sh:select ?text } UNION { ?q a sh:SPARQLAskExecutable ; sh:ask ?text }
        }"""
    )
    by_name = {str(row.name): row for row in found}
    assert sorted(by_name) == sorted(catalogue)
    for name, row in by_name.items():
        assert str(row.label) == catalogue[name].summary
        parse_sparql(str(row.text))  # the stored text is a runnable query


def test_keywords_and_parameters_are_queryable(catalogue, described):
    rows = described.query(
        """PREFIX icskg: <https://w3id.org/icskg/ontology#>
        PREFIX schema: <https://schema.org/>
        SELECT ?name ?parameter ?type ?required WHERE {
          ?q schema:name ?name ; icskg:queryParameter ?spec .
          ?spec a schema:PropertyValueSpecification ; schema:valueName ?parameter ;
                icskg:parameterType ?type ; schema:valueRequired ?required .
        }"""
    )
    described_parameters = {(str(r.name), str(r.parameter)): (r.type, r.required.toPython()) for r in rows}
    expected = {(q.name, p.name): p for q in catalogue.values() for p in q.parameters}
    assert set(described_parameters) == set(expected)
    for key, parameter in expected.items():
        assert described_parameters[key][1] is parameter.required
    tagged = described.query(
        """PREFIX schema: <https://schema.org/>
        SELECT ?name WHERE { ?q schema:name ?name ; schema:keywords ?tag } """,
        initBindings={"tag": Literal("search")},
    )
    assert {str(r.name) for r in tagged} == {q.name for q in catalogue.values() if "search" in q.tags}


def test_defaults_and_examples_are_typed_terms(tmp_path):
    write(
        tmp_path,
        "#+ summary: ok\n#+ parameters:\n#+   n:\n#+     type: integer\n#+     default: 3\n"
        "#+ example:\n#+   n: 5\nSELECT ?s WHERE { ?s ?p ?n }\n",
    )
    graph = catalogue_graph(load_catalogue(tmp_path))
    row = next(
        iter(
            graph.query(
                """PREFIX schema: <https://schema.org/>
                PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
                SELECT ?default ?example WHERE { ?spec schema:defaultValue ?default ; skos:example ?example }"""
            )
        )
    )
    assert row.default == Literal(3)
    assert row.example == Literal(5)


def test_cli_lists_the_catalogue(catalogue):
    runner = CliRunner()
    table = runner.invoke(main, ["--root", str(ROOT), "queries"])
    assert table.exit_code == 0, table.output
    for name in catalogue:
        assert name in table.output
    listed = runner.invoke(main, ["--root", str(ROOT), "queries", "--format", "json"])
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.output)
    assert [q["name"] for q in data] == sorted(catalogue)
    for entry in data:
        assert entry["summary"] == catalogue[entry["name"]].summary
        for parameter in entry["parameters"]:
            assert set(parameter) >= {"name", "type", "required"}
    as_rdf = runner.invoke(main, ["--root", str(ROOT), "queries", "-f", "ttl"])
    assert as_rdf.exit_code == 0, as_rdf.output
    assert len(Graph().parse(data=as_rdf.output, format="turtle")) > 0
