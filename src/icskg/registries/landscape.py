"""Read the registry extracts in `registries/` into one model of the landscape: entities and dated records.

Identity rules (docs/registries.md says why):
- An entity is keyed by its ODS code where any vintage gives one (STP/ICB Q-codes, CCG/sub-ICB codes,
  trust R-codes, region Y-codes), else by its ONS GSS code.
- An E54 (STP) code that no vintage pairs with an ODS code takes the identity of a code that first
  appears in the next STP vintage with the same normalised name (E54000005 "West Yorkshire and
  Harrogate" -> E54000054, QWO); where none matches, the code keys its own entity (E54000045/46/47).
- An E38 (CCG) code takes the ODS code that any vintage pairs it with.
- An E40 (region) code takes the Y-code the April 2021 list pairs it with; the 2022 and 2024 lists,
  which bring new E40 codes and no Y-codes, are matched by their exact name among the 7 regions.
Nothing is guessed beyond these rules: every decision is listed in `Landscape.decisions`.
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

# The etr/eccg column layout (NHS Digital etr.pdf; SOURCES.md section 3), 1-based in the PDF.
ETR_CODE, ETR_NAME, ETR_REGION, ETR_HLHG, ETR_OPEN, ETR_CLOSE = 0, 1, 2, 3, 10, 11

# Each vintage label, the kind of list, and the window of time its snapshot falls in (first day, last day).
# The windows are the plain meaning of the labels (a financial year, a calendar year, a month); the
# date checks only ever use them to decide what is certainly impossible (see links.code_span).
VINTAGE_WINDOWS: dict[str, tuple[str, str]] = {
    "c2015": ("2014-10-01", "2015-12-31"),
    "2017/18": ("2017-04-01", "2018-03-31"),
    "2018": ("2018-01-01", "2018-12-31"),
    "2018-04": ("2018-04-01", "2018-04-30"),
    "2019-04": ("2019-04-01", "2019-04-30"),
    "2020-04": ("2020-04-01", "2020-04-30"),
    "2021-04": ("2021-04-01", "2021-04-30"),
    "2022-03": ("2022-03-01", "2022-03-31"),
    "2022-07": ("2022-07-01", "2022-07-31"),
    "2023-04": ("2023-04-01", "2023-04-30"),
    "2024-04": ("2024-04-01", "2024-04-30"),
    "2025": ("2025-01-01", "2025-12-31"),
}
STP_VINTAGES = ["2017/18", "2018", "2020-04", "2021-04", "2022-07", "2023-04", "2024-04"]
CCG_VINTAGES = ["2018-04", "2019-04", "2020-04", "2021-04", "2022-07", "2024-04"]
REGION_VINTAGES = ["2018", "2020-04", "2021-04", "2022-07", "2024-04"]
TRUST_VINTAGES = ["c2015", "2017/18", "2020-04", "2022-03", "2025"]
# Which STP/ICB vintage a trust list's parent codes refer to.
TRUST_PARENT_VINTAGE = {"2017/18": "2017/18", "2020-04": "2020-04", "2022-03": "2021-04", "2025": "2024-04"}
ETR_FILES = {
    "c2015": "nhsd_ods_etr_trusts_c2015.csv",
    "2020-04": "nhsd_ods_etr_trusts_2020-04.csv",
    "2022-03": "nhsd_ods_etr_trusts_2022-03.csv",
    "2025": "nhsd_ods_etr_trusts_2025.csv",
}
THF_TRUSTS = "thf_trust_to_stp_2017_18.csv"
SUCCESSORS = "nhsd_ods_successor_organisations_geographr.csv"
ROR_MATCHES = "ror_wikidata_to_ods_trust_exact_name_matches.csv"

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
    """One vintage's statement about one entity (kept per vintage; extracts of a vintage that agree share it)."""

    kind: str
    key: str  # the entity key, e.g. "ods-QOP", "gss-E54000045"
    vintage: str
    name: str
    gss: str | None = None
    ods: str | None = None
    qid: str | None = None
    parent: tuple[str, str, str] | None = None  # (kind, key, vintage) of the parent record
    extracts: set[str] = field(default_factory=set)


@dataclass
class Entity:
    kind: str
    key: str
    ods: str | None = None
    qids: set[str] = field(default_factory=set)
    ror: str | None = None
    name: str | None = None  # for ROR entities, which have no records
    open_date: str | None = None
    close_date: str | None = None
    extracts: set[str] = field(default_factory=set)  # for ROR entities and dates


