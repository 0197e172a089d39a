"""The Python API: open the graph once, then run stored queries by name with keyword parameters.

    >>> import icskg
    >>> kg = icskg.open_graph()                                    # embedded: load + OWL 2 RL inference
    >>> kg = icskg.open_graph(endpoint="http://localhost:7878/query")  # or any SPARQL 1.1 endpoint
    >>> [q.name for q in kg.queries()]
    >>> kg.query("search_labels", text="dorset")                   # rows: list of dicts of Python values
    >>> kg.query_df("classes")                                     # a pandas DataFrame (pip install icskg[pandas])
    >>> kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")     # ad-hoc SPARQL

Parameters are checked and turned into RDF terms (`icskg.params`) before anything runs; the embedded
backend binds them with rdflib's initBindings, a remote one as a VALUES block. The same call gives
the same answer on both (the tests run every stored query on both and compare).
"""

from __future__ import annotations

from pathlib import Path

from rdflib import Graph, Literal, URIRef
from rdflib.query import Result

from .catalogue import StoredQuery, load_catalogue, parse_sparql
from .errors import InputError, RepositoryNotFound
from .namespaces import BASE
from .params import bind, with_values
from .pipeline import Build, build
from .remote import DEFAULT_TIMEOUT, RemoteBackend, query_form
from .repo import find_repository
from .results import ROWS, dataframe, rows, serialize, shaped

DEFAULT_GRAPH = BASE + "graph"
"""The named graph `icskg publish` loads and a remote backend queries (as its default graph)."""

Bindings = dict[str, URIRef | Literal]
__all__ = [
    "DEFAULT_GRAPH",
    "EmbeddedBackend",
    "EndpointBackend",
    "KnowledgeGraph",
    "open_graph",
    "rows",
    "stored_query",
]


class EmbeddedBackend:
    """The graph in this process (rdflib); parameters bound with initBindings."""

    def __init__(self, graph: Graph):
        self.graph = graph

    def __repr__(self) -> str:
        return f"EmbeddedBackend({len(self.graph)} triples)"

    def run(self, text: str, bindings: Bindings | None = None, form: str | None = None) -> Result:
        return self.graph.query(parse_sparql(text), initBindings=bindings or {})

    def raw(self, text: str, bindings: Bindings | None, fmt: str) -> bytes:
        return serialize(self.run(text, bindings), fmt)


def embedded_backend(built: Build):
    """The fast Oxigraph engine where pyoxigraph is installed (see icskg.engine), else rdflib's."""
    from .engine import OxigraphBackend, wanted

    if wanted():
        return OxigraphBackend(store=built.query_store(), graph_factory=built.combined)
    return EmbeddedBackend(built.combined())


class EndpointBackend(RemoteBackend):
    """A SPARQL 1.1 endpoint; parameters travel as a VALUES block first in the WHERE clause."""

    def sent_text(self, text: str, bindings: Bindings | None = None) -> str:
        return with_values(text, bindings or {})

    def run(self, text: str, bindings: Bindings | None = None, form: str | None = None) -> Result:
        return self.result(self.sent_text(text, bindings), form or query_form(text))

    def raw(self, text: str, bindings: Bindings | None, fmt: str) -> bytes:
        if (query_form(text) in ("CONSTRUCT", "DESCRIBE")) or fmt not in ("json", "csv"):
            return serialize(self.run(text, bindings), fmt)
        return super().raw(self.sent_text(text, bindings), fmt)


