"""The stored-query catalogue: every queries/*.rq loads; a bad file is a problem naming its file and line, and the
other queries still load."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph, Literal
from rdflib.namespace import SH

from icskg.api import KnowledgeGraph
from icskg.errors import InputError
from icskg.query.catalogue import (
    QUERY,
    RESERVED,
    Catalogue,
    Parameter,
    StoredQuery,
    catalogue_graph,
    load_catalogue,
    load_query,
    sparql_problem,
)

ROOT = Path(__file__).resolve().parents[2]
QUERY_FILES = sorted((ROOT / "queries").glob("*.rq"))


def test_there_are_stored_queries():
    assert QUERY_FILES, "queries/ holds no .rq files"


@pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: p.stem)
def test_every_stored_query_has_a_full_header_and_parses(path):
    query = load_query(path)  # header, parameter, example and binding-rule checks; Oxigraph parses it
    assert query.summary
    assert query.description, f"{path.name}: the header needs a description"
    assert query.tags, f"{path.name}: the header needs tags"
    for parameter in query.parameters:
        assert parameter.description, f"{path.name}: parameter '{parameter.name}' needs a description"
    assert query.form in ("SELECT", "ASK")
    assert sparql_problem(query.body) is None  # also without its header


def test_the_repository_catalogue_loads_whole():
    catalogue = load_catalogue(ROOT / "queries")
    assert catalogue.problems == []
    assert sorted(catalogue.queries) == [p.stem for p in QUERY_FILES]
    assert [q.name for q in catalogue] == sorted(catalogue.queries)  # iteration is sorted
    assert len(catalogue) == len(QUERY_FILES)
    assert catalogue.get(QUERY_FILES[0].stem).path == QUERY_FILES[0]


GOOD_BODY = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s WHERE { ?s rdfs:label ?text }\n"


def write(folder: Path, text: str, name: str = "q.rq") -> Path:
    path = folder / name
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
    assert query.parameter("text") is query.parameters[0] and query.parameter("nope") is None
    assert query.example == {"text": "Dorset"}
    assert query.cq == "What is called Dorset?"
    assert query.summary == "Labelled things" and query.tags == ("labels",)
    assert query.form == "SELECT"
    assert not query.body.startswith("#+") and "SELECT ?s" in query.body


BROKEN_HEADERS = {
    "no header": ("", "no '#+' header", 1),
    "yaml syntax": ("#+ summary: ok\n#+ tags: [a, b\n", "malformed '#+' header", None),
    "not a mapping": ("#+ - just\n#+ - a list\n", "must be a YAML mapping", 1),
    "unknown key": ("#+ summary: ok\n#+ author: me\n", "unknown header key(s): author", None),
    "no summary": ("#+ description: no summary\n", "needs a 'summary'", None),
    "tags not a list": ("#+ summary: ok\n#+ tags: labels\n", "'tags' must be a list", None),
    "allow_service not boolean": ("#+ summary: ok\n#+ allow_service: maybe\n", "'allow_service' must be true", None),
    "sets not a list of names": ("#+ summary: ok\n#+ sets: codes\n", "'sets' must be a list of column names", None),
    "deviations not a mapping": ("#+ summary: ok\n#+ deviations: [virtuoso]\n", "'deviations' must map", None),
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
    assert Path(caught.value.file).name == "q.rq"
    if line is not None:
        assert caught.value.line == line


def test_yaml_error_points_at_the_file_line(tmp_path):
    path = write(tmp_path, "# a comment first\n#+ summary: ok\n#+ tags: [a, b\n#+ cq: x\n" + GOOD_BODY)
    with pytest.raises(InputError) as caught:
        load_query(path)
    assert caught.value.line in (3, 4)  # the YAML error is reported at a header line of the file


BROKEN_QUERIES = {
    # the `?s ?p` triple lacks its object: Oxigraph notices at the `}` on line 5 (2 header lines come first)
    "syntax error": ("SELECT ?s WHERE {\n  ?s ?p \n}\n", "SPARQL syntax error", 5),
    "unknown prefix": ("SELECT ?s WHERE { ?s foo:bar ?o }\n", "Prefix not found", 3),
    "construct": ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }\n", "must be a SELECT or an ASK", None),
    "describe": ("DESCRIBE ?s WHERE { ?s ?p ?o }\n", "must be a SELECT or an ASK", None),
    "not sparql": ("this is not a query\n", "SPARQL syntax error", 3),
    "an update": ("DELETE WHERE { ?s ?p ?o }\n", "SPARQL syntax error", 3),
}


@pytest.mark.parametrize("body,message,line", BROKEN_QUERIES.values(), ids=list(BROKEN_QUERIES))
def test_queries_that_do_not_parse_are_refused(tmp_path, body, message, line):
    path = write(tmp_path, "#+ summary: ok\n#+ description: x\n" + body)
    with pytest.raises(InputError) as caught:
        load_query(path)
    assert message in str(caught.value)
    if line is not None:
        assert caught.value.line == line


# --- one bad file is one problem; the rest of the catalogue loads ---------------------------------------------


def test_one_broken_file_is_a_problem_and_the_others_load(tmp_path):
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    write(tmp_path, "#+ summary: ok\n#+ tags: [x]\nSELECT ?s WHERE { ?s\n", "bad.rq")
    write(tmp_path, "#+ summary: also ok\n" + GOOD_BODY, "zz_good.rq")
    catalogue = load_catalogue(tmp_path)
    assert sorted(catalogue.queries) == ["good", "zz_good"]
    (problem,) = catalogue.problems
    assert isinstance(problem, InputError)
    assert problem.file == "bad.rq" and problem.line == 4
    assert str(problem).startswith("bad.rq:4: SPARQL syntax error")
    with pytest.raises(InputError, match="stored query 'bad' did not load: bad.rq:4"):
        catalogue.get("bad")
    with pytest.raises(InputError, match="no stored query named 'nope'"):
        catalogue.get("nope")


def test_other_files_and_a_missing_folder_are_no_problem(tmp_path):
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    write(tmp_path, "not a query", "README.md")
    write(tmp_path, "not a query", ".hidden.rq")
    catalogue = load_catalogue(tmp_path)
    assert sorted(catalogue.queries) == ["good"] and catalogue.problems == []
    empty = load_catalogue(tmp_path / "no-such-folder")
    assert len(empty) == 0 and empty.problems == []


def _problem_of(folder: Path, name: str) -> InputError:
    catalogue = load_catalogue(folder)
    assert "good" in catalogue.queries, "the good query did not load beside the bad one"
    (problem,) = [p for p in catalogue.problems if p.file == name]
    return problem


def test_odd_files_are_problems_not_crashes(tmp_path):
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    text = "#+ summary: Café\n" + GOOD_BODY
    (tmp_path / "bom.rq").write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    (tmp_path / "latin1.rq").write_bytes(("#+ summary: ok\n#+ description: Caf\u00e9\n" + GOOD_BODY).encode("latin-1"))
    (tmp_path / "folder.rq").mkdir()
    (tmp_path / "bad-name.rq").write_text("#+ summary: ok\n" + GOOD_BODY, encoding="utf-8")
    catalogue = load_catalogue(tmp_path)
    assert sorted(catalogue.queries) == ["good"]
    by_file = {p.file: p for p in catalogue.problems}
    assert sorted(by_file) == ["bad-name.rq", "bom.rq", "folder.rq", "latin1.rq"]
    assert "byte-order mark" in by_file["bom.rq"].message and by_file["bom.rq"].line == 1
    assert "not UTF-8" in by_file["latin1.rq"].message and by_file["latin1.rq"].line == 2
    assert "not a file" in by_file["folder.rq"].message
    assert "file name must be a name" in by_file["bad-name.rq"].message


def test_a_query_saved_with_windows_line_endings_loads(tmp_path):
    text = (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: string\n#+     required: true\n"
        "#+ example:\n#+   text: x\n\n" + GOOD_BODY
    )
    path = tmp_path / "crlf.rq"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    query = load_query(path)
    assert query.parameters[0].name == "text"
    assert query.form == "SELECT"


def test_a_binding_problem_in_a_windows_file_has_its_line(tmp_path):
    text = (
        "#+ summary: ok\n#+ parameters:\n#+   text:\n#+     type: string\n\n"
        "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
        "SELECT ?s WHERE {\n  { SELECT ?s WHERE { ?s rdfs:label ?text } }\n}\n"
    )
    path = tmp_path / "crlf.rq"
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    with pytest.raises(InputError, match=r"\?text is used inside a subquery") as caught:
        load_query(path)
    assert caught.value.line == 8


# --- SERVICE ------------------------------------------------------------------------------------------------

SERVICE_BODY = "SELECT ?s WHERE {\n  ?s ?p ?o .\n  SERVICE <http://example.org/sparql> { ?s ?q ?r }\n}\n"


def test_service_is_refused_with_its_line(tmp_path):
    path = write(tmp_path, "#+ summary: ok\n" + SERVICE_BODY)
    with pytest.raises(InputError, match="SERVICE clause") as caught:
        load_query(path)
    assert caught.value.line == 4
    assert "allow_service: true" in caught.value.message


def test_service_is_allowed_when_the_header_says_so(tmp_path):
    path = write(tmp_path, "#+ summary: ok\n#+ allow_service: true\n" + SERVICE_BODY)
    assert load_query(path).form == "SELECT"


def test_service_in_a_string_or_comment_is_not_a_service(tmp_path):
    path = write(tmp_path, "#+ summary: ok\n# no SERVICE here\nSELECT ?s WHERE { ?s ?p 'SERVICE <x> {}' }\n")
    assert load_query(path).form == "SELECT"


# --- the binding rule, at load ------------------------------------------------------------------------------

PARAMETER_X = "#+ summary: ok\n#+ parameters:\n#+   x:\n#+     type: string\n#+     description: a value\n"
# PARAMETER_X is 5 lines; the PREFIX line is 6; the query starts on line 7.
PREFIX = "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


def test_a_parameter_only_in_a_subquery_is_refused_with_its_line(tmp_path):
    body = "SELECT ?s WHERE {\n  {\n    SELECT ?s WHERE { ?s rdfs:label ?x }\n  }\n}\n"
    write(tmp_path, PARAMETER_X + PREFIX + body, "sub.rq")
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    problem = _problem_of(tmp_path, "sub.rq")
    assert problem.line == 9
    assert "?x is used inside a subquery" in problem.message and "binding rule" in problem.message


def test_a_parameter_only_in_a_nested_group_filter_is_refused(tmp_path):
    body = "SELECT ?s WHERE {\n  ?s a ?type .\n  { ?s rdfs:label ?label FILTER(?label = ?x) }\n}\n"
    write(tmp_path, PARAMETER_X + PREFIX + body, "nested.rq")
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    problem = _problem_of(tmp_path, "nested.rq")
    assert problem.line == 9
    assert "FILTER or BIND of a nested group" in problem.message


def test_a_parameter_in_a_minus_is_refused(tmp_path):
    body = "SELECT ?s WHERE {\n  ?s a ?type .\n  MINUS { ?s rdfs:label ?x }\n}\n"
    write(tmp_path, PARAMETER_X + PREFIX + body, "minus.rq")
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    problem = _problem_of(tmp_path, "minus.rq")
    assert problem.line == 9 and "MINUS" in problem.message


def test_a_parameter_assigned_by_a_top_level_bind_is_refused(tmp_path):
    """With a value, the VALUES block puts ?x in scope before `BIND(... AS ?x)`: SPARQL refuses that text, so the
    catalogue refuses the query rather than letting it fail on the first call."""
    body = "SELECT ?s WHERE {\n  ?s rdfs:label ?label\n  BIND(STR(?label) AS ?x)\n}\n"
    write(tmp_path, PARAMETER_X + PREFIX + body, "bound.rq")
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    problem = _problem_of(tmp_path, "bound.rq")
    assert problem.line == 9 and "BIND" in problem.message


ACCEPTED_USES = {
    "top-level FILTER": "SELECT ?s WHERE {\n  ?s rdfs:label ?label\n  FILTER(CONTAINS(?label, ?x))\n}\n",
    "OPTIONAL filter": (
        "SELECT ?s ?label WHERE {\n  ?s a ?type\n  OPTIONAL { ?s rdfs:label ?label FILTER(?label != ?x) }\n}\n"
    ),
    "FILTER NOT EXISTS": "SELECT ?s WHERE {\n  ?s a ?type\n  FILTER NOT EXISTS { ?s rdfs:label ?x }\n}\n",
}


@pytest.mark.parametrize("body", ACCEPTED_USES.values(), ids=list(ACCEPTED_USES))
def test_a_parameter_the_values_block_reaches_is_accepted(tmp_path, body, built):
    write(tmp_path, PARAMETER_X + PREFIX + body, "ok.rq")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.problems == [] and list(catalogue.queries) == ["ok"]
    kg = KnowledgeGraph(built, catalogue=catalogue)
    assert isinstance(kg.query("ok", x="Dorset"), list)  # the bound text runs


# --- names the API reserves -----------------------------------------------------------------------------------


@pytest.mark.parametrize("word", sorted(RESERVED))
def test_reserved_parameter_names_are_refused_at_load(tmp_path, word):
    write(
        tmp_path,
        f"#+ summary: ok\n#+ parameters:\n#+   {word}:\n#+     type: string\nSELECT ?s WHERE {{ ?s ?p ?{word} }}\n",
        "reserved.rq",
    )
    write(tmp_path, "#+ summary: ok\n" + GOOD_BODY, "good.rq")
    problem = _problem_of(tmp_path, "reserved.rq")
    assert f"parameter '{word}' has a name the API reserves" in problem.message


def test_name_and_as_are_reserved():
    assert {"name", "as_"} <= RESERVED


def _hand_made_query(word: str) -> StoredQuery:
    """A stored query whose parameter is named like a reserved word (made by hand: the loader refuses it)."""
    return StoredQuery(
        name="echo",
        path=Path("echo.rq"),
        text=f"SELECT ?{word} WHERE {{ }}",
        summary="echo",
        parameters=(Parameter(word, "string", required=True),),
        example={word: "x"},
    )


@pytest.mark.parametrize("word", sorted(RESERVED - {"as_", "timeout"}))
def test_a_parameter_named_like_a_reserved_word_is_no_type_error(built, word):
    """kg.query and friends take the query name (and fmt) positional-only, so `name=`, `fmt=`, `self=`, ... are
    parameters like any other (`as_` and `timeout` are kg.query's own keywords: the loader refuses them)."""
    kg = KnowledgeGraph(built, catalogue=Catalogue(queries={"echo": _hand_made_query(word)}))
    assert kg.query("echo", **{word: "hello"}) == [{word: "hello"}]
    assert list(kg.query_df("echo", **{word: "hello"})[word]) == ["hello"]
    assert b"hello" in kg.query_serialized("echo", "csv", **{word: "hello"})


@pytest.mark.parametrize("word", sorted(RESERVED))
def test_a_reserved_word_given_as_a_parameter_is_an_input_error(kg, word):
    """On a real stored query that has no such parameter: an InputError saying so, never a TypeError."""
    calls = [
        lambda: kg.query_result("search_labels", text="care", **{word: "x"}),
        lambda: kg.query_df("search_labels", text="care", **{word: "x"}),
        lambda: kg.query_serialized("search_labels", "json", text="care", **{word: "x"}),
    ]
    if word == "timeout":  # the API's own keyword: "x" is refused as no number of seconds, never a TypeError
        for call in [*calls, lambda: kg.query("search_labels", text="care", timeout="x")]:
            with pytest.raises(InputError, match="timeout"):
                call()
        return
    if word != "as_":  # as_ is kg.query's own keyword
        calls.append(lambda: kg.query("search_labels", text="care", **{word: "x"}))
    for call in calls:
        with pytest.raises(InputError, match=f"has no parameter '{word}'"):
            call()


def test_a_bad_result_shape_is_an_input_error(kg):
    with pytest.raises(InputError, match="as_ must be one of"):
        kg.query("search_labels", text="care", as_="table")


# --- the catalogue as RDF, queried with SPARQL --------------------------------------------------------------


def test_an_ask_query_is_an_ask_executable(tmp_path):
    write(tmp_path, "#+ summary: Is anything labelled?\n" + GOOD_BODY.replace("SELECT ?s WHERE", "ASK"), "any.rq")
    catalogue = load_catalogue(tmp_path)
    assert catalogue.get("any").form == "ASK"
    graph = catalogue_graph(catalogue)
    node = QUERY + "any"
    assert {str(s) for s, _, _ in graph.triples((None, SH.ask, None))} == {node}
    assert {str(s) for s in graph.subjects(None, SH.SPARQLAskExecutable)} == {node}


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
    assert sorted(by_name) == sorted(catalogue.queries)
    for name, row in by_name.items():
        assert str(row.label) == catalogue.get(name).summary
        assert sparql_problem(str(row.text)) is None  # the stored text is a runnable query


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
    expected = {(q.name, p.name): p for q in catalogue for p in q.parameters}
    assert expected, "no stored query has parameters"
    assert set(described_parameters) == set(expected)
    for key, parameter in expected.items():
        assert described_parameters[key][1] is parameter.required
    tagged = described.query(
        """PREFIX schema: <https://schema.org/>
        SELECT ?name WHERE { ?q schema:name ?name ; schema:keywords ?tag } """,
        initBindings={"tag": Literal("search")},
    )
    assert {str(r.name) for r in tagged} == {q.name for q in catalogue if "search" in q.tags}


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


def test_the_catalogue_graph_loads_into_oxigraph(described):
    """The catalogue's RDF is plain RDF 1.1: Oxigraph reads it back, triple for triple."""
    store = ox.Store()
    store.load(described.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    assert len(store) == len(described)
