"""`icskg fmt` loses nothing: every comment stays with the statement it precedes, every literal keeps its
lexical form, and where it cannot keep something it refuses, naming FILE:LINE, and writes nothing."""

from __future__ import annotations

import random
import re
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from icskg.cli import main
from icskg.errors import InputError
from icskg.fmt import format_files
from repo_factory import ROOT

TURTLE_FILES = sorted(
    p.relative_to(ROOT)
    for folder in ("ontology", "data", "shapes")
    for p in (ROOT / folder).rglob("*.ttl")
    if not any(part.startswith(".") for part in p.parts)
    and not (p.parent.name == "registries" and p.stat().st_size > 200_000)
)
"""Every Turtle file but the registry import's large ones (the import writes them all in one form, which its
small files, kept here, have too): they cost most of this module's time and add no case."""
_STRING = re.compile(r"'''.*?'''|\"\"\".*?\"\"\"", re.DOTALL)


def triples(path: Path) -> set:
    """The file's triples as written (lexical forms kept), blank nodes canonicalised."""
    quads = ox.parse(path.read_bytes(), format=ox.RdfFormat.TURTLE)
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def with_random_comments(text: str, seed: int) -> tuple[str, list[str]]:
    """Comment lines before statements and end-of-line comments after ; , and . (never inside a long string)."""
    rng = random.Random(seed)
    inside = set()
    for match in _STRING.finditer(text):
        first, last = text.count("\n", 0, match.start()), text.count("\n", 0, match.end())
        inside.update(range(first, last + 1))
    lines, added = text.split("\n"), []
    out = []
    for number, line in enumerate(lines):
        safe = number not in inside and not line.startswith(("@prefix", "PREFIX", "#"))
        if safe and line and not line[0].isspace() and rng.random() < 0.3:
            comment = f"# a comment before line {number} ({seed})"
            out.append(comment)
            added.append(comment)
        if safe and line.rstrip().endswith((" ;", " ,", " .")) and '"' not in line and rng.random() < 0.2:
            comment = f"# at the end of line {number} ({seed})"
            line = f"{line} {comment}"
            added.append(comment)
        out.append(line)
    return "\n".join(out), added


@pytest.mark.parametrize("relative", TURTLE_FILES, ids=[str(p) for p in TURTLE_FILES])
def test_comments_added_anywhere_survive_and_nothing_else_changes(tmp_path, relative):
    original = ROOT / relative
    copy = tmp_path / relative.name
    text, added = with_random_comments(original.read_text(encoding="utf-8"), seed=len(str(relative)))
    copy.write_text(text, encoding="utf-8")
    try:
        format_files([copy], check=False)
    except InputError as error:
        assert "blank node" in error.message and error.line, error  # refused: named, and nothing written
        assert copy.read_text(encoding="utf-8") == text
        # the file itself is still formatted: with a comment it can keep (at the end), every triple stays
        copy.write_text(original.read_text(encoding="utf-8") + "\n# a trailing comment\n", encoding="utf-8")
        format_files([copy], check=False)
        assert "# a trailing comment" in copy.read_text(encoding="utf-8")
    else:
        result = copy.read_text(encoding="utf-8")
        missing = [comment for comment in added if comment not in result]
        assert not missing, f"comments lost: {missing[:3]}"
    assert triples(copy) == triples(original), "fmt changed a triple or a lexical form"
    assert format_files([copy], check=True) == [], "fmt is not idempotent"


def test_a_comment_goes_above_the_statement_it_precedes(tmp_path):
    path = tmp_path / "x.ttl"
    path.write_text(
        "# why this file exists\n\n@prefix ex: <https://w3id.org/icskg/id/partnership/> .\n"
        "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n\n"
        '# about b\nex:b skos:prefLabel "B" . # end of b\n# about a\nex:a skos:prefLabel "A" .\n# the end\n',
        encoding="utf-8",
    )
    format_files([path], check=False)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# why this file exists\n")
    assert "# about a\npartnership:a\n" in text
    assert "# about b\n# end of b\npartnership:b\n" in text
    assert text.rstrip().endswith("# the end")


def test_lexical_forms_are_kept(tmp_path):
    path = tmp_path / "x.ttl"
    body = '"+5"^^xsd:integer , "01"^^xsd:integer , 4.0 , "2019-1-1"^^xsd:date , true'
    path.write_text(
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        f"<https://w3id.org/icskg/id/x> <http://example.org/p> {body} .\n",
        encoding="utf-8",
    )
    before = triples(path)
    format_files([path], check=False)
    assert triples(path) == before
    assert "+5" in path.read_text(encoding="utf-8") and "01" in path.read_text(encoding="utf-8")


def test_what_cannot_be_kept_is_refused_by_file_and_line(tmp_path):
    path = tmp_path / "x.ttl"
    text = (
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n\n"
        '<https://w3id.org/icskg/id/x> <http://example.org/p> "1e3"^^xsd:double .\n'
    )
    path.write_text(text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(path)])
    assert result.exit_code == 2 and f"{path}:3:" in result.output and "would change" in result.output
    assert path.read_text(encoding="utf-8") == text
    blank = tmp_path / "y.ttl"
    blank_text = '# on a blank node\n\n[] <http://example.org/p> "x" ;\n  # inside it\n  <http://example.org/q> 1 .\n'
    blank.write_text(blank_text, encoding="utf-8")
    result = CliRunner().invoke(main, ["fmt", str(blank)])
    assert result.exit_code == 2 and f"{blank}:4:" in result.output and "blank node" in result.output
    assert blank.read_text(encoding="utf-8") == blank_text and "Traceback" not in result.output


def test_fmt_check_names_files_and_writes_nothing(tmp_path):
    shutil.copy(ROOT / "data" / "places.ttl", tmp_path / "places.ttl")
    path = tmp_path / "places.ttl"
    path.write_text(path.read_text(encoding="utf-8") + "\n\n\n", encoding="utf-8")
    before = path.read_bytes()
    result = CliRunner().invoke(main, ["fmt", "--check", str(path)])
    assert result.exit_code == 1 and "not canonical" in result.output and path.read_bytes() == before
