"""Proof of equality: the compiled SHACL engine (SPARQL on Oxigraph) and pySHACL, the reference, report the
same full result set (focus node, path, value, source shape, constraint component, severity) on every shape
fixture, on the repository, on generated landscapes into which the generator injects violations of every
constraint component the shapes use, and on shapes graphs checked against SHACL-for-SHACL."""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

import pytest

from fixture_harness import FIXTURES, ROOT, SETTINGS, SOURCES, leading_comments, ontology_files, shapes
from icskg.build.files import read_turtle_files
from icskg.build.pipeline import build_files
from icskg.validate import ShapesGraph, SourceTexts, validate_graph
from icskg.validate.compiler import compile_shapes

sys.path.insert(0, str(ROOT / "benchmarks"))
import generate  # noqa: E402  (benchmarks/ is not a package)


def assert_same(compiled, reference) -> None:
    mine, theirs = Counter(r.key() for r in compiled.results), Counter(r.key() for r in reference.results)
    only_mine, only_theirs = mine - theirs, theirs - mine
    assert not only_mine and not only_theirs, (
        "only the compiled engine:\n  "
        + "\n  ".join(map(str, only_mine))
        + "\nonly pySHACL:\n  "
        + "\n  ".join(map(str, only_theirs))
    )


def fixture_groups() -> dict[str, list[Path]]:
    """The fixtures by the source folder they are validated against (most have none)."""
    groups: dict[str, list[Path]] = {}
    for fixture in FIXTURES:
        sources = next((line for line in leading_comments(fixture) if SOURCES.match(line)), "")
        groups.setdefault(SOURCES.match(sources).group(1) if sources else "", []).append(fixture)
    return groups


@pytest.mark.slow
@pytest.mark.parametrize("folder", sorted(fixture_groups()), ids=lambda f: f or "no-sources")
def test_the_fixtures_together_give_pyshacls_results(folder: str):
    """Every fixture, valid and invalid, in one graph per source folder (one pySHACL run instead of one per
    fixture, which cost two minutes of CPU): both engines see the same graph and must report the same results.
    What each fixture alone gives is tests/shapes/test_shapes.py's check, with the compiled engine."""
    fixtures = fixture_groups()[folder]
    graph = build_files([*ontology_files(), *read_turtle_files(fixtures, ROOT)], SETTINGS)
    sources = SourceTexts(ROOT / folder) if folder else None
    compiled = validate_graph(graph, shapes(), sources, "compiled")
    assert_same(compiled, validate_graph(graph, shapes(), sources, "pyshacl"))
    assert len({r.shape for r in compiled.results}) >= len([f for f in fixtures if "-invalid" in f.name]) // 3


@pytest.mark.slow
def test_the_repository_gives_pyshacls_results(built):
    """The repository's own files, but for the registry import's three largest (trusts, CCGs, districts: the
    same record shapes as its smaller files, at ten times the rows), which would double pySHACL's time here."""
    repo = built.repo
    paths = [p for p in repo.graph_files() if not (p.parent.name == "registries" and p.stat().st_size > 200_000)]
    assert len(paths) < len(repo.graph_files())
    graph = build_files(read_turtle_files(paths, repo.root), SETTINGS, repo)
    shapes_graph = ShapesGraph(read_turtle_files(repo.shape_files(), repo.root))
    sources = SourceTexts(ROOT.parent / "shared" / "sources") if (ROOT.parent / "shared" / "sources").is_dir() else None
    compiled = validate_graph(graph, shapes_graph, sources, "compiled")
    reference = validate_graph(graph, shapes_graph, sources, "pyshacl")
    assert_same(compiled, reference)
    assert not [n for n in compiled.notes if "pySHACL validated" in n], "every shape of the repository compiles"


def landscape(tmp_path: Path, seed: int):
    generate.generate(4000, tmp_path, seed=seed, violations=2)
    files = read_turtle_files(sorted((ROOT / "ontology").glob("*.ttl")), ROOT)
    files += read_turtle_files(sorted(tmp_path.glob("*.ttl")), tmp_path)
    return build_files(files, SETTINGS)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 7])
def test_an_injected_landscape_gives_pyshacls_results(tmp_path, seed):
    graph = landscape(tmp_path, seed)
    compiled = validate_graph(graph, shapes(), None, "compiled")
    reference = validate_graph(graph, shapes(), None, "pyshacl")
    assert_same(compiled, reference)
    # The injection reaches every constraint component the shapes use at the top level (so the equality
    # above is about real results, not two empty reports).
    used = {check.component.value for check in compile_shapes(shapes()).checks}
    hit = {r.component for r in compiled.results}
    not_hit = {c.rsplit("#", 1)[-1] for c in used - hit}
    assert not_hit <= {"HasValueConstraintComponent"}, f"components with no injected violation: {sorted(not_hit)}"
    assert len(compiled.results) > 50


BROKEN_SHAPES = """
PREFIX sh: <http://www.w3.org/ns/shacl#>
PREFIX ex: <http://example.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
ex:A a sh:NodeShape ; sh:targetClass ex:C ; sh:severity "high" ;
    sh:property [ sh:path ex:p ; sh:minCount "one" ; sh:maxCount 1, 2 ] ;
    sh:property [ sh:minCount 1 ] ;
    sh:nodeKind sh:Nonsense ;
    sh:deactivated "maybe" ;
    sh:in ( 1 2 ) .
ex:B a sh:NodeShape , sh:PropertyShape ; sh:path ex:q ; sh:targetNode ex:x ; sh:languageIn ( 1 ) .
"""


def test_shapes_are_checked_against_shacl_for_shacl_as_pyshacl_checks_them(tmp_path):
    """The shape checker's SHACL-for-SHACL run (compiled) gives pySHACL's results on a malformed shapes graph."""
    from icskg.build.files import InputFile
    from icskg.validate.engine import Runner
    from icskg.validate.functions import Functions
    from icskg.validate.reference import pyshacl_results
    from icskg.validate.shape_check import shacl_for_shacl

    broken = ShapesGraph([InputFile(tmp_path / "broken.ttl", "broken.ttl", BROKEN_SHAPES.encode())])
    meta = shacl_for_shacl()
    runner = Runner(meta, broken.store.query, lambda node: [])
    compiled, failed = runner.run(compile_shapes(meta))
    assert not failed
    reference = pyshacl_results(broken.quads, meta, Functions(None, None), runner)
    assert Counter(r.key() for r in compiled) == Counter(r.key() for r in reference)
    assert len(compiled) >= 6
