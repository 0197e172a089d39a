"""Typed query parameters: each value becomes an RDF term, or is refused before any query runs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from .catalogue import StoredQuery
from .errors import InputError

# An absolute IRI (with optional fragment) by RFC 3987's grammar (section 2.2), as strict as the stores that
# parse it (Oxigraph rejects a control character, ']' in a path or a bad %-escape with HTTP 400): a value
# they would refuse is an InputError here (exit 2), not an endpoint error. Matched with fullmatch.
_UCS = (
    "\u00a0-\ud7ff\uf900-\ufdcf\ufdf0-\uffef\U00010000-\U0001fffd\U00020000-\U0002fffd\U00030000-\U0003fffd"
    "\U00040000-\U0004fffd\U00050000-\U0005fffd\U00060000-\U0006fffd\U00070000-\U0007fffd\U00080000-\U0008fffd"
    "\U00090000-\U0009fffd\U000a0000-\U000afffd\U000b0000-\U000bfffd\U000c0000-\U000cfffd\U000d0000-\U000dfffd"
    "\U000e1000-\U000efffd"
)
_PRIVATE = "\ue000-\uf8ff\U000f0000-\U000ffffd\U00100000-\U0010fffd"
_PCT = "%[0-9A-Fa-f]{2}"
_UNRESERVED = rf"[A-Za-z0-9\-._~{_UCS}]"
_SUB = r"[!$&'()*+,;=]"
_PCHAR = rf"(?:{_UNRESERVED}|{_PCT}|{_SUB}|[:@])"
_AUTHORITY = (
    rf"(?:(?:{_UNRESERVED}|{_PCT}|{_SUB}|:)*@)?"
    rf"(?:\[[0-9A-Fa-f:.]+\]|\[v[0-9A-Fa-f]+\.(?:[A-Za-z0-9\-._~]|{_SUB}|:)+\]|(?:{_UNRESERVED}|{_PCT}|{_SUB})*)"
    r"(?::[0-9]*)?"
)
_IRI = re.compile(
    rf"[A-Za-z][A-Za-z0-9+.\-]*:"
    rf"(?://{_AUTHORITY}(?:/{_PCHAR}*)*|/(?:{_PCHAR}+(?:/{_PCHAR}*)*)?|{_PCHAR}+(?:/{_PCHAR}*)*|)"
    rf"(?:\?(?:{_PCHAR}|[{_PRIVATE}]|[/?])*)?"
    rf"(?:#(?:{_PCHAR}|[/?])*)?"
)
# \Z, not $: `$` also matches before a final newline, which let 'A:\n' through.
_GYEARMONTH = re.compile(r"^-?\d{4,}-(0[1-9]|1[0-2])\Z")
_GYEAR = re.compile(r"^-?\d{4,}\Z")
_LANGSTRING = re.compile(r"^(?P<text>.*)@(?P<lang>[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*)\Z", re.DOTALL)


def to_term(name: str, kind: str, value) -> URIRef | Literal:
    """The RDF term for one parameter value of the declared kind."""
    text = str(value)
    try:
        if kind == "iri":
            if not _IRI.fullmatch(text):
                raise ValueError("not an absolute IRI")
            return URIRef(text)
        if kind == "string":
            return Literal(text)
        if kind == "langstring":
            match = _LANGSTRING.match(text)
            if not match:
                raise ValueError("expected text@lang, e.g. Dorset@en")
            return Literal(match["text"], lang=match["lang"])
        if kind == "date":
            return Literal(dt.date.fromisoformat(text), datatype=XSD.date)
        if kind == "gyearmonth":
            if not _GYEARMONTH.match(text):
                raise ValueError("expected YYYY-MM")
            return Literal(text, datatype=XSD.gYearMonth)
        if kind == "gyear":
            if not _GYEAR.match(text):
                raise ValueError("expected YYYY")
            return Literal(text, datatype=XSD.gYear)
        if kind == "integer":
            if isinstance(value, bool) or not re.fullmatch(r"[+-]?\d+", text.strip()):
                raise ValueError("not an integer")
            return Literal(int(text), datatype=XSD.integer)
        if kind == "decimal":
            if isinstance(value, bool):
                raise ValueError("not a decimal")
            number = Decimal(text)
            if not number.is_finite():
                raise ValueError("not a finite decimal")
            return Literal(number, datatype=XSD.decimal)
        if kind == "boolean":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError("expected true or false")
            return Literal(lowered in ("true", "1"), datatype=XSD.boolean)
    except (ValueError, InvalidOperation) as error:
        raise InputError(f"parameter '{name}' must be of type {kind}: {error} (got {text!r})") from None
    raise InputError(f"parameter '{name}' has an unknown type {kind!r}")


def bind(query: StoredQuery, values: dict) -> dict[str, URIRef | Literal]:
    """Check names, required parameters and types; return the bindings (defaults applied)."""
    unknown = sorted(set(values) - {p.name for p in query.parameters})
    if unknown:
        known = ", ".join(p.name for p in query.parameters) or "none"
        raise InputError(f"query '{query.name}' has no parameter {', '.join(map(repr, unknown))} (it takes: {known})")
    bindings = {}
    for parameter in query.parameters:
        if parameter.name in values and values[parameter.name] is not None:
            bindings[parameter.name] = to_term(parameter.name, parameter.type, values[parameter.name])
        elif parameter.default is not None:
            bindings[parameter.name] = to_term(parameter.name, parameter.type, parameter.default)
        elif parameter.required:
            raise InputError(f"query '{query.name}' needs parameter '{parameter.name}' ({parameter.type})")
    return bindings


# --- Remote endpoints: the bindings as a VALUES block (SPARQL 1.1 Query, section 10.2.1) -------------
#
# rdflib's initBindings has no counterpart in the SPARQL 1.1 Protocol, so for an endpoint the bindings
# travel as one inline-data row placed first in the query's outermost group: `{ VALUES (?a ?b) { (x y) }`.
# Each value is written by rdflib's own `n3()` serialisation (quotes, backslashes and newlines escaped;
# IRIs were already refused by `to_term` if they hold a character an IRIREF may not), so a value can
# only ever be a value. The rest of the query text is sent unchanged.

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<long>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\")
  | (?P<short>'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<open>\{) | (?P<paren>[()])
    """,
    re.VERBOSE | re.DOTALL,
)


