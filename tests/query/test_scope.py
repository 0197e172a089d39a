"""icskg.query.scope, on its own: tokens, where the WHERE clause opens, the query form, and the one binding rule."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from icskg.errors import InputError
from icskg.query.scope import (
    binding_problems,
    line_of,
    query_form,
    service_line,
    split_prologue,
    tokens,
    where_clause_start,
)

# --- tokens ----------------------------------------------------------------------------------------------


def test_strings_iris_and_comments_are_single_tokens():
    text = "SELECT ?s # a { comment\nWHERE { ?s <http://example.org/a#(b> \"x } {\" , '''long\n}''' }"
    found = tokens(text)
    assert "a { comment" not in " ".join(t.text for t in found)
    assert [t.text for t in found if t.kind == "string"] == ['"x } {"', "'''long\n}'''"]
    assert [t.text for t in found if t.kind == "iri"] == ["<http://example.org/a#(b>"]
    assert [t.kind for t in found].count("open") == [t.kind for t in found].count("close") == 1
    assert "lparen" not in [t.kind for t in found]
    assert all(text[t.start : t.end] == t.text for t in found)


def test_an_iri_with_a_hash_is_not_a_comment():
    found = tokens("SELECT ?s WHERE { ?s a <http://example.org/ns#Thing> }")
    assert "<http://example.org/ns#Thing>" in [t.text for t in found if t.kind == "iri"]
    assert found[-1].kind == "close"


def test_escaped_quotes_stay_inside_the_string():
    found = tokens(r'ASK { ?s ?p "a \" } {" }')
    assert [t.text for t in found if t.kind == "string"] == [r'"a \" } {"']
    assert [t.kind for t in found].count("close") == 1


def test_line_of_counts_from_one():
    text = "a\nb\nc"
    assert [line_of(text, text.index(c)) for c in "abc"] == [1, 2, 3]


# --- the query form --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,form",
    [
        ("PREFIX ex: <http://example.org/>\nSELECT * WHERE { ?s ?p ?o }", "SELECT"),
        ("select * { ?s ?p ?o }", "SELECT"),
        ("# SELECT in a comment\nASK { ?s ?p 'SELECT' }", "ASK"),
        ("CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }", "CONSTRUCT"),
        ("DESCRIBE <http://example.org/a>", "DESCRIBE"),
        ("PREFIX ex: <http://example.org/>\nINSERT DATA { ex:a ex:b ex:c }", "UPDATE"),
        ("DROP ALL", "UPDATE"),
        ("WITH <http://example.org/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }", "UPDATE"),
        ("# nothing but a comment", None),
    ],
)
def test_query_form(text, form):
    assert query_form(text) == form


# --- where the WHERE clause opens ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "SELECT ?s WHERE { ?s ?p ?o }",
        "ASK { ?s ?p ?o }",
        "# a { comment\nSELECT ?s WHERE { ?s ?p ?o }",
        'SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) WHERE { ?s ?p "{" }',
        "SELECT ?s FROM <http://example.org/g#(> WHERE { ?s ?p ?o }",
    ],
)
def test_where_clause_start_is_just_after_the_where_brace(text):
    at = where_clause_start(text)
    assert text[at - 1] == "{"
    assert text[at:].lstrip().startswith("?s ?p")


def test_a_text_without_a_where_clause_is_an_input_error():
    with pytest.raises(InputError, match="no WHERE clause"):
        where_clause_start("DESCRIBE <http://example.org/a>")


def test_split_prologue():
    text = "BASE <http://example.org/>\nPREFIX ex: <http://example.org/ns#>\nPREFIX : <urn:x:>\nSELECT * { ?s ?p ?o }"
    prologue, rest = split_prologue(text)
    assert prologue + rest == text
    assert prologue.endswith("<urn:x:>") and rest.strip().startswith("SELECT")
    assert split_prologue("SELECT * { ?s ?p ?o }") == ("", "SELECT * { ?s ?p ?o }")


def test_service_line():
    assert service_line("SELECT * WHERE {\n ?s ?p ?o .\n SERVICE <http://example.org/sparql> { ?s ?q ?r }\n}") == 3
    assert service_line("SELECT * WHERE { ?s ?p 'SERVICE' } # SERVICE") is None
    assert service_line("SELECT * WHERE { SERVICE SILENT <http://example.org/sparql> { ?s ?q ?r } }") == 1


# --- the binding rule ----------------------------------------------------------------------------------------

# A parameter ?x, bound by a VALUES block at the top of the WHERE clause. Accepted: every use that block reaches.
ACCEPTED = {
    "triple pattern": "SELECT ?s WHERE { ?s ?p ?x }",
    "top-level FILTER": "SELECT ?s WHERE { ?s ?p ?o FILTER(?o = ?x) }",
    "top-level FILTER with a function": "SELECT ?s WHERE { ?s ?p ?o FILTER regex(?o, ?x) }",
    "OPTIONAL filter": "SELECT ?s WHERE { ?s ?p ?o OPTIONAL { ?s ?q ?r FILTER(?r = ?x) } }",
    "FILTER NOT EXISTS": "SELECT ?s WHERE { ?s ?p ?o FILTER NOT EXISTS { ?s ?q ?x } }",
    "FILTER EXISTS filter": "SELECT ?s WHERE { ?s ?p ?o FILTER EXISTS { ?s ?q ?r FILTER(?r = ?x) } }",
    "nested group that matches it": "SELECT ?s WHERE { ?s ?p ?o . { ?s ?q ?x FILTER(?x != 1) } }",
    "top-level BIND reading it": "SELECT ?s ?y WHERE { ?s ?p ?o BIND(COALESCE(?x, 1) AS ?y) }",
    "a VALUES block of its own": "SELECT ?s WHERE { VALUES ?p { <http://example.org/p> } ?s ?p ?x }",
    "only in a string elsewhere": 'SELECT ?s WHERE { ?s ?p "{ SELECT ?x }" . ?s ?q ?x }',
    "projection EXISTS": "SELECT ?s (EXISTS { ?s ?q ?x } AS ?e) WHERE { ?s ?p ?x }",
    "GRAPH group that matches it": "SELECT ?s WHERE { GRAPH ?g { ?s ?p ?x FILTER(?x != 1) } }",
}


@pytest.mark.parametrize("text", ACCEPTED.values(), ids=list(ACCEPTED))
def test_uses_a_top_level_values_block_reaches_are_accepted(text):
    assert binding_problems(text, {"x"}) == []
    ox.Store().query(text)  # each case is real SPARQL


# Refused: (text, line of the use, words of the reason)
REFUSED = {
    "only in a subquery": ("SELECT ?s WHERE {\n  {\n    SELECT ?s WHERE { ?s ?p ?x }\n  }\n}", 3, "subquery"),
    "only in a nested-group FILTER": (
        "SELECT ?s WHERE {\n  ?s ?p ?o .\n  { ?s ?q ?r FILTER(?r = ?x) }\n}",
        3,
        "FILTER or BIND of a nested group",
    ),
    "in a UNION branch's FILTER": (
        "SELECT ?s WHERE {\n  { ?s ?p ?o FILTER(?o = ?x) }\n  UNION\n  { ?s ?q ?o }\n}",
        2,
        "FILTER or BIND of a nested group",
    ),
    "in a nested BIND": ("SELECT ?s WHERE {\n ?s ?p ?o\n { BIND(?x AS ?y) }\n}", 3, "FILTER or BIND of a nested group"),
    "in a MINUS": ("SELECT ?s WHERE {\n  ?s ?p ?o\n  MINUS { ?s ?q ?x }\n}", 3, "MINUS"),
    "in a SERVICE": ("SELECT ?s WHERE {\n  SERVICE <http://example.org/sparql> { ?s ?p ?x }\n}", 2, "SERVICE"),
    "in a GRAPH group's FILTER": (
        "SELECT ?s WHERE {\n  GRAPH ?g { ?s ?p ?o FILTER(?o = ?x) }\n}",
        2,
        "FILTER or BIND of a nested group",
    ),
    "in a subquery after a projection EXISTS": (
        "SELECT ?s (EXISTS { ?s ?q ?r } AS ?e) WHERE {\n  ?s ?p ?o .\n  { SELECT ?s WHERE { ?s ?p ?x } }\n}",
        3,
        "subquery",
    ),
    "the target of a top-level BIND": ("SELECT ?s WHERE {\n  ?s ?p ?o\n  BIND(?o AS ?x)\n}", 3, "target of a BIND"),
}


@pytest.mark.parametrize("text,line,reason", REFUSED.values(), ids=list(REFUSED))
def test_uses_a_top_level_values_block_does_not_reach_are_refused(text, line, reason):
    problems = binding_problems(text, {"x"})
    assert problems, "the use was not found"
    assert {p.variable for p in problems} == {"x"}
    assert problems[0].line == line
    assert reason in problems[0].reason
    assert str(problems[0]).startswith("?x ")


def test_only_the_named_variables_are_checked():
    text = "SELECT ?s WHERE { { SELECT ?s WHERE { ?s ?p ?y } } }"
    assert binding_problems(text, {"x"}) == []
    assert [p.variable for p in binding_problems(text, {"x", "y"})] == ["y"]
    assert binding_problems(text, set()) == []


def test_the_rule_matches_what_a_values_block_does():
    """A refused use really does not see the value: with the value bound, a refused query answers as if unbound."""
    store = ox.Store()
    a, p, q = (ox.NamedNode(f"http://example.org/{n}") for n in "apq")
    store.add(ox.Quad(a, p, ox.Literal("1")))
    store.add(ox.Quad(a, q, ox.Literal("2")))
    values = 'VALUES ?x { "1" }'
    # accepted: a top-level FILTER sees ?x = "1" and keeps the one solution whose ?o is "1"
    top = f"SELECT ?o WHERE {{ {values} ?s ?p ?o FILTER(?o = ?x) }}"
    assert binding_problems(top, {"x"}) == []
    assert [row["o"].value for row in store.query(top)] == ["1"]
    # refused: the nested group's FILTER does not see ?x, compares with an unbound variable and keeps nothing
    nested = f"SELECT ?o WHERE {{ {values} {{ ?s ?p ?o FILTER(?o = ?x) }} }}"
    assert binding_problems(nested, {"x"})
    assert list(store.query(nested)) == []
