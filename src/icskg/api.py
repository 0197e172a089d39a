"""The Python API: open the graph once, then run stored queries by name with keyword parameters.

    >>> import icskg
    >>> kg = icskg.open_graph()                                    # embedded: the build's Oxigraph store
    >>> kg = icskg.open_graph(endpoint="http://localhost:7878/query")  # or any SPARQL 1.1 endpoint
    >>> [q.name for q in kg.queries()]
    >>> kg.query("search_labels", text="dorset")                   # rows: list of dicts of Python values
    >>> kg.query_df("classes")                                     # a pandas DataFrame (pip install icskg[pandas])
    >>> kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")     # ad-hoc SPARQL

Parameters are checked and turned into RDF terms (`icskg.query.params`) before anything runs, then
bound the one way every backend shares: a VALUES block at the top of the WHERE clause.
"""

from __future__ import annotations

from pathlib import Path

from .build.graph import BuiltGraph
from .build.pipeline import build
from .build.repository import find_repository
from .errors import InputError, RepositoryNotFound
from .namespaces import DEFAULT_GRAPH
from .query.catalogue import Catalogue, StoredQuery, load_catalogue, sparql_problem
from .query.embedded import DEFAULT_TIMEOUT as EMBEDDED_TIMEOUT
from .query.embedded import EmbeddedBackend
from .query.params import bind, with_values
from .query.remote import DEFAULT_TIMEOUT, RemoteBackend
from .query.results import ROWS, dataframe, serialize, shaped
from .query.scope import query_form
from .settings import Settings

__all__ = ["DEFAULT_GRAPH", "EndpointBackend", "KnowledgeGraph", "open_graph"]


class EndpointBackend(RemoteBackend):
    """A SPARQL 1.1 endpoint; parameters travel as a VALUES block first in the WHERE clause."""

    def run(self, text: str, bindings: dict | None = None, form: str | None = None, timeout: float | None = None):
        return self.result(with_values(text, bindings or {}), form or query_form(text), timeout)

    def raw(self, text: str, bindings: dict | None, fmt: str) -> bytes:
        if query_form(text) in ("CONSTRUCT", "DESCRIBE") or fmt not in ("json", "csv"):
            return serialize(self.run(text, bindings), fmt)
        return super().raw(with_values(text, bindings or {}), fmt)


class KnowledgeGraph:
    """The graph (asserted + inferred) behind one backend, with the stored-query catalogue."""

    def __init__(
        self,
        graph: BuiltGraph | None = None,
        *,
        backend: EmbeddedBackend | EndpointBackend | None = None,
        catalogue: Catalogue | None = None,
        timeout: float = EMBEDDED_TIMEOUT,
    ):
        self.built = graph
        if backend is None:
            if graph is None:
                raise InputError("KnowledgeGraph needs a built graph (embedded) or a backend")
            backend = EmbeddedBackend(graph, timeout)
        self.backend = backend
        if catalogue is None:
            repo = graph.repo if graph is not None else None
            catalogue = load_catalogue(repo.queries_dir) if repo is not None else Catalogue()
        self.catalogue = catalogue

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.backend!r}, {len(self.catalogue)} stored queries)"

    @property
    def graph(self):
        """The embedded graph (asserted + inferred) as an rdflib Graph, built on first use; None if remote."""
        return None if self.built is None else self.built.graph

    @property
    def is_remote(self) -> bool:
        return isinstance(self.backend, EndpointBackend)

    # --- the catalogue ---------------------------------------------------------------------------
    def queries(self) -> list[StoredQuery]:
        return list(self.catalogue)

    def stored(self, name: str) -> StoredQuery:
        return self.catalogue.get(name)

    def bindings(self, name: str, params: dict) -> tuple[StoredQuery, dict]:
        """The stored query and its parameters as RDF terms; InputError before anything runs."""
        query = self.stored(name)
        return query, bind(query, params)

    # --- stored queries ----------------------------------------------------------------------------
    def query_result(self, name: str, /, *, timeout: float | None = None, **params):
        query, bindings = self.bindings(name, params)
        return self.backend.run(query.text, bindings, query.form, timeout=timeout)

    def query(self, name: str, /, *, as_: str = ROWS, timeout: float | None = None, **params):
        """Rows as dicts of Python values (str, int, date, ...; unbound: None), or `as_="dataframe"`.
        An ASK query gives a bool. `timeout` (seconds) overrides the graph's own time limit for this call."""
        return shaped(self.query_result(name, timeout=timeout, **params), as_)

    def query_df(self, name: str, /, **params):
        """The rows as a pandas DataFrame (one column per projected variable)."""
        return dataframe(self.query_result(name, **params))

    def query_serialized(self, name: str, fmt: str, /, **params) -> bytes:
        """SPARQL 1.1 Query Results `json` or `csv` (rdflib's serializers, or the endpoint's own)."""
        query, bindings = self.bindings(name, params)
        return self.backend.raw(query.text, bindings, fmt)

    # --- ad-hoc SPARQL ----------------------------------------------------------------------------
    def sparql_result(self, text: str, *, timeout: float | None = None):
        check_sparql(text)
        return self.backend.run(text, timeout=timeout)

    def sparql(self, text: str, *, as_: str = ROWS, timeout: float | None = None):
        """Run SPARQL text: rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT/DESCRIBE.
        Every query has a time limit (the graph's, or `timeout` seconds); Ctrl-C stops the wait."""
        return shaped(self.sparql_result(text, timeout=timeout), as_)

    def sparql_serialized(self, text: str, fmt: str) -> bytes:
        check_sparql(text)
        return self.backend.raw(text, None, fmt)


def check_sparql(text: str, where: str | None = None) -> None:
    """An InputError for SPARQL that does not parse (with its line), or that is not a query."""
    if query_form(text) == "UPDATE":
        raise InputError("this is a SPARQL Update; icskg only reads the graph (use a query: SELECT, ASK, ...)", where)
    problem = sparql_problem(text)
    if problem is not None:
        raise InputError(f"SPARQL syntax error: {problem[0]}", where, problem[1])


def open_graph(
    root: Path | str | None = None,
    *,
    endpoint: str | None = None,
    graph: str | None = DEFAULT_GRAPH,
    timeout: float | None = None,
    settings: Settings | None = None,
) -> KnowledgeGraph:
    """Open the knowledge graph once.

    Without `endpoint`: build it in this process (or read the build from the cache). With `endpoint` (a
    SPARQL 1.1 query URL): query that endpoint, with `graph` as the default graph (the named graph
    `icskg publish` loads; None for the endpoint's own default graph). Every query has a time limit:
    `timeout` seconds (default: Settings.timeout, ICSKG_TIMEOUT, 120 s in-process; 30 s for an endpoint).
    The stored queries come from the repository at or above `root` (none when there is no repository
    there, e.g. an installed package queried from elsewhere).
    """
    settings = settings or Settings.load(root=root)
    if endpoint is None:
        return KnowledgeGraph(build(settings), timeout=timeout or settings.timeout)
    try:
        catalogue = load_catalogue(find_repository(settings.root).queries_dir)
    except RepositoryNotFound:
        if root is not None:
            raise
        catalogue = Catalogue()
    backend = EndpointBackend(endpoint, graph=graph, timeout=timeout or DEFAULT_TIMEOUT)
    return KnowledgeGraph(backend=backend, catalogue=catalogue)
