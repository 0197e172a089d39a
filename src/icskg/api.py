"""The Python API: open the graph once, then run stored queries by name with keyword parameters.

    >>> import icskg
    >>> kg = icskg.open_graph()                                    # embedded: the build's Oxigraph store
    >>> kg = icskg.open_graph(endpoint="http://localhost:7878/query")  # or any SPARQL 1.1 endpoint
    >>> [q.name for q in kg.queries()]
    >>> kg.query("search_labels", text="dorset")                   # rows: list of dicts of Python values
    >>> kg.query_df("classes")                                     # a pandas DataFrame (pip install icskg[pandas])
    >>> kg.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")     # ad-hoc SPARQL
    >>> with open("labels.csv", "wb") as out:                      # any size of answer, streamed
    ...     kg.query_to("search_labels", out, "csv", text="dorset")

Parameters are checked and turned into RDF terms (`icskg.query.params`) before anything runs, then
bound the one way every backend shares: a VALUES block at the top of the WHERE clause.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import BinaryIO

from .build.graph import BuiltGraph
from .build.pipeline import build
from .errors import EndpointError, InputError, RepositoryNotFound
from .namespaces import DEFAULT_GRAPH
from .query.catalogue import Catalogue, StoredQuery, load_catalogue, sparql_problem
from .query.embedded import DEFAULT_TIMEOUT as EMBEDDED_TIMEOUT
from .query.embedded import EmbeddedBackend
from .query.params import ad_hoc_term, bind, utf8_text, with_values
from .query.remote import DEFAULT_TIMEOUT, RemoteBackend
from .query.results import ROWS, dataframe, graph_document, shaped
from .query.scope import binding_problems, query_form, service_line, tokens, with_prefixes
from .query.stream import check_format
from .release import Release, open_release, repository_or_release
from .settings import Settings

__all__ = ["DEFAULT_GRAPH", "EndpointBackend", "KnowledgeGraph", "open_graph"]


class EndpointBackend(RemoteBackend):
    """A SPARQL 1.1 endpoint; parameters travel as a VALUES block first in the WHERE clause."""

    def run(self, text: str, bindings: dict | None = None, form: str | None = None, timeout: float | None = None):
        self.check_graph_holds_triples(timeout)
        return self.result(with_values(text, bindings or {}), form or query_form(text), timeout)

    def check_graph_holds_triples(self, timeout: float | None = None) -> None:
        """A query against an empty (or missing) graph is refused, once per backend, before it runs: its empty
        answer (no rows, a count of 0, false) would look like "no match"."""
        if not self.graph or getattr(self, "_graph_seen", False):
            return
        answer = self.result("ASK { ?s ?p ?o }", "ASK", timeout)
        if answer.type == "ASK" and answer.askAnswer is False:
            raise EndpointError(
                f"{self.endpoint} holds no triples in the graph <{self.graph}>: publish it first (icskg publish), "
                "or query the endpoint's own default graph (--graph '', open_graph(..., graph=None))"
            )
        self._graph_seen = True

    def stream(self, text: str, bindings: dict | None, fmt: str, out: BinaryIO, timeout: float | None = None) -> None:
        """The endpoint's CSV, TSV or JSON passed through (a graph: JSON-LD); the graph checked first, since an
        empty document from a missing graph would look like "no match"."""
        check_format(fmt)
        if query_form(text) in ("CONSTRUCT", "DESCRIBE"):
            out.write(graph_document(self.run(text, bindings, timeout=timeout), fmt))
            return
        self.check_graph_holds_triples(timeout)
        super().stream(with_values(text, bindings or {}), fmt, out, timeout)


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
        return self.backend.run(query.text, bindings, query.form, timeout=seconds(timeout))

    def query(self, name: str, /, *, as_: str = ROWS, timeout: float | None = None, **params):
        """Rows as dicts of Python values (str, int, date, ...; unbound: None), or `as_="dataframe"`.
        An ASK query gives a bool. `timeout` (seconds) overrides the graph's own time limit for this call."""
        return shaped(self.query_result(name, timeout=timeout, **params), as_)

    def query_df(self, name: str, /, **params):
        """The rows as a pandas DataFrame (one column per projected variable)."""
        return dataframe(self.query_result(name, **params))

    def query_to(self, name: str, out: BinaryIO, fmt: str = "csv", /, *, timeout: float | None = None, **params):
        """Write the answer to the binary file `out` as SPARQL 1.1 Query Results `csv`, `tsv` or `json`
        (Oxigraph's, or the endpoint's own), streamed: memory stays flat however many rows there are."""
        query, bindings = self.bindings(name, params)
        self.backend.stream(query.text, bindings, fmt, out, seconds(timeout))

    def query_serialized(self, name: str, fmt: str, /, *, timeout: float | None = None, **params) -> bytes:
        """The answer as one SPARQL 1.1 Query Results document (`csv`, `tsv` or `json`) in memory."""
        buffer = io.BytesIO()
        self.query_to(name, buffer, fmt, timeout=timeout, **params)
        return buffer.getvalue()

    # --- ad-hoc SPARQL ----------------------------------------------------------------------------
    def sparql_result(
        self, text: str, *, params: dict | None = None, allow_service: bool = False, timeout: float | None = None
    ):
        text, bindings = ad_hoc(text, params, allow_service)
        return self.backend.run(text, bindings, timeout=seconds(timeout))

    def sparql(
        self,
        text: str,
        *,
        as_: str = ROWS,
        params: dict | None = None,
        allow_service: bool = False,
        timeout: float | None = None,
    ):
        """Run SPARQL text: rows for SELECT, a bool for ASK, an rdflib Graph for CONSTRUCT/DESCRIBE.

        icskg's prefixes are declared where the text uses them; `params` (name -> value) are bound as a VALUES
        block like a stored query's (an IRI as `<...>` or a prefixed name, a literal in Turtle syntax, else a
        string); a SERVICE clause is refused unless `allow_service`; every query has a time limit (the
        graph's, or `timeout` seconds), and Ctrl-C stops the wait."""
        return shaped(self.sparql_result(text, params=params, allow_service=allow_service, timeout=timeout), as_)

    def sparql_to(
        self,
        text: str,
        out: BinaryIO,
        fmt: str = "csv",
        *,
        params: dict | None = None,
        allow_service: bool = False,
        timeout: float | None = None,
    ) -> None:
        """Write the answer to SPARQL text to the binary file `out`, streamed, as `query_to` does."""
        text, bindings = ad_hoc(text, params, allow_service)
        self.backend.stream(text, bindings, fmt, out, seconds(timeout))

    def sparql_serialized(
        self,
        text: str,
        fmt: str,
        *,
        params: dict | None = None,
        allow_service: bool = False,
        timeout: float | None = None,
    ) -> bytes:
        buffer = io.BytesIO()
        self.sparql_to(text, buffer, fmt, params=params, allow_service=allow_service, timeout=timeout)
        return buffer.getvalue()


