"""`icskg publish`: load the graph (asserted + inferred) into a named graph of a SPARQL store.

How the swap stays atomic. The new version is first uploaded with the SPARQL 1.1 Graph Store HTTP
Protocol (https://www.w3.org/TR/sparql11-http-rdf-update/, sections 5.3 and 5.5: an HTTP PUT, then POSTs
that add to it, BATCH_TRIPLES triples each, every triple with a blank node in one of them) into a fresh,
private staging graph (`urn:uuid:...`). Only then does one SPARQL 1.1 Update request
(https://www.w3.org/TR/sparql11-update/, section 3.2.5: MOVE) replace the published graph with it:
`MOVE <staging> TO <graph>`. A reader therefore sees either the old graph or the whole new one,
never a half-loaded graph, provided the store applies one update request atomically. Oxigraph does
("updates are applied in a transactional manner: either the full operation succeeds, or nothing is
written", pyoxigraph `Store.update`); a single large PUT straight into the published graph would
not have that guarantee everywhere (a store may clear the graph first, then stream in the triples),
and a slow upload would leave readers looking at an empty or partial graph in the meantime. If the
upload or the MOVE fails, the staging graph is dropped (by SPARQL Update, else by the Graph Store
Protocol's DELETE) and the published graph is left as it was; if neither protocol works, the error
names the staging graph so that it can be removed by hand. Given the query URL, the staging graph is
counted before the MOVE: a store that answered the upload with success yet kept fewer triples than were
sent is refused, and the published graph stays as it was.
"""

from __future__ import annotations

import http.client
import socket
import sys
import urllib.parse
import uuid
from collections.abc import Callable
from dataclasses import dataclass

from ..deadline import DeadlineExceeded, within
from ..errors import EndpointError, InputError
from ..namespaces import DEFAULT_GRAPH
from ..query.params import to_term
from ..query.remote import DEFAULT_TIMEOUT, check_url, excerpt

CHUNK = 64 * 1024
NTRIPLES = "application/n-triples"
BATCH_TRIPLES = 100_000
"""Triples per upload request: a large graph goes up in several requests (a PUT, then POSTs that add to the
staging graph), so no single request or server transaction has to hold the whole graph."""


@dataclass(frozen=True)
class Published:
    graph: str
    triples: int
    bytes: int


def update_url_for(query_url: str) -> str:
    """Oxigraph (and Fuseki's /ds/query -> /ds/update) name the update service next to the query service."""
    parsed = urllib.parse.urlparse(query_url)
    if parsed.path.endswith("/query"):
        return urllib.parse.urlunparse(parsed._replace(path=parsed.path[: -len("query")] + "update", query=""))
    if parsed.path.endswith("/sparql"):
        return query_url
    raise InputError(f"cannot tell the update URL from {query_url!r}: give --update")


def _send(method: str, url: str, body: bytes, content_type: str, timeout: float, progress=None) -> None:
    """One request, within `timeout` for the whole exchange (a deadline, not a per-read limit)."""
    opened: list[http.client.HTTPConnection] = []
    try:
        exchange = lambda: _exchange(method, url, body, content_type, timeout, progress, opened)  # noqa: E731
        within(timeout, f"{method} {url}", exchange)
    except DeadlineExceeded:
        for connection in opened:  # the worker's blocked read ends at once (close() would wait for it)
            if connection.sock is not None:
                try:
                    connection.sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        raise EndpointError(f"{url} did not answer within {timeout:g} s") from None


def _exchange(
    method: str,
    url: str,
    body: bytes,
    content_type: str,
    timeout: float,
    progress: Callable[[int], None] | None = None,
    opened: list | None = None,
) -> None:
    parsed = urllib.parse.urlparse(url)
    connection_class = http.client.HTTPSConnection if parsed.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parsed.netloc, timeout=timeout)
    if opened is not None:
        opened.append(connection)
    target = parsed.path or "/"
    if parsed.query:
        target += "?" + parsed.query
    try:
        connection.putrequest(method, target)
        connection.putheader("Content-Type", content_type)
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        for start in range(0, len(body), CHUNK):
            chunk = body[start : start + CHUNK]
            connection.send(chunk)
            if progress:
                progress(len(chunk))
        response = connection.getresponse()
        answer = response.read()
    except ConnectionRefusedError:
        raise EndpointError(f"cannot reach {url}: connection refused (is the server running?)") from None
    except TimeoutError:
        raise EndpointError(f"{url} did not answer within {timeout:g} s") from None
    except (http.client.HTTPException, OSError) as error:
        raise EndpointError(f"{method} {url} failed: {error or type(error).__name__}") from None
    finally:
        connection.close()
    if not 200 <= response.status < 300:
        raise EndpointError(f"{method} {url} answered HTTP {response.status} {response.reason}: {excerpt(answer)}")


