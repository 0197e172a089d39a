"""Registry import (issue 5): counts against the extracts, reproducibility, links, the registry shapes run by
`icskg validate` and `icskg links check` on real non-conforming data, suggestions and the registry queries."""

from __future__ import annotations

import csv
import hashlib
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest
import yaml
from click.testing import CliRunner

from icskg.cli import main
from icskg.fmt import canonical_turtle
from icskg.registries.importer import import_registries
from icskg.registries.landscape import load_landscape
from icskg.registries.links import links_graph, suggest, write_unlinked_report
from icskg.registries.summary import summarise
from icskg.settings import Settings
from icskg.validate import validate
from repo_factory import ROOT, make_repo

DATA = ROOT / "data" / "registries"
SOURCES = ROOT.parent / "shared" / "sources"
ID = "https://w3id.org/icskg/id/"
PARTNERSHIP = ID + "partnership/"
ORGANISATION = ID + "organisation/"
LINK = ID + "link/"
ICSKG = "https://w3id.org/icskg/ontology#"
PREFIXES = f"PREFIX icskg: <{ICSKG}>\nPREFIX dcterms: <http://purl.org/dc/terms/>\n"
REGISTRY_SHAPES = (
    "RegistryCodeInExtract",
    "RegistryCodeOfRightKind",
    "RegistryLinkResolves",
    "RegistryLinkWithinVintageDates",
)


def run(*args: str, env: dict | None = None):
    result = CliRunner().invoke(main, list(args), env=env)
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def registry_store() -> ox.Store:
    """data/registries/*.ttl as written by the import, nothing else."""
    store = ox.Store()
    for path in sorted(DATA.glob("*.ttl")):
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    return store


def select(store: ox.Store, where: str, variables: str, modifiers: str = "") -> list[tuple]:
    rows = store.query(PREFIXES + f"SELECT {variables} WHERE {{ {where} }} {modifiers}")
    return [tuple(None if row[i] is None else row[i].value for i in range(len(rows.variables))) for row in rows]


def entities_by_vintage(store: ox.Store, condition: str) -> dict[str, int]:
    """Distinct entities per vintage (their extract's) among the registry records that meet `condition`."""
    rows = select(
        store,
        "?record a icskg:RegistryRecord ; icskg:recordOf ?entity ; icskg:extract ?extract . "
        f"?extract icskg:vintage ?vintage . {condition}",
        "?vintage (COUNT(DISTINCT ?entity) AS ?n)",
        "GROUP BY ?vintage",
    )
    return {vintage: int(n) for vintage, n in rows}


def records_by_file(store: ox.Store, condition: str = "") -> dict[str, int]:
    rows = select(
        store,
        f"?record a icskg:RegistryRecord ; icskg:extract ?extract . ?extract icskg:extractFile ?file . {condition}",
        "?file (COUNT(DISTINCT ?record) AS ?n)",
        "GROUP BY ?file",
    )
    return {file: int(n) for file, n in rows}


@pytest.fixture(scope="module")
def landscape():
    return load_landscape(ROOT / "registries")


def csv_rows(name: str, header: bool = True) -> list:
    with (ROOT / "registries" / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle) if header else csv.reader(handle))


def distinct(name: str, *columns: str) -> int:
    return len({tuple(row[c].strip() for c in columns) for row in csv_rows(name)})


# --------------------------------------------------------------------------- counts match the extracts
def test_partnerships_by_vintage_match_the_lists(registry_store):
    assert entities_by_vintage(registry_store, "?entity a icskg:Partnership .") == {
        "2017/18": 44,
        "2018": 42,
        "2020-04": 42,
        "2021-04": 42,
        "2022": 42,  # geographr's trust lookup of 2022 names the April 2021 STPs
        "2022-07": 42,
        "2023-04": 42,
        "2024-04": 42,
    }


def test_ccgs_and_sub_icb_locations_by_vintage_match_the_extracts(registry_store):
    # postcodes.io: 195 and 191 English E38 codes; ONS lookups 135, 106, 106, 106 (SOURCES.md section 2)
    condition = '?record icskg:gssCode ?code . FILTER(STRSTARTS(STR(?code), "E38"))'
    assert entities_by_vintage(registry_store, condition) == {
        "2018-04": 195,
        "2019-04": 191,
        "2020-04": 135,
        "2021-04": 106,
        "2022-07": 106,
        "2024-04": 106,
    }


