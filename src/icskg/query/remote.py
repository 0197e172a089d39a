"""The remote backend: stored and ad-hoc queries against any SPARQL 1.1 endpoint, through SPARQLWrapper.

Requests follow the SPARQL 1.1 Protocol (https://www.w3.org/TR/sparql11-protocol/#query-operation):
a URL-encoded POST with the query, and `default-graph-uri` naming the graph `icskg publish` loads
(so a query's default graph is the published graph). Parameters arrive as a VALUES block placed
first in the WHERE clause (`icskg.params.with_values`); the rest of the text is sent unchanged.

SELECT and ASK answers are read as SPARQL 1.1 Query Results JSON
(https://www.w3.org/TR/sparql11-results-json/) by rdflib's own results parser, so rows come out as the
same Python values as from the embedded graph. Every failure is an EndpointError (exit code 3) saying
what went wrong: unreachable, timed out, an HTTP error (status and the start of the body), or a
response that is not what the protocol promises, or an answer the server says it cut short (Virtuoso's
X-SPARQL-MaxRows). CSV, TSV and JSON documents are the endpoint's own,
passed through as a stream (icskg.query.stream), so a large answer needs no more memory than a chunk.
"""

from __future__ import annotations

import ast
import io
import socket
import urllib.error
import urllib.parse
from contextlib import contextmanager
from http.client import HTTPException
from typing import BinaryIO

from rdflib import Graph
from rdflib.query import Result
from SPARQLWrapper import POST, URLENCODED, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import (
    EndPointInternalError,
    EndPointNotFound,
    QueryBadFormed,
    SPARQLWrapperException,
    Unauthorized,
    URITooLong,
)

from ..deadline import DeadlineExceeded, within
from ..errors import EndpointError, InputError
from ..settings import ENDPOINT_TIMEOUT
from ..terminal import printable
from .scope import FORMS, query_form
from .stream import CHUNK, Sink, check_format, write_within

DEFAULT_TIMEOUT = ENDPOINT_TIMEOUT
BODY_EXCERPT = 300

ACCEPT = {
    "json": "application/sparql-results+json",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
    "turtle": "text/turtle",
}
EXPECTED = {"json": "json", "csv": "csv", "tsv": "tab-separated-values"}
"""What the content type of each streamed format must contain."""
_STATUS = {QueryBadFormed: 400, Unauthorized: 401, EndPointNotFound: 404, URITooLong: 414, EndPointInternalError: 500}


def excerpt(body: bytes | str | None) -> str:
    if body is None:
        return ""
    text = body.decode("utf-8", errors="replace") if isinstance(body, bytes) else str(body)
    text = printable(" ".join(text.split()))
    return text if len(text) <= BODY_EXCERPT else text[:BODY_EXCERPT] + "..."


def check_url(url: str, what: str = "endpoint") -> str:
    parsed = urllib.parse.urlparse(url)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(f"the {what} must be an http(s) URL (got {url!r})")
    return url


