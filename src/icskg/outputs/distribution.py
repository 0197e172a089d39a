"""The files of a versioned release (`icskg release VERSION`), written into one folder (dist/ by default):

    icskg-VERSION.ttl               the asserted graph, canonical Turtle
    icskg-VERSION.nt                the asserted graph, sorted N-Triples
    icskg-VERSION.jsonld            the asserted graph, JSON-LD compacted with icskg's prefixes
    icskg-VERSION.trig              asserted and OWL 2 RL inferred triples, each in their own named graph
    icskg-VERSION-validation.ttl    the SHACL validation report
    icskg-VERSION-description.ttl   DCAT/VoID: the release's version and date, statistics, licences, and each
                                    file above with its byte size and SHA-256 (spdx:checksum, as DCAT 3 says)

The graph is stamped first: the ontology's `owl:versionIRI` becomes the dated release IRI
`https://w3id.org/icskg/ontology/releases/DATE/VERSION` and its `owl:versionInfo` the version (in the released
files only; ontology/icskg.ttl is not touched). Blank nodes get canonical labels, every format is written in a
fixed order, so the same repository, version and date give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_atomically
from ..build.graph import BuiltGraph
from ..namespaces import BASE, PREFIXES
from ..validate.report import Report

ONTOLOGY = BASE + "ontology"
OWL = PREFIXES["owl"]
SPDX = PREFIXES["spdx"]
FORMATS = ("ttl", "nt", "jsonld", "trig")


def version_iri(version: str, date: dt.date) -> str:
    return f"{ONTOLOGY}/releases/{date.isoformat()}/{version}"


@dataclass(frozen=True)
class ReleaseFile:
    path: Path
    data: bytes

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.data).hexdigest()


def file_names(version: str) -> dict[str, str]:
    names = {fmt: f"icskg-{version}.{fmt}" for fmt in FORMATS}
    names["validation"] = f"icskg-{version}-validation.ttl"
    names["description"] = f"icskg-{version}-description.ttl"
    return names


def stamp(built: BuiltGraph, version: str, date: dt.date) -> BuiltGraph:
    """A copy of the graph with the release's dated owl:versionIRI and owl:versionInfo on the ontology, and
    canonical blank-node labels."""
    ontology = ox.NamedNode(ONTOLOGY)
    replaced = {ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(OWL + "versionInfo")}
    quads = [
        q
        for q in built.store.quads_for_pattern(None, None, None, None)
        if not (q.subject == ontology and q.predicate in replaced and q.graph_name == ox.DefaultGraph())
    ]
    quads.append(ox.Quad(ontology, ox.NamedNode(OWL + "versionIRI"), ox.NamedNode(version_iri(version, date))))
    quads.append(ox.Quad(ontology, ox.NamedNode(OWL + "versionInfo"), ox.Literal(version)))
    if any(isinstance(t, ox.BlankNode) for q in quads for t in (q.subject, q.object)):
        dataset = ox.Dataset(quads)
        dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
        quads = list(dataset)
    store = ox.Store()
    store.extend(quads)
    return BuiltGraph(store, built.files, built.reasoning, built.repo, built.key)


def release_files(built: BuiltGraph, report: Report, version: str, date: dt.date, folder: Path) -> list[ReleaseFile]:
    """The release's files (not yet written): the stamped graph in four formats, the validation report, and
    the description that lists them with their checksums."""
    from ..fmt import canonical_turtle
    from ..validate.formats import format_turtle
    from .export import export

    stamped = stamp(built, version, date)
    names = file_names(version)
    files = {fmt: ReleaseFile(folder / names[fmt], export(stamped, fmt, inferred=fmt == "trig")) for fmt in FORMATS}
    files["validation"] = ReleaseFile(folder / names["validation"], format_turtle(report).encode("utf-8"))
    description = describe_release(stamped, report, version, date, files)
    files["description"] = ReleaseFile(folder / names["description"], canonical_turtle(description).encode("utf-8"))
    return list(files.values())


def describe_release(stamped: BuiltGraph, report: Report, version: str, date: dt.date, files: dict):
    """`icskg describe` of the stamped graph, with the release's version and date, and each file's identifier
    (its name), byte size and SHA-256."""
    from rdflib import Literal, URIRef
    from rdflib.namespace import DCTERMS, OWL, RDF, XSD

    from .describe import DATASET, DCAT, IANA, describe

    out = describe(stamped, report, inferred=False)
    spdx = {name: URIRef(SPDX + name) for name in ("checksum", "Checksum", "algorithm", "checksumValue")}
    out.remove((DATASET, DCAT.version, None))
    out.remove((DATASET, OWL.versionInfo, None))
    out.add((DATASET, DCAT.version, Literal(version)))
    out.add((DATASET, OWL.versionInfo, Literal(version)))
    out.add((DATASET, DCTERMS.issued, Literal(date.isoformat(), datatype=XSD.date)))
    report_node = URIRef(f"{DATASET}/validation-report")
    out.add((DATASET, DCTERMS.relation, report_node))
    out.add((report_node, RDF.type, DCAT.Resource))
    out.add((report_node, DCTERMS.title, Literal("SHACL validation report of this release", lang="en")))
    out.add((report_node, DCAT.mediaType, URIRef(IANA + "text/turtle")))
    nodes = {fmt: URIRef(f"{DATASET}/distribution/{fmt}") for fmt in FORMATS} | {"validation": report_node}
    for key, node in nodes.items():
        file = files[key]
        checksum = URIRef(f"{node}/checksum")
        out.add((node, DCTERMS.identifier, Literal(file.path.name)))
        out.add((node, DCAT.byteSize, Literal(len(file.data), datatype=XSD.nonNegativeInteger)))
        out.add((node, spdx["checksum"], checksum))
        out.add((checksum, RDF.type, spdx["Checksum"]))
        out.add((checksum, spdx["algorithm"], URIRef(SPDX + "checksumAlgorithm_sha256")))
        out.add((checksum, spdx["checksumValue"], Literal(file.sha256, datatype=XSD.hexBinary)))
    return out


def write_files(files: list[ReleaseFile]) -> None:
    """Each file atomically (a temporary file, then a rename)."""
    for file in files:
        write_atomically(file.path, file.data)
