"""OWL 2 RL in the store: the schema closed once in Python, the instance rules as SPARQL updates.

owlrl re-applies every rule to every triple until nothing changes (13 s on the repository's graph,
over 10 minutes at a million triples). icskg's ontology stays within subclass, subproperty, domain,
range, inverse, equivalence and disjointness axioms (docs/modelling.md), whose closure can be
computed at the schema level; each instance rule is then one `INSERT ... WHERE` per property and
per class, run by Oxigraph. Inferred triples go into their own named graph (`INFERRED`), minus
the ones already asserted and minus owlrl's tautologies (`x a owl:Thing`, `C subClassOf C`, ...).

`materialise` returns None when the graph uses anything else (owl:sameAs, restrictions, property
characteristics, chains, keys, RL vocabulary in an axiom, blank-node classes): the caller then runs
owlrl, the reference (icskg.build.reference). The one-time rules owlrl applies (cls-thing,
cls-nothing, prp-ap, the datatype rules) come from owlrl's own tables, so the triples are the same
as owlrl's (tests/build/test_rules.py compares them). owlrl's error messages (an ill-typed literal,
an individual of two disjoint classes) are not triples here: icskg reports those as validation
results (shapes/consistency.ttl).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

import pyoxigraph as ox

INFERRED = ox.NamedNode("urn:x-icskg:inferred")
"""The named graph of inferred triples; asserted triples are the store's default graph."""

_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
_RDFS = "http://www.w3.org/2000/01/rdf-schema#"
_OWL = "http://www.w3.org/2002/07/owl#"
_XSD = "http://www.w3.org/2001/XMLSchema#"


def _rdf(name: str) -> ox.NamedNode:
    return ox.NamedNode(_RDF + name)


def _rdfs(name: str) -> ox.NamedNode:
    return ox.NamedNode(_RDFS + name)


def _owl(name: str) -> ox.NamedNode:
    return ox.NamedNode(_OWL + name)


TYPE = _rdf("type")
SUBCLASS, SUBPROPERTY, DOMAIN, RANGE = _rdfs("subClassOf"), _rdfs("subPropertyOf"), _rdfs("domain"), _rdfs("range")
EQUIVALENT_CLASS, EQUIVALENT_PROPERTY = _owl("equivalentClass"), _owl("equivalentProperty")
INVERSE, DISJOINT = _owl("inverseOf"), _owl("disjointWith")
THING, NOTHING, OWL_CLASS = _owl("Thing"), _owl("Nothing"), _owl("Class")
RESOURCE, DATATYPE = _rdfs("Resource"), _rdfs("Datatype")

SCHEMA_PREDICATES = (SUBCLASS, EQUIVALENT_CLASS, SUBPROPERTY, EQUIVALENT_PROPERTY, DOMAIN, RANGE, INVERSE, DISJOINT)
UNSUPPORTED_PREDICATES = tuple(
    _owl(name)
    for name in (
        "sameAs differentFrom onProperty someValuesFrom allValuesFrom hasValue intersectionOf unionOf complementOf "
        "oneOf propertyChainAxiom hasKey maxCardinality maxQualifiedCardinality propertyDisjointWith "
        "sourceIndividual members distinctMembers disjointUnionOf"
    ).split()
)
UNSUPPORTED_TYPES = tuple(
    _owl(name)
    for name in (
        "FunctionalProperty InverseFunctionalProperty SymmetricProperty AsymmetricProperty TransitiveProperty "
        "IrreflexiveProperty ReflexiveProperty AllDisjointClasses AllDisjointProperties AllDifferent "
        "NegativePropertyAssertion Restriction"
    ).split()
)
_TRIVIAL_TYPES = {THING, RESOURCE}
_RL_NAMESPACES = (_RDF, _RDFS, _OWL)


