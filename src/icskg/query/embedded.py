"""The embedded backend: queries answered by the build's own Oxigraph store (asserted + inferred).

Parameters arrive as the same VALUES block a remote endpoint gets (icskg.query.params, the one binding
rule), and solutions are turned into rdflib Results term by term (icskg.terms), so Python values are
exactly those of the remote path, which reads SPARQL 1.1 Results JSON with rdflib. CSV, TSV and JSON
documents are Oxigraph's own, written as a stream (icskg.query.stream).
"""

from __future__ import annotations

from typing import BinaryIO

import pyoxigraph as ox

from ..build.graph import BuiltGraph
from ..deadline import within
from ..terms import rdflib_graph, to_rdflib
from .params import with_values
from .results import graph_document
from .scope import query_form
from .stream import OXIGRAPH_FORMATS, Sink, check_format, write_within

DEFAULT_TIMEOUT = 120.0
"""Seconds an in-process query may take (Settings.timeout, ICSKG_TIMEOUT, --timeout)."""


class EmbeddedBackend:
    def __init__(self, graph: BuiltGraph, timeout: float = DEFAULT_TIMEOUT):
        self.built = graph
        self.timeout = timeout

    def __repr__(self) -> str:
        return f"EmbeddedBackend({self.built!r})"

    def run(self, text: str, bindings: dict | None = None, form: str | None = None, timeout: float | None = None):
        """The answer as an rdflib Result, evaluated within the time limit (Ctrl-C stops the wait)."""
        sent = with_values(text, bindings or {})
        return within(timeout or self.timeout, "the query", lambda: self._result(sent, form or query_form(text)))

    def _result(self, text: str, form: str):
        from rdflib import Variable
        from rdflib.query import Result

        answer = self.built.query(text)
        result = Result(form)
        if isinstance(answer, ox.QueryBoolean):
            result.askAnswer = bool(answer)
            return result
        if isinstance(answer, ox.QueryTriples):
            result.graph = rdflib_graph(answer)
            return result
        variables = [Variable(variable.value) for variable in answer.variables]
        result.vars = variables
        result.bindings = [
            {variable: to_rdflib(term) for variable, term in zip(variables, solution, strict=True) if term is not None}
            for solution in answer
        ]
        return result

    def stream(self, text: str, bindings: dict | None, fmt: str, out: BinaryIO, timeout: float | None = None) -> None:
        """Write the answer to `out` as Oxigraph serialises it (SPARQL 1.1 CSV, TSV or JSON), chunk by chunk,
        within the time limit; a graph (CONSTRUCT, DESCRIBE) is written whole, as JSON-LD."""
        check_format(fmt)
        form = query_form(text)
        if form in ("CONSTRUCT", "DESCRIBE"):
            out.write(graph_document(self.run(text, bindings, form, timeout), fmt))
            return
        sent = with_values(text, bindings or {})
        sink = Sink(out)

        def write() -> None:
            self.built.query(sent).serialize(sink, OXIGRAPH_FORMATS[fmt])

        write_within(timeout or self.timeout, "the query", sink, write)
