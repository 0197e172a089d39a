"""The IRIs the registry import mints: one place, so the importer and the links share them."""

from __future__ import annotations

from rdflib import URIRef

from ..namespaces import ID
from .landscape import Landscape, MergedRecord

EXTRACT = ID["extract/"]
RECORD = ID["record/"]
EVENT = ID["event/"]

ENTITY_BASE = {
    "stp": ID["partnership/"],
    "ccg": ID["organisation/"],
    "trust": ID["organisation/"],
    "region": ID["organisation/"],
    "ror": ID["organisation/"],
}


def entity_iri(kind: str, key: str) -> URIRef:
    return URIRef(ENTITY_BASE[kind] + key)


def record_iri(record: MergedRecord) -> URIRef:
    return URIRef(RECORD + record.slug)


def extract_iri(landscape: Landscape, name: str) -> URIRef:
    return URIRef(EXTRACT + landscape.extracts[name].slug)
