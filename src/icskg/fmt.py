"""Canonical Turtle: one serialisation (rdflib's `longturtle`, icskg's prefixes), so diffs stay readable,
and nothing a curator wrote is lost on the way.

- **Comments stay with the statement they precede**: a comment line (or an end-of-line comment inside a
  statement) is written above that statement's subject block in the canonical layout; the leading
  block of `#` lines stays at the top, comments after the last statement stay at the end. A comment
  that cannot follow its statement (one on a blank-node subject, which the canonical layout may
  inline elsewhere) makes `fmt` refuse the file, naming the comment's FILE:LINE.
- **Literals keep their lexical form** (`"+5"^^xsd:integer` stays `+5`): terms are taken from Oxigraph's
  parser as written, never normalised. Before writing, the canonical text is parsed again and compared
  with the original, term for term and comment for comment: if anything would change, `fmt` refuses
  and names what and where, rather than rewrite.
- Blank nodes are canonicalised first (`rdflib.compare.to_canonical_graph`), so the output does not
  depend on parse order and `fmt` is idempotent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .build.files import InputFile, read_turtle_files
from .build.parse import parse_terms
from .errors import InputError
from .namespaces import bind_prefixes

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>[\[(]) | (?P<close>[\])])
  | (?P<dot>\.(?=[\s#]|$))
  | (?P<word>[^\s\[\]()<>"'\#]+)
    """,
    re.VERBOSE | re.DOTALL,
)
_DIRECTIVE = re.compile(r"^\s*(@prefix|@base|prefix|base|version)\b", re.IGNORECASE)
_PREFIX = re.compile(r"^\s*(?:@prefix|PREFIX)\s+([A-Za-z][\w.-]*)?:\s*<([^>]*)>", re.IGNORECASE | re.MULTILINE)


@dataclass
class Comments:
    """A file's comments: the leading block, those of each statement (by subject IRI), the trailing ones."""

    leading: list[str] = field(default_factory=list)
    by_subject: dict[str, list[str]] = field(default_factory=dict)
    trailing: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # comment text -> its first line


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


def _expand(token: str, prefixes: dict[str, str]) -> str | None:
    if token.startswith("<") and token.endswith(">"):
        return token[1:-1]
    prefix, colon, local = token.partition(":")
    if colon and prefix in prefixes:
        return prefixes[prefix] + local.replace("\\", "")
    return None


def collect_comments(file: InputFile, text: str) -> Comments:
    """Attach each comment to the statement it precedes (or sits in); refuse one that cannot follow it."""
    comments = Comments()
    header = leading_comments(text)
    header_lines = header.count("\n") - 1 if header else 0
    comments.leading = [line for line in header.splitlines() if line.startswith("#")]
    prefixes = {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(text)}
    pending: list[tuple[str, int]] = []  # comments waiting for the statement they precede
    subject_token: str | None = None  # the first token of the statement being read
    in_statement: list[tuple[str, int]] = []
    depth = 0
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def line_of(offset: int) -> int:
        low, high = 0, len(line_starts)
        while low + 1 < high:
            middle = (low + high) // 2
            if line_starts[middle] <= offset:
                low = middle
            else:
                high = middle
        return low + 1

    def attach(token: str | None, found: list[tuple[str, int]]) -> None:
        if not found:
            return
        iri = _expand(token, prefixes) if token else None
        if iri is None:
            comment, line = found[0]
            raise InputError(
                f"a comment on a statement whose subject is a blank node ({comment.strip()[:40]!r}): the canonical "
                "layout may write that node inside another, so icskg fmt cannot keep the comment with it; move the "
                "comment above a statement about a named subject, or give the node an IRI",
                file.shown,
                line,
            )
        for comment, line in found:
            comments.by_subject.setdefault(iri, []).append(comment)
            comments.lines.setdefault(comment, line)

    directives = {n for n, line in enumerate(text.splitlines(), start=1) if _DIRECTIVE.match(line)}
    ended: tuple[str | None, int] = (None, 0)  # the subject and line of the last statement's final dot
    for match in _TOKEN.finditer(text):
        kind, value = match.lastgroup, match.group()
        line = line_of(match.start())
        if kind == "comment":
            if line <= header_lines:
                continue
            if subject_token is None and line == ended[1]:  # after the dot that ends a statement, on its line
                attach(ended[0], [(value.rstrip(), line)])
                continue
            target = in_statement if subject_token is not None else pending
            target.append((value.rstrip(), line))
            continue
        if subject_token is None:
            if line in directives:
                continue
            subject_token = value if kind in ("iri", "word") else ""  # "": a blank node or collection subject
            depth += 1 if kind == "open" else 0
            in_statement, pending = pending, []
            continue
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth -= 1
        elif kind == "dot" and depth == 0:
            attach(subject_token or None, in_statement)
            ended = (subject_token or None, line)
            subject_token, in_statement = None, []
    if subject_token is not None:
        attach(subject_token or None, in_statement)
    comments.trailing = [comment for comment, _line in pending]
    for comment, line in pending:
        comments.lines.setdefault(comment, line)
    return comments