class RemoteBackend:
    """One SPARQL 1.1 query endpoint; `graph` is sent as default-graph-uri (None: the endpoint's default)."""

    def __init__(self, endpoint: str, *, graph: str | None = None, timeout: float = DEFAULT_TIMEOUT):
        self.endpoint = check_url(endpoint)
        self.graph = graph
        if not timeout or timeout <= 0:
            raise InputError(f"the timeout must be a positive number of seconds (got {timeout!r})")
        self.timeout = float(timeout)

    def __repr__(self) -> str:
        return f"RemoteBackend({self.endpoint!r}, graph={self.graph!r}, timeout={self.timeout})"

    def request(self, text: str, accept: str, timeout: float | None = None) -> tuple[str, bytes]:
        """Send one query; the response's content type and body, all within the timeout (a deadline for the
        whole call: an endpoint that answers one byte a second is stopped too). Failures are EndpointError."""
        seconds = timeout or self.timeout
        try:
            return within(seconds, f"{self.endpoint}", lambda: self._request(text, accept))
        except DeadlineExceeded:
            raise EndpointError(f"{self.endpoint} did not answer within {seconds:g} s") from None

    def _request(self, text: str, accept: str) -> tuple[str, bytes]:
        with self._translated():
            response = self._open(text, accept)
            return content_type(response), response.read()

    def _open(self, text: str, accept: str):
        """The HTTP response to one query (SPARQL 1.1 Protocol: URL-encoded POST), its body not yet read."""
        wrapper = SPARQLWrapper(self.endpoint)
        wrapper.setMethod(POST)
        wrapper.setRequestMethod(URLENCODED)
        wrapper.setOnlyConneg(True)
        wrapper.setQuery(text)
        # SPARQLWrapper guesses the form from the first keyword it finds, comments included, so a header comment
        # with "(inAdditionTo" sent a SELECT as an update ("ADD"); icskg's tokenizer skips comments and strings.
        form = query_form(text)
        if form in FORMS:
            wrapper.queryType = form
        wrapper.addCustomHttpHeader("Accept", accept)
        if self.graph:
            wrapper.addDefaultGraph(self.graph)
        wrapper.timeout = self.timeout  # setTimeout() truncates to whole seconds
        response = wrapper.query().response
        refuse_truncated(response, self.endpoint)
        return response

    @contextmanager
    def _translated(self):
        """Whatever goes wrong talking to the endpoint, as an EndpointError that says what."""
        where = self.endpoint
        try:
            yield
        except SPARQLWrapperException as error:
            status = getattr(error.__context__, "code", None) or _STATUS.get(type(error))
            raise EndpointError(f"{where} answered HTTP {status}: {excerpt(_response_of(error))}") from None
        except urllib.error.HTTPError as error:
            raise EndpointError(f"{where} answered HTTP {error.code} {error.reason}: {excerpt(error.read())}") from None
        except urllib.error.URLError as error:
            raise EndpointError(f"cannot reach {where}: {_reason(error.reason, self.timeout)}") from None
        except TimeoutError:
            raise EndpointError(f"{where} did not answer within {self.timeout:g} s") from None
        except (HTTPException, ConnectionError, OSError) as error:
            raise EndpointError(
                f"{where} sent a malformed or broken response: {_reason(error, self.timeout)}"
            ) from None

    def result(self, text: str, form: str | None = None, timeout: float | None = None) -> Result:
        """The answer to a query as an rdflib Result (SELECT/ASK via JSON; CONSTRUCT/DESCRIBE via Turtle)."""
        form = form or query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            kind, body = self.request(text, ACCEPT["turtle"] + ", application/n-triples;q=0.9", timeout)
            graph = Graph()
            try:
                graph.parse(data=body.decode("utf-8"), format="nt" if "n-triples" in kind else "turtle")
            except Exception as error:
                raise EndpointError(f"{self.endpoint} sent a malformed graph ({kind}): {error}") from None
            result = Result(form)
            result.graph = graph
            return result
        kind, body = self.request(text, ACCEPT["json"], timeout)
        if "json" not in kind:
            raise EndpointError(
                f"{self.endpoint} answered with {kind or 'no content type'}, not SPARQL results JSON: {excerpt(body)}"
            )
        try:
            result = Result.parse(io.BytesIO(body), format="json")
            if result.type == "SELECT":
                result.bindings  # noqa: B018 - parse every binding now, so a bad one fails here
        except Exception as error:
            raise EndpointError(
                f"{self.endpoint} sent malformed SPARQL results JSON ({error!r}): {excerpt(body)}"
            ) from None
        return result

    def stream(self, text: str, fmt: str, out: BinaryIO, timeout: float | None = None) -> None:
        """Pass the endpoint's own results document (SPARQL 1.1 CSV, TSV or JSON) through to `out`, chunk by
        chunk, all within the deadline; a response in another format is refused before anything is written."""
        check_format(fmt)
        seconds = timeout or self.timeout
        sink = Sink(out)

        def copy() -> None:
            with self._translated():
                response = self._open(text, ACCEPT[fmt])
                kind = content_type(response)
                if EXPECTED[fmt] not in kind:
                    raise EndpointError(
                        f"{self.endpoint} answered with {kind or 'no content type'}, not {fmt}: "
                        f"{excerpt(response.read(BODY_EXCERPT))}"
                    )
            while True:
                with self._translated():
                    chunk = response.read(CHUNK)
                if not chunk:
                    missing = getattr(response, "length", None)  # what Content-Length promised and never came
                    if missing:
                        raise EndpointError(
                            f"{self.endpoint} sent a malformed or broken response: {missing} bytes short"
                        )
                    return
                sink.write(chunk)  # an error writing the output is the reader's, not the endpoint's

        try:
            write_within(seconds, self.endpoint, sink, copy)
        except DeadlineExceeded:
            raise EndpointError(f"{self.endpoint} did not answer within {seconds:g} s (in full)") from None


def refuse_truncated(response, endpoint: str) -> None:
    """Virtuoso cuts an answer at its ResultSetMaxRows (10,000 in Debian's virtuoso.ini) and says so only
    in a response header, X-SPARQL-MaxRows: a cut answer is refused, never returned as if whole."""
    limit = response.headers.get("X-SPARQL-MaxRows")
    if limit is not None:
        response.close()
        raise EndpointError(
            f"{endpoint} cut the answer at {printable(limit)} rows (its result-size limit, Virtuoso's "
            "ResultSetMaxRows in the [SPARQL] section of virtuoso.ini): raise the limit, or narrow the query"
        )


def content_type(response) -> str:
    return (response.headers.get("Content-Type", "") or "").split(";")[0].strip().lower()


def _response_of(error: SPARQLWrapperException) -> bytes | str:
    message = str(error)
    marker = "Response:\n"
    if marker not in message:
        return ""
    tail = message.split(marker, 1)[1]
    try:
        return ast.literal_eval(tail)
    except (ValueError, SyntaxError):
        return tail


def _reason(reason, timeout: float) -> str:
    if isinstance(reason, ConnectionRefusedError):
        return "connection refused (is the server running?)"
    if isinstance(reason, (TimeoutError, socket.timeout)):
        return f"no answer within {timeout:g} s"
    if isinstance(reason, socket.gaierror):
        return f"unknown host ({reason.strerror})"
    return str(reason) or type(reason).__name__
