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
from dataclasses import dataclass
from pathlib import Path

import yaml
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

from ..errors import InputError
from ..namespaces import ICSKG, ID, PREFIXES, SHAPE, bind_prefixes
from .landscape import (
    CCG_VINTAGES,
    GSS_RE,
    ODS_RE,
    QID_RE,
    REGION_VINTAGES,
    STP_VINTAGES,
    TRUST_VINTAGES,
    VINTAGE_WINDOWS,
    Landscape,
    load_landscape,
    normalise_name,
)

LINK = ID["link/"]
CODE_PROPERTIES = {"gss": ICSKG.gssCode, "ods": ICSKG.odsCode, "wikidata": ICSKG.wikidataId}
CODE_TYPES = {"gss": ICSKG.GSSCode, "ods": ICSKG.ODSCode, "wikidata": ICSKG.WikidataQID}
CODE_PATTERNS = {"gss": GSS_RE, "ods": ODS_RE, "wikidata": QID_RE}
REGISTRY_IRIS = {
    "gss": "http://statistics.data.gov.uk/id/statistical-geography/",
    "ods": "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/",
    "wikidata": "http://www.wikidata.org/entity/",
}
GSS_KIND_NAMES = {"E54": "STP/ICB", "E38": "CCG or sub-ICB location", "E40": "NHS England region"}
FAMILIES = {"E54": STP_VINTAGES, "E38": CCG_VINTAGES, "E40": REGION_VINTAGES}

SHAPE_UNKNOWN = SHAPE.RegistryCodeInExtract
SHAPE_KIND = SHAPE.RegistryCodeOfRightKind
SHAPE_DATES = SHAPE.RegistryLinkWithinVintageDates
SHAPE_LINK = SHAPE.RegistryLinkResolves


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
    from .importer import ENTITY_BASE, extract_iri

    path = root / "registries" / "links.yaml"
    spec = load_spec(root)
    g = Graph()
    bind_prefixes(g)
    holders: dict[str, set[str]] = defaultdict(set)
    for record in landscape.records.values():
        for code in (record.gss, record.ods, record.qid):
            if code:
                holders[code] |= record.extracts
    for entity in landscape.entities.values():
        for qid in entity.qids:
            holders[qid] |= entity.extracts
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


def write_unlinked_report(root: Path, unlinked: list[dict]) -> Path:
    """registries/unlinked.md: the entities left unlinked and why, and any entity nobody has reviewed yet."""
    spec = load_spec(root)
    reviewed = {str(expand(x["source"], root)) for x in spec["links"]} | {
        str(expand(x["source"], root)) for x in unlinked
    }
    pending = []
    data = Graph()
    for path in sorted((root / "data").glob("*.ttl")):
        try:
            data.parse(path, format="turtle")
        except Exception:  # another file's syntax error is `icskg validate`'s to report
            continue
    kinds = (ICSKG.Partnership, URIRef("http://www.w3.org/ns/org#Organization"))
    for kind in kinds:
        for entity in sorted(set(data.subjects(RDF.type, kind))):
            if str(entity) not in reviewed and isinstance(entity, URIRef):
                pending.append((entity, data.value(entity, SKOS.prefLabel)))
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
        lines.append("None: every partnership and organisation in data/ is linked or listed above.")
    out = root / "registries" / "unlinked.md"
    text = "\n".join(lines) + "\n"
    if not out.is_file() or out.read_text(encoding="utf-8") != text:
        out.write_text(text, encoding="utf-8")
    return out


# --------------------------------------------------------------------------- checks on a graph
@dataclass(frozen=True)
class Problem:
    focus: URIRef
    path: URIRef
    message: str
    shape: URIRef
    severity: str = "Violation"


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


