"""The namespaces icskg uses, and the prefixes every canonical Turtle file binds.

One table here means `icskg fmt` writes the same prefixes everywhere and queries, data, shapes and
reports agree on them (cf. rdflib's namespace modules). The table is plain strings, so reading it
costs nothing; rdflib `Namespace` objects (ICSKG, SHAPE, ...) are made on first use.
"""

from __future__ import annotations

import re

BASE = "https://w3id.org/icskg/"
ONTOLOGY = BASE + "ontology#"
_ID = BASE + "id/"
_VOCAB = BASE + "vocab/"
SHAPES = BASE + "shapes#"
QC = BASE + "qc/"
FUNCTIONS = BASE + "function#"
DEFAULT_GRAPH = BASE + "graph"
"""The named graph `icskg publish` loads and a remote backend queries (as its default graph)."""

PREFIXES: dict[str, str] = {
    "icskg": ONTOLOGY,
    "shape": SHAPES,
    "icskgfn": FUNCTIONS,
    "partnershipkind": f"{_VOCAB}partnership-kind/",
    "orgkind": f"{_VOCAB}organisation-kind/",
    "role": f"{_VOCAB}role/",
    "claimtype": f"{_VOCAB}claim-type/",
    "modality": f"{_VOCAB}modality/",
    "sector": f"{_VOCAB}sector/",
    "method": f"{_VOCAB}identity-method/",
    "partnership": f"{_ID}partnership/",
    "organisation": f"{_ID}organisation/",
    "person": f"{_ID}person/",
    "appointment": f"{_ID}appointment/",
    "membership": f"{_ID}membership/",
    "status": f"{_ID}status/",
    "event": f"{_ID}event/",
    "wave": f"{_ID}wave/",
    "programme": f"{_ID}programme/",
    "source": f"{_ID}source/",
    "document": f"{_ID}document/",
    "statement": f"{_ID}statement/",
    "extract": f"{_ID}extract/",
    "record": f"{_ID}record/",
    "link": f"{_ID}link/",
    "periodical": f"{_ID}periodical/",
    "place": f"{_ID}place/",
    "assertion": f"{_ID}assertion/",
    "quantity": f"{_ID}quantity/",
    "item": f"{_ID}item/",
    "identity": f"{_ID}identity/",
    "qc": QC,
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "time": "http://www.w3.org/2006/time#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "spdx": "http://spdx.org/rdf/terms#",
    "gss": "http://statistics.data.gov.uk/id/statistical-geography/",
    "ods": "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/",
    "wd": "http://www.wikidata.org/entity/",
}
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))
_LOCAL = re.compile(r"^[A-Za-z0-9_][\w.\-%]*(?<!\.)$|^$")
_NAMESPACES = {
    "ICSKG": ONTOLOGY,
    "SHAPE": SHAPES,
    "ID": _ID,
    "VOCAB": _VOCAB,
    "SCHEMA": PREFIXES["schema"],
    "PROV": PREFIXES["prov"],
}


def __getattr__(name: str):
    """rdflib Namespace objects (ICSKG, SHAPE, ID, VOCAB, SCHEMA, PROV), made on first use."""
    if name in _NAMESPACES:
        from rdflib import Namespace

        return Namespace(_NAMESPACES[name])
    raise AttributeError(f"module 'icskg.namespaces' has no attribute {name!r}")


def shorten(iri: str) -> str:
    """`icskg:Partnership` for a full IRI that one of icskg's prefixes fits, else `<iri>`."""
    for prefix, namespace in _BY_LENGTH:
        if iri.startswith(namespace) and _LOCAL.match(iri[len(namespace) :]):
            return f"{prefix}:{iri[len(namespace) :]}"
    return f"<{iri}>"


def bind_prefixes(graph) -> None:
    """Bind icskg's prefixes on an rdflib graph, replacing any the parser picked up."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
