"""Parse each SPARQL text once while pySHACL validates.

pySHACL hands rdflib the *text* of a SHACL-SPARQL constraint (and of its own lookups) once per focus
node, and rdflib parses and translates that text every time: most of the cost of validating a large
graph (benchmarks/README.md). Inside `parsed_once()`, rdflib's SPARQL processor keeps the translated
query per (text, base, namespaces) and evaluates it with each call's own bindings, as a prepared
query (`rdflib.plugins.sparql.prepareQuery`) is meant to be used. Evaluation is unchanged, so the
results are too (tests/test_sparql_cache.py compares whole reports with and without it).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from rdflib.plugins.sparql import processor
from rdflib.plugins.sparql.algebra import translateQuery
from rdflib.plugins.sparql.parser import parseQuery


@contextmanager
def parsed_once() -> Iterator[dict]:
    """Within the block, rdflib parses and translates each distinct query text once; yields the cache."""
    original = processor.SPARQLProcessor.query
    translated: dict = {}

    def query(self, strOrQuery, initBindings=None, initNs=None, base=None, DEBUG=False):  # noqa: N803 - rdflib's names
        if isinstance(strOrQuery, str):
            key = (strOrQuery, base, tuple(sorted((initNs or {}).items())))
            if key not in translated:
                translated[key] = translateQuery(parseQuery(strOrQuery), base, initNs)
            strOrQuery = translated[key]
        return original(self, strOrQuery, initBindings, initNs, base, DEBUG)

    processor.SPARQLProcessor.query = query
    try:
        yield translated
    finally:
        processor.SPARQLProcessor.query = original
