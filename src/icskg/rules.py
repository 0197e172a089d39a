"""A fast OWL 2 RL closure for the constructs icskg's ontology uses, equal to owlrl's by test.

owlrl re-applies every rule to every triple until nothing changes: about 13 s on the repository's
graph and over 10 minutes on a million triples. icskg's ontology stays within subclass, subproperty,
domain, range, inverse and equivalence axioms (docs/modelling.md), whose closure can be computed once
at the schema level and then applied to each instance triple in a single pass with a worklist.

`closure()` returns None when the graph uses anything else (owl:sameAs, restrictions, property
characteristics, chains, keys, RL vocabulary in a subproperty or domain axiom ...): the caller then
runs owlrl, the reference. The one-time rules owlrl applies (cls-thing, cls-nothing, prp-ap, the
datatype rules, dt-not-type and cax-dw error messages) are reproduced from owlrl's own tables, so the
output is the same triple set (blank-node error messages aside, equal up to isomorphism);
tests/test_rules.py compares the two on the repository's graph, a generated landscape and edge cases.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from owlrl.DatatypeHandling import AltXSDToPYTHON
from owlrl.OWLRL import OWLRL_Annotation_properties, OWLRL_Datatypes_Disjointness
from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import OWL, RDF, RDFS

ERRNS = Namespace("http://www.daml.org/2002/03/agents/agent-ont#")  # owlrl's vocabulary for its error messages

_SCHEMA_PREDICATES = {
    RDFS.subClassOf,
    OWL.equivalentClass,
    RDFS.subPropertyOf,
    OWL.equivalentProperty,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.disjointWith,
}
_UNSUPPORTED_PREDICATES = {
    OWL.sameAs,
    OWL.differentFrom,
    OWL.onProperty,
    OWL.someValuesFrom,
    OWL.allValuesFrom,
    OWL.hasValue,
    OWL.intersectionOf,
    OWL.unionOf,
    OWL.complementOf,
    OWL.oneOf,
    OWL.propertyChainAxiom,
    OWL.hasKey,
    OWL.maxCardinality,
    OWL.maxQualifiedCardinality,
    OWL.propertyDisjointWith,
    OWL.sourceIndividual,
    OWL.members,
    OWL.distinctMembers,
    OWL.disjointUnionOf,
}
_UNSUPPORTED_TYPES = {
    OWL.FunctionalProperty,
    OWL.InverseFunctionalProperty,
    OWL.SymmetricProperty,
    OWL.AsymmetricProperty,
    OWL.TransitiveProperty,
    OWL.IrreflexiveProperty,
    OWL.ReflexiveProperty,
    OWL.AllDisjointClasses,
    OWL.AllDisjointProperties,
    OWL.AllDifferent,
    OWL.NegativePropertyAssertion,
    OWL.Restriction,
}
_PROPERTY_TYPES = {OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}
_ANNOTATION_PROPERTIES = set(OWLRL_Annotation_properties)
_HARMLESS_VOCABULARY = {OWL.Thing, OWL.Nothing, RDFS.Resource, RDFS.Literal} | _ANNOTATION_PROPERTIES
_RL_NAMESPACES = (str(RDF), str(RDFS), str(OWL))


def _rl_vocabulary(term) -> bool:
    """A term with meaning of its own to the OWL 2 RL rules (the fast path then defers to owlrl)."""
    if not isinstance(term, URIRef) or term in _HARMLESS_VOCABULARY:
        return False
    return str(term).startswith(_RL_NAMESPACES)  # (URIRef.startswith does not take a tuple)


def supported(graph: Graph) -> bool:
    """Whether `graph` stays within what `closure` computes exactly."""
    for predicate in _UNSUPPORTED_PREDICATES:
        if next(iter(graph.triples((None, predicate, None))), None) is not None:
            return False
    for kind in _UNSUPPORTED_TYPES:
        if next(iter(graph.triples((None, RDF.type, kind))), None) is not None:
            return False
    for predicate in _SCHEMA_PREDICATES:
        for s, o in graph.subject_objects(predicate):
            if not isinstance(s, URIRef) or not isinstance(o, URIRef) or _rl_vocabulary(s) or _rl_vocabulary(o):
                return False
    return not any(isinstance(p, BNode) for p in graph.predicates())


def _reflexive_closure(edges: dict, nodes: Iterable) -> dict:
    """node -> every node reachable from it (itself included)."""
    reach: dict = {}
    for start in nodes:
        seen = {start}
        stack = [start]
        while stack:
            for nxt in edges.get(stack.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    stack.append(nxt)
        reach[start] = seen
    return reach


class _Closure:
    def __init__(self, graph: Graph):
        self.graph = graph
        self.new: set = set()
        self.errors: list[str] = []

    def emit(self, triple) -> None:
        if triple not in self.graph:
            self.new.add(triple)

    def compute(self) -> set:
        graph = self.graph
        literals = {o for o in graph.objects() if isinstance(o, Literal)}
        literal_types = self.datatypes(literals, graph.subject_objects(RDF.type))
        schema = self.schema()
        self._instances(*schema, literal_types)
        return self.new

    def schema(self) -> tuple:
        """cls-thing, cls-nothing, prp-ap and the scm-* rules: (class supers, property supers, domains, ranges,
        inverses), each closed, so that one pass over the instance triples completes the closure."""
        classes = set(self.graph.subjects(RDF.type, OWL.Class)) | {OWL.Thing, OWL.Nothing}
        self.emit((OWL.Thing, RDF.type, OWL.Class))
        self.emit((OWL.Nothing, RDF.type, OWL.Class))
        for annotation in OWLRL_Annotation_properties:
            self.emit((annotation, RDF.type, OWL.AnnotationProperty))
        class_supers = self._class_schema(classes)
        return (class_supers, *self._property_schema(class_supers))

    def datatypes(self, literals: Iterable[Literal], typed: Iterable[tuple]) -> dict:
        """dt-type1, dt-type2, dt-not-type and the datatype subsumptions and disjointness (owlrl's one-time rules),
        from the graph's literals and its (resource, rdf:type, class) pairs."""
        datatypes = set(OWL_RL_Datatypes)
        literal_types: dict = defaultdict(set)
        used = set()
        for literal in {o for o in literals if o.datatype in datatypes}:
            literal_types[literal].add(literal.datatype)
            used.add(literal.datatype)
            try:
                AltXSDToPYTHON.get(literal.datatype, str)(str(literal))
            except ValueError:
                message = f"Lexical value of the literal '{literal}' does not match its datatype ({literal.datatype})"
                self._error(message)
        explicit: dict = defaultdict(set)
        for s, o in typed:
            if o in datatypes:
                used.add(o)
                if s not in literal_types:
                    explicit[s].add(o)
        for datatype in OWL_RL_Datatypes:
            self.emit((datatype, RDF.type, RDFS.Datatype))
        for resource, types in list(explicit.items()) + list(literal_types.items()):
            for datatype in list(types):
                for wider in OWL_Datatype_Subsumptions.get(datatype, ()):
                    self.emit((resource, RDF.type, wider))
                    self.emit((wider, RDF.type, RDFS.Datatype))
                    used.add(wider)
                    if isinstance(resource, Literal):
                        literal_types[resource].add(wider)
        for left, predicate, right in OWLRL_Datatypes_Disjointness:
            if left in used and right in used:
                self.emit((left, predicate, right))
        return literal_types

    def _hierarchy(self, sub, equivalent, nodes: Iterable = (), extra: Iterable[tuple] = ()) -> dict:
        """Each node with everything above it by `sub` (an `equivalent` pair counts both ways), emitting
        the transitive `sub` triples and an `equivalent` one for each pair above each other."""
        edges: dict = defaultdict(set)
        for lower, upper in list(self.graph.subject_objects(sub)) + list(extra):
            edges[lower].add(upper)
        for one, other in self.graph.subject_objects(equivalent):
            edges[one].add(other)
            edges[other].add(one)
        supers = _reflexive_closure(edges, set(edges) | set(nodes))
        for lower, above in supers.items():
            for upper in above:
                if lower != upper:
                    self.emit((lower, sub, upper))
                    if lower in supers.get(upper, ()):
                        self.emit((lower, equivalent, upper))
        return supers

    def _class_schema(self, classes: set) -> dict:
        """scm-cls, scm-sco, scm-eqc1, scm-eqc2: every class with all its superclasses."""
        declared = [(c, OWL.Thing) for c in classes] + [(OWL.Nothing, c) for c in classes]
        return self._hierarchy(RDFS.subClassOf, OWL.equivalentClass, classes, declared)

    def _property_schema(self, class_supers: dict):
        """scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2."""
        graph = self.graph
        declared_domains: dict = defaultdict(set)
        declared_ranges: dict = defaultdict(set)
        for p, c in graph.subject_objects(RDFS.domain):
            declared_domains[p].add(c)
        for p, c in graph.subject_objects(RDFS.range):
            declared_ranges[p].add(c)
        inverses: dict = defaultdict(set)
        for p1, p2 in graph.subject_objects(OWL.inverseOf):
            inverses[p1].add(p2)
            inverses[p2].add(p1)
        nodes = set(declared_domains) | set(declared_ranges) | set(inverses)
        supers = self._hierarchy(RDFS.subPropertyOf, OWL.equivalentProperty, nodes)

        def widened(declared: dict, predicate) -> dict:
            result = {}
            for p, above in supers.items():
                found = set()
                for q in above:
                    for c in declared.get(q, ()):
                        found |= class_supers.get(c, {c})
                if found:
                    result[p] = found
                    for c in found:
                        self.emit((p, predicate, c))
            return result

        return supers, widened(declared_domains, RDFS.domain), widened(declared_ranges, RDFS.range), inverses

    def _instances(self, class_supers, property_supers, domains, ranges, inverses, literal_types) -> None:
        """cax-sco, cax-eqc, prp-spo1, prp-eqp, prp-dom, prp-rng, prp-inv1/2, to a fixpoint by worklist."""
        graph = self.graph
        types: dict = defaultdict(set)
        consequences = {}
        for p, above in property_supers.items():
            consequences[p] = [(q, domains.get(q, ()), ranges.get(q, ()), inverses.get(q, ())) for q in above]
        seen = set()
        work = [t for p in consequences for t in graph.triples((None, p, None))]
        while work:
            triple = work.pop()
            if triple in seen:
                continue
            seen.add(triple)
            s, p, o = triple
            for q, domain, range_, inverse in consequences[p]:
                if q != p:
                    self.emit((s, q, o))
                for c in domain:
                    types[s].add(c)
                for c in range_:
                    types[o].add(c)
                for r in inverse:
                    mirrored = (o, r, s)
                    self.emit(mirrored)
                    if r in consequences:
                        work.append(mirrored)
        for s, c in graph.subject_objects(RDF.type):
            types[s].add(c)
        for literal, datatypes in literal_types.items():
            types[literal] |= datatypes
        disjoint = [(c1, c2) for c1, c2 in graph.subject_objects(OWL.disjointWith)]
        disjoint += [(c1, c2) for c1, p, c2 in self.new if p == OWL.disjointWith]
        for s, direct in types.items():
            closed = set()
            for c in direct:
                closed |= class_supers.get(c, {c})
            for c in closed:
                self.emit((s, RDF.type, c))
            for c1, c2 in disjoint:  # cax-dw
                if c1 in closed and c2 in closed:
                    self._error(f"Disjoint classes {c1} and {c2} have a common individual {s}")

    def _error(self, message: str) -> None:
        if message not in self.errors:
            self.errors.append(message)


def closure(graph: Graph) -> set | None:
    """The triples OWL 2 RL adds to `graph` (owlrl's output, before icskg drops the trivial ones),
    or None when the graph uses constructs this fast path does not cover."""
    if not supported(graph):
        return None
    rules = _Closure(graph)
    new = rules.compute()
    for message in rules.errors:
        node = BNode()
        new.add((node, RDF.type, ERRNS.ErrorMessage))
        new.add((node, ERRNS.error, Literal(message)))
    return new
