"""`icskg export`: the asserted graph (optionally with the inferred triples) in one RDF format, from the store.

Turtle is icskg's canonical form (rdflib's `longturtle`, icskg's prefixes: the same as `icskg fmt`).
N-Triples are the store's own, sorted so two exports diff cleanly. JSON-LD is compacted with icskg's
prefixes as its `@context`, its nodes and values in a fixed order. TriG keeps asserted and inferred
triples apart, in the named graphs ASSERTED_GRAPH and INFERRED_GRAPH, so a reader can tell what a
curator wrote from what OWL 2 RL added; with `--with-description`, the DCAT/VoID description
(`icskg.outputs.describe`) goes in DESCRIPTION_GRAPH.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..build.graph import BuiltGraph
from ..errors import InputError
from ..namespaces import DEFAULT_GRAPH, PREFIXES

FORMATS = ("ttl", "nt", "jsonld", "trig")
ASSERTED_GRAPH = ox.NamedNode(DEFAULT_GRAPH + "/asserted")
INFERRED_GRAPH = ox.NamedNode(DEFAULT_GRAPH + "/inferred")
DESCRIPTION_GRAPH = ox.NamedNode(DEFAULT_GRAPH + "/description")


def export(graph: BuiltGraph, fmt: str, inferred: bool = False, description=None) -> bytes:
    """The graph serialised in `fmt` (ttl, nt, jsonld or trig), as UTF-8 bytes; with `description` (an rdflib
    Graph from `icskg.outputs.describe.describe`) also the dataset description (TriG: in DESCRIPTION_GRAPH)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    if fmt == "trig":
        return _trig(graph, inferred, description)
    if fmt == "nt":
        data = graph.ntriples(inferred)
        if description is not None:
            data += description.serialize(format="nt", encoding="utf-8")
        lines = sorted(set(line for line in data.decode("utf-8").splitlines() if line.strip()))
        return ("\n".join(lines) + "\n").encode("utf-8")
    rdf = graph.rdflib_graph(inferred)
    if description is not None:
        rdf += description
    if fmt == "ttl":
        from ..fmt import canonical_turtle

        return canonical_turtle(rdf).encode("utf-8")
    data = rdf.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True, encoding="utf-8")
    return stable_jsonld(data)


def stable_jsonld(data: bytes) -> bytes:
    """rdflib's JSON-LD with its node objects and values in a fixed order (rdflib walks a set of subjects, whose
    order changes from one process to the next), so the same graph gives the same bytes. JSON-LD arrays are
    unordered sets, except `@list` values (RDF collections), which keep their order."""
    import json

    def ordered(value, in_list: bool = False):
        if isinstance(value, dict):
            return {key: ordered(item, key == "@list") for key, item in value.items()}
        if isinstance(value, list):
            items = [ordered(item) for item in value]
            return items if in_list else sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
        return value

    document = ordered(json.loads(data))
    return (json.dumps(document, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def _trig(graph: BuiltGraph, inferred: bool, description) -> bytes:
    quads = [ox.Quad(q.subject, q.predicate, q.object, ASSERTED_GRAPH) for q in graph.asserted()]
    if inferred:
        quads += [ox.Quad(q.subject, q.predicate, q.object, INFERRED_GRAPH) for q in graph.inferred()]
    if description is not None:
        from ..terms import to_oxigraph

        quads += [ox.Quad(*(to_oxigraph(t) for t in triple), DESCRIPTION_GRAPH) for triple in description]
    quads.sort(key=lambda q: (str(q.graph_name), str(q.subject), str(q.predicate), str(q.object)))
    return ox.serialize(quads, format=ox.RdfFormat.TRIG, prefixes=dict(PREFIXES))
