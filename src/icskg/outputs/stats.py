"""Counts that tell a user what the graph holds: triples (asserted, inferred) and instances per class,
counted by the store."""

from __future__ import annotations

from ..build.graph import BuiltGraph
from ..build.rules import INFERRED
from ..namespaces import shorten

_CLASSES = "SELECT ?class (COUNT(*) AS ?n) WHERE { ?s a ?class } GROUP BY ?class"


def summary(graph: BuiltGraph) -> dict:
    asserted, inferred = graph.count(), graph.count(INFERRED)
    counts = [
        (shorten(row["class"].value) if hasattr(row["class"], "value") else str(row["class"]), int(row["n"].value))
        for row in graph.query(_CLASSES)
    ]
    return {
        "triples": {"asserted": asserted, "inferred": inferred, "total": asserted + inferred},
        "classes": dict(sorted(counts, key=lambda item: (-item[1], item[0]))),
    }
