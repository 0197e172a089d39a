"""The `%%sparql` and `%sparql_stored` IPython magics (`%load_ext icskg`), in a real InteractiveShell."""

from __future__ import annotations

import pytest

pytest.importorskip("IPython")
pd = pytest.importorskip("pandas")

from IPython.core.error import UsageError  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402
from rdflib import Graph  # noqa: E402

from icskg.errors import InputError  # noqa: E402
from icskg.magic import parse_params, with_prefixes  # noqa: E402
from icskg.namespaces import PREFIXES  # noqa: E402

SECOND_WAVE = "https://w3id.org/icskg/id/wave/ics-second-wave"


@pytest.fixture(scope="module")
def shell(kg, repo_root):
    shell = InteractiveShell.instance()
    shell.run_line_magic("load_ext", "icskg")
    shell.user_ns["kg"] = kg
    yield shell
    InteractiveShell.clear_instance()


def test_cell_magic_gives_a_dataframe_and_stores_it(shell):
    df = shell.run_cell_magic(
        "sparql", "--kg kg --out names", "SELECT ?name WHERE { ?p a icskg:Partnership ; skos:prefLabel ?name }"
    )
    assert isinstance(df, pd.DataFrame)
    assert list(df.columns) == ["name"]
    assert "Greater Manchester" in set(df["name"])
    assert shell.user_ns["names"] is df


def test_cell_magic_builds_the_graph_itself_once(shell, kg, built, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)  # the magic finds the repository from the current folder
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    first = shell.run_cell_magic("sparql", "", text)
    assert first["n"][0] == built.ntriples().count(b"\n") == kg.sparql(text)[0]["n"]
    magics = shell.magics_manager.registry["SparqlMagics"]
    opened = dict(magics.graphs._open)
    embedded = [graph for (_root, endpoint, _graph, _timeout), graph in opened.items() if endpoint is None]
    assert len(embedded) == 1 and not embedded[0].is_remote
    shell.run_cell_magic("sparql", "", text)
    assert magics.graphs._open == opened


def test_ask_gives_a_bool(shell):
    assert shell.run_cell_magic("sparql", "--kg kg", "ASK { ?s a icskg:Partnership }") is True


def test_construct_gives_a_graph(shell):
    graph = shell.run_cell_magic(
        "sparql", "--kg kg", "CONSTRUCT { ?p a icskg:Partnership } WHERE { ?p a icskg:Partnership }"
    )
    assert isinstance(graph, Graph) and len(graph) > 0


def test_stored_query_by_name_with_parameters(shell, kg):
    df = shell.run_line_magic("sparql_stored", f"second_wave_partnerships wave={SECOND_WAVE} --kg kg --out waves")
    expected = kg.query_df("second_wave_partnerships", wave=SECOND_WAVE)
    assert len(expected) > 0 and df.equals(expected)
    assert shell.user_ns["waves"] is df
    quoted = shell.run_line_magic("sparql_stored", 'search_labels text="Greater Manchester" --kg kg')
    assert len(quoted) and quoted["label"].str.lower().str.contains("greater manchester").all()


@pytest.mark.parametrize(
    ("line", "cell", "message"),
    [
        ("--kg kg", "SELEC nothing", "SPARQL syntax error"),
        ("--kg kg", "DELETE WHERE { ?s ?p ?o }", "SPARQL Update"),
        ("--kg nope", "ASK {}", "no variable 'nope'"),
        ('--kg "kg', "ASK {}", "quotation"),
    ],
)
def test_cell_errors_are_usage_errors(shell, line, cell, message):
    with pytest.raises(UsageError, match=message):
        shell.run_cell_magic("sparql", line, cell)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("no_such_query --kg kg", "no stored query named 'no_such_query'"),
        ("sources_issued_before before=yesterday --kg kg", "before"),
        ("second_wave_partnerships wave --kg kg", "expected name=value"),
        ("search_labels text=care name=x --kg kg", "has no parameter 'name'"),  # name: the query's, not a TypeError
        ("search_labels text=care as_=x --kg kg", "has no parameter 'as_'"),
    ],
)
def test_stored_errors_are_usage_errors(shell, line, message):
    with pytest.raises(UsageError, match=message):
        shell.run_line_magic("sparql_stored", line)


def test_a_failing_cell_fails(shell):
    result = shell.run_cell("%%sparql --kg kg\nSELEC nothing")
    assert not result.success
    assert isinstance(result.error_in_exec, UsageError)


@pytest.mark.server
def test_endpoint_option(shell, oxigraph, remote_kg, kg, repo_root, monkeypatch):
    monkeypatch.chdir(repo_root)  # the stored queries come from the repository of the current folder
    df = shell.run_line_magic("sparql_stored", f"second_wave_partnerships --endpoint {oxigraph.query_url}")
    expected = kg.query_df("second_wave_partnerships")
    assert len(expected) > 0
    assert sorted(df["name"]) == sorted(expected["name"])
    ask = shell.run_cell_magic("sparql", f"--endpoint {oxigraph.query_url}", "ASK { ?s a icskg:Partnership }")
    assert ask is True


def test_prefixes_are_added_only_when_used_and_not_declared():
    text = "PREFIX skos: <http://example.org/mine#>\nSELECT * WHERE { ?s a icskg:Partnership ; skos:x ?o }"
    out = with_prefixes(text)
    assert f"PREFIX icskg: <{PREFIXES['icskg']}>" in out
    assert out.count("PREFIX skos:") == 1
    assert "PREFIX org:" not in out
    assert with_prefixes("SELECT * WHERE { ?s <http://x/icskg:y> ?o }").startswith("SELECT")


def test_parse_params():
    assert parse_params(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(InputError, match="given twice"):
        parse_params(["a=1", "a=2"])
    with pytest.raises(InputError, match="expected name=value"):
        parse_params(["=1"])


def test_prefixes_used_after_a_path_operator_are_declared():
    text = with_prefixes("SELECT * WHERE { ?q icskg:speakerPost/org:organization|^schema:x ?o }")
    for prefix in ("icskg", "org", "schema"):
        assert f"PREFIX {prefix}: <" in text
