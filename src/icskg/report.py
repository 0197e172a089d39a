"""Validation results as one shape of record, from pySHACL's report graph or from icskg's own checks.

Every result names the focus node, the path, the message, the shape and the file (and line) of the
focus node, so that a curator knows what to fix and where.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict, dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF, SH
from rdflib.term import Node

from .load import LoadedGraph
from .namespaces import bind_prefixes

SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Result:
    focus: str
    path: str | None
    message: str
    shape: str
    severity: str
    file: str | None
    line: int | None
    value: str | None = None

    def location(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "(no file)"


class Report:
    """The results of one validation, and the SHACL report graph they came from (built when asked for:
    a report read back from the cache holds only a way to load it)."""

    def __init__(self, results: list[Result], graph: Graph | Callable[[], Graph], notes: list[str]):
        self.results = results
        self._graph = graph
        self.notes = notes

    @property
    def graph(self) -> Graph:
        if callable(self._graph):
            self._graph = self._graph()
        return self._graph

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts


def short(graph: Graph, node: Node | None) -> str | None:
    """A node as a curator reads it: a prefixed name where a prefix fits, else N3."""
    if node is None:
        return None
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:
            return f"<{node}>"
    if isinstance(node, Literal):
        return str(node)
    return node.n3(graph.namespace_manager)


def _shape_name(shapes: Graph, shape: Node, names: Graph) -> str:
    """A property shape is usually a blank node: name it by its parent node shape and path."""
    if isinstance(shape, URIRef):
        return short(names, shape)
    parent = next(shapes.subjects(SH.property, shape), None)
    path = shapes.value(shape, SH.path)
    if parent is not None:
        return f"{short(names, parent)} / {short(names, path) if isinstance(path, URIRef) else 'path'}"
    return short(names, shape)


def results_from_graph(report_graph: Graph, shapes: Graph, loaded: LoadedGraph) -> list[Result]:
    """Turn a SHACL report graph into Result records, sorted so the report is stable run to run."""
    names = loaded.graph
    results = []
    for node in report_graph.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, node) in report_graph:
            continue  # the cause of a sh:node failure, reported by its parent result (SHACL 3.6.1, sh:detail)
        focus = report_graph.value(node, SH.focusNode)
        path = report_graph.value(node, SH.resultPath)
        origin = loaded.origin_of(focus)
        messages = sorted(str(m) for m in report_graph.objects(node, SH.resultMessage))
        described = loaded.origins.get(focus, [])
        if len({o.file for o in described}) > 1:  # e.g. one IRI given two labels in two files: name both
            messages.append(f"{short(names, focus)} is described in {', '.join(map(str, described))}")
        value = report_graph.value(node, SH.value)
        results.append(
            Result(
                focus=short(names, focus),
                path=short(names, path) if isinstance(path, URIRef) else (None if path is None else "(complex path)"),
                message="; ".join(messages) or "constraint not met",
                shape=_shape_name(shapes, report_graph.value(node, SH.sourceShape), names),
                severity=SEVERITY_NAMES.get(report_graph.value(node, SH.resultSeverity), "Violation"),
                file=str(origin.file) if origin else None,
                line=origin.line if origin else None,
                value=short(names, value) if value is not None else None,
            )
        )
    return sorted(results, key=lambda r: (r.file or "~", r.line or 0, r.focus, r.path or "", r.shape, r.message))


def add_result(report_graph: Graph, focus: Node, path: Node, message: str, shape: Node, severity=SH.Violation) -> None:
    """Record a result of icskg's own checks in the SHACL report graph, in SHACL's own terms."""
    node = BNode()
    report_graph.add((node, RDF.type, SH.ValidationResult))
    report_graph.add((node, SH.focusNode, focus))
    report_graph.add((node, SH.resultPath, path))
    report_graph.add((node, SH.resultMessage, Literal(message)))
    report_graph.add((node, SH.sourceShape, shape))
    report_graph.add((node, SH.resultSeverity, severity))
    report_graph.add((node, SH.sourceConstraintComponent, shape))


def format_human(report: Report) -> str:
    lines = []
    for r in report.results:
        lines.append(f"{r.location()}: {r.severity}: {r.focus}")
        lines.append(f"    path:    {r.path or '-'}")
        lines.append(f"    message: {r.message}")
        if r.value is not None:
            lines.append(f"    value:   {r.value}")
        lines.append(f"    shape:   {r.shape}")
    for note in report.notes:
        lines.append(f"note: {note}")
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(
        f"{verdict}: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info"
    )
    return "\n".join(lines)


def format_json(report: Report) -> str:
    return json.dumps(
        {
            "conforms": report.conforms,
            "counts": report.counts(),
            "results": [asdict(r) for r in report.results],
            "notes": report.notes,
        },
        indent=2,
        ensure_ascii=False,
    )


def format_turtle(report: Report) -> str:
    bind_prefixes(report.graph)
    return report.graph.serialize(format="longturtle")


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands, so that results show as annotations on the file and line."""
    lines = []
    for r in report.results:
        level = {"Violation": "error", "Warning": "warning"}.get(r.severity, "notice")
        text = f"{r.focus} {r.path or ''}: {r.message} ({r.shape})".replace("%", "%25").replace("\n", "%0A")
        if r.file:
            where = f"file={r.file}" + (f",line={r.line}" if r.line else "")
            lines.append(f"::{level} {where}::{text}")
        else:
            lines.append(f"::{level}::{text}")
    return "\n".join(lines)


FORMATTERS = {"human": format_human, "json": format_json, "turtle": format_turtle, "github": format_github}
