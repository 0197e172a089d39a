"""Validating one shape fixture (tests/shapes/fixtures/) through icskg's own pipeline, with either engine.

A fixture is validated together with the ontology (parsed once per session), as `build_files` would build
them, and the repository's shapes. A fixture whose leading comment says `# sources: DIR` is validated
against the source texts in that folder (relative to the repository)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

from icskg.build.files import read_turtle_files
from icskg.build.pipeline import build_files
from icskg.namespaces import PREFIXES
from icskg.settings import Settings
from icskg.validate import Report, ShapesGraph, SourceTexts, validate_graph

ROOT = Path(__file__).resolve().parents[1]
FIXTURES_DIR = ROOT / "tests" / "shapes" / "fixtures"
FIXTURES = sorted(FIXTURES_DIR.glob("*.ttl"))
FIXTURE_NAME = re.compile(r"^(?P<shape>[A-Za-z]+)-(?P<kind>valid|invalid)(?:-[a-z0-9-]+)?\.ttl$")
EXPECT = re.compile(r"^#\s*expect:\s*(.*?)\s*$")
SOURCES = re.compile(r"^#\s*sources:\s*(.*?)\s*$")
SETTINGS = Settings.load(root=ROOT, environ={})


@dataclass(frozen=True, order=True)
class Outcome:
    """One validation result, as the test compares it: full IRIs, paths in SPARQL-like syntax."""

    severity: str
    shape: str
    focus: str
    path: str

    def __str__(self) -> str:
        return f"{self.severity} {self.shape} {self.focus} {self.path}"


def expand(token: str) -> str:
    """A prefixed name (or <IRI>) as a full IRI; a path token keeps its ^, / and (a|b) syntax."""
    if token == "-":
        return "-"
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]

    def full(match: re.Match) -> str:
        prefix, local = match.group(1), match.group(2)
        if prefix not in PREFIXES:
            raise ValueError(f"unknown prefix in {token!r}")
        return PREFIXES[prefix] + local

    return re.sub(r"(?<![\w.-])([A-Za-z][\w-]*):([\w.-]*)", full, token)


def render_path(path: str | None) -> str:
    """A Result's path (N-Triples IRI, or SPARQL path text) in the fixtures' syntax."""
    if path is None:
        return "-"
    return re.sub(r"<([^<>\s]+)>", r"\1", path)


def outcomes(report: Report) -> list[Outcome]:
    return sorted(
        Outcome(r.severity, r.shape.strip("<>"), r.focus.strip("<>"), render_path(r.path)) for r in report.results
    )


def leading_comments(path: Path) -> list[str]:
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            if line.strip():
                break
            continue
        lines.append(line)
    return lines


def expectations(path: Path) -> list[Outcome]:
    """The `# expect:` lines of a fixture's leading comment block."""
    expected, saw_expect = [], False
    for line in leading_comments(path):
        match = EXPECT.match(line)
        if not match:
            continue
        saw_expect = True
        if match.group(1) == "none":
            continue
        severity, shape, focus, result_path = match.group(1).split()
        expected.append(Outcome(severity, expand(shape), expand(focus), expand(result_path)))
    if not saw_expect:
        raise AssertionError(f"{path.name} has no '# expect:' line (use '# expect: none' for a clean fixture)")
    return sorted(expected)


def sources_for(path: Path) -> SourceTexts | None:
    for line in leading_comments(path):
        match = SOURCES.match(line)
        if match:
            return SourceTexts(ROOT / match.group(1))
    return None


@functools.cache
def ontology_files():
    return tuple(read_turtle_files(sorted((ROOT / "ontology").glob("*.ttl")), ROOT))


@functools.cache
def shapes() -> ShapesGraph:
    return ShapesGraph(read_turtle_files(sorted((ROOT / "shapes").glob("*.ttl")), ROOT))


@functools.cache
def fixture_graph(path: Path):
    files = [*ontology_files(), *read_turtle_files([path], ROOT)]
    return build_files(files, SETTINGS)


@functools.cache
def run(path: Path, engine: str = "compiled") -> Report:
    return validate_graph(fixture_graph(path), shapes(), sources_for(path), engine)