def test_every_row_is_a_record_of_its_own_extract(registry_store):
    """One record per row (per distinct entity of a list) in every extract, counted from the files here."""
    etr = [f for f in (ROOT / "registries").glob("nhsd_ods_e*.csv")]
    expected = {f.name: len(csv_rows(f.name, header=False)) for f in etr}
    expected |= {
        "thf_trust_to_stp_2017_18.csv": len(csv_rows("thf_trust_to_stp_2017_18.csv")),
        "geographr_nhs_trusts22_to_stp21.csv": len(csv_rows("geographr_nhs_trusts22_to_stp21.csv"))
        + distinct("geographr_nhs_trusts22_to_stp21.csv", "stp21_code"),
        "geographr_nhs_trusts22_to_nhs_region21.csv": len(csv_rows("geographr_nhs_trusts22_to_nhs_region21.csv"))
        + distinct("geographr_nhs_trusts22_to_nhs_region21.csv", "nhs_region21_ons_code")
        - 1,  # the Welsh W00 rows name no region
        "ons_lad21_stp21_overlap_apr2021.csv": len(csv_rows("ons_lad21_stp21_overlap_apr2021.csv"))
        + distinct("ons_lad21_stp21_overlap_apr2021.csv", "STP21CD"),
        "ons_lad22_icb22_overlap_jul2022.csv": len(csv_rows("ons_lad22_icb22_overlap_jul2022.csv"))
        + distinct("ons_lad22_icb22_overlap_jul2022.csv", "ICB22CD"),
        "ons_ccg21_to_stp21_apr2021.csv": len(csv_rows("ons_ccg21_to_stp21_apr2021.csv"))
        + distinct("ons_ccg21_to_stp21_apr2021.csv", "STP21CD"),
        "ror_gb_health_orgs_wikidata.csv": len(csv_rows("ror_gb_health_orgs_wikidata.csv")),
        "ror_wikidata_to_ods_trust_exact_name_matches.csv": distinct(
            "ror_wikidata_to_ods_trust_exact_name_matches.csv", "ods_code", "ror_id"
        ),
        "ror/ror_01nqeyn25_v1.73.json": 1,
    }
    found = records_by_file(registry_store)
    assert {name: found.get(name) for name in expected} == expected
    assert sum(1 for row in csv_rows("nhsd_ods_etr_trusts_2022-03.csv", header=False) if row[0] == "R0A") == 1
    # identical rows of three extracts are three records, not one shared record
    r0a = select(registry_store, f"?r icskg:recordOf <{ORGANISATION}ods-R0A> ; icskg:nameAsStated ?n", "?r ?n")
    names = [n for _r, n in r0a]
    assert names.count("MANCHESTER UNIVERSITY NHS FOUNDATION TRUST") >= 3


def test_every_record_says_what_exactly_one_extract_says(registry_store):
    counts = select(
        registry_store,
        "?record a icskg:RegistryRecord . OPTIONAL { ?record icskg:extract ?extract }",
        "?record (COUNT(?extract) AS ?n)",
        "GROUP BY ?record HAVING (COUNT(?extract) != 1)",
    )
    assert counts == []
    assert len(select(registry_store, "?record a icskg:RegistryRecord", "?record")) > 4000


def test_every_extract_is_imported_with_its_provenance(registry_store):
    rows = select(
        registry_store,
        "?extract a icskg:RegistryExtract ; icskg:extractFile ?file . "
        "OPTIONAL { ?extract icskg:sha256 ?sha } OPTIONAL { ?extract icskg:commit ?commit } "
        "OPTIONAL { ?extract dcterms:license ?licence } OPTIONAL { ?extract icskg:attribution ?attribution }",
        "?file ?sha ?commit ?licence ?attribution",
    )
    extracts = select(registry_store, "?extract a icskg:RegistryExtract", "DISTINCT ?extract")
    assert len(rows) == len(extracts)
    data_files = {
        str(p.relative_to(ROOT / "registries"))
        for p in (ROOT / "registries").rglob("*")
        if p.suffix in (".csv", ".json")
    }
    assert {name for name, *_ in rows} == data_files
    shared = ROOT.parent / "shared" / "registries"
    if shared.is_dir():  # the repository holds every extract of the shared folder, byte for byte
        for path in shared.rglob("*"):
            if path.suffix in (".csv", ".json"):
                copy = ROOT / "registries" / path.relative_to(shared)
                assert copy.is_file() and copy.read_bytes() == path.read_bytes(), copy
    ogl = "http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/"
    for name, sha, commit, licence, attribution in rows:
        path = ROOT / "registries" / name
        assert sha == hashlib.sha256(path.read_bytes()).hexdigest(), name
        assert commit is not None and len(commit) == 40, name
        if not name.startswith("ror"):
            assert licence == ogl, name
            assert "Open Government Licence v3.0" in (attribution or ""), name