def canonical_turtle(graph, header: str = "") -> str:
    """The graph in canonical longturtle (icskg's prefixes, canonical blank nodes), after `header`."""
    from rdflib import BNode, Graph
    from rdflib.compare import to_canonical_graph

    out = Graph(store="SimpleMemory")  # one graph, no context index: serialises faster, the same text
    bind_prefixes(out)
    if any(isinstance(term, BNode) for triple in graph for term in triple[::2]):
        out += to_canonical_graph(graph)
    else:
        out += graph
    body = out.serialize(format="longturtle")
    return header + body.rstrip("\n") + "\n"


def _literal(term):
    """An rdflib term for an Oxigraph one, a literal's lexical form exactly as written."""
    from rdflib import BNode, Literal, URIRef

    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value), normalize=False)


def _graph(quads):
    from rdflib import Graph

    from .terms import quiet_ill_typed_warnings

    quiet_ill_typed_warnings()
    graph = Graph()
    graph.addN((_literal(q.subject), _literal(q.predicate), _literal(q.object), graph) for q in quads)
    return graph


def _with_comments(body: str, comments: Comments) -> str:
    """Each subject block of the canonical body with its comments above it."""
    prefixes = {(m.group(1) or ""): m.group(2) for m in _PREFIX.finditer(body)}
    blocks = body.rstrip("\n").split("\n\n")
    out = []
    for block in blocks:
        first = block.split("\n", 1)[0].strip()
        iri = None if first.upper().startswith("PREFIX") else _expand(first, prefixes)
        out.append("\n".join([*comments.by_subject.get(iri, []), block]) if iri else block)
    text = "\n\n".join(out) + "\n"
    if comments.trailing:
        text += "\n" + "\n".join(comments.trailing) + "\n"
    return text


def _canonical_terms(quads) -> set[tuple[str, str, str]]:
    """The triples with blank nodes canonicalised, every term as written (lexical forms kept)."""
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {(str(q.subject), str(q.predicate), str(q.object)) for q in dataset}


def canonical_text(path: Path, root: Path | None = None) -> tuple[str, str]:
    """The file's current text and its canonical form, checked to say the same triples, term for term,
    with every comment."""
    (file,) = read_turtle_files([path], root)
    return file.text(), canonical_form(file)


def canonical_form(file: InputFile) -> str:
    """The canonical form of a file's bytes (read or about to be written), checked as `canonical_text` says."""
    text = file.text()
    quads = parse_terms(file)
    comments = collect_comments(file, text)
    header = "\n".join(comments.leading) + "\n\n" if comments.leading else ""
    canonical = header + _with_comments(canonical_turtle(_graph(quads)), comments)
    _check_nothing_lost(file, text, quads, canonical, comments)
    return canonical


def _check_nothing_lost(file: InputFile, text: str, quads, canonical: str, comments: Comments) -> None:
    again = parse_terms(InputFile(file.path, file.shown, canonical.encode("utf-8")))
    before, after = _canonical_terms(quads), _canonical_terms(again)
    if before != after:
        changed = sorted(before - after)[0]
        lexical = changed[2]
        where = text.find(lexical.split("^^")[0]) if lexical.startswith('"') else -1
        line = text.count("\n", 0, where) + 1 if where >= 0 else None
        raise InputError(
            f"icskg fmt would change {lexical} (the canonical Turtle writer cannot keep it as written): "
            "the file is left as it is; write the term in another form",
            file.shown,
            line,
        )
    kept = set(canonical.splitlines())
    for comment, line in sorted(comments.lines.items(), key=lambda item: item[1]):
        if comment not in kept:
            raise InputError("icskg fmt would lose this comment: the file is left as it is", file.shown, line)


def format_files(paths: list[Path], check: bool, root: Path | None = None) -> list[Path]:
    """Files not in canonical form; rewritten unless `check`. Every file is read and checked before any
    is written. An error names the file relative to `root` (as `icskg validate` does)."""
    planned = []
    for path in paths:
        text, canonical = canonical_text(path, root)
        if text != canonical:
            planned.append((path, canonical))
    if not check:
        for path, canonical in planned:
            path.write_text(canonical, encoding="utf-8")
    return [path for path, _ in planned]
