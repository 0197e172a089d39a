"""The build -> infer -> validate pipeline and the validate / fmt / stats commands, on real files."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import RDF, SH

from icskg.build import build
from icskg.build.rules import INFERRED
from icskg.cli import main
from icskg.errors import InputError
from icskg.settings import Settings
from repo_factory import ROOT, make_repo

ORGANIZATION = ox.NamedNode("http://www.w3.org/ns/org#Organization")
RDF_TYPE = ox.NamedNode(str(RDF.type))
PARTNERSHIP = ox.NamedNode("https://w3id.org/icskg/ontology#Partnership")

PREFIXES = """@prefix icskg: <https://w3id.org/icskg/ontology#> .
@prefix partnership: <https://w3id.org/icskg/id/partnership/> .
@prefix statement: <https://w3id.org/icskg/id/statement/> .
@prefix source: <https://w3id.org/icskg/id/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""

QUOTE_WITHOUT_SOURCE = (
    PREFIXES
    + """
statement:test-q01
    a icskg:Quote ;
    icskg:text "Some words" ;
    icskg:unattributed true ;
.
"""
)


def run(root: Path, *args: str):
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert "Traceback" not in result.output, result.output
    return result


def digest_tree(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()
    }


def test_repository_graph_conforms(report):
    problems = [f"{r.location()} {r.focus} {r.path} {r.message}" for r in report.results if r.severity == "Violation"]
    assert report.conforms, "\n".join(problems)


def test_validate_exits_0_on_the_repo_and_leaves_data_untouched(repo_root):
    before = digest_tree(repo_root / "data")
    result = run(repo_root, "validate")
    assert result.exit_code == 0, result.output
    assert "conforms" in result.output.splitlines()[-1]
    assert digest_tree(repo_root / "data") == before


@pytest.mark.parametrize(
    ("content", "line", "why"),
    [
        (PREFIXES + 'partnership:a skos:prefLabel "A" .\npartnership:b skos:prefLabel "B\n', 8, "end of file"),
        (PREFIXES + 'partnership:a skos:prefLabel "A" \n', 8, "followed by a dot"),
        (PREFIXES + 'nope:a skos:prefLabel "A" .\n', 7, "prefix nope: has not been declared"),
        (PREFIXES + "partnership:a skos:prefLabel <not an iri> .\n", 7, "Invalid IRI"),
    ],
    ids=["unterminated-string", "missing-dot", "unknown-prefix", "iri-with-spaces"],
)
def test_turtle_errors_name_file_and_line_with_exit_2(tmp_path, content, line, why):
    root = make_repo(tmp_path, {"data/bad.ttl": content})
    result = run(root, "validate")
    assert result.exit_code == 2
    first = result.output.strip().splitlines()[0]
    expected = f"data/bad.ttl:{line}:" if line else "data/bad.ttl"
    assert expected in first
    assert why.lower() in first.lower()
    assert "Traceback" not in result.output


def test_unsupported_file_is_refused_by_name(tmp_path):
    root = make_repo(tmp_path, {"data/notes.csv": "a,b\n"})
    result = run(root, "validate")
    assert result.exit_code == 2
    assert "data/notes.csv" in result.output and "unsupported" in result.output


def test_file_not_in_utf8_is_an_input_error_with_its_line(tmp_path):
    text = (PREFIXES + 'partnership:a skos:prefLabel "Caf\u00e9" .\n').encode("latin-1")
    root = make_repo(tmp_path, {"data/latin1.ttl": text})
    result = run(root, "validate")
    assert result.exit_code == 2
    assert "data/latin1.ttl:7:" in result.output and "UTF-8" in result.output


def test_violation_report_names_focus_path_message_shape_and_file_line(tmp_path):
    root = make_repo(tmp_path, {"data/statements.ttl": QUOTE_WITHOUT_SOURCE})
    result = run(root, "validate")
    assert result.exit_code == 1, result.output
    out = result.output
    assert "data/statements.ttl:8: Violation: statement:test-q01" in out
    assert "path:    prov:wasDerivedFrom" in out
    assert "shape:   shape:" in out
    assert "message:" in out


def test_json_and_turtle_reports_are_machine_readable(tmp_path):
    root = make_repo(tmp_path, {"data/statements.ttl": QUOTE_WITHOUT_SOURCE})
    as_json = json.loads(run(root, "validate", "--format", "json").output)
    assert as_json["conforms"] is False
    hit = [r for r in as_json["results"] if r["path"] == "prov:wasDerivedFrom"]
    assert hit and hit[0]["focus"] == "statement:test-q01" and hit[0]["file"] == "data/statements.ttl"
    report = Graph().parse(data=run(root, "validate", "--format", "turtle").output, format="turtle")
    assert (None, RDF.type, SH.ValidationReport) in report
    focus = URIRef("https://w3id.org/icskg/id/statement/test-q01")
    assert (None, SH.focusNode, focus) in report


def test_validation_report_is_identical_run_to_run(tmp_path):
    root = make_repo(tmp_path, {"data/statements.ttl": QUOTE_WITHOUT_SOURCE})
    assert run(root, "validate", "-f", "json").output == run(root, "validate", "-f", "json").output


def triples(quads) -> set:
    return {(q.subject, q.predicate, q.object) for q in quads}