def test_every_imported_node_names_its_extract(registry_store):
    missing = select(
        registry_store,
        "?s a ?type . FILTER NOT EXISTS { ?s a icskg:RegistryExtract } FILTER NOT EXISTS { ?s a icskg:RegistryLink } "
        "FILTER NOT EXISTS { ?s icskg:extract ?extract }",
        "DISTINCT ?s",
    )
    assert select(registry_store, "?s icskg:extract ?extract", "(COUNT(DISTINCT ?s) AS ?n)")[0][0] != "0"
    assert not missing, missing[:5]


def test_identity_and_events_follow_the_extracts(registry_store, landscape):
    codes = select(registry_store, f"?r icskg:recordOf <{PARTNERSHIP}ods-QOP> ; icskg:gssCode ?c", "DISTINCT ?c")
    assert {c for (c,) in codes} == {"E54000007", "E54000057"}
    # the three northern STPs merged into E54000049 (QHM); their own identity is their E54 code
    merger = f"<{ID}event/merger-E54000045-E54000046-E54000047>"
    rows = select(
        registry_store, f"{merger} a icskg:Merger ; <http://www.w3.org/ns/org#resultingOrganization> ?o", "?o"
    )
    assert rows == [(PARTNERSHIP + "ods-QHM",)]
    # West Yorkshire E54000005 (2017/18, 2018) is QWO by name continuity with E54000054
    assert landscape.key_for_code("stp", "E54000005") == "ods-QWO"
    # CCGs abolished on 1 April 2019, E38 codes only in the April 2018 list, joined to their eccg ODS codes
    assert landscape.key_for_code("ccg", "E38000058") == "ods-03X"  # NHS Erewash
    assert landscape.key_for_code("ccg", "E38000129") == "ods-99P"  # NHS Northern, Eastern and Western Devon
    assert not [k for (kind, k) in landscape.entities if kind == "ccg" and k.startswith("gss-")]
    erewash = select(
        registry_store, f"<{ORGANISATION}ods-03X> <http://www.w3.org/2004/02/skos/core#exactMatch> ?m", "?m"
    )
    assert {m for (m,) in erewash} == {
        "http://statistics.data.gov.uk/id/statistical-geography/E38000058",
        "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/03X",
    }


def test_memberships_point_at_the_partnership_and_its_record_of_the_extracts_date(registry_store):
    """A March 2022 trust record: the partnership, and its record in the April 2021 list; a record that names
    its partnership in the same extract (a district in an overlap lookup) points at that extract's record."""
    rows = select(
        registry_store,
        f"<{ID}record/nhsd_ods_etr_trusts_2022-03--ods-RW6> icskg:parent ?p ; icskg:parentRecord ?r . "
        "?r icskg:recordOf ?of ; icskg:extract/icskg:extractFile ?file ; icskg:gssCode ?gss",
        "?p ?of ?file ?gss",
    )
    assert rows == [
        (PARTNERSHIP + "ods-QOP", PARTNERSHIP + "ods-QOP", "ons_stp21_codes_names_apr2021.csv", "E54000007")
    ]
    rows = select(
        registry_store,
        f"<{ID}record/ons_lad22_icb22_overlap_jul2022--gss-E08000010--ods-QOP> icskg:parentRecord ?r . "
        "?r icskg:nameAsStated ?name ; icskg:gssCode ?gss",
        "?name ?gss",
    )
    assert rows == [("NHS Greater Manchester Integrated Care Board", "E54000057")]
    missing = select(
        registry_store,
        "?record icskg:parent ?p . ?p a icskg:Partnership . FILTER NOT EXISTS { ?record icskg:parentRecord ?r }",
        "(COUNT(?record) AS ?n)",
    )
    assert missing == [("0",)]