def seconds(timeout) -> float | None:
    """A time limit as given to the API: None (the graph's own), or a positive number of seconds."""
    if timeout is None:
        return None
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise InputError(f"timeout must be a positive number of seconds (got {timeout!r})")
    return float(timeout)


def check_sparql(text: str, where: str | None = None, allow_service: bool = False) -> None:
    """An InputError for SPARQL that does not parse (with its line), that is not a query, or that would call
    another endpoint (SERVICE) unless that is allowed."""
    if query_form(text) == "UPDATE":
        raise InputError("this is a SPARQL Update; icskg only reads the graph (use a query: SELECT, ASK, ...)", where)
    problem = sparql_problem(text)
    if problem is not None:
        raise InputError(f"SPARQL syntax error: {problem[0]}", where, problem[1])
    line = service_line(text)
    if line is not None and not allow_service:
        raise InputError(
            "the query has a SERVICE clause, which would call another endpoint over the network: remove it, or "
            "allow it explicitly (--allow-service, allow_service=True)",
            where,
            line,
        )


def ad_hoc(text: str, params: dict | None, allow_service: bool, where: str | None = None) -> tuple[str, dict]:
    """Ad-hoc SPARQL ready to run: icskg's prefixes declared, checked, its parameters as RDF terms (refused
    where the one binding rule cannot bind them)."""
    text = with_prefixes(utf8_text("the query", text))
    check_sparql(text, where, allow_service)
    bindings = {name: ad_hoc_term(name, str(value)) for name, value in (params or {}).items()}
    if bindings:
        problems = binding_problems(text, set(bindings))
        if problems:
            first = problems[0]
            raise InputError(f"parameter {first}", where, first.line)
        missing = [name for name in bindings if name not in {t.text[1:] for t in tokens(text) if t.kind == "var"}]
        if missing:
            raise InputError(f"the query has no variable ?{missing[0]} for the parameter '{missing[0]}'", where)
    return text, bindings


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
    Outside a checkout (no `root`, no repository above the current directory), the graph and the stored
    queries are the release an installed wheel carries (`icskg.release`). With an endpoint, the stored queries
    come from the repository or the release (none when there is neither).
    """
    settings = settings or Settings.load(root=root)
    if endpoint is None:
        where = repository_or_release(settings.root)
        if isinstance(where, Release):
            built = open_release(where)
        else:
            built = build(settings)
        return KnowledgeGraph(built, catalogue=load_catalogue(where.queries_dir), timeout=timeout or settings.timeout)
    try:
        catalogue = load_catalogue(repository_or_release(settings.root).queries_dir)
    except RepositoryNotFound:
        if root is not None:
            raise
        catalogue = Catalogue()
    backend = EndpointBackend(endpoint, graph=graph, timeout=timeout or DEFAULT_TIMEOUT)
    return KnowledgeGraph(backend=backend, catalogue=catalogue)
