"""Areas from the registry extracts: NHS England regions, STPs/ICBs, CCGs/sub-ICB locations and local
authority districts, each row a record of its own extract, with the identity rules that join their codes."""

from __future__ import annotations

from collections import defaultdict

from ..errors import InputError
from .landscape import (
    CCG_VINTAGES,
    ETR_CLOSE,
    ETR_CODE,
    ETR_HLHG,
    ETR_NAME,
    ETR_OPEN,
    ETR_REGION,
    STP_VINTAGES,
    VINTAGE_WINDOWS,
    Landscape,
    Merger,
    Record,
    iso_date,
    normalise_name,
)

REGION_LISTS = {  # the list of NHS England regions of each vintage: names and codes
    "2018": "strategyunit_nhser18_codes_names.csv",
    "2020-04": "strategyunit_stp20_to_nhser20.csv",
    "2021-04": "ons_nhser21_codes_names_from_geographr.csv",
    "2022-07": "ons_nhser22_codes_names_jul2022.csv",
    "2024-04": "postcodesio_nhser_names_codes_as_at_2024-04.json",
}
REGIONS_2021 = "ons_nhser21_codes_names_from_geographr.csv"
TRUST_REGIONS = "geographr_nhs_trusts22_to_nhs_region21.csv"
# The list of STPs/ICBs whose records a record points at when its own extract gives a partnership by code
# only (an etr's Q-code): the list of the vintage valid at that extract's date.
PARTNERSHIP_LISTS = {
    "2017/18": "stp_2017_18_44_codes_names_from_thf.csv",
    "2018": "strategyunit_stp18_codes_names.csv",
    "2020-04": "ons_ccg20_to_stp20_apr2020.csv",
    "2021-04": "ons_stp21_codes_names_apr2021.csv",
    "2022-07": "ons_icb22_codes_names_jul2022.csv",
    "2023-04": "ons_icb23_codes_names_apr2023.csv",
    "2024-04": "ons_icb24_codes_names.csv",
}
STP18_REGIONS = "strategyunit_stp18_to_nhser18.csv"
# The STP/ICB vintage valid at the date of each ODS extract that gives a partnership by its Q-code only.
PARENT_VINTAGE = {
    "nhsd_ods_etr_trusts_2020-04.csv": "2020-04",
    "nhsd_ods_etr_trusts_2022-03.csv": "2021-04",
    "nhsd_ods_etr_trusts_2025.csv": "2024-04",
    "nhsd_ods_eccg_ccgs_sicbls_2025.csv": "2024-04",
}
ECCG = "nhsd_ods_eccg_ccgs_sicbls_2025.csv"
SICBL_LISTS = ("ons_sicbl22_to_icb22_jul2022.csv", "ons_sicbl24_to_icb24_apr2024.csv")
DISTRICT_LISTS = {
    "ons_lad21_stp21_overlap_apr2021.csv": ("LAD21CD", "LAD21NM", "STP21CD", "STP21NM"),
    "ons_lad22_icb22_overlap_jul2022.csv": ("LAD22CD", "LAD22NM", "ICB22CD", "ICB22NM"),
}
TRUSTS_TO_STPS = "geographr_nhs_trusts22_to_stp21.csv"

Row = tuple[str, str, str | None, str]  # gss, name, ods, file


