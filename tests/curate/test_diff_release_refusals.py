"""`icskg diff` by meaning (layout, order, comments and blank-node labels are no change; a change under a blank
node is a change of the entity that holds it), and what the curator commands refuse, with exit codes and
nothing written."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from icskg.cli import main
from repo_factory import make_repo

PARTNERSHIP = """PREFIX icskg: <https://w3id.org/icskg/ontology#>
PREFIX partnership: <https://w3id.org/icskg/id/partnership/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>

partnership:example
    a icskg:Partnership ;
    skos:prefLabel "Example Valley" ;
    rdfs:seeAlso [ rdfs:label "first note" ; rdfs:seeAlso [ rdfs:label "nested" ] ] , [ rdfs:label "second note" ] .
"""
REFORMATTED = """# The same facts in another layout and order, with comments and labelled blank nodes.
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX icskg: <https://w3id.org/icskg/ontology#>

_:second rdfs:label "second note" .
<https://w3id.org/icskg/id/partnership/example> rdfs:seeAlso _:first, _:second .  # notes
_:first rdfs:label "first note" ; rdfs:seeAlso _:deep .
_:deep rdfs:label "nested" .
<https://w3id.org/icskg/id/partnership/example> skos:prefLabel "Example Valley" ; a icskg:Partnership .
"""


def run(root: Path, *args: str, stdin: str | None = None):
    result = CliRunner().invoke(main, ["--root", str(root), *args], input=stdin)
    assert "Traceback" not in result.output
    return result


def git(root: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "C", "GIT_AUTHOR_EMAIL": "c@example.org"}
    env |= {"GIT_COMMITTER_NAME": "C", "GIT_COMMITTER_EMAIL": "c@example.org"}
    subprocess.run(["git", "-c", "commit.gpgsign=false", *args], cwd=root, env=env, check=True, capture_output=True)


def commit(root: Path, text: str, message: str) -> None:
    (root / "data" / "partnership.ttl").write_text(text, encoding="utf-8")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


@pytest.fixture(scope="module")
def history(tmp_path_factory) -> Path:
    """Three commits: the partnership; the same facts reformatted; a change in a nested blank node."""
    root = make_repo(tmp_path_factory.mktemp("history"))
    git(root, "init", "-q", "-b", "main")
    commit(root, PARTNERSHIP, "a partnership")
    commit(root, REFORMATTED, "reformatted")
    commit(root, REFORMATTED.replace('"nested"', '"nested, changed"'), "a changed note")
    return root


def test_a_formatting_only_change_is_no_change(history):
    for fmt, expected in (("text", "No change in meaning"), ("markdown", "No change in meaning")):
        result = run(history, "diff", "HEAD~2", "HEAD~1", "-f", fmt)
        assert result.exit_code == 0, result.output
        assert expected in result.stdout and "Entities" not in result.stdout


def test_a_change_under_a_blank_node_is_a_change_of_its_entity(history):
    result = run(history, "diff", "HEAD~1", "HEAD")
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert "Entities changed (1)" in out and "~ partnership:example  icskg:Partnership “Example Valley”" in out
    assert "- rdfs:seeAlso [ rdfs:label “first note” ; rdfs:seeAlso [ rdfs:label “nested” ] ]" in out
    assert "+ rdfs:seeAlso [ rdfs:label “first note” ; rdfs:seeAlso [ rdfs:label “nested, changed” ] ]" in out
    assert "second note" not in out and "_:" not in out
    assert re.search(r"asserted triples (\d+) -> \1 \(\+1, -1\)", out)


def test_the_working_tree_is_the_default_head_and_a_bad_revision_is_refused(history):
    result = run(history, "diff", "HEAD")
    assert result.exit_code == 0 and "-> working tree" in result.stdout and "No change in meaning" in result.stdout
    bad = run(history, "diff", "no-such-branch")
    assert bad.exit_code == 2 and "unknown git revision 'no-such-branch'" in bad.stderr
    option_like = run(history, "diff", "--", "--output=x")
    assert option_like.exit_code == 2 and "not a revision" in option_like.stderr


def test_diff_outside_git_says_so(tmp_path):
    root = make_repo(tmp_path)
    result = run(root, "diff", "HEAD")
    assert result.exit_code == 2 and "is not in a git repository" in result.stderr


@pytest.fixture
def plain(tmp_path) -> tuple[Path, Path]:
    """A repository and an empty sources folder."""
    sources = tmp_path / "sources"
    sources.mkdir()
    return make_repo(tmp_path, {"data/sources.ttl": "# Sources.\n"}), sources


def test_a_name_clash_and_a_file_that_is_not_text_are_refused_with_nothing_written(plain, tmp_path):
    root, sources = plain
    (sources / "000_0123456789abcdef.txt").write_text("Another text\n", encoding="utf-8")
    clash = tmp_path / "000_0123456789abcdef.txt"
    clash.write_text("A different text under the same name\n", encoding="utf-8")
    result = run(root, "source", "add", str(clash), "--sources", str(sources), "--yes")
    assert result.exit_code == 2 and "a name clash" in result.stderr
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\u00e9 society\n".encode("latin-1"))
    result = run(root, "source", "add", str(latin1), "--sources", str(sources), "--yes")
    assert result.exit_code == 2 and "not UTF-8" in result.stderr
    assert sorted(p.name for p in sources.iterdir()) == ["000_0123456789abcdef.txt"]
    assert (root / "data" / "sources.ttl").read_text(encoding="utf-8") == "# Sources.\n"
    assert not (root / "data" / "statements").exists()


def test_a_text_in_the_sources_folder_is_registered_in_place_with_the_given_title(plain):
    root, sources = plain
    text = sources / "007_0123456789abcdef.txt"
    text.write_text("Line one of an extract\nNo headline here, and no date.\n", encoding="utf-8")
    refused = run(root, "source", "add", str(text), "--sources", str(sources), "--title", "A title not in it")
    assert refused.exit_code == 2 and "is not on any line" in refused.stderr
    result = run(root, "source", "add", str(text), "--sources", str(sources), "--title", "Line one of an extract")
    assert result.exit_code == 0, result.output
    assert "registered" in result.stdout and sorted(p.name for p in sources.iterdir()) == [text.name]
    document = (root / "data" / "sources.ttl").read_text(encoding="utf-8")
    assert 'dcterms:title "Line one of an extract"' in document and "dcterms:issued" not in document
    assert (root / "data" / "statements" / "007.ttl").is_file()
    assert run(root, "fmt", "--check").exit_code == 0


def test_a_release_needs_a_version_and_a_graph_that_conforms(plain):
    root, sources = plain
    bad = run(root, "release", "v1", "--sources", str(sources))
    assert bad.exit_code == 2 and "not MAJOR.MINOR.PATCH" in bad.stderr
    nameless = "<https://w3id.org/icskg/id/partnership/x> a <https://w3id.org/icskg/ontology#Partnership> .\n"
    (root / "data" / "bad.ttl").write_text(nameless, encoding="utf-8")
    result = run(root, "release", "1.0.0", "--sources", str(sources))
    assert result.exit_code == 1 and "does not conform" in result.stderr and "nothing released" in result.stderr
    assert not (root / "dist").exists() and not (root / "CHANGELOG.md").exists()
