"""Step 2: OWL 2 RL inference, kept apart from the asserted triples.

Exports and validation reports stay clean because only `inferred - asserted` is returned, and
the trivial tautologies owlrl emits for every resource (x owl:sameAs x, x a owl:Thing) are dropped.
The closure comes from icskg.rules (fast, exact for the constructs the ontology uses) and from owlrl,
the reference, whenever the graph uses anything else or ICSKG_REASONER=owlrl asks for it.
"""

from __future__ import annotations

import os

import owlrl
from rdflib import Graph, Literal
from rdflib.namespace import OWL, RDF, RDFS

from . import rules

REASONER_ENV = "ICSKG_REASONER"

_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource}


def is_trivial(triple) -> bool:
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


def reasoner() -> str:
    """`auto` (icskg.rules where it is exact, else owlrl) unless ICSKG_REASONER=owlrl."""
    return "owlrl" if os.environ.get(REASONER_ENV, "auto").strip().lower() == "owlrl" else "auto"


def owlrl_closure(asserted: Graph) -> Graph:
    """owlrl's OWL 2 RL closure of a copy of `asserted` (asserted triples included)."""
    closure = Graph()
    closure += asserted
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    return closure


def infer(asserted: Graph, using: str | None = None) -> Graph:
    """The triples that OWL 2 RL entails from `asserted` and that it does not already hold."""
    using = using or reasoner()
    added = rules.closure(asserted) if using == "auto" else None
    if added is None:
        added = owlrl_closure(asserted)
    inferred = Graph()
    for prefix, namespace in asserted.namespaces():
        inferred.bind(prefix, namespace, override=True, replace=True)
    for triple in added:
        if triple not in asserted and not is_trivial(triple):
            inferred.add(triple)
    return inferred