@dataclass
class Succession:
    date: str
    originals: tuple[tuple[str, str], ...]  # (kind, key)
    results: tuple[tuple[str, str], ...]
    pairs: tuple[tuple[str, str], ...]  # (old code, new code) rows of the successor file


@dataclass
class Landscape:
    root: Path
    extracts: dict[str, Extract] = field(default_factory=dict)
    entities: dict[tuple[str, str], Entity] = field(default_factory=dict)
    records: dict[tuple[str, str, str], Record] = field(default_factory=dict)
    mergers: list[tuple[str, tuple[str, ...], str, str, str]] = field(default_factory=list)
    successions: list[Succession] = field(default_factory=list)
    decisions: list[str] = field(default_factory=list)

    # ------------------------------------------------------------------ helpers
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
            self._meta_cache = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
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
        return json.loads(self.path(name).read_text(encoding="utf-8"))

    def entity(self, kind: str, key: str) -> Entity:
        found = self.entities.get((kind, key))
        if found is None:
            found = self.entities[(kind, key)] = Entity(kind, key, ods=key[4:] if key.startswith("ods-") else None)
        return found

    def add_record(self, kind, key, vintage, name, extract, gss=None, ods=None, parent=None, qid=None) -> Record:
        self.entity(kind, key)
        rid = (kind, key, vintage)
        record = self.records.get(rid)
        if record is None:
            record = self.records[rid] = Record(kind, key, vintage, name.strip(), gss, ods, qid, parent)
        else:  # a second extract of the same vintage: it must agree, else it is an input error to look at
            for what, mine, theirs in (("name", record.name, name.strip()), ("GSS code", record.gss, gss)):
                if theirs and mine and mine != theirs:
                    raise InputError(
                        f"{extract} gives {what} {theirs!r} for {key} in {vintage}, another extract {mine!r}"
                    )
            record.gss = record.gss or gss
            record.ods = record.ods or ods
            record.parent = record.parent or parent
        record.extracts.add(extract)
        return record

    def records_of(self, kind: str, vintage: str) -> list[Record]:
        return [r for r in self.records.values() if r.kind == kind and r.vintage == vintage]

    def key_for_code(self, kind: str, code: str) -> str | None:
        return self._code_keys[kind].get(code)

    # ------------------------------------------------------------------ loading
    def load(self) -> Landscape:
        self._code_keys: dict[str, dict[str, str]] = defaultdict(dict)
        self._load_regions()
        self._load_stps()
        self._load_ccgs()
        self._load_trusts()
        self._load_ror()
        self._load_successions()
        return self

    # Regions ----------------------------------------------------------------
    def _load_regions(self) -> None:
        lists: dict[str, tuple[str, list[tuple[str, str, str | None]]]] = {}
        lists["2018"] = (
            "strategyunit_nhser18_codes_names.csv",
            [(r["nhser18cd"], r["nhser18nm"], None) for r in self.csv_rows("strategyunit_nhser18_codes_names.csv")],
        )
        rows20 = sorted({(r["nhser20cd"], r["nhser20nm"]) for r in self.csv_rows("strategyunit_stp20_to_nhser20.csv")})
        lists["2020-04"] = ("strategyunit_stp20_to_nhser20.csv", [(c, n, None) for c, n in rows20])
        lists["2021-04"] = (
            "ons_nhser21_codes_names_from_geographr.csv",
            [
                (r["NHSER21CD"], r["NHSER21NM"], r["NHSER21CDH"])
                for r in self.csv_rows("ons_nhser21_codes_names_from_geographr.csv")
            ],
        )
        lists["2022-07"] = (
            "ons_nhser22_codes_names_jul2022.csv",
            [(r["NHSER22CD"], r["NHSER22NM"], None) for r in self.csv_rows("ons_nhser22_codes_names_jul2022.csv")],
        )
        data24 = self.json_data("postcodesio_nhser_names_codes_as_at_2024-04.json")
        lists["2024-04"] = (
            "postcodesio_nhser_names_codes_as_at_2024-04.json",
            [(c, n, None) for c, n in sorted(data24.items())],
        )
        gss_to_y = {gss: y for gss, _n, y in lists["2021-04"][1]}
        name_to_y = {name: y for _g, name, y in lists["2021-04"][1]}
        for vintage in REGION_VINTAGES:
            file, rows = lists[vintage]
            for gss, name, y in rows:
                y = y or gss_to_y.get(gss)
                if y is None:
                    y = name_to_y.get(name)
                    if y is None:
                        raise InputError(
                            f"region {gss} {name!r} matches no April 2021 region by code or name", self.path(file)
                        )
                    self.decisions.append(
                        f"region {gss} ({vintage}, {file}) is {y}: same name {name!r} as {y} in April 2021"
                    )
                key = f"ods-{y}"
                self._code_keys["region"][gss] = key
                self.add_record("region", key, vintage, name, file, gss=gss, ods=y if vintage == "2021-04" else None)
        for key in {r.key for r in self.records.values() if r.kind == "region"}:
            self._code_keys["region"][key[4:]] = key

    # STPs and ICBs ----------------------------------------------------------
    def _load_stps(self) -> None:
        lists: dict[str, list[tuple[str, str, str | None, str]]] = defaultdict(
            list
        )  # vintage -> (gss, name, ods, file)
        f = "stp_2017_18_44_codes_names_from_thf.csv"
        lists["2017/18"] += [(r["stp_code"], r["stp_name"], None, f) for r in self.csv_rows(f)]
        f = "strategyunit_stp18_codes_names.csv"
        lists["2018"] += [(r["stp18cd"], r["stp18nm"], None, f) for r in self.csv_rows(f)]
        f = "strategyunit_stp20_to_nhser20.csv"
        lists["2020-04"] += [(r["stp20cd"], r["stp20nm"], None, f) for r in self.csv_rows(f)]
        f = "ons_ccg20_to_stp20_apr2020.csv"
        lists["2020-04"] += sorted({(r["STP20CD"], r["STP20NM"], None, f) for r in self.csv_rows(f)})
        for f in ("ons_stp21_codes_names_apr2021.csv", "ons_ccg21_to_stp21_apr2021.csv"):
            lists["2021-04"] += sorted({(r["STP21CD"], r["STP21NM"], r["STP21CDH"], f) for r in self.csv_rows(f)})
        f = "ons_icb22_codes_names_jul2022.csv"
        lists["2022-07"] += [(r["ICB22CD"], r["ICB22NM"], r["ICB22CDH"], f) for r in self.csv_rows(f)]
        f = "ons_sicbl22_to_icb22_jul2022.csv"
        lists["2022-07"] += sorted({(r["ICB22CD"], r["ICB22NM"], r["ICB22CDH"], f) for r in self.csv_rows(f)})
        f = "ons_icb23_codes_names_apr2023.csv"
        lists["2023-04"] += [(r["ICB23CD"], r["ICB23NM"], None, f) for r in self.csv_rows(f)]
        f = "postcodesio_icb_names_codes_as_at_2023-04.json"
        lists["2023-04"] += [(c, n.strip(), None, f) for c, n in sorted(self.json_data(f).items())]
        for f in ("ons_icb24_codes_names.csv", "ons_sicbl24_to_icb24_apr2024.csv"):
            lists["2024-04"] += sorted({(r["ICB24CD"], r["ICB24NM"], r["ICB24CDH"], f) for r in self.csv_rows(f)})

        # 1. E54 codes that some vintage pairs with an ODS code.
        gss_to_ods: dict[str, str] = {}
        for rows in lists.values():
            for gss, _name, ods, _f in rows:
                if ods:
                    if gss_to_ods.setdefault(gss, ods) != ods:
                        raise InputError(f"E54 code {gss} is paired with two ODS codes, {gss_to_ods[gss]} and {ods}")
        keys = {gss: f"ods-{ods}" for gss, ods in gss_to_ods.items()}
        # 2. The other codes: name continuity into the next vintage's new codes, walking back in time.
        codes_by_vintage = {v: {gss for gss, *_ in lists[v]} for v in STP_VINTAGES}
        names_by_code: dict[str, set[str]] = defaultdict(set)
        for rows in lists.values():
            for gss, name, _o, _f in rows:
                names_by_code[gss].add(name)
        for index in range(len(STP_VINTAGES) - 2, -1, -1):
            vintage, following = STP_VINTAGES[index], STP_VINTAGES[index + 1]
            new_codes = codes_by_vintage[following] - codes_by_vintage[vintage]
            for gss in sorted(codes_by_vintage[vintage] - codes_by_vintage[following]):
                if gss in keys:
                    continue
                mine = {normalise_name(n) for n in names_by_code[gss]}
                matches = sorted(
                    c for c in new_codes if c in keys and mine & {normalise_name(n) for n in names_by_code[c]}
                )
                if len(matches) == 1:
                    keys[gss] = keys[matches[0]]
                    self.decisions.append(
                        f"STP {gss} ({' / '.join(sorted(names_by_code[gss]))}, last in {vintage}) is {keys[gss][4:]}: "
                        f"same normalised name as {matches[0]}, new in {following}"
                    )
                else:
                    keys[gss] = f"gss-{gss}"
                    self.decisions.append(
                        f"STP {gss} ({' / '.join(sorted(names_by_code[gss]))}) keeps its own identity: no code new in {following} has its name"  # noqa: E501
                    )
        # 3. Mergers the lists show: codes that end without a continuation, and exactly one code that
        #    starts in the next vintage without a predecessor.
        for index in range(len(STP_VINTAGES) - 1):
            vintage, following = STP_VINTAGES[index], STP_VINTAGES[index + 1]
            ended = sorted(
                c for c in codes_by_vintage[vintage] - codes_by_vintage[following] if keys[c].startswith("gss-")
            )
            continued = {keys[c] for c in codes_by_vintage[vintage]}
            started = sorted(
                c for c in codes_by_vintage[following] - codes_by_vintage[vintage] if keys[c] not in continued
            )
            if ended and len(started) == 1:
                self.mergers.append((keys[started[0]], tuple(keys[c] for c in ended), vintage, following, started[0]))
                self.decisions.append(
                    f"merger: {', '.join(ended)} (in {vintage}, not in {following}) -> {started[0]} (new in {following})"  # noqa: E501
                )
            elif ended:
                self.decisions.append(
                    f"{', '.join(ended)} end after {vintage} with no single new code to merge into: no event"
                )
        self._code_keys["stp"].update(keys)
        for key in set(keys.values()):
            if key.startswith("ods-"):
                self._code_keys["stp"][key[4:]] = key

        regions_of: dict[tuple[str, str], str] = {}
        for r in self.csv_rows("strategyunit_stp18_to_nhser18.csv"):
            regions_of[("2018", r["stp18cd"])] = r["nhser18cd"]
        for r in self.csv_rows("strategyunit_stp20_to_nhser20.csv"):
            regions_of[("2020-04", r["stp20cd"])] = r["nhser20cd"]
        for vintage in STP_VINTAGES:
            for gss, name, ods, file in lists[vintage]:
                parent = None
                region = regions_of.get((vintage, gss))
                if region and "to_nhser" in file:
                    parent = ("region", self._code_keys["region"][region], vintage)
                self.add_record("stp", keys[gss], vintage, name, file, gss=gss, ods=ods, parent=parent)
            if vintage == "2018":  # the region lookup is its own file
                for record in self.records_of("stp", "2018"):
                    region = regions_of[("2018", record.gss)]
                    record.parent = ("region", self._code_keys["region"][region], "2018")
                    record.extracts.add("strategyunit_stp18_to_nhser18.csv")
                    self.extract("strategyunit_stp18_to_nhser18.csv")

    def stp_record(self, vintage: str, code: str, file: str) -> tuple[str, str, str]:
        key = self._code_keys["stp"].get(code)
        if key is None or ("stp", key, vintage) not in self.records:
            raise InputError(f"{code} is not an STP/ICB of vintage {vintage}", self.path(file))
        return ("stp", key, vintage)

    # CCGs and sub-ICB locations -----------------------------------------------
    def _load_ccgs(self) -> None:
        lists: dict[str, list[tuple[str, str, str | None, str | None, str]]] = defaultdict(
            list
        )  # gss, name, ods, parent code, file
        f = "postcodesio_ccg_names_codes_as_at_2018-04.json"
        lists["2018-04"] = [(c, n, None, None, f) for c, n in sorted(self.json_data(f).items()) if c.startswith("E38")]
        f = "postcodesio_ccg_names_codes_as_at_2019-04.json"
        lists["2019-04"] = [
            (c, v["name"], v["ccg19cdh"], None, f) for c, v in sorted(self.json_data(f).items()) if c.startswith("E38")
        ]
        ods20 = {r["CCG20CD"]: r["CCG20CDH"] for r in self.csv_rows("ons_ccg20_codes_names_apr2020.csv")}
        f = "ons_ccg20_codes_names_apr2020.csv"
        lists["2020-04"] = [(r["CCG20CD"], r["CCG20NM"], r["CCG20CDH"], None, f) for r in self.csv_rows(f)]
        f = "ons_ccg20_to_stp20_apr2020.csv"
        lists["2020-04"] += [
            (r["CCG20CD"], r["CCG20NM"], ods20.get(r["CCG20CD"]), r["STP20CD"], f) for r in self.csv_rows(f)
        ]
        f = "ons_ccg21_codes_names_apr2021.csv"
        lists["2021-04"] = [(r["CCG21CD"], r["CCG21NM"], r["CCG21CDH"], None, f) for r in self.csv_rows(f)]
        f = "ons_ccg21_to_stp21_apr2021.csv"
        lists["2021-04"] += [(r["CCG21CD"], r["CCG21NM"], r["CCG21CDH"], r["STP21CD"], f) for r in self.csv_rows(f)]
        f = "ons_sicbl22_to_icb22_jul2022.csv"
        lists["2022-07"] = [
            (r["SICBL22CD"], r["SICBL22NM"], r["SICBL22CDH"], r["ICB22CD"], f) for r in self.csv_rows(f)
        ]
        f = "ons_sicbl24_to_icb24_apr2024.csv"
        lists["2024-04"] = [
            (r["SICBL24CD"], r["SICBL24NM"], r["SICBL24CDH"], r["ICB24CD"], f) for r in self.csv_rows(f)
        ]
        gss_to_ods: dict[str, str] = {}
        for rows in lists.values():
            for gss, _n, ods, _p, _f in rows:
                if ods and gss_to_ods.setdefault(gss, ods) != ods:
                    raise InputError(f"E38 code {gss} is paired with two ODS codes, {gss_to_ods[gss]} and {ods}")
        for vintage in CCG_VINTAGES:
            for gss, name, ods, parent_code, file in lists[vintage]:
                key = f"ods-{gss_to_ods[gss]}" if gss in gss_to_ods else f"gss-{gss}"
                self._code_keys["ccg"][gss] = key
                if key.startswith("ods-"):
                    self._code_keys["ccg"][key[4:]] = key
                parent = self.stp_record(vintage, parent_code, file) if parent_code else None
                self.add_record("ccg", key, vintage, name, file, gss=gss, ods=ods, parent=parent)
        orphans = sorted(k for k in {r.key for r in self.records.values() if r.kind == "ccg"} if k.startswith("gss-"))
        if orphans:
            self.decisions.append(
                f"CCGs with no ODS code in any vintage keep their E38 identity: {', '.join(k[4:] for k in orphans)}"
            )

    # Trusts -----------------------------------------------------------------
    def _load_trusts(self) -> None:
        qids: dict[tuple[str, str], set[str]] = defaultdict(set)
        for row in self.csv_rows(ROR_MATCHES):
            if row["wikidata_qids"]:
                qids[(row["ods_code"], row["ods_etr_file"])].update(row["wikidata_qids"].split(";"))
        for row in self.csv_rows(THF_TRUSTS):
            code = row["code"]
            parent = self.stp_record("2017/18", row["STP_code"], THF_TRUSTS)
            self.add_record("trust", f"ods-{code}", "2017/18", row["Trust"], THF_TRUSTS, ods=code, parent=parent)
            self._code_keys["trust"][code] = f"ods-{code}"
        for vintage, file in ETR_FILES.items():
            for row in self.raw_rows(file):
                code, name = row[ETR_CODE], row[ETR_NAME]
                parent = None
                parent_vintage = TRUST_PARENT_VINTAGE.get(vintage)
                hlhg = row[ETR_HLHG]
                if parent_vintage and ("stp", self._code_keys["stp"].get(hlhg, ""), parent_vintage) in self.records:
                    parent = ("stp", self._code_keys["stp"][hlhg], parent_vintage)
                found = qids.get((code, file), set())
                qid = next(iter(found)) if len(found) == 1 else None
                record = self.add_record("trust", f"ods-{code}", vintage, name, file, ods=code, parent=parent, qid=qid)
                if qid:
                    record.extracts.add(ROR_MATCHES)
                self._code_keys["trust"][code] = f"ods-{code}"
                entity = self.entity("trust", f"ods-{code}")
                if row[ETR_OPEN]:
                    entity.open_date = _iso(row[ETR_OPEN])
                if len(row) > ETR_CLOSE and row[ETR_CLOSE]:
                    entity.close_date = _iso(row[ETR_CLOSE])
        for entity in self.entities.values():
            if entity.kind != "trust":
                continue
            found = {r.qid for r in self.records.values() if r.kind == "trust" and r.key == entity.key and r.qid}
            all_matches = set().union(*(v for (c, _f), v in qids.items() if c == entity.ods)) if entity.ods else set()
            if len(found) == 1 and all_matches == found:
                entity.qids = found
            elif len(all_matches) > 1:
                self.decisions.append(
                    f"trust {entity.ods} matches {len(all_matches)} Wikidata items by name ({', '.join(sorted(all_matches))}): "  # noqa: E501
                    "each stays on the records of the etr files it matched, none on the entity"
                )

    # ROR records -------------------------------------------------------------
    def _load_ror(self) -> None:
        for path in sorted((self.root / "ror").glob("*.json")):
            name = f"ror/{path.name}"
            data = self.json_data(name)
            ror_id = data["id"].rsplit("/", 1)[-1]
            label = next((n["value"] for n in data.get("names", []) if "ror_display" in n.get("types", [])), None)
            entity = self.entity("ror", f"ror-{ror_id}")
            entity.ror = data["id"]
            entity.name = label or data.get("name")
            entity.qids = {q for e in data.get("external_ids", []) if e["type"] == "wikidata" for q in e["all"]}
            entity.extracts.add(name)

    # Successions -------------------------------------------------------------
    def _load_successions(self) -> None:
        known = {}
        for kind in ("trust", "ccg", "stp", "region"):
            for code, key in self._code_keys[kind].items():
                if key.startswith("ods-") and code == key[4:]:
                    known[code] = (kind, key)
        edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
        for row in self.csv_rows(SUCCESSORS):
            if row["old_code"] in known and row["new_code"] in known and row["old_code"] != row["new_code"]:
                edges[row["date"]].append((row["old_code"], row["new_code"]))
        for date in sorted(edges):
            pairs = sorted(set(edges[date]))
            groups: list[set[str]] = []
            for old, new in pairs:  # connected components of the day's rows
                touching = [g for g in groups if old in g or new in g]
                merged = {old, new}.union(*touching) if touching else {old, new}
                groups = [g for g in groups if g not in touching] + [merged]
            for group in sorted(groups, key=sorted):
                mine = [(o, n) for o, n in pairs if o in group]
                olds = sorted({o for o, _ in mine})
                news = sorted({n for _, n in mine})
                self.successions.append(
                    Succession(date, tuple(known[c] for c in olds), tuple(known[c] for c in news), tuple(mine))
                )
        if self.successions:
            self.extract(SUCCESSORS)


