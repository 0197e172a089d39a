"""The data QC rules (queries/qc/NAME-violation.rq, issue 15): each must return no row on the repository and
report its own non-conforming fixture (tests/qc/fixtures/NAME-violation.ttl), and `icskg validate` reports their
rows like SHACL results (focus node, message, file and line; exit 1).

A fixture's leading comment lists the QC results it must produce, and no other rule may report anything on it:

    # expect: <focus node> <path> [<value>]      (prefixed names; a literal value by its lexical form)
"""

from __future__ import annotations

import functools
import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from fixture_harness import ROOT, fixture_graph, leading_comments, shapes
from icskg.build.files import InputFile
from icskg.cli import main
from icskg.errors import InputError
from icskg.validate.engine import Runner
from icskg.validate.formats import term_text
from icskg.validate.qc import load_rules, parse_rule, read_rules, run_rules
from repo_factory import make_repo

RULES_DIR = ROOT / "queries" / "qc"
FIXTURES_DIR = ROOT / "tests" / "qc" / "fixtures"
RULE_FILES = sorted(RULES_DIR.glob("*.rq"))
EXPECT = re.compile(r"^#\s*expect:\s*(\S+)\s+(\S+)(?:\s+(.+?))?\s*$")


@functools.cache
def rules():
    return tuple(load_rules(read_rules(RULES_DIR, ROOT)))


def qc_results(graph):
    runner = Runner(shapes(), graph.query, graph.origins_of)
    return run_rules(list(rules()), graph.query, runner.make)


def expectations(path: Path) -> set[tuple]:
    found = set()
    for line in leading_comments(path):
        match = EXPECT.match(line)
        if match:
            found.add(match.groups())
    return found


def shown(result) -> tuple:
    """A result as the fixtures write it: (focus, path, value); the value only where the expectation gives one."""
    return term_text(result.focus), term_text(result.path), term_text(result.value)


def test_every_rule_has_a_fixture_and_every_fixture_a_rule():
    assert len(RULE_FILES) >= 15
    assert sorted(p.stem for p in RULE_FILES) == sorted(p.stem for p in FIXTURES_DIR.glob("*.ttl"))


@pytest.mark.parametrize("rule_file", RULE_FILES, ids=[p.stem for p in RULE_FILES])
def test_each_rule_reports_its_fixture_and_nothing_else(rule_file: Path):
    fixture = FIXTURES_DIR / f"{rule_file.stem}.ttl"
    expected = expectations(fixture)
    assert expected, f"{fixture.name} has no '# expect:' line"
    results = qc_results(fixture_graph(fixture))
    assert {r.shape_name for r in results} == {f"qc:{rule_file.stem}"}, [(r.shape_name, r.focus) for r in results]
    got = {shown(r) for r in results}
    want = {(focus, path, value) for focus, path, value in expected}
    # An expectation without a value matches a result with any value.
    loose = {(f, p) for f, p, v in want if v is None}
    assert {g for g in got if (g[0], g[1]) not in loose} == {w for w in want if w[2] is not None}
    assert {(g[0], g[1]) for g in got} == {(w[0], w[1]) for w in want}
    for result in results:
        assert result.file == str(fixture.relative_to(ROOT)) and result.line, result
        assert result.severity == "Violation" and result.message and "{" not in result.message


def test_the_repository_passes_every_rule(built, report):
    assert qc_results(built) == []
    assert report.conforms and not [r for r in report.results if r.shape_name.startswith("qc:")]


def _rule(tmp_path: Path, name: str, text: str) -> InputFile:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return InputFile(path, f"queries/qc/{name}", path.read_bytes())


GOOD = "#+ summary: ok\nSELECT ?this WHERE { ?this a <urn:x:C> }\n"


@pytest.mark.parametrize(
    ("name", "text", "message", "line"),
    [
        ("bad-name.rq", GOOD, "named NAME-violation.rq", None),
        ("no-header-violation.rq", "SELECT ?this WHERE { ?this ?p ?o }\n", "no '#+' header", 1),
        ("no-focus-violation.rq", "#+ summary: s\nSELECT ?s WHERE { ?s ?p ?o }\n", "must SELECT ?this", None),
        ("ask-violation.rq", "#+ summary: s\nASK { ?s ?p ?o }\n", "must be a SELECT", None),
        ("syntax-violation.rq", "#+ summary: s\nSELECT ?this WHERE {\n  ?this ?p\n}\n", "SPARQL syntax error", 4),
        ("key-violation.rq", "#+ summary: s\n#+ parameters: {}\n" + GOOD[15:], "header has only", None),
    ],
)
def test_a_bad_rule_file_is_an_input_error_naming_it(tmp_path, name, text, message, line):
    with pytest.raises(InputError, match=re.escape(message)) as caught:
        parse_rule(_rule(tmp_path, name, text))
    assert caught.value.file == f"queries/qc/{name}"
    assert caught.value.line == line


def test_validate_reports_a_rule_like_a_shape_and_exits_1(tmp_path):
    fixture = FIXTURES_DIR / "honorific-missing-violation.ttl"
    root = make_repo(tmp_path, {"data/people.ttl": fixture.read_text(encoding="utf-8")})
    shutil.copytree(RULES_DIR, root / "queries" / "qc")
    human = CliRunner().invoke(main, ["--root", str(root), "validate"])
    assert human.exit_code == 1, human.output
    line = next(i for i, text in enumerate(fixture.read_text().splitlines(), 1) if text == "person:john-fixture")
    assert f"data/people.ttl:{line}: Violation: person:john-fixture" in human.output
    assert "shape:   qc:honorific-missing-violation" in human.output and "'Mr Fixture'" in human.output
    machine = CliRunner().invoke(main, ["--root", str(root), "validate", "--format", "json"])
    assert machine.exit_code == 1
    reported = [r for r in json.loads(machine.stdout)["results"] if r["shape"].startswith("qc:")]
    assert {(r["focus"], r["file"]) for r in reported} == {
        ("person:john-fixture", "data/people.ttl"),
        ("person:ann-other", "data/people.ttl"),
    }
    (root / "queries" / "qc" / "honorific-missing-violation.rq").write_text("#+ summary: s\nASK {}\n", encoding="utf-8")
    broken = CliRunner().invoke(main, ["--root", str(root), "validate"])
    assert broken.exit_code == 2 and "queries/qc/honorific-missing-violation.rq" in broken.output
    assert "Traceback" not in broken.output