# --------------------------------------------------------------------------- regions
def load_regions(land: Landscape) -> None:
    """Regions are keyed by their ODS Y-code. The April 2021 list and geographr's trust-to-region lookup
    pair each E40 code with its Y-code; the 2022 and 2024 lists, which bring new E40 codes and no Y-codes,
    are matched by their exact name among the seven regions of April 2021."""
    lists: dict[str, list[tuple[str, str, str | None]]] = {}
    lists[REGION_LISTS["2018"]] = [(r["nhser18cd"], r["nhser18nm"], None) for r in land.csv_rows(REGION_LISTS["2018"])]
    lists[REGION_LISTS["2020-04"]] = sorted(
        {(r["nhser20cd"], r["nhser20nm"], None) for r in land.csv_rows(REGION_LISTS["2020-04"])}
    )
    lists[REGIONS_2021] = [(r["NHSER21CD"], r["NHSER21NM"], r["NHSER21CDH"]) for r in land.csv_rows(REGIONS_2021)]
    lists[TRUST_REGIONS] = sorted(
        {
            (r["nhs_region21_ons_code"], r["nhs_region21_name"], r["nhs_region21_nhs_code"])
            for r in land.csv_rows(TRUST_REGIONS)
            if r["nhs_region21_ons_code"]  # the Welsh trusts' W00 has no E40 code or name
        }
    )
    lists[REGION_LISTS["2022-07"]] = [
        (r["NHSER22CD"], r["NHSER22NM"], None) for r in land.csv_rows(REGION_LISTS["2022-07"])
    ]
    data24 = land.json_data(REGION_LISTS["2024-04"])
    lists[REGION_LISTS["2024-04"]] = [(c, n, None) for c, n in sorted(data24.items())]
    gss_to_y: dict[str, str] = {}
    for file in (REGIONS_2021, TRUST_REGIONS):
        for gss, _name, y in lists[file]:
            if gss_to_y.setdefault(gss, y) != y:
                raise InputError(f"region {gss} is paired with two Y-codes, {gss_to_y[gss]} and {y}", land.path(file))
    name_to_y = {name: y for _g, name, y in lists[REGIONS_2021]}
    for file, rows in lists.items():
        for gss, name, y in rows:
            found = y or gss_to_y.get(gss)
            if found is None:
                found = name_to_y.get(name)
                if found is None:
                    raise InputError(
                        f"region {gss} {name!r} matches no April 2021 region by code or name", land.path(file)
                    )
                vintage = land.vintage(file)
                land.decisions.append(
                    f"region {gss} ({vintage}, {file}) is {found}: same name {name!r} as {found} in April 2021"
                )
            key = f"ods-{found}"
            land.code_keys["region"][gss] = key
            land.code_keys["region"][found] = key
            land.add(Record("region", key, file, name=name, gss=gss, ods=y))


# --------------------------------------------------------------------------- STPs and ICBs
def _partnership_lists(land: Landscape) -> dict[str, list[Row]]:
    """Every list of STPs/ICBs, by the vintage of its STP/ICB codes (which for geographr's trust lookup,
    a 2022 extract, is April 2021)."""
    lists: dict[str, list[Row]] = defaultdict(list)

    def distinct(vintage: str, file: str, gss: str, name: str, ods: str | None = None) -> None:
        rows = land.csv_rows(file)
        lists[vintage] += sorted({(r[gss], r[name], r[ods] if ods else None, file) for r in rows})

    distinct("2017/18", "stp_2017_18_44_codes_names_from_thf.csv", "stp_code", "stp_name")
    distinct("2018", "strategyunit_stp18_codes_names.csv", "stp18cd", "stp18nm")
    distinct("2020-04", "strategyunit_stp20_to_nhser20.csv", "stp20cd", "stp20nm")
    distinct("2020-04", "ons_ccg20_to_stp20_apr2020.csv", "STP20CD", "STP20NM")
    for file in ("ons_stp21_codes_names_apr2021.csv", "ons_ccg21_to_stp21_apr2021.csv"):
        distinct("2021-04", file, "STP21CD", "STP21NM", "STP21CDH")
    distinct("2021-04", "ons_lad21_stp21_overlap_apr2021.csv", "STP21CD", "STP21NM")
    distinct("2021-04", TRUSTS_TO_STPS, "stp21_code", "stp21_name")
    for file in ("ons_icb22_codes_names_jul2022.csv", "ons_sicbl22_to_icb22_jul2022.csv"):
        distinct("2022-07", file, "ICB22CD", "ICB22NM", "ICB22CDH")
    distinct("2022-07", "ons_lad22_icb22_overlap_jul2022.csv", "ICB22CD", "ICB22NM")
    distinct("2023-04", "ons_icb23_codes_names_apr2023.csv", "ICB23CD", "ICB23NM")
    file = "postcodesio_icb_names_codes_as_at_2023-04.json"
    lists["2023-04"] += [(c, n.strip(), None, file) for c, n in sorted(land.json_data(file).items())]
    for file in ("ons_icb24_codes_names.csv", "ons_sicbl24_to_icb24_apr2024.csv"):
        distinct("2024-04", file, "ICB24CD", "ICB24NM", "ICB24CDH")
    return lists


