"""The `%%sparql` and `%sparql_stored` IPython magics (`%load_ext icskg`), in a real InteractiveShell."""

from __future__ import annotations

import pytest

pytest.importorskip("IPython")
pd = pytest.importorskip("pandas")

from IPython.core.error import UsageError  # noqa: E402
from IPython.core.interactiveshell import InteractiveShell  # noqa: E402

from icskg.magic import parse_params, with_prefixes  # noqa: E402
from icskg.namespaces import PREFIXES  # noqa: E402

SECOND_WAVE = "https://w3id.org/icskg/id/wave/ics-second-wave"


@pytest.fixture(scope="module")
def shell(kg):
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


def test_cell_magic_builds_the_graph_itself_once(shell, kg):
    text = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    first = shell.run_cell_magic("sparql", "", text)
    assert first["n"][0] == len(kg.graph)
    magics = shell.magics_manager.registry["SparqlMagics"]
    opened = dict(magics.graphs._open)
    shell.run_cell_magic("sparql", "", text)
    assert magics.graphs._open == opened and len(opened) == 1


def test_ask_gives_a_bool(shell):
    assert shell.run_cell_magic("sparql", "--kg kg", "ASK { ?s a icskg:Partnership }") is True


def test_stored_query_by_name_with_parameters(shell, kg):
    df = shell.run_line_magic("sparql_stored", f"second_wave_partnerships wave={SECOND_WAVE} --kg kg")
    assert df.equals(kg.query_df("second_wave_partnerships", wave=SECOND_WAVE))
    quoted = shell.run_line_magic("sparql_stored", 'search_labels text="Greater Manchester" --kg kg')
    assert len(quoted) and quoted["label"].str.lower().str.contains("greater manchester").all()


@pytest.mark.parametrize(
    ("line", "cell", "message"),
    [
        ("--kg kg", "SELEC nothing", "SPARQL syntax error"),
        ("--kg nope", "ASK {}", "no variable 'nope'"),
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
    ],
)
def test_stored_errors_are_usage_errors(shell, line, message):
    with pytest.raises(UsageError, match=message):
        shell.run_line_magic("sparql_stored", line)


def test_a_failing_cell_fails(shell):
    result = shell.run_cell("%%sparql --kg kg\nSELEC nothing")
    assert not result.success


def test_endpoint_option(shell, oxigraph, remote_kg, kg):
    df = shell.run_line_magic("sparql_stored", f"second_wave_partnerships --endpoint {oxigraph.query_url}")
    assert sorted(df["name"]) == sorted(kg.query_df("second_wave_partnerships")["name"])


def test_prefixes_are_added_only_when_used_and_not_declared():
    text = "PREFIX skos: <http://example.org/mine#>\nSELECT * WHERE { ?s a icskg:Partnership ; skos:x ?o }"
    out = with_prefixes(text)
    assert f"PREFIX icskg: <{PREFIXES['icskg']}>" in out
    assert out.count("PREFIX skos:") == 1
    assert "PREFIX org:" not in out
    assert with_prefixes("SELECT * WHERE { ?s <http://x/icskg:y> ?o }").startswith("SELECT")


def test_parse_params():
    assert parse_params(["a=1", "b=x=y", "c="]) == {"a": "1", "b": "x=y", "c": ""}
    with pytest.raises(Exception, match="given twice"):
        parse_params(["a=1", "a=2"])


def test_prefixes_used_after_a_path_operator_are_declared():
    from icskg.magic import with_prefixes

    text = with_prefixes("SELECT * WHERE { ?q icskg:speakerPost/org:organization|^schema:x ?o }")
    for prefix in ("icskg", "org", "schema"):
        assert f"PREFIX {prefix}: <" in text
