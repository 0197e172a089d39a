"""One report: every output format is written from the same results and notes, so on a non-conforming
copy of the repository the human, json, turtle and github formats tell the same story."""

from __future__ import annotations

import json
import re
import shutil

import pytest
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH

from icskg.cli import main
from repo_factory import ROOT, make_repo

SOURCES = ROOT.parent / "shared" / "sources"
MISQUOTE = """@prefix icskg: <https://w3id.org/icskg/ontology#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix source: <https://w3id.org/icskg/id/source/> .
@prefix statement: <https://w3id.org/icskg/id/statement/> .

statement:000-q98
    a icskg:Quote ;
    dcterms:identifier "Q-98" ;
    icskg:placement "body" ;
    icskg:text "Words nobody wrote in this article." ;
    icskg:unattributed true ;
    prov:wasDerivedFrom source:000_33f8ad4a91041c23 ;
.
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    """`icskg validate` in every format on a copy with a misquote, an undefined class and an ill-typed date."""
    if not SOURCES.is_dir():
        pytest.skip(f"the source texts are not in {SOURCES}")
    root = make_repo(tmp_path_factory.mktemp("report"), {"data/zz-misquote.ttl": MISQUOTE}, with_data=True)
    shutil.copytree(ROOT / "registries", root / "registries")
    for name in ("unknown-class.ttl", "datatype-ill-typed-date.ttl"):
        shutil.copy(ROOT / "tests" / "bad_inputs" / name, root / "data" / name)
    found = {}
    for fmt in ("human", "json", "turtle", "github"):
        result = CliRunner().invoke(main, ["--root", str(root), "validate", "-f", fmt, "--sources", str(SOURCES)])
        assert result.exit_code == 1 and "Traceback" not in result.output, result.output
        found[fmt] = result.stdout
    return found


def test_json_says_what_the_misquote_is(outputs):
    data = json.loads(outputs["json"])
    assert data["conforms"] is False
    shapes = {r["shape"] for r in data["results"]}
    assert {"shape:QuoteFoundInSource", "shape:VocabularyUse", "shape:WellTypedLiteral"} <= shapes


def test_turtle_agrees_with_json(outputs):
    data = json.loads(outputs["json"])
    graph = Graph().parse(data=outputs["turtle"], format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(data["conforms"])
    results = list(graph.objects(report, SH.result))
    assert len(results) == len(data["results"]) == len(set(graph.subjects(RDF.type, SH.ValidationResult)))
    in_turtle = {
        (str(graph.value(r, SH.focusNode)), str(graph.value(r, SH.resultMessage)), str(graph.value(r, SH.sourceShape)))
        for r in results
    }
    in_json = {
        (r["focus_term"].strip("<>"), r["message"], r["shape"])
        for r in data["results"]
        if r["shape"].startswith("shape:") and "/" not in r["shape"]
    }
    shape_iris = {(f, m, "https://w3id.org/icskg/shapes#" + s.split(":", 1)[1]) for f, m, s in in_json}
    assert shape_iris <= in_turtle
    notes = {str(n) for n in graph.objects(report, RDFS.comment)}
    assert notes == set(data["notes"])


def test_human_and_github_agree_with_json(outputs):
    data = json.loads(outputs["json"])
    human, github = outputs["human"], outputs["github"]
    for result in data["results"]:
        assert f"{result['file']}:{result['line']}: {result['severity']}: {result['focus']}" in human
        assert f"file={result['file']},line={result['line']}::{result['focus']}" in github
    counts = data["counts"]
    verdict = (
        f"does not conform: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info"
    )
    assert human.rstrip().endswith(verdict) and github.rstrip().endswith(verdict)
    assert len(re.findall(r"^::(error|warning|notice) file=", github, re.MULTILINE)) == len(data["results"])
    for note in data["notes"]:
        assert f"note: {note}" in human and f"::notice::{note}" in github


def test_notes_appear_in_every_format(tmp_path):
    root = make_repo(tmp_path)
    runner = CliRunner(env={"ICSKG_SOURCES": ""})
    found = {}
    for fmt in ("human", "json", "turtle", "github"):
        result = runner.invoke(main, ["--root", str(root), "validate", "-f", fmt])
        assert result.exit_code == 0, result.output
        found[fmt] = result.stdout
    note = "quotes were not checked"
    assert note in found["human"] and note in found["github"] and note in found["turtle"]
    assert any(note in n for n in json.loads(found["json"])["notes"])
    graph = Graph().parse(data=found["turtle"], format="turtle")
    (report,) = graph.subjects(RDF.type, SH.ValidationReport)
    assert graph.value(report, SH.conforms) == Literal(True)
    assert not isinstance(report, URIRef)


def test_terminal_output_escapes_control_characters(tmp_path):
    evil = (
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/icskg/id/x> <http://example.org/when> "\\u001b[31m2018"^^xsd:date .\n'
    )
    root = make_repo(tmp_path, {"data/evil.ttl": evil})
    for fmt in ("human", "github"):
        result = CliRunner().invoke(main, ["--root", str(root), "validate", "-f", fmt])
        assert result.exit_code == 1, result.output
        assert "\x1b" not in result.stdout and "\\x1b[31m2018" in result.stdout, result.stdout
