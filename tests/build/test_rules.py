"""The OWL 2 RL closure computed in the store (icskg.build.rules) is exactly owlrl's, the reference: on the
repository's graph, on a generated landscape and on edge cases; constructs the rules do not cover go to owlrl."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest

from icskg.build.files import InputFile, read_turtle_files
from icskg.build.pipeline import build_files, infer
from icskg.build.reference import owlrl_closure
from icskg.build.rules import INFERRED, decline_reason, materialise
from icskg.settings import Settings

PREFIXES = """
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://example.org/> .
"""


def store_of(turtle: str) -> ox.Store:
    store = ox.Store()
    store.load((PREFIXES + turtle).encode(), format=ox.RdfFormat.TURTLE)
    return store


def inferred(store: ox.Store) -> set:
    return {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, INFERRED)}


def assert_same_as_owlrl(store: ox.Store) -> set:
    reference = owlrl_closure(store)  # computed on the asserted graph, before the rules add anything
    assert materialise(store), f"the rules declined: {decline_reason(store)}"
    mine = inferred(store)
    missing, extra = reference - mine, mine - reference
    assert not missing and not extra, f"missing {sorted(map(str, missing))[:5]}, extra {sorted(map(str, extra))[:5]}"
    return mine


@pytest.mark.slow
def test_same_triples_as_owlrl_on_the_repository_graph(built):
    store = ox.Store()
    store.extend(built.asserted())
    assert len(assert_same_as_owlrl(store)) > 5000


@pytest.mark.slow
def test_same_triples_as_owlrl_on_a_generated_landscape(tmp_path, repo_root):
    sys.path.insert(0, str(repo_root / "benchmarks"))
    import generate

    generate.generate(3_000, tmp_path, seed=11)
    store = ox.Store()
    for file in read_turtle_files(sorted((repo_root / "ontology").glob("*.ttl")) + sorted(tmp_path.glob("*.ttl"))):
        store.load(file.data, format=ox.RdfFormat.TURTLE)
    assert len(assert_same_as_owlrl(store)) > 1000


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
    "ill-typed literals (owlrl's dt-not-type message is a validation result here)": """
        ex:x ex:n "three"^^xsd:integer ; ex:d "2019-02-30"^^xsd:date .""",
    "disjoint classes with a common individual (cax-dw, a validation result here)": """
        ex:A owl:disjointWith ex:B . ex:C rdfs:subClassOf ex:B . ex:x a ex:A , ex:C .""",
    "a range that types a literal": """
        ex:flag rdfs:range xsd:decimal . ex:x ex:flag true ; ex:name "n"@en , "m" .""",
    "resources typed with datatypes, and annotation properties": """
        ex:x a xsd:integer ; rdfs:label "x" ; owl:versionInfo "1" . ex:b ex:flag true ; ex:v 1.5 .""",
    "a blank-node individual": """
        ex:p rdfs:domain ex:D . [] ex:p ex:y ; a ex:A . ex:A rdfs:subClassOf ex:B .""",
}


@pytest.mark.parametrize("name", sorted(EDGE_CASES))
def test_same_triples_as_owlrl_on_edge_cases(name):
    assert_same_as_owlrl(store_of(EDGE_CASES[name]))


def test_inferred_triples_never_repeat_asserted_ones():
    store = store_of("ex:A rdfs:subClassOf ex:B . ex:x a ex:A , ex:B .")
    assert materialise(store)
    asserted = {
        (q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ox.DefaultGraph())
    }
    assert inferred(store) and not inferred(store) & asserted
    rdf_type = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
    assert (ox.NamedNode("https://example.org/x"), rdf_type, ox.NamedNode("https://example.org/B")) in asserted


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
def test_other_constructs_fall_back_to_owlrl_and_say_why(name):
    store = store_of(UNSUPPORTED[name])
    assert decline_reason(store)
    reference = owlrl_closure(store)
    reasoning = infer(store)
    assert reasoning.reasoner == "owlrl" and reasoning.note() and decline_reason(store) in reasoning.note()
    assert inferred(store) == reference


def test_the_fallback_really_infers_what_only_owlrl_knows():
    store = store_of(UNSUPPORTED["transitive property"])
    infer(store)
    ex = "https://example.org/"
    assert (ox.NamedNode(ex + "a"), ox.NamedNode(ex + "p"), ox.NamedNode(ex + "c")) in inferred(store)


def test_the_reference_can_be_forced(tmp_path):
    file = InputFile(tmp_path / "x.ttl", "x.ttl", (PREFIXES + "ex:A rdfs:subClassOf ex:B . ex:x a ex:A .").encode())
    settings = Settings.load(environ={"ICSKG_REASONER": "owlrl"})
    graph = build_files([file], settings)
    assert graph.reasoning.reasoner == "owlrl" and "ICSKG_REASONER" in graph.reasoning.note()
    auto = build_files([file], Settings.load(environ={}))
    assert auto.reasoning.reasoner == "icskg" and auto.reasoning.note() is None
    assert inferred(graph.store) == inferred(auto.store)
