"""`icskg describe`: a DCAT and VoID description of the dataset, to publish next to the graph.

What it says, and where each part comes from:

- the dataset (`dcat:Dataset`, `void:Dataset`): title, version (the package's), the ontology version
  (`owl:versionInfo` of `ontology/icskg.ttl`), licence (CC BY 4.0, LICENSE-DATA.md), the vocabularies it uses;
- statistics (VoID section 4.5): `void:triples` of the graph described (the asserted triples, or with
  `inferred` the asserted + OWL 2 RL inferred ones), `void:entities` (distinct IRI subjects under
  `void:uriSpace`), `void:classes`, `void:properties`, distinct subjects and objects, and a
  `void:classPartition` per class with its number of instances. The description's own triples are not
  counted, so when `icskg export --with-description` writes both, `void:triples` = all triples - description;
- `dcterms:conformsTo`: the IRIs of the shapes graph (each `owl:Ontology` declared under `shapes/`) and the
  ontology, stated only when the validation report given says the graph conforms;
- two subsets: the curated data (CC BY 4.0) and the registry-derived data (`data/registries/`, under the
  licences their extracts state, with the attribution text the Open Government Licence v3.0 asks for);
- the code (`schema:SoftwareSourceCode`, MIT) and the distributions `icskg export` writes (`dcat:Distribution`
  with IANA media types).

VoID: https://www.w3.org/TR/void/ ; DCAT 3: https://www.w3.org/TR/vocab-dcat-3/ .
"""

from __future__ import annotations

import hashlib
from collections import Counter

import pyoxigraph as ox
from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DCTERMS, FOAF, OWL, PROV, RDF, RDFS, XSD

from ..build.files import read_turtle_files
from ..build.graph import BuiltGraph
from ..build.parse import parse_terms
from ..namespaces import BASE, ICSKG, ID, SCHEMA, bind_prefixes
from ..terms import to_rdflib
from ..validate.report import Report

DCAT = Namespace("http://www.w3.org/ns/dcat#")
VOID = Namespace("http://rdfs.org/ns/void#")

DATASET = URIRef(BASE + "dataset")
DESCRIPTION = URIRef(BASE + "dataset/description")
CURATED = URIRef(BASE + "dataset/curated")
REGISTRY_DATA = URIRef(BASE + "dataset/registries")
SOFTWARE = URIRef(BASE + "software")

CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
MIT = URIRef("https://spdx.org/licenses/MIT")

OGL_ATTRIBUTION = "Contains public sector information licensed under the Open Government Licence v3.0."
ONS_ATTRIBUTION = (
    "Source: Office for National Statistics licensed under the Open Government Licence v.3.0 / "
    "Contains OS data © Crown copyright and database right"
)
QUOTATION_RIGHTS = (
    "Quotations and excerpts are short extracts of the source articles, reproduced for reference and "
    "criticism with their source named (prov:wasDerivedFrom); their copyright stays with the articles' "
    "publishers. Wikidata identifiers are CC0. See LICENSE-DATA.md."
)

MEDIA_TYPES = {
    "ttl": ("text/turtle", "Turtle (canonical form)"),
    "nt": ("application/n-triples", "N-Triples (sorted)"),
    "jsonld": ("application/ld+json", "JSON-LD"),
    "trig": ("application/trig", "TriG (asserted and inferred triples in their own named graphs)"),
}
IANA = "http://www.iana.org/assignments/media-types/"


def statistics(triples) -> dict:
    """VoID statistics of a set of Oxigraph triples (or quads): triples, entities (IRI subjects under the id
    space), classes, properties, distinct subjects and objects, instances per class."""
    subjects, objects, predicates, entities, seen = set(), set(), set(), set(), set()
    instances: Counter = Counter()
    rdf_type, id_space = ox.NamedNode(str(RDF.type)), str(ID)
    for t in triples:
        triple = (t.subject, t.predicate, t.object)
        if triple in seen:
            continue
        seen.add(triple)
        subjects.add(t.subject)
        objects.add(t.object)
        predicates.add(t.predicate)
        if isinstance(t.subject, ox.NamedNode) and t.subject.value.startswith(id_space):
            entities.add(t.subject)
        if t.predicate == rdf_type:
            instances[to_rdflib(t.object)] += 1
    return {
        "triples": len(seen),
        "entities": len(entities),
        "classes": len(instances),
        "properties": len(predicates),
        "distinctSubjects": len(subjects),
        "distinctObjects": len(objects),
        "classPartitions": dict(instances),
    }


