"""The benchmark generator (benchmarks/generate.py) makes a parseable, deterministic, conforming landscape.

No timings are asserted here: benchmarks/run.py measures, the tests only check what it measures on.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
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


def test_run_writes_every_figure(tmp_path):
    """benchmarks/run.py on a 2k landscape (no references) writes results.json and report.md with every step."""
    out = tmp_path / "results"
    options = ["--sizes", "2k", "--repeat", "1", "--no-reference", "--query-repeat", "1"]
    options += ["--out", str(out), "--work", str(tmp_path / "work")]
    command = [sys.executable, str(ROOT / "benchmarks" / "run.py"), *options]
    finished = subprocess.run(command, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert "Traceback" not in finished.stderr, finished.stderr[-3000:]
    report = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert {"machine", "config", "graphs", "growth", "targets"} <= report.keys()
    assert {"pyoxigraph", "rdflib", "owlrl", "pyshacl"} <= report["machine"]["packages"].keys()
    assert report["machine"]["cpus"] and report["machine"]["python"]
    [entry] = report["graphs"]
    assert entry["graph"] == "2k" and "error" not in entry["core"], entry["core"].get("error")
    core = entry["core"]
    assert Path(core["icskg"]).is_relative_to(tmp_path / "work")  # the run measures its snapshot of the code
    for step in ("oxigraph_parse", "parse", "rules", "build", "validate_compiled", "total"):
        assert core[step]["median_s"] > 0, step
    assert core["raw_triples"] == core["triples"]  # pyoxigraph's bulk load and icskg's parse read the same triples
    assert entry["data_triples"] < core["triples"] <= entry["data_triples"] + _ontology_triples()
    assert core["inferred"] > 0 and core["peak_mb"] > 0
    assert core["results"]["Violation"] > 0  # the run injects violations (--violations 1)
    assert set(core["queries"]) == {p.stem for p in (ROOT / "queries").glob("*.rq")}
    for step in ("validate_cold", "validate_warm", "open_query_cold"):
        assert entry["process"][step]["median_s"] > 0 and "error" not in entry["process"][step], step
    assert "pyshacl" not in entry and "owlrl" not in entry
    targets = {t["target"]: t["met"] for t in report["targets"]}
    assert targets["1M: parse + infer + validate < 60 s"] is None  # not measured at 2k
    text = (out / "report.md").read_text(encoding="utf-8")
    assert "Targets (issue 12)" in text and "second_wave_partnerships" in text


def _ontology_triples() -> int:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return len(graph)
