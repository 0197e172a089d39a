"""`icskg source add FILE`: a new source text in one step. The text is copied into the sources folder (or
registered where it already is) under a name `NNN_<16 hex digits>.txt` (the next free number and the first
digits of its SHA-256), its `icskg:SourceDocument` is written into `data/sources.ttl` in canonical form, and
`data/statements/NNN.ttl` is started with a commented example.

Checked before anything is written: the file is UTF-8 text; no document describes the same bytes (a
duplicate, by SHA-256) and no file of the folder holds them under another name; the name, its number and its
statements file are not taken (a name clash). Title and date come only from the text's own lines
(`icskg.curate.proposals`), as the curator confirmed them.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..atomic import write_atomically
from ..build.files import InputFile
from ..build.graph import BuiltGraph
from ..build.repository import Repository
from ..errors import InputError
from ..namespaces import PREFIXES
from .proposals import DateProposal, Proposal, propose_date, propose_title

NAME = re.compile(r"^(?P<number>\d{3})_[0-9a-f]{16}\.txt$")
NUMBERED = re.compile(r"^(?P<number>\d{3})_")
SOURCES_FILE = "data/sources.ttl"
SOURCES_HEADER = (
    "# Source documents: the texts in the sources folder (`icskg source add`), with only the bibliographic\n"
    "# facts their own text gives.\n\n"
)
SKELETON = """# Statements in {name}: quotes statement:{number}-q01, -q02, ... in document order, then claims
# statement:{number}-c01, ..., each with prov:wasDerivedFrom source:{slug} and its words copied verbatim
# (`icskg source find "WORDS" --source {number}` shows where they stand). Then `icskg fmt` and
# `icskg validate`. See docs/modelling.md for speakers, posts and dates. For example:
#
# PREFIX dcterms: <http://purl.org/dc/terms/>
# PREFIX icskg: <https://w3id.org/icskg/ontology#>
# PREFIX prov: <http://www.w3.org/ns/prov#>
# PREFIX source: <https://w3id.org/icskg/id/source/>
# PREFIX statement: <https://w3id.org/icskg/id/statement/>
#
# statement:{number}-q01
#     a icskg:Quote ;
#     dcterms:identifier "Q-01" ;
#     prov:wasDerivedFrom source:{slug} ;
#     icskg:text "the words, verbatim, without their quotation marks" ;
#     icskg:unattributed true ;
# .
"""

ICSKG, DCTERMS, XSD = PREFIXES["icskg"], PREFIXES["dcterms"], PREFIXES["xsd"]


@dataclass(frozen=True)
class NewSource:
    """A text about to become a source document: where it goes, its digest, what its head proposes."""

    given: Path
    data: bytes
    text: str
    sha256: str
    target: Path
    title: Proposal | None
    date: DateProposal | None

    @property
    def name(self) -> str:
        return self.target.name

    @property
    def slug(self) -> str:
        return self.name.removesuffix(".txt")

    @property
    def number(self) -> str:
        return self.name[:3]

    @property
    def copies(self) -> bool:
        return self.given.resolve() != self.target.resolve()


def read_text(path: Path) -> tuple[bytes, str]:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror or error})", path) from None
    if not data.strip():
        raise InputError("the file is empty: nothing to add", path)
    text = InputFile(path, str(path), data).text()  # UTF-8 without BOM or NUL, or a clear error
    return data, text


def described(graph: BuiltGraph) -> dict[str, tuple[str, str]]:
    """Every source document: its IRI -> (file name, SHA-256) as recorded ('' where missing)."""
    rows = graph.query(
        f"""SELECT ?doc ?file ?sha WHERE {{ ?doc a <{ICSKG}SourceDocument> .
        OPTIONAL {{ ?doc <{ICSKG}fileName> ?file }} OPTIONAL {{ ?doc <{ICSKG}sha256> ?sha }} }}"""
    )
    return {
        row["doc"].value: (row["file"].value if row["file"] else "", row["sha"].value if row["sha"] else "")
        for row in rows
    }


def plan(repo: Repository, graph: BuiltGraph, sources_dir: Path, path: Path) -> NewSource:
    """The new source, or an InputError saying why it cannot be added (nothing is written here)."""
    data, text = read_text(path)
    digest = hashlib.sha256(data).hexdigest()
    documents = described(graph)
    for iri, (file, sha) in sorted(documents.items()):
        if sha == digest:
            raise InputError(f"a duplicate: {_short(iri)} ({file}) already describes this text (same SHA-256)", path)
    folder = sorted(p for p in sources_dir.iterdir() if p.is_file()) if sources_dir.is_dir() else []
    inside = path.resolve().parent == sources_dir.resolve()
    for other in folder:
        if other.resolve() != path.resolve() and hashlib.sha256(other.read_bytes()).hexdigest() == digest:
            raise InputError(
                f"a duplicate: the sources folder holds this text as {other.name}; add that file instead", path
            )
    numbers = {m.group("number") for p in folder if (m := NUMBERED.match(p.name))}
    numbers |= {m.group("number") for file, _sha in documents.values() if (m := NUMBERED.match(file))}
    numbers |= {p.stem for p in (repo.data_dir / "statements").glob("*.ttl")}
    if NAME.match(path.name):
        name = path.name
    elif inside:
        raise InputError(
            "a source text is named NNN_<16 hex digits>.txt: rename it, or give a copy kept elsewhere", path
        )
    else:
        number = max((int(n) for n in numbers if n.isdigit()), default=-1) + 1
        name = f"{number:03d}_{digest[:16]}.txt"
    target = sources_dir / name
    _refuse_clashes(repo, documents, numbers, path, target, inside)
    date = propose_date(text)
    return NewSource(path, data, text, digest, target, propose_title(text, date), date)


def _refuse_clashes(repo, documents, numbers, path: Path, target: Path, inside: bool) -> None:
    name, number = target.name, target.name[:3]
    iri = PREFIXES["source"] + name.removesuffix(".txt")
    if iri in documents or any(file == name for file, _sha in documents.values()):
        raise InputError(f"a name clash: {_short(iri)} is already described, for another text", path)
    if target.exists() and not inside:
        raise InputError(f"a name clash: the sources folder already holds another {name}", path)
    if not inside and number in numbers:
        raise InputError(f"a name clash: number {number} is taken (a text, or data/statements/{number}.ttl)", path)
    statements = repo.data_dir / "statements" / f"{number}.ttl"
    if statements.exists():
        raise InputError(f"a name clash: {repo.shown(statements)} already exists", path)


def document_turtle(source: NewSource, title: str | None, date: DateProposal | None) -> str:
    """The SourceDocument as Turtle (any layout: `icskg fmt`'s canonical form is written)."""
    subject = ox.NamedNode(PREFIXES["source"] + source.slug)
    triples = [
        (ox.NamedNode(PREFIXES["rdf"] + "type"), ox.NamedNode(ICSKG + "SourceDocument")),
        (ox.NamedNode(ICSKG + "fileName"), ox.Literal(source.name)),
        (ox.NamedNode(ICSKG + "sha256"), ox.Literal(source.sha256)),
    ]
    if title:
        triples.append((ox.NamedNode(DCTERMS + "title"), ox.Literal(title)))
    if date is not None:
        issued = ox.Literal(date.date.isoformat(), datatype=ox.NamedNode(XSD + "date"))
        triples.append((ox.NamedNode(DCTERMS + "issued"), issued))
        triples.append((ox.NamedNode(ICSKG + "dateAsStated"), ox.Literal(date.text)))
    quads = [ox.Triple(subject, p, o) for p, o in triples]
    return ox.serialize(quads, format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")


def write(repo: Repository, source: NewSource, title: str | None, date: DateProposal | None) -> list[str]:
    """Copy the text (unless it is in place), add the document to data/sources.ttl and start the statements
    file; every Turtle text is made canonical (and checked to lose nothing) before any file is written."""
    from ..fmt import canonical_form

    sources_ttl = repo.root / SOURCES_FILE
    before = _read(sources_ttl) if sources_ttl.exists() else SOURCES_HEADER
    joined = before.rstrip("\n") + "\n\n" + document_turtle(source, title, date)
    document = canonical_form(InputFile(sources_ttl, SOURCES_FILE, joined.encode("utf-8")))
    statements = repo.data_dir / "statements" / f"{source.number}.ttl"
    shown = repo.shown(statements)
    skeleton_text = SKELETON.format(name=source.name, number=source.number, slug=source.slug)
    skeleton = canonical_form(InputFile(statements, shown, skeleton_text.encode("utf-8")))
    done = []
    if source.copies:
        write_atomically(source.target, source.data)
        done.append(f"copied {source.given} to {source.target}")
    else:
        done.append(f"registered {source.target}")
    write_atomically(sources_ttl, document.encode("utf-8"))
    done.append(f"wrote {SOURCES_FILE}: {_short(PREFIXES['source'] + source.slug)} (icskg:SourceDocument)")
    write_atomically(statements, skeleton.encode("utf-8"))
    done.append(f"wrote {shown}: add the quotes and claims there")
    return done


def _read(path: Path) -> str:
    from ..build.files import read_file

    return read_file(path, SOURCES_FILE).text()


def _short(iri: str) -> str:
    from ..namespaces import shorten

    return shorten(iri)
