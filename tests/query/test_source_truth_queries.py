"""The stored queries of issue 15 (saying exactly what each source says), each checked on the repository's data
against the source texts: who counts the devolved systems as ICSs, every source's version of a count, planned and
stated status changes, editorial against sourced facts, identity decisions, typed roles in events, list items."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

ID = "https://w3id.org/icskg/id/"
VOCAB = "https://w3id.org/icskg/vocab/"
ICSKG = "https://w3id.org/icskg/ontology#"


def by_file(rows, *columns):
    found = defaultdict(set)
    for row in rows:
        found[row["file"][:3]].add(tuple(row[c] for c in columns) if len(columns) > 1 else row[columns[0]])
    return dict(found)


def test_which_sources_count_the_devolved_systems_as_icss(kg):
    rows = kg.query("devolved_counted_as_ics")
    counted = by_file(rows, "how", "countedAsIcs")
    # 001: "10 ... ICSs, including two devolved areas" (yes), "eight ICSs ... plus two devolved ... systems" (no),
    # and no status of ICS for either system; 002 "the devolved ICSs"; 004 "have become ICSs through devolution".
    assert counted == {
        "001": {("count", True), ("count", False), ("status", False)},
        "002": {("status", True)},
        "004": {("status", True), ("change", True)},
    }
    named = {r["name"] for r in rows if r["name"] is not None}
    assert named == {"Greater Manchester", "Surrey Heartlands"}
    counts = {str(r["statement"]).rsplit("/", 1)[-1]: r["countedAsIcs"] for r in rows if r["how"] == "count"}
    assert counts == {"001-c03": True, "001-c07": False}


def test_every_sources_version_of_the_ics_count_side_by_side(kg):
    rows = kg.query("count_versions_by_source")
    assert by_file(rows, "quantity", "quantityAsStated") == {
        "000": {(Decimal(10), "10")},
        "001": {(Decimal(10), "10"), (Decimal(8), "eight")},
        "003": {(Decimal(8), "eight or 10"), (Decimal(10), "eight or 10")},
    }
    shadow = [r for r in rows if r["file"].startswith("000")]
    assert {str(r["counts"]) for r in shadow} == {VOCAB + "partnership-kind/shadow-ics"}, "narrower kinds count too"
    assert {r["attributedTo"] for r in rows if r["file"].startswith("003")} == {"Chris Hopson"}
    stps = kg.query("count_versions_by_source", kind=VOCAB + "partnership-kind/stp")
    chosen = [r for r in stps if str(r["modality"]) == VOCAB + "modality/chosen"]
    assert [(r["file"][:3], r["quantity"], r["unit"]) for r in chosen] == [
        ("004", Decimal(14), "STPs chosen to become ICSs")
    ]
    assert {(r["file"][:3], r["quantity"]) for r in stps if r["modality"] is None} >= {
        ("001", Decimal(44)),
        ("004", Decimal(44)),
    }
    devolved = kg.query("count_versions_by_source", kind=VOCAB + "partnership-kind/devolved-system")
    assert {
        (str(r["statement"]).rsplit("/", 1)[-1], r["within"] is not None, r["beside"] is not None) for r in devolved
    } == {
        ("001-c03", True, False),
        ("001-c07", False, True),
    }


def test_plans_to_become_icss_are_status_changes_not_statuses(kg):
    rows = kg.query("status_changes")
    modality = {(r["file"][:3], r["nameAsStated"]): str(r["modality"]).rsplit("/", 1)[-1] for r in rows}
    four = {"Gloucestershire STP", "Suffolk and North East Essex STP", "West, North and East Cumbria STP"}
    four.add("West Yorkshire and Harrogate STP")
    assert {name for (file, name), m in modality.items() if file == "000" and m == "planned"} == four
    assert {name for (file, name), m in modality.items() if file == "001" and m == "announced"} == four
    assert {name for (file, name), m in modality.items() if m == "stated"} == {
        "Greater Manchester",
        "Surrey Heartlands",
    }
    assert {r["targetDateAsStated"] for r in rows if r["file"].startswith("001")} == {"2018/19"}
    # A plan classifies nothing: of the four, only West Yorkshire and Harrogate is an ICS, by 004's own status.
    kinds = kg.sparql(
        """
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX partnershipkind: <https://w3id.org/icskg/vocab/partnership-kind/>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?name WHERE { ?p org:classification partnershipkind:ics ; skos:prefLabel ?name }
        """
    )
    assert {r["name"] for r in kinds} & four == {"West Yorkshire and Harrogate STP"}


def test_editorial_facts_are_told_from_sourced_ones(kg):
    editorial = kg.query("editorial_facts", editorial=True)
    sourced = kg.query("editorial_facts", editorial=False)
    assert editorial and sourced and {r["basis"] for r in editorial} == {"editorial"}
    assert "editorial" not in {r["basis"] for r in sourced}
    think_tanks = {
        str(r["subject"]).rsplit("/", 1)[-1]
        for r in editorial
        if str(r["value"]) == VOCAB + "organisation-kind/think-tank"
    }
    assert think_tanks == {"kings-fund", "nuffield-trust"}
    assert all(r["note"] for r in editorial) and all(r["file"] is None for r in editorial)
    trust = [r for r in sourced if str(r["subject"]) == ID + "organisation/pennine-acute-hospitals-nhs-trust"]
    assert [(r["basis"], r["file"], r["excerpt"]) for r in trust] == [
        ("source", "001_b4ee659c7ae7ce16.txt", "The Pennine Acute Hospitals NHS Trust")
    ]
    notes = {str(r["subject"]).rsplit("/", 1)[-1] for r in editorial if str(r["property"]).endswith("#editorialNote")}
    assert notes == {"stp", "ccg"}
    assert len(kg.query("editorial_facts")) == len(editorial) + len(sourced)


def test_identity_decisions_name_their_method_and_evidence(kg):
    rows = kg.query("identity_decisions", entity=ID + "partnership/west-yorkshire-and-harrogate")
    assert {str(r["method"]) for r in rows} == {VOCAB + "identity-method/registry-name"}
    assert {r["nameAsStated"] for r in rows} == {
        "West Yorkshire and Harrogate STP",
        "West Yorkshire and Harrogate Health and Care Partnership",
    }
    assert ID + "extract/ons_stp21_codes_names_apr2021" in {str(r["evidence"]) for r in rows}
    every = {str(r["entity"]).rsplit("/", 1)[-1] for r in kg.query("identity_decisions")}
    assert {"greater-manchester", "nhs-improvement", "ics-second-wave-selection"} <= every
    assert not every & {"greater-nottingham", "nottingham-and-nottinghamshire"}, "no decision joins these two"


def test_who_did_what_in_an_event_according_to_each_source(kg):
    rows = kg.query("event_roles")
    second = {
        (r["file"][:3], str(r["role"]).removeprefix(ICSKG), r["agentName"])
        for r in rows
        if str(r["event"]) == ID + "event/ics-second-wave-selection"
    }
    assert second == {
        ("000", "selectedBy", "NHS Improvement"),
        ("001", "announcedBy", "NHS Improvement"),
        ("001", "announcedBy", "NHS England"),
    }
    launched = {(r["file"][:3], r["agentName"]) for r in rows if str(r["role"]) == ICSKG + "launchedBy"}
    assert launched == {("004", "NHS England")}
    hosts = {r["eventLabel"]: r["agentName"] for r in rows if str(r["role"]) == ICSKG + "hostedBy"}
    assert hosts["Westminster Health Forum event"] == "Westminster Health Forum"
    assert hosts["NHS Improvement (NHSI) board meeting"] == "NHS Improvement"


def test_lists_are_items_linked_to_the_vocabulary(kg):
    rows = kg.query("list_items_naming")
    assert {(r["file"][:3], r["itemAsStated"]) for r in rows} == {
        ("001", "Delivering more care through re-designed community and home-based services, including partnerships "
         "with the social care, voluntary and community sector"),
        ("004", "voluntary and community"),
        ("004", "voluntary and community sectors"),
    }  # fmt: skip
    groups = kg.query("list_items_naming", refersTo=VOCAB + "partnership-kind/hospital-group")
    assert [(r["ordinal"], str(r["statement"])) for r in groups] == [(4, ID + "statement/002-c01")]