def _literal(value: int) -> Literal:
    return Literal(value, datatype=XSD.integer)


def _add_statistics(out: Graph, node: URIRef, stats: dict, partitions: bool = True) -> None:
    for key in ("triples", "entities", "classes", "properties", "distinctSubjects", "distinctObjects"):
        out.add((node, VOID[key], _literal(stats[key])))
    if not partitions:
        return
    for cls, count in sorted(stats["classPartitions"].items()):
        # A stable IRI per partition (not a blank node), so two descriptions of the same graph are equal.
        part = URIRef(f"{node}/class-partition/{_slug(out, cls)}")
        out.add((node, VOID.classPartition, part))
        out.add((part, VOID["class"], cls))
        out.add((part, VOID.entities, _literal(count)))


def _slug(graph: Graph, term) -> str:
    """`icskg-Partnership` for icskg:Partnership; a short hash for a class without a bound prefix."""
    try:
        prefix, _, local = graph.namespace_manager.compute_qname(str(term), generate=False)
        if local and all(c.isalnum() or c in "-_" for c in local):
            return f"{prefix}-{local}"
    except (KeyError, ValueError):
        pass
    return hashlib.sha256(str(term).encode("utf-8")).hexdigest()[:12]


def _registry_triples(graph: BuiltGraph) -> set:
    """The triples of the registry-derived files (data/registries/), from the bytes the build read."""
    folder = "data/registries/"
    return {
        (q.subject, q.predicate, q.object) for f in graph.files if f.shown.startswith(folder) for q in parse_terms(f)
    }


def shapes_iris(graph: BuiltGraph) -> list[URIRef]:
    """The IRIs of the shapes graph: every owl:Ontology declared in a file under shapes/."""
    found: set[URIRef] = set()
    ontology, rdf_type = ox.NamedNode(str(OWL.Ontology)), ox.NamedNode(str(RDF.type))
    for file in read_turtle_files(graph.repo.shape_files(), graph.repo.root):
        for quad in parse_terms(file):
            if quad.predicate == rdf_type and quad.object == ontology and isinstance(quad.subject, ox.NamedNode):
                found.add(URIRef(quad.subject.value))
    return sorted(found)


class _Triple:
    __slots__ = ("subject", "predicate", "object")

    def __init__(self, triple):
        self.subject, self.predicate, self.object = triple