def test_summary_counts_what_each_extract_gave(landscape):
    rows = {r.file: r for r in summarise(landscape)}
    assert set(rows) == set(landscape.extracts) and sum(r.records for r in rows.values()) == len(landscape.records)
    eccg = csv_rows("nhsd_ods_eccg_ccgs_sicbls_2025.csv", header=False)
    assert (rows["nhsd_ods_eccg_ccgs_sicbls_2025.csv"].records, rows["nhsd_ods_eccg_ccgs_sicbls_2025.csv"].links) == (
        len(eccg),
        sum(bool(row[2]) + bool(row[3]) for row in eccg),  # a region and a parent ICB on every row
    )
    assert rows["nhsd_ods_successor_organisations_geographr.csv"].events == len(landscape.successions) > 0
    assert rows["ons_lad21_stp21_overlap_apr2021.csv"].entities == 309 + 42  # districts and STPs


# --------------------------------------------------------------------------- reproducible
def registry_copy(tmp_path: Path) -> Path:
    """A repository copy with the data and the registry extracts (registries/)."""
    root = make_repo(tmp_path, with_data=True)
    shutil.copytree(ROOT / "registries", root / "registries")
    return root


def test_import_reproduces_the_committed_files_byte_for_byte(tmp_path, capfd):
    root = registry_copy(tmp_path)
    for path in (root / "data" / "registries").glob("*.ttl"):
        path.unlink()
    (root / "registries" / "unlinked.md").unlink()
    result = run("--root", str(root), "registries", "import", env={"ICSKG_PROGRESS": "1"})
    assert result.exit_code == 0, result.output
    assert "reading the registry extracts in registries" in result.stderr  # progress, on stderr
    names = sorted(p.name for p in DATA.glob("*.ttl"))
    assert "links.ttl" in names and sorted(p.name for p in (root / "data" / "registries").glob("*.ttl")) == names
    for name in names:
        written = (root / "data" / "registries" / name).read_bytes()
        assert written == (DATA / name).read_bytes(), f"data/registries/{name} is stale: re-import"
    for name in ("unlinked.md", "identity.md"):
        assert (root / "registries" / name).read_bytes() == (ROOT / "registries" / name).read_bytes(), name
    triples = sum(int(line.split()[0]) for line in result.stdout.splitlines() if line.strip().endswith(".ttl"))
    assert f"{triples} triples in {len(names)} files" in result.stdout
    capfd.readouterr()
    again = import_registries(root, tmp_path / "again", progress=False)  # a second run, into another folder
    assert capfd.readouterr().err == "", "no progress unless asked"
    assert again.triples == triples
    for name in names:
        assert (tmp_path / "again" / name).read_bytes() == (DATA / name).read_bytes(), name


def test_unlinked_report_lists_entities_nobody_has_reviewed(tmp_path):
    """registries/unlinked.md from links.yaml and data/*.ttl (parsed with Oxigraph); a data file that does not
    parse is skipped there (`icskg validate` reports it)."""
    root = make_repo(
        tmp_path,
        {
            "data/new.ttl": (
                "PREFIX icskg: <https://w3id.org/icskg/ontology#>\n"
                "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
                "<https://w3id.org/icskg/id/partnership/new-one> a icskg:Partnership ;\n"
                '    skos:prefLabel "New One"@en .\n'
                "<https://w3id.org/icskg/id/organisation/kings-fund> a <http://www.w3.org/ns/org#Organization> .\n"
            ),
            "data/broken.ttl": "<https://w3id.org/icskg/id/partnership/broken> a \n",
        },
    )
    (root / "registries").mkdir()
    shutil.copy(ROOT / "registries" / "links.yaml", root / "registries" / "links.yaml")
    unlinked = yaml.safe_load((root / "registries" / "links.yaml").read_text(encoding="utf-8"))["unlinked"]
    path = write_unlinked_report(root, unlinked)
    text = path.read_text(encoding="utf-8")
    pending = text.split("## Not reviewed yet", 1)[1]
    assert pending.strip().splitlines() == [
        "| entity | label |",
        "| --- | --- |",
        "| `partnership:new-one` | New One |",
    ]
    assert "| `organisation:kings-fund` |" in text.split("## Not reviewed yet", 1)[0]  # reviewed: left unlinked


# --------------------------------------------------------------------------- links
def test_links_check_passes_on_the_repository(repo_root):
    result = run("--root", str(repo_root), "links", "check", env={"ICSKG_SOURCES": str(SOURCES)})
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == ["0 problem(s)"]