def _partnership_keys(land: Landscape, lists: dict[str, list[Row]]) -> dict[str, str]:
    """E54 code -> entity key: the ODS code any list pairs it with; else the key of a code that first
    appears in the next list with the same normalised name (walking back in time); else its own code."""
    gss_to_ods: dict[str, str] = {}
    for rows in lists.values():
        for gss, _name, ods, file in rows:
            if ods and gss_to_ods.setdefault(gss, ods) != ods:
                raise InputError(f"E54 code {gss} is paired with two ODS codes, {gss_to_ods[gss]} and {ods}", file)
    keys = {gss: f"ods-{ods}" for gss, ods in gss_to_ods.items()}
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
            matches = sorted(c for c in new_codes if c in keys and mine & {normalise_name(n) for n in names_by_code[c]})
            names = " / ".join(sorted(names_by_code[gss]))
            if len(matches) == 1:
                keys[gss] = keys[matches[0]]
                land.decisions.append(
                    f"STP {gss} ({names}, last in {vintage}) is {keys[gss][4:]}: "
                    f"same normalised name as {matches[0]}, new in {following}"
                )
            else:
                keys[gss] = f"gss-{gss}"
                land.decisions.append(
                    f"STP {gss} ({names}) keeps its own identity: no code new in {following} has its name"
                )
    for index in range(len(STP_VINTAGES) - 1):  # mergers: codes that end, and exactly one new code
        vintage, following = STP_VINTAGES[index], STP_VINTAGES[index + 1]
        ended = sorted(c for c in codes_by_vintage[vintage] - codes_by_vintage[following] if keys[c].startswith("gss-"))
        continued = {keys[c] for c in codes_by_vintage[vintage]}
        started = sorted(c for c in codes_by_vintage[following] - codes_by_vintage[vintage] if keys[c] not in continued)
        if ended and len(started) == 1:
            land.mergers.append(Merger(keys[started[0]], tuple(keys[c] for c in ended), vintage, following, started[0]))
            land.decisions.append(
                f"merger: {', '.join(ended)} (in {vintage}, not in {following}) -> {started[0]} (new in {following})"
            )
        elif ended:
            land.decisions.append(
                f"{', '.join(ended)} end after {vintage} with no single new code to merge into: no event"
            )
    return keys


def load_partnerships(land: Landscape) -> None:
    lists = _partnership_lists(land)
    keys = _partnership_keys(land, lists)
    land.code_keys["stp"].update(keys)
    for key in set(keys.values()):
        if key.startswith("ods-"):
            land.code_keys["stp"][key[4:]] = key
    regions = land.code_keys["region"]
    region_of = {r["stp20cd"]: r["nhser20cd"] for r in land.csv_rows(REGION_LISTS["2020-04"])}
    for vintage in STP_VINTAGES:
        for gss, name, ods, file in lists[vintage]:
            record = Record("stp", keys[gss], file, name=name, gss=gss, ods=ods)
            if file == REGION_LISTS["2020-04"]:
                record.parent, record.parent_in = ("region", regions[region_of[gss]]), file
            land.add(record)
    for row in land.csv_rows(STP18_REGIONS):  # codes only: which region each 2018 STP is in
        gss = row["stp18cd"]
        if gss not in keys:
            raise InputError(f"{gss} is in no STP list of 2018", land.path(STP18_REGIONS))
        region = ("region", regions[row["nhser18cd"]])
        land.add(Record("stp", keys[gss], STP18_REGIONS, gss=gss, parent=region, parent_in=REGION_LISTS["2018"]))


def partnership_in(land: Landscape, code: str, vintage: str) -> tuple[tuple[str, str], str] | None:
    """The partnership an ODS or E54 code names, and the list of `vintage` that holds its record, if any."""
    key = land.key_for_code("stp", code)
    file = PARTNERSHIP_LISTS.get(vintage)
    if key is None or file is None or land.record_of(("stp", key), file) is None:
        return None
    return ("stp", key), file


