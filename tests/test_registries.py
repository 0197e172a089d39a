"""Registry import (issue 5): counts against the extracts, reproducibility, links, checks, shapes, queries."""

from __future__ import annotations

import shutil
from collections import Counter
from pathlib import Path

import pyshacl
import pytest
import yaml
from click.testing import CliRunner
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import RDF

from icskg.catalogue import load_query
from icskg.cli import main
from icskg.namespaces import ICSKG
from icskg.params import bind
from icskg.registries import check_graph, check_repository, import_registries, suggest
from icskg.registries.landscape import load_landscape

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data" / "registries"
PARTNERSHIP = "https://w3id.org/icskg/id/partnership/"
ORGANISATION = "https://w3id.org/icskg/id/organisation/"


@pytest.fixture(scope="module")
def registry_graph() -> Graph:
    graph = Graph()
    for path in sorted(DATA.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def landscape():
    return load_landscape(ROOT / "registries")


def run(graph: Graph, name: str, **params) -> list[dict]:
    query = load_query(ROOT / "queries" / f"{name}.rq")
    result = graph.query(query.text, initBindings=bind(query, params))
    return [{str(v): row[i] for i, v in enumerate(result.vars)} for row in result]


def entities_by_vintage(graph: Graph, kind_filter) -> Counter:
    counts: Counter = Counter()
    seen = set()
    for record in graph.subjects(RDF.type, ICSKG.RegistryRecord):
        entity = graph.value(record, ICSKG.recordOf)
        if not kind_filter(graph, record, entity):
            continue
        for vintage in graph.objects(record, ICSKG.vintage):
            if (entity, str(vintage)) not in seen:
                seen.add((entity, str(vintage)))
                counts[str(vintage)] += 1
    return counts


def _is_partnership(graph, _record, entity):
    return (entity, RDF.type, ICSKG.Partnership) in graph


def _is_ccg(graph, record, _entity):
    code = graph.value(record, ICSKG.gssCode)
    return code is not None and str(code).startswith("E38")


def _is_trust(graph, record, entity):
    return graph.value(record, ICSKG.gssCode) is None and str(entity).startswith(ORGANISATION)


# --------------------------------------------------------------------------- counts match the extracts
def test_partnerships_by_vintage_match_the_lists(registry_graph):
    assert entities_by_vintage(registry_graph, _is_partnership) == {
        "2017/18": 44,
        "2018": 42,
        "2020-04": 42,
        "2021-04": 42,
        "2022-07": 42,
        "2023-04": 42,
        "2024-04": 42,
    }


def test_ccgs_and_sub_icb_locations_by_vintage_match_the_extracts(registry_graph):
    # postcodes.io: 195 and 191 English E38 codes; ONS lookups 135, 106, 106, 106 (SOURCES.md section 2)
    assert entities_by_vintage(registry_graph, _is_ccg) == {
        "2018-04": 195,
        "2019-04": 191,
        "2020-04": 135,
        "2021-04": 106,
        "2022-07": 106,
        "2024-04": 106,
    }


def test_trusts_by_extract_match_the_rows(registry_graph):
    # etr rows: c2015 241, 2020-04 227, 2022-03 218, 2025 273; THF 137 (SOURCES.md section 3)
    assert entities_by_vintage(registry_graph, _is_trust) == {
        "c2015": 241,
        "2017/18": 137,
        "2020-04": 227,
        "2022-03": 218,
        "2025": 273,
    }


def test_every_extract_has_its_provenance(registry_graph):
    extracts = set(registry_graph.subjects(RDF.type, ICSKG.RegistryExtract))
    assert len(extracts) >= 30
    ogl = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
    for extract in extracts:
        name = str(registry_graph.value(extract, ICSKG.extractFile))
        assert (ROOT / "registries" / name).is_file(), name
        assert len(str(registry_graph.value(extract, ICSKG.sha256))) == 64
        assert len(str(registry_graph.value(extract, ICSKG.commit))) == 40
        if not name.startswith("ror/"):
            assert (extract, URIRef("http://purl.org/dc/terms/license"), ogl) in registry_graph, name
            assert "Open Government Licence v3.0" in str(registry_graph.value(extract, ICSKG.attribution))


def test_every_imported_node_names_its_extract(registry_graph):
    missing = [
        s
        for s in set(registry_graph.subjects(RDF.type, None))
        if (s, RDF.type, ICSKG.RegistryExtract) not in registry_graph
        and (s, RDF.type, ICSKG.RegistryLink) not in registry_graph
        and registry_graph.value(s, ICSKG.extract) is None
    ]
    assert not missing, missing[:5]


def test_identity_and_events_follow_the_extracts(registry_graph, landscape):
    qop = URIRef(PARTNERSHIP + "ods-QOP")
    codes = {
        str(c) for r in registry_graph.subjects(ICSKG.recordOf, qop) for c in registry_graph.objects(r, ICSKG.gssCode)
    }
    assert codes == {"E54000007", "E54000057"}
    # the three northern STPs merged into E54000049 (QHM); their own identity is their E54 code
    merger = URIRef("https://w3id.org/icskg/id/event/merger-E54000045-E54000046-E54000047")
    assert (merger, RDF.type, ICSKG.Merger) in registry_graph
    assert registry_graph.value(merger, URIRef("http://www.w3.org/ns/org#resultingOrganization")) == URIRef(
        PARTNERSHIP + "ods-QHM"
    )
    # West Yorkshire E54000005 (2017/18, 2018) is QWO by name continuity with E54000054
    assert landscape.key_for_code("stp", "E54000005") == "ods-QWO"


# --------------------------------------------------------------------------- reproducible
def test_import_twice_gives_byte_identical_files(tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    import_registries(ROOT, first)
    result = import_registries(ROOT, second)
    names = sorted(p.name for p in first.glob("*.ttl"))
    assert names == sorted(p.name for p in second.glob("*.ttl")) and "links.ttl" in names
    for name in names:
        assert (first / name).read_bytes() == (second / name).read_bytes(), name
        assert (first / name).read_bytes() == (DATA / name).read_bytes(), f"data/registries/{name} is stale: re-import"
    assert result.triples > 0


# --------------------------------------------------------------------------- links
def test_links_check_passes_on_the_repository():
    problems, _warnings = check_repository(ROOT)
    assert problems == []


def test_links_cover_the_brief(registry_graph):
    rows = {str(r["entity"]): r for r in run(registry_graph, "registry_links")}
    assert str(rows[PARTNERSHIP + "greater-manchester"]["registryEntity"]) == PARTNERSHIP + "ods-QOP"
    assert "E54000047" in str(rows[PARTNERSHIP + "west-north-and-east-cumbria"]["codes"])
    assert "Q7404388" in str(rows[ORGANISATION + "salford-royal-nhs-foundation-trust"]["codes"])
    assert "Q7163433" in str(rows[ORGANISATION + "pennine-acute-hospitals-nhs-trust"]["codes"])
    assert "Q19382273" in str(rows[ORGANISATION + "nhs-england"]["codes"])
    assert "Q6970828" in str(rows[ORGANISATION + "national-audit-office"]["codes"])
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


def _bad_repo(tmp_path: Path, extra_links: list[dict]) -> Path:
    root = tmp_path / "repo"
    for folder in ("ontology", "data", "registries", "shapes"):
        shutil.copytree(ROOT / folder, root / folder)
    (root / "queries").mkdir()
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    spec_path = root / "registries" / "links.yaml"
    spec = yaml.safe_load(spec_path.read_text(encoding="utf-8"))
    spec["links"] += extra_links
    spec_path.write_text(yaml.safe_dump(spec, sort_keys=False), encoding="utf-8")
    return root


BAD_LINKS = [
    (
        {"source": "partnership:bad-unknown", "registry": "partnership:ods-QR1", "gss": ["E54000999"], "note": "x"},
        "E54000999 is in no registry extract",
    ),
    (
        {"source": "partnership:bad-kind", "registry": "partnership:ods-QR1", "gss": ["E38000068"], "note": "x"},
        "E38000068 is an E38 code (CCG or sub-ICB location), but partnership:ods-QR1 is an STP/ICB, whose ONS codes are E54",  # noqa: E501
    ),
    (
        {"source": "partnership:bad-owner", "registry": "partnership:ods-QR1", "gss": ["E54000007"], "note": "x"},
        "E54000007 belongs to partnership:ods-QOP in the extracts, not to partnership:ods-QR1",
    ),
    (
        {
            "source": "partnership:bad-too-early",
            "registry": "partnership:ods-QOP",
            "gss": ["E54000057"],
            "valid_on": "2018-05-24",
            "note": "x",
        },
        "E54000057 is not in vintage 2021-04 (from 2021-04-01) and first appears in vintage 2022-07, so it did not exist yet on 2018-05-24",  # noqa: E501
    ),
    (
        {
            "source": "partnership:bad-too-late",
            "registry": "partnership:gss-E54000047",
            "gss": ["E54000047"],
            "valid_on": "2020-06-01",
            "note": "x",
        },
        "E54000047 is last held in vintage 2017/18 and is gone from vintage 2018 (by 2018-12-31), so it was no longer in use on 2020-06-01",  # noqa: E501
    ),
    (
        {
            "source": "organisation:bad-closed",
            "registry": "organisation:ods-RW6",
            "ods": ["RW6"],
            "valid_on": "2022-01-01",
            "note": "x",
        },
        "RW6 (organisation:ods-RW6) closed on 2021-09-30, before 2022-01-01",
    ),
]


def test_each_kind_of_bad_link_fails_with_its_message(tmp_path):
    root = _bad_repo(tmp_path, [link for link, _ in BAD_LINKS])
    import_registries(root)
    problems, _warnings = check_repository(root)
    messages = [p.message for p in problems]
    for _link, expected in BAD_LINKS:
        assert any(expected in m for m in messages), (expected, messages)
    assert len(problems) == len(BAD_LINKS), messages
    outcome = CliRunner().invoke(main, ["--root", str(root), "links", "check"])
    assert outcome.exit_code == 1 and "E54000999 is in no registry extract" in outcome.output


def test_a_stale_links_file_fails(tmp_path):
    root = _bad_repo(tmp_path, [BAD_LINKS[0][0]])  # links.yaml changed, import not re-run
    problems, _warnings = check_repository(root)
    assert any("out of date with registries/links.yaml" in p.message for p in problems)


def test_validate_rule_catches_a_code_given_on_a_source_entity(registry_graph):
    graph = Graph()
    graph += registry_graph
    bad = URIRef(PARTNERSHIP + "somewhere")
    graph.add((bad, ICSKG.gssCode, Literal("E54000998", datatype=ICSKG.GSSCode)))
    graph.add((bad, ICSKG.odsCode, Literal("QOP", datatype=ICSKG.ODSCode)))
    messages = [p.message for p in check_graph(graph) if p.focus == bad]
    assert messages == ["gss code E54000998 is in no registry extract (registries/)"]


def test_suggest_proposes_matches_across_vintages_and_writes_nothing():
    before = {p: p.stat().st_mtime_ns for p in DATA.glob("*.ttl")}
    found = suggest(ROOT, "West Yorkshire and Harrogate Health and Care Partnership")
    assert str(found[0]["entity"]) == PARTNERSHIP + "ods-QWO" and found[0]["score"] == 1.0
    assert {"E54000005", "E54000054", "QWO"} <= found[0]["codes"]
    assert str(suggest(ROOT, "Salford Royal NHS Foundation Trust")[0]["entity"]) == ORGANISATION + "ods-RM3"
    assert suggest(ROOT, "Greater Nottingham") == []
    assert before == {p: p.stat().st_mtime_ns for p in DATA.glob("*.ttl")}


# --------------------------------------------------------------------------- shapes
def _shapes() -> Graph:
    shapes = Graph()
    shapes.parse(ROOT / "shapes" / "registry-records.ttl", format="turtle")
    return shapes


def test_imported_data_conforms_to_the_registry_shapes(registry_graph):
    conforms, _report, text = pyshacl.validate(registry_graph, shacl_graph=_shapes(), inference="none")
    assert conforms, text[:2000]


# --------------------------------------------------------------------------- queries
def test_partnership_codes_query(registry_graph):
    rows = run(registry_graph, "registry_partnership_codes", vintage="2017/18")
    assert len({r["partnership"] for r in rows}) == 44
    gm = [r for r in run(registry_graph, "registry_partnership_codes", partnership=PARTNERSHIP + "ods-QOP")]
    assert {(str(r["vintage"]), str(r["gss"])) for r in gm} >= {("2017/18", "E54000007"), ("2022-07", "E54000057")}


def test_ccgs_of_partnership_query(registry_graph):
    rows = run(registry_graph, "registry_ccgs_of_partnership", partnership=PARTNERSHIP + "ods-QOP", vintage="2021-04")
    assert len(rows) == 10  # the ten Greater Manchester CCGs of April 2021
    assert "NHS Bolton CCG" in {str(r["name"]) for r in rows}


def test_trusts_of_partnership_query(registry_graph):
    rows = run(registry_graph, "registry_trusts_of_partnership", partnership=PARTNERSHIP + "ods-QOP", vintage="2017/18")
    codes = {str(r["ods"]) for r in rows}
    assert {"RM3", "RW6"} <= codes


def test_successor_chain_query(registry_graph):
    rows = run(registry_graph, "registry_successor_chain", organisation=ORGANISATION + "ods-RW6")
    steps = {(str(r["to"]).rsplit("/", 1)[-1], str(r["date"])) for r in rows}
    assert {("ods-RM3", "2021-10-01"), ("ods-R0A", "2021-10-01")} <= steps