def test_links_cover_the_brief(kg):
    rows = {str(r["entity"]): r for r in kg.query("registry_links")}
    assert str(rows[PARTNERSHIP + "greater-manchester"]["registryEntity"]) == PARTNERSHIP + "ods-QOP"
    assert "E54000047" in str(rows[PARTNERSHIP + "west-north-and-east-cumbria"]["codes"])
    assert "Q7404388" in str(rows[ORGANISATION + "salford-royal-nhs-foundation-trust"]["codes"])
    assert "Q7163433" in str(rows[ORGANISATION + "pennine-acute-hospitals-nhs-trust"]["codes"])
    assert "Q19382273" in str(rows[ORGANISATION + "nhs-england"]["codes"])
    assert "Q6970828" in str(rows[ORGANISATION + "national-audit-office"]["codes"])
    assert str(rows[ORGANISATION + "oxford-academic-health-science-network"]["registryEntity"]) == (
        ORGANISATION + "ror-05hhpdx12"
    )
    wigan = rows[ID + "place/wigan"]
    assert (str(wigan["registryEntity"]), str(wigan["codes"]), str(wigan["registryName"])) == (
        ID + "place/gss-E08000010",
        "E08000010",
        "Wigan",
    )
    assert PARTNERSHIP + "greater-nottingham" not in rows
    unlinked = (ROOT / "registries" / "unlinked.md").read_text(encoding="utf-8")
    for slug in (
        "greater-nottingham",
        "kings-fund",
        "nuffield-trust",
        "nhs-providers",
        "nhs-improvement",
        "northern-care-alliance-nhs-group",
    ):
        assert slug in unlinked
    assert "None: every partnership, organisation and place in data/ is linked or listed above." in unlinked


GSS, ODS, QID, VALID_ON, REGISTRY_ENTITY = (
    f"<{ICSKG}{name}>" for name in ("gssCode", "odsCode", "wikidataId", "validOn", "registryEntity")
)


def code(value: str, datatype: str) -> str:
    return f'"{value}"^^<{ICSKG}{datatype}>'


def date(value: str) -> str:
    return f'"{value}"^^<http://www.w3.org/2001/XMLSchema#date>'


def window(source: str, entity: str, on: str, reason: str) -> str:
    return f"the link says {ID}{source} is {ID}{entity} on {on}, but {reason}"


