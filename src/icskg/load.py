"""Step 1 of the pipeline: parse every Turtle file, remembering which file (and line) each subject came from.

The origin map is what lets a SHACL result point a curator at the file and line to fix.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import RDF
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


def read_bytes(path: Path, shown: Path | None = None) -> bytes:
    """The file's bytes; an unreadable file is an input error naming it (as `shown`, if given)."""
    try:
        return path.read_bytes()
    except OSError as error:
        reason = error.strerror or type(error).__name__
        raise InputError(
            f"cannot read the file ({reason}): make it a readable regular file, or remove it", shown or path
        ) from None


def read_text(path: Path) -> str:
    """The file's text as UTF-8; an unreadable file, or one that is not UTF-8 text, is an input error."""
    data = read_bytes(path)
    if data.startswith(codecs.BOM_UTF8):
        raise InputError("starts with a byte-order mark (BOM): save the file as UTF-8 without BOM", path, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        utf16 = " (it looks like UTF-16)" if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else ""
        raise InputError(
            f"not UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}){utf16}; save the file as UTF-8",
            path,
            line,
        ) from None
    if "\x00" in text:
        raise InputError(
            "contains a NUL byte (U+0000): not a text file (UTF-16?) or a damaged one; save it as UTF-8 text",
            path,
            text.count("\n", 0, text.index("\x00")) + 1,
        )
    return text


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
    except RecursionError:
        raise InputError(
            "Turtle nested too deeply for the parser (hundreds of levels of [ ] or ( )): "
            "give the inner nodes IRIs of their own, or flatten the structure",
            path,
        ) from None
    except Exception as error:  # rdflib raises assorted errors for bad IRIs, prefixes, literals
        located = _located_by_oxigraph(text)
        if located:
            raise InputError(f"Turtle syntax error: {located[1]}", path, located[0]) from None
        raise InputError(f"Turtle error: {error}", path) from None
    _refuse_bad_iris(path, text, graph)
    _refuse_what_turtle_does_not_allow(path, text, graph)
    return graph


def _located_by_oxigraph(text: str) -> tuple[int, str] | None:
    """Oxigraph's line and message for a syntax error that rdflib reports without a line (e.g. at the end)."""
    import pyoxigraph

    try:
        for _ in pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE, base_iri="urn:x-base:"):
            pass
    except SyntaxError as error:
        if error.lineno:
            return error.lineno, str(error.msg).split(": ", 1)[-1]
    return None


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


# rdflib reads Turtle with its Notation3 parser, which lets through a few things Turtle does not allow.
_RELATIVE_IRI = re.compile(r"<([^<>:\s]*)>")
_CODE_TOKEN = re.compile(
    r"""\#[^\n\r]*|'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>\n]*>""",
    re.DOTALL,
)
_NUMBER_RUN_ON = re.compile(r"(?<![\w:.\-])[+-]?(?:\d+\.\d*|\.\d+)(?:[eE][+-]?\d+)?\.\d[\d.]*")
_ESCAPE = re.compile(r"\\(?:u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|[^uU]|[uU][^\n]{0,8})")


def _refuse_what_turtle_does_not_allow(path: Path, text: str, graph: Graph) -> None:
    """Literal subjects or predicates, relative IRIs, bad \\u escapes, run-on numbers (`1.2.3` read as 1.2)."""
    for s, p, _o in graph:
        for term, position in ((s, "subject"), (p, "predicate")):
            if isinstance(term, Literal) or (position == "predicate" and isinstance(term, BNode)):
                shown = term.n3() if isinstance(term, Literal) else "a blank node"
                raise InputError(
                    f"{shown} cannot be the {position} of a triple in Turtle: use an IRI", path, _line_of(text, shown)
                )
    if any(isinstance(t, URIRef) and t.startswith("file:") for t in _terms(graph)):
        match = _RELATIVE_IRI.search(text)
        shown = match.group(0) if match else "an IRI"
        raise InputError(
            f"relative IRI {shown}: it would resolve against this file's location on disk (a file: IRI that "
            "differs from machine to machine); write the full IRI, e.g. <https://w3id.org/icskg/id/...>",
            path,
            text.count("\n", 0, match.start()) + 1 if match else None,
        )
    if ("\\u" in text or "\\U" in text) or re.search(r"\d\.\d*\.\d", text):
        for token in _CODE_TOKEN.finditer(text):
            if token.group().startswith(("'", '"')):
                for escape in _ESCAPE.finditer(token.group()):
                    if escape.group()[1] in "uU" and not re.fullmatch(
                        r"\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8})", escape.group()
                    ):
                        line = text.count("\n", 0, token.start() + escape.start()) + 1
                        raise InputError(
                            f"bad escape {escape.group()[:6]!r} in a string: \\u takes 4 hex digits, \\U takes 8",
                            path,
                            line,
                        )
        code = _CODE_TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
        number = _NUMBER_RUN_ON.search(code)
        if number:
            raise InputError(
                f"bad number {number.group()!r}: a number has at most one decimal point (rdflib would silently "
                "read only its start); for a version or a code, write a string",
                path,
                code.count("\n", 0, number.start()) + 1,
            )


