"""The benchmark generator (benchmarks/generate.py) makes a parseable, deterministic, conforming landscape.

No timings are asserted here: benchmarks/run.py measures, the tests only check what it measures on.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from icskg.build.files import read_turtle_files
from icskg.build.pipeline import build_files
from icskg.settings import Settings
from icskg.validate import ShapesGraph, validate_graph

ROOT = Path(__file__).resolve().parents[1]
TARGET = 2_000


def _generator():
    spec = importlib.util.spec_from_file_location("icskg_benchmarks_generate", ROOT / "benchmarks" / "generate.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


generate = _generator()


@pytest.fixture(scope="module")
def landscape(tmp_path_factory):
    out = tmp_path_factory.mktemp("landscape")
    return out, generate.generate(TARGET, out, seed=7)


def _files(folder: Path) -> list[Path]:
    return sorted(folder.glob("*.ttl"))


def test_parses_with_the_counted_triples(landscape):
    out, manifest = landscape
    graph = Graph()
    for path in _files(out):
        graph.parse(path, format="turtle")
    assert len(graph) == manifest.triples
    assert sum(manifest.files.values()) == manifest.triples
    assert abs(len(graph) - TARGET) <= 0.2 * TARGET


def test_same_seed_same_output(landscape, tmp_path):
    out, _ = landscape
    generate.generate(TARGET, tmp_path, seed=7)
    assert [p.name for p in _files(tmp_path)] == [p.name for p in _files(out)]
    for path in _files(out):
        assert (tmp_path / path.name).read_bytes() == path.read_bytes(), path.name


def test_other_seed_other_output(landscape, tmp_path):
    out, _ = landscape
    generate.generate(TARGET, tmp_path, seed=8)
    assert (tmp_path / "statements.ttl").read_bytes() != (out / "statements.ttl").read_bytes()


def test_parse_size():
    assert generate.parse_size("10k") == 10_000
    assert generate.parse_size("1m") == 1_000_000
    assert generate.parse_size("2500") == 2_500
    assert generate.size_label(100_000) == "100k"


def test_conforms_to_the_repository_shapes(landscape):
    shape_files = sorted((ROOT / "shapes").glob("*.ttl"))
    if not shape_files:
        pytest.skip("shapes/ holds no Turtle files yet: nothing to validate the generated landscape against")
    out, _ = landscape
    files = read_turtle_files(sorted((ROOT / "ontology").glob("*.ttl")), ROOT) + read_turtle_files(_files(out), out)
    graph = build_files(files, Settings.load(root=ROOT, environ={}))
    report = validate_graph(graph, ShapesGraph(read_turtle_files(shape_files, ROOT)))
    violations = [r for r in report.results if r.severity == "Violation"]
    assert not violations, "\n".join(f"{r.focus} {r.path}: {r.message} ({r.shape_name})" for r in violations[:20])


def test_injected_violations_break_the_shapes_they_aim_at(tmp_path):
    """generate(..., violations=n) breaks n nodes per kind of mutation (tests/validate/test_equality.py uses it)."""
    generate.generate(TARGET, tmp_path, seed=7, violations=1)
    files = read_turtle_files(sorted((ROOT / "ontology").glob("*.ttl")), ROOT)
    files += read_turtle_files(_files(tmp_path), tmp_path)
    graph = build_files(files, Settings.load(root=ROOT, environ={}))
    report = validate_graph(graph, ShapesGraph(read_turtle_files(sorted((ROOT / "shapes").glob("*.ttl")), ROOT)))
    components = {r.component.rsplit("#", 1)[-1].removesuffix("ConstraintComponent") for r in report.results}
    aimed = {kind.split(":", 1)[0] for kind in generate.MUTATIONS}
    assert aimed <= components, f"mutations that broke nothing: {sorted(aimed - components)}"
