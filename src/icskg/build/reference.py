"""owlrl, the reference OWL 2 RL reasoner: the fallback for constructs icskg's rules do not cover, and
the oracle the rules are tested against. It runs on an rdflib copy of the store's asserted graph."""

from __future__ import annotations

import pyoxigraph as ox

from ..terms import rdflib_graph, to_oxigraph
from .rules import INFERRED, drop_asserted, is_trivial

ERRORS = "http://www.daml.org/2002/03/agents/agent-ont#"
"""owlrl's vocabulary for its error messages, which icskg reports as validation results instead."""


def owlrl_closure(store: ox.Store) -> set[tuple]:
    """What owlrl adds to the store's default graph: new, non-trivial triples, error messages left out."""
    import owlrl
    from rdflib import Graph

    # One graph, no contexts: rdflib's SimpleMemory store answers owlrl's millions of pattern lookups about
    # a fifth faster than the default Memory store, which keeps a context index nothing here needs.
    closure = rdflib_graph(store.quads_for_pattern(None, None, None, ox.DefaultGraph()), Graph(store="SimpleMemory"))
    asserted = set(closure)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, rdfs_closure=False, axiomatic_triples=False, datatype_axioms=False
    ).expand(closure)
    errors = {s for s, p, _o in closure if str(p) == ERRORS + "error"}
    added = set()
    for triple in closure:
        if triple in asserted or triple[0] in errors:
            continue
        s, p, o = (to_oxigraph(term) for term in triple)
        if not is_trivial(s, p, o):
            added.add((s, p, o))
    return added


def materialise_with_owlrl(store: ox.Store) -> None:
    """Add owlrl's closure of the default graph to INFERRED."""
    store.extend(ox.Quad(s, p, o, INFERRED) for s, p, o in owlrl_closure(store))
    drop_asserted(store)