class RegistryIndex:
    """What the imported registry data hold: records by code, entities' kinds, vintages and dates."""

    def __init__(self, graph: Graph):
        self.graph = graph
        self.by_code: dict[str, list[tuple[URIRef, URIRef, str]]] = defaultdict(
            list
        )  # code -> (record, entity, vintage)
        self.entity_vintages: dict[URIRef, set[str]] = defaultdict(set)
        self.entity_gss_prefixes: dict[URIRef, set[str]] = defaultdict(set)
        for record in graph.subjects(RDF.type, ICSKG.RegistryRecord):
            entity = graph.value(record, ICSKG.recordOf)
            vintages = [str(v) for v in graph.objects(record, ICSKG.vintage)]
            self.entity_vintages[entity].update(vintages)
            for prop in CODE_PROPERTIES.values():
                for code in graph.objects(record, prop):
                    for vintage in vintages:
                        self.by_code[str(code)].append((record, entity, vintage))
                    if prop == ICSKG.gssCode:
                        self.entity_gss_prefixes[entity].add(str(code)[:3])
        self.entity_codes: dict[URIRef, set[str]] = defaultdict(set)
        for prop in (ICSKG.odsCode, ICSKG.wikidataId):
            for entity, code in graph.subject_objects(prop):
                if (
                    graph.value(entity, ICSKG.extract) is not None  # imported, so from an extract
                    and (entity, RDF.type, ICSKG.RegistryRecord) not in graph
                    and (entity, RDF.type, ICSKG.RegistryLink) not in graph
                ):
                    self.entity_codes[entity].add(str(code))
                    self.by_code[str(code)].append((None, entity, None))

    def is_registry_entity(self, node) -> bool:
        return node in self.entity_vintages or node in self.entity_codes

    def kind(self, entity: URIRef) -> str:
        prefixes = self.entity_gss_prefixes.get(entity, set())
        if prefixes:
            return GSS_KIND_NAMES.get(sorted(prefixes)[0], "area")
        if entity in self.entity_vintages:
            return "NHS trust"
        return "organisation"

    def family(self, entity: URIRef) -> list[str]:
        prefixes = self.entity_gss_prefixes.get(entity)
        if prefixes:
            return FAMILIES.get(sorted(prefixes)[0], [])
        return TRUST_VINTAGES

    def span_problem(self, code: str, kind: str, entity: URIRef, on: dt.date) -> str | None:
        """Why `code` certainly cannot be valid on `on`, or None. A vintage is a snapshot taken at an unknown
        moment inside its window, so a code is impossible only before the start of a list that lacks it
        and precedes every list that holds it, or after the end of a list that lacks it and follows them."""
        if kind == "ods" or kind == "wikidata":
            start, end = self.graph.value(entity, ICSKG.startDate), self.graph.value(entity, ICSKG.endDate)
            if start is not None and on < start.toPython():
                return f"{code} ({short(self.graph, entity)}) opened on {start}, after {on}"
            if end is not None and on > end.toPython():
                return f"{code} ({short(self.graph, entity)}) closed on {end}, before {on}"
            if kind == "wikidata":
                present = {v for _r, e, v in self.by_code.get(code, []) if v}
            else:
                present = self.entity_vintages.get(entity, set())
        else:
            present = {v for _r, e, v in self.by_code.get(code, []) if v}
        family = [v for v in self.family(entity) if v in VINTAGE_WINDOWS]
        if not present or not family:
            return None
        order = [v for v in family if v in present]
        if not order:
            return None
        first, last = family.index(order[0]), family.index(order[-1])
        before = [v for v in family[:first] if v not in present]
        after = [v for v in family[last + 1 :] if v not in present]
        if before and on < _date(VINTAGE_WINDOWS[before[-1]][0]):
            return (
                f"{code} is not in vintage {before[-1]} (from {VINTAGE_WINDOWS[before[-1]][0]}) and first appears in "
                f"vintage {order[0]}, so it did not exist yet on {on}"
            )
        if after and on > _date(VINTAGE_WINDOWS[after[0]][1]):
            return (
                f"{code} is last held in vintage {order[-1]} and is gone from vintage {after[0]} "
                f"(by {VINTAGE_WINDOWS[after[0]][1]}), so it was no longer in use on {on}"
            )
        return None


def short(graph: Graph, node) -> str:
    try:
        return graph.namespace_manager.normalizeUri(node)
    except Exception:
        return f"<{node}>"


def check_graph(graph: Graph) -> list[Problem]:
    """Every registry code in the graph is held by an extract, is of the right kind for the entity it is
    given for, and every registry link is consistent with the dates of the vintages that hold its codes."""
    bind_prefixes(graph)
    index = RegistryIndex(graph)
    problems: list[Problem] = []
    for link in sorted(graph.subjects(RDF.type, ICSKG.RegistryLink)):
        entity = graph.value(link, ICSKG.registryEntity)
        source = graph.value(link, ICSKG.linkedEntity)
        if entity is None or not index.is_registry_entity(entity):
            problems.append(
                Problem(
                    link,
                    ICSKG.registryEntity,
                    f"registry entity {short(graph, entity)} is not in the imported registry data (data/registries/)",
                    SHAPE_LINK,
                )
            )
            continue
        on = graph.value(link, ICSKG.validOn)
        for kind, prop in CODE_PROPERTIES.items():
            for value in sorted(graph.objects(link, prop)):
                code = str(value)
                message = code_problem(index, entity, kind, code)
                if message:
                    shape = SHAPE_UNKNOWN if "no registry extract" in message or "not a" in message else SHAPE_KIND
                    problems.append(Problem(link, prop, message, shape))
                    continue
                if on is not None:
                    reason = index.span_problem(code, kind, entity, on.toPython())
                    if reason:
                        problems.append(
                            Problem(
                                link,
                                ICSKG.validOn,
                                f"the link says {short(graph, source)} is {short(graph, entity)} on {on}, but {reason}",
                                SHAPE_DATES,
                            )
                        )
    # Codes given anywhere else (on a source-document entity, say) must be in an extract too.
    for kind, prop in CODE_PROPERTIES.items():
        for subject, value in sorted(graph.subject_objects(prop)):
            if (subject, RDF.type, ICSKG.RegistryLink) in graph or (subject, RDF.type, ICSKG.RegistryRecord) in graph:
                continue
            if index.is_registry_entity(subject):
                continue
            if not CODE_PATTERNS[kind].match(str(value)):
                problems.append(Problem(subject, prop, f"{value} is not a well-formed {kind} code", SHAPE_UNKNOWN))
            elif str(value) not in index.by_code:
                problems.append(
                    Problem(
                        subject, prop, f"{kind} code {value} is in no registry extract (registries/)", SHAPE_UNKNOWN
                    )
                )
    return problems


