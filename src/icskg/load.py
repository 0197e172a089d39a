"""Step 1 of the pipeline: parse every Turtle file, remembering which file (and line) each subject came from.

The origin map is what lets a SHACL result point a curator at the file and line to fix.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, URIRef
from rdflib.plugins.parsers.notation3 import BadSyntax

from .errors import InputError
from .namespaces import bind_prefixes

TURTLE_SUFFIXES = {".ttl"}
_BAD_IRI_CHARACTER = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_IRI_TOKEN_WITH_BAD_CHARACTER = re.compile(r'<[^<>\n]*[\x00-\x20"{}|^`\\][^<>\n]*>')
_SUBJECT_AT_LINE_START = re.compile(r"^(<[^>\s]*>|[A-Za-z][\w.-]*:[^\s;,]*|_:[\w.-]+)")


@dataclass(frozen=True)
class Origin:
    """Where a subject is described: the file, and the line of its first description there."""

    file: Path
    line: int | None = None

    def __str__(self) -> str:
        return f"{self.file}:{self.line}" if self.line else str(self.file)


@dataclass
class LoadedGraph:
    """The asserted graph and, for each subject, the files that describe it."""

    graph: Graph
    files: list[Path]
    origins: dict[URIRef | BNode, list[Origin]] = field(default_factory=dict)

    def origin_of(self, node) -> Origin | None:
        found = self.origins.get(node)
        return found[0] if found else None


def read_text(path: Path) -> str:
    """The file's text as UTF-8; a file in another encoding is an input error naming the line."""
    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise InputError(
            f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}); save the file as UTF-8",
            path,
            line,
        ) from None


def parse_turtle(path: Path, text: str | None = None) -> Graph:
    """Parse one Turtle file; a syntax error becomes `FILE:LINE: message`."""
    if path.suffix not in TURTLE_SUFFIXES:
        raise InputError(
            f"unsupported file type '{path.suffix or path.name}': only Turtle (.ttl) files belong here", path
        )
    text = read_text(path) if text is None else text
    graph = Graph()
    try:
        graph.parse(data=text, format="turtle", publicID=path.resolve().as_uri())
    except BadSyntax as error:
        raise InputError(f"Turtle syntax error: {error._why}", path, error.lines + 1) from None
    except Exception as error:  # rdflib raises assorted errors for bad IRIs, prefixes, literals
        raise InputError(f"Turtle error: {error}", path) from None
    _refuse_bad_iris(path, text, graph)
    return graph


def _refuse_bad_iris(path: Path, text: str, graph: Graph) -> None:
    """rdflib accepts `<an iri with spaces>` and only fails when writing it out; refuse it on reading."""
    for term in _terms(graph):
        if isinstance(term, URIRef) and _BAD_IRI_CHARACTER.search(term):
            match = _IRI_TOKEN_WITH_BAD_CHARACTER.search(text)
            line = text.count("\n", 0, match.start()) + 1 if match else None
            shown = match.group(0) if match else f"<{term}>"
            raise InputError(
                f"invalid IRI {shown}: IRIs may not contain spaces, quotes, braces or backslashes", path, line
            )


def _terms(graph: Graph):
    for triple in graph:
        yield from triple


def subject_lines(text: str, graph: Graph) -> dict[URIRef | BNode, int]:
    """Line numbers of the subjects that start a statement at column 0 (canonical layout)."""
    found: dict[URIRef | BNode, int] = {}
    namespaces = dict(graph.namespaces())
    for number, line in enumerate(text.splitlines(), start=1):
        match = _SUBJECT_AT_LINE_START.match(line)
        if not match or line.startswith(("@prefix", "@base", "PREFIX", "BASE", "prefix", "base")):
            continue
        token = match.group(1)
        node = _expand(token, namespaces)
        if node is not None and node not in found:
            found[node] = number
    return found


def _expand(token: str, namespaces: dict[str, URIRef]) -> URIRef | None:
    if token.startswith("<"):
        return URIRef(token[1:-1])
    if token.startswith("_:"):
        return None
    prefix, _, local = token.partition(":")
    if prefix in namespaces:
        return URIRef(str(namespaces[prefix]) + local.replace("\\", ""))
    return None


def load_files(paths: Iterable[Path], root: Path | None = None) -> LoadedGraph:
    """Parse the files into one graph and record each subject's origin (paths relative to root)."""
    combined = Graph()
    bind_prefixes(combined)
    loaded = LoadedGraph(combined, [])
    for path in paths:
        shown = path.relative_to(root) if root and path.is_relative_to(root) else path
        text = read_text(path)
        try:
            graph = parse_turtle(path, text)
        except InputError as error:
            error.file = str(shown)
            raise
        lines = subject_lines(text, graph)
        for subject in set(graph.subjects()):
            loaded.origins.setdefault(subject, []).append(Origin(shown, lines.get(subject)))
        combined += graph
        loaded.files.append(shown)
    return loaded


def load_repository(repo) -> LoadedGraph:
    """Load every Turtle file under the repository's `ontology/` and `data/`."""
    return load_files(repo.graph_files(), repo.root)
