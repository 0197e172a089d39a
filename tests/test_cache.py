"""What the pipeline caches (issue 7): reused while nothing changed, recomputed as soon as any input does.

Each test counts the real calls of the step the cache stands in for (a spy that delegates), so a
cache that never hits, or one that hits stale, fails.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph
from rdflib.compare import isomorphic

import icskg
import icskg.validate
from icskg import pipeline
from icskg.catalogue import load_catalogue
from icskg.errors import InputError
from repo_factory import make_repo
from test_pipeline_cli import QUOTE_WITHOUT_SOURCE, run

QUERY = """#+ summary: Count the triples.
SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }
"""


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """How many times pySHACL and icskg's own checks really ran."""
    calls: list[int] = []
    real = icskg.validate.validate

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(icskg.validate, "validate", spy)
    return calls


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.delenv("ICSKG_CACHE", raising=False)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.txt").write_text("A source text.\n", encoding="utf-8")
    monkeypatch.setenv("ICSKG_SOURCES", str(sources))
    root = make_repo(tmp_path, {"data/statements.ttl": QUOTE_WITHOUT_SOURCE, "queries/count.rq": QUERY})
    (root / "registries").mkdir()
    (root / "registries" / "links.yaml").write_text("links: []\n", encoding="utf-8")
    return root


def _check(root: Path):
    return icskg.check(icskg.build(root))


def test_the_report_is_reused_until_an_input_changes(repo, validations, tmp_path):
    first = _check(repo)
    assert not first.conforms and len(validations) == 1
    again = _check(repo)
    assert len(validations) == 1, "nothing changed: the stored report should be returned"
    assert again.results == first.results and again.notes == first.notes
    assert isomorphic(again.graph, first.graph)
    changes = [
        repo / "shapes" / "documents.ttl",  # a shape
        repo / "registries" / "links.yaml",  # a registry extract or link file
        tmp_path / "sources" / "a.txt",  # a source text
        repo / "data" / "statements.ttl",  # the data
    ]
    for number, path in enumerate(changes, start=2):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
        _check(repo)
        assert len(validations) == number, f"editing {path.name} should invalidate the stored report"
        _check(repo)
        assert len(validations) == number


def test_the_cli_gives_the_same_report_fresh_and_from_the_cache(repo, validations):
    fresh_json, fresh_turtle = run(repo, "validate", "-f", "json"), run(repo, "validate", "-f", "turtle")
    cached_json, cached_turtle = run(repo, "validate", "-f", "json"), run(repo, "validate", "-f", "turtle")
    assert len(validations) == 1
    assert fresh_json.exit_code == cached_json.exit_code == 1
    assert cached_json.output == fresh_json.output
    assert isomorphic(Graph().parse(data=cached_turtle.output), Graph().parse(data=fresh_turtle.output))


def test_the_cache_can_be_bypassed(repo, validations, monkeypatch):
    monkeypatch.setenv("ICSKG_CACHE", "0")
    _check(repo)
    _check(repo)
    assert len(validations) == 2
    assert not (repo / ".icskg-cache").exists()


def test_a_warm_open_parses_no_turtle_until_asked(repo, monkeypatch):
    cold = icskg.open_graph(repo)
    assert cold.query("count")[0]["n"] > 0

    def refuse(_repo):
        raise AssertionError("the Turtle files were parsed")

    monkeypatch.setattr(pipeline, "load_repository", refuse)
    warm = icskg.open_graph(repo)
    assert warm.query("count") == cold.query("count")
    with pytest.raises(AssertionError, match="parsed"):
        warm.graph  # noqa: B018 - the rdflib graph is built on first use


def test_validating_builds_no_query_store(repo, monkeypatch):
    """`icskg validate` needs the rdflib graph only: the Oxigraph build would be the same work twice."""
    from icskg import query_store

    calls = []
    monkeypatch.setattr(query_store, "build_store", lambda files: calls.append(1))
    assert not _check(repo).conforms
    assert calls == []


def test_an_edit_is_seen_by_the_next_open(repo):
    before = icskg.open_graph(repo).query("count")[0]["n"]
    extra = QUOTE_WITHOUT_SOURCE.replace("test-q01", "test-q02")
    (repo / "data" / "more.ttl").write_text(extra, encoding="utf-8")
    assert icskg.open_graph(repo).query("count")[0]["n"] > before


def test_a_build_of_given_graphs_leaves_the_cache_alone(repo):
    built = icskg.build(repo)
    own = pipeline.Build(built.repo, built.loaded, Graph())
    assert own.ntriples() != built.ntriples()  # no inferred triples in `own`: not the cached snapshot
    entries = sorted(p.name for p in (repo / ".icskg-cache").iterdir())
    icskg.check(own)
    assert sorted(p.name for p in (repo / ".icskg-cache").iterdir()) == entries


def test_checked_queries_are_not_parsed_again_but_edited_ones_are(repo, monkeypatch):
    cache_dir = repo / ".icskg-cache"
    assert set(load_catalogue(repo / "queries", cache_dir)) == {"count"}

    def refuse(text, path=None):
        raise AssertionError("parsed again")

    monkeypatch.setattr("icskg.catalogue.parse_sparql", refuse)
    assert set(load_catalogue(repo / "queries", cache_dir)) == {"count"}
    monkeypatch.undo()
    (repo / "queries" / "count.rq").write_text(QUERY.replace("WHERE {", "WHERE {{"), encoding="utf-8")
    with pytest.raises(InputError, match="SPARQL"):
        load_catalogue(repo / "queries", cache_dir)