def _update(update_url: str, text: str, timeout: float) -> None:
    _send("POST", update_url, text.encode("utf-8"), "application/sparql-update", timeout)


def publish(
    graph: bytes,
    *,
    store: str,
    update: str,
    graph_iri: str = DEFAULT_GRAPH,
    timeout: float = DEFAULT_TIMEOUT,
    progress: bool = False,
    query: str | None = None,
    batch_triples: int = BATCH_TRIPLES,
) -> Published:
    """Replace `graph_iri` at the store with `graph` (N-Triples, as BuiltGraph.ntriples gives it), atomically
    (see the module docstring). With `query` (the store's SPARQL query URL), the staging graph is counted
    before the swap, and a store that kept fewer triples than were sent is refused. `timeout` is the deadline
    of each request."""
    check_url(store, "graph store URL")
    check_url(update, "update URL")
    if query is not None:
        check_url(query, "query URL")
    graph_iri = to_term("graph", "iri", graph_iri).value  # an absolute IRI, safe inside <...>
    body, triples = graph, graph.count(b"\n")
    staging = f"urn:uuid:{uuid.uuid4()}"
    separator = "&" if urllib.parse.urlparse(store).query else "?"
    staging_url = f"{store}{separator}{urllib.parse.urlencode({'graph': staging})}"
    try:
        if progress:
            import click

            with click.progressbar(length=len(body), label=f"uploading {triples} triples", file=sys.stderr) as bar:
                _upload(staging_url, body, batch_triples, timeout, bar.update)
        else:
            _upload(staging_url, body, batch_triples, timeout)
        if query is not None:
            _check_staged(query, staging, triples, timeout)
        _update(update, f"MOVE <{staging}> TO <{graph_iri}>", timeout)
    except EndpointError as failure:
        if not _drop(staging, store, update, timeout):
            raise EndpointError(
                f"{failure}; the staging graph <{staging}> may be left in the store and could not be removed "
                f"through either protocol: remove it with DROP GRAPH <{staging}>"
            ) from None
        raise
    return Published(graph_iri, triples, len(body))


def batches(ntriples: bytes, size: int) -> list[bytes]:
    """N-Triples in documents of at most `size` triples, except that every triple with a blank node goes in one
    document of its own: a blank-node label names the same node only within one document (RDF 1.1 N-Triples,
    section 2.4), so splitting them apart would split a node. A literal that merely contains "_:" is put with
    them too, which costs nothing but a larger document."""
    if size < 1:
        raise InputError(f"the batch size must be a positive number of triples (got {size})")
    lines = ntriples.splitlines(keepends=True)
    plain = [line for line in lines if not _mentions_blank_node(line)]
    blank = [line for line in lines if _mentions_blank_node(line)]
    documents = [b"".join(plain[start : start + size]) for start in range(0, len(plain), size)]
    if blank:
        documents.append(b"".join(blank))
    return documents or [b""]


def _mentions_blank_node(line: bytes) -> bool:
    return line.startswith(b"_:") or b" _:" in line


def _upload(staging_url: str, body: bytes, batch_triples: int, timeout: float, progress=None) -> None:
    """The first document replaces the staging graph (PUT), the others add to it (POST), each within `timeout`."""
    for number, document in enumerate(batches(body, batch_triples)):
        _send("PUT" if number == 0 else "POST", staging_url, document, NTRIPLES, timeout, progress)


def _check_staged(query: str, staging: str, sent: int, timeout: float) -> None:
    """The staging graph holds every triple sent: a store that answered the upload with 2xx yet kept less
    (a body cut short, a silent limit) fails here, before anything readers see has changed."""
    from ..query.remote import RemoteBackend

    text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{staging}> {{ ?s ?p ?o }} }}"
    rows = list(RemoteBackend(query, timeout=timeout).result(text, "SELECT"))
    held = int(rows[0][0]) if rows and rows[0][0] is not None else 0
    if held != sent:
        raise EndpointError(f"the store kept {held} of the {sent} triples uploaded; the published graph is unchanged")


def _drop(staging: str, store: str, update: str, timeout: float) -> bool:
    """Remove the staging graph through whichever protocol still works: SPARQL Update, else the Graph Store
    Protocol's DELETE (a 404 there means there is nothing to remove). False if neither could."""
    try:
        _update(update, f"DROP SILENT GRAPH <{staging}>", timeout)
        return True
    except EndpointError:
        pass
    separator = "&" if urllib.parse.urlparse(store).query else "?"
    try:
        _send("DELETE", f"{store}{separator}{urllib.parse.urlencode({'graph': staging})}", b"", NTRIPLES, timeout)
        return True
    except EndpointError as error:
        return "HTTP 404" in str(error)