def _line_of(text: str, shown: str) -> int | None:
    lexical = shown.split('"')[1] if shown.startswith('"') else shown
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.lstrip()
        if stripped.startswith(('"' + lexical, "'" + lexical)) or (
            not shown.startswith('"') and stripped.split(" ")[0] == lexical
        ):
            return number
    return None


def _terms(graph: Graph):
    for triple in graph:
        yield from triple


def subject_lines(text: str, namespaces: dict[str, str]) -> dict[URIRef | BNode, int]:
    """Line numbers of the subjects that start a statement at column 0 (canonical layout), given the
    file's prefixes."""
    found: dict[URIRef | BNode, int] = {}
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


def parse_with_oxigraph(text: str) -> tuple[list[tuple], dict[str, str]] | None:
    """The file's triples as rdflib terms, parsed by Oxigraph (Rust, strict; lexical forms kept as written),
    and its prefixes; None when Oxigraph refuses the text (then rdflib's parser reports the problem) or the
    text holds a file: IRI (which parse_turtle refuses with its own message)."""
    import pyoxigraph

    from .oxterms import to_rdflib

    if "<file:" in text:  # a file: IRI written out (a prefix bound to one included): parse_turtle refuses it
        return None
    fresh: dict[str, BNode] = {}  # blank node labels are local to a document: fresh nodes per file

    def term(node):
        if isinstance(node, pyoxigraph.BlankNode):
            return fresh.setdefault(node.value, BNode())
        if isinstance(node, pyoxigraph.Triple):
            raise ValueError("RDF-star is not Turtle 1.1")
        return to_rdflib(node)

    try:
        parser = pyoxigraph.parse(text.encode("utf-8"), format=pyoxigraph.RdfFormat.TURTLE)
        triples = [(term(q.subject), term(q.predicate), term(q.object)) for q in parser]
    except (SyntaxError, ValueError):
        return None
    if _nesting_depth(triples) > MAX_FAST_NESTING:
        return None
    return triples, dict(parser.prefixes)


MAX_FAST_NESTING = 64
"""Deeper [ ] or ( ) nesting goes to rdflib's parser, which refuses what it cannot read (and Oxigraph
would accept): the same files load, or fail, either way."""


def _nesting_depth(triples: list[tuple]) -> int:
    """The longest chain of blank nodes nested in one another (a list's rdf:rest chain is not nesting)."""
    inner: dict[BNode, list[BNode]] = {}
    for s, p, o in triples:
        if isinstance(s, BNode) and isinstance(o, BNode) and p != RDF.rest:
            inner.setdefault(s, []).append(o)
    depth: dict[BNode, int] = {}
    for start in inner:
        stack = [(start, False)]
        while stack:
            node, done = stack.pop()
            if done:
                depth[node] = 1 + max((depth.get(child, 0) for child in inner.get(node, ())), default=0)
            elif node not in depth:
                depth[node] = 0  # a cycle of labelled blank nodes stops here
                stack.append((node, True))
                stack.extend((child, False) for child in inner.get(node, ()) if child not in depth)
    return max(depth.values(), default=0)


def load_files(paths: Iterable[Path], root: Path | None = None, parser: str = "auto") -> LoadedGraph:
    """Parse the files into one graph and record each subject's origin (paths relative to root).

    parser "auto" reads each file with Oxigraph's parser (about 3x faster than rdflib's, same triples:
    tests/test_load.py) and falls back to rdflib's, whose errors name the file and line; "rdflib" uses
    rdflib's parser only."""
    combined = Graph()
    bind_prefixes(combined)
    loaded = LoadedGraph(combined, [])
    for path in paths:
        shown = path.relative_to(root) if root and path.is_relative_to(root) else path
        try:
            text = read_text(path)
            parsed = parse_with_oxigraph(text) if parser == "auto" and path.suffix in TURTLE_SUFFIXES else None
            if parsed is None:
                graph = parse_turtle(path, text)
                parsed = list(graph), {prefix: str(namespace) for prefix, namespace in graph.namespaces()}
        except InputError as error:
            error.file = str(shown)
            raise
        triples, namespaces = parsed
        lines = subject_lines(text, namespaces)
        for subject in {s for s, _p, _o in triples}:
            loaded.origins.setdefault(subject, []).append(Origin(shown, lines.get(subject)))
        combined.addN((s, p, o, combined) for s, p, o in triples)
        loaded.files.append(shown)
    return loaded


def load_repository(repo) -> LoadedGraph:
    """Load every Turtle file under the repository's `ontology/` and `data/`."""
    return load_files(repo.graph_files(), repo.root)
