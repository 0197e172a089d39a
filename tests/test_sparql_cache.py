"""Parsing each SPARQL text once during validation (icskg.sparql_cache) changes no result (issue 7)."""

from __future__ import annotations

import contextlib

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.plugins.sparql import processor

import icskg.validate
from icskg.load import load_files
from icskg.reason import infer
from icskg.report import format_json
from icskg.sparql_cache import parsed_once
from icskg.validate import load_shapes, validate
from test_benchmarks import generate

QUERY = "SELECT ?o WHERE { ?s <https://example.org/p> ?o }"


def _both(monkeypatch, loaded, inferred, shapes, sources=None):
    """The report with the cache (icskg's default) and without it (plain pySHACL + rdflib)."""
    cached = validate(loaded, inferred, shapes, sources)
    monkeypatch.setattr(icskg.validate, "parsed_once", contextlib.nullcontext)
    plain = validate(loaded, inferred, shapes, sources)
    return cached, plain


def _assert_same(cached, plain) -> None:
    assert format_json(cached) == format_json(plain)
    assert isomorphic(cached.graph, plain.graph)


def test_same_report_on_the_repository_graph(built, monkeypatch):
    shapes = load_shapes(built.repo.shape_files(), built.repo.root)
    cached, plain = _both(monkeypatch, built.loaded, built.inferred, shapes, built.repo.sources_dir())
    assert cached.results, "the repository's report should hold some results (warnings) to compare"
    _assert_same(cached, plain)


def test_same_report_on_a_generated_landscape_with_violations(tmp_path, repo_root, monkeypatch):
    generate.generate(2_000, tmp_path, seed=3)
    broken = tmp_path / "zz-broken.ttl"  # some violations of SPARQL-based shapes too
    broken.write_text(
        "@prefix icskg: <https://w3id.org/icskg/ontology#> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://w3id.org/icskg/id/status/zz> icskg:startDate "2020-01-01"^^xsd:date ;'
        ' icskg:endDate "2019-01-01"^^xsd:date .\n',
        encoding="utf-8",
    )
    files = sorted((repo_root / "ontology").glob("*.ttl")) + sorted(tmp_path.glob("*.ttl"))
    loaded = load_files(files, tmp_path)
    shapes = load_shapes(sorted((repo_root / "shapes").glob("*.ttl")), repo_root)
    cached, plain = _both(monkeypatch, loaded, infer(loaded.graph), shapes)
    assert cached.counts()["Violation"] > 0
    _assert_same(cached, plain)


def test_each_text_is_translated_once_and_bound_per_call():
    graph = Graph()
    for s, o in (("a", "1"), ("b", "2")):
        graph.add((URIRef(f"https://example.org/{s}"), URIRef("https://example.org/p"), Literal(o)))
    answers = {}
    with parsed_once() as translated:
        for s in ("a", "b", "a"):
            answers[s] = [row.o for row in graph.query(QUERY, initBindings={"s": URIRef(f"https://example.org/{s}")})]
        assert len(translated) == 1
    assert answers == {"a": [Literal("1")], "b": [Literal("2")]}


def test_rdflib_is_restored_after_the_block_even_on_error():
    original = processor.SPARQLProcessor.query
    with pytest.raises(RuntimeError), parsed_once():
        assert processor.SPARQLProcessor.query is not original
        raise RuntimeError("stop")
    assert processor.SPARQLProcessor.query is original