# (link in links.yaml, [(shape, path, value, message) of every violation whose focus is the link's node])
BAD_LINKS = [
    (
        {"source": "partnership:bad-unknown", "registry": "partnership:ods-QR1", "gss": ["E54000999"], "note": "x"},
        [
            (
                "RegistryCodeInExtract",
                GSS,
                code("E54000999", "GSSCode"),
                "gss code E54000999 is in no registry extract (registries/)",
            )
        ],
    ),
    (
        {"source": "organisation:bad-qid", "registry": "organisation:ods-RW6", "wikidata": ["Q999999999"], "note": "x"},
        [
            (
                "RegistryCodeInExtract",
                QID,
                code("Q999999999", "WikidataQID"),
                "wikidata code Q999999999 is in no registry extract (registries/)",
            )
        ],
    ),
    (
        {"source": "partnership:bad-malformed", "registry": "partnership:ods-QR1", "gss": ["E5400"], "note": "x"},
        [
            (
                "GSSCode-gssCode",
                GSS,
                code("E5400", "GSSCode"),
                "icskg:gssCode must be an English GSS code, E and eight digits (E54000043), typed ^^icskg:GSSCode",
            ),
            ("RegistryCodeInExtract", GSS, code("E5400", "GSSCode"), "E5400 is not a well-formed gss code"),
        ],
    ),
    (
        {"source": "partnership:bad-kind", "registry": "partnership:ods-QR1", "gss": ["E38000068"], "note": "x"},
        [
            (
                "RegistryCodeOfRightKind",
                GSS,
                code("E38000068", "GSSCode"),
                "E38000068 is an E38 code (CCG or sub-ICB location), but partnership:ods-QR1 is an STP/ICB, whose ONS codes are E54",  # noqa: E501
            )
        ],
    ),
    (
        {"source": "place:bad-district", "registry": "place:gss-E08000010", "gss": ["E54000007"], "note": "x"},
        [
            (
                "RegistryCodeOfRightKind",
                GSS,
                code("E54000007", "GSSCode"),
                "E54000007 is an E54 code (STP/ICB), but place:gss-E08000010 is a local authority district, whose ONS codes are E08",  # noqa: E501
            )
        ],
    ),
    (
        {"source": "partnership:bad-owner", "registry": "partnership:ods-QR1", "gss": ["E54000007"], "note": "x"},
        [
            (
                "RegistryCodeOfRightKind",
                GSS,
                code("E54000007", "GSSCode"),
                "E54000007 belongs to partnership:ods-QOP in the extracts, not to partnership:ods-QR1",
            )
        ],
    ),
    (
        {"source": "partnership:bad-trust-code", "registry": "partnership:ods-QR1", "ods": ["RW6"], "note": "x"},
        [
            (
                "RegistryCodeOfRightKind",
                ODS,
                code("RW6", "ODSCode"),
                "RW6 is the ODS code of an NHS trust (organisation:ods-RW6), but partnership:ods-QR1 is an STP/ICB",
            )
        ],
    ),
    (
        {"source": "partnership:bad-unresolved", "registry": "partnership:ods-QZZ", "note": "x"},
        [
            (
                "RegistryLinkResolves",
                REGISTRY_ENTITY,
                f"<{PARTNERSHIP}ods-QZZ>",
                f"registry entity {PARTNERSHIP}ods-QZZ is not in the imported registry data (data/registries/)",
            )
        ],
    ),
    (
        {
            "source": "partnership:bad-too-early",
            "registry": "partnership:ods-QOP",
            "gss": ["E54000057"],
            "valid_on": "2018-05-24",
            "note": "x",
        },
        [
            (
                "RegistryLinkWithinVintageDates",
                VALID_ON,
                date("2018-05-24"),
                window(
                    "partnership/bad-too-early",
                    "partnership/ods-QOP",
                    "2018-05-24",
                    "E54000057 is not in vintage 2021-04 (from 2021-04-01) and first appears in vintage 2022-07, so it did not exist yet on 2018-05-24",  # noqa: E501
                ),
            )
        ],
    ),
    (
        {
            "source": "partnership:bad-too-late",
            "registry": "partnership:gss-E54000047",
            "gss": ["E54000047"],
            "valid_on": "2020-06-01",
            "note": "x",
        },
        [
            (
                "RegistryLinkWithinVintageDates",
                VALID_ON,
                date("2020-06-01"),
                window(
                    "partnership/bad-too-late",
                    "partnership/gss-E54000047",
                    "2020-06-01",
                    "E54000047 is last held in vintage 2017/18 and is gone from vintage 2018 (by 2018-12-31), so it was no longer in use on 2020-06-01",  # noqa: E501
                ),
            )
        ],
    ),
    (
        {
            "source": "organisation:bad-closed",
            "registry": "organisation:ods-RW6",
            "ods": ["RW6"],
            "valid_on": "2022-01-01",
            "note": "x",
        },
        [
            (
                "RegistryLinkWithinVintageDates",
                VALID_ON,
                date("2022-01-01"),
                window(
                    "organisation/bad-closed",
                    "organisation/ods-RW6",
                    "2022-01-01",
                    "RW6 (organisation:ods-RW6) closed on 2021-09-30, before 2022-01-01",
                ),
            )
        ],
    ),
    (
        {
            "source": "organisation:bad-opened",
            "registry": "organisation:ods-R0D",
            "ods": ["R0D"],
            "valid_on": "2019-01-01",
            "note": "x",
        },
        [
            (
                "RegistryLinkWithinVintageDates",
                VALID_ON,
                date("2019-01-01"),
                window(
                    "organisation/bad-opened",
                    "organisation/ods-R0D",
                    "2019-01-01",
                    "R0D (organisation:ods-R0D) opened on 2020-10-01, after 2019-01-01",
                ),
            )
        ],
    ),
]

