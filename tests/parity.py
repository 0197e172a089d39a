"""Comparing a stored query's answer from two backends, as RDF terms (shared by every server's parity tests).

Each stored query is called twice: with its example parameters and with its defaults (only the required
parameters given). Answers compare as RDF terms (value, datatype, language; blank nodes differ by store,
so they compare as one), in order when the query orders its solutions and as a multiset otherwise.
"""

from __future__ import annotations

from pathlib import Path

from rdflib import BNode, Literal

from icskg.query.catalogue import load_catalogue
from icskg.query.scope import tokens

ROOT = Path(__file__).resolve().parents[1]
STORED = list(load_catalogue(ROOT / "queries"))


def defaults_only(query) -> dict:
    """The smallest call: required parameters (from the example), everything else left to its default."""
    return {p.name: query.example[p.name] for p in query.parameters if p.required and p.default is None}


CALLS = [(q.name, "example", q.example) for q in STORED] + [(q.name, "defaults", defaults_only(q)) for q in STORED]
CALL_IDS = [f"{name}-{how}" for name, how, _ in CALLS]


def orders(text: str) -> bool:
    """Whether the query orders its solutions: ORDER BY after its WHERE clause (not in a subquery)."""
    depth, seen_where = 0, False
    for token in tokens(text):
        if token.kind == "open":
            depth += 1
            seen_where = True
        elif token.kind == "close":
            depth -= 1
        elif seen_where and depth == 0 and token.word == "ORDER":
            return True
    return False


def term_key(term):
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return ("iri", str(term))


def comparable(result, ordered: bool, sets: tuple[str, ...] = ()) -> list:
    """An ASK answer, or the solutions as RDF terms: a list if the query orders them, else sorted (a multiset).
    A column the query declares a set (`#+ sets:`, a GROUP_CONCAT) compares as its sorted words."""
    if result.type == "ASK":
        return [bool(result.askAnswer)]
    names = [str(v) for v in result.vars]

    def key(name, term):
        value = term_key(term)
        if name in sets and value and value[0] == "literal":
            value = ("literal", " ".join(sorted(value[1].split())), *value[2:])
        return value

    solutions = [tuple((name, key(name, term)) for name, term in zip(names, row, strict=True)) for row in result]
    return solutions if ordered else sorted(solutions, key=repr)


_EMBEDDED: dict[tuple[str, str], object] = {}


def embedded_answer(kg, name, how, params):
    """The embedded store's answer, computed once per call for every server's test."""
    if (name, how) not in _EMBEDDED:
        _EMBEDDED[name, how] = kg.query_result(name, **params)
    return _EMBEDDED[name, how]


def assert_same_answer(kg, remote_kg, name, how, params) -> None:
    stored = kg.stored(name)
    ordered = orders(stored.text)
    remote = comparable(remote_kg.query_result(name, **params), ordered, stored.sets)
    assert remote == comparable(embedded_answer(kg, name, how, params), ordered, stored.sets)
    if stored.sets:
        return  # the Python values hold the sets' words in the engine's order
    remote_values, embedded_values = remote_kg.query(name, **params), kg.query(name, **params)  # as Python values
    if ordered or isinstance(remote_values, bool):
        assert remote_values == embedded_values
    else:
        assert sorted(map(repr, remote_values)) == sorted(map(repr, embedded_values))
