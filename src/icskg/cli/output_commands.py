"""export, describe, docs, publish: the graph written out, described, documented or published."""

from __future__ import annotations

from pathlib import Path

import click

from .main import main
from .output import output_option, write_output


def description(obj, graph, inferred: bool, sources: Path | None = None):
    """The DCAT/VoID description of a build, after validating it (conformsTo only if it conforms)."""
    from ..outputs.describe import describe
    from ..validate import validate

    report = validate(obj.settings(sources=sources))
    if not report.conforms:
        click.echo("icskg: the graph does not conform: the description states no dcterms:conformsTo", err=True)
    return describe(graph, report, inferred)


@main.command("export")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig"]), default="ttl", show_default=True
)
@click.option("--inferred", is_flag=True, help="Add the OWL 2 RL inferred triples (trig: in their own named graph).")
@output_option
@click.option(
    "--with-description",
    is_flag=True,
    help="Add the DCAT/VoID dataset description (`icskg describe`; validates first).",
)
@click.pass_obj
def export_command(obj, fmt, inferred, output, with_description):
    """Write the asserted graph (with --inferred, also the inferred triples) in one RDF format."""
    from ..build.pipeline import build
    from ..outputs.export import export

    graph = build(obj.settings())
    data = export(graph, fmt, inferred, description(obj, graph, inferred) if with_description else None)
    write_output(data, output, f"{len(data)} bytes")


@main.command("describe")
@click.option("-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld"]), default="ttl", show_default=True)
@click.option("--inferred", is_flag=True, help="Count the inferred triples too (as `icskg export --inferred` writes).")
@output_option
@click.option(
    "--sources", type=click.Path(file_okay=False, path_type=Path), help="Folder of source texts (as validate)."
)
@click.pass_obj
def describe_command(obj, fmt, inferred, output, sources):
    """The dataset description (DCAT, VoID): version, licences, statistics, shapes conformed to, distributions."""
    from ..build.pipeline import build
    from ..fmt import canonical_turtle
    from ..namespaces import PREFIXES

    described = description(obj, build(obj.settings()), inferred, sources)
    if fmt == "ttl":
        data = canonical_turtle(described).encode("utf-8")
    elif fmt == "nt":
        data = described.serialize(format="nt", encoding="utf-8")
    else:
        data = described.serialize(format="json-ld", context=dict(PREFIXES), auto_compact=True, encoding="utf-8")
    write_output(data, output, f"{len(described)} triples")


@main.command("docs")
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write the HTML into (default: docs/ontology/ in the repository).",
)
@click.pass_obj
def docs_command(obj, output):
    """HTML documentation (pip install 'icskg[docs]'): index.html, the ontology (icskg.ttl and registry.ttl, by
    pyLODE), and concepts.html, every SKOS concept by scheme."""
    from ..build.repository import find_repository
    from ..outputs.docs import make_docs

    repo = find_repository(obj.root)
    for path in make_docs(repo, output or repo.root / "docs" / "ontology"):
        click.echo(f"wrote {path}")


@main.command("release")
@click.argument("version", required=False)
@click.option(
    "-o",
    "--output",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Folder to write into (default: dist/ for a VERSION; src/icskg/release/, which a wheel ships, without).",
)
@click.option(
    "--date",
    default=None,
    help="The release date, YYYY-MM-DD (default: as the CHANGELOG has it, else $SOURCE_DATE_EPOCH, else today).",
)
@click.option("--previous", default=None, help="The git revision of the previous release (default: the newest tag v*).")
@click.option(
    "--sources", type=click.Path(file_okay=False, path_type=Path), help="Folder of source texts (as validate)."
)
@click.pass_obj
def release_command(obj, version, output, date, previous, sources):
    """Release a graph that conforms (exit 1 otherwise, nothing written).

    With VERSION: stamp a dated owl:versionIRI and owl:versionInfo, write the graph as Turtle, N-Triples,
    JSON-LD and TriG (inferred triples in their own graph), the validation report and the DCAT/VoID
    description with checksums into dist/, and add a CHANGELOG section with the semantic diff against the
    previous release. The same repository, version and date give the same bytes.

    Without VERSION: the release a wheel carries, the built graph and the stored queries, into
    src/icskg/release/ (`python3 dev.py wheel` runs this, then builds the wheel)."""
    import os

    from ..build.repository import find_repository

    settings = obj.settings(sources=sources)
    repo = find_repository(obj.root)
    if version is None:
        if date or previous:
            raise click.UsageError("--date and --previous belong to a versioned release: give the VERSION")
        _wheel_release(settings, repo, output)
        return
    from ..curate.versioned_release import cut

    done = cut(
        repo,
        settings,
        version,
        output or repo.root / "dist",
        date=date,
        previous=previous,
        epoch=os.environ.get("SOURCE_DATE_EPOCH"),
    )
    for file in done.files:
        click.echo(f"wrote {repo.shown(file.path)}  sha256 {file.sha256}")
    if done.section_added:
        against = f"the semantic diff against {done.previous}" if done.previous else "no earlier release"
        click.echo(f"wrote {repo.shown(done.changelog)}: section [{version}] - {done.date.isoformat()} ({against})")
    else:
        click.echo(f"kept {repo.shown(done.changelog)}: it already has a section [{version}]")


def _wheel_release(settings, repo, output) -> None:
    from ..build import build
    from ..errors import EXIT_NOT_CONFORMING
    from ..release import write_release
    from ..validate import validate

    report = validate(settings)
    if not report.conforms:
        violations = sum(r.severity == "Violation" for r in report.results)
        click.echo(f"icskg: the graph does not conform ({violations} violations): nothing released", err=True)
        raise SystemExit(EXIT_NOT_CONFORMING)
    target = output or repo.root / "src" / "icskg" / "release"
    for path in write_release(build(settings), repo.queries_dir, target):
        click.echo(f"wrote {repo.shown(path)}")


@main.command("publish")
@click.option("--endpoint", metavar="QUERY_URL", required=True, help="The store's SPARQL 1.1 query URL.")
@click.option("--store", metavar="GRAPH_STORE_URL", required=True, help="The store's Graph Store Protocol URL.")
@click.option(
    "--update",
    "update_url",
    metavar="UPDATE_URL",
    help="The store's SPARQL 1.1 Update URL (default: the query URL with /query -> /update, as in Oxigraph).",
)
@click.option(
    "--graph", "graph_iri", default=None, help="The named graph to replace (default: https://w3id.org/icskg/graph)."
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Seconds to wait for each request.",
)
@click.pass_obj
def publish_command(obj, endpoint, store, update_url, graph_iri, timeout):
    """Load asserted + inferred triples into a named graph, replacing the previous version atomically."""
    from ..api import open_graph
    from ..build.pipeline import build
    from ..namespaces import DEFAULT_GRAPH
    from ..outputs.publish import publish, update_url_for
    from ..query.remote import check_url

    check_url(endpoint)
    update_url = update_url or update_url_for(endpoint)
    settings = obj.settings()
    graph = build(settings)
    done = publish(
        graph.ntriples(),
        store=store,
        update=update_url,
        graph_iri=graph_iri or DEFAULT_GRAPH,
        timeout=timeout,
        progress=settings.progress,
        query=endpoint,
    )
    remote = open_graph(obj.root, endpoint=endpoint, graph=done.graph, timeout=timeout, settings=settings)
    count = remote.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    click.echo(f"published {done.triples} triples to <{done.graph}>; the endpoint now holds {count}")
