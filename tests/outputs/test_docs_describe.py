"""`icskg docs` (pyLODE HTML) and the DCAT/VoID description (`icskg describe`, `export --with-description`),
its statistics checked against SPARQL counts over the store."""

from __future__ import annotations

from html import escape

import pyoxigraph as ox
import pytest
from click.testing import CliRunner
from rdflib import Graph, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, RDF, SKOS, XSD

import icskg
from icskg.build.rules import INFERRED
from icskg.cli import main
from icskg.namespaces import ICSKG, ID
from icskg.outputs.describe import DATASET, DCAT, VOID, describe, shapes_iris, statistics, void_triples
from icskg.outputs.export import ASSERTED_GRAPH, DESCRIPTION_GRAPH
from icskg.terms import rdflib_graph, to_oxigraph
from repo_factory import make_repo

OGL = URIRef("http://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/")
CC_BY = URIRef("https://creativecommons.org/licenses/by/4.0/")
CURATED = URIRef("https://w3id.org/icskg/dataset/curated")
REGISTRIES = URIRef("https://w3id.org/icskg/dataset/registries")


def run(*args: str):
    result = CliRunner().invoke(main, list(args))
    assert "Traceback" not in result.stderr, result.stderr
    return result


@pytest.fixture(scope="module")
def description(built, report) -> Graph:
    """The description `icskg describe` writes for the repository (its report conforms)."""
    return describe(built, report)


def sparql_count(built, select: str, where: str, inferred: bool = False) -> int:
    """A count straight from the store: the asserted (default) graph, or asserted + inferred."""
    text = f"SELECT ({select} AS ?n) WHERE {{ {where} }}"
    solutions = built.query(text) if inferred else built.store.query(text)
    return int(next(iter(solutions))["n"].value)


def number(graph: Graph, node, prop) -> int:
    value = graph.value(node, prop)
    assert value is not None, (node, prop)
    assert value.datatype == XSD.integer
    return int(value)


# pyLODE writes a pickle of its background ontologies into its own package folder on first use, with no
# lock: two processes using it for the first time at once can read a half-written file. Its tests share a
# worker; the repository's pages are made once.
PYLODE = pytest.mark.xdist_group("pylode")


@pytest.fixture(scope="module")
def repo_docs(tmp_path_factory, repo_root):
    pytest.importorskip("pylode")
    out = tmp_path_factory.mktemp("docs")
    result = run("--root", str(repo_root), "docs", "-o", str(out))
    assert result.exit_code == 0, result.output
    return out, result


@PYLODE
def test_docs_writes_html_about_the_ontology(repo_docs):
    out, result = repo_docs
    assert f"wrote {out / 'index.html'}" in result.stdout
    html = (out / "index.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html") or "<html" in html[:500].lower()
    assert "https://w3id.org/icskg/ontology#Partnership" in html
    assert "icskg:Partnership" in html
    assert "partnership kind" in (out / "concepts.html").read_text(encoding="utf-8").lower()


def declared_terms(path) -> set[str]:
    graph = Graph().parse(path)
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty, OWL.AnnotationProperty)
    return {str(s) for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(str(ICSKG))}


@PYLODE
def test_docs_document_every_term_of_the_ontology_and_the_registry_module(repo_docs, repo_root):
    html = (repo_docs[0] / "index.html").read_text(encoding="utf-8")
    registry = declared_terms(repo_root / "ontology" / "registry.ttl")
    assert registry, "registry.ttl declares terms"
    missing = sorted(t for t in registry | declared_terms(repo_root / "ontology" / "icskg.ttl") if t not in html)
    assert missing == []


@PYLODE
def test_concepts_html_lists_every_concept_of_every_scheme(repo_docs, repo_root):
    html = (repo_docs[0] / "concepts.html").read_text(encoding="utf-8")
    concepts = Graph().parse(repo_root / "ontology" / "concepts.ttl")
    listed = list(concepts.subjects(RDF.type, SKOS.Concept))
    assert len(listed) > 40
    for concept in listed:
        assert str(concept) in html, concept
        for label in concepts.objects(concept, SKOS.prefLabel):
            assert escape(str(label), quote=False) in html, label
    for scheme in concepts.subjects(RDF.type, SKOS.ConceptScheme):
        assert f'href="#{scheme.split("#")[-1]}' in html.replace("#icskg-", "#"), scheme
    assert html.count('class="concept"') == len(listed)


@PYLODE
def test_concepts_html_escapes_what_the_data_says_and_keeps_concepts_in_no_scheme(tmp_path):
    pytest.importorskip("pylode")
    hostile = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX ex: <https://w3id.org/icskg/vocab/test/>
