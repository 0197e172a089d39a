"""Quotes and excerpts are checked against the source texts (--sources, $ICSKG_SOURCES or ../shared)."""

from __future__ import annotations

import hashlib
import json

import pytest
from click.testing import CliRunner

from icskg.cli import main
from icskg.validate.sources import normalise
from repo_factory import make_repo

TEXT = "Headline\nNHS Providers head of strategy said: \u201cICSs are an important\u00a0vehicle.\u201d\n"
SHA = hashlib.sha256(TEXT.encode("utf-8")).hexdigest()


def data(quote: str, sha: str = SHA) -> str:
    return f"""@prefix icskg: <https://w3id.org/icskg/ontology#> .
@prefix statement: <https://w3id.org/icskg/id/statement/> .
@prefix source: <https://w3id.org/icskg/id/source/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix dcterms: <http://purl.org/dc/terms/> .

source:test
    a icskg:SourceDocument ;
    icskg:fileName "test.txt" ;
    icskg:sha256 "{sha}" ;
    dcterms:title "Headline" .

statement:test-q01
    a icskg:Quote ;
    dcterms:identifier "Q-01" ;
    icskg:placement "body" ;
    icskg:text "{quote}" ;
    icskg:unattributed true ;
    icskg:excerpt "head of strategy said" ;
    prov:wasDerivedFrom source:test .
"""


@pytest.fixture
def sources(tmp_path):
    folder = tmp_path / "texts"
    folder.mkdir()
    (folder / "test.txt").write_text(TEXT, encoding="utf-8")
    return folder


def validate(root, *args, env=None):
    result = CliRunner(env=env or {}).invoke(main, ["--root", str(root), "validate", "-f", "json", *args])
    return result.exit_code, json.loads(result.output)


def quote_results(report):
    return [r for r in report["results"] if r["shape"].startswith("shape:QuoteFoundInSource")]


def test_normalise_forgives_only_white_space_and_quote_marks():
    assert normalise("\u201cICSs  are\u00a0an\n\u2018important\u2019\u201d") == "\"ICSs are an 'important'\""
    assert normalise("ICSs are") != normalise("ICS are")


def test_a_verbatim_quote_passes(tmp_path, sources):
    root = make_repo(tmp_path, {"data/q.ttl": data("ICSs are an important vehicle.")})
    code, report = validate(root, "--sources", str(sources))
    assert quote_results(report) == [] and not report["notes"], report


def test_a_misquote_is_a_violation_naming_the_quote_and_the_document(tmp_path, sources):
    root = make_repo(tmp_path, {"data/q.ttl": data("ICSs are an essential vehicle.")})
    code, report = validate(root, "--sources", str(sources))
    assert code == 1
    [result] = quote_results(report)
    assert result["focus"] == "statement:test-q01" and result["path"] == "icskg:text"
    assert "not found in test.txt" in result["message"] and "essential" in result["message"]
    assert result["file"] == "data/q.ttl" and result["line"]


def test_sources_folder_from_the_environment(tmp_path, sources):
    root = make_repo(tmp_path, {"data/q.ttl": data("ICSs are an essential vehicle.")})
    code, report = validate(root, env={"ICSKG_SOURCES": str(sources)})
    assert code == 1 and quote_results(report)


def test_a_changed_source_file_is_a_violation(tmp_path, sources):
    root = make_repo(tmp_path, {"data/q.ttl": data("ICSs are an important vehicle.", sha="0" * 64)})
    code, report = validate(root, "--sources", str(sources))
    assert code == 1
    assert any(r["path"] == "icskg:sha256" and "the file changed" in r["message"] for r in report["results"])


def test_without_source_texts_the_check_is_skipped_with_a_note(tmp_path):
    root = make_repo(tmp_path, {"data/q.ttl": data("ICSs are an essential vehicle.")})
    code, report = validate(root, env={"ICSKG_SOURCES": ""})
    assert quote_results(report) == []
    assert any("not checked" in note for note in report["notes"])


def test_every_quote_in_the_repository_is_found_in_its_source(report):
    failures = [
        r
        for r in report.results
        if r.shape_name.startswith(("shape:QuoteFound", "shape:ExcerptFound", "shape:SourceFile"))
    ]
    assert not failures, failures
    assert not report.notes, "the repository's source texts should be found beside it, in ../shared/sources"


def test_an_explicit_sources_folder_that_does_not_exist_is_an_input_error(tmp_path):
    root = make_repo(tmp_path, {"data/q.ttl": data("ICSs are an important vehicle.")})
    result = CliRunner().invoke(main, ["--root", str(root), "validate", "--sources", str(tmp_path / "nowhere")])
    assert result.exit_code == 2 and "does not exist" in result.output and "Traceback" not in result.output
    result = CliRunner(env={"ICSKG_SOURCES": str(tmp_path / "nowhere")}).invoke(main, ["--root", str(root), "validate"])
    assert result.exit_code == 2 and "does not exist" in result.output
