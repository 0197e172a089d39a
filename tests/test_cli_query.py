"""`icskg query` and `icskg sparql`: output formats, bad parameters (exit 2), endpoint failures (exit 3)."""

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
from rdflib.query import Result

from icskg.cli import main
from icskg.results import rows
from oxigraph_server import free_port

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True)
def reuse_the_session_build(monkeypatch, built, kg):
    """The commands build the graph (seconds at the repo's size); here they reuse the session's build."""
    monkeypatch.setattr("icskg.api.build", lambda root=None: built)
    monkeypatch.setattr(built, "combined", lambda: kg.graph)


def icskg(*args: str, input: str | None = None):
    return CliRunner().invoke(main, ["--root", str(ROOT), *args], input=input)


def json_rows(output: str) -> list[dict]:
    return rows(Result.parse(io.StringIO(output), format="json"))


def key(rows_: list[dict]) -> list:
    return sorted(repr(sorted(r.items())) for r in rows_)


def test_query_table(kg):
    result = icskg("query", "search_labels", "-p", "text=care")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].split() == ["resource", "label", "property"]
    assert lines[-1] == f"({len(kg.query('search_labels', text='care'))} rows)"


def test_query_json_is_sparql_results_json(kg):
    result = icskg("query", "classes", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["head"]["vars"] == ["class", "label", "instances"]
    assert key(json_rows(result.output)) == key(kg.query("classes"))


def test_query_csv_is_sparql_results_csv(kg):
    result = icskg("query", "search_labels", "-p", "text=care", "-f", "csv")
    assert result.exit_code == 0, result.output
    table = list(csv.reader(io.StringIO(result.output)))
    assert table[0] == ["resource", "label", "property"]
    assert len(table) - 1 == len(kg.query("search_labels", text="care"))


@pytest.mark.parametrize(
    "args,message",
    [
        (["query", "search_labels"], "needs parameter 'text'"),
        (["query", "search_labels", "-p", "text=care", "-p", "colour=red"], "has no parameter 'colour'"),
        (["query", "classes", "-p", "namespace=not an iri"], "must be of type iri"),
        (["query", "search_labels", "-p", "text"], "expected name=value"),
        (["query", "search_labels", "-p", "text=a", "-p", "text=b"], "given twice"),
        (["query", "no_such_query"], "no stored query named 'no_such_query'"),
        (["query", "classes", "-f", "xml"], "Invalid value"),
        (["sparql", "-"], "SPARQL syntax error"),
    ],
    ids=["missing", "unknown", "wrong-type", "no-equals", "twice", "no-query", "bad-format", "bad-sparql"],
)
def test_usage_and_input_errors_exit_2(args, message):
    result = icskg(*args, input="SELECT ?x WHERE { ?x" if args[0] == "sparql" else None)
    assert result.exit_code == 2, result.output
    assert message in result.output


def test_bad_parameter_with_endpoint_down_is_still_exit_2():
    """Parameters are refused before any request, so the input error wins over the endpoint error."""
    url = f"http://127.0.0.1:{free_port()}/query"
    result = icskg("query", "search_labels", "-p", "nope=1", "--endpoint", url)
    assert result.exit_code == 2, result.output


def test_sparql_from_stdin_and_file(tmp_path, kg):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    result = icskg("sparql", "-", "-f", "json", input=text)
    assert result.exit_code == 0, result.output
    assert json_rows(result.output) == [{"n": len(kg.graph)}]  # the session's graph: see reuse_the_session_build
    path = tmp_path / "ask.rq"
    path.write_text("ASK { ?s ?p ?o }", encoding="utf-8")
    result = icskg("sparql", str(path))
    assert result.exit_code == 0 and result.output.strip() == "true"


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
    assert elapsed < 3 + 15  # the timeout, plus interpreter start-up and loading the catalogue


def test_query_against_the_endpoint(remote_kg, oxigraph, kg):
    for fmt in ("json", "csv", "table"):
        result = icskg("query", "search_labels", "-p", "text=care", "-f", fmt, "--endpoint", oxigraph.query_url)
        assert result.exit_code == 0, result.output
        if fmt == "json":
            assert key(json_rows(result.output)) == key(kg.query("search_labels", text="care"))
        if fmt == "csv":
            embedded = icskg("query", "search_labels", "-p", "text=care", "-f", "csv")
            assert sorted(result.output.splitlines()) == sorted(embedded.output.splitlines())
    result = icskg("sparql", "-", "--endpoint", oxigraph.query_url, "-f", "json", input="ASK { ?s ?p ?o }")
    assert json.loads(result.output)["boolean"] is True
