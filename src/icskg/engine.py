"""A fast engine for the embedded default: the built graph mirrored into an in-memory Oxigraph store.

rdflib's SPARQL engine is 10-1000x slower than Oxigraph on icskg's stored queries (benchmarks/run.py),
so `icskg.open_graph()` answers queries from pyoxigraph when it is installed, with parameters sent as the
same VALUES block a remote endpoint gets, and solutions turned into rdflib Results term by term
(icskg.oxterms), so Python values are exactly those of the rdflib and remote paths (the parity tests
compare them query by query). The rdflib Graph stays available as `kg.graph`. ICSKG_ENGINE=rdflib
selects rdflib's own engine instead.
"""

from __future__ import annotations

import os

from rdflib import Graph, Literal, URIRef, Variable
from rdflib.query import Result

from .oxterms import to_rdflib
from .params import with_values
from .remote import query_form
from .results import serialize

ENGINE_ENV = "ICSKG_ENGINE"


def wanted() -> bool:
    """Use Oxigraph unless ICSKG_ENGINE=rdflib or pyoxigraph is not installed."""
    if os.environ.get(ENGINE_ENV, "oxigraph").lower() == "rdflib":
        return False
    try:
        import pyoxigraph  # noqa: F401
    except ImportError:
        return False
    return True


class OxigraphBackend:
    """Embedded queries answered by pyoxigraph over a copy of the graph.

    Give it the rdflib graph, or the same triples as a pyoxigraph Store with a way to build the rdflib
    graph: then `graph` is only built when something asks for it."""

    def __init__(self, graph: Graph | None = None, *, store=None, graph_factory=None):
        import pyoxigraph

        if graph is None and (store is None or graph_factory is None):
            raise ValueError("OxigraphBackend needs a graph, or a store and a graph factory")
        self._ox = pyoxigraph
        self._graph = graph
        self._graph_factory = graph_factory
        if store is None:
            store = pyoxigraph.Store()
            store.bulk_load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
        self.store = store

    @property
    def graph(self) -> Graph:
        if self._graph is None:
            self._graph = self._graph_factory()
        return self._graph

    def __repr__(self) -> str:
        return f"OxigraphBackend({len(self.store)} triples)"

    def run(self, text: str, bindings: dict[str, URIRef | Literal] | None = None, form: str | None = None) -> Result:
        form = form or query_form(text)
        answer = self.store.query(with_values(text, bindings or {}))
        if form in ("CONSTRUCT", "DESCRIBE"):
            result = Result(form)
            result.graph = Graph().parse(
                data=answer.serialize(format=self._ox.RdfFormat.N_TRIPLES).decode("utf-8"), format="nt"
            )
            return result
        result = Result(form)
        if form == "ASK":
            result.askAnswer = bool(answer)
            return result
        variables = [Variable(variable.value) for variable in answer.variables]
        result.vars = variables
        result.bindings = [
            {variable: to_rdflib(term) for variable, term in zip(variables, solution, strict=True) if term is not None}
            for solution in answer
        ]
        return result

    def raw(self, text: str, bindings: dict[str, URIRef | Literal] | None, fmt: str) -> bytes:
        return serialize(self.run(text, bindings), fmt)
