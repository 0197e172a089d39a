"""`icskg docs` (pyLODE HTML) and the DCAT/VoID description (`icskg describe`, `export --with-description`)."""

from __future__ import annotations

import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.namespace import DCTERMS, RDF

from icskg import cli
from icskg.describe import DATASET, DCAT, VOID, describe, shapes_iris, statistics

OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")


@pytest.fixture
def fast_cli(monkeypatch, built, report):
    """The CLI with the session's build and validation report (the pipeline itself is tested elsewhere)."""
    monkeypatch.setattr(cli.pipeline, "build", lambda root=None: built)
    monkeypatch.setattr(cli.pipeline, "check", lambda b, sources=None: report)
    return lambda *args: CliRunner().invoke(cli.main, ["--root", str(built.repo.root), *args])


def test_docs_writes_html_about_the_ontology(tmp_path, repo_root):
    pytest.importorskip("pylode")
    result = CliRunner().invoke(cli.main, ["--root", str(repo_root), "docs", "-o", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") or "<html" in html[:500].lower()
    assert "https://w3id.org/icskg/ontology#Partnership" in html
    assert "icskg:Partnership" in html
    assert "partnership kind" in (tmp_path / "out" / "concepts.html").read_text(encoding="utf-8").lower()


def test_description_counts_the_graph(built, report):
    description = describe(built, report)
    assert int(description.value(DATASET, VOID.triples)) == len(built.asserted)
    stats = statistics(built.asserted)
    assert int(description.value(DATASET, VOID.classes)) == stats["classes"]
    assert int(description.value(DATASET, VOID.properties)) == stats["properties"]
    assert int(description.value(DATASET, VOID.entities)) == stats["entities"] > 0
    with_inferred = describe(built, report, inferred=True)
    assert int(with_inferred.value(DATASET, VOID.triples)) == len(built.combined())


def test_description_says_licences_versions_shapes_and_distributions(built, report):
    description = describe(built, report)
    assert (DATASET, RDF.type, DCAT.Dataset) in description
    assert description.value(DATASET, DCTERMS.license) == CC_BY
    assert str(description.value(DATASET, DCAT.version)) == __import__("icskg").__version__
    registries = URIRef("https://w3id.org/icskg/dataset/registries")
    assert (registries, DCTERMS.license, OGL) in description
    rights = " ".join(str(o) for o in description.objects(registries, DCTERMS.rights))
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in rights
    software = URIRef("https://w3id.org/icskg/software")
    assert (software, DCTERMS.license, URIRef("https://spdx.org/licenses/MIT")) in description
    assert report.conforms
    shapes = shapes_iris(built)
    assert URIRef("https://w3id.org/icskg/shapes") in shapes
    assert set(shapes) <= set(description.objects(DATASET, DCTERMS.conformsTo))
    assert len(list(description.objects(DATASET, DCAT.distribution))) == 4
    # parts add up: the curated and the registry-derived subsets partition the asserted triples
    parts = [int(description.value(s, VOID.triples)) for s in description.objects(DATASET, VOID.subset)]
    assert sum(parts) == len(built.asserted)


def test_no_conforms_to_without_a_conforming_report(built):
    assert not list(describe(built, None).objects(DATASET, DCTERMS.conformsTo))


def test_describe_command_writes_turtle(fast_cli, tmp_path, built):
    out = tmp_path / "description.ttl"
    result = fast_cli("describe", "-o", str(out))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="turtle")
    assert int(graph.value(DATASET, VOID.triples)) == len(built.asserted)


@pytest.mark.parametrize("fmt", ["ttl", "nt"])
def test_export_with_description(fast_cli, tmp_path, built, fmt):
    out = tmp_path / f"export.{fmt}"
    result = fast_cli("export", "-f", fmt, "--with-description", "-o", str(out))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format={"ttl": "turtle", "nt": "nt"}[fmt])
    description = describe(built, None)
    declared = int(graph.value(DATASET, VOID.triples))
    assert declared == len(built.asserted)
    assert len(graph) - declared == len(graph - built.asserted) >= len(description)


def test_export_trig_puts_the_description_in_its_own_graph(fast_cli, tmp_path, built):
    from rdflib import Dataset

    from icskg.export import ASSERTED_GRAPH, DESCRIPTION_GRAPH

    out = tmp_path / "export.trig"
    assert fast_cli("export", "-f", "trig", "--with-description", "-o", str(out)).exit_code == 0
    ds = Dataset()
    ds.parse(out, format="trig")
    described = ds.graph(DESCRIPTION_GRAPH)
    assert int(described.value(DATASET, VOID.triples)) == len(ds.graph(ASSERTED_GRAPH)) == len(built.asserted)
