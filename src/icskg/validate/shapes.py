"""The shapes graph: every file under shapes/ read once and parsed by Oxigraph, indexed for the compiler.

Kept as Oxigraph terms (the same blank nodes the compiled engine and pySHACL see), with the files'
bytes so a problem in a shape can name its file and line.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from functools import cached_property

import pyoxigraph as ox

from ..build.files import InputFile
from ..build.origins import Origin, Origins
from ..build.parse import parse_terms

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"


def sh(name: str) -> ox.NamedNode:
    return ox.NamedNode(SH + name)


RDF_TYPE = ox.NamedNode(RDF + "type")
RDF_FIRST, RDF_REST, RDF_NIL = ox.NamedNode(RDF + "first"), ox.NamedNode(RDF + "rest"), ox.NamedNode(RDF + "nil")


class ShapesGraph:
    """Triples indexed by subject and by object, over the quads of the shape files."""

    def __init__(self, files: list[InputFile], quads: list[ox.Quad] | None = None):
        self.files = files
        if quads is None:
            quads = [quad for file in files for quad in parse_terms(file)]
        self.quads = quads
        self.out: dict = defaultdict(lambda: defaultdict(list))
        self.into: dict = defaultdict(lambda: defaultdict(list))
        for quad in quads:
            self.out[quad.subject][quad.predicate].append(quad.object)
            self.into[quad.object][quad.predicate].append(quad.subject)

    def __len__(self) -> int:
        return len(self.quads)

    def objects(self, subject, predicate) -> list:
        return self.out.get(subject, {}).get(predicate, [])

    def value(self, subject, predicate):
        found = self.objects(subject, predicate)
        return found[0] if found else None

    def subjects(self, predicate, obj) -> list:
        return self.into.get(obj, {}).get(predicate, [])

    def subjects_with(self, predicate) -> Iterator:
        for subject, properties in self.out.items():
            if predicate in properties:
                yield subject

    def types(self, node) -> list:
        return self.objects(node, RDF_TYPE)

    def items(self, head) -> list | None:
        """The members of the RDF list starting at `head`, or None if it is not a well-formed list."""
        members, seen = [], set()
        while head != RDF_NIL:
            if head in seen:
                return None
            seen.add(head)
            first, rest = self.objects(head, RDF_FIRST), self.objects(head, RDF_REST)
            if len(first) != 1 or len(rest) != 1:
                return None
            members.append(first[0])
            head = rest[0]
        return members

    def is_true(self, subject, predicate) -> bool:
        value = self.value(subject, predicate)
        return isinstance(value, ox.Literal) and value.value in ("true", "1")

    @cached_property
    def store(self) -> ox.Store:
        """The shapes as a store of their own (validated against SHACL-for-SHACL)."""
        store = ox.Store()
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in self.quads)
        return store

    # --- where a shape is written -------------------------------------------------------------------
    @cached_property
    def _origins(self) -> Origins:
        return Origins(self.files)

    def origin(self, node) -> Origin | None:
        """The file and line of a shape; a blank node shape is placed at the named shape that holds it."""
        seen = set()
        while isinstance(node, ox.BlankNode) and node not in seen:
            seen.add(node)
            holders = [s for properties in self.into.get(node, {}).values() for s in properties]
            if not holders:
                return None
            node = holders[0]
        if not isinstance(node, ox.NamedNode):
            return None
        found = self._origins.of(node.value)
        return found[0] if found else None