def describe(built: BuiltGraph, report: Report | None = None, inferred: bool = False) -> Graph:
    """The DCAT/VoID description of the graph `icskg export` writes (with `inferred`: asserted + inferred).

    `report`: a validation report of this build; `dcterms:conformsTo` the shapes only when it conforms."""
    from .. import __version__

    triples = list(built.asserted()) + (list(built.inferred()) if inferred else [])
    out = Graph()
    bind_prefixes(out)
    add = out.add

    add((DESCRIPTION, RDF.type, VOID.DatasetDescription))
    add((DESCRIPTION, DCTERMS.title, Literal("Description of the icskg dataset", lang="en")))
    add((DESCRIPTION, FOAF.primaryTopic, DATASET))

    add((DATASET, RDF.type, DCAT.Dataset))
    add((DATASET, RDF.type, VOID.Dataset))
    add((DATASET, DCTERMS.title, Literal("icskg: England's integrated-care landscape", lang="en")))
    add(
        (
            DATASET,
            DCTERMS.description,
            Literal(
                "An open, validated knowledge graph of England's integrated-care landscape: the Sustainability "
                "and Transformation Partnerships, their evolution into Integrated Care Systems, the organisations "
                "and people in them, what was said about them and where, and the registry codes (ONS, NHS ODS, "
                "Wikidata) that join them to other open data. Every fact carries the document it came from.",
                lang="en",
            ),
        )
    )
    add((DATASET, DCAT.version, Literal(__version__)))
    add((DATASET, OWL.versionInfo, Literal(__version__)))
    add((DATASET, DCTERMS.license, CC_BY))
    add((DATASET, DCTERMS.rights, Literal(QUOTATION_RIGHTS, lang="en")))
    add((DATASET, VOID.uriSpace, Literal(str(ID))))
    add((DATASET, VOID.rootResource, URIRef(str(ICSKG).rstrip("#"))))
    what = "asserted and OWL 2 RL inferred triples" if inferred else "asserted triples (no inferred ones)"
    add((DATASET, RDFS.comment, Literal(f"Statistics count the {what}, not this description.", lang="en")))
    for prefix in ("ontology#", "vocab/"):
        add((DATASET, VOID.vocabulary, URIRef(BASE + prefix)))
    for namespace in (DCTERMS, FOAF, RDFS, OWL, SCHEMA, DCAT):
        add((DATASET, VOID.vocabulary, URIRef(str(namespace))))

    ontology = URIRef(BASE + "ontology")
    version_iri = next(
        (
            to_rdflib(q.object)
            for q in built.store.quads_for_pattern(ox.NamedNode(str(ontology)), ox.NamedNode(str(OWL.versionIRI)), None)
        ),
        None,
    )
    if version_iri is not None:  # the ontology's own triples stay in the data; this names the version used
        add((DATASET, VOID.vocabulary, version_iri))

    if report is not None and report.conforms:
        for iri in [*shapes_iris(built), ontology]:
            add((DATASET, DCTERMS.conformsTo, iri))
            add((iri, RDF.type, DCTERMS.Standard))
        add((URIRef(BASE + "shapes"), RDFS.comment, Literal("SHACL shapes under shapes/, run by `icskg validate`")))

    _add_statistics(out, DATASET, statistics(triples))

    # The two parts, by licence.
    registry = _registry_triples(built)
    add((DATASET, VOID.subset, CURATED))
    add((CURATED, RDF.type, VOID.Dataset))
    add((CURATED, DCTERMS.title, Literal("Curated data, ontology, vocabularies, shapes and queries", lang="en")))
    add((CURATED, DCTERMS.license, CC_BY))
    add((CURATED, DCTERMS.rights, Literal(QUOTATION_RIGHTS, lang="en")))
    curated = [q for q in built.asserted() if (q.subject, q.predicate, q.object) not in registry]
    _add_statistics(out, CURATED, statistics(curated), partitions=False)

    add((DATASET, VOID.subset, REGISTRY_DATA))
    add((REGISTRY_DATA, RDF.type, VOID.Dataset))
    add((REGISTRY_DATA, DCTERMS.title, Literal("Registry-derived data (ONS, NHS ODS, ROR/Wikidata)", lang="en")))
    extract_rows = built.query(
        f"SELECT ?e ?licence WHERE {{ ?e a <{ICSKG.RegistryExtract}> OPTIONAL {{ ?e <{DCTERMS.license}> ?licence }} }}"
    )
    rows = [(row["e"], row["licence"]) for row in extract_rows]
    extracts = sorted({to_rdflib(e) for e, _l in rows})
    licences = {to_rdflib(lic) for _e, lic in rows if lic is not None} or {OGL}
    for licence in sorted(licences):
        add((REGISTRY_DATA, DCTERMS.license, licence))
    for text in sorted({OGL_ATTRIBUTION, ONS_ATTRIBUTION}):
        add((REGISTRY_DATA, DCTERMS.rights, Literal(text, lang="en")))
    for extract in extracts:
        add((REGISTRY_DATA, PROV.wasDerivedFrom, extract))
    _add_statistics(out, REGISTRY_DATA, statistics(_Triple(t) for t in registry), partitions=False)

    # The code that builds and validates it.
    add((SOFTWARE, RDF.type, SCHEMA.SoftwareSourceCode))
    add((SOFTWARE, SCHEMA.name, Literal("icskg")))
    add((SOFTWARE, SCHEMA.version, Literal(__version__)))
    add((SOFTWARE, SCHEMA.license, MIT))
    add((SOFTWARE, DCTERMS.license, MIT))
    add((DATASET, DCTERMS.relation, SOFTWARE))

    # The distributions `icskg export` writes.
    for fmt, (media, title) in MEDIA_TYPES.items():
        dist = URIRef(f"{DATASET}/distribution/{fmt}")
        add((DATASET, DCAT.distribution, dist))
        add((dist, RDF.type, DCAT.Distribution))
        add((dist, DCTERMS.title, Literal(title, lang="en")))
        add((dist, DCTERMS.description, Literal(f"icskg export -f {fmt} [--inferred]")))
        add((dist, DCAT.mediaType, URIRef(IANA + media)))
        add((dist, DCTERMS.format, URIRef(IANA + media)))
        add((dist, DCTERMS.license, CC_BY))
    return out


def void_triples(graph: Graph) -> int | None:
    """The dataset's void:triples in a graph that holds a description, or None."""
    value = graph.value(DATASET, VOID.triples)
    return None if value is None else int(value)


__all__ = ["DATASET", "DCAT", "VOID", "describe", "shapes_iris", "statistics", "void_triples"]