@lru_cache(maxsize=1024)
def where_clause_start(text: str) -> int:
    """Index just after the `{` that opens the WHERE clause of a SELECT or ASK query.

    That is the first `{` outside comments, strings, IRIs and parentheses (a projection such as
    `(EXISTS { ... } AS ?x)` is inside parentheses; a SELECT or ASK has no other group before WHERE).
    """
    depth = 0
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup
        if kind == "paren":
            depth += 1 if match.group() == "(" else -1
        elif kind == "open" and depth == 0:
            return match.end()
    raise InputError("the query has no WHERE clause to bind parameters in")


def values_block(bindings: dict[str, URIRef | Literal]) -> str:
    """`VALUES (?a ?b) { (term term) }`, each term in rdflib's N-Triples-compatible n3() form."""
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a SPARQL variable name")
    variables = " ".join(f"?{name}" for name in names)
    # n3() leaves a tab raw inside a literal; rdflib's own SPARQL parser (pyparsing) would expand it to
    # spaces, so it is written as the \t escape. A tab can only occur in a literal's lexical form.
    terms = " ".join(bindings[name].n3().replace("\t", "\\t") for name in names)
    return f"VALUES ({variables}) {{ ({terms}) }}"


def with_values(text: str, bindings: dict[str, URIRef | Literal]) -> str:
    """The query text with the bindings as a VALUES block first in its WHERE clause (unchanged if none)."""
    if not bindings:
        return text
    at = where_clause_start(text)
    return f"{text[:at]} {values_block(bindings)}{text[at:]}"