# --------------------------------------------------------------------------- CCGs and sub-ICB locations
def _ccg_lists(land: Landscape) -> list[tuple[str, str, str | None, str | None, str]]:
    """(E38 code, name, ODS code, parent E54 code, file) of every CCG/sub-ICB location list."""
    rows: list[tuple[str, str, str | None, str | None, str]] = []
    file = "postcodesio_ccg_names_codes_as_at_2018-04.json"
    rows += [(c, n, None, None, file) for c, n in sorted(land.json_data(file).items()) if c.startswith("E38")]
    file = "postcodesio_ccg_names_codes_as_at_2019-04.json"
    data = land.json_data(file)
    rows += [(c, v["name"], v["ccg19cdh"], None, file) for c, v in sorted(data.items()) if c.startswith("E38")]
    file = "ons_ccg20_codes_names_apr2020.csv"
    rows += [(r["CCG20CD"], r["CCG20NM"], r["CCG20CDH"], None, file) for r in land.csv_rows(file)]
    file = "ons_ccg20_to_stp20_apr2020.csv"  # no ODS column: the codes list of the same month pairs them
    rows += [(r["CCG20CD"], r["CCG20NM"], None, r["STP20CD"], file) for r in land.csv_rows(file)]
    file = "ons_ccg21_codes_names_apr2021.csv"
    rows += [(r["CCG21CD"], r["CCG21NM"], r["CCG21CDH"], None, file) for r in land.csv_rows(file)]
    file = "ons_ccg21_to_stp21_apr2021.csv"
    rows += [(r["CCG21CD"], r["CCG21NM"], r["CCG21CDH"], r["STP21CD"], file) for r in land.csv_rows(file)]
    for file, year in zip(SICBL_LISTS, ("22", "24"), strict=True):
        rows += [
            (r[f"SICBL{year}CD"], r[f"SICBL{year}NM"], r[f"SICBL{year}CDH"], r[f"ICB{year}CD"], file)
            for r in land.csv_rows(file)
        ]
    return rows


def _abolished_ccgs(
    land: Landscape, orphans: dict[str, set[str]], names: dict[str, set[str]], eccg: list[list[str]]
) -> dict[str, str]:
    """E38 codes that no list pairs with an ODS code (CCGs abolished before April 2019, when the CCG lists
    gained ODS codes) -> the ODS code of the one eccg row with the same normalised name that closed after
    the start of the last list holding the E38 code and before the end of the first later list lacking it."""
    by_name: dict[str, list[list[str]]] = defaultdict(list)
    for row in eccg:
        by_name[normalise_name(row[ETR_NAME])].append(row)
    found: dict[str, str] = {}
    for gss, vintages in sorted(orphans.items()):
        last = max(vintages, key=CCG_VINTAGES.index)
        later = CCG_VINTAGES[CCG_VINTAGES.index(last) + 1 :]
        candidates = [row for name in sorted(names[gss]) for row in by_name.get(normalise_name(name), [])]
        dated = [
            row
            for row in candidates
            if row[ETR_CLOSE]
            and VINTAGE_WINDOWS[last][0] <= iso_date(row[ETR_CLOSE])
            and (not later or iso_date(row[ETR_CLOSE]) <= VINTAGE_WINDOWS[later[0]][1])
        ]
        codes = sorted({row[ETR_CODE] for row in dated})
        shown = " / ".join(sorted(names[gss]))
        if len(codes) == 1:
            found[gss] = codes[0]
            land.decisions.append(
                f"CCG {gss} ({shown}, last in {last}) is {codes[0]}: no list pairs {gss} with an ODS code; "
                f"{ECCG} has one CCG of the same normalised name, {dated[0][ETR_NAME]!r}, "
                f"closed on {iso_date(dated[0][ETR_CLOSE])}"
            )
        else:
            land.decisions.append(
                f"CCG {gss} ({shown}) keeps its E38 identity: {len(codes)} eccg rows match its name and close date"
            )
    return found


