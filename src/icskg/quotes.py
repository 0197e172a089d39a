"""Checks that each quote and excerpt really is in its source document, and that the file is the one recorded.

A quote's words are compared after normalising white space (including non-breaking spaces) and
quote marks (straight, curly, primes), since PDF and web extraction vary those; nothing else is
forgiven. Source texts are read from a folder, never copied into the project.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from pathlib import Path

from rdflib import Graph
from rdflib.namespace import RDF

from .namespaces import ICSKG, PROV, SHAPE
from .report import add_result

_QUOTE_MARKS = str.maketrans(
    {c: "'" for c in "\u2018\u2019\u201a\u201b\u2032\u0060\u00b4"} | {c: '"' for c in "\u201c\u201d\u201e\u201f\u2033"}
)
_SPACE = re.compile(r"\s+")

QUOTE_SHAPE = SHAPE.QuoteFoundInSource
EXCERPT_SHAPE = SHAPE.ExcerptFoundInSource
FILE_SHAPE = SHAPE.SourceFileMatches


def normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text).translate(_QUOTE_MARKS)
    return _SPACE.sub(" ", text).strip()


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def verify_sources(graph: Graph, sources_dir: Path, report_graph: Graph) -> int:
    """Add a violation for each file mismatch, and each quote or excerpt not in its source. Returns checks made."""
    texts: dict = {}
    checks = 0
    for document in sorted(graph.subjects(RDF.type, ICSKG.SourceDocument)):
        name = graph.value(document, ICSKG.fileName)
        if name is None:
            continue
        path = sources_dir / str(name)
        checks += 1
        if not path.is_file():
            add_result(
                report_graph, document, ICSKG.fileName, f"source file {name} not found in {sources_dir}", FILE_SHAPE
            )
            continue
        recorded = graph.value(document, ICSKG.sha256)
        actual = sha256_of(path)
        if recorded is not None and str(recorded) != actual:
            add_result(
                report_graph,
                document,
                ICSKG.sha256,
                f"{name} has SHA-256 {actual}, not the recorded {recorded}: the file changed",
                FILE_SHAPE,
            )
        texts[document] = normalise(path.read_text(encoding="utf-8"))
    for prop, shape, what in ((ICSKG.text, QUOTE_SHAPE, "quote"), (ICSKG.excerpt, EXCERPT_SHAPE, "excerpt")):
        for statement, words in sorted(graph.subject_objects(prop)):
            # A node reported by several sources carries excerpts from each: one of them must hold the words.
            documents = sorted(d for d in graph.objects(statement, PROV.wasDerivedFrom) if d in texts)
            if not documents:
                continue
            checks += 1
            wanted = normalise(str(words))
            if not any(wanted in texts[d] for d in documents):
                names = " or ".join(str(graph.value(d, ICSKG.fileName)) for d in documents)
                add_result(
                    report_graph,
                    statement,
                    prop,
                    f"{what} not found in {names} (after normalising white space and quote marks): "
                    f"\u201c{_clip(str(words))}\u201d",
                    shape,
                )
    return checks


def _clip(text: str, limit: int = 80) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"
