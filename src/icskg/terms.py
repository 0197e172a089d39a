"""RDF terms between pyoxigraph (the store of record) and rdflib (the API's values and the reference tools).

A plain literal comes back from Oxigraph as xsd:string; rdflib keeps it plain (no datatype), as the
SPARQL 1.1 JSON results format does, so it is turned back into a plain rdflib Literal. rdflib is
imported only here and only when a conversion is asked for.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from functools import lru_cache

import pyoxigraph as ox

_STRING = "http://www.w3.org/2001/XMLSchema#string"


@lru_cache(maxsize=1 << 16)
def to_rdflib(term):
    """(Memoised: rdflib Literals are costly to build and answers repeat the same terms.)"""
    from rdflib import BNode, Literal, URIRef

    quiet_ill_typed_warnings()
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Triple):
        raise ValueError("RDF 1.2 triple terms have no rdflib counterpart")
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class _IllTypedLogFilter(logging.Filter):
    """rdflib logs a traceback for every ill-typed literal it builds; icskg reports those as validation results
    (shape:WellTypedLiteral), so that log line is dropped rather than printed on stderr."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not str(record.msg).startswith("Failed to convert Literal lexical form to value")


def quiet_ill_typed_warnings() -> None:
    logger = logging.getLogger("rdflib.term")
    if not any(isinstance(f, _IllTypedLogFilter) for f in logger.filters):
        logger.addFilter(_IllTypedLogFilter())


def to_oxigraph(term):
    from rdflib import BNode, URIRef

    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or _STRING)))


def rdflib_graph(triples: Iterable, graph=None):
    """An rdflib Graph (or the empty `graph` given) of Oxigraph quads or triples (graph names dropped), icskg's
    prefixes bound."""
    from rdflib import Graph

    from .namespaces import bind_prefixes

    graph = Graph() if graph is None else graph
    bind_prefixes(graph)
    quiet_ill_typed_warnings()  # an ill-typed literal is a validation result, not a traceback on stderr
    graph.addN((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object), graph) for t in triples)
    return graph
