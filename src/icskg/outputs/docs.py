"""`icskg docs`: HTML documentation of the ontology and its SKOS vocabularies.

`index.html` documents the ontology: `icskg.ttl` and `registry.ttl` together (the registry module's terms
are in the same `icskg:` namespace; it is a separate file only so the registry import can evolve on its
own), with pyLODE's OntPub profile (https://github.com/RDFLib/pyLODE, `pip install 'icskg[docs]'`,
imported lazily; it works offline). pyLODE 3.4.1 cannot be imported from an installed wheel (it reads a
pyproject.toml next to site-packages, RDFLib/pyLODE issue 260), hence `pylode!=3.4.1` in the extras; the
VocPub profile of the versions that can (3.3.x) lists no skos:Concept at all, so `concepts.html` is
written here, with dominate (pyLODE's own HTML library, which escapes every text it is given): one section
per concept scheme, one entry per concept, with its IRI, labels, definition, notes and links.

The files are read with icskg's own parser, so a broken one is named by FILE:LINE like everywhere else.
"""

from __future__ import annotations

import logging
from pathlib import Path

from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SKOS

from ..build.files import read_file
from ..build.parse import parse_terms
from ..build.repository import Repository
from ..errors import InputError
from ..namespaces import PREFIXES, shorten
from ..terms import rdflib_graph

ONTOLOGY_FILES = ("icskg.ttl", "registry.ttl")
CONCEPT_FILES = ("concepts.ttl",)
CONCEPT_FIELDS = (
    ("preferred label", SKOS.prefLabel),
    ("alternative label", SKOS.altLabel),
    ("definition", SKOS.definition),
    ("scope note", SKOS.scopeNote),
    ("note", SKOS.note),
    ("example", SKOS.example),
    ("broader", SKOS.broader),
    ("narrower", SKOS.narrower),
    ("related", SKOS.related),
    ("exact match", SKOS.exactMatch),
    ("close match", SKOS.closeMatch),
)
STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
code { font-size: 0.9em; } dt { font-weight: 600; margin-top: 0.4em; } dd { margin-left: 1.5em; }
section.concept { border-top: 1px solid #ddd; padding: 0.3em 0; } nav li { margin: 0.2em 0; }
"""


def _pylode():
    """Import pyLODE, putting back the root logger it reconfigures on import (its server module)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        import pylode
    except ImportError as error:
        raise InputError(f"ontology docs need pyLODE: pip install 'icskg[docs]' ({error})") from None
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return pylode


def read_graph(repo: Repository, names: tuple[str, ...]) -> Graph:
    """The named files of ontology/ as one rdflib Graph (a missing file is skipped)."""
    graph = Graph()
    for name in names:
        path = repo.ontology_dir / name
        if path.is_file():
            graph += rdflib_graph(parse_terms(read_file(path, str(path.relative_to(repo.root)))))
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, replace=True)
    return graph


def make_docs(repo: Repository, output: Path) -> list[Path]:
    """Write index.html and concepts.html into `output` (created if needed); returns the paths written."""
    pylode = _pylode()
    ontology = read_graph(repo, ONTOLOGY_FILES)
    concepts = read_graph(repo, CONCEPT_FILES)
    try:
        output.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise InputError(f"cannot create {output}: {error.strerror or error}") from None
    pages = []
    if len(ontology):
        pages.append((output / "index.html", pylode.OntPub(ontology=ontology).make_html()))
    if len(concepts):
        pages.append((output / "concepts.html", concepts_page(concepts)))
    for target, html in pages:
        try:
            target.write_text(html, encoding="utf-8")
        except OSError as error:
            raise InputError(f"cannot write {target}: {error.strerror or error}") from None
    return [target for target, _ in pages]


def _text(graph: Graph, node, prop) -> str:
    values = sorted(str(value) for value in graph.objects(node, prop))
    return values[0] if values else shorten(str(node))


def _anchor(iri) -> str:
    return shorten(str(iri)).replace(":", "-").replace("/", "-")


def concepts_page(graph: Graph) -> str:
    """The SKOS vocabularies as one HTML page: a contents list, then each scheme and its concepts in
    label order. Concepts in no scheme get a section of their own, so none is left out."""
    import dominate
    from dominate import tags

    schemes = sorted(graph.subjects(RDF.type, SKOS.ConceptScheme), key=lambda s: _text(graph, s, SKOS.prefLabel))
    members = {scheme: set(graph.subjects(SKOS.inScheme, scheme)) for scheme in schemes}
    loose = set(graph.subjects(RDF.type, SKOS.Concept)) - set().union(*members.values())
    document = dominate.document(title="icskg vocabularies (SKOS)")
    with document.head:
        tags.meta(charset="utf-8")
        tags.style(STYLE)
    with document:
        tags.h1("icskg vocabularies")
        tags.p(
            f"{len(schemes)} SKOS concept schemes, {len(set(graph.subjects(RDF.type, SKOS.Concept)))} concepts, "
            "from ontology/concepts.ttl. The classes and properties are in ",
            tags.a("the ontology", href="index.html"),
            ".",
        )
        with tags.nav().add(tags.ul()):
            for scheme in schemes:
                tags.li(tags.a(_text(graph, scheme, SKOS.prefLabel), href=f"#{_anchor(scheme)}"))
        for scheme in schemes:
            _scheme_section(graph, scheme, _text(graph, scheme, SKOS.prefLabel), members[scheme])
        if loose:
            _scheme_section(graph, None, "Concepts in no scheme", loose)
    return document.render()


def _scheme_section(graph: Graph, scheme, title: str, concepts: set) -> None:
    from dominate import tags

    with tags.section(id=_anchor(scheme) if scheme is not None else "no-scheme"):
        tags.h2(title)
        if scheme is not None:
            tags.p(tags.code(str(scheme)))
            for definition in sorted(str(d) for d in graph.objects(scheme, SKOS.definition)):
                tags.p(definition)
        for concept in sorted(concepts, key=lambda c: (_text(graph, c, SKOS.prefLabel).lower(), str(c))):
            with tags.section(id=_anchor(concept), _class="concept"):
                tags.h3(_text(graph, concept, SKOS.prefLabel))
                with tags.dl():
                    tags.dt("IRI")
                    tags.dd(tags.code(str(concept)), " (", tags.code(shorten(str(concept))), ")")
                    for name, prop in CONCEPT_FIELDS:
                        values = sorted(graph.objects(concept, prop), key=str)
                        if prop == SKOS.prefLabel or not values:
                            continue
                        tags.dt(name)
                        for value in values:
                            tags.dd(_value(graph, value))


def _value(graph: Graph, value):
    """A literal as its text; an IRI as a link (within the page when it is one of its concepts)."""
    from dominate import tags

    if isinstance(value, URIRef):
        on_page = (value, RDF.type, SKOS.Concept) in graph
        return tags.a(shorten(str(value)), href=f"#{_anchor(value)}" if on_page else str(value))
    return str(value)
