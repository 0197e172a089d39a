"""The embedded backend: queries answered by the build's own Oxigraph store (asserted + inferred).

Parameters arrive as the same VALUES block a remote endpoint gets (icskg.query.params, the one binding
rule), and solutions are turned into rdflib Results term by term (icskg.terms), so Python values are
exactly those of the remote path, which reads SPARQL 1.1 Results JSON with rdflib.
"""

from __future__ import annotations

import pyoxigraph as ox

from ..build.graph import BuiltGraph
from ..deadline import within
from ..terms import rdflib_graph, to_rdflib
from .params import with_values
from .results import serialize
from .scope import query_form

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

    def raw(self, text: str, bindings: dict | None, fmt: str) -> bytes:
        return serialize(self.run(text, bindings), fmt)
