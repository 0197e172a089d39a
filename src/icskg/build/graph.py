"""The built graph: one Oxigraph store of record, asserted triples in its default graph and the OWL 2 RL
inferred ones in the named graph INFERRED (the two never overlap).

Everything downstream reads this store: validation, stored queries, export, describe, stats and
publish. Queries see both graphs as one default graph (`DATASET`). An rdflib Graph is built only when
asked for (`rdflib_graph`, for `kg.graph` and the reference tools).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import pyoxigraph as ox

from .files import InputFile
from .origins import Origin, Origins
from .repository import Repository
from .rules import INFERRED

DATASET = [ox.DefaultGraph(), INFERRED]
"""The default graph of every query: asserted + inferred triples."""


@dataclass(frozen=True)
class Reasoning:
    """Which reasoner computed the closure, and why the reference ran (None when icskg's rules did)."""

    reasoner: str
    reason: str | None = None

    @property
    def closes_types(self) -> bool:
        """Whether the inferred graph holds every rdf:type its rdfs:subClassOf axioms entail (both reasoners'
        OWL 2 RL closures do; a graph built without inference would not)."""
        return self.reasoner in ("icskg", "owlrl")

    def note(self) -> str | None:
        if self.reason is None:
            return None
        return f"OWL 2 RL inference by owlrl (the reference; slower) because {self.reason}"


class BuiltGraph:
    def __init__(
        self, store: ox.Store, files: list[InputFile], reasoning: Reasoning, repo: Repository | None = None, key=None
    ):
        self.store = store
        self.files = files
        self.reasoning = reasoning
        self.repo = repo
        self.key = key

    def __repr__(self) -> str:
        return f"BuiltGraph({self.count()} asserted + {self.count(INFERRED)} inferred triples)"

    # --- reading the store ----------------------------------------------------------------------
    def query(self, text: str, **options):
        """A SPARQL query over asserted + inferred triples (pyoxigraph's result objects)."""
        return self.store.query(text, default_graph=DATASET, **options)

    def asserted(self):
        return self.store.quads_for_pattern(None, None, None, ox.DefaultGraph())

    def inferred(self):
        return self.store.quads_for_pattern(None, None, None, INFERRED)

    def count(self, graph=None) -> int:
        """Triples in the default (asserted) graph, or in `graph`."""
        if graph is None:
            solutions = self.store.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        else:
            solutions = self.store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }}")
        return int(next(iter(solutions))["n"].value)

    def ntriples(self, inferred: bool = True) -> bytes:
        """Asserted (and inferred) triples as N-Triples, straight from the store."""
        data = self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
        if inferred:
            data += self.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=INFERRED)
        return data

    def rdflib_graph(self, inferred: bool = True):
        """The graph as an rdflib Graph (built on request; asserted + inferred by default)."""
        from ..terms import rdflib_graph

        quads = list(self.asserted())
        if inferred:
            quads += list(self.inferred())
        return rdflib_graph(quads)

    @cached_property
    def graph(self):
        """rdflib Graph of asserted + inferred triples, built once on first use."""
        return self.rdflib_graph(inferred=True)

    # --- where things are described -------------------------------------------------------------------
    @cached_property
    def origins(self) -> Origins:
        return Origins(self.files)

    def origins_of(self, node) -> list[Origin]:
        """Where `node` is described; a blank node is placed where the IRI that holds it is."""
        seen = set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            holder = next(iter(self.store.quads_for_pattern(None, None, node, ox.DefaultGraph())), None)
            if holder is None:
                return []
            node = holder.subject
        if not isinstance(node, ox.NamedNode):
            return []
        return self.origins.of(node.value)
