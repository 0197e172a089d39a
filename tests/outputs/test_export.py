"""`icskg export`: every format written from the store round-trips to the same graph; N-Triples sorted,
Turtle canonical, JSON-LD compacted with icskg's prefixes, TriG with asserted and inferred triples apart."""

from __future__ import annotations

import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Dataset, Graph, URIRef
from rdflib.compare import isomorphic

from icskg.build.files import read_turtle_files
from icskg.build.graph import BuiltGraph
from icskg.build.pipeline import build_files
from icskg.build.rules import INFERRED
from icskg.cli import main
from icskg.errors import InputError
from icskg.fmt import format_files
from icskg.namespaces import PREFIXES
from icskg.outputs.export import ASSERTED_GRAPH, FORMATS, INFERRED_GRAPH, export
from icskg.terms import rdflib_graph

PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}
DECIMAL = ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")


@pytest.fixture(scope="module")
def small(built, settings) -> BuiltGraph:
    """The ontology and two data files (one with xsd:decimal quantities), built (parsed and inferred) like the
    whole graph: export behaves the same at any size, and rdflib's parsers and isomorphism checks are slow on the
    full graph."""
    repo = built.repo
    wanted = {"partnerships.ttl", "000.ttl"}
    paths = [p for p in repo.graph_files() if p.parent.name == "ontology" or p.name in wanted]
    graph = build_files(read_turtle_files(paths, repo.root), settings, repo)
    assert graph.count() > 0 and graph.count(INFERRED) > 0
    assert any(q.object.datatype == DECIMAL for q in graph.asserted() if isinstance(q.object, ox.Literal))
    return graph


def parsed(data: bytes, fmt: str) -> Graph:
    return Graph().parse(data=data.decode("utf-8"), format=PARSERS[fmt])


def as_stored(graph: Graph) -> Graph:
    """The graph as an Oxigraph store keeps it: typed literals in canonical form ("4.0"^^xsd:decimal is stored
    as "4"), value-equal but not term-equal to what a Turtle parser reads."""
    store = ox.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES)
    return rdflib_graph(store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.mark.parametrize("fmt", ["nt", "jsonld"])
@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_export_round_trips(small, fmt, inferred):
    again = parsed(export(small, fmt, inferred), fmt)
    expected = small.rdflib_graph(inferred)
    assert len(expected) == small.count() + (small.count(INFERRED) if inferred else 0)
    assert isomorphic(again, expected)


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_turtle_export_round_trips_to_the_same_values(small, inferred):
    """Turtle has no shorthand for an integral xsd:decimal without a point: the canonical form (rdflib's
    longturtle, as `icskg fmt` writes data files) writes the store's "4"^^xsd:decimal as 4.0. Same values."""
    again = parsed(export(small, "ttl", inferred), "ttl")
    expected = small.rdflib_graph(inferred)
    assert len(again) == len(expected)
    assert isomorphic(as_stored(again), expected)


def test_ntriples_are_sorted_one_triple_a_line(small):
    lines = export(small, "nt", inferred=True).decode("utf-8").splitlines()
    assert lines == sorted(lines)
    assert len(lines) == len(set(lines)) == small.count() + small.count(INFERRED)
    assert all(line.endswith(" .") for line in lines)


def test_turtle_is_canonical(small, tmp_path):
    """What `icskg fmt --check` accepts: parsing the export and writing it canonically gives the same bytes."""
    path = tmp_path / "export.ttl"
    path.write_bytes(export(small, "ttl", inferred=True))
    assert format_files([path], check=True) == []
    text = path.read_text(encoding="utf-8")
    assert "PREFIX icskg: <https://w3id.org/icskg/ontology#>" in text
    assert "partnership:greater-manchester" in text  # prefixed names, not full IRIs


def test_jsonld_is_compacted_with_icskg_prefixes(small):
    data = export(small, "jsonld", inferred=False)
    document = json.loads(data)
    assert document["@context"] == dict(PREFIXES)
    nodes = document["@graph"]
    partnership = next(n for n in nodes if n["@id"] == "partnership:greater-manchester")
    assert "icskg:Partnership" in (
        [partnership["@type"]] if isinstance(partnership["@type"], str) else partnership["@type"]
    )
    assert not any(key.startswith("http") for node in nodes for key in node), "properties are compacted"
    # another JSON-LD processor (Oxigraph's) reads it to the same triples as the store holds
    again = {(q.subject, q.predicate, q.object) for q in ox.parse(data, format=ox.RdfFormat.JSON_LD)}
    assert again == {(q.subject, q.predicate, q.object) for q in small.asserted()}


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_trig_keeps_asserted_and_inferred_apart(small, inferred):
    ds = Dataset()
    ds.parse(data=export(small, "trig", inferred).decode("utf-8"), format="trig")
    assert isomorphic(ds.graph(URIRef(ASSERTED_GRAPH.value)), small.rdflib_graph(inferred=False))
    inferred_graph = ds.graph(URIRef(INFERRED_GRAPH.value))
    if inferred:
        assert len(inferred_graph) == small.count(INFERRED)
        assert isomorphic(inferred_graph, rdflib_graph(small.inferred()))
    else:
        assert len(inferred_graph) == 0


def test_exports_are_stable(small):
    for fmt in FORMATS:
        assert export(small, fmt, inferred=True) == export(small, fmt, inferred=True), fmt


def test_unknown_format_is_refused(small):
    with pytest.raises(InputError, match="unknown export format"):
        export(small, "rdfxml")


def test_cli_export_to_file_and_stdout(tmp_path, built, repo_root):
    out = tmp_path / "graph.nt"
    result = run("--root", str(repo_root), "export", "-f", "nt", "--inferred", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert f"wrote {out}" in result.stderr
    lines = out.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(set(lines)) == built.count() + built.count(INFERRED)  # one triple a line
    result = run("--root", str(repo_root), "export", "--format", "nt")
    assert result.exit_code == 0, result.output
    assert result.stdout.encode("utf-8") == export(built, "nt")
    assert len(result.stdout.splitlines()) == built.count()


def test_cli_export_refuses_a_missing_folder(tmp_path, repo_root):
    target = tmp_path / "missing" / "graph.ttl"
    result = run("--root", str(repo_root), "export", "-f", "nt", "-o", str(target))
    assert result.exit_code == 2, result.output
    assert "does not exist" in result.stderr
    assert not Path(target).exists()