def test_inferred_triples_are_kept_apart_from_asserted(built):
    asserted, inferred = triples(built.asserted()), triples(built.inferred())
    assert inferred and not inferred & asserted
    partnerships = {s for s, p, o in asserted if p == RDF_TYPE and o == PARTNERSHIP}
    assert partnerships, "the repository should hold partnerships"
    for partnership in partnerships:
        assert (partnership, RDF_TYPE, ORGANIZATION) in inferred
    same_as = ox.NamedNode("http://www.w3.org/2002/07/owl#sameAs")
    assert not any(s == o for s, p, o in inferred if p == same_as)


def test_the_build_follows_the_input_files(tmp_path):
    extra = PREFIXES + 'partnership:x a icskg:Partnership ; skos:prefLabel "X" .\n'
    root = make_repo(tmp_path)
    settings = Settings.load(root=root)
    first = build(settings)
    x = ox.NamedNode("https://w3id.org/icskg/id/partnership/x")
    assert (x, RDF_TYPE, ORGANIZATION) not in triples(first.inferred())
    (root / "data" / "x.ttl").write_text(extra, encoding="utf-8")
    second = build(settings)
    assert (x, RDF_TYPE, ORGANIZATION) in triples(second.inferred())
    (root / "data" / "x.ttl").unlink()
    third = build(settings)
    assert triples(third.inferred()) == triples(first.inferred())


def test_origins_name_file_and_line_of_each_subject(tmp_path):
    root = make_repo(tmp_path, {"data/statements.ttl": QUOTE_WITHOUT_SOURCE})
    graph = build(Settings.load(root=root))
    (origin,) = graph.origins_of(ox.NamedNode("https://w3id.org/icskg/id/statement/test-q01"))
    assert str(origin) == "data/statements.ttl:8"


def test_fmt_rewrites_to_an_isomorphic_canonical_form_and_is_idempotent(tmp_path):
    messy = PREFIXES + "partnership:b skos:prefLabel 'B' . partnership:a a icskg:Partnership; skos:prefLabel 'A'.\n"
    root = make_repo(tmp_path, {"data/messy.ttl": "# Why this file exists.\n" + messy})
    path = root / "data" / "messy.ttl"
    original = Graph().parse(path, format="turtle")
    check = run(root, "fmt", "--check", str(path))
    assert check.exit_code == 1 and "messy.ttl" in check.output
    assert run(root, "fmt", str(path)).exit_code == 0
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# Why this file exists.\n")
    assert isomorphic(Graph().parse(path, format="turtle"), original)
    assert run(root, "fmt", "--check", str(path)).exit_code == 0
    run(root, "fmt", str(path))
    assert path.read_text(encoding="utf-8") == text


def test_fmt_writes_nothing_when_any_file_is_broken(tmp_path):
    messy = PREFIXES + "partnership:a skos:prefLabel 'A'.\n"
    root = make_repo(tmp_path, {"data/a.ttl": messy, "data/z.ttl": PREFIXES + "partnership:b skos:prefLabel\n"})
    result = run(root, "fmt")
    assert result.exit_code == 2 and "data/z.ttl" in result.output
    assert (root / "data" / "a.ttl").read_text(encoding="utf-8") == messy


def test_stats_counts_instances_per_class(repo_root, built):
    data = json.loads(run(repo_root, "stats", "--format", "json").output)
    assert data["triples"]["asserted"] == len(triples(built.asserted()))
    assert data["triples"]["inferred"] == len(triples(built.inferred())) == built.count(INFERRED)
    partnerships = {s for s, p, o in triples(built.asserted()) if p == RDF_TYPE and o == PARTNERSHIP}
    assert data["classes"]["icskg:Partnership"] == len(partnerships)


def test_no_repository_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no icskg repository"):
        build(Settings.load(root=tmp_path))
    result = CliRunner().invoke(main, ["--root", str(tmp_path), "stats"])
    assert result.exit_code == 2


def test_python_dash_m_icskg_works():
    result = subprocess.run([sys.executable, "-m", "icskg", "--help"], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0 and "validate" in result.stdout


TRUNCATED = "@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n<https://w3id.org/icskg/id/x> skos:prefLabel "


@pytest.mark.parametrize(
    "command",
    [
        ["validate"],
        ["stats"],
        ["export", "-f", "nt"],
        ["describe"],
        ["links", "check"],
        ["showcase"],
        ["query", "search_labels", "-p", "text=x"],
        ["fmt", "--check"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_every_command_reports_a_truncated_file_by_file_and_line(tmp_path, command):
    """One parse path: whichever command reads the graph first names the file and line (exit 2)."""
    root = make_repo(tmp_path, {"data/cut.ttl": TRUNCATED})
    shutil.copy(ROOT / "queries" / "search_labels.rq", root / "queries" / "search_labels.rq")
    shutil.copy(ROOT / "queries" / "second_wave_partnerships.rq", root / "queries" / "second_wave_partnerships.rq")
    result = run(root, *command)
    assert result.exit_code == 2, result.output
    assert result.output.startswith("icskg: data/cut.ttl:2: Turtle syntax error"), result.output


def test_showcase_answers_with_a_table_that_has_column_headers(kg):
    result = run(ROOT, "showcase")
    assert result.exit_code == 0, result.output
    assert result.stderr == ""
    lines = result.stdout.splitlines()
    query = kg.stored("second_wave_partnerships")
    assert lines[0] == f"Q: {query.summary}"
    answer = kg.query_result("second_wave_partnerships")
    assert lines[1].split() == [str(v) for v in answer.vars]
    assert set(lines[2]) <= {"-", " "}
    assert f"({len(answer.bindings)} rows)" in result.stdout and len(answer.bindings) > 0
