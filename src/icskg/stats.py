"""Counts that tell a user what the graph holds: triples, and instances per class."""

from __future__ import annotations

from collections import Counter

from rdflib import Graph
from rdflib.namespace import RDF

from .report import short


def class_counts(graph: Graph) -> list[tuple[str, int]]:
    counts = Counter(o for o in graph.objects(None, RDF.type))
    return sorted(((short(graph, c), n) for c, n in counts.items()), key=lambda item: (-item[1], item[0]))


def summary(asserted: Graph, inferred: Graph) -> dict:
    combined = asserted + inferred
    for prefix, namespace in asserted.namespaces():
        combined.bind(prefix, namespace, override=True, replace=True)
    return {
        "triples": {"asserted": len(asserted), "inferred": len(inferred), "total": len(combined)},
        "classes": dict(class_counts(combined)),
    }
