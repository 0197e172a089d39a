"""The report's output formats, each written from the one Report: human, json, turtle, github.

Text from the data (literals, IRIs, messages) can hold control characters; in the formats meant for a
terminal or a CI log (human, github) they are escaped (icskg.terminal).
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict

import pyoxigraph as ox

from ..namespaces import PREFIXES, shorten
from ..terminal import printable
from .report import Report


def term_text(term: str | None) -> str | None:
    """An N-Triples term as a curator reads it: a prefixed name where one fits, a literal's lexical form."""
    if term is None:
        return None
    if term.startswith("<") and term.endswith(">"):
        return shorten(term[1:-1])
    if term.startswith('"'):
        from .report import parse_term

        return parse_term(term).value
    if term.startswith("_:"):
        return term
    return re.sub(r"<([^<>\s]+)>", lambda m: shorten(m.group(1)), term)  # a complex path


def format_human(report: Report) -> str:
    lines = []
    for r in report.results:
        lines.append(printable(f"{r.location()}: {r.severity}: {term_text(r.focus)}"))
        lines.append(printable(f"    path:    {term_text(r.path) or '-'}"))
        lines.append(printable(f"    message: {r.message}"))
        if r.value is not None:
            lines.append(printable(f"    value:   {term_text(r.value)}"))
        lines.append(printable(f"    shape:   {r.shape_name}"))
    for note in report.notes:
        lines.append(printable(f"note: {note}"))
    counts = report.counts()
    verdict = "conforms" if report.conforms else "does not conform"
    lines.append(
        f"{verdict}: {counts['Violation']} violation(s), {counts['Warning']} warning(s), {counts['Info']} info"
    )
    return "\n".join(lines)


def format_json(report: Report) -> str:
    results = []
    for r in report.results:
        item = asdict(r)
        item.update(
            focus=term_text(r.focus),
            path=term_text(r.path),
            value=term_text(r.value),
            shape=r.shape_name,
            component=shorten(r.component),
            focus_term=r.focus,
        )
        del item["shape_name"]
        results.append(item)
    data = {"conforms": report.conforms, "counts": report.counts(), "results": results, "notes": report.notes}
    return json.dumps(data, indent=2, ensure_ascii=False)


def format_turtle(report: Report) -> str:
    prefixes = {p: PREFIXES[p] for p in ("sh", "rdfs", "xsd", "shape", "icskg")}
    prefixes.update(PREFIXES)
    dataset = ox.Dataset(report.quads())
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)  # blank-node labels fixed: same report, same bytes
    quads = sorted(dataset, key=lambda q: (str(q.subject), str(q.predicate), str(q.object)))
    data = ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    return data.decode("utf-8")


def format_github(report: Report) -> str:
    """GitHub Actions workflow commands, so that results show as annotations on the file and line."""
    lines = []
    for r in report.results:
        level = {"Violation": "error", "Warning": "warning"}.get(r.severity, "notice")
        text = printable(f"{term_text(r.focus)} {term_text(r.path) or ''}: {r.message} ({r.shape_name})")
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        if r.file:
            where = f"file={_property(r.file)}" + (f",line={r.line}" if r.line else "")
            lines.append(f"::{level} {where}::{text}")
        else:
            lines.append(f"::{level}::{text}")
    for note in report.notes:
        lines.append(f"::notice::{printable(note)}")
    counts = report.counts()
    lines.append(
        f"::notice::{'conforms' if report.conforms else 'does not conform'}: {counts['Violation']} violation(s), "
        f"{counts['Warning']} warning(s), {counts['Info']} info"
    )
    return "\n".join(lines)


def _property(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A").replace(":", "%3A").replace(",", "%2C")


FORMATTERS = {"human": format_human, "json": format_json, "turtle": format_turtle, "github": format_github}
