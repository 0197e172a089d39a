"""The namespaces icskg uses, and the prefixes every canonical Turtle file binds.

Keeping one table here means `icskg fmt` writes the same prefixes everywhere and queries,
data and shapes agree on them (cf. rdflib's namespace modules).
"""

from rdflib import Namespace
from rdflib.namespace import DCTERMS, FOAF, ORG, OWL, PROV, RDF, RDFS, SH, SKOS, TIME, XSD

BASE = "https://w3id.org/icskg/"
ICSKG = Namespace(BASE + "ontology#")
SCHEMA = Namespace("https://schema.org/")
ID = Namespace(BASE + "id/")
VOCAB = Namespace(BASE + "vocab/")
SHAPE = Namespace(BASE + "shapes#")

PREFIXES: dict[str, str] = {
    "icskg": str(ICSKG),
    "shape": str(SHAPE),
    "partnershipkind": f"{VOCAB}partnership-kind/",
    "orgkind": f"{VOCAB}organisation-kind/",
    "role": f"{VOCAB}role/",
    "claimtype": f"{VOCAB}claim-type/",
    "partnership": f"{ID}partnership/",
    "organisation": f"{ID}organisation/",
    "person": f"{ID}person/",
    "appointment": f"{ID}appointment/",
    "membership": f"{ID}membership/",
    "status": f"{ID}status/",
    "event": f"{ID}event/",
    "wave": f"{ID}wave/",
    "programme": f"{ID}programme/",
    "source": f"{ID}source/",
    "document": f"{ID}document/",
    "statement": f"{ID}statement/",
    "extract": f"{ID}extract/",
    "record": f"{ID}record/",
    "link": f"{ID}link/",
    "periodical": f"{ID}periodical/",
    "place": f"{ID}place/",
    "dcterms": str(DCTERMS),
    "foaf": str(FOAF),
    "org": str(ORG),
    "owl": str(OWL),
    "prov": str(PROV),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "schema": str(SCHEMA),
    "sh": str(SH),
    "skos": str(SKOS),
    "time": str(TIME),
    "xsd": str(XSD),
    "dcat": "http://www.w3.org/ns/dcat#",
    "void": "http://rdfs.org/ns/void#",
    "gss": "http://statistics.data.gov.uk/id/statistical-geography/",
    "ods": "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/",
    "wd": "http://www.wikidata.org/entity/",
}


def bind_prefixes(graph) -> None:
    """Bind icskg's prefixes on a graph, replacing any the parser picked up."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)


__all__ = [
    "BASE",
    "DCTERMS",
    "FOAF",
    "ICSKG",
    "ID",
    "ORG",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SH",
    "SHAPE",
    "SKOS",
    "TIME",
    "VOCAB",
    "XSD",
    "bind_prefixes",
]
