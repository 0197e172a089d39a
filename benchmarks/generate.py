"""Generate a synthetic integrated-care landscape that uses the icskg ontology the way real data does.

The landscape follows docs/modelling.md: source documents, partnerships with kinds and dated, waved
icskg:PartnershipStatus nodes, organisations with kinds and typed registry codes, people with
icskg:Appointment posts, events, cited documents, quotes (speaker, speaker's post, verbatim text),
claims with quantities, reported statements, recommendations, memberships, change events and
registry extracts. Every node except the source documents and registry extracts themselves has
prov:wasDerivedFrom (or its sub-property icskg:extract) pointing at the document it came from.

The landscape grows one source document at a time, each adding the facts a real article yields
(statuses, posts, quotes, claims, events) and mentioning new or already known partnerships,
organisations and people, until the target number of data triples is reached. Output is
deterministic for a given seed and target: no set iteration, no clock, no hash randomisation.

    .venv/bin/python benchmarks/generate.py --triples 100k [--seed 1] [OUT_DIR]

writes Turtle files (one per area, like data/) and a manifest.json to OUT_DIR (default
benchmarks/out/<size>/). The ontology is not copied: load it from the repository's ontology/.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_OUT = HERE / "out"
GENERATOR_VERSION = 3

PREFIXES = {
    "claimtype": "https://w3id.org/icskg/vocab/claim-type/",
    "dcterms": "http://purl.org/dc/terms/",
    "document": "https://w3id.org/icskg/id/document/",
    "event": "https://w3id.org/icskg/id/event/",
    "extract": "https://w3id.org/icskg/id/extract/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "gss": "http://statistics.data.gov.uk/id/statistical-geography/",
    "icskg": "https://w3id.org/icskg/ontology#",
    "appointment": "https://w3id.org/icskg/id/appointment/",
    "membership": "https://w3id.org/icskg/id/membership/",
    "ods": "https://directory.spineservices.nhs.uk/ORD/2-0-0/organisations/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "organisation": "https://w3id.org/icskg/id/organisation/",
    "orgkind": "https://w3id.org/icskg/vocab/organisation-kind/",
    "partnership": "https://w3id.org/icskg/id/partnership/",
    "partnershipkind": "https://w3id.org/icskg/vocab/partnership-kind/",
    "person": "https://w3id.org/icskg/id/person/",
    "programme": "https://w3id.org/icskg/id/programme/",
    "quantity": "https://w3id.org/icskg/id/quantity/",
    "prov": "http://www.w3.org/ns/prov#",
    "role": "https://w3id.org/icskg/vocab/role/",
    "schema": "https://schema.org/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "source": "https://w3id.org/icskg/id/source/",
    "statement": "https://w3id.org/icskg/id/statement/",
    "status": "https://w3id.org/icskg/id/status/",
    "wave": "https://w3id.org/icskg/id/wave/",
    "wd": "http://www.wikidata.org/entity/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}

# One file per area, as data/ is laid out (docs/modelling.md, DESIGN.md "data/").
FILES = (
    "registries",
    "sources",
    "programmes",
    "partnerships",
    "organisations",
    "people",
    "appointments",
    "memberships",
    "statuses",
    "events",
    "documents",
    "statements",
)

OGL = "<https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/>"
DERIVED = "prov:wasDerivedFrom"
OBJECT_SEPARATOR = " ,\n        "

# Controlled vocabularies: concepts of ontology/concepts.ttl.
PARTNERSHIP_KINDS = {  # kind -> name suffix
    "stp": "Sustainability and Transformation Partnership",
    "health-and-care-partnership": "Health and Care Partnership",
    "accountable-care-system": "Accountable Care System",
    "hospital-group": "Hospital Group",
    "primary-care-network": "Primary Care Network",
    "integrated-provider-partnership": "Integrated Care Partnership",
    "vanguard": "Vanguard",
    "devolved-system": "Health and Social Care Partnership",
}
STATUS_KINDS = ("stp", "shadow-ics", "ics", "devolved-system")
ORG_KINDS = (  # kind, weight, name suffix
    ("ccg", 25, "Clinical Commissioning Group"),
    ("nhs-trust", 12, "NHS Trust"),
    ("foundation-trust", 14, "NHS Foundation Trust"),
    ("community-health-provider", 4, "Community Health Services NHS Trust"),
    ("local-authority", 15, "Council"),
    ("voluntary-sector", 6, "Voluntary Action"),
    ("professional-practice", 6, "Medical Practice"),
    ("nhs-group", 2, "NHS Group"),
    ("think-tank", 3, "Institute"),
    ("membership-body", 3, "Confederation"),
    ("publisher", 3, "Media"),
    ("academic-health-science-network", 2, "Academic Health Science Network"),
    ("regulator", 1, "Quality Authority"),
    ("national-body", 2, "Improvement Agency"),
    ("audit-body", 1, "Audit Office"),
)
ROLES = (  # role, post as a source words it
    ("chief-executive", "chief executive"),
    ("chair", "chair"),
    ("accountable-officer", "accountable officer"),
    ("ics-lead", "ICS lead"),
    ("clinical-lead", "clinical lead"),
    ("head-of-strategy", "head of strategy"),
    ("senior-fellow", "senior fellow"),
    ("general-practitioner", "GP"),
    ("lead", "programme lead"),
    ("partner", "partner"),
    ("consultant", "consultant"),
)
CLAIM_TYPES = (  # claim type, unit, quantity range
    ("stp-count", "STPs", (40, 48)),
    ("ics-count", "ICSs", (8, 42)),
    ("ccg-count", "CCGs", (100, 211)),
    ("budget", "GBP", (10_000_000, 6_000_000_000)),
    ("population", "patients", (50_000, 3_000_000)),
    ("staff-count", "staff", (500, 30_000)),
    ("progress", "partnerships", (2, 44)),
    ("ics-coverage-target", None, None),
    ("policy", None, None),
    ("history", None, None),
    ("definition", None, None),
)
QUALIFIERS = ("exactly", "more than", "over", "about", "at most", "one of")
EVENT_CLASSES = ("Announcement", "WaveSelection", "Meeting", "Forum", "Publication")
EVENT_ROLES = {  # the typed role of the organisation behind each kind of event (issue 15)
    "Announcement": "icskg:announcedBy",
    "WaveSelection": "icskg:selectedBy",
    "Meeting": "icskg:hostedBy",
    "Forum": "icskg:hostedBy",
    "Publication": "icskg:publishedBy",
}
DOC_TYPES = ("news article", "analysis", "magazine feature", "report", "briefing")

ROOTS = (
    "Ash",
    "Bram",
    "Cal",
    "Dun",
    "Elm",
    "Fen",
    "Gar",
    "Hol",
    "Kin",
    "Lang",
    "Mar",
    "Nor",
    "Oak",
    "Pen",
    "Ross",
    "Sal",
    "Thorn",
    "Wel",
    "York",
    "Brad",
    "Chel",
    "Dor",
    "Har",
    "Lyn",
    "Mel",
    "Stan",
    "Tew",
)
STEMS = ("ham", "by", "ford", "wick", "ton", "bury", "mouth", "field", "ley", "worth", "chester", "stead", "dale")
QUARTERS = ("", "", "", "North ", "South ", "East ", "West ", "Upper ", "Greater ")
GIVEN = (
    "Amanda",
    "Ben",
    "Chris",
    "David",
    "Elaine",
    "Fiona",
    "Graham",
    "Helen",
    "Ian",
    "Julia",
    "Karen",
    "Liam",
    "Mark",
    "Nicola",
    "Owen",
    "Priya",
    "Rachel",
    "Simon",
    "Tom",
    "Una",
    "Victor",
    "Wendy",
    "Yusuf",
    "Zoe",
)
FAMILY = (
    "Ahmed",
    "Barlow",
    "Campbell",
    "Dixon",
    "Evans",
    "Fletcher",
    "Gordon",
    "Hughes",
    "Iqbal",
    "Jones",
    "Khan",
    "Lawson",
    "Mackey",
    "Newton",
    "Osei",
    "Patel",
    "Quinn",
    "Roberts",
    "Stevens",
    "Taylor",
    "Upton",
    "Vaughan",
    "Walker",
    "Young",
)
WORDS = (
    "we",
    "have",
    "to",
    "work",
    "together",
    "across",
    "the",
    "system",
    "for",
    "patients",
    "and",
    "staff",
    "integration",
    "is",
    "not",
    "an",
    "end",
    "in",
    "itself",
    "but",
    "it",
    "will",
    "help",
    "us",
    "deliver",
    "better",
    "care",
    "closer",
    "home",
    "our",
    "partners",
    "local",
    "government",
    "budget",
    "pressure",
    "this",
    "year",
    "more",
    "than",
    "ever",
    "place",
    "population",
    "health",
    "funding",
    "primary",
    "community",
    "services",
    "hospital",
    "trust",
    "commissioners",
    "plan",
    "national",
    "freedom",
)


@dataclass
class Manifest:
    """What was generated: enough to reproduce it and to know whether a cached copy still fits."""

    generator_version: int
    seed: int
    target_triples: int
    triples: int
    documents: int
    files: dict[str, int] = field(default_factory=dict)
    nodes: dict[str, int] = field(default_factory=dict)
    seconds: float = 0.0

    def same_request(self, other: Manifest) -> bool:
        return (self.generator_version, self.seed, self.target_triples) == (
            other.generator_version,
            other.seed,
            other.target_triples,
        )


def parse_size(text: str) -> int:
    """'10k' -> 10000, '1m' -> 1000000, '2500' -> 2500."""
    text = text.strip().lower().replace("_", "")
    factor = 1
    if text.endswith("k"):
        factor, text = 1_000, text[:-1]
    elif text.endswith("m"):
        factor, text = 1_000_000, text[:-1]
    value = int(float(text) * factor)
    if value <= 0:
        raise ValueError(f"size must be positive: {text!r}")
    return value


def size_label(n: int) -> str:
    if n % 1_000_000 == 0:
        return f"{n // 1_000_000}m"
    if n % 1_000 == 0:
        return f"{n // 1_000}k"
    return str(n)


def lit(text: str) -> str:
    """A plain string literal in Turtle, escaped."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\r", "\\r")
    return f'"{escaped}"'