@dataclass
class MergedRecord:
    """Consecutive or not, the vintages in which one entity had exactly the same name, codes and parent."""

    kind: str
    key: str
    vintages: list[str]
    name: str
    gss: str | None
    ods: str | None
    qid: str | None
    parent: tuple[str, str] | None  # (kind, key) of the parent entity
    extracts: set[str]

    @property
    def slug(self) -> str:
        return f"{self.key}-{self.vintages[0].replace('/', '-')}"


def vintage_sort_key(vintage: str) -> tuple[str, str]:
    return (VINTAGE_WINDOWS[vintage][0], vintage) if vintage in VINTAGE_WINDOWS else ("9999", vintage)


def merge_records(landscape: Landscape) -> list[MergedRecord]:
    """One record per entity and distinct content: a trust named the same, in the same STP/ICB, in the
    2020, 2022 and 2025 etr files is one record with three vintages (about 40% fewer triples)."""
    groups: dict[tuple, MergedRecord] = {}
    for record in sorted(landscape.records.values(), key=lambda r: (r.kind, r.key, vintage_sort_key(r.vintage))):
        parent = record.parent[:2] if record.parent else None
        content = (record.kind, record.key, record.name, record.gss, record.ods, record.qid, parent)
        merged = groups.get(content)
        if merged is None:
            groups[content] = MergedRecord(
                record.kind,
                record.key,
                [record.vintage],
                record.name,
                record.gss,
                record.ods,
                record.qid,
                parent,
                set(record.extracts),
            )
        else:
            merged.vintages.append(record.vintage)
            merged.extracts |= record.extracts
    return list(groups.values())


def _iso(yyyymmdd: str) -> str:
    return f"{yyyymmdd[:4]}-{yyyymmdd[4:6]}-{yyyymmdd[6:8]}"


def load_landscape(registries_dir: Path) -> Landscape:
    if not registries_dir.is_dir():
        raise InputError("no registries folder (copy the extracts from ../shared/registries)", registries_dir)
    return Landscape(registries_dir).load()