def code_problem(index: RegistryIndex, entity: URIRef, kind: str, code: str) -> str | None:
    graph = index.graph
    name = short(graph, entity)
    if not CODE_PATTERNS[kind].match(code):
        return f"{code} is not a well-formed {kind} code"
    holders = index.by_code.get(code)
    if kind == "gss":
        expected = index.entity_gss_prefixes.get(entity, set())
        if expected and code[:3] not in expected:
            return (
                f"{code} is an {code[:3]} code ({GSS_KIND_NAMES.get(code[:3], 'another kind of area')}), "
                f"but {name} is an {index.kind(entity)}, whose ONS codes are {'/'.join(sorted(expected))}"
            )
        if not expected:
            return f"{code} is an ONS GSS code, but {name} is an {index.kind(entity)}, which has none in the extracts"
    if not holders:
        return f"{kind} code {code} is in no registry extract (registries/)"
    owners = {e for _r, e, _v in holders}
    if entity not in owners:
        others = ", ".join(sorted(short(graph, e) for e in owners))
        other_kind = index.kind(sorted(owners)[0])
        if kind == "ods" and other_kind != index.kind(entity):
            return f"{code} is the ODS code of an {other_kind} ({others}), but {name} is an {index.kind(entity)}"
        return f"{code} belongs to {others} in the extracts, not to {name}"
    return None


def verify_registry_links(graph: Graph, report_graph: Graph) -> int:
    """For `icskg validate` (like quotes.verify_sources): add a SHACL-style result per problem. Returns problems."""
    from ..report import add_result

    if (None, RDF.type, ICSKG.RegistryRecord) not in graph:
        return 0  # no registry data imported (a partial or generated graph): nothing to check codes against
    problems = check_graph(graph)
    for p in problems:
        add_result(report_graph, p.focus, p.path, p.message, p.shape)
    return len(problems)


def check_repository(root: Path) -> tuple[list[Problem], list[str]]:
    """`icskg links check`: the links and codes in data/ against the imported registry data, and links.ttl
    against links.yaml. Returns (problems, warnings)."""
    graph = Graph()
    bind_prefixes(graph)
    files = sorted((root / "data").rglob("*.ttl"))
    for path in files:
        graph.parse(path, format="turtle")
    problems = check_graph(graph)
    warnings = []
    links_ttl = root / "data" / "registries" / "links.ttl"
    spec = load_spec(root)
    if spec["links"]:
        landscape = load_landscape(root / "registries")
        expected, _head, _u = links_graph(root, landscape)
        current = Graph()
        if links_ttl.is_file():
            current.parse(links_ttl, format="turtle")
        from rdflib.compare import isomorphic

        if not isomorphic(expected, current):
            problems.append(
                Problem(
                    URIRef(links_ttl.resolve().as_uri()),
                    ICSKG.registryEntity,
                    "data/registries/links.ttl is out of date with registries/links.yaml: run `icskg registries import`",  # noqa: E501
                    SHAPE_LINK,
                )
            )
        sources = graph
        for link in spec["links"]:
            source = expand(link["source"], root)
            if not any(p != SKOS.exactMatch and p != SKOS.closeMatch for p in sources.predicates(source)):
                warnings.append(f"{link['source']} is not described in data/ (yet): its link waits for it")
    return problems, warnings


# --------------------------------------------------------------------------- suggestions
def suggest(root: Path, name: str, limit: int = 10) -> list[dict]:
    """Registry entities whose name in some vintage matches `name` after normalisation, best first."""
    from .importer import entity_iri

    landscape = load_landscape(root / "registries")
    wanted = normalise_name(name)
    wanted_words = set(wanted.split())
    if not wanted_words:
        return []
    best: dict[tuple[str, str], dict] = {}
    for record in landscape.records.values():
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
            key, {"entity": entity_iri(*key), "kind": record.kind, "score": 0.0, "names": {}, "codes": set()}
        )
        entry["score"] = max(entry["score"], round(score, 2))
        if score == entry["score"] or score >= 0.5:
            entry["names"].setdefault(record.name, []).append(record.vintage)
        entry["codes"] |= {c for c in (record.gss, record.ods, record.qid) if c}
    ranked = sorted(best.values(), key=lambda e: (-e["score"], str(e["entity"])))
    return ranked[:limit]