@dataclass(frozen=True)
class Tables:
    """owlrl's one-time rule tables (OWL 2 RL datatypes, their subsumptions and disjointness, the annotation
    properties), as Oxigraph terms. Imported from owlrl itself so the closure matches the reference."""

    datatypes: tuple
    subsumptions: dict
    disjointness: tuple
    annotation_properties: tuple

    @classmethod
    def from_owlrl(cls) -> Tables:
        from owlrl.OWLRL import OWLRL_Annotation_properties, OWLRL_Datatypes_Disjointness
        from owlrl.XsdDatatypes import OWL_Datatype_Subsumptions, OWL_RL_Datatypes

        def node(term) -> ox.NamedNode:
            return ox.NamedNode(str(term))

        return cls(
            datatypes=tuple(node(d) for d in OWL_RL_Datatypes),
            subsumptions={node(d): tuple(node(w) for w in wider) for d, wider in OWL_Datatype_Subsumptions.items()},
            disjointness=tuple((node(a), node(p), node(b)) for a, p, b in OWLRL_Datatypes_Disjointness),
            annotation_properties=tuple(node(p) for p in OWLRL_Annotation_properties),
        )


@dataclass
class Schema:
    """The triples the rules read: axioms, declarations, and which datatypes the data uses."""

    axioms: dict = field(default_factory=lambda: defaultdict(set))  # predicate -> {(s, o)}
    declared: dict = field(default_factory=lambda: defaultdict(set))  # type -> {subjects}
    literal_datatypes: set = field(default_factory=set)
    datatype_typed: dict = field(default_factory=lambda: defaultdict(set))  # resource -> datatypes it is typed with

    def pairs(self, predicate) -> set:
        return self.axioms.get(predicate, set())


def is_trivial(s, p, o) -> bool:
    """owlrl's tautologies, which icskg drops: literal subjects, x sameAs x, x a owl:Thing / rdfs:Resource,
    reflexive subclass/subproperty/equivalence, C subClassOf owl:Thing."""
    if isinstance(s, ox.Literal):
        return True
    if p == _owl("sameAs") and s == o:
        return True
    if p == TYPE and o in _TRIVIAL_TYPES:
        return True
    if p in (SUBCLASS, EQUIVALENT_CLASS, SUBPROPERTY, EQUIVALENT_PROPERTY) and s == o:
        return True
    return p == SUBCLASS and o == THING


def read_schema(store: ox.Store, tables: Tables) -> Schema:
    """Everything the rules need from the asserted graph, in a handful of queries."""
    schema = Schema()
    predicates = " ".join(str(p) for p in SCHEMA_PREDICATES + UNSUPPORTED_PREDICATES)
    for row in store.query(f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}"):
        schema.axioms[row["p"]].add((row["s"], row["o"]))
    kinds = " ".join(str(t) for t in UNSUPPORTED_TYPES + (OWL_CLASS,))
    for row in store.query(f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {kinds} }} ?s a ?o }}"):
        schema.declared[row["o"]].add(row["s"])
    datatypes = " ".join(str(d) for d in tables.datatypes)
    for row in store.query(f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {datatypes} }} ?s a ?o }}"):
        schema.datatype_typed[row["s"]].add(row["o"])
    # Plain and language-tagged literals have no datatype to rdflib and owlrl, which the reference runs on.
    plain = {ox.NamedNode(_XSD + "string"), _rdf("langString")}
    known = set(tables.datatypes)
    query = "SELECT DISTINCT (DATATYPE(?o) AS ?d) WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }"
    schema.literal_datatypes = {row["d"] for row in store.query(query) if row["d"] in known and row["d"] not in plain}
    return schema


def unsupported(schema: Schema, tables: Tables) -> str | None:
    """Why the rules cannot compute the closure exactly (then owlrl runs), or None."""
    for predicate in UNSUPPORTED_PREDICATES:
        if schema.pairs(predicate):
            return f"the graph uses {predicate.value}"
    for kind in UNSUPPORTED_TYPES:
        if schema.declared.get(kind):
            return f"the graph uses {kind.value}"
    for predicate in SCHEMA_PREDICATES:
        for s, o in schema.pairs(predicate):
            for term in (s, o):
                if not isinstance(term, ox.NamedNode):
                    return f"a {predicate.value} axiom on a blank node or literal"
                if _rl_vocabulary(term, tables):
                    return f"OWL/RDFS vocabulary ({term.value}) inside a {predicate.value} axiom"
    return None


