"""The IRIs the registry import mints: one place, so the importer and the links share them."""

from __future__ import annotations

from rdflib import URIRef

from ..namespaces import ID
from .landscape import Landscape, Record

EXTRACT = ID["extract/"]
RECORD = ID["record/"]
EVENT = ID["event/"]

ENTITY_BASE = {
    "stp": ID["partnership/"],
    "ccg": ID["organisation/"],
    "trust": ID["organisation/"],
    "region": ID["organisation/"],
    "ror": ID["organisation/"],
    "district": ID["place/"],
}


def entity_iri(kind: str, key: str) -> URIRef:
    return URIRef(ENTITY_BASE[kind] + key)


def record_iri(landscape: Landscape, record: Record) -> URIRef:
    """record:<extract>--<entity key>[--<qualifier>]: one extract's record of one entity."""
    parts = [landscape.extracts[record.extract].slug, record.key] + ([record.qualifier] if record.qualifier else [])
    return URIRef(RECORD + "--".join(parts))


def extract_iri(landscape: Landscape, name: str) -> URIRef:
    return URIRef(EXTRACT + landscape.extracts[name].slug)
