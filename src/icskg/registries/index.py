"""The registry index: what the imported registry data hold (records by code, entities' kinds, vintages
and dates), read from the built store with three SPARQL queries. The registry checks are SHACL-SPARQL
constraints in shapes/registry-links.ttl that ask this index through icskg's extension functions
(icskg.validate.functions); the vintage windows and families come from icskg.registries.landscape.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from ..namespaces import shorten
from .landscape import (
    CCG_VINTAGES,
    DISTRICT_VINTAGES,
    GSS_RE,
    ODS_RE,
    QID_RE,
    REGION_VINTAGES,
    STP_VINTAGES,
    TRUST_VINTAGES,
    VINTAGE_WINDOWS,
)

DISTRICT = "local authority district"
GSS_KIND_NAMES = {
    "E54": "STP/ICB",
    "E38": "CCG or sub-ICB location",
    "E40": "NHS England region",
    "E06": DISTRICT,
    "E07": DISTRICT,
    "E08": DISTRICT,
    "E09": DISTRICT,
}
FAMILIES = {
    "E54": STP_VINTAGES,
    "E38": CCG_VINTAGES,
    "E40": REGION_VINTAGES,
    **{prefix: DISTRICT_VINTAGES for prefix in ("E06", "E07", "E08", "E09")},
}
CODE_PATTERNS = {"gss": GSS_RE, "ods": ODS_RE, "wikidata": QID_RE}
# An entity without ONS codes is named and dated by the kind the import gives it (org:classification).
VOCAB = "https://w3id.org/icskg/vocab/"
KIND_NAMES = {
    f"{VOCAB}organisation-kind/nhs-trust": ("NHS trust", TRUST_VINTAGES),
    f"{VOCAB}organisation-kind/ccg": ("CCG or sub-ICB location", CCG_VINTAGES),
    f"{VOCAB}organisation-kind/nhs-region": ("NHS England region", REGION_VINTAGES),
    f"{VOCAB}partnership-kind/stp": ("STP/ICB", STP_VINTAGES),
}


ICSKG_NS = "https://w3id.org/icskg/ontology#"
# A record's vintage is its extract's; a name-match record, whose extract has none, is dated by the
# extract whose name it matched.
_RECORDS = f"""PREFIX icskg: <{ICSKG_NS}>
SELECT ?record ?entity ?vintage ?gss ?ods ?qid WHERE {{
  ?record a icskg:RegistryRecord ; icskg:recordOf ?entity ; icskg:extract ?extract .
  OPTIONAL {{ ?extract icskg:vintage ?own }}
  OPTIONAL {{ ?record icskg:matchedIn ?matched . ?matched icskg:vintage ?matchedVintage }}
  BIND (COALESCE(?own, ?matchedVintage) AS ?vintage)
  OPTIONAL {{ ?record icskg:gssCode ?gss }}
  OPTIONAL {{ ?record icskg:odsCode ?ods }}
  OPTIONAL {{ ?record icskg:wikidataId ?qid }}
}}"""
_ENTITY_CODES = f"""PREFIX icskg: <{ICSKG_NS}>
SELECT DISTINCT ?entity ?code WHERE {{
  VALUES ?p {{ icskg:odsCode icskg:wikidataId }}
  ?entity ?p ?code .
  FILTER EXISTS {{ ?entity icskg:extract ?extract }}
  FILTER NOT EXISTS {{ ?entity a icskg:RegistryRecord }}
  FILTER NOT EXISTS {{ ?entity a icskg:RegistryLink }}
}}"""
_DATES = f"""PREFIX icskg: <{ICSKG_NS}>
SELECT ?entity ?start ?end WHERE {{
  ?record a icskg:RegistryRecord ; icskg:recordOf ?entity .
  {{ ?record icskg:startDate ?start }} UNION {{ ?record icskg:endDate ?end }}
}}"""
_KINDS = f"""PREFIX icskg: <{ICSKG_NS}>
PREFIX org: <http://www.w3.org/ns/org#>
SELECT DISTINCT ?entity ?kind WHERE {{
  ?record a icskg:RegistryRecord ; icskg:recordOf ?entity .
  ?entity org:classification ?kind .
}}"""


def _date(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _a(kind: str) -> str:
    """The kind with its article, as it is read aloud: an STP/ICB, an NHS trust, an organisation, a CCG."""
    return f"an {kind}" if kind[:1] in "aeiouAEIOU" or kind.startswith(("NHS", "STP")) else f"a {kind}"


def _value(term) -> str | None:
    return None if term is None else term.value


class RegistryIndex:
    """What the imported registry data hold: records by code, entities' kinds, vintages and dates.
    Entities and codes are plain strings (IRIs, lexical forms)."""

    def __init__(self):
        self.by_code: dict[str, list[tuple[str | None, str, str | None]]] = defaultdict(list)
        self.entity_vintages: dict[str, set[str]] = defaultdict(set)
        self.entity_gss_prefixes: dict[str, set[str]] = defaultdict(set)
        self.entity_codes: dict[str, set[str]] = defaultdict(set)
        self.entity_kinds: dict[str, set[str]] = defaultdict(set)
        self.dates: dict[str, dict[str, dt.date]] = defaultdict(dict)
        self.records: set[str] = set()
        self.entities: set[str] = set()  # every entity a record is of

    @classmethod
    def from_query(cls, query) -> RegistryIndex:
        """Built with four SPARQL queries (`query(text)` returns pyoxigraph solutions)."""
        index = cls()
        seen: set[tuple[str, str | None, str, str | None]] = set()
        for row in query(_RECORDS):
            record, entity, vintage = _value(row["record"]), _value(row["entity"]), _value(row["vintage"])
            index.records.add(record)
            index.entities.add(entity)
            if vintage:
                index.entity_vintages[entity].add(vintage)
            for name in ("gss", "ods", "qid"):
                code = _value(row[name])
                if code is None or (code, record, entity, vintage) in seen:
                    continue
                seen.add((code, record, entity, vintage))
                index.by_code[code].append((record, entity, vintage))
                if name == "gss":
                    index.entity_gss_prefixes[entity].add(code[:3])
        for row in query(_ENTITY_CODES):
            entity, code = _value(row["entity"]), _value(row["code"])
            index.entity_codes[entity].add(code)
            index.by_code[code].append((None, entity, None))
        for row in query(_KINDS):
            index.entity_kinds[_value(row["entity"])].add(_value(row["kind"]))
        for row in query(_DATES):  # the earliest open date and the latest close date any record states
            entity = _value(row["entity"])
            for name, pick in (("start", min), ("end", max)):
                value = _value(row[name])
                if value:
                    try:
                        day = _date(value)
                    except ValueError:
                        continue
                    known = index.dates[entity].get(name)
                    index.dates[entity][name] = day if known is None else pick(known, day)
        return index

    @property
    def has_records(self) -> bool:
        """Whether any registry record was imported (a partial or generated graph has none to check against)."""
        return bool(self.records)

    def is_registry_entity(self, node: str) -> bool:
        return node in self.entities or node in self.entity_codes

    def _kind_entry(self, entity: str) -> tuple[str, list[str]] | None:
        for kind in sorted(self.entity_kinds.get(entity, ())):
            if kind in KIND_NAMES:
                return KIND_NAMES[kind]
        return None

    def kind(self, entity: str) -> str:
        prefixes = self.entity_gss_prefixes.get(entity, set())
        if prefixes:
            return GSS_KIND_NAMES.get(sorted(prefixes)[0], "area")
        entry = self._kind_entry(entity)
        return entry[0] if entry else "organisation"

    def family(self, entity: str) -> list[str]:
        """The complete lists of the entity's kind, in time order (what its absence from a list means)."""
        prefixes = self.entity_gss_prefixes.get(entity)
        if prefixes:
            return FAMILIES.get(sorted(prefixes)[0], [])
        entry = self._kind_entry(entity)
        return entry[1] if entry else []

    def code_problem(self, entity: str, kind: str, code: str) -> tuple[str | None, str | None]:
        """(message, category) for a code given on a registry link: category "extract" (malformed, or in no
        extract) or "kind" (of another kind of entity, or another entity's); (None, None) if the code fits."""
        name = shorten(entity)
        if kind not in CODE_PATTERNS or not CODE_PATTERNS[kind].match(code):
            return f"{code} is not a well-formed {kind} code", "extract"
        holders = self.by_code.get(code)
        if kind == "gss":
            expected = self.entity_gss_prefixes.get(entity, set())
            if expected and code[:3] not in expected:
                return (
                    f"{code} is an {code[:3]} code ({GSS_KIND_NAMES.get(code[:3], 'another kind of area')}), "
                    f"but {name} is {_a(self.kind(entity))}, whose ONS codes are {'/'.join(sorted(expected))}",
                    "kind",
                )
            if not expected:
                return (
                    f"{code} is an ONS GSS code, but {name} is {_a(self.kind(entity))}, which has none in the extracts",
                    "kind",
                )
        if not holders:
            return f"{kind} code {code} is in no registry extract (registries/)", "extract"
        owners = {e for _r, e, _v in holders}
        if entity not in owners:
            others = ", ".join(sorted(shorten(e) for e in owners))
            other_kind = self.kind(sorted(owners)[0])
            if kind == "ods" and other_kind != self.kind(entity):
                return (
                    f"{code} is the ODS code of {_a(other_kind)} ({others}), but {name} is {_a(self.kind(entity))}",
                    "kind",
                )
            return f"{code} belongs to {others} in the extracts, not to {name}", "kind"
        return None, None

    def unknown_code(self, kind: str, code: str) -> str | None:
        """For a code given on a source-document entity: malformed, or held by no extract."""
        if kind not in CODE_PATTERNS or not CODE_PATTERNS[kind].match(code):
            return f"{code} is not a well-formed {kind} code"
        if code not in self.by_code:
            return f"{kind} code {code} is in no registry extract (registries/)"
        return None

    def span_problem(self, code: str, kind: str, entity: str, on: dt.date) -> str | None:
        """Why `code` certainly cannot be valid on `on`, or None. A vintage is a snapshot taken at an unknown
        moment inside its window, so a code is impossible only before the start of a list that lacks it
        and precedes every list that holds it, or after the end of a list that lacks it and follows them."""
        if self.code_problem(entity, kind, code)[0] is not None:
            return None  # reported as a code problem
        if kind in ("ods", "wikidata"):
            start, end = self.dates[entity].get("start"), self.dates[entity].get("end")
            if start is not None and on < start:
                return f"{code} ({shorten(entity)}) opened on {start}, after {on}"
            if end is not None and on > end:
                return f"{code} ({shorten(entity)}) closed on {end}, before {on}"
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