def _rl_vocabulary(term: ox.NamedNode, tables: Tables) -> bool:
    harmless = {THING, NOTHING, RESOURCE, _rdfs("Literal"), *tables.annotation_properties}
    return term not in harmless and term.value.startswith(_RL_NAMESPACES)


def _reachable(edges: dict, nodes: Iterable) -> dict:
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


class SchemaClosure:
    """The scm-* rules, cls-thing, cls-nothing, prp-ap and the datatype rules: everything the instance rules
    need, closed, and the schema-level triples they add (`new`)."""

    def __init__(self, schema: Schema, tables: Tables):
        self.schema = schema
        self.tables = tables
        self.new: set = set()
        classes = set(schema.declared.get(OWL_CLASS, set())) | {THING, NOTHING}
        self.new |= {(THING, TYPE, OWL_CLASS), (NOTHING, TYPE, OWL_CLASS)}
        self.new |= {(p, TYPE, _owl("AnnotationProperty")) for p in tables.annotation_properties}
        self._datatypes()
        declared = [(c, THING) for c in classes] + [(NOTHING, c) for c in classes]
        self.class_supers = self._hierarchy(SUBCLASS, EQUIVALENT_CLASS, classes, declared)
        self._properties()

    def _datatypes(self) -> None:
        schema, tables = self.schema, self.tables
        used = set(schema.literal_datatypes)
        for datatype in tables.datatypes:
            self.new.add((datatype, TYPE, DATATYPE))
        for resource, types in schema.datatype_typed.items():
            used |= types
            for datatype in list(types):
                for wider in tables.subsumptions.get(datatype, ()):
                    self.new |= {(resource, TYPE, wider), (wider, TYPE, DATATYPE)}
                    used.add(wider)
        for datatype in list(schema.literal_datatypes):
            for wider in tables.subsumptions.get(datatype, ()):
                self.new.add((wider, TYPE, DATATYPE))
                used.add(wider)
        for left, predicate, right in tables.disjointness:
            if left in used and right in used:
                self.new.add((left, predicate, right))

    def _hierarchy(self, sub, equivalent, nodes: Iterable = (), extra: Iterable[tuple] = ()) -> dict:
        """Each node with everything above it by `sub` (an `equivalent` pair counts both ways), adding
        the transitive `sub` triples and an `equivalent` one for each pair above each other."""
        edges: dict = defaultdict(set)
        for lower, upper in list(self.schema.pairs(sub)) + list(extra):
            edges[lower].add(upper)
        for one, other in self.schema.pairs(equivalent):
            edges[one].add(other)
            edges[other].add(one)
        supers = _reachable(edges, set(edges) | set(nodes))
        for lower, above in supers.items():
            for upper in above:
                if lower != upper:
                    self.new.add((lower, sub, upper))
                    if lower in supers.get(upper, ()):
                        self.new.add((lower, equivalent, upper))
        return supers

    def _properties(self) -> None:
        """scm-spo, scm-eqp1/2, scm-dom1/2, scm-rng1/2."""
        declared_domains: dict = defaultdict(set)
        declared_ranges: dict = defaultdict(set)
        for p, c in self.schema.pairs(DOMAIN):
            declared_domains[p].add(c)
        for p, c in self.schema.pairs(RANGE):
            declared_ranges[p].add(c)
        self.inverses: dict = defaultdict(set)
        for p1, p2 in self.schema.pairs(INVERSE):
            self.inverses[p1].add(p2)
            self.inverses[p2].add(p1)
        nodes = set(declared_domains) | set(declared_ranges) | set(self.inverses)
        self.property_supers = self._hierarchy(SUBPROPERTY, EQUIVALENT_PROPERTY, nodes)
        self.domains = self._widened(declared_domains, DOMAIN)
        self.ranges = self._widened(declared_ranges, RANGE)

    def _widened(self, declared: dict, predicate) -> dict:
        result = {}
        for p, above in self.property_supers.items():
            found = set()
            for q in above:
                for c in declared.get(q, ()):
                    found |= self.class_supers.get(c, {c})
            if found:
                result[p] = found
                for c in found:
                    self.new.add((p, predicate, c))
        return result

    def reach(self, p) -> set[tuple]:
        """(property, direction) pairs a triple `s p o` entails: forward `s x o`, backward `o x s`."""
        found = {(p, True)}
        stack = [(p, True)]
        while stack:
            x, forward = stack.pop()
            steps = [(y, forward) for y in self.property_supers.get(x, ())]
            steps += [(r, not forward) for r in self.inverses.get(x, ())]
            for step in steps:
                if step not in found:
                    found.add(step)
                    stack.append(step)
        return found

    def instance_updates(self) -> list[str]:
        """prp-spo1, prp-eqp, prp-dom, prp-rng, prp-inv1/2 (one update per property), then cax-sco and
        cax-eqc (one per class, reading asserted and inferred types): SPARQL updates into INFERRED."""
        updates = []
        for p in sorted(self.property_supers, key=str):
            templates = []
            for x, forward in sorted(self.reach(p), key=lambda step: (str(step[0]), step[1])):
                subject, obj = ("?s", "?o") if forward else ("?o", "?s")
                if not (x == p and forward):
                    templates.append(f"{subject} {x} {obj} .")
                templates += [f"{subject} a {c} ." for c in sorted(self.domains.get(x, ()), key=str)]
                templates += [f"{obj} a {c} ." for c in sorted(self.ranges.get(x, ()), key=str)]
            templates = [t for t in templates if not any(f"a {c} ." in t for c in _TRIVIAL_TYPES)]
            if templates:
                body = "\n".join(templates)
                updates.append(f"INSERT {{ GRAPH {INFERRED} {{ {body} }} }} WHERE {{ ?s {p} ?o }}")
        for c in sorted(self.class_supers, key=str):
            wider = [d for d in self.class_supers[c] if d != c and d not in _TRIVIAL_TYPES]
            if wider:
                body = " ".join(f"?x a {d} ." for d in sorted(wider, key=str))
                where = f"{{ ?x a {c} }} UNION {{ GRAPH {INFERRED} {{ ?x a {c} }} }}"
                updates.append(f"INSERT {{ GRAPH {INFERRED} {{ {body} }} }} WHERE {{ {where} }}")
        return updates


def materialise(store: ox.Store) -> bool:
    """Add the OWL 2 RL closure of the default graph to INFERRED; False (nothing added) if not covered."""
    tables = Tables.from_owlrl()
    schema = read_schema(store, tables)
    if unsupported(schema, tables) is not None:
        return False
    closure = SchemaClosure(schema, tables)
    for update in closure.instance_updates():
        store.update(update)
    store.extend(ox.Quad(s, p, o, INFERRED) for s, p, o in closure.new if not is_trivial(s, p, o))
    drop_asserted(store)
    return True


def drop_asserted(store: ox.Store) -> None:
    """Keep INFERRED to what the default graph does not already hold (so the two never overlap)."""
    store.update(f"DELETE {{ GRAPH {INFERRED} {{ ?s ?p ?o }} }} WHERE {{ GRAPH {INFERRED} {{ ?s ?p ?o }} ?s ?p ?o }}")


def decline_reason(store: ox.Store) -> str | None:
    """Why `materialise` would decline this store's graph (for the notes), or None."""
    tables = Tables.from_owlrl()
    return unsupported(read_schema(store, tables), tables)
