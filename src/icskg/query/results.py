"""Query results as Python values, a pandas DataFrame, a text table, or (a graph) JSON-LD.

Both backends hand over an rdflib `Result` (the remote one parses the endpoint's SPARQL 1.1 Query
Results JSON with rdflib's own parser), so one conversion serves both and the same query gives the
same Python values whichever backend ran it.
"""

from __future__ import annotations

from rdflib import Literal
from rdflib.query import Result
from rdflib.term import Node

ROWS, DATAFRAME = "rows", "dataframe"
RESULT_SHAPES = (ROWS, DATAFRAME)


def python_value(term: Node | None):
    """A term as a Python value: typed literals via rdflib's `Literal.toPython()` (int, Decimal,
    date, bool, ...); literals without a Python type (language-tagged, xsd:gYear, custom datatypes,
    ill-typed) as their lexical form (str); IRIs as rdflib URIRefs (a str subclass); None if unbound."""
    if term is None:
        return None
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return term


def variables(result: Result) -> list[str]:
    return [str(v) for v in (result.vars or [])]


def rows(result: Result) -> list[dict]:
    """One dict per solution, keyed by the projected variables (unbound ones are None)."""
    names = variables(result)
    return [{n: python_value(t) for n, t in zip(names, row, strict=True)} for row in result]


def shaped(result: Result, as_: str = ROWS):
    """SELECT: rows (list of dicts) or a DataFrame; ASK: a bool; CONSTRUCT/DESCRIBE: an rdflib Graph."""
    if result.type == "ASK":
        return bool(result.askAnswer)
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        return result.graph
    if as_ == DATAFRAME:
        return dataframe(result)
    if as_ != ROWS:
        from ..errors import InputError

        raise InputError(f"as_ must be one of {', '.join(RESULT_SHAPES)} (got {as_!r})")
    return rows(result)


def dataframe(result: Result):
    """The solutions as a pandas DataFrame, one column per projected variable (pandas imported lazily)."""
    try:
        import pandas as pd
    except ImportError:  # pragma: no cover - depends on the environment
        raise ImportError("DataFrames need pandas: pip install 'icskg[pandas]'") from None
    names = variables(result)
    return pd.DataFrame(rows(result), columns=names)


def _cell(term) -> str:
    """A term as a table cell: an IRI by its prefixed name where one fits, control characters escaped."""
    from rdflib import URIRef

    from ..namespaces import shorten
    from ..terminal import printable

    if term is None:
        return ""
    text = shorten(str(term)) if isinstance(term, URIRef) else str(python_value(term))
    return printable(text).replace("\n", "\\n")


def text_table(result: Result) -> str:
    """A plain-text table for people (not a format to parse: use csv or json for that): IRIs compacted with
    icskg's prefixes, control characters and line breaks escaped."""
    from ..namespaces import bind_prefixes
    from ..terminal import printable

    if result.type == "ASK":
        return "true" if result.askAnswer else "false"
    if result.type in ("CONSTRUCT", "DESCRIBE"):
        bind_prefixes(result.graph)
        return printable(result.graph.serialize(format="turtle").rstrip("\n"))
    names = variables(result)
    cells = [[_cell(term) for term in row] for row in result]
    widths = [max([len(n)] + [len(c[i]) for c in cells]) for i, n in enumerate(names)]
    lines = ["  ".join(n.ljust(w) for n, w in zip(names, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    lines.append(f"({len(cells)} row{'s' if len(cells) != 1 else ''})")
    return "\n".join(lines)


def graph_document(result: Result, fmt: str) -> bytes:
    """A CONSTRUCT or DESCRIBE answer in the one format besides the table's Turtle: JSON-LD, compacted with
    icskg's prefixes as its `@context` (as `icskg export -f jsonld`)."""
    from ..errors import InputError
    from ..namespaces import PREFIXES

    if fmt != "json":
        raise InputError("a CONSTRUCT or DESCRIBE result is a graph: use the table (Turtle) or json (JSON-LD) format")
    return result.graph.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True, encoding="utf-8")