# Codes on a source-document entity (not a registry link): the one no extract holds fails, QOP is fine. A registry
# record that merges two extracts, and one whose parent record is another entity's (shapes/registry-records.ttl).
BAD_CODES = """\
PREFIX extract: <https://w3id.org/icskg/id/extract/>
PREFIX icskg: <https://w3id.org/icskg/ontology#>
PREFIX partnership: <https://w3id.org/icskg/id/partnership/>
PREFIX record: <https://w3id.org/icskg/id/record/>

partnership:somewhere
    icskg:gssCode "E54000998"^^icskg:GSSCode ;
    icskg:odsCode "QOP"^^icskg:ODSCode ;
.

record:two-extracts
    a icskg:RegistryRecord ;
    icskg:extract extract:stp_2017_18_44_codes_names_from_thf , extract:strategyunit_stp18_codes_names ;
    icskg:nameAsStated "Greater Manchester" ;
    icskg:recordOf partnership:ods-QOP ;
.

record:wrong-parent-record
    a icskg:RegistryRecord ;
    icskg:extract extract:nhsd_ods_etr_trusts_2022-03 ;
    icskg:parent partnership:ods-QOP ;
    icskg:parentRecord record:ons_stp21_codes_names_apr2021--ods-QR1 ;
    icskg:recordOf <https://w3id.org/icskg/id/organisation/ods-RW6> ;
.
"""
SOMEWHERE = f"<{PARTNERSHIP}somewhere>"
TWO_EXTRACTS = f"<{ID}record/two-extracts>"
WRONG_PARENT = f"<{ID}record/wrong-parent-record>"


def line_of(subject: str) -> int:
    """The line of BAD_CODES where `subject` is described (where a result about it points)."""
    return BAD_CODES.splitlines().index(subject) + 1


def link_node(link: dict) -> str:
    prefix, _, local = link["source"].partition(":")
    return f"<{LINK}{prefix}-{local}>"


def with_links(root: Path, links: list[dict]) -> None:
    path = root / "registries" / "links.yaml"
    spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    spec["links"] += links
    path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")


