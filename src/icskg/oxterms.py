"""RDF terms between pyoxigraph and rdflib, so that both engines give callers the same Python values.

A plain literal comes back from Oxigraph as xsd:string; rdflib keeps it plain (no datatype), as the
SPARQL 1.1 JSON results format does, so it is turned back into a plain rdflib Literal.
"""

from __future__ import annotations

from functools import lru_cache

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import XSD

_STRING = str(XSD.string)


@lru_cache(maxsize=1 << 16)
def to_rdflib(term):
    """(Memoised: rdflib Literals are costly to build and answers repeat the same terms.)"""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == _STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


def to_oxigraph(term):
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype or XSD.string)))
