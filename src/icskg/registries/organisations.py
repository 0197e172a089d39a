"""Organisations from the registry extracts: NHS trusts (ODS etr, THF, geographr), ROR records with their
Wikidata QIDs, the ROR-to-ODS name matches, and the ODS successions between imported organisations."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from ..errors import InputError
from .areas import PARENT_VINTAGE, TRUST_REGIONS, TRUSTS_TO_STPS, partnership_in
from .landscape import (
    ETR_CLOSE,
    ETR_CODE,
    ETR_HLHG,
    ETR_NAME,
    ETR_OPEN,
    ETR_REGION,
    Landscape,
    Record,
    Succession,
    iso_date,
)

ETR_FILES = (
    "nhsd_ods_etr_trusts_c2015.csv",
    "nhsd_ods_etr_trusts_2020-04.csv",
    "nhsd_ods_etr_trusts_2022-03.csv",
    "nhsd_ods_etr_trusts_2025.csv",
)
THF_TRUSTS = "thf_trust_to_stp_2017_18.csv"
THF_STPS = "stp_2017_18_44_codes_names_from_thf.csv"
SUCCESSORS = "nhsd_ods_successor_organisations_geographr.csv"
ROR_MATCHES = "ror_wikidata_to_ods_trust_exact_name_matches.csv"
ROR_TABLE = "ror_gb_health_orgs_wikidata.csv"
ROR_IRI = "https://ror.org/"
# ROR relationship types kept on a record (when the other organisation is imported): the others (child,
# related) are the inverse of one kept here or say nothing about succession or belonging.
ROR_RELATIONS = ("successor", "predecessor", "parent")


# --------------------------------------------------------------------------- trusts
def load_trusts(land: Landscape) -> None:
    for row in land.csv_rows(THF_TRUSTS):  # its "NHS England Region" column is unreliable (SOURCES.md): left out
        code = row["code"]
        found = partnership_in(land, row["STP_code"], "2017/18")
        if found is None:
            raise InputError(f"{row['STP_code']} is not an STP of {THF_STPS}", land.path(THF_TRUSTS))
        parent, parent_in = found
        land.add(
            Record("trust", f"ods-{code}", THF_TRUSTS, name=row["Trust"], ods=code, parent=parent, parent_in=parent_in)
        )
        land.code_keys["trust"][code] = f"ods-{code}"
    left_out: dict[str, Counter] = defaultdict(Counter)
    for file in ETR_FILES:
        for row in land.raw_rows(file):
            code = row[ETR_CODE]
            record = Record("trust", f"ods-{code}", file, name=row[ETR_NAME], ods=code)
            region = land.key_for_code("region", row[ETR_REGION])
            if region:
                record.region = ("region", region)
            elif row[ETR_REGION]:
                left_out[f"{file}: region codes in no region list"][row[ETR_REGION]] += 1
            found = partnership_in(land, row[ETR_HLHG], PARENT_VINTAGE[file]) if file in PARENT_VINTAGE else None
            if found:
                record.parent, record.parent_in = found
            elif row[ETR_HLHG]:
                left_out[f"{file}: high level health geography codes that are no STP/ICB of its date"][
                    row[ETR_HLHG]
                ] += 1
            record.start = iso_date(row[ETR_OPEN]) if row[ETR_OPEN] else None
            record.end = iso_date(row[ETR_CLOSE]) if len(row) > ETR_CLOSE and row[ETR_CLOSE] else None
            land.add(record)
            land.code_keys["trust"][code] = f"ods-{code}"
    for what, codes in left_out.items():
        shown = ", ".join(f"{code} ({n})" for code, n in sorted(codes.items()))
        land.decisions.append(f"{what}, not linked (rows): {shown}")
    for row in land.csv_rows(TRUSTS_TO_STPS):
        code = row["nhs_trust22_code"]
        key = land.key_for_code("stp", row["stp21_code"])
        record = Record("trust", f"ods-{code}", TRUSTS_TO_STPS, name=row["nhs_trust22_name"], ods=code)
        record.parent, record.parent_in = ("stp", key), TRUSTS_TO_STPS
        land.add(record)
        land.code_keys["trust"][code] = f"ods-{code}"
    for row in land.csv_rows(TRUST_REGIONS):
        code = row["nhs_trust22_code"]
        record = Record("trust", f"ods-{code}", TRUST_REGIONS, name=row["nhs_trust22_name"], ods=code)
        region = land.key_for_code("region", row["nhs_region21_nhs_code"])
        record.region = ("region", region) if region else None
        record.status = row["status"] or None
        land.add(record)
        land.code_keys["trust"][code] = f"ods-{code}"
    _load_name_matches(land)


def _load_name_matches(land: Landscape) -> None:
    """The ROR-to-ODS name matches: one record of the trust per (ODS code, ROR organisation) pair, with the
    QIDs and the etr extracts whose names matched (RM3 matches Salford Royal's ROR record in the c2015 and
    2020 files, Northern Care Alliance's in the 2022 and 2025 files). The names themselves are the etr
    records'. The trust entity takes a QID only where every match of its code gives that one."""
    pairs: dict[tuple[str, str], dict] = {}
    for row in land.csv_rows(ROR_MATCHES):
        code, ror_key = row["ods_code"], _ror_key(row["ror_id"])
        if row["ods_etr_file"] not in ETR_FILES:
            raise InputError(f"{row['ods_etr_file']} is not one of the etr extracts", land.path(ROR_MATCHES))
        if ("ror", ror_key) not in land.entities:
            raise InputError(f"{row['ror_id']} is in no ROR extract here", land.path(ROR_MATCHES))
        pair = pairs.setdefault((code, ror_key), {"qids": set(), "files": set()})
        pair["qids"].update(row["wikidata_qids"].split())
        pair["files"].add(row["ods_etr_file"])
    qids_of: dict[str, set[str]] = defaultdict(set)
    for (code, ror_key), pair in sorted(pairs.items()):
        record = Record(
            "trust", f"ods-{code}", ROR_MATCHES, qualifier=ror_key, ods=code, qids=tuple(sorted(pair["qids"]))
        )
        record.name_match, record.matched_in = ("ror", ror_key), tuple(sorted(pair["files"]))
        land.add(record)
        qids_of[code].update(pair["qids"])
    for code, qids in sorted(qids_of.items()):
        if len(qids) == 1:
            land.entity("trust", f"ods-{code}").qids = set(qids)
        elif len(qids) > 1:
            land.decisions.append(
                f"trust {code} matches {len(qids)} Wikidata items by name ({', '.join(sorted(qids))}): "
                f"each stays on the records of {ROR_MATCHES} that give it, none on the entity"
            )


# --------------------------------------------------------------------------- ROR
def _ror_key(iri: str) -> str:
    return "ror-" + iri.removeprefix(ROR_IRI)


def load_ror(land: Landscape) -> None:
    """ROR records (the copied JSON files and the table of GB health organisations): a ROR organisation is
    keyed by its ROR id, and the Wikidata QIDs its records give are its own (ROR joins the two)."""
    files = sorted(f"ror/{p.name}" for p in (land.root / "ror").glob("*.json"))
    documents = {file: land.json_data(file) for file in files}
    table = land.csv_rows(ROR_TABLE)
    known = {_ror_key(d["id"]) for d in documents.values()} | {_ror_key(r["ror_id"]) for r in table}
    for key in known:
        land.entity("ror", key).ror = ROR_IRI + key[4:]
    for file, data in documents.items():
        names = data.get("names") or []
        display = next((n["value"] for n in names if "ror_display" in n.get("types", [])), data.get("name"))
        aliases = tuple(sorted({n["value"] for n in names if n["value"] != display}))
        qids = tuple(sorted({q for e in data.get("external_ids", []) if e["type"] == "wikidata" for q in e["all"]}))
        relations = [(r["type"].lower(), _ror_key(r["id"])) for r in data.get("relationships") or []]
        _add_ror(land, file, _ror_key(data["id"]), display, aliases, qids, data.get("status"), relations, known)
    for row in table:
        relations = []
        for part in filter(None, (p.strip() for p in row["relationships"].split(" | "))):
            match = re.match(r"^([A-Za-z]+):.*<(https://ror\.org/[0-9a-z]+)>$", part)
            if match is None:
                raise InputError(f"unreadable ROR relationship {part!r}", land.path(ROR_TABLE))
            relations.append((match.group(1).lower(), _ror_key(match.group(2))))
        aliases = tuple(sorted({a.strip() for a in row["aliases"].split(" | ") if a.strip()}))
        qids = tuple(sorted(row["wikidata_qids"].split()))
        key = _ror_key(row["ror_id"])
        _add_ror(land, ROR_TABLE, key, row["name"], aliases, qids, row["status"] or None, relations, known)
    for (kind, key), entity in land.entities.items():
        if kind == "ror":
            stated = {r.qids for r in land.records.values() if r.ref == (kind, key)}
            entity.qids = set().union(*stated) if stated else set()
            if len(stated) > 1:
                land.decisions.append(f"ROR {key[4:]}: its records give different QIDs ({sorted(stated)}): all kept")


def _add_ror(land, file, key, name, aliases, qids, status, relations, known) -> None:
    record = Record("ror", key, file, name=name, aliases=aliases, qids=qids, status=status)
    kept = [(kind, other) for kind, other in relations if kind in ROR_RELATIONS and other in known]
    record.successors = tuple(sorted(("ror", o) for k, o in kept if k == "successor"))
    record.predecessors = tuple(sorted(("ror", o) for k, o in kept if k == "predecessor"))
    parents = sorted(o for k, o in kept if k == "parent")
    if len(parents) == 1:
        record.parent = ("ror", parents[0])
    land.add(record)


# --------------------------------------------------------------------------- successions
def load_successions(land: Landscape) -> None:
    """The ODS successor rows between imported organisations, one event per date and connected group of
    codes (RW6 -> RM3 and R0A on 2021-10-01; 03X, 03Y, 04J, 04R -> 15M on 2019-04-01)."""
    known = {}
    for kind in ("trust", "ccg", "stp", "region"):
        for code, key in land.code_keys[kind].items():
            if key.startswith("ods-") and code == key[4:]:
                known[code] = (kind, key)
    edges: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for row in land.csv_rows(SUCCESSORS):
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
            land.successions.append(
                Succession(date, tuple(known[c] for c in olds), tuple(known[c] for c in news), tuple(mine))
            )