@pytest.fixture(scope="module")
def bad_repo(tmp_path_factory, landscape) -> Path:
    """A repository copy whose links.yaml holds every kind of bad link (links.ttl written from it as the import
    writes it; the other registry files are the committed ones), and a data file that gives a source-document
    entity a code no extract holds."""
    root = registry_copy(tmp_path_factory.mktemp("bad-links"))
    with_links(root, [link for link, _ in BAD_LINKS])
    (root / "data" / "bad-codes.ttl").write_text(BAD_CODES, encoding="utf-8")
    links, head, _unlinked = links_graph(root, landscape)
    (root / "data" / "registries" / "links.ttl").write_text(canonical_turtle(links, head), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def bad_report(bad_repo):
    return validate(Settings.load(root=bad_repo, sources=SOURCES))


@pytest.mark.parametrize("link, expected", BAD_LINKS, ids=[link["source"] for link, _ in BAD_LINKS])
def test_each_kind_of_bad_link_fails_with_its_message(bad_report, link, expected):
    focus = link_node(link)
    found = [r for r in bad_report.results if r.focus == focus and r.severity == "Violation"]
    assert sorted((r.shape_name, r.path, r.value, r.message) for r in found) == [
        (f"shape:{shape}", path, value, message) for shape, path, value, message in expected
    ]
    assert {r.file for r in found} == {"data/registries/links.ttl"}
    assert all(r.line and r.line > 0 for r in found)


def test_a_code_on_a_source_entity_must_be_in_an_extract(bad_report):
    found = [
        (r.file, r.line, r.shape_name, r.path, r.value, r.message) for r in bad_report.results if r.focus == SOMEWHERE
    ]
    assert found == [
        (
            "data/bad-codes.ttl",
            line_of("partnership:somewhere"),
            "shape:RegistryCodeInExtract",
            GSS,
            code("E54000998", "GSSCode"),
            "gss code E54000998 is in no registry extract (registries/)",
        )
    ]


def test_a_record_of_two_extracts_or_of_the_wrong_parent_fails(bad_report, repo_root):
    found = [
        (r.file, r.line, r.shape_name, r.path, r.message)
        for r in bad_report.results
        if r.focus in (TWO_EXTRACTS, WRONG_PARENT)
    ]
    assert sorted(found) == [
        (
            "data/bad-codes.ttl",
            line_of("record:two-extracts"),
            "shape:RegistryRecord-extract",
            f"<{ICSKG}extract>",
            "a registry record says what exactly one icskg:RegistryExtract says (icskg:extract): records are never "
            "merged across extracts",
        ),
        (
            "data/bad-codes.ttl",
            line_of("record:wrong-parent-record"),
            "shape:RegistryParentRecord",
            f"<{ICSKG}parentRecord>",
            f"the parent record {ID}record/ons_stp21_codes_names_apr2021--ods-QR1 is a record of {PARTNERSHIP}ods-QR1, "
            f"not of this record's parent {PARTNERSHIP}ods-QOP",
        ),
    ]
    extract = repo_root / "data" / "registries" / "extracts.ttl"
    assert "extract:stp_2017_18_44_codes_names_from_thf" in extract.read_text(encoding="utf-8")


def test_only_the_bad_links_and_codes_fail(bad_report, report):
    registry = [r for r in bad_report.results if r.shape_name.removeprefix("shape:") in REGISTRY_SHAPES]
    expected = sum(1 for _link, results in BAD_LINKS for shape, *_ in results if shape in REGISTRY_SHAPES) + 1
    assert len(registry) == expected
    assert {r.focus for r in registry} == {link_node(link) for link, _ in BAD_LINKS} | {SOMEWHERE}
    assert not bad_report.conforms and report.conforms
    assert not [r for r in report.results if r.shape_name.startswith("shape:Registry")], "the repository conforms"


def test_links_check_and_validate_report_them(bad_repo, bad_report):
    env = {"ICSKG_SOURCES": str(SOURCES)}
    result = run("--root", str(bad_repo), "links", "check", env=env)
    assert result.exit_code == 1, result.output
    lines = result.stdout.splitlines()
    registry = [r for r in bad_report.results if r.shape_name.removeprefix("shape:") in REGISTRY_SHAPES]
    for r in registry:
        focus = r.focus.removeprefix(f"<{ID}").removesuffix(">").replace("/", ":", 1)
        assert f"error: {r.file}:{r.line}: {focus}: {r.message}" in lines
    assert lines[-1] == f"{len(registry)} problem(s)"
    for link, _ in BAD_LINKS:  # none of the bad links' sources is described in data/
        assert f"warning: {link['source']} is not described in data/ (yet): its link waits for it" in lines
    assert "out of date" not in result.stdout
    result = run("--root", str(bad_repo), "validate", env=env)
    assert result.exit_code == 1, result.output
    for r in registry:
        assert r.message in result.stdout


def test_a_stale_links_file_fails(tmp_path):
    root = registry_copy(tmp_path)
    with_links(root, [BAD_LINKS[0][0]])  # links.yaml changed, import not re-run
    result = run("--root", str(root), "links", "check", env={"ICSKG_SOURCES": str(SOURCES)})
    assert result.exit_code == 1, result.output
    assert result.stdout.splitlines() == [
        "warning: partnership:bad-unknown is not described in data/ (yet): its link waits for it",
        "error: data/registries/links.ttl is out of date with registries/links.yaml: run `icskg registries import`",
        "1 problem(s)",
    ]


def test_suggest_proposes_matches_across_vintages_and_writes_nothing():
    before = {p: p.stat().st_mtime_ns for p in DATA.glob("*.ttl")}
    found = suggest(ROOT, "West Yorkshire and Harrogate Health and Care Partnership")
    assert str(found[0]["entity"]) == PARTNERSHIP + "ods-QWO" and found[0]["score"] == 1.0
    assert {"E54000005", "E54000054", "QWO"} <= found[0]["codes"]
    assert str(suggest(ROOT, "Salford Royal NHS Foundation Trust")[0]["entity"]) == ORGANISATION + "ods-RM3"
    # no partnership is Greater Nottingham: the only candidate is the district of Nottingham, at half a match
    assert [(str(e["entity"]), e["score"]) for e in suggest(ROOT, "Greater Nottingham")] == [
        (ID + "place/gss-E06000018", 0.5)
    ]
    assert str(suggest(ROOT, "Wigan")[0]["entity"]) == ID + "place/gss-E08000010"
    assert suggest(ROOT, "The King's Fund") == []
    assert before == {p: p.stat().st_mtime_ns for p in DATA.glob("*.ttl")}


def test_links_suggest_command(repo_root):
    result = run("--root", str(repo_root), "links", "suggest", "Salford Royal NHS Foundation Trust")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:2] == [
        f"1.00  <{ORGANISATION}ods-RM3>  Q7404388, Q87764345, RM3  "
        "SALFORD ROYAL NHS FOUNDATION TRUST (c2015, 2020-04); Salford Royal NHS Foundation Trust (2017/18)",
        f"1.00  <{ORGANISATION}ror-019j78370>  Q7404388  Salford Royal NHS Foundation Trust (v1.73)",
    ]
    result = run("--root", str(repo_root), "links", "suggest", "The King's Fund")
    assert result.exit_code == 0, result.output
    assert result.stdout == 'no registry name matches "The King\'s Fund" (after normalisation)\n'
