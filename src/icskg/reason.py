"""Step 2: OWL 2 RL inference with owlrl, kept apart from the asserted triples.

Exports and validation reports stay clean because only `inferred - asserted` is returned, and
the trivial tautologies owlrl emits for every resource (x owl:sameAs x, x a owl:Thing) are dropped.
"""

from __future__ import annotations

import owlrl
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource}


def _is_trivial(triple) -> bool:
    s, p, o = triple
    if isinstance(s, Literal):
        return True
    if p == OWL.sameAs and s == o:
        return True
    if p == RDF.type and o in _TRIVIAL_TYPES:
        return True
    if p in (RDFS.subClassOf, OWL.equivalentClass, RDFS.subPropertyOf, OWL.equivalentProperty) and s == o:
        return True
    if p == RDFS.subClassOf and o == OWL.Thing:
        return True
    return False


def infer(asserted: Graph) -> Graph:
    """The triples that OWL 2 RL entails from `asserted` and that it does not already hold."""
    closure = Graph()
    for prefix, namespace in asserted.namespaces():
        closure.bind(prefix, namespace, override=True, replace=True)
    closure += asserted
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    inferred = Graph()
    for prefix, namespace in asserted.namespaces():
        inferred.bind(prefix, namespace, override=True, replace=True)
    for triple in closure:
        if triple not in asserted and not _is_trivial(triple):
            inferred.add(triple)
    return inferred
