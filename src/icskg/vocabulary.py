"""Vocabulary use: icskg's own terms (https://w3id.org/icskg/ontology#) used as a class or a property
must be defined by the ontology, so that a misspelling (icskg:Partnershp) is a violation naming the
term, not a node that quietly escapes every shape. Reported as shape:VocabularyUse (shapes/vocabulary-use.ttl).

A Python check rather than a SPARQL target: finding the terms means looking at every triple, which
rdflib's SPARQL engine takes seconds to do and a loop over the asserted graph takes milliseconds.
"""

from __future__ import annotations

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS, SH

from .namespaces import ICSKG, SHAPE

VOCABULARY_SHAPE = SHAPE.VocabularyUse
DEFINITIONS = (
    OWL.Class,
    RDFS.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.AnnotationProperty,
    RDF.Property,
    RDFS.Datatype,
)
"""A term is defined when it is declared as one of these (the ontology declares every term it defines)."""


def undefined_terms(graph: Graph) -> list[tuple[URIRef | BNode, URIRef, URIRef]]:
    """(subject, path, term) for each use of an undefined icskg term: path rdf:type for a class,
    the term itself for a property. Sorted, so the report is the same run to run."""
    namespace = str(ICSKG)
    defined = {term for kind in DEFINITIONS for term in graph.subjects(RDF.type, kind)}
    found = set()
    for s, p, o in graph:
        if p.startswith(namespace) and p not in defined:
            found.add((s, p, p))
        if p == RDF.type and isinstance(o, URIRef) and o.startswith(namespace) and o not in defined:
            found.add((s, RDF.type, o))
    return sorted(found)


def verify_vocabulary_use(graph: Graph, report_graph: Graph) -> int:
    """Add a violation for each use of an undefined icskg term; returns how many."""
    found = undefined_terms(graph)
    for focus, path, term in found:
        kind = "class" if path == RDF.type else "property"
        node = BNode()
        report_graph.add((node, RDF.type, SH.ValidationResult))
        report_graph.add((node, SH.focusNode, focus))
        report_graph.add((node, SH.resultPath, path))
        report_graph.add((node, SH.value, term))
        report_graph.add(
            (
                node,
                SH.resultMessage,
                Literal(
                    f"{term.n3(graph.namespace_manager)} is used as a {kind} but the icskg ontology does not define "
                    "it (ontology/): check its spelling against the ontology, or define it there first"
                ),
            )
        )
        report_graph.add((node, SH.sourceShape, VOCABULARY_SHAPE))
        report_graph.add((node, SH.resultSeverity, SH.Violation))
        report_graph.add((node, SH.sourceConstraintComponent, SH.SPARQLConstraintComponent))
    return len(found)