def load_ccgs(land: Landscape) -> None:
    rows = _ccg_lists(land)
    eccg = land.raw_rows(ECCG)
    gss_to_ods: dict[str, str] = {}
    for gss, _n, ods, _p, file in rows:
        if ods and gss_to_ods.setdefault(gss, ods) != ods:
            raise InputError(
                f"E38 code {gss} is paired with two ODS codes, {gss_to_ods[gss]} and {ods}", land.path(file)
            )
    orphans: dict[str, set[str]] = defaultdict(set)
    names: dict[str, set[str]] = defaultdict(set)
    for gss, name, _o, _p, file in rows:
        names[gss].add(name)
        if gss not in gss_to_ods:
            orphans[gss].add(land.vintage(file))
    gss_to_ods.update(_abolished_ccgs(land, orphans, names, eccg))
    for gss, name, ods, parent_code, file in rows:
        key = f"ods-{gss_to_ods[gss]}" if gss in gss_to_ods else f"gss-{gss}"
        land.code_keys["ccg"][gss] = key
        record = Record("ccg", key, file, name=name, gss=gss, ods=ods)
        if parent_code:
            parent = land.key_for_code("stp", parent_code)
            if parent is None or land.record_of(("stp", parent), file) is None:
                raise InputError(f"{parent_code} is not an STP/ICB of {file}", land.path(file))
            record.parent, record.parent_in = ("stp", parent), file
        land.add(record)
    for key in {k for k in land.code_keys["ccg"].values() if k.startswith("ods-")}:
        land.code_keys["ccg"][key[4:]] = key
    _load_eccg(land, eccg)


def _load_eccg(land: Landscape, rows: list[list[str]]) -> None:
    """The ODS eccg extract (2025): every CCG since 2013, open or closed, and the sub-ICB locations, by ODS
    code, with region, parent STP/ICB (Q-code), open and close dates."""
    unknown_parents: set[str] = set()
    for row in rows:
        code = row[ETR_CODE]
        key = f"ods-{code}"
        land.code_keys["ccg"][code] = key
        record = Record("ccg", key, ECCG, name=row[ETR_NAME], ods=code)
        region = land.key_for_code("region", row[ETR_REGION])
        if region:
            record.region = ("region", region)
        found = partnership_in(land, row[ETR_HLHG], PARENT_VINTAGE[ECCG])
        if found:
            record.parent, record.parent_in = found
        elif row[ETR_HLHG]:
            unknown_parents.add(row[ETR_HLHG])
        record.start = iso_date(row[ETR_OPEN]) if row[ETR_OPEN] else None
        record.end = iso_date(row[ETR_CLOSE]) if row[ETR_CLOSE] else None
        land.add(record)
    if unknown_parents:
        land.decisions.append(
            f"{ECCG}: parent codes in no ICB list of April 2024, left out: {', '.join(sorted(unknown_parents))}"
        )


# --------------------------------------------------------------------------- districts
def load_districts(land: Landscape) -> None:
    """Local authority districts (E06/E07/E08/E09, keyed by their GSS code) and how many of their LSOAs lie
    in each STP/ICB: one record per row of the overlap lookups (a district split between two partnerships
    has two records in one extract, told apart by the partnership)."""
    for file, (code, name, parent_code, _parent_name) in DISTRICT_LISTS.items():
        for row in land.csv_rows(file):
            parent = land.key_for_code("stp", row[parent_code])
            if parent is None or land.record_of(("stp", parent), file) is None:
                raise InputError(f"{row[parent_code]} is not an STP/ICB of {file}", land.path(file))
            try:
                count = int(row["n_lsoa11"])
            except ValueError:
                raise InputError(f"n_lsoa11 {row['n_lsoa11']!r} is not a whole number", land.path(file)) from None
            key = f"gss-{row[code]}"
            land.code_keys["district"][row[code]] = key
            land.add(
                Record(
                    "district",
                    key,
                    file,
                    qualifier=parent,
                    name=row[name],
                    gss=row[code],
                    parent=("stp", parent),
                    parent_in=file,
                    lsoa_count=count,
                )
            )
