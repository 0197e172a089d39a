"""One validation report: the results (every check, SHACL Core, SHACL-SPARQL and icskg's own, from
shapes declared in shapes/), the notes, and the SHACL report graph made from those same results.

Every output format (human, json, turtle, github) is written from this one object, so they cannot
disagree; `conforms` is true when no result is a Violation (warnings and infos do not break
conformance, as pySHACL's allow_warnings). Terms are kept in N-Triples syntax, so a report can be
cached as JSON and read back without rdflib.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

import pyoxigraph as ox

SH = "http://www.w3.org/ns/shacl#"
SEVERITIES = {SH + "Violation": "Violation", SH + "Warning": "Warning", SH + "Info": "Info"}


@dataclass(frozen=True, order=True)
class Result:
    """One SHACL validation result, placed in the file and line a curator should open."""

    file: str | None
    line: int | None
    focus: str
    path: str | None
    value: str | None
    shape: str
    shape_name: str
    component: str
    severity: str
    message: str

    def location(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}"
        return self.file or "(no file)"

    def key(self) -> tuple:
        """What two engines must agree on (SHACL section 3.6: focus, path, value, shape, component, severity)."""
        return (self.focus, self.path, self.value, self.shape, self.component, self.severity)


@dataclass
class Report:
    results: list[Result]
    notes: list[str] = field(default_factory=list)
    path_structures: dict = field(default_factory=dict)  # complex path text -> its SHACL triples (N-Triples)

    @property
    def conforms(self) -> bool:
        return not any(r.severity == "Violation" for r in self.results)

    def counts(self) -> dict[str, int]:
        counts = {"Violation": 0, "Warning": 0, "Info": 0}
        for result in self.results:
            counts[result.severity] = counts.get(result.severity, 0) + 1
        return counts

    # --- the report as JSON (the cache entry) -----------------------------------------------------------
    def to_json(self) -> bytes:
        data = {"results": [asdict(r) for r in self.results], "notes": self.notes, "paths": self.path_structures}
        return json.dumps(data, ensure_ascii=False, sort_keys=True).encode("utf-8")

    @classmethod
    def from_json(cls, data: bytes) -> Report:
        fields = json.loads(data)
        return cls([Result(**r) for r in fields["results"]], fields["notes"], fields.get("paths", {}))

    # --- the SHACL report graph ---------------------------------------------------------------------
    def quads(self) -> list[ox.Quad]:
        """sh:ValidationReport with sh:conforms, one sh:result per result, and the notes as rdfs:comment."""
        report = ox.BlankNode()
        out = [
            _quad(report, _rdf("type"), ox.NamedNode(SH + "ValidationReport")),
            _quad(report, ox.NamedNode(SH + "conforms"), _boolean(self.conforms)),
        ]
        for note in self.notes:
            out.append(_quad(report, ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment"), ox.Literal(note)))
        blank_nodes: dict = {}
        for result in self.results:
            node = ox.BlankNode()
            out.append(_quad(report, ox.NamedNode(SH + "result"), node))
            out.append(_quad(node, _rdf("type"), ox.NamedNode(SH + "ValidationResult")))
            out.append(_quad(node, ox.NamedNode(SH + "focusNode"), parse_term(result.focus, blank_nodes)))
            if result.path is not None:
                out += self._path(node, result.path, blank_nodes)
            if result.value is not None:
                out.append(_quad(node, ox.NamedNode(SH + "value"), parse_term(result.value, blank_nodes)))
            out.append(_quad(node, ox.NamedNode(SH + "sourceShape"), parse_term(result.shape, blank_nodes)))
            out.append(_quad(node, ox.NamedNode(SH + "sourceConstraintComponent"), ox.NamedNode(result.component)))
            out.append(_quad(node, ox.NamedNode(SH + "resultSeverity"), ox.NamedNode(SH + result.severity)))
            out.append(_quad(node, ox.NamedNode(SH + "resultMessage"), ox.Literal(result.message)))
        return out

    def _path(self, node, path: str, blank_nodes: dict) -> list[ox.Quad]:
        if path.startswith("<"):
            return [_quad(node, ox.NamedNode(SH + "resultPath"), parse_term(path, blank_nodes))]
        structure = self.path_structures.get(path)
        if structure is None:
            return []
        head, triples = structure
        out = [_quad(node, ox.NamedNode(SH + "resultPath"), parse_term(head, blank_nodes))]
        for line in triples:
            s, p, o = (parse_term(t, blank_nodes) for t in line)
            out.append(_quad(s, p, o))
        return out


def _quad(s, p, o) -> ox.Quad:
    return ox.Quad(s, p, o, ox.DefaultGraph())


def _rdf(name: str) -> ox.NamedNode:
    return ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#" + name)


def _boolean(value: bool) -> ox.Literal:
    return ox.Literal("true" if value else "false", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#boolean"))


def parse_term(text: str, blank_nodes: dict | None = None):
    """An N-Triples term back as an Oxigraph term (blank nodes by label, shared through `blank_nodes`)."""
    if text.startswith("_:"):
        if blank_nodes is None:
            return ox.BlankNode(text[2:])
        return blank_nodes.setdefault(text, ox.BlankNode())
    if text.startswith("<") and text.endswith(">"):
        return ox.NamedNode(text[1:-1])
    quad = next(iter(ox.parse(f"<urn:x:s> <urn:x:p> {text} .".encode(), format=ox.RdfFormat.N_TRIPLES)))
    return quad.object
