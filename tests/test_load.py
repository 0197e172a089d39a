"""Oxigraph's parser under load_files gives what rdflib's gives: the same triples and origins (issue 7)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef
from rdflib.compare import isomorphic

from icskg.load import load_files, parse_with_oxigraph
from icskg.repo import find_repository
from test_benchmarks import generate


def _assert_same(files: list[Path], root: Path) -> None:
    fast, reference = load_files(files, root), load_files(files, root, parser="rdflib")
    assert len(fast.graph) == len(reference.graph) > 0
    assert isomorphic(fast.graph, reference.graph)
    named = {s: o for s, o in fast.origins.items() if isinstance(s, URIRef)}
    assert named == {s: o for s, o in reference.origins.items() if isinstance(s, URIRef)}
    assert len(fast.origins) == len(reference.origins)
    assert fast.files == reference.files


def test_same_graph_and_origins_on_the_repository(repo_root):
    repo = find_repository(repo_root)
    _assert_same(repo.graph_files() + repo.shape_files(), repo.root)


def test_same_graph_and_origins_on_a_generated_landscape(tmp_path, repo_root):
    generate.generate(3_000, tmp_path, seed=9)
    _assert_same(sorted((repo_root / "ontology").glob("*.ttl")) + sorted(tmp_path.glob("*.ttl")), tmp_path)


def test_blank_node_labels_are_local_to_each_file(tmp_path):
    for name in ("a", "b"):
        (tmp_path / f"{name}.ttl").write_text(f"<https://example.org/{name}> <https://example.org/p> _:x .\n")
    graph = load_files(sorted(tmp_path.glob("*.ttl")), tmp_path).graph
    objects = set(graph.objects())
    assert len(objects) == 2 and all(isinstance(o, BNode) for o in objects)


LITERALS = """@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://example.org/a> <https://example.org/n> "01"^^xsd:integer , "44.0"^^xsd:decimal , "2019-1-1"^^xsd:date ,
    "x"@en-GB , "plain" , "three"^^xsd:integer , "true"^^xsd:boolean , "1e3"^^xsd:double .
"""


def test_literals_come_out_as_rdflib_reads_them(tmp_path):
    path = tmp_path / "a.ttl"
    path.write_text(LITERALS, encoding="utf-8")
    fast, reference = load_files([path], tmp_path).graph, load_files([path], tmp_path, parser="rdflib").graph
    assert set(fast) == set(reference) and len(fast) == 8
    assert all(isinstance(o, Literal) for o in fast.objects())


def test_deep_nesting_goes_to_rdflib():
    deep = "<https://example.org/a> <https://example.org/p> " + "[ <https://example.org/p> " * 70 + "1" + " ]" * 70
    shallow = "<https://example.org/a> <https://example.org/p> ( 1 2 3 ( 4 ) " + "5 " * 200 + ") ."
    assert parse_with_oxigraph(deep + " .") is None
    assert parse_with_oxigraph(shallow) is not None


@pytest.mark.parametrize(
    "text",
    [
        "<a> <https://example.org/p> <https://example.org/o> .",  # relative IRI
        "<https://example.org/a> <https://example.org/p> .",  # no object
        "<file:///tmp/x> <https://example.org/p> 1 .",  # a file: IRI: parse_turtle's own message
        "<< <https://example.org/a> <https://example.org/p> 1 >> <https://example.org/q> 2 .",  # RDF-star
    ],
)
def test_what_oxigraph_refuses_is_left_to_rdflib(text):
    assert parse_with_oxigraph(text) is None