def typed(lexical: str, datatype: str) -> str:
    return f'"{lexical}"^^{datatype}'


def slugify(name: str) -> str:
    """Lower-case, hyphenated, like the repository's entity slugs ('Surrey Heartlands' -> 'surrey-heartlands')."""
    return "-".join("".join(c if c.isalnum() else " " for c in name.lower()).split())


def base36(n: int, width: int) -> str:
    digits = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    out = ""
    for _ in range(width):
        n, r = divmod(n, 36)
        out = digits[r] + out
    return out


class Landscape:
    """The triples, grouped by file and subject (insertion-ordered, duplicates ignored)."""

    def __init__(self, seed: int, target: int):
        self.rng = random.Random(seed)
        self.seed = seed
        self.target = target
        self.blocks: dict[str, dict[str, dict[tuple[str, str], None]]] = {name: {} for name in FILES}
        self.count = 0
        self.nodes: dict[str, int] = {}
        self.partnerships: list[str] = []
        self.organisations: list[str] = []
        self.trusts: list[str] = []
        self.publishers: list[str] = []
        self.national: list[str] = []
        self.people: list[str] = []
        self.periodicals: list[str] = []
        self.waves: list[str] = []
        self.names_used: set[str] = set()
        self.codes = {"E54": 0, "E38": 0, "E06": 0, "Q": 0, "R": 0, "C": 0, "wd": 19_000_000}
        self.documents = 0

    # -- output ------------------------------------------------------------------------------
    def add(self, file: str, subject: str, predicate: str, obj: str) -> None:
        block = self.blocks[file].setdefault(subject, {})
        if (predicate, obj) not in block:
            block[(predicate, obj)] = None
            self.count += 1

    def node(self, file: str, subject: str, cls: str, *pairs: tuple[str, str | None]) -> str:
        self.nodes[cls] = self.nodes.get(cls, 0) + 1
        self.add(file, subject, "a", cls)
        for predicate, obj in pairs:
            if obj is not None:
                self.add(file, subject, predicate, obj)
        return subject

    def write(self, out_dir: Path) -> dict[str, int]:
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in out_dir.glob("*.ttl"):
            old.unlink()
        header = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
        counts = {}
        for name, subjects in self.blocks.items():
            if not subjects:
                continue
            parts = [f"# Synthetic icskg landscape (benchmarks/generate.py, seed {self.seed}): {name}\n\n", header]
            n = 0
            for subject, pairs in subjects.items():
                parts.append(f"\n{subject}\n")
                by_predicate: dict[str, list[str]] = {}
                for predicate, obj in pairs:
                    by_predicate.setdefault(predicate, []).append(obj)
                    n += 1
                for predicate, objs in by_predicate.items():
                    parts.append(f"    {predicate} {OBJECT_SEPARATOR.join(objs)} ;\n")
                parts.append(".\n")
            (out_dir / f"{name}.ttl").write_text("".join(parts), encoding="utf-8")
            counts[f"{name}.ttl"] = n
        return counts

    # -- values ------------------------------------------------------------------------------
    def place(self) -> str:
        rng = self.rng
        return f"{rng.choice(QUARTERS)}{rng.choice(ROOTS)}{rng.choice(STEMS)}"

    def unique_name(self, make) -> str:
        for _ in range(50):
            name = make()
            if name not in self.names_used:
                break
        else:
            name = f"{make()} {len(self.names_used)}"
        self.names_used.add(name)
        return name

    def date(self, year_from: int = 2014, year_to: int = 2024) -> tuple[int, int, int]:
        rng = self.rng
        return rng.randint(year_from, year_to), rng.randint(1, 12), rng.randint(1, 28)

    def date_literal(self, ymd: tuple[int, int, int], precision: str | None = None) -> str:
        """A date at the precision a source gives: xsd:date, xsd:gYearMonth or xsd:gYear."""
        y, m, d = ymd
        precision = precision or self.rng.choices(("date", "gYearMonth", "gYear"), (6, 3, 1))[0]
        if precision == "date":
            return typed(f"{y:04d}-{m:02d}-{d:02d}", "xsd:date")
        if precision == "gYearMonth":
            return typed(f"{y:04d}-{m:02d}", "xsd:gYearMonth")
        return typed(f"{y:04d}", "xsd:gYear")

    def sentence(self, lo: int, hi: int) -> str:
        words = [self.rng.choice(WORDS) for _ in range(self.rng.randint(lo, hi))]
        return " ".join(words).capitalize() + "."

    def gss(self, prefix: str) -> str:
        key = prefix if prefix in self.codes else "E06"
        self.codes[key] += 1
        return f"{prefix}{self.codes[key]:06d}"

    def ods(self, family: str) -> str:
        """Unique ODS-shaped codes: 3 to 5 upper-case letters and digits."""
        self.codes[family] += 1
        n = self.codes[family]
        width = 2 if n < 36**2 else 3 if n < 36**3 else 4
        return family + base36(n, width)

    # -- the fixed frame: registry extracts, national bodies, programmes and waves ---------------
    def frame(self) -> None:
        extracts = {
            "ons-stp21-codes-names": ("STP (April 2021) names and codes in England", "2021-04"),
            "ons-ccg21-codes-names": ("CCG (April 2021) names and codes in England", "2021-04"),
            "ons-lad21-codes-names": ("Local authority districts (April 2021) names and codes", "2021-04"),
            "ods-etr-trusts-2022": ("NHS trusts and sites (etr), March 2022", "2022-03"),
            "ods-eccg-2022": ("Clinical commissioning groups (eccg), March 2022", "2022-03"),
            "ror-wikidata-gb-health": ("ROR records of GB health organisations with Wikidata links", "2024"),
        }
        publishers = {
            "office-for-national-statistics": ("Office for National Statistics", "ONS"),
            "nhs-digital": ("NHS Digital", None),
            "research-organization-registry": ("Research Organization Registry", "ROR"),
        }
        publisher_of = {
            "ons": "office-for-national-statistics",
            "ods": "nhs-digital",
            "ror": "research-organization-registry",
        }
        for slug, (title, vintage) in extracts.items():
            self.node(
                "registries",
                f"extract:{slug}",
                "icskg:RegistryExtract",
                ("dcterms:title", lit(title)),
                ("dcterms:publisher", f"organisation:{publisher_of[slug.split('-')[0]]}"),
                ("icskg:vintage", lit(vintage)),
                ("dcterms:license", OGL),
            )
        for slug, (name, acronym) in publishers.items():
            subject = f"organisation:{slug}"
            self.node(
                "organisations",
                subject,
                "org:Organization",
                ("skos:prefLabel", lit(name)),
                ("skos:altLabel", lit(acronym) if acronym else None),
                ("org:classification", "orgkind:national-body"),
                ("icskg:extract", "extract:ror-wikidata-gb-health"),
            )
        for slug, name in (("nhs-england", "NHS England"), ("nhs-improvement", "NHS Improvement")):
            self.national.append(f"organisation:{slug}")
            self.node(
                "organisations",
                f"organisation:{slug}",
                "org:Organization",
                ("skos:prefLabel", lit(name)),
                ("org:classification", "orgkind:national-body"),
                ("icskg:odsCode", typed(self.ods("C"), "icskg:ODSCode")),
                ("icskg:extract", "extract:ods-etr-trusts-2022"),
            )
        for i in range(1, 8):
            subject = f"organisation:nhs-region-{i}"
            code = f"E40{i:06d}"
            self.node(
                "organisations",
                subject,
                "org:Organization",
                ("skos:prefLabel", lit(f"NHS England {self.place()} region")),
                ("org:classification", "orgkind:nhs-region"),
                ("icskg:gssCode", typed(code, "icskg:GSSCode")),
                ("skos:exactMatch", f"gss:{code}"),
                ("icskg:extract", "extract:ons-stp21-codes-names"),
            )
        self.node(
            "programmes",
            "programme:ics-development",
            "icskg:Programme",
            ("skos:prefLabel", lit("ICS development programme")),
        )
        for ordinal in range(1, 5):
            wave = f"wave:ics-development-wave-{ordinal}"
            self.waves.append(wave)
            self.node(
                "programmes",
                wave,
                "icskg:Wave",
                ("skos:prefLabel", lit(f"ICS development programme wave {ordinal}")),
                ("icskg:programme", "programme:ics-development"),
                ("icskg:ordinal", str(ordinal)),
                ("icskg:date", self.date_literal((2017 + ordinal, 6, 1), "gYearMonth")),
            )

    # -- entities, created or reused as a source mentions them --------------------------------
    def derive(self, file: str, subject: str, source: str) -> str:
        self.add(file, subject, DERIVED, source)
        return subject

    def partnership(self, source: str) -> str:
        rng = self.rng
        if self.partnerships and rng.random() > 0.3:
            return self.derive("partnerships", rng.choice(self.partnerships), source)
        kind = rng.choices(list(PARTNERSHIP_KINDS), (10, 6, 2, 1, 3, 2, 2, 1))[0]
        name = self.unique_name(lambda: f"{self.place()} and {self.place()} {PARTNERSHIP_KINDS[kind]}")
        subject = f"partnership:{slugify(name)}"
        acronym = "".join(w[0] for w in name.split() if w[0].isupper() and w != "and")
        pairs = [
            ("skos:prefLabel", lit(name)),
            ("skos:altLabel", lit(acronym)),
            ("org:classification", f"partnershipkind:{kind}"),
            (DERIVED, source),
        ]
        if kind in ("stp", "health-and-care-partnership", "devolved-system"):
            gss = self.gss("E54")
            ods = self.ods("Q")
            pairs += [
                ("icskg:gssCode", typed(gss, "icskg:GSSCode")),
                ("skos:exactMatch", f"gss:{gss}"),
                ("icskg:odsCode", typed(ods, "icskg:ODSCode")),
                ("skos:exactMatch", f"ods:{ods}"),
                ("icskg:extract", "extract:ons-stp21-codes-names"),
            ]
        self.node("partnerships", subject, "icskg:Partnership", *pairs)
        self.partnerships.append(subject)
        return subject

    def organisation(self, source: str, kinds: tuple[str, ...] | None = None) -> str:
        rng = self.rng
        pool = self.publishers if kinds == ("publisher",) else self.organisations
        if pool and rng.random() > 0.35:
            return self.derive("organisations", rng.choice(pool), source)
        options = [k for k in ORG_KINDS if kinds is None or k[0] in kinds]
        kind, _, suffix = rng.choices(options, [k[1] for k in options])[0]
        name = self.unique_name(lambda: f"{self.place()} {suffix}")
        subject = f"organisation:{slugify(name)}"
        pairs = [("skos:prefLabel", lit(name)), ("org:classification", f"orgkind:{kind}"), (DERIVED, source)]
        if kind == "ccg":
            gss, ods = self.gss("E38"), self.ods("C")
            pairs += [
                ("skos:altLabel", lit(name.replace("Clinical Commissioning Group", "CCG"))),
                ("icskg:gssCode", typed(gss, "icskg:GSSCode")),
                ("skos:exactMatch", f"gss:{gss}"),
                ("icskg:odsCode", typed(ods, "icskg:ODSCode")),
                ("skos:exactMatch", f"ods:{ods}"),
                ("icskg:extract", "extract:ons-ccg21-codes-names"),
                ("icskg:extract", "extract:ods-eccg-2022"),
            ]
        elif kind in ("nhs-trust", "foundation-trust", "community-health-provider"):
            ods = self.ods("R")
            pairs += [
                ("icskg:odsCode", typed(ods, "icskg:ODSCode")),
                ("skos:exactMatch", f"ods:{ods}"),
                ("icskg:extract", "extract:ods-etr-trusts-2022"),
            ]
            if rng.random() < 0.5:
                self.codes["wd"] += rng.randint(1, 5000)
                qid = f"Q{self.codes['wd']}"
                pairs += [
                    ("icskg:wikidataId", typed(qid, "icskg:WikidataQID")),
                    ("skos:exactMatch", f"wd:{qid}"),
                    ("icskg:extract", "extract:ror-wikidata-gb-health"),
                ]
        elif kind == "local-authority":
            gss = self.gss(rng.choice(("E06", "E07", "E08", "E09")))
            pairs += [
                ("icskg:gssCode", typed(gss, "icskg:GSSCode")),
                ("skos:exactMatch", f"gss:{gss}"),
                ("icskg:extract", "extract:ons-lad21-codes-names"),
            ]
        self.node("organisations", subject, "org:Organization", *pairs)
        (self.publishers if kind == "publisher" else self.organisations).append(subject)
        if kind in ("nhs-trust", "foundation-trust", "community-health-provider"):
            self.trusts.append(subject)
        return subject

    def person(self, source: str) -> str:
        rng = self.rng
        if self.people and rng.random() > 0.4:
            return self.derive("people", rng.choice(self.people), source)
        given, family = rng.choice(GIVEN), rng.choice(FAMILY)
        subject = f"person:{given.lower()}-{family.lower()}-{len(self.people) + 1:06d}"
        self.node(
            "people",
            subject,
            "foaf:Person",
            ("foaf:name", lit(f"{given} {family}")),
            ("foaf:givenName", lit(given)),
            ("foaf:familyName", lit(family)),
            ("schema:honorificPrefix", lit("Dr") if rng.random() < 0.2 else None),
            (DERIVED, source),
        )
        self.people.append(subject)
        return subject

    # -- one source document and what it says -------------------------------------------------
    def document(self) -> None:
        rng = self.rng
        self.documents += 1
        n = self.documents
        doc = f"{n:06d}"  # the prefix of this document's statements, statuses, posts and events
        file_stem = f"{doc}_{rng.getrandbits(64):016x}"  # source IRI slug = file name without .txt
        source = f"source:{file_stem}"
        issued = self.date(2015, 2024)
        publisher = self.organisation(source, ("publisher",))
        author = self.person(source) if rng.random() < 0.7 else None
        pairs = [
            (
                "dcterms:title",
                lit(f"{self.place()} {rng.choice(('plans', 'joins', 'leads', 'reviews'))} {self.sentence(3, 7)}"),
            ),
            ("dcterms:type", lit(rng.choice(DOC_TYPES))),
            ("dcterms:publisher", publisher),
            ("dcterms:issued", self.date_literal(issued, "date")),
            ("dcterms:creator", author),
            ("icskg:fileName", lit(f"{file_stem}.txt")),
            ("icskg:sha256", lit(f"{rng.getrandbits(256):064x}")),
        ]
        if rng.random() < 0.4:
            if len(self.periodicals) < 5:
                periodical = f"document:periodical-{len(self.periodicals) + 1}"
                self.node(
                    "documents",
                    periodical,
                    "icskg:Periodical",
                    ("dcterms:title", lit(f"{self.place()} Health Journal")),
                    (DERIVED, source),
                )
                self.periodicals.append(periodical)
            pairs += [
                ("dcterms:isPartOf", rng.choice(self.periodicals)),
                ("schema:issueNumber", lit(str(rng.randint(1, 300)))),
                ("schema:pagination", lit(f"{rng.randint(1, 60)}")),
            ]
        self.node("sources", source, "icskg:SourceDocument", *pairs)
        if n == 1:  # the frame's programme and waves come from the first document
            for subject in ["programme:ics-development", *self.waves]:
                self.derive("programmes", subject, source)

        partnerships = [self.partnership(source) for _ in range(rng.randint(1, 3))]
        organisations = [self.organisation(source) for _ in range(rng.randint(1, 3))]
        national = self.derive("organisations", rng.choice(self.national), source)

        # statuses
        for i in range(rng.choice((0, 1, 1, 2))):
            partnership = rng.choice(partnerships)
            kind = rng.choice(STATUS_KINDS)
            start = self.date(2016, 2022)
            precision = rng.choices(("date", "gYearMonth", "gYear"), (3, 5, 2))[0]
            end = None
            if rng.random() < 0.3:
                end = self.date_literal((start[0] + rng.randint(1, 3), start[1], start[2]), precision)
            self.node(
                "statuses",
                f"status:{doc}-{i + 1:02d}",
                "icskg:PartnershipStatus",
                ("icskg:statusOf", partnership),
                ("icskg:status", f"partnershipkind:{kind}"),
                ("icskg:wave", rng.choice(self.waves) if kind in ("shadow-ics", "ics") else None),
                ("icskg:startDate", self.date_literal(start, precision)),
                ("icskg:endDate", end),
                ("icskg:dateAsStated", lit(rng.choice(("last year", "from April", "in 2018/19", "this month")))),
                ("icskg:nameAsStated", lit(f"{self.place()} {kind.upper()}")),
                ("icskg:excerpt", lit(self.sentence(8, 20))),
                (DERIVED, source),
            )

        # events
        events = []
        for i in range(rng.choice((0, 1, 1, 2))):
            cls = rng.choice(EVENT_CLASSES)
            event = f"event:{doc}-e{i + 1:02d}"
            pairs = [
                ("skos:prefLabel", lit(f"{cls} on {self.place()}")),
                ("icskg:date", self.date_literal(issued)),
                (EVENT_ROLES[cls], national if cls == "WaveSelection" else rng.choice(organisations + [national])),
                (DERIVED, source),
            ]
            if cls == "WaveSelection":
                pairs += [("icskg:selected", p) for p in partnerships]
                pairs += [("icskg:wave", rng.choice(self.waves))]
            if cls == "Publication":
                cited = f"document:{doc}-doc{i + 1:02d}"
                self.node(
                    "documents",
                    cited,
                    "icskg:CitedDocument",
                    ("dcterms:title", lit(f"{self.place()} five year plan")),
                    ("dcterms:publisher", national),
                    (DERIVED, source),
                )
                pairs.append(("prov:generated", cited))
            if events and rng.random() < 0.3:
                pairs.append(("icskg:partOfEvent", events[0]))
            events.append(self.node("events", event, f"icskg:{cls}", *pairs))

        # change events
        if rng.random() < 0.05 and len(self.organisations) > 3:
            a, b = rng.sample(organisations + self.organisations[:3], 2)
            merged = self.organisation(source)
            if len({a, b, merged}) == 3:
                self.node(
                    "events",
                    f"event:{doc}-merger",
                    "icskg:Merger",
                    ("skos:prefLabel", lit(f"Merger of {a.split(':')[1]} and {b.split(':')[1]}")),
                    ("org:originalOrganization", a),
                    ("org:originalOrganization", b),
                    ("org:resultingOrganization", merged),
                    ("icskg:date", self.date_literal(issued, "gYearMonth")),
                    (DERIVED, source),
                )
                self.add("organisations", a, "icskg:successor", merged)
        if rng.random() < 0.05:
            renamed = rng.choice(partnerships)
            old = f"{self.place()} {rng.choice(('STP', 'Health and Care Partnership', 'ICS'))}"
            self.node(
                "events",
                f"event:{doc}-rename",
                "icskg:Rename",
                ("skos:prefLabel", lit(f"Rename of {old}")),
                ("icskg:renamed", renamed),
                ("icskg:oldName", lit(old)),
                ("icskg:newName", lit(f"{self.place()} ICS")),
                ("icskg:date", self.date_literal(issued, "gYearMonth")),
                (DERIVED, source),
            )
            self.add("partnerships", renamed, "icskg:formerName", lit(old))

        # memberships
        for i in range(rng.choice((0, 0, 1, 2))):
            self.node(
                "memberships",
                f"membership:{doc}-{i + 1:02d}",
                "icskg:PartnershipMembership",
                ("org:member", rng.choice(organisations)),
                ("org:organization", rng.choice(partnerships)),
                ("icskg:startDate", self.date_literal(self.date(2016, 2020), "gYear") if rng.random() < 0.5 else None),
                (DERIVED, source),
            )

        # people, their posts as this source states them, and what they said
        posts: dict[str, str] = {}
        for _ in range(rng.randint(1, 3)):
            person = self.person(source)
            if person in posts:
                continue
            role, words = rng.choice(ROLES)
            where = rng.choice(partnerships + organisations)
            appointment = f"appointment:{doc}-{len(posts) + 1:02d}"
            self.node(
                "appointments",
                appointment,
                "icskg:Appointment",
                ("org:member", person),
                ("org:organization", where),
                ("org:role", f"role:{role}"),
                ("icskg:postAsStated", lit(f"{words} of {self.place()}")),
                ("icskg:isInterim", "true" if rng.random() < 0.1 else "false"),
                ("icskg:startDate", self.date_literal(self.date(2012, 2020), "gYear") if rng.random() < 0.3 else None),
                (DERIVED, source),
            )
            posts[person] = appointment
        speakers = list(posts)
        previous = None
        for i in range(rng.randint(1, 5)):
            quote = f"statement:{doc}-q{i + 1:02d}"
            roll = rng.random()
            pairs = [
                ("icskg:text", lit(self.sentence(10, 30))),
                ("dcterms:identifier", lit(f"Q-{i + 1:02d}")),
                ("icskg:placement", lit(rng.choices(("headline", "subheading", "body"), (1, 1, 8))[0])),
                ("icskg:about", rng.choice(partnerships)),
                (DERIVED, source),
            ]
            if roll < 0.85:
                speaker = rng.choice(speakers)
                pairs += [
                    ("prov:wasAttributedTo", speaker),
                    ("icskg:speakerPost", posts[speaker]),
                    (
                        "icskg:attributionMode",
                        lit(rng.choices(("explicit", "by continuation", "implied"), (8, 2, 1))[0]),
                    ),
                ]
            elif roll < 0.93:
                cited = f"document:{doc}-cited{i + 1:02d}"
                self.node(
                    "documents",
                    cited,
                    "icskg:CitedDocument",
                    ("dcterms:title", lit(f"{self.place()} board papers")),
                    (DERIVED, source),
                )
                pairs += [("icskg:quotedFrom", cited), ("icskg:attributionMode", lit("explicit"))]
            else:
                pairs.append(("icskg:unattributed", "true"))
            if events and rng.random() < 0.3:
                pairs.append(("icskg:occasion", rng.choice(events)))
            if previous and rng.random() < 0.1:
                pairs.append(("icskg:continues", previous))
            previous = self.node("statements", quote, "icskg:Quote", *pairs)

        # claims
        for i in range(rng.choice((0, 1, 1, 2, 3))):
            claim_type, unit, span = rng.choice(CLAIM_TYPES)
            pairs = [
                ("icskg:claimType", f"claimtype:{claim_type}"),
                ("icskg:excerpt", lit(self.sentence(8, 25))),
                ("icskg:summary", lit(self.sentence(5, 12))),
                ("icskg:about", rng.choice(partnerships + organisations)),
                (DERIVED, source),
            ]
            if span:
                values = [rng.randint(*span)]
                if rng.random() < 0.1:
                    values.append(values[0] + rng.randint(1, 10))
                stated = " or ".join(f"{v:,}" for v in values)
                quantity = self.node(
                    "statements",
                    f"quantity:{doc}-c{i + 1:02d}-1",
                    "icskg:Quantity",
                    *[("icskg:quantity", typed(str(v), "xsd:decimal")) for v in values],
                    ("icskg:quantityAsStated", lit(stated)),
                    ("icskg:quantityQualifier", lit("one of" if len(values) > 1 else rng.choice(QUALIFIERS[:-1]))),
                    ("icskg:unit", lit(unit)),
                )
                pairs.append(("icskg:hasQuantity", quantity))
            if claim_type == "ics-coverage-target":
                pairs.append(("icskg:targetDate", self.date_literal((2021, 4, 1), "gYearMonth")))
            else:
                pairs.append(("icskg:date", self.date_literal(issued)))
            self.node("statements", f"statement:{doc}-c{i + 1:02d}", "icskg:Claim", *pairs)

        # reported statements and recommendations
        if speakers and rng.random() < 0.3:
            self.node(
                "statements",
                f"statement:{doc}-r01",
                "icskg:ReportedStatement",
                ("prov:wasAttributedTo", rng.choice(speakers)),
                ("icskg:excerpt", lit(self.sentence(8, 20))),
                ("icskg:summary", lit(self.sentence(5, 10))),
                ("icskg:about", rng.choice(partnerships)),
                (DERIVED, source),
            )
        if rng.random() < 0.1:
            for i in range(rng.randint(1, 3)):
                self.node(
                    "statements",
                    f"statement:{doc}-rec{i + 1:02d}",
                    "icskg:Recommendation",
                    ("icskg:excerpt", lit(self.sentence(8, 20))),
                    ("icskg:summary", lit(self.sentence(5, 10))),
                    ("icskg:ordinal", str(i + 1)),
                    ("icskg:addressedTo", national),
                    (DERIVED, source),
                )


