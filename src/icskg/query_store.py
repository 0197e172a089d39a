"""The query engine's store, built in Oxigraph: parse the Turtle files and materialise OWL 2 RL there.

Opening the graph for queries needs neither rdflib's parser (about 90 s for a million triples) nor a
Python pass over every triple: pyoxigraph parses in Rust, and icskg.rules' schema-level closure turns
the instance rules into one SPARQL update per property and per class. The schema closure, the datatype
rules and the error messages are icskg.rules' own, so the store holds the same triples as the rdflib
pipeline's asserted + inferred graph loaded into Oxigraph (tests/test_query_store.py compares them).

`build_store` returns None whenever it cannot promise that: a file Oxigraph refuses (the rdflib loader
then reports it with file and line), constructs icskg.rules does not cover, an explicit
`^^xsd:string` (Oxigraph cannot tell it from a plain literal, which owlrl's datatype rules do), or
text icskg's loader treats differently (`_LEFT_TO_RDFLIB`).
Oxigraph stores typed literals in canonical form ("01"^^xsd:integer as "1"), as any Oxigraph query did.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import pyoxigraph as ox
from rdflib import Graph
from rdflib.namespace import OWL, RDF, RDFS, XSD

from . import rules
from .load import read_bytes
from .oxterms import to_oxigraph, to_rdflib
from .reason import is_trivial

INFERRED = ox.NamedNode("urn:x-icskg:inferred")
_EXPLICIT_STRING = re.compile(r"\^\^\s*(?:<http://www\.w3\.org/2001/XMLSchema#string>|[\w.-]*:string\b)")
_LEFT_TO_RDFLIB = (
    b"_:",  # a labelled blank node: local to its file in Turtle, but one node across loads into one store
    b"<<",  # RDF-star, which Oxigraph reads and icskg's loader refuses (not Turtle 1.1)
    b"<file:",  # a file: IRI (or a prefix bound to one), which icskg's loader refuses
)
_TRIVIAL_TYPES = {OWL.Thing, RDFS.Resource}
_TYPED_LITERALS = set(rules.OWL_RL_Datatypes) - {XSD.string}  # to rdflib, an xsd:string literal here is plain
_SCHEMA_TYPES = rules._UNSUPPORTED_TYPES | {OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, RDF.Property}


def parse(files: Iterable[Path]) -> ox.Store | None:
    """The files' triples in a new in-memory store's default graph; None if Oxigraph refuses one of them."""
    store = ox.Store()
    for path in files:
        text = read_bytes(path)
        if any(mark in text for mark in _LEFT_TO_RDFLIB) or _EXPLICIT_STRING.search(text.decode("utf-8", "replace")):
            return None
        try:
            store.bulk_load(text, format=ox.RdfFormat.TURTLE)
        except (SyntaxError, ValueError, OSError):
            return None
    return store


def _select(store: ox.Store, query: str) -> list[tuple]:
    return [tuple(to_rdflib(solution[i]) for i in range(len(solution))) for solution in store.query(query)]


def _schema_graph(store: ox.Store) -> Graph:
    """The triples icskg.rules reads to close the schema (and to tell whether it can)."""
    predicates = " ".join(f"<{p}>" for p in rules._SCHEMA_PREDICATES | rules._UNSUPPORTED_PREDICATES)
    types = " ".join(f"<{t}>" for t in _SCHEMA_TYPES)
    graph = Graph()
    for row in _select(store, f"SELECT ?s ?p ?o WHERE {{ VALUES ?p {{ {predicates} }} ?s ?p ?o }}"):
        graph.add(row)
    for s, o in _select(store, f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {types} }} ?s a ?o }}"):
        graph.add((s, RDF.type, o))
    return graph


def _reach(p, supers: dict, inverses: dict) -> set[tuple]:
    """(property, direction) pairs that a triple `s p o` entails: forward `s x o`, backward `o x s`."""
    found = {(p, True)}
    stack = [(p, True)]
    while stack:
        x, forward = stack.pop()
        steps = [(y, forward) for y in supers.get(x, ())] + [(r, not forward) for r in inverses.get(x, ())]
        for step in steps:
            if step not in found:
                found.add(step)
                stack.append(step)
    return found


def _n3(term) -> str:
    return f"<{term}>"


def materialise(store: ox.Store) -> list[str] | None:
    """Add the OWL 2 RL closure to `store` (instance rules straight into its default graph, the rest into
    the graph INFERRED, merged afterwards); the error messages; None if not covered."""
    schema_graph = _schema_graph(store)
    if not rules.supported(schema_graph):
        return None
    closure = rules._Closure(schema_graph)
    datatypes = " ".join(f"<{d}>" for d in rules.OWL_RL_Datatypes)
    typed_literals = {str(d) for d in _TYPED_LITERALS}
    literals = [
        to_rdflib(literal)
        for (literal,) in store.query("SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) }")
        if literal.datatype.value in typed_literals
    ]
    typed = _select(store, f"SELECT ?s ?o WHERE {{ VALUES ?o {{ {datatypes} }} ?s a ?o }}")
    literal_types = closure.datatypes(literals, typed)
    class_supers, property_supers, domains, ranges, inverses = closure.schema()
    object_types: dict = defaultdict(set)  # property -> types its literal objects get
    for p in property_supers:
        templates = []
        for x, forward in sorted(_reach(p, property_supers, inverses)):
            subject, obj = ("?s", "?o") if forward else ("?o", "?s")
            if not (x == p and forward):
                templates.append(f"{subject} {_n3(x)} {obj} .")
            for c in domains.get(x, ()):
                if c not in _TRIVIAL_TYPES:
                    templates.append(f"{subject} a {_n3(c)} .")
                if not forward:
                    object_types[p].add(c)
            for c in ranges.get(x, ()):
                if c not in _TRIVIAL_TYPES:
                    templates.append(f"{obj} a {_n3(c)} .")
                if forward:
                    object_types[p].add(c)
        if templates:
            body = "\n".join(templates)
            store.update(f"INSERT {{ {body} }} WHERE {{ ?s {_n3(p)} ?o }}")
    for c, above in class_supers.items():
        wider = [d for d in above if d != c and d not in _TRIVIAL_TYPES]
        if wider:
            body = " ".join(f"?x a {_n3(d)} ." for d in sorted(wider))
            store.update(f"INSERT {{ {body} }} WHERE {{ ?x a {_n3(c)} }}")
    for s, p, o in closure.new:
        if not is_trivial((s, p, o)):
            store.add(ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), INFERRED))
    _disjointness(store, closure, class_supers, literal_types, object_types)
    return closure.errors


def _disjointness(store, closure, class_supers: dict, literal_types: dict, object_types: dict) -> None:
    """cax-dw: a resource or a literal with two disjoint classes gets owlrl's error message."""
    pairs = list(_select(store, f"SELECT ?a ?b WHERE {{ ?a {_n3(OWL.disjointWith)} ?b }}"))
    pairs += [(c1, c2) for c1, p, c2 in closure.new if p == OWL.disjointWith]
    for c1, c2 in pairs:
        both = f"{{ ?x a {_n3(c1)} }} UNION {{ GRAPH {INFERRED} {{ ?x a {_n3(c1)} }} }} "
        both += f"{{ ?x a {_n3(c2)} }} UNION {{ GRAPH {INFERRED} {{ ?x a {_n3(c2)} }} }}"
        for (x,) in _select(store, f"SELECT DISTINCT ?x WHERE {{ {both} }}"):
            closure._error(f"Disjoint classes {c1} and {c2} have a common individual {x}")
    if not pairs:
        return

    def conflicts(found: set) -> list[tuple]:
        closed = set()
        for c in found:
            closed |= class_supers.get(c, {c})
        return [(c1, c2) for c1, c2 in pairs if c1 in closed and c2 in closed]

    for literal, found in literal_types.items():
        for c1, c2 in conflicts(found):
            closure._error(f"Disjoint classes {c1} and {c2} have a common individual {literal}")
    for p, classes in object_types.items():  # literals typed by a range too: ask per datatype, then per literal
        query = f"SELECT DISTINCT (DATATYPE(?o) AS ?d) WHERE {{ ?s {_n3(p)} ?o FILTER(isLiteral(?o)) }}"
        for (datatype,) in _select(store, query):
            own = set()  # plain and language-tagged literals have no datatype to rdflib, so no type from it
            if datatype in _TYPED_LITERALS:
                own = {datatype, *rules.OWL_Datatype_Subsumptions.get(datatype, ())}
            if not conflicts(own | classes):
                continue
            typed = f"FILTER(isLiteral(?o) && datatype(?o) = {_n3(datatype)})"
            for (literal,) in _select(store, f"SELECT DISTINCT ?o WHERE {{ ?s {_n3(p)} ?o {typed} }}"):
                for c1, c2 in conflicts(literal_types.get(literal, set()) | classes):
                    closure._error(f"Disjoint classes {c1} and {c2} have a common individual {literal}")


def build_store(files: Iterable[Path]) -> ox.Store | None:
    """Asserted + inferred triples (and owlrl's error messages) in one store's default graph; None when
    only the rdflib pipeline can build it exactly."""
    store = parse(files)
    if store is None:
        return None
    errors = materialise(store)
    if errors is None:
        return None
    for message in errors:
        node = ox.BlankNode()
        store.add(ox.Quad(node, to_oxigraph(RDF.type), to_oxigraph(rules.ERRNS.ErrorMessage), INFERRED))
        store.add(ox.Quad(node, to_oxigraph(rules.ERRNS.error), ox.Literal(message), INFERRED))
    store.update(f"ADD {INFERRED} TO DEFAULT ; DROP GRAPH {INFERRED}")  # one graph, as queries expect
    return store


def ntriples(store: ox.Store) -> bytes:
    """Every triple of the store's default graph (asserted and inferred) as N-Triples."""
    return store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
