"""The fast OWL 2 RL closure (icskg.rules) infers exactly what owlrl infers (issue 7).

owlrl stays the reference: each comparison runs it on the same graph in the same process.
"""

from __future__ import annotations

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from icskg import rules
from icskg.load import load_files, load_repository
from icskg.reason import REASONER_ENV, infer, owlrl_closure, reasoner
from icskg.repo import find_repository
from test_benchmarks import generate

PREFIXES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""


def _graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


def _same_inferences(asserted: Graph) -> tuple[Graph, Graph]:
    fast, reference = infer(asserted, using="auto"), infer(asserted, using="owlrl")
    assert rules.closure(asserted) is not None, "the fast path declined this graph"
    return fast, reference


def _assert_equal(fast: Graph, reference: Graph) -> None:
    missing = {t for t in reference if t not in fast and not any(isinstance(x, BNode) for x in t)}
    extra = {t for t in fast if t not in reference and not any(isinstance(x, BNode) for x in t)}
    assert not missing and not extra, f"missing {sorted(missing)[:5]}, extra {sorted(extra)[:5]}"
    assert isomorphic(fast, reference)  # owlrl's error messages are blank nodes


def test_same_triples_as_owlrl_on_the_repository_graph(repo_root):
    asserted = load_repository(find_repository(repo_root)).graph
    fast, reference = _same_inferences(asserted)
    assert len(reference) > 5000
    _assert_equal(fast, reference)


def test_same_triples_as_owlrl_on_a_generated_landscape(tmp_path, repo_root):
    generate.generate(3_000, tmp_path, seed=11)
    files = sorted((repo_root / "ontology").glob("*.ttl")) + sorted(tmp_path.glob("*.ttl"))
    fast, reference = _same_inferences(load_files(files).graph)
    assert len(reference) > 1000
    _assert_equal(fast, reference)


EDGE_CASES = {
    "subclass chain and cycle": """
        ex:A a owl:Class ; rdfs:subClassOf ex:B . ex:B rdfs:subClassOf ex:C . ex:C rdfs:subClassOf ex:B .
        ex:x a ex:A .""",
    "equivalent classes and properties": """
        ex:A owl:equivalentClass ex:B . ex:p owl:equivalentProperty ex:q . ex:q rdfs:domain ex:A .
        ex:x ex:p ex:y .""",
    "subproperty with domain, range and an inverse of an inverse": """
        ex:p rdfs:subPropertyOf ex:q . ex:q rdfs:domain ex:D ; rdfs:range ex:R ; owl:inverseOf ex:qi .
        ex:qi rdfs:subPropertyOf ex:r . ex:r owl:inverseOf ex:ri . ex:D rdfs:subClassOf ex:E .
        ex:R a owl:Class . ex:x ex:p ex:y .""",
    "datatype property with a literal, range and inverse": """
        ex:name a owl:DatatypeProperty ; rdfs:range xsd:string ; owl:inverseOf ex:nameOf .
        ex:nameOf rdfs:range ex:Named . ex:x ex:name "X" ; ex:count 3 ; ex:when "2019-01"^^xsd:gYearMonth .""",
    "ill-typed literal (dt-not-type message)": """
        ex:x ex:n "three"^^xsd:integer ; ex:d "2019-02-30"^^xsd:date .""",
    "disjoint classes with a common individual (cax-dw message)": """
        ex:A owl:disjointWith ex:B . ex:C rdfs:subClassOf ex:B . ex:x a ex:A , ex:C .""",
    "a range that makes a literal of one datatype another, disjoint one (cax-dw on a literal)": """
        ex:flag rdfs:range xsd:decimal . ex:x ex:flag true ; ex:name "n"@en , "m" .""",
    "resources typed with datatypes, and annotation properties": """
        ex:x a xsd:integer ; rdfs:label "x" ; owl:versionInfo "1" . ex:b ex:flag true ; ex:v 1.5 .""",
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_same_triples_as_owlrl_on_edge_cases(name):
    fast, reference = _same_inferences(_graph(EDGE_CASES[name]))
    _assert_equal(fast, reference)


def test_error_messages_are_reproduced():
    fast, _ = _same_inferences(_graph(EDGE_CASES["disjoint classes with a common individual (cax-dw message)"]))
    messages = {str(o) for o in fast.objects(None, rules.ERRNS.error)}
    assert messages == {
        "Disjoint classes https://example.org/A and https://example.org/B have a common individual https://example.org/x"
    }


UNSUPPORTED = {
    "sameAs": "ex:x owl:sameAs ex:y . ex:y ex:p ex:z .",
    "restriction": "ex:R a owl:Restriction ; owl:onProperty ex:p ; owl:hasValue ex:v . ex:x ex:p ex:v .",
    "transitive property": "ex:p a owl:TransitiveProperty . ex:a ex:p ex:b . ex:b ex:p ex:c .",
    "functional property": "ex:p a owl:FunctionalProperty . ex:a ex:p ex:b , ex:c .",
    "RL vocabulary as a superproperty": (
        "ex:kind rdfs:subPropertyOf rdf:type . ex:x ex:kind ex:C . ex:C rdfs:subClassOf ex:D ."
    ),
    "range of classes": "ex:p rdfs:range owl:Class . ex:x ex:p ex:C .",
    "blank-node class": "ex:x a ex:A . ex:A rdfs:subClassOf [ owl:unionOf (ex:B ex:C) ] .",
}


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_other_constructs_fall_back_to_owlrl(name):
    asserted = _graph(UNSUPPORTED[name])
    assert rules.closure(asserted) is None
    assert isomorphic(infer(asserted, using="auto"), infer(asserted, using="owlrl"))


def test_fallback_really_infers_what_only_owlrl_knows():
    inferred = infer(_graph(UNSUPPORTED["transitive property"]))
    assert (
        _graph("").namespace_manager.expand_curie("ex:a"),
        _graph("").namespace_manager.expand_curie("ex:p"),
        _graph("").namespace_manager.expand_curie("ex:c"),
    ) in inferred


def test_the_reference_can_be_forced(monkeypatch):
    monkeypatch.setenv(REASONER_ENV, "owlrl")
    assert reasoner() == "owlrl"
    monkeypatch.setenv(REASONER_ENV, "auto")
    assert reasoner() == "auto"


def test_owlrl_closure_leaves_its_input_alone():
    asserted = _graph("ex:A rdfs:subClassOf ex:B . ex:x a ex:A .")
    before = len(asserted)
    closure = owlrl_closure(asserted)
    assert len(asserted) == before and len(closure) > before
    assert (Literal("x"), None, None) not in closure