# -- violations, injected on purpose -----------------------------------------------------------------
# A landscape with no violations proves little about a validator: these mutations break, on a few
# nodes each, one constraint component of the shapes (sh:minCount, sh:datatype, sh:or, SHACL-SPARQL, ...),
# so that the compiled engine and pySHACL are compared on real results (tests/validate/test_equality.py).


def _subjects(landscape: Landscape, file: str, cls: str) -> list[str]:
    return [subject for subject, pairs in landscape.blocks[file].items() if ("a", cls) in pairs]


def _values(landscape: Landscape, file: str, subject: str, predicate: str) -> list[str]:
    return [obj for p, obj in landscape.blocks[file][subject] if p == predicate]


def _drop(landscape: Landscape, file: str, subject: str, predicate: str) -> None:
    """Remove a property's values, keeping the landscape's triple count exact."""
    block = landscape.blocks[file][subject]
    for key in [k for k in block if k[0] == predicate]:
        del block[key]
        landscape.count -= 1


def _set(landscape: Landscape, file: str, subject: str, predicate: str, obj: str) -> None:
    _drop(landscape, file, subject, predicate)
    landscape.add(file, subject, predicate, obj)


MUTATIONS = {
    # component -> (file, class of the nodes mutated, mutation)
    "MinCount": ("people", "foaf:Person", lambda g, s: _drop(g, "people", s, "foaf:name")),
    "MaxCount": ("people", "foaf:Person", lambda g, s: g.add("people", s, "foaf:name", lit("Another Name"))),
    "Datatype": (
        "appointments",
        "icskg:Appointment",
        lambda g, s: _set(g, "appointments", s, "icskg:postAsStated", '"chief executive"@en'),
    ),
    "Class": (
        "appointments",
        "icskg:Appointment",
        lambda g, s: _set(g, "appointments", s, "org:member", "programme:ics-development"),
    ),
    "NodeKind": (
        "organisations",
        "org:Organization",
        lambda g, s: g.add("organisations", s, "skos:altLabel", "<http://example.org/not-a-label>"),
    ),
    "Pattern": ("people", "foaf:Person", lambda g, s: _set(g, "people", s, "foaf:name", lit(" Leading Space"))),
    "Not": ("people", "foaf:Person", lambda g, s: _set(g, "people", s, "foaf:name", lit("Dr Titled Name"))),
    "In": ("statements", "icskg:Quote", lambda g, s: _set(g, "statements", s, "icskg:attributionMode", lit("direct"))),
    "Or": ("statements", "icskg:Quote", lambda g, s: _drop(g, "statements", s, "prov:wasAttributedTo")),
    "Node": (
        "statements",
        "icskg:Claim",
        lambda g, s: _set(g, "statements", s, "icskg:claimType", "orgkind:nhs-trust"),
    ),
    "MinLength": ("statements", "icskg:Quote", lambda g, s: _set(g, "statements", s, "icskg:text", lit(""))),
    "MinInclusive": (
        "programmes",
        "icskg:Wave",
        lambda g, s: _set(g, "programmes", s, "icskg:ordinal", '"0"^^xsd:integer'),
    ),
    "QualifiedMaxCount": ("statements", "icskg:Quote", lambda g, s: g.add("statements", s, "a", "icskg:Claim")),
    "LessThanOrEquals": (
        "appointments",
        "icskg:Appointment",
        lambda g, s: (
            _set(g, "appointments", s, "icskg:startDate", '"2020-06-01"^^xsd:date'),
            _set(g, "appointments", s, "icskg:endDate", '"2019-01-01"^^xsd:date'),
        ),
    ),
    "SPARQL:identifier": (
        "statements",
        "icskg:Quote",
        lambda g, s: _set(g, "statements", s, "dcterms:identifier", lit("Q-01")),
    ),
    "SPARQL:vocabulary": (
        "organisations",
        "org:Organization",
        lambda g, s: g.add("organisations", s, "a", "icskg:Organisaton"),
    ),
    "SPARQL:ill-typed": (
        "organisations",
        "org:Organization",
        lambda g, s: g.add("organisations", s, "icskg:startDate", '"2019-02-30"^^xsd:date'),
    ),
    "SPARQL:imports": (
        "sources",
        "icskg:SourceDocument",
        lambda g, s: g.add("sources", s, "owl:imports", "<http://127.0.0.1:9/remote.ttl>"),
    ),
}


