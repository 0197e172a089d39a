"""The one cache (icskg.build.cache): reused while nothing changed, missed as soon as anything that shapes the
answer does (a byte of an input, icskg's own code, a library's version), never a reason to fail.

Each test counts the real calls of the step the cache stands in for (a spy that delegates), so a cache
that never hits, or one that hits stale, fails.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import icskg.validate
from icskg.api import open_graph
from icskg.build import cache as caching
from icskg.build import pipeline
from icskg.settings import Settings
from repo_factory import make_repo

QUOTE_WITHOUT_SOURCE = """@prefix icskg: <https://w3id.org/icskg/ontology#> .
@prefix statement: <https://w3id.org/icskg/id/statement/> .

statement:test-q01
    a icskg:Quote ;
    icskg:text "Some words" ;
    icskg:unattributed true ;
.
"""
QUERY = """#+ summary: Count the triples.
SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }
"""


@pytest.fixture
def validations(monkeypatch) -> list[int]:
    """How many times validation really ran (the compiled engine or pySHACL)."""
    calls: list[int] = []
    real = icskg.validate.validate_graph

    def spy(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(icskg.validate, "validate_graph", spy)
    return calls


@pytest.fixture
def repo(tmp_path, monkeypatch) -> Path:
    monkeypatch.setenv("ICSKG_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("ICSKG_CACHE", raising=False)
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "a.txt").write_text("A source text.\n", encoding="utf-8")
    monkeypatch.setenv("ICSKG_SOURCES", str(sources))
    return make_repo(tmp_path, {"data/statements.ttl": QUOTE_WITHOUT_SOURCE, "queries/count.rq": QUERY})


def check(root: Path):
    return icskg.validate.validate(Settings.load(root=root))


def test_the_report_is_reused_until_an_input_changes(repo, validations, tmp_path):
    first = check(repo)
    assert not first.conforms and len(validations) == 1
    again = check(repo)
    assert len(validations) == 1, "nothing changed: the stored report should be returned"
    assert again.results == first.results and again.notes == first.notes
    changes = [
        repo / "shapes" / "documents.ttl",  # a shape
        tmp_path / "sources" / "a.txt",  # a source text
        repo / "data" / "statements.ttl",  # the data
        repo / "ontology" / "icskg.ttl",  # the ontology
    ]
    for number, path in enumerate(changes, start=2):
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n# an edit\n")
        check(repo)
        assert len(validations) == number, f"editing {path.name} should invalidate the stored report"
        check(repo)
        assert len(validations) == number


def test_the_key_holds_icskgs_own_code_and_the_library_versions(repo, validations, monkeypatch):
    check(repo)
    monkeypatch.setattr(caching, "code_digest", lambda: "an edited quotes check")
    check(repo)
    assert len(validations) == 2, "an edit of icskg's code must not return the old report"
    monkeypatch.setattr(caching, "library_versions", lambda: "pyoxigraph 99.0")
    check(repo)
    assert len(validations) == 3, "another pyoxigraph must not return the old report"


def test_the_code_digest_covers_every_module_of_the_package():
    package = Path(caching.__file__).resolve().parents[1]
    assert len(list(package.rglob("*.py"))) > 30 and len(caching.code_digest()) == 64


def test_each_input_file_is_read_once_and_the_key_is_made_from_those_bytes(repo, monkeypatch):
    """A file saved between hashing and parsing cannot pair one content's report with the other's key."""
    reads: dict[str, int] = {}
    real = Path.read_bytes

    def counting(self):
        key = "/".join(self.parts[-2:])
        reads[key] = reads.get(key, 0) + 1
        return real(self)

    monkeypatch.setattr(Path, "read_bytes", counting)
    check(repo)
    assert reads["data/statements.ttl"] == reads["shapes/documents.ttl"] == reads["sources/a.txt"] == 1
    assert reads["ontology/icskg.ttl"] == 1


def test_the_cache_can_be_turned_off(repo, validations, monkeypatch, tmp_path):
    monkeypatch.setenv("ICSKG_CACHE", "0")
    check(repo)
    check(repo)
    assert len(validations) == 2
    assert not (tmp_path / "cache").exists()


def test_a_cache_that_cannot_be_written_is_no_cache_and_no_error(repo, validations, monkeypatch, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("ICSKG_CACHE_DIR", str(blocker / "cache"))  # a read-only checkout behaves the same
    assert not check(repo).conforms
    assert not check(repo).conforms
    assert len(validations) == 2


def test_a_damaged_entry_is_a_miss(repo, validations, tmp_path):
    first = check(repo)
    for entry in (tmp_path / "cache").glob("report-*.json"):
        entry.write_bytes(b"{ not json")
    assert check(repo).results == first.results
    assert len(validations) == 2


def test_two_validations_at_once_share_the_cache_safely(repo, tmp_path):
    command = [sys.executable, "-m", "icskg", "--root", str(repo), "validate", "-f", "json"]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(3)]
    outputs = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [1, 1, 1], [err.decode() for _out, err in outputs]
    assert len({out for out, _err in outputs}) == 1 and json.loads(outputs[0][0])["conforms"] is False
    assert not list((tmp_path / "cache").glob(".*.tmp")), "no temporary file is left behind"


def test_a_warm_open_parses_no_turtle(repo, monkeypatch):
    cold = open_graph(repo)
    assert cold.query("count")[0]["n"] > 0

    def refuse(*args, **kwargs):
        raise AssertionError("the Turtle files were parsed")

    monkeypatch.setattr(pipeline, "load_turtle", refuse)
    warm = open_graph(repo)
    assert warm.query("count") == cold.query("count")


def test_an_edit_is_seen_by_the_next_open(repo):
    before = open_graph(repo).query("count")[0]["n"]
    extra = QUOTE_WITHOUT_SOURCE.replace("test-q01", "test-q02")
    (repo / "data" / "more.ttl").write_text(extra, encoding="utf-8")
    assert open_graph(repo).query("count")[0]["n"] > before


def test_the_tests_never_use_the_developers_cache(repo_root):
    assert Settings.load().cache_dir is not None, "conftest points ICSKG_CACHE_DIR at a temporary folder"
    assert not str(Settings.load().cache_dir).startswith(str(repo_root))