ex:scheme a skos:ConceptScheme ; skos:prefLabel "Tests & <b>trials</b>"@en .
ex:a a skos:Concept ; skos:inScheme ex:scheme ; skos:prefLabel "A <script>alert(1)</script>"@en ;
    skos:definition "x < y & \\"quoted\\""@en ; skos:broader ex:b .
ex:b a skos:Concept ; skos:prefLabel "orphan"@en .
"""
    root = make_repo(tmp_path, {"ontology/concepts.ttl": hostile})
    result = run("--root", str(root), "docs", "-o", str(tmp_path / "out"))
    assert result.exit_code == 0, result.output
    html = (tmp_path / "out" / "concepts.html").read_text(encoding="utf-8")
    assert "<script>" not in html and "<b>" not in html
    assert "A &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "Tests &amp; &lt;b&gt;trials&lt;/b&gt;" in html
    assert "x &lt; y &amp;" in html
    assert "Concepts in no scheme" in html and "orphan" in html
    assert 'href="#ex-b"' in html or "https://w3id.org/icskg/vocab/test/b" in html


@PYLODE
def test_a_broken_vocabulary_file_is_named_with_its_line(tmp_path):
    pytest.importorskip("pylode")
    broken = "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n\n<a> <b> .\n"
    root = make_repo(tmp_path, {"ontology/concepts.ttl": broken})
    result = run("--root", str(root), "docs", "-o", str(tmp_path / "out"))
    assert result.exit_code == 2, result.output
    assert "ontology/concepts.ttl:3:" in result.stderr


@pytest.mark.parametrize("inferred", [False, True], ids=["asserted", "inferred"])
def test_description_counts_the_graph(built, report, inferred):
    description = describe(built, report, inferred=inferred)
    expected = built.count() + (built.count(INFERRED) if inferred else 0)
    assert number(description, DATASET, VOID.triples) == void_triples(description) == expected
    counts = {
        VOID.classes: ("COUNT(DISTINCT ?c)", "?s a ?c"),
        VOID.properties: ("COUNT(DISTINCT ?p)", "?s ?p ?o"),
        VOID.distinctSubjects: ("COUNT(DISTINCT ?s)", "?s ?p ?o"),
        VOID.distinctObjects: ("COUNT(DISTINCT ?o)", "?s ?p ?o"),
        VOID.entities: ("COUNT(DISTINCT ?s)", f'?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{ID}"))'),
    }
    for prop, (select, where) in counts.items():
        assert number(description, DATASET, prop) == sparql_count(built, select, where, inferred) > 0, prop
    partitions = {description.value(p, VOID["class"]): p for p in description.objects(DATASET, VOID.classPartition)}
    assert len(partitions) == number(description, DATASET, VOID.classes)
    for cls in (ICSKG.Partnership, ICSKG.Quote, ICSKG.RegistryRecord):
        instances = sparql_count(built, "COUNT(DISTINCT ?s)", f"?s a <{cls}>", inferred)
        assert number(description, partitions[cls], VOID.entities) == instances > 0, cls


def test_statistics_of_oxigraph_triples():
    a, b, p, q = (ox.NamedNode(f"{ID}x/{n}") for n in "abpq")
    cls = ox.NamedNode(str(ICSKG.Partnership))
    rdf_type = ox.NamedNode(str(RDF.type))
    quads = [ox.Quad(a, rdf_type, cls), ox.Quad(b, rdf_type, cls), ox.Quad(a, p, ox.Literal("x")), ox.Quad(a, q, b)]
    stats = statistics(quads + quads[:1])  # a triple given twice counts once
    assert stats["triples"] == 4
    assert stats["entities"] == stats["distinctSubjects"] == 2
    assert stats["properties"] == 3
    assert stats["classes"] == 1 and stats["classPartitions"] == {ICSKG.Partnership: 2}
    assert stats["distinctObjects"] == 3


def test_description_says_licences_versions_shapes_and_distributions(built, report, description):
    assert (DATASET, RDF.type, DCAT.Dataset) in description
    assert description.value(DATASET, DCTERMS.license) == CC_BY
    assert str(description.value(DATASET, DCAT.version)) == icskg.__version__
    assert (REGISTRIES, DCTERMS.license, OGL) in description
    rights = " ".join(str(o) for o in description.objects(REGISTRIES, DCTERMS.rights))
    assert "Contains public sector information licensed under the Open Government Licence v3.0" in rights
    software = URIRef("https://w3id.org/icskg/software")
    assert (software, DCTERMS.license, URIRef("https://spdx.org/licenses/MIT")) in description
    assert report.conforms
    shapes = shapes_iris(built)
    assert URIRef("https://w3id.org/icskg/shapes") in shapes
    assert set(shapes) | {URIRef("https://w3id.org/icskg/ontology")} == set(
        description.objects(DATASET, DCTERMS.conformsTo)
    )
    version_iri = built.store.query(
        "SELECT ?v WHERE { <https://w3id.org/icskg/ontology> <http://www.w3.org/2002/07/owl#versionIRI> ?v }"
    )
    assert {URIRef(row["v"].value) for row in version_iri} <= set(description.objects(DATASET, VOID.vocabulary))
    assert len(list(description.objects(DATASET, DCAT.distribution))) == 4
    extracts = sparql_count(built, "COUNT(DISTINCT ?e)", f"?e a <{ICSKG.RegistryExtract}>")
    assert len(list(description.objects(REGISTRIES, URIRef("http://www.w3.org/ns/prov#wasDerivedFrom")))) == extracts


def test_subsets_partition_the_asserted_triples(built, repo_root):
    """The curated and the registry-derived parts add up to the asserted triples; the registry part is what
    data/registries/ holds."""
    description = describe(built, None)
    assert set(description.objects(DATASET, VOID.subset)) == {CURATED, REGISTRIES}
    registry = set()
    for path in sorted((repo_root / "data" / "registries").glob("*.ttl")):
        registry |= {(q.subject, q.predicate, q.object) for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE)}
    assert number(description, REGISTRIES, VOID.triples) == len(registry) > 0
    assert number(description, CURATED, VOID.triples) + len(registry) == built.count()


def test_no_conforms_to_without_a_conforming_report(built, report):
    assert not list(describe(built, None).objects(DATASET, DCTERMS.conformsTo))
    failing = type(report)(
        [*report.results, _violation(report)], report.notes, report.path_structures
    )  # the same report plus one violation
    assert not failing.conforms
    assert not list(describe(built, failing).objects(DATASET, DCTERMS.conformsTo))


def _violation(report):
    from icskg.validate.report import Result

    return Result(
        None, None, "<https://example.org/x>", None, None, "<https://example.org/s>", "s", "c", "Violation", "m"
    )


def test_describe_command_writes_turtle_and_jsonld(tmp_path, built, report, repo_root, description):
    out = tmp_path / "description.ttl"
    result = run("--root", str(repo_root), "describe", "-o", str(out))
    assert result.exit_code == 0, result.output
    graph = Graph().parse(out, format="turtle")
    assert isomorphic(graph, description)
    assert number(graph, DATASET, VOID.triples) == built.count()
    result = run("--root", str(repo_root), "describe", "--inferred", "-f", "jsonld")
    assert result.exit_code == 0, result.output
    graph = Graph().parse(data=result.stdout, format="json-ld")
    assert isomorphic(graph, describe(built, report, inferred=True))
    assert number(graph, DATASET, VOID.triples) == built.count() + built.count(INFERRED)


def triples_in(path, fmt: ox.RdfFormat) -> set:
    """The triples of a file as an Oxigraph store keeps them (typed literals in canonical form: Turtle's 4.0
    is the store's "4"^^xsd:decimal), graph names dropped."""
    store = ox.Store()
    store.load(path=path, format=fmt)
    return {(q.subject, q.predicate, q.object) for q in store}


def store_triples(built) -> set:
    triples = {(q.subject, q.predicate, q.object) for q in built.asserted()}
    # no blank nodes: comparing sets of triples is comparing graphs up to isomorphism
    assert not any(isinstance(term, ox.BlankNode) for triple in triples for term in triple)
    return triples


@pytest.mark.parametrize("fmt", ["nt"])  # Turtle: test_describe_command_writes_turtle_and_jsonld, test_export.py
def test_export_with_description(tmp_path, built, repo_root, description, fmt):
    out = tmp_path / f"export.{fmt}"
    result = run("--root", str(repo_root), "export", "-f", fmt, "--with-description", "-o", str(out))
    assert result.exit_code == 0, result.output
    written = triples_in(out, {"ttl": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES}[fmt])
    described = {tuple(to_oxigraph(term) for term in triple) for triple in description}
    assert written == store_triples(built) | described
    assert len(written) == built.count() + len(description)
    assert number(description, DATASET, VOID.triples) == built.count()


def test_export_trig_puts_the_description_in_its_own_graph(tmp_path, built, repo_root, description):
    out = tmp_path / "export.trig"
    result = run("--root", str(repo_root), "export", "-f", "trig", "--with-description", "-o", str(out))
    assert result.exit_code == 0, result.output
    store = ox.Store()
    store.load(path=out, format=ox.RdfFormat.TRIG)
    assert {str(g) for g in store.named_graphs()} == {str(ASSERTED_GRAPH), str(DESCRIPTION_GRAPH)}
    described = rdflib_graph(store.quads_for_pattern(None, None, None, DESCRIPTION_GRAPH))
    assert isomorphic(described, description)
    asserted = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, ASSERTED_GRAPH)}
    assert asserted == store_triples(built)
    assert number(described, DATASET, VOID.triples) == len(asserted) == built.count()
