"""Typed query parameters: each value becomes an RDF term, or is refused before any query runs."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..errors import InputError
from .scope import where_clause_start

XSD = "http://www.w3.org/2001/XMLSchema#"

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


def to_term(name: str, kind: str, value) -> ox.NamedNode | ox.Literal:
    """The RDF term for one parameter value of the declared kind (an InputError if it is not one)."""
    text = utf8_text(f"parameter '{name}'", str(value))
    try:
        if kind == "iri":
            text = expand_prefixed(text)
            if not _IRI.fullmatch(text):
                raise ValueError("not an absolute IRI (nor a prefixed name with one of icskg's prefixes)")
            return ox.NamedNode(text)
        if kind == "string":
            return ox.Literal(text)
        if kind == "langstring":
            match = _LANGSTRING.match(text)
            if not match:
                raise ValueError("expected text@lang, e.g. Dorset@en")
            return ox.Literal(match["text"], language=match["lang"].lower())
        if kind == "date":
            return _typed(dt.date.fromisoformat(text).isoformat(), "date")
        if kind == "gyearmonth":
            if not _GYEARMONTH.match(text):
                raise ValueError("expected YYYY-MM")
            return _typed(text, "gYearMonth")
        if kind == "gyear":
            if not _GYEAR.match(text):
                raise ValueError("expected YYYY")
            return _typed(text, "gYear")
        if kind == "integer":
            if isinstance(value, bool) or not re.fullmatch(r"[+-]?\d+", text.strip()):
                raise ValueError("not an integer")
            return _typed(str(int(text)), "integer")
        if kind == "decimal":
            if isinstance(value, bool):
                raise ValueError("not a decimal")
            number = Decimal(text)
            if not number.is_finite():
                raise ValueError("not a finite decimal")
            return _typed(_decimal(number), "decimal")
        if kind == "boolean":
            lowered = text.lower()
            if lowered not in ("true", "false", "1", "0"):
                raise ValueError("expected true or false")
            return _typed("true" if lowered in ("true", "1") else "false", "boolean")
    except (ValueError, InvalidOperation) as error:
        raise InputError(f"parameter '{name}' must be of type {kind}: {error} (got {text!r})") from None
    raise InputError(f"parameter '{name}' has an unknown type {kind!r}")


def utf8_text(what: str, text: str) -> str:
    """`text` if it can be written as UTF-8; a str holding surrogate escapes (bytes that were not UTF-8, as
    Python passes them on from a command line or a file name) is an InputError naming `what`."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(f"{what} is not UTF-8 text") from None
    return text


def expand_prefixed(text: str) -> str:
    """`wave:ics-second-wave` as its full IRI when the prefix is one of icskg's (icskg.namespaces.PREFIXES)."""
    from ..namespaces import PREFIXES

    prefix, colon, local = text.partition(":")
    if colon and prefix in PREFIXES and not local.startswith("//") and re.fullmatch(r"[\w.%-]*", local):
        return PREFIXES[prefix] + local
    return text


def ad_hoc_term(name: str, text: str) -> ox.NamedNode | ox.Literal:
    """A value for an ad-hoc query's parameter, typed by how it is written: `<iri>` or a prefixed name is an
    IRI, a Turtle literal (`"x"@en`, `"5"^^xsd:integer`) is that literal, anything else a plain string."""
    from ..namespaces import PREFIXES

    utf8_text(f"parameter '{name}'", text)
    if text.startswith("<") and text.endswith(">"):
        return to_term(name, "iri", text[1:-1])
    if text.startswith('"'):
        declared = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items())
        try:
            quads = list(ox.parse(f"{declared}<urn:x:s> <urn:x:p> {text} .".encode(), format=ox.RdfFormat.TURTLE))
        except SyntaxError:
            raise InputError(f"parameter '{name}': {text!r} is not a Turtle literal") from None
        return quads[0].object
    expanded = expand_prefixed(text)
    return ox.NamedNode(expanded) if expanded != text else ox.Literal(text)


def _typed(lexical: str, datatype: str) -> ox.Literal:
    return ox.Literal(lexical, datatype=ox.NamedNode(XSD + datatype))


def _decimal(number: Decimal) -> str:
    """The canonical xsd:decimal lexical form: digits, a point, at least one digit after it."""
    text = format(number, "f")
    if "." not in text:
        text += ".0"
    return text


def bind(query, values: dict) -> dict[str, ox.NamedNode | ox.Literal]:
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


# --- The one binding rule: a VALUES block first in the WHERE clause (SPARQL 1.1 Query, 10.2.1) ---------
#
# Every backend, the embedded store and any SPARQL 1.1 endpoint, gets the same text: the stored query
# with one single-row VALUES block per parameter placed first in its outermost group,
# `{ VALUES ?a { x } VALUES ?b { y }`. Each value
# is written in N-Triples syntax (quotes, backslashes and line breaks escaped; IRIs were already refused
# by `to_term` if they hold a character an IRIREF may not), so a value can only ever be a value. A
# query whose parameter this cannot bind is refused when the catalogue loads (icskg.query.scope).


def values_block(bindings: dict) -> str:
    """`VALUES ?a { term } VALUES ?b { term }`, one single-row block per parameter, each term in N-Triples
    syntax (Oxigraph's, which escapes quotes, backslashes and line breaks in literals). The join of one-row
    blocks is the one row `VALUES (?a ?b) { (term term) }` would give; Virtuoso 7.2 fails to compile some
    queries with that multi-variable form (docs/servers.md, V14), and answers this one."""
    names = list(bindings)
    for name in names:
        if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", name):
            raise InputError(f"{name!r} is not a SPARQL variable name")
    return " ".join(f"VALUES ?{name} {{ {_sparql(bindings[name])} }}" for name in names)


def _sparql(term) -> str:
    """A term as SPARQL text; a tab in a literal is written as the \\t escape (some parsers expand raw tabs)."""
    return str(term).replace("\t", "\\t")


def with_values(text: str, bindings: dict) -> str:
    """The query text with the bindings as a VALUES block first in its WHERE clause (unchanged if none)."""
    if not bindings:
        return text
    at = where_clause_start(text)
    return f"{text[:at]} {values_block(bindings)}{text[at:]}"