class KnowledgeGraph:
    """The graph (asserted + inferred) behind one backend, with the stored-query catalogue."""

    def __init__(
        self,
        built: Build | None = None,
        *,
        backend: EmbeddedBackend | EndpointBackend | None = None,
        catalogue: dict[str, StoredQuery] | None = None,
    ):
        self.build = built
        if backend is None:
            if built is None:
                raise InputError("KnowledgeGraph needs a build (embedded) or a backend")
            backend = embedded_backend(built)
        self.backend = backend
        if catalogue is None:
            catalogue = load_catalogue(built.repo.queries_dir, built.repo.cache_dir) if built is not None else {}
        self.catalogue: dict[str, StoredQuery] = catalogue

    def __repr__(self) -> str:
        return f"KnowledgeGraph({self.backend!r}, {len(self.catalogue)} stored queries)"

    @property
    def graph(self) -> Graph | None:
        """The embedded graph (asserted + inferred) as an rdflib Graph; None for a remote endpoint."""
        return None if isinstance(self.backend, RemoteBackend) else getattr(self.backend, "graph", None)

    @property
    def is_remote(self) -> bool:
        return isinstance(self.backend, EndpointBackend)

    # --- the catalogue ---------------------------------------------------------------------------
    def queries(self) -> list[StoredQuery]:
        return [self.catalogue[name] for name in sorted(self.catalogue)]

    def stored(self, name: str) -> StoredQuery:
        return stored_query(self.catalogue, name)

    def bindings(self, name: str, **params) -> tuple[StoredQuery, Bindings]:
        """The stored query and its parameters as RDF terms; InputError before anything runs."""
        query = self.stored(name)
        return query, bind(query, params)

    # --- stored queries ----------------------------------------------------------------------------
    def query_result(self, name: str, **params) -> Result:
        query, bindings = self.bindings(name, **params)
        return self.backend.run(query.text, bindings, query.form)

    def query(self, name: str, *, as_: str = ROWS, **params):
        """Rows as dicts of Python values (str, int, date, ...; unbound: None), or `as_="dataframe"`.
        An ASK query gives a bool."""
        query, bindings = self.bindings(name, **params)
        return shaped(self.backend.run(query.text, bindings, query.form), as_)

    def query_df(self, name: str, **params):
        """The rows as a pandas DataFrame (one column per projected variable)."""
        return dataframe(self.query_result(name, **params))

    def query_serialized(self, name: str, fmt: str, **params) -> bytes:
        """SPARQL 1.1 Query Results `json` or `csv` (rdflib's serializers, or the endpoint's own)."""
        query, bindings = self.bindings(name, **params)
        return self.backend.raw(query.text, bindings, fmt)

    # --- ad-hoc SPARQL ----------------------------------------------------------------------------
    def sparql_result(self, text: str) -> Result:
        parse_sparql(text)
        return self.backend.run(text)

    def sparql(self, text: str, *, as_: str = ROWS):
        """Run SPARQL text: rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT/DESCRIBE."""
        return shaped(self.sparql_result(text), as_)

    def sparql_serialized(self, text: str, fmt: str) -> bytes:
        parse_sparql(text)
        return self.backend.raw(text, None, fmt)


def stored_query(catalogue: dict[str, StoredQuery], name: str) -> StoredQuery:
    try:
        return catalogue[name]
    except KeyError:
        raise InputError(f"no stored query named '{name}' (see `icskg queries`)") from None


def open_graph(
    root: Path | str | None = None,
    *,
    endpoint: str | None = None,
    graph: str | None = DEFAULT_GRAPH,
    timeout: float = DEFAULT_TIMEOUT,
) -> KnowledgeGraph:
    """Open the knowledge graph once.

    Without `endpoint`: build it in this process (load the repository's Turtle, OWL 2 RL inference).
    With `endpoint` (a SPARQL 1.1 query URL): query that endpoint, with `graph` as the default graph
    (the named graph `icskg publish` loads; None for the endpoint's own default graph) and `timeout`
    seconds per request. The stored queries come from the repository at or above `root` (none when
    there is no repository there, e.g. an installed package queried from elsewhere).
    """
    if endpoint is None:
        return KnowledgeGraph(build(root))
    try:
        repo = find_repository(root)
        catalogue = load_catalogue(repo.queries_dir, repo.cache_dir)
    except RepositoryNotFound:
        if root is not None:
            raise
        catalogue = {}
    return KnowledgeGraph(backend=EndpointBackend(endpoint, graph=graph, timeout=timeout), catalogue=catalogue)
