"""Registry links: from the hand-reviewed `registries/links.yaml` to `data/registries/links.ttl`, the checks
run by `icskg links check` and `icskg validate`, and `icskg links suggest`.

links.yaml:

    links:
      - source: partnership:greater-manchester        # a source-document entity (prefixed or full IRI)
        registry: partnership:ods-QOP                  # a registry entity written by `icskg registries import`
        match: exact                                   # exact | close  (skos:exactMatch | skos:closeMatch)
        gss: [E54000007]                               # ONS GSS codes, ODS codes, Wikidata QIDs
        ods: [QOP]
        wikidata: []
        valid_on: 2018-05-24                           # optional: when the sources describe the entity
        note: why the reviewer judged this a match
    unlinked:
      - source: organisation:kings-fund
        reason: why there is no link
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from pathlib import Path

import pyoxigraph as ox
import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ..errors import InputError
from ..namespaces import ICSKG, ID, PREFIXES, bind_prefixes
from .iris import ENTITY_BASE, entity_iri, extract_iri
from .landscape import Landscape, load_landscape, normalise_name, vintage_sort_key

LINK = ID["link/"]
CODE_PROPERTIES = {"gss": ICSKG.gssCode, "ods": ICSKG.odsCode, "wikidata": ICSKG.wikidataId}
CODE_TYPES = {"gss": ICSKG.GSSCode, "ods": ICSKG.ODSCode, "wikidata": ICSKG.WikidataQID}
REGISTRY_IRIS = {
    "gss": "http://statistics.data.gov.uk/id/statistical-geography/",
    "ods": "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/",
    "wikidata": "http://www.wikidata.org/entity/",
}
REGISTRY_SHAPES = (
    "RegistryCodeInExtract",
    "RegistryCodeOfRightKind",
    "RegistryLinkWithinVintageDates",
    "RegistryLinkResolves",
)
"""The shapes (shapes/registry-links.ttl) whose results `icskg links check` reports."""


def expand(value: str, where: Path) -> URIRef:
    text = str(value).strip()
    if text.startswith("<") and text.endswith(">"):
        return URIRef(text[1:-1])
    prefix, sep, local = text.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return URIRef(PREFIXES[prefix] + local)
    if re.match(r"^https?://", text):
        return URIRef(text)
    raise InputError(f"{text!r} is neither a known prefixed name nor an absolute IRI", where)


def local_name(iri: URIRef) -> str:
    text = str(iri)
    for prefix, namespace in sorted(PREFIXES.items(), key=lambda item: -len(item[1])):
        if text.startswith(namespace):
            return f"{prefix}-{text[len(namespace) :]}"
    return re.sub(r"[^A-Za-z0-9]+", "-", text)


def load_spec(root: Path) -> dict:
    path = root / "registries" / "links.yaml"
    if not path.is_file():
        return {"links": [], "unlinked": []}
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise InputError(f"malformed YAML: {error}", path) from None
    for i, link in enumerate(spec.get("links") or []):
        for key in ("source", "registry", "note"):
            if not link.get(key):
                raise InputError(f"link {i + 1} needs '{key}'", path)
        if link.get("match", "exact") not in ("exact", "close"):
            raise InputError(f"link {i + 1}: match must be exact or close", path)
        unknown = set(link) - {"source", "registry", "match", "gss", "ods", "wikidata", "valid_on", "note"}
        if unknown:
            raise InputError(f"link {i + 1}: unknown key(s) {', '.join(sorted(unknown))}", path)
    return {"links": spec.get("links") or [], "unlinked": spec.get("unlinked") or []}


def _codes(link: dict) -> list[tuple[str, str]]:
    found = []
    for kind in ("gss", "ods", "wikidata"):
        values = link.get(kind) or []
        for value in [values] if isinstance(values, str) else values:
            found.append((kind, str(value).strip()))
    return found


def links_graph(root: Path, landscape: Landscape) -> tuple[Graph, str, list[dict]]:
    """links.ttl from links.yaml: one icskg:RegistryLink per link, and SKOS matches on the source entity."""

    path = root / "registries" / "links.yaml"
    spec = load_spec(root)
    g = Graph()
    bind_prefixes(g)
    holders: dict[str, set[str]] = defaultdict(set)
    for record in landscape.records.values():
        for code in (record.gss, record.ods, *record.qids):
            if code:
                holders[code].add(record.extract)
    entity_iris = {URIRef(ENTITY_BASE[k] + key) for (k, key) in landscape.entities}
    for link in spec["links"]:
        source = expand(link["source"], path)
        registry = expand(link["registry"], path)
        node = URIRef(LINK + local_name(source))
        match = SKOS.exactMatch if link.get("match", "exact") == "exact" else SKOS.closeMatch
        g.add((node, RDF.type, ICSKG.RegistryLink))
        g.add((node, ICSKG.linkedEntity, source))
        g.add((node, ICSKG.registryEntity, registry))
        g.add((node, SKOS.note, Literal(str(link["note"]).strip())))
        if link.get("valid_on"):
            g.add((node, ICSKG.validOn, Literal(dt.date.fromisoformat(str(link["valid_on"])), datatype=XSD.date)))
        g.add((source, match, registry))
        files: set[str] = set()
        for kind, code in _codes(link):
            g.add((node, CODE_PROPERTIES[kind], Literal(code, datatype=CODE_TYPES[kind])))
            g.add((source, match, URIRef(REGISTRY_IRIS[kind] + code)))
            files |= holders.get(code, set())
        if registry in entity_iris:
            for name in sorted(files):
                g.add((node, ICSKG.extract, extract_iri(landscape, name)))
    head = (
        "# Registry links: source-document entities matched to registry entities, from the hand-reviewed\n"
        "# registries/links.yaml. GENERATED by `icskg registries import`: edit links.yaml, not this file.\n\n"
    )
    return g, head, spec["unlinked"]


def described_entities(root: Path) -> dict[str, str | None]:
    """Partnerships, organisations and places described in data/*.ttl (the curated files), with their labels;
    a file that does not parse is skipped here (`icskg validate` reports it)."""
    from ..build.files import read_file
    from ..build.parse import parse_terms
    from ..errors import InputError as ParseError

    kinds = {str(ICSKG.Partnership), "http://www.w3.org/ns/org#Organization", "http://www.w3.org/ns/prov#Location"}
    typed, labels = set(), {}
    for path in sorted((root / "data").glob("*.ttl")):
        try:
            quads = parse_terms(read_file(path, str(path)))
        except ParseError:
            continue
        for quad in quads:
            if not isinstance(quad.subject, ox.NamedNode):
                continue
            if quad.predicate.value == str(RDF.type) and quad.object.value in kinds:
                typed.add(quad.subject.value)
            if quad.predicate.value == str(SKOS.prefLabel):
                labels.setdefault(quad.subject.value, quad.object.value)
    return {entity: labels.get(entity) for entity in typed}


def write_unlinked_report(root: Path, unlinked: list[dict]) -> Path:
    """registries/unlinked.md: the entities left unlinked and why, and any entity (partnership, organisation,
    place) nobody has reviewed yet."""
    spec = load_spec(root)
    reviewed = {str(expand(x["source"], root)) for x in spec["links"]} | {
        str(expand(x["source"], root)) for x in unlinked
    }
    pending = []
    described = described_entities(root)
    for entity, label in sorted(described.items()):
        if entity not in reviewed:
            pending.append((URIRef(entity), label))
    lines = [
        "# Source-document entities without a registry link",
        "",
        "GENERATED by `icskg registries import` from `registries/links.yaml` and `data/*.ttl`; edit links.yaml.",
        "",
        "## Left unlinked after review",
        "",
        "| entity | reason |",
        "| --- | --- |",
    ]
    for item in unlinked:
        lines.append(f"| `{item['source']}` | {str(item.get('reason', '')).strip()} |")
    lines += ["", "## Not reviewed yet", ""]
    if pending:
        lines += ["| entity | label |", "| --- | --- |"]
        lines += [f"| `{local_name(e).replace('-', ':', 1)}` | {label or ''} |" for e, label in sorted(set(pending))]
    else:
        lines.append("None: every partnership, organisation and place in data/ is linked or listed above.")
    out = root / "registries" / "unlinked.md"
    text = "\n".join(lines) + "\n"
    if not out.is_file() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return out


def links_file_is_stale(root: Path) -> bool:
    """Whether data/registries/links.ttl differs (as a graph) from what registries/links.yaml makes."""
    from ..terms import rdflib_graph

    links_ttl = root / "data" / "registries" / "links.ttl"
    spec = load_spec(root)
    if not spec["links"]:
        return False
    expected, _head, _u = links_graph(root, load_landscape(root / "registries"))
    current = rdflib_graph(_quads(links_ttl)) if links_ttl.is_file() else rdflib_graph([])
    from rdflib.compare import isomorphic

    return not isomorphic(expected, current)


def links_waiting(root: Path, described: set[str]) -> list[str]:
    """Links in links.yaml whose source entity nothing in data/ describes yet."""
    return [
        f"{link['source']} is not described in data/ (yet): its link waits for it"
        for link in load_spec(root)["links"]
        if str(expand(link["source"], root)) not in described
    ]


def _quads(path: Path) -> list:
    from ..build.files import read_file
    from ..build.parse import parse_terms

    return parse_terms(read_file(path, str(path)))


# --------------------------------------------------------------------------- suggestions
def suggest(root: Path, name: str, limit: int = 10) -> list[dict]:
    """Registry entities whose name in some vintage matches `name` after normalisation, best first."""

    landscape = load_landscape(root / "registries")
    wanted = normalise_name(name)
    wanted_words = set(wanted.split())
    if not wanted_words:
        return []
    best: dict[tuple[str, str], dict] = {}
    codes: dict[tuple[str, str], set[str]] = defaultdict(set)
    for record in landscape.records.values():
        codes[record.ref] |= {c for c in (record.gss, record.ods, *record.qids) if c}
    for record in landscape.records.values():
        if not record.name:
            continue
        candidate = normalise_name(record.name)
        words = set(candidate.split())
        if not words:
            continue
        if candidate == wanted:
            score = 1.0
        else:
            score = len(wanted_words & words) / len(wanted_words | words)
        if score < 0.5:
            continue
        key = (record.kind, record.key)
        entry = best.setdefault(
            key, {"entity": entity_iri(*key), "kind": record.kind, "score": 0.0, "names": {}, "codes": codes[key]}
        )
        entry["score"] = max(entry["score"], round(score, 2))
        if score == entry["score"] or score >= 0.5:
            vintages = entry["names"].setdefault(record.name, [])
            vintage = landscape.vintage(record.extract)
            if vintage and vintage not in vintages:
                vintages.append(vintage)
                vintages.sort(key=vintage_sort_key)
    ranked = sorted(best.values(), key=lambda e: (-e["score"], str(e["entity"])))
    return ranked[:limit]
