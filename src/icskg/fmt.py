"""Canonical Turtle: one serialisation (rdflib's `longturtle`, icskg's prefixes), so diffs stay readable.

A leading block of `#` comment lines is kept (it is where a file says why); comments elsewhere are
not part of the graph and are not kept, which `fmt --check` reports so nobody loses them silently.

Blank nodes are canonicalised first (`rdflib.compare.to_canonical_graph`): longturtle sorts a
subject's objects by node id, and a parser's blank-node ids depend on where in the file (and in
which run) a node was read, so without this a subject with ten or more blank-node objects, or a
blank node referenced twice, came out in a different order or with a different label on every
run of `icskg fmt` (not idempotent). Canonical ids depend only on the graph.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Graph
from rdflib.compare import to_canonical_graph

from .build.files import read_turtle_files
from .build.parse import parse_terms
from .namespaces import bind_prefixes
from .terms import rdflib_graph


def leading_comments(text: str) -> str:
    lines = []
    for line in text.splitlines():
        if line.startswith("#"):
            lines.append(line.rstrip())
        elif line.strip() == "" and lines:
            lines.append("")
        else:
            break
    while lines and lines[-1] == "":
        lines.pop()
    return "\n".join(lines) + "\n\n" if lines else ""


def canonical_turtle(graph: Graph, header: str = "") -> str:
    out = Graph()
    bind_prefixes(out)
    if any(isinstance(term, BNode) for triple in graph for term in triple[::2]):
        out += to_canonical_graph(graph)
    else:
        out += graph
    body = out.serialize(format="longturtle")
    return header + body.rstrip("\n") + "\n"


def canonical_text(path: Path, root: Path | None = None) -> tuple[str, str]:
    """The file's current text and its canonical form (parsed by Oxigraph, as the build parses it)."""
    (file,) = read_turtle_files([path], root)
    text = file.text()
    graph = rdflib_graph(parse_terms(file))
    return text, canonical_turtle(graph, leading_comments(text))


def format_files(paths: list[Path], check: bool, root: Path | None = None) -> list[Path]:
    """Files not in canonical form; rewritten unless `check`. Parses every file before writing any.
    An error names the file relative to `root` (as `icskg validate` does), when it is under it."""
    planned = []
    for path in paths:
        text, canonical = canonical_text(path, root)
        if text != canonical:
            planned.append((path, canonical))
    if not check:
        for path, canonical in planned:
            path.write_text(canonical, encoding="utf-8")
    return [path for path, _ in planned]
