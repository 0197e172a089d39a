"""The ontology: labelled, defined, versioned, and inside OWL 2 RL."""

from __future__ import annotations

import pytest
from rdflib import Graph, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from repo_factory import ROOT

ONTOLOGY = URIRef("https://w3id.org/icskg/ontology")
TERM_TYPES = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDFS.Datatype, OWL.AnnotationProperty)
# Constructs whose use in a superclass or property axiom takes an ontology out of the OWL 2 RL profile.
NOT_RL = (OWL.unionOf, OWL.someValuesFrom, OWL.minCardinality, OWL.cardinality, OWL.complementOf, OWL.oneOf)


@pytest.fixture(scope="module")
def ontology() -> Graph:
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def test_ontology_is_versioned(ontology):
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in ontology
    version_iri = ontology.value(ONTOLOGY, OWL.versionIRI)
    info = ontology.value(ONTOLOGY, OWL.versionInfo)
    assert version_iri is not None and str(version_iri).endswith(str(info))


def test_every_term_has_a_label_and_a_definition(ontology):
    missing = []
    for kind in TERM_TYPES:
        for term in ontology.subjects(RDF.type, kind):
            if kind == OWL.AnnotationProperty:
                continue
            if ontology.value(term, RDFS.label) is None or ontology.value(term, SKOS.definition) is None:
                missing.append(str(term))
    assert not missing, missing


def test_every_concept_has_a_label_definition_and_scheme(ontology):
    missing = [
        str(c)
        for c in ontology.subjects(RDF.type, SKOS.Concept)
        if None
        in (ontology.value(c, SKOS.prefLabel), ontology.value(c, SKOS.definition), ontology.value(c, SKOS.inScheme))
    ]
    assert not missing, missing


def test_ontology_stays_within_owl2_rl(ontology):
    used = [str(p) for p in NOT_RL if (None, p, None) in ontology]
    assert not used, f"constructs outside OWL 2 RL: {used}"
    assert (None, OWL.imports, None) not in ontology, "no owl:imports: loading must never fetch anything"
