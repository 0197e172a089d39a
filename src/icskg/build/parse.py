"""Turtle into the store: Oxigraph's parser (strict Turtle, RDF 1.1 terms), errors as `FILE:LINE: message`.

This is the only place Turtle is parsed into the graph of record. Each file's blank-node labels are
local to it (Oxigraph gives every load fresh blank nodes). Oxigraph also reads RDF 1.2 (triple terms,
annotations, reifiers, directional language tags), which is not Turtle 1.1: such a file is refused,
as a file of another format would be, so that every other RDF tool reads the graph the same way.
"""

from __future__ import annotations

import re

import pyoxigraph as ox

from ..errors import InputError
from .files import InputFile

_PARSER_POSITION = re.compile(r"^Parser error (?:at|between) line [^:]*: ")
_RDF12_MARKS = (b"<<", b"{|", b"~", b"--ltr", b"--rtl")
_CODE_TOKEN = re.compile(
    r"""\#[^\n\r]*|'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"|'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*"|<[^<>\s]*>""",
    re.DOTALL,
)
_HINTS = {
    "No scheme found in an absolute IRI": (
        "relative IRI: it would resolve against the file's location, which differs from machine to machine; "
        "write the full IRI, e.g. <https://w3id.org/icskg/id/...>"
    ),
}


MAX_NESTING = 64
"""Deepest [ ] or ( ) nesting a file may have: Oxigraph reads deeper, but canonical Turtle (icskg fmt, export)
is written recursively, so a deeper file is refused on reading, the same way by every command."""


def check_text(file: InputFile) -> str:
    """The file's text, refused (InputError with its line) if it is not Turtle 1.1 icskg can write back."""
    text = file.text()
    if any(mark in file.data for mark in _RDF12_MARKS):
        refuse_rdf12(file, text)
    if file.data.count(b"[") + file.data.count(b"(") > MAX_NESTING:
        refuse_deep_nesting(file, text)
    return text


def refuse_deep_nesting(file: InputFile, text: str) -> None:
    code = _CODE_TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    depth = 0
    for match in re.finditer(r"[\[\]()]", code):
        depth += 1 if match.group() in "[(" else -1
        if depth > MAX_NESTING:
            raise InputError(
                f"nested too deeply (more than {MAX_NESTING} levels of [ ] or ( )): give the inner nodes IRIs of "
                "their own, or flatten the structure",
                file.shown,
                code.count("\n", 0, match.start()) + 1,
            )


def load_turtle(store: ox.Store, file: InputFile, graph=None) -> None:
    """Parse one file into `graph` of `store` (the default graph if None); any problem is an InputError."""
    text = check_text(file)
    try:
        store.load(file.data, format=ox.RdfFormat.TURTLE, to_graph=graph or ox.DefaultGraph())
    except SyntaxError as error:
        raise InputError(f"Turtle syntax error: {_message(error)}", file.shown, error.lineno) from None
    except MemoryError as error:
        raise InputError(
            f"a single token (a literal or an IRI) is larger than the parser allows ({error}): "
            "keep long texts outside the graph, or split them",
            file.shown,
            _longest_line(text),
        ) from None
    except (ValueError, OSError) as error:
        raise InputError(f"Turtle error: {error}", file.shown) from None


def parse_terms(file: InputFile) -> list[ox.Quad]:
    """The file's triples as Oxigraph terms, without a store (shapes, fmt): the same parser, the same errors."""
    text = check_text(file)
    try:
        return list(ox.parse(file.data, format=ox.RdfFormat.TURTLE, rename_blank_nodes=True))
    except SyntaxError as error:
        raise InputError(f"Turtle syntax error: {_message(error)}", file.shown, error.lineno) from None
    except MemoryError as error:
        raise InputError(
            f"a single token is larger than the parser allows ({error})", file.shown, _longest_line(text)
        ) from None


def refuse_rdf12(file: InputFile, text: str) -> None:
    """Refuse RDF 1.2 syntax (triple terms, annotations, reifiers, base directions), naming its line."""
    try:
        quads = ox.parse(file.data, format=ox.RdfFormat.TURTLE)
        found = next((q for q in quads if _is_rdf12(q)), None)
    except (SyntaxError, MemoryError, ValueError):
        return  # a syntax error: the load reports it with its line
    if found is None:
        return
    raise InputError(
        "RDF 1.2 syntax (a quoted triple <<...>>, an annotation {| |}, a reifier ~ or a base direction --ltr): "
        "icskg's graph is Turtle 1.1, which other tools read the same way; state the fact as plain triples "
        "(an n-ary node, docs/modelling.md)",
        file.shown,
        _line_of_rdf12(text),
    )


def _is_rdf12(quad: ox.Quad) -> bool:
    terms = (quad.subject, quad.object)
    if any(isinstance(t, ox.Triple) for t in terms):
        return True
    return isinstance(quad.object, ox.Literal) and getattr(quad.object, "direction", None) is not None


def _line_of_rdf12(text: str) -> int | None:
    code = _CODE_TOKEN.sub(lambda m: re.sub(r"[^\n]", " ", m.group()), text)
    match = re.search(r"<<|\{\||~|--(?:ltr|rtl)\b", code)
    return code.count("\n", 0, match.start()) + 1 if match else None


def _message(error: SyntaxError) -> str:
    message = _PARSER_POSITION.sub("", str(error.msg or error))
    for known, hint in _HINTS.items():
        if known in message:
            return f"{message}: {hint}"
    return message


def _longest_line(text: str) -> int | None:
    lengths = [len(line) for line in text.split("\n")]
    return lengths.index(max(lengths)) + 1 if lengths else None
