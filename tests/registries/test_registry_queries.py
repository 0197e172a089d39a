"""The registry queries on the repository's real rows, each checked against the extract files read here with
the csv module (an oracle independent of the import): partnerships, members, districts and what moved between
vintages, what one extract said about an organisation, what it shows as closed, CCG mergers, ROR and Wikidata."""

from __future__ import annotations

import csv
from collections import defaultdict

from repo_factory import ROOT

REGISTRIES = ROOT / "registries"
ID = "https://w3id.org/icskg/id/"
PARTNERSHIP = ID + "partnership/"
ORGANISATION = ID + "organisation/"
EXTRACT = ID + "extract/"


def rows_of(name: str, header: bool = True) -> list:
    with (REGISTRIES / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle) if header else csv.reader(handle))


def local(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


# --------------------------------------------------------------------------- partnerships and their members
def test_partnership_codes_query(kg):
    rows = kg.query("registry_partnership_codes", vintage="2017/18")
    assert len({r["partnership"] for r in rows}) == 44
    gm = kg.query("registry_partnership_codes", partnership=PARTNERSHIP + "ods-QOP")
    assert {(str(r["vintage"]), str(r["gss"])) for r in gm} >= {("2017/18", "E54000007"), ("2022-07", "E54000057")}
    # two extracts of one vintage: two rows, each as its own extract gives it
    april_2021 = {str(r["file"]) for r in gm if r["vintage"] == "2021-04"}
    assert {"ons_stp21_codes_names_apr2021.csv", "ons_ccg21_to_stp21_apr2021.csv"} <= april_2021


def test_ccgs_of_partnership_query(kg):
    rows = kg.query("registry_ccgs_of_partnership", partnership=PARTNERSHIP + "ods-QOP", vintage="2021-04")
    expected = {r["CCG21CDH"] for r in rows_of("ons_ccg21_to_stp21_apr2021.csv") if r["STP21CDH"] == "QOP"}
    assert len(expected) == 10 and {str(r["ods"]) for r in rows} == expected  # the ten Greater Manchester CCGs
    assert "NHS Bolton CCG" in {str(r["name"]) for r in rows}
    # the 2025 eccg still names the ICB of a closed CCG: its close date comes with it
    eccg = kg.query("registry_ccgs_of_partnership", partnership=PARTNERSHIP + "ods-QOP", vintage="2025")
    closed = {str(r["ods"]): str(r["closed"]) for r in eccg if r["closed"]}
    stated = {
        row[0]: f"{row[11][:4]}-{row[11][4:6]}-{row[11][6:]}"
        for row in rows_of("nhsd_ods_eccg_ccgs_sicbls_2025.csv", header=False)
        if row[3] == "QOP" and row[11]
    }
    assert closed == stated and closed


def test_trusts_of_partnership_query(kg):
    rows = kg.query("registry_trusts_of_partnership", partnership=PARTNERSHIP + "ods-QOP", vintage="2017/18")
    assert {"RM3", "RW6"} <= {str(r["ods"]) for r in rows}
    rows = kg.query("registry_trusts_of_partnership", partnership=PARTNERSHIP + "ods-QOP", vintage="2022-03")
    assert {str(r["ods"]): r["closed"] is not None for r in rows}["RW6"] is True


def test_successor_chain_query(kg):
    rows = kg.query("registry_successor_chain", organisation=ORGANISATION + "ods-RW6")
    steps = {(local(r["to"]), str(r["date"])) for r in rows}
    assert {("ods-RM3", "2021-10-01"), ("ods-R0A", "2021-10-01")} <= steps


# --------------------------------------------------------------------------- districts
def _ods_of_partnerships() -> dict[str, str]:
    """E54 code -> ODS code, from the April 2021 STP and July 2022 ICB lists."""
    codes = {r["STP21CD"]: r["STP21CDH"] for r in rows_of("ons_stp21_codes_names_apr2021.csv")}
    codes |= {r["ICB22CD"]: r["ICB22CDH"] for r in rows_of("ons_icb22_codes_names_jul2022.csv")}
    return codes


def _overlaps(name: str, lad: str, area: str) -> dict[tuple[str, str], int]:
    ods = _ods_of_partnerships()
    return {(r[lad], ods[r[area]]): int(r["n_lsoa11"]) for r in rows_of(name)}


def test_partnership_districts_query(kg):
    rows = kg.query("registry_partnership_districts", partnership=PARTNERSHIP + "ods-QOP", vintage="2021-04")
    overlaps = _overlaps("ons_lad21_stp21_overlap_apr2021.csv", "LAD21CD", "STP21CD")
    totals: dict[str, int] = defaultdict(int)
    for (lad, _ods), n in overlaps.items():
        totals[lad] += n
    expected = {(lad, n, totals[lad], n == totals[lad]) for (lad, ods), n in overlaps.items() if ods == "QOP"}
    assert {(str(r["gss"]), r["lsoas"], r["districtLsoas"], r["whole"]) for r in rows} == expected
    assert ("E07000037", 21, 59, False) in expected  # High Peak: 21 of its 59 LSOAs in Greater Manchester
    assert {str(r["partnershipName"]) for r in rows} == {"Greater Manchester Health and Social Care Partnership"}
    icb = kg.query("registry_partnership_districts", partnership=PARTNERSHIP + "ods-QOP", vintage="2022-07")
    assert {str(r["partnershipName"]) for r in icb} == {"NHS Greater Manchester Integrated Care Board"}
    assert "E07000037" not in {str(r["gss"]) for r in icb}


def test_district_moves_query(kg):
    before = _overlaps("ons_lad21_stp21_overlap_apr2021.csv", "LAD21CD", "STP21CD")
    after = _overlaps("ons_lad22_icb22_overlap_jul2022.csv", "LAD22CD", "ICB22CD")
    moved = {
        (lad, ods, before.get((lad, ods), 0), after.get((lad, ods), 0))
        for lad, ods in before.keys() | after.keys()
        if before.get((lad, ods), 0) != after.get((lad, ods), 0)
    }
    rows = kg.query("registry_district_moves")
    assert {(local(r["district"])[4:], local(r["partnership"])[4:], r["before"], r["after"]) for r in rows} == moved
    assert {("E07000171", "QF7", 70, 0), ("E07000171", "QT1", 0, 70), ("E07000037", "QOP", 21, 0)} <= moved
    gm = kg.query("registry_district_moves", partnership=PARTNERSHIP + "ods-QOP")
    assert [(str(r["name"]), r["before"], r["after"]) for r in gm] == [("High Peak", 21, 0)]


# --------------------------------------------------------------------------- what one extract said
def test_records_of_show_each_extract_side_by_side(kg):
    rows = kg.query("registry_records_of", entity=ORGANISATION + "ods-RW6")
    by_file = {str(r["file"]): r for r in rows}
    assert by_file["nhsd_ods_etr_trusts_2020-04.csv"]["closed"] is None  # open in spring 2020 ...
    assert str(by_file["nhsd_ods_etr_trusts_2022-03.csv"]["closed"]) == "2021-09-30"  # ... closed by March 2022
    assert str(by_file["geographr_nhs_trusts22_to_nhs_region21.csv"]["status"]) == "closed"
    assert str(by_file["thf_trust_to_stp_2017_18.csv"]["parentName"]) == "Greater Manchester"
    assert str(by_file["nhsd_ods_etr_trusts_2025.csv"]["parentName"]) == "NHS Greater Manchester Integrated Care Board"
    assert str(by_file["ror_wikidata_to_ods_trust_exact_name_matches.csv"]["qids"]) == "Q7163433"
    one = kg.query(
        "registry_records_of", entity=ORGANISATION + "ods-RM3", extract=EXTRACT + "nhsd_ods_etr_trusts_c2015"
    )
    assert [str(r["name"]) for r in one] == ["SALFORD ROYAL NHS FOUNDATION TRUST"]
    later = kg.query(
        "registry_records_of", entity=ORGANISATION + "ods-RM3", extract=EXTRACT + "nhsd_ods_etr_trusts_2025"
    )
    assert [str(r["name"]) for r in later] == ["NORTHERN CARE ALLIANCE NHS FOUNDATION TRUST"]


def test_closed_in_extract_is_what_that_extract_says(kg):
    def closed_in(name: str) -> dict[str, str]:
        return {row[0]: row[11] for row in rows_of(name, header=False) if len(row) > 11 and row[11]}

    march_2022 = closed_in("nhsd_ods_etr_trusts_2022-03.csv")
    listed = {row[0] for row in rows_of("nhsd_ods_etr_trusts_2022-03.csv", header=False)}
    rows = kg.query("registry_closed_in_extract", extract=EXTRACT + "nhsd_ods_etr_trusts_2022-03")
    assert {str(r["ods"]): str(r["closed"]).replace("-", "") for r in rows} == march_2022
    assert "RW6" in march_2022
    # closed in the 2025 extract but open in the March 2022 one: not returned for March 2022
    open_then = (closed_in("nhsd_ods_etr_trusts_2025.csv").keys() & listed) - march_2022.keys()
    assert open_then and not open_then & {str(r["ods"]) for r in rows}
    geographr = kg.query("registry_closed_in_extract", extract=EXTRACT + "geographr_nhs_trusts22_to_nhs_region21")
    expected = {
        r["nhs_trust22_code"] for r in rows_of("geographr_nhs_trusts22_to_nhs_region21.csv") if r["status"] == "closed"
    }
    assert {str(r["ods"]) for r in geographr} == expected


# --------------------------------------------------------------------------- CCG mergers
def test_ccg_mergers_of_april_2019(kg):
    rows = kg.query("registry_ccg_mergers", date="2019-04-01")
    assert sorted((str(r["successorOds"]), str(r["predecessorOds"]), str(r["predecessorGss"])) for r in rows) == [
        ("15M", "03X", "E38000058"),
        ("15M", "03Y", "E38000071"),
        ("15M", "04J", "E38000115"),
        ("15M", "04R", "E38000169"),
        ("15N", "99P", "E38000129"),
        ("15N", "99Q", "E38000152"),
    ]
    assert {str(r["successorNameThen"]) for r in rows} == {"NHS Derby and Derbyshire", "NHS Devon"}
    assert all(r["merger"] is True for r in rows)


def test_ccg_mergers_of_each_april_are_the_successor_rows_between_ccgs(kg):
    ccgs = {row[0] for row in rows_of("nhsd_ods_eccg_ccgs_sicbls_2025.csv", header=False)}
    expected = {
        (r["date"], r["old_code"], r["new_code"])
        for r in rows_of("nhsd_ods_successor_organisations_geographr.csv")
        if r["old_code"] in ccgs and r["new_code"] in ccgs and r["old_code"] != r["new_code"]
    }
    rows = kg.query("registry_ccg_mergers")
    found = {(str(r["date"]), str(r["predecessorOds"]), str(r["successorOds"])) for r in rows}
    assert found == expected
    per_april = defaultdict(int)
    for date, _old, _new in found:
        per_april[date] += 1
    assert {d: per_april[d] for d in ("2018-04-01", "2019-04-01", "2020-04-01", "2021-04-01")} == {
        "2018-04-01": 18,
        "2019-04-01": 6,
        "2020-04-01": 93,
        "2021-04-01": 38,
    }


# --------------------------------------------------------------------------- ROR and Wikidata
def test_ror_and_wikidata_records_of_organisations_in_the_sources(kg):
    rows = kg.query("registry_ror_wikidata")
    found = {(local(r["entity"]), local(r["ror"]), str(r["file"]), r["qids"] or "", str(r["via"])) for r in rows}
    assert {
        ("nhs-england", "ror-00xm3h672", "ror/ror_00xm3h672_v1.48.json", "Q19382273", "ROR organisation"),
        ("nhs-england", "ror-00xm3h672", "ror_gb_health_orgs_wikidata.csv", "Q19382273", "ROR organisation"),
        ("national-audit-office", "ror-00erg1394", "ror_gb_health_orgs_wikidata.csv", "Q6970828", "ROR organisation"),
        (
            "oxford-academic-health-science-network",
            "ror-05hhpdx12",
            "ror_gb_health_orgs_wikidata.csv",
            "",
            "ROR organisation",
        ),
    } <= found
    salford = kg.query("registry_ror_wikidata", entity=ORGANISATION + "salford-royal-nhs-foundation-trust")
    matches = {
        (local(r["ror"]), str(r["qids"]), tuple(sorted(str(r["matchedIn"]).split())), str(r["status"])) for r in salford
    }
    assert matches == {
        ("ror-019j78370", "Q7404388", ("nhsd_ods_etr_trusts_2020-04.csv", "nhsd_ods_etr_trusts_c2015.csv"), "inactive"),
        ("ror-01nqeyn25", "Q87764345", ("nhsd_ods_etr_trusts_2022-03.csv", "nhsd_ods_etr_trusts_2025.csv"), "active"),
    }
    assert {str(r["via"]) for r in salford} == {"name match"}
