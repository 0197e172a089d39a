"""The query store built in Oxigraph (icskg.query_store) holds what the rdflib pipeline builds (issue 7).

The reference is the rdflib pipeline's asserted + inferred graph (icskg.rules, itself compared with
owlrl in test_rules.py) loaded into Oxigraph, which stores typed literals canonically in both cases.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import BNode, Graph
from rdflib.compare import isomorphic

import icskg
from icskg import query_store
from icskg.errors import InputError
from icskg.load import load_files
from icskg.reason import infer
from icskg.repo import find_repository
from repo_factory import make_repo
from test_benchmarks import generate
from test_rules import EDGE_CASES, PREFIXES, UNSUPPORTED


def _canonical(ntriples: bytes) -> Graph:
    """N-Triples as Oxigraph stores them (canonical literals), read back into rdflib."""
    store = ox.Store()
    store.bulk_load(ntriples, format=ox.RdfFormat.N_TRIPLES)
    return Graph().parse(data=store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph()), format="nt")


def _reference(files: list[Path]) -> Graph:
    asserted = load_files(files).graph
    return _canonical((asserted + infer(asserted, using="auto")).serialize(format="nt", encoding="utf-8"))


def _built(files: list[Path]) -> Graph:
    store = query_store.build_store(files)
    assert store is not None, "the Oxigraph path declined these files"
    return _canonical(query_store.ntriples(store))


def _assert_same(files: list[Path]) -> None:
    ours, reference = _built(files), _reference(files)
    assert len(ours) == len(reference)
    differences = (set(reference) ^ set(ours)) - {t for t in ours | reference if any(isinstance(x, BNode) for x in t)}
    assert not differences, sorted(differences)[:6]
    assert isomorphic(ours, reference)  # the error messages are blank nodes


def test_same_graph_as_the_rdflib_pipeline_on_the_repository(repo_root):
    files = find_repository(repo_root).graph_files()
    _assert_same(files)


def test_same_graph_on_a_generated_landscape(tmp_path, repo_root):
    generate.generate(3_000, tmp_path, seed=5)
    _assert_same(sorted((repo_root / "ontology").glob("*.ttl")) + sorted(tmp_path.glob("*.ttl")))


def _file(tmp_path: Path, turtle: str) -> list[Path]:
    path = tmp_path / "case.ttl"
    path.write_text(PREFIXES + turtle, encoding="utf-8")
    return [path]


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_same_graph_on_edge_cases(tmp_path, name):
    _assert_same(_file(tmp_path, EDGE_CASES[name]))


DECLINED = {
    **UNSUPPORTED,
    "explicit xsd:string": 'ex:x ex:name "X"^^xsd:string ; ex:count 1 .',
    "labelled blank node": "ex:x ex:p _:b . _:b ex:q 1 .",
    "RDF-star": "<< ex:x ex:p 1 >> ex:q 2 .",
    "a file: IRI": "<file:///tmp/x> ex:p 1 .",
    "Turtle that Oxigraph refuses": "ex:x ex:p ex:y ; .\nex:broken ex:p",
}


@pytest.mark.parametrize("name", sorted(DECLINED))
def test_it_declines_what_only_the_rdflib_pipeline_builds_exactly(tmp_path, name):
    assert query_store.build_store(_file(tmp_path, DECLINED[name])) is None


BROKEN = "@prefix ex: <https://example.org/> .\nex:a ex:p ex:b ;\n.\nex:c ex:p"  # cut off at the end


def test_the_pipeline_falls_back_and_still_reports_broken_turtle_with_file_and_line(tmp_path):
    root = make_repo(tmp_path, {"data/broken.ttl": BROKEN})
    with pytest.raises(InputError) as raised:
        icskg.open_graph(root)
    assert str(raised.value).startswith("data/broken.ttl:4: Turtle syntax error")


def test_the_pipeline_uses_it_and_answers_the_same(tmp_path, monkeypatch):
    root = make_repo(tmp_path, with_data=True)
    (root / "queries").rmdir()
    (root / "queries").symlink_to(Path(__file__).resolve().parents[1] / "queries")
    calls = []
    real = query_store.build_store
    monkeypatch.setattr(query_store, "build_store", lambda files: calls.append(1) or real(files))
    monkeypatch.setenv("ICSKG_CACHE", "0")
    fast = icskg.open_graph(root)
    assert calls == [1]
    monkeypatch.setenv("ICSKG_REASONER", "owlrl")  # the reference: rdflib + owlrl, no Oxigraph build
    reference = icskg.open_graph(root)
    assert calls == [1]
    for query in fast.queries():
        example = dict(query.example)
        assert fast.query(query.name, **example) == reference.query(query.name, **example), query.name