def inject_violations(landscape: Landscape, per_kind: int) -> dict[str, int]:
    """Apply each mutation to `per_kind` nodes (chosen by the landscape's own seeded generator)."""
    injected = {}
    for kind, (file, cls, mutate) in MUTATIONS.items():
        candidates = _subjects(landscape, file, cls)
        chosen = landscape.rng.sample(candidates, min(per_kind, len(candidates)))
        for subject in chosen:
            mutate(landscape, subject)
        injected[kind] = len(chosen)
    return injected


def generate(target: int, out_dir: Path | str, seed: int = 1, violations: int = 0) -> Manifest:
    """Write a landscape of about `target` data triples (not counting the ontology) to out_dir; with
    `violations`, that many nodes broken on purpose for each kind of mutation (MUTATIONS)."""
    started = time.perf_counter()
    landscape = Landscape(seed, target)
    landscape.frame()
    while landscape.count < target:
        landscape.document()
    if violations:
        inject_violations(landscape, violations)
    out_dir = Path(out_dir)
    files = landscape.write(out_dir)
    manifest = Manifest(
        GENERATOR_VERSION,
        seed,
        target,
        landscape.count,
        landscape.documents,
        files,
        dict(sorted(landscape.nodes.items())),
        round(time.perf_counter() - started, 3),
    )
    (out_dir / "manifest.json").write_text(json.dumps(asdict(manifest), indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(out_dir: Path | str) -> Manifest | None:
    path = Path(out_dir) / "manifest.json"
    if not path.is_file():
        return None
    try:
        return Manifest(**json.loads(path.read_text(encoding="utf-8")))
    except (TypeError, ValueError):
        return None


def ensure(target: int, out_dir: Path | str, seed: int = 1) -> Manifest:
    """Generate unless out_dir already holds this very landscape (same generator version, seed, target)."""
    wanted = Manifest(GENERATOR_VERSION, seed, target, 0, 0)
    found = read_manifest(out_dir)
    if found and found.same_request(wanted) and all((Path(out_dir) / f).is_file() for f in found.files):
        return found
    return generate(target, out_dir, seed)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out_dir", nargs="?", type=Path, help="output folder (default: benchmarks/out/<size>)")
    parser.add_argument("--triples", default="10k", help="target number of data triples, e.g. 10k, 100k, 1m")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--violations", type=int, default=0, help="nodes broken on purpose per kind of mutation")
    args = parser.parse_args(argv)
    target = parse_size(args.triples)
    out_dir = args.out_dir or DEFAULT_OUT / size_label(target)
    manifest = generate(target, out_dir, args.seed, args.violations)
    print(
        f"{out_dir}: {manifest.triples} triples in {len(manifest.files)} files "
        f"({manifest.documents} source documents, seed {manifest.seed}) in {manifest.seconds:.1f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
