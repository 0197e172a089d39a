"""`icskg queries`, `icskg query` and `icskg sparql`: output formats, skipped queries, bad input (exit 2), endpoint
failures (exit 3), internal errors (exit 4). Every run is checked for a traceback on stderr."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rdflib import Graph
from rdflib.query import Result

from icskg.cli import main
from icskg.errors import InputError
from icskg.query.catalogue import load_catalogue
from icskg.query.results import rows
from oxigraph_server import free_port
from repo_factory import make_repo

ROOT = Path(__file__).resolve().parents[2]
GOOD_QUERY = (
    "#+ summary: Labelled things\n"
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\nSELECT ?s WHERE { ?s rdfs:label ?label }\n"
)
BROKEN_QUERY = "#+ summary: Broken\n#+ tags: [x]\nSELECT ?s WHERE { ?s\n"  # a syntax error at line 4


@pytest.fixture(autouse=True)
def reuse_the_session_build(monkeypatch, built):
    """The commands build the graph (from the cache, or seconds at the repo's size); here they reuse the session's."""
    monkeypatch.setattr("icskg.api.build", lambda settings=None, inputs=None: built)


def icskg(*args: str, input: str | bytes | None = None, root: Path = ROOT):
    result = CliRunner().invoke(main, ["--root", str(root), *args], input=input)
    assert "Traceback" not in result.stderr, result.stderr
    assert "Traceback" not in result.stdout
    # anything but a clean exit is a bug the CLI let through (CliRunner catches it, so it shows up here)
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    return result


def json_rows(output: str) -> list[dict]:
    return rows(Result.parse(io.StringIO(output), format="json"))


def key(rows_: list[dict]) -> list:
    return sorted(repr(sorted(r.items())) for r in rows_)


def test_query_table(kg):
    result = icskg("query", "search_labels", "-p", "text=care")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["resource", "label", "property"]
    expected = len(kg.query("search_labels", text="care"))
    assert expected > 0 and lines[-1] == f"({expected} rows)"


def test_query_json_is_sparql_results_json(kg):
    result = icskg("query", "classes", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["head"]["vars"] == ["class", "label", "instances"]
    assert key(json_rows(result.stdout)) == key(kg.query("classes"))


def test_query_csv_is_sparql_results_csv(kg):
    result = icskg("query", "search_labels", "-p", "text=care", "-f", "csv")
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.stdout)))
    assert table[0] == ["resource", "label", "property"]
    assert len(table) - 1 == len(kg.query("search_labels", text="care")) > 0


def test_an_ask_query_prints_true_or_false(kg, tmp_path):
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s a <https://w3id.org/icskg/ontology#Partnership> }", encoding="utf-8")
    for fmt, expected in (("table", "true"), ("csv", "true")):
        result = icskg("sparql", str(path), "-f", fmt)
        assert result.exit_code == 0, result.output
        assert result.stdout.strip() == expected
    result = icskg("sparql", str(path), "-f", "json")
    assert json.loads(result.stdout)["boolean"] is kg.sparql(path.read_text()) is True


@pytest.mark.parametrize(
    "args,message",
    [
        (["query", "search_labels"], "needs parameter 'text'"),
        (["query", "search_labels", "-p", "text=care", "-p", "colour=red"], "has no parameter 'colour'"),
        (["query", "search_labels", "-p", "text=care", "-p", "name=x"], "has no parameter 'name'"),
        (["query", "classes", "-p", "namespace=not an iri"], "must be of type iri"),
        (["query", "search_labels", "-p", "text"], "expected name=value"),
        (["query", "search_labels", "-p", "text=a", "-p", "text=b"], "given twice"),
        (["query", "no_such_query"], "no stored query named 'no_such_query'"),
        (["query", "classes", "-f", "xml"], "Invalid value"),
        (["query", "classes", "--timeout", "0"], "Invalid value"),
        (["sparql", "no-such-file.rq"], "No such file"),
    ],
    ids=[
        "missing",
        "unknown",
        "reserved-name",
        "wrong-type",
        "no-equals",
        "twice",
        "no-query",
        "bad-format",
        "bad-timeout",
        "no-file",
    ],
)
def test_usage_and_input_errors_exit_2(args, message):
    result = icskg(*args)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


@pytest.mark.parametrize(
    "text,message",
    [
        (b"SELECT ?x WHERE { ?x", "-:1: SPARQL syntax error"),
        (b"SELECT ?x WHERE {\n  ?x ?p \n}", "-:3: SPARQL syntax error"),
        (b"DELETE WHERE { ?s ?p ?o }", "this is a SPARQL Update; icskg only reads the graph"),
        (b"PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", "SPARQL Update"),
        (b"DROP ALL", "SPARQL Update"),
        ("SELECT ?x WHERE { ?x ?p 'caf\u00e9' }".encode("latin-1"), "not UTF-8"),
        (b"\xff\xfe", "not UTF-8"),
    ],
    ids=["syntax", "syntax-line", "delete", "insert", "drop", "latin-1", "utf-16-bom"],
)
def test_bad_sparql_exits_2(text, message):
    result = icskg("sparql", "-", input=text)
    assert result.exit_code == 2, result.output
    assert message in result.stderr
    assert result.stdout == ""


def test_a_sparql_update_is_never_sent_to_the_endpoint():
    """Refused before the endpoint is opened: a closed port would otherwise make this exit 3."""
    url = f"http://127.0.0.1:{free_port()}/query"
    result = icskg("sparql", "-", "--endpoint", url, input=b"CLEAR ALL")
    assert result.exit_code == 2, result.output
    assert "SPARQL Update" in result.stderr


def test_bad_parameter_with_endpoint_down_is_still_exit_2():
    """Parameters are refused before any request, so the input error wins over the endpoint error."""
    url = f"http://127.0.0.1:{free_port()}/query"
    result = icskg("query", "search_labels", "-p", "nope=1", "--endpoint", url)
    assert result.exit_code == 2, result.output
    assert "has no parameter 'nope'" in result.stderr


def test_sparql_from_stdin_and_file(tmp_path, built, kg):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    result = icskg("sparql", "-", "-f", "json", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert json_rows(result.stdout) == [{"n": built.ntriples().count(b"\n")}] == kg.sparql(text)
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    result = icskg("sparql", str(path))
    assert result.exit_code == 0 and result.stdout.strip() == "true"


def test_sparql_reads_utf8_bytes(kg):
    text = "SELECT ?s WHERE { ?s ?p ?label FILTER(CONTAINS(STR(?label), 'Manchester')) } LIMIT 1 # caf\u00e9"
    result = icskg("sparql", "-", "-f", "csv", input=text.encode("utf-8"))
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[0] == "s" and len(result.stdout.splitlines()) == 2


def test_construct_prints_turtle_and_refuses_csv(kg):
    text = b"CONSTRUCT { ?s a ?c } WHERE { ?s a <http://www.w3.org/2004/02/skos/core#ConceptScheme> ; a ?c }"
    result = icskg("sparql", "-", input=text)
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="turtle")
    assert len(graph) > 0 and len(graph) == len(kg.sparql(text.decode()))
    as_csv = icskg("sparql", "-", "-f", "csv", input=text)
    assert as_csv.exit_code == 2, as_csv.output
    assert "a CONSTRUCT or DESCRIBE result is a graph" in as_csv.stderr


def test_an_internal_error_exits_4_in_one_line(monkeypatch):
    def broken(self, *args, **kwargs):
        raise RuntimeError("the query engine broke")

    monkeypatch.setattr("icskg.api.KnowledgeGraph.query_result", broken)
    result = icskg("query", "search_labels", "-p", "text=care")
    assert result.exit_code == 4, result.output
    assert "internal error: RuntimeError: the query engine broke" in result.stderr
    assert "--debug" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_endpoint_down_exits_3_within_the_timeout():
    """A real process, as a user runs it: a closed loopback port, a clear message, exit 3, quickly."""
    url = f"http://127.0.0.1:{free_port()}/query"
    started = time.monotonic()
    process = subprocess.run(
        [sys.executable, "-m", "icskg", "--root", str(ROOT), "query", "classes", "--endpoint", url, "--timeout", "3"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    elapsed = time.monotonic() - started
    assert process.returncode == 3, process.stderr
    assert "connection refused" in process.stderr and url in process.stderr
    assert "Traceback" not in process.stderr
    assert process.stdout == ""
    assert elapsed < 3 + 15  # the timeout, plus interpreter start-up and loading the catalogue


@pytest.mark.server
def test_query_against_the_endpoint(remote_kg, oxigraph, kg):
    for fmt in ("json", "csv", "table"):
        result = icskg("query", "search_labels", "-p", "text=care", "-f", fmt, "--endpoint", oxigraph.query_url)
        assert result.exit_code == 0, result.output
        embedded = icskg("query", "search_labels", "-p", "text=care", "-f", fmt)
        assert embedded.exit_code == 0, embedded.output
        if fmt == "json":
            assert key(json_rows(result.stdout)) == key(kg.query("search_labels", text="care"))
        else:  # search_labels orders its rows: the same lines in the same order
            assert result.stdout.splitlines() == embedded.stdout.splitlines()
    result = icskg("sparql", "-", "--endpoint", oxigraph.query_url, "-f", "json", input=b"ASK { ?s ?p ?o }")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["boolean"] is True


@pytest.mark.server
@pytest.mark.parametrize("fmt", ["table", "csv", "tsv", "json"])
def test_the_graph_option_picks_the_endpoint_graph(remote_kg, oxigraph, fmt):
    """A count over a graph the endpoint does not hold is refused, not answered 0, in every format."""
    count = b"SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    given = ("sparql", "-", "-f", fmt, "--endpoint", oxigraph.query_url)
    empty = icskg(*given, "--graph", "urn:x-icskg:nothing", input=count)
    assert empty.exit_code == 3, empty.output
    assert empty.stdout == ""
    assert "holds no triples in the graph <urn:x-icskg:nothing>" in empty.stderr
    published = icskg(*given, input=count)
    assert published.exit_code == 0, published.output
    assert published.stderr == ""
    assert str(len(remote_kg.sparql("SELECT * WHERE { ?s ?p ?o }"))) in published.stdout


# --- `icskg queries` -------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def catalogue():
    return load_catalogue(ROOT / "queries")


def test_queries_lists_the_catalogue(catalogue):
    table = icskg("queries")
    assert table.exit_code == 0, table.output
    assert table.stderr == ""
    for query in catalogue:
        assert query.name in table.stdout
        for parameter in query.parameters:
            assert f"-p {parameter.name}=<{parameter.type}>" in table.stdout
    listed = icskg("queries", "--format", "json")
    assert listed.exit_code == 0, listed.output
    data = json.loads(listed.stdout)
    assert [q["name"] for q in data] == sorted(catalogue.queries)
    for entry in data:
        query = catalogue.get(entry["name"])
        assert entry["summary"] == query.summary and entry["form"] == query.form
        assert [p["name"] for p in entry["parameters"]] == [p.name for p in query.parameters]
        for parameter in entry["parameters"]:
            assert set(parameter) >= {"name", "type", "required"}
    as_rdf = icskg("queries", "-f", "ttl")
    assert as_rdf.exit_code == 0, as_rdf.output
    assert len(Graph().parse(data=as_rdf.stdout, format="turtle")) > 0


@pytest.fixture
def repo_with_a_broken_query(tmp_path) -> Path:
    return make_repo(tmp_path, {"queries/good.rq": GOOD_QUERY, "queries/broken.rq": BROKEN_QUERY})


def test_queries_prints_skipped_queries_on_stderr(repo_with_a_broken_query):
    for fmt in ("table", "json", "ttl"):
        result = icskg("queries", "-f", fmt, root=repo_with_a_broken_query)
        assert result.exit_code == 0, result.output
        assert "skipped a stored query: broken.rq:4: SPARQL syntax error" in result.stderr
        assert "good" in result.stdout and "broken" not in result.stdout
    assert [q["name"] for q in json.loads(icskg("queries", "-f", "json", root=repo_with_a_broken_query).stdout)] == [
        "good"
    ]


def test_a_broken_query_does_not_stop_the_others(repo_with_a_broken_query, built):
    good = icskg("query", "good", "-f", "csv", root=repo_with_a_broken_query)
    assert good.exit_code == 0, good.output
    assert good.stdout.splitlines()[0] == "s" and len(good.stdout.splitlines()) > 1  # the session graph
    assert "skipped a stored query: broken.rq:4" in good.stderr
    broken = icskg("query", "broken", root=repo_with_a_broken_query)
    assert broken.exit_code == 2, broken.output
    assert "stored query 'broken' did not load: broken.rq:4: SPARQL syntax error" in broken.stderr


# --- ad-hoc SPARQL as a curator writes it (issue 13) --------------------------------------------------


def test_sparql_declares_icskgs_prefixes_and_takes_an_inline_query_and_parameters():
    inline = "SELECT ?name WHERE { ?p a icskg:Partnership ; skos:prefLabel ?name } ORDER BY ?name LIMIT 1"
    result = CliRunner().invoke(main, ["--root", str(ROOT), "sparql", "-q", inline, "-f", "csv"])
    assert result.exit_code == 0 and result.stdout.splitlines()[0] == "name", result.output
    bound = CliRunner().invoke(
        main,
        ["--root", str(ROOT), "sparql", "-q", "SELECT ?n WHERE { ?p skos:prefLabel ?n }", "-p", "p=partnership:dorset"],
    )
    assert bound.exit_code == 0 and "Dorset" in bound.stdout and "(1 row)" in bound.stdout, bound.output
    both = CliRunner().invoke(main, ["--root", str(ROOT), "sparql", "-q", inline, "-"], input="SELECT * {}")
    assert both.exit_code == 2 and "not both" in both.output


def test_tables_compact_iris_with_icskgs_prefixes():
    result = CliRunner().invoke(main, ["--root", str(ROOT), "query", "search_labels", "-p", "text=Dorset"])
    assert result.exit_code == 0 and "partnership:dorset" in result.stdout
    assert "https://w3id.org/icskg/id/partnership/dorset" not in result.stdout


def test_an_iri_parameter_takes_a_prefixed_name():
    full = CliRunner().invoke(
        main,
        [
            "--root",
            str(ROOT),
            "query",
            "second_wave_partnerships",
            "-p",
            "wave=https://w3id.org/icskg/id/wave/ics-second-wave",
            "-f",
            "csv",
        ],
    )
    short = CliRunner().invoke(
        main, ["--root", str(ROOT), "query", "second_wave_partnerships", "-p", "wave=wave:ics-second-wave", "-f", "csv"]
    )
    assert full.exit_code == short.exit_code == 0 and full.stdout == short.stdout and full.stdout.count("\n") > 2


def test_ad_hoc_service_is_refused_unless_allowed(kg):
    text = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    result = CliRunner().invoke(main, ["--root", str(ROOT), "sparql", "-q", text])
    assert result.exit_code == 2 and "SERVICE" in result.output and "--allow-service" in result.output
    with pytest.raises(InputError, match="SERVICE"):
        kg.sparql(text)
