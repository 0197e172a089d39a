"""Read the registry extracts in `registries/` into one model of the landscape: entities and their records.

A record is what ONE extract says about one entity (its name, codes, parent, region, dates, status, ...):
records are never merged across extracts, so two extracts that differ about an entity stay two records
side by side. The entity holds only its identity (docs/modelling.md, registries/identity.md):
- an entity is keyed by its ODS code where any extract gives one (STP/ICB Q-codes, CCG/sub-ICB codes,
  trust R-codes, region Y-codes), else by its ONS GSS code (the three northern STPs of 2017/18, the
  local authority districts), or by its ROR id (organisations known only to ROR);
- codes of other systems join an entity where an extract pairs them (an E54 or E38 code beside an ODS
  code in one row, an E40 code beside a Y-code, a Wikidata QID in a ROR record);
- where no extract pairs them, the few identity rules of `areas.py` decide (name continuity of an STP
  code into the next list, an E40 code by its region's name, an abolished CCG's E38 code by its name
  and close date in the ODS CCG extract); nothing else is guessed, and every decision is listed in
  `Landscape.decisions` (written to registries/identity.md).
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputError

# The etr/eccg column layout (NHS Digital etr.pdf; SOURCES.md section 3), 0-based here.
ETR_CODE, ETR_NAME, ETR_REGION, ETR_HLHG, ETR_OPEN, ETR_CLOSE = 0, 1, 2, 3, 10, 11

# Each vintage label and the window of time its snapshot falls in (first day, last day). The windows are
# the plain meaning of the labels (a financial year, a calendar year, a month); the date checks only ever
# use them to decide what is certainly impossible (see index.RegistryIndex.span_problem).
VINTAGE_WINDOWS: dict[str, tuple[str, str]] = {
    "c2015": ("2014-10-01", "2015-12-31"),
    "2017/18": ("2017-04-01", "2018-03-31"),
    "2018": ("2018-01-01", "2018-12-31"),
    "2018-04": ("2018-04-01", "2018-04-30"),
    "2019-04": ("2019-04-01", "2019-04-30"),
    "2020-04": ("2020-04-01", "2020-04-30"),
    "2021-04": ("2021-04-01", "2021-04-30"),
    "2022": ("2022-01-01", "2022-12-31"),
    "2022-03": ("2022-03-01", "2022-03-31"),
    "2022-07": ("2022-07-01", "2022-07-31"),
    "2023-04": ("2023-04-01", "2023-04-30"),
    "2024-04": ("2024-04-01", "2024-04-30"),
    "2025": ("2025-01-01", "2025-12-31"),
}
# The vintages of the complete lists of each kind, in time order: a code absent from one of them did
# not exist then. Partial lists (THF's acute trusts, geographr's trust lookups) are left out on purpose.
STP_VINTAGES = ["2017/18", "2018", "2020-04", "2021-04", "2022-07", "2023-04", "2024-04"]
CCG_VINTAGES = ["2018-04", "2019-04", "2020-04", "2021-04", "2022-07", "2024-04"]
REGION_VINTAGES = ["2018", "2020-04", "2021-04", "2022-07", "2024-04"]
TRUST_VINTAGES = ["c2015", "2020-04", "2022-03", "2025"]
DISTRICT_VINTAGES = ["2021-04", "2022-07"]

GSS_RE = re.compile(r"^[EWSN]\d{8}$")
ODS_RE = re.compile(r"^[A-Z0-9]{3,5}$")
QID_RE = re.compile(r"^Q[1-9]\d*$")

_DROP_PHRASES = [
    "sustainability and transformation partnership",
    "integrated care board",
    "integrated care system",
    "health and social care partnership",
    "health and care partnership",
    "partners in health and care",
    "clinical commissioning group",
    "nhs foundation trust",
    "nhs trust",
]
_DROP_WORDS = {"nhs", "ccg", "icb", "ics", "stp", "the"}


def normalise_name(name: str) -> str:
    """Lower case, '&' as 'and', punctuation and generic words (NHS, CCG, ICB, ICS, STP, 'Integrated Care
    Board', 'Health and Care Partnership', ...) dropped: 'West Yorkshire and Harrogate (Health and Care
    Partnership)' and 'West Yorkshire and Harrogate' both give 'west yorkshire and harrogate'."""
    text = name.lower().replace("&", " and ").replace("\u2019", "'")
    text = re.sub(r"\bicb\s*-\s*[a-z0-9]{3,5}\b", " ", text)  # "NHS X ICB - 01F"
    for phrase in _DROP_PHRASES:
        text = text.replace(phrase, " ")
    text = re.sub(r"[^a-z0-9' ]+", " ", text).replace("'", "")
    return " ".join(w for w in text.split() if w not in _DROP_WORDS)


def iso_date(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def vintage_sort_key(vintage: str | None) -> tuple[str, str]:
    """Time order of vintages; a release label (ROR's v1.73) after every dated one, no vintage first."""
    if vintage is None:
        return ("0000", "")
    return (VINTAGE_WINDOWS[vintage][0], vintage) if vintage in VINTAGE_WINDOWS else ("9999", vintage)


Ref = tuple[str, str]  # (kind, key) of an entity


@dataclass
class Extract:
    file: str  # relative to registries/
    sha256: str
    meta: dict

    @property
    def vintage(self) -> str | None:
        return self.meta.get("vintage")

    @property
    def slug(self) -> str:
        return re.sub(r"[^A-Za-z0-9_.-]+", "-", Path(self.file).stem)


@dataclass
class Record:
    """What one extract says about one entity. `qualifier` tells apart the rows of one extract about one
    entity that differ in their parent (a district split between two partnerships) or their match."""

    kind: str
    key: str
    extract: str
    qualifier: str = ""
    name: str | None = None
    gss: str | None = None
    ods: str | None = None
    qids: tuple[str, ...] = ()
    parent: Ref | None = None
    parent_in: str | None = None  # the extract whose record of the parent is the one meant
    region: Ref | None = None
    start: str | None = None
    end: str | None = None
    status: str | None = None
    lsoa_count: int | None = None
    aliases: tuple[str, ...] = ()
    successors: tuple[Ref, ...] = ()
    predecessors: tuple[Ref, ...] = ()
    name_match: Ref | None = None  # a ROR organisation whose name this record's name matches exactly
    matched_in: tuple[str, ...] = ()  # the extracts whose names were matched

    @property
    def id(self) -> tuple[str, str, str, str]:
        return (self.kind, self.key, self.extract, self.qualifier)

    @property
    def ref(self) -> Ref:
        return (self.kind, self.key)


@dataclass
class Entity:
    kind: str
    key: str
    qids: set[str] = field(default_factory=set)  # identity: QIDs an extract joins to this entity
    ror: str | None = None

    @property
    def ods(self) -> str | None:
        return self.key[4:] if self.key.startswith("ods-") else None


@dataclass
class Succession:
    date: str
    originals: tuple[Ref, ...]
    results: tuple[Ref, ...]
    pairs: tuple[tuple[str, str], ...]  # (old code, new code) rows of the successor file


@dataclass
class Merger:
    """A merger the STP lists show: codes in one list and not the next, which has one new code."""

    result: str
    originals: tuple[str, ...]
    before: str
    after: str
    new_code: str


@dataclass
class Landscape:
    root: Path
    extracts: dict[str, Extract] = field(default_factory=dict)
    entities: dict[Ref, Entity] = field(default_factory=dict)
    records: dict[tuple[str, str, str, str], Record] = field(default_factory=dict)
    mergers: list[Merger] = field(default_factory=list)
    successions: list[Succession] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)
    code_keys: dict[str, dict[str, str]] = field(default_factory=lambda: defaultdict(dict))

    # ------------------------------------------------------------------ reading the files
    def path(self, name: str) -> Path:
        return self.root / name

    def extract(self, name: str) -> Extract:
        if name not in self.extracts:
            path = self.path(name)
            if not path.is_file():
                raise InputError("registry extract missing (copy it from ../shared/registries)", path)
            meta = self._meta().get(name)
            if meta is None:
                raise InputError(f"{name} has no entry in registries/extracts.yaml", self.path("extracts.yaml"))
            self.extracts[name] = Extract(name, hashlib.sha256(path.read_bytes()).hexdigest(), meta)
        return self.extracts[name]

    def _meta(self) -> dict:
        if not hasattr(self, "_meta_cache"):
            path = self.path("extracts.yaml")
            try:
                self._meta_cache = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
            except yaml.YAMLError as error:
                raise InputError(f"malformed YAML: {error}", path) from None
        return self._meta_cache

    def csv_rows(self, name: str) -> list[dict[str, str]]:
        self.extract(name)
        with self.path(name).open(encoding="utf-8-sig", newline="") as handle:
            return [{k.strip(): (v or "").strip() for k, v in row.items()} for row in csv.DictReader(handle)]

    def raw_rows(self, name: str) -> list[list[str]]:
        self.extract(name)
        with self.path(name).open(encoding="utf-8-sig", newline="") as handle:
            return [[cell.strip() for cell in row] for row in csv.reader(handle) if row]

    def json_data(self, name: str):
        self.extract(name)
        try:
            return json.loads(self.path(name).read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise InputError(f"malformed JSON: {error.msg}", self.path(name), error.lineno) from None

    def vintage(self, extract: str) -> str | None:
        return self.extracts[extract].vintage

    # ------------------------------------------------------------------ entities and records
    def entity(self, kind: str, key: str) -> Entity:
        found = self.entities.get((kind, key))
        if found is None:
            found = self.entities[(kind, key)] = Entity(kind, key)
        return found

    def add(self, record: Record) -> Record:
        """Add one record; rows of one extract that say the same about an entity give one record, rows
        that say different things without a qualifier to tell them apart are an input error."""
        self.extract(record.extract)
        if record.name is not None:
            record.name = record.name.strip()
        self.entity(record.kind, record.key)
        known = self.records.get(record.id)
        if known is None:
            self.records[record.id] = record
            return record
        if known != record:
            raise InputError(
                f"two rows say different things about {record.key} ({known.name!r}, {record.name!r})",
                self.path(record.extract),
            )
        return known

    def records_in(self, extract: str, kind: str | None = None) -> list[Record]:
        return [r for r in self.records.values() if r.extract == extract and (kind is None or r.kind == kind)]

    def record_of(self, ref: Ref, extract: str) -> Record | None:
        return self.records.get((*ref, extract, ""))

    def key_for_code(self, kind: str, code: str) -> str | None:
        return self.code_keys[kind].get(code)

    def records_by_entity(self) -> dict[Ref, list[Record]]:
        found: dict[Ref, list[Record]] = defaultdict(list)
        for record in self.records.values():
            found[record.ref].append(record)
        return found

    def check_parents(self) -> None:
        """Every record's parent record exists: the parent's record in the extract named by `parent_in`."""
        for record in self.records.values():
            if record.parent and record.parent_in and self.record_of(record.parent, record.parent_in) is None:
                raise InputError(
                    f"{record.key}: its parent {record.parent[1]} has no record in {record.parent_in}",
                    self.path(record.extract),
                )

    # ------------------------------------------------------------------ loading
    def load(self) -> Landscape:
        from . import areas, organisations

        areas.load_regions(self)
        areas.load_partnerships(self)
        areas.load_ccgs(self)
        areas.load_districts(self)
        organisations.load_ror(self)
        organisations.load_trusts(self)
        organisations.load_successions(self)
        self.check_parents()
        return self


def load_landscape(registries_dir: Path) -> Landscape:
    if not registries_dir.is_dir():
        raise InputError("no registries folder (copy the extracts from ../shared/registries)", registries_dir)
    return Landscape(registries_dir).load()
