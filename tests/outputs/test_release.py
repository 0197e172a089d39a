"""The release a wheel carries (issue 13): an installed icskg opens the graph and runs the stored queries with
no checkout; a release is written only from a conforming graph, byte for byte the same each time, and a
missing or damaged one says what to do."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner

import icskg
from icskg import release
from icskg.cli import main
from icskg.errors import InputError, RepositoryNotFound
from repo_factory import ROOT, make_repo

VIOLATION = """PREFIX icskg: <https://w3id.org/icskg/ontology#>
<https://w3id.org/icskg/id/partnership/nameless> a icskg:Partnership .
"""


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.output
    return result


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("release")
    result = run("--root", str(ROOT), "release", "-o", str(folder))
    assert result.exit_code == 0, result.output
    return folder


def test_a_release_holds_the_graph_the_queries_and_a_manifest(written, built):
    manifest = json.loads((written / release.MANIFEST).read_text(encoding="utf-8"))
    assert manifest["asserted_triples"] == built.count() > 0
    assert manifest["queries"] == sorted(p.name for p in (ROOT / "queries").glob("*.rq"))
    assert sorted(p.name for p in (written / release.QUERIES).iterdir()) == manifest["queries"]
    opened = release.open_release(release.Release(written, manifest))
    assert opened.count() == built.count() and opened.count(release.INFERRED) == built.count(release.INFERRED)


def test_the_same_graph_gives_the_same_release_bytes(written, tmp_path):
    assert run("--root", str(ROOT), "release", "-o", str(tmp_path)).exit_code == 0
    for name in (release.GRAPH, release.MANIFEST):
        assert (tmp_path / name).read_bytes() == (written / name).read_bytes(), name


def test_a_graph_that_does_not_conform_is_not_released(tmp_path):
    root = make_repo(tmp_path, {"data/bad.ttl": VIOLATION})
    result = run("--root", str(root), "release", "-o", str(tmp_path / "out"))
    assert result.exit_code == 1, result.output
    assert "does not conform" in result.stderr and "nothing released" in result.stderr
    assert not (tmp_path / "out").exists()


@pytest.fixture
def outside(tmp_path, monkeypatch) -> Path:
    """A working directory in no repository."""
    folder = tmp_path / "elsewhere"
    folder.mkdir()
    monkeypatch.chdir(folder)
    return folder


def test_outside_a_checkout_the_installed_release_is_opened(written, outside, monkeypatch, kg):
    monkeypatch.setattr(release, "PACKAGED", written)
    opened = icskg.open_graph()
    assert opened.built.repo is None
    assert [q.name for q in opened.queries()] == [q.name for q in kg.queries()]
    assert opened.query("classes") == kg.query("classes")
    result = run("query", "classes", "-f", "csv")
    assert result.exit_code == 0, result.output
    assert len(list(csv.reader(io.StringIO(result.stdout)))) == len(kg.query("classes")) + 1


def test_with_no_checkout_and_no_release_the_error_says_how_to_get_one(outside, monkeypatch, tmp_path):
    monkeypatch.setattr(release, "PACKAGED", tmp_path / "none")
    with pytest.raises(RepositoryNotFound, match="carries no built graph either"):
        icskg.open_graph()
    result = run("query", "classes")
    assert result.exit_code == 2 and "python3 dev.py wheel" in result.stderr


def test_a_damaged_release_says_reinstall(written, outside, monkeypatch, tmp_path):
    damaged = tmp_path / "damaged"
    shutil.copytree(written, damaged)
    graph = damaged / release.GRAPH
    graph.write_bytes(graph.read_bytes()[:-10])
    monkeypatch.setattr(release, "PACKAGED", damaged)
    with pytest.raises(InputError, match="does not match its manifest: reinstall icskg"):
        icskg.open_graph()
    (damaged / release.MANIFEST).write_text("{not json", encoding="utf-8")
    result = run("query", "classes")
    assert result.exit_code == 2 and "damaged" in result.stderr


@pytest.mark.slow
def test_a_wheel_carries_the_release_and_works_with_no_checkout(tmp_path, kg):
    """The real thing: build the wheel from a copy of the sources, install it into a folder of its own, and
    query from a directory outside any checkout, in a fresh interpreter."""
    copy = tmp_path / "copy"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "release")
    shutil.copytree(ROOT / "src", copy / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        shutil.copy(ROOT / name, copy / name)
    assert run("--root", str(ROOT), "release", "-o", str(copy / "src" / "icskg" / "release")).exit_code == 0
    pip = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
    wheel_command = [*pip, "wheel", "-q", "--no-deps", "--no-build-isolation", "-w", str(tmp_path / "dist"), str(copy)]
    subprocess.run(wheel_command, check=True, timeout=300)
    (wheel,) = (tmp_path / "dist").glob("icskg-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "icskg/release/graph.nq.gz" in names and "icskg/release/release.json" in names
    assert "icskg/release/queries/classes.rq" in names
    site = tmp_path / "site"
    subprocess.run([*pip, "install", "-q", "--no-deps", "--target", str(site), str(wheel)], check=True, timeout=300)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site), "ICSKG_CACHE_DIR": str(tmp_path / "cache")}
    script = (
        "import json, icskg; kg = icskg.open_graph(); "
        "print(json.dumps({'file': icskg.__file__, 'queries': len(kg.queries()), 'classes': len(kg.query('classes'))}))"
    )
    answer = subprocess.run(
        [sys.executable, "-c", script], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120
    )
    assert answer.returncode == 0 and answer.stderr == "", answer.stderr
    seen = json.loads(answer.stdout)
    assert Path(seen["file"]).is_relative_to(site)
    assert seen["queries"] == len(kg.queries()) and seen["classes"] == len(kg.query("classes")) > 0
    cli = subprocess.run(
        [sys.executable, "-m", "icskg", "query", "classes", "-f", "csv"],
        cwd=elsewhere,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 0 and cli.stderr == "", cli.stderr
    assert len(cli.stdout.strip().splitlines()) == len(kg.query("classes")) + 1
