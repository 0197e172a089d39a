"""Canonical Turtle: one serialisation (rdflib's `longturtle`, icskg's prefixes), so diffs stay readable.

A leading block of `#` comment lines is kept (it is where a file says why); comments elsewhere are
not part of the graph and are not kept, which `fmt --check` reports so nobody loses them silently.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph

from .load import parse_turtle, read_text
from .namespaces import bind_prefixes


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
    out += graph
    body = out.serialize(format="longturtle")
    return header + body.rstrip("\n") + "\n"


def canonical_text(path: Path) -> tuple[str, str]:
    """The file's current text and its canonical form."""
    text = read_text(path)
    graph = parse_turtle(path, text)
    return text, canonical_turtle(graph, leading_comments(text))


def format_files(paths: list[Path], check: bool) -> list[Path]:
    """Files not in canonical form; rewritten unless `check`. Parses every file before writing any."""
    planned = []
    for path in paths:
        text, canonical = canonical_text(path)
        if text != canonical:
            planned.append((path, canonical))
    if not check:
        for path, canonical in planned:
            path.write_text(canonical, encoding="utf-8")
    return [path for path, _ in planned]
