"""`icskg export`: the asserted graph (optionally with the inferred triples) in one RDF format.

Turtle is icskg's canonical form (rdflib's `longturtle`, icskg's prefixes: the same as `icskg fmt`).
TriG keeps asserted and inferred triples apart, in the named graphs ASSERTED_GRAPH and
INFERRED_GRAPH, so a reader can tell what a curator wrote from what OWL 2 RL added; with
`--with-description`, the DCAT/VoID description (`icskg.describe`) goes in DESCRIPTION_GRAPH.
"""

from __future__ import annotations

from rdflib import Dataset, Graph, URIRef

from .api import DEFAULT_GRAPH
from .errors import InputError
from .fmt import canonical_turtle
from .namespaces import bind_prefixes
from .pipeline import Build

FORMATS = {"ttl": "longturtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
"""`--format` name -> rdflib serializer."""
PARSERS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig"}
ASSERTED_GRAPH = URIRef(DEFAULT_GRAPH + "/asserted")
INFERRED_GRAPH = URIRef(DEFAULT_GRAPH + "/inferred")
DESCRIPTION_GRAPH = URIRef(DEFAULT_GRAPH + "/description")


def graph_to_export(built: Build, inferred: bool = False) -> Graph:
    return built.combined() if inferred else built.asserted


def dataset(built: Build, inferred: bool = False) -> Dataset:
    """Asserted triples in ASSERTED_GRAPH and (with `inferred`) the inferred ones in INFERRED_GRAPH."""
    ds = Dataset()
    bind_prefixes(ds)
    asserted = ds.graph(ASSERTED_GRAPH)
    asserted += built.asserted
    if inferred:
        added = ds.graph(INFERRED_GRAPH)
        added += built.inferred
    return ds


def export(built: Build, fmt: str, inferred: bool = False, description: Graph | None = None) -> bytes:
    """The graph serialised in `fmt` (ttl, nt, jsonld or trig), as UTF-8 bytes; with `description`
    (`icskg.describe.describe`) also the dataset description (TriG: in DESCRIPTION_GRAPH)."""
    if fmt not in FORMATS:
        raise InputError(f"unknown export format {fmt!r} (one of: {', '.join(FORMATS)})")
    if fmt == "trig":
        ds = dataset(built, inferred)
        if description is not None:
            described = ds.graph(DESCRIPTION_GRAPH)
            described += description
        return ds.serialize(format="trig", encoding="utf-8")
    graph = graph_to_export(built, inferred)
    if description is not None:
        graph = graph + description
    if fmt == "ttl":
        return canonical_turtle(graph).encode("utf-8")
    out = Graph()
    bind_prefixes(out)
    out += graph
    if fmt == "nt":
        # N-Triples in a stable order, so two exports of the same graph diff cleanly.
        lines = out.serialize(format="nt", encoding="utf-8").decode("utf-8").splitlines()
        return ("\n".join(sorted(line for line in lines if line.strip())) + "\n").encode("utf-8")
    return out.serialize(format=FORMATS[fmt], encoding="utf-8")
