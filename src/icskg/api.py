"""The Python API: open the graph once, then run stored queries by name with keyword parameters.

    >>> import icskg
    >>> kg = icskg.open_graph()
    >>> kg.query("second_wave_partnerships")
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph
from rdflib.query import Result

from .catalogue import StoredQuery, load_catalogue
from .errors import InputError
from .params import bind
from .pipeline import Build, build


class KnowledgeGraph:
    """The built graph (asserted + inferred) with the stored-query catalogue."""

    def __init__(self, built: Build):
        self.build = built
        self.graph: Graph = built.combined()
        self.catalogue: dict[str, StoredQuery] = load_catalogue(built.repo.queries_dir)

    def stored(self, name: str) -> StoredQuery:
        try:
            return self.catalogue[name]
        except KeyError:
            raise InputError(f"no stored query named '{name}' (see `icskg queries`)") from None

    def query_result(self, name: str, **params) -> Result:
        query = self.stored(name)
        bindings = bind(query, params)
        return self.graph.query(query.text, initBindings=bindings)

    def query(self, name: str, **params) -> list[dict]:
        """Rows as dicts of Python values (str, int, date, ...); unbound variables are None."""
        return rows(self.query_result(name, **params))

    def sparql(self, text: str) -> list[dict]:
        return rows(self.graph.query(text))


def rows(result: Result) -> list[dict]:
    names = [str(v) for v in result.vars]
    return [{n: (None if t is None else t.toPython()) for n, t in zip(names, row)} for row in result]


def open_graph(root: Path | str | None = None) -> KnowledgeGraph:
    return KnowledgeGraph(build(root))
