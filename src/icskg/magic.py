"""IPython magics: `%%sparql` runs the cell's SPARQL, `%sparql_stored` runs a stored query by name.

    %load_ext icskg
    %%sparql                                   # against the graph built in this kernel (once, then reused)
    SELECT ?name WHERE { ?p a icskg:Partnership ; skos:prefLabel ?name }

    %%sparql --endpoint http://127.0.0.1:7878/query --out df
    ...                                        # a SPARQL 1.1 endpoint; the DataFrame also goes to `df`

    %sparql_stored second_wave_partnerships wave=https://w3id.org/icskg/id/wave/ics-second-wave

A SELECT shows a pandas DataFrame, an ASK a bool, a CONSTRUCT or DESCRIBE an rdflib Graph. The
prefixes icskg binds (`icskg.namespaces.PREFIXES`) are declared for the cell unless it declares them
itself. An icskg error (bad SPARQL, unknown query or parameter, endpoint failure) is a UsageError: one
line, no traceback, and the cell fails. Options (both magics): `--kg NAME` uses a `KnowledgeGraph` from
the notebook's namespace, `--endpoint URL` (with `--graph IRI`, `--timeout S`) a remote one, `--root DIR`
the repository, `--out NAME` stores the result in a variable. IPython is imported only when the extension is loaded.
"""

from __future__ import annotations

import shlex

from .errors import IcskgError, InputError
from .query.scope import with_prefixes


def parse_params(words: list[str]) -> dict[str, str]:
    """`name=value` words as a dict (the value as typed; icskg.params checks and converts it)."""
    values: dict[str, str] = {}
    for word in words:
        name, equals, value = word.partition("=")
        if not equals or not name:
            raise InputError(f"expected name=value, got {word!r}")
        if name in values:
            raise InputError(f"parameter {name!r} given twice")
        values[name] = value
    return values


class GraphCache:
    """One KnowledgeGraph per (root, endpoint, graph, timeout), opened on first use."""

    def __init__(self):
        self._open: dict[tuple, object] = {}

    def get(self, root=None, endpoint=None, graph=None, timeout=None):
        from .api import open_graph
        from .namespaces import DEFAULT_GRAPH
        from .query.remote import DEFAULT_TIMEOUT

        graph = DEFAULT_GRAPH if graph is None else (graph or None)
        timeout = DEFAULT_TIMEOUT if timeout is None else timeout
        key = (root, endpoint, graph if endpoint else None, timeout if endpoint else None)
        if key not in self._open:
            if endpoint:
                self._open[key] = open_graph(root, endpoint=endpoint, graph=graph, timeout=timeout)
            else:
                self._open[key] = open_graph(root)
        return self._open[key]


def _shaped(result):
    """A DataFrame for a SELECT (pandas imported lazily), else the value as the API gives it."""
    from .query.results import DATAFRAME, shaped

    return shaped(result, DATAFRAME)


def _magics_class():
    """The Magics class, defined only once IPython is importable."""
    from IPython.core.error import UsageError
    from IPython.core.magic import Magics, cell_magic, line_magic, magics_class
    from IPython.core.magic_arguments import argument, magic_arguments

    def parse_argstring(magic, line: str):
        """Like IPython's parse_argstring, but with POSIX shell quoting, so text="two words" is one value."""
        try:
            words = shlex.split(line)
        except ValueError as error:
            raise UsageError(f"icskg: {error}") from None
        return magic.parser.parse_args(words)

    def common(function):
        for decorator in reversed(
            [
                argument("--kg", help="A KnowledgeGraph variable of the notebook to query."),
                argument("--endpoint", help="A SPARQL 1.1 query URL, instead of the graph built in this kernel."),
                argument("--graph", help="With --endpoint: the named graph to query ('' for the default graph)."),
                argument("--timeout", type=float, help="With --endpoint: seconds to wait."),
                argument("--root", help="The icskg repository (default: the one holding the current folder)."),
                argument("--out", help="Also store the result in this variable."),
            ]
        ):
            function = decorator(function)
        return function

    @magics_class
    class SparqlMagics(Magics):
        def __init__(self, shell):
            super().__init__(shell)
            self.graphs = GraphCache()

        def _kg(self, args):
            if args.kg:
                try:
                    return self.shell.user_ns[args.kg]
                except KeyError:
                    raise InputError(f"no variable {args.kg!r} in the notebook") from None
            return self.graphs.get(args.root, args.endpoint, args.graph, args.timeout)

        def _finish(self, args, value):
            if args.out:
                self.shell.user_ns[args.out] = value
            return value

        @magic_arguments()
        @common
        @cell_magic
        def sparql(self, line, cell):
            """Run the cell's SPARQL query; show a DataFrame (SELECT), a bool (ASK) or a Graph."""
            args = parse_argstring(self.sparql, line)
            try:
                kg = self._kg(args)
                return self._finish(args, _shaped(kg.sparql_result(with_prefixes(cell))))
            except IcskgError as error:
                raise UsageError(f"icskg: {error}") from None

        @magic_arguments()
        @common
        @argument("name", help="The stored query (see `icskg queries`).")
        @argument("params", nargs="*", help="Parameters as name=value.")
        @line_magic
        def sparql_stored(self, line):
            """Run a stored query by name with name=value parameters; show a DataFrame."""
            args = parse_argstring(self.sparql_stored, line)
            try:
                kg = self._kg(args)
                values = parse_params(args.params)
                return self._finish(args, _shaped(kg.query_result(args.name, **values)))
            except IcskgError as error:
                raise UsageError(f"icskg: {error}") from None

    return SparqlMagics


def load_ipython_extension(ipython) -> None:
    """`%load_ext icskg`: register `%%sparql` and `%sparql_stored`."""
    ipython.register_magics(_magics_class())


__all__ = ["GraphCache", "load_ipython_extension", "parse_params", "with_prefixes"]
