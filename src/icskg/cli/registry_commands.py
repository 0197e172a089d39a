"""registries import, links check, links suggest: the registry extracts and the reviewed links."""

from __future__ import annotations

import sys

import click

from .main import main


@main.group()
def registries():
    """Registry extracts (ONS, NHS ODS, ROR/Wikidata) in registries/ -> data/registries/."""


@registries.command("import")
@click.pass_obj
def registries_import(obj):
    """Write data/registries/*.ttl and registries/unlinked.md from registries/ (reproducibly)."""
    from ..build.repository import find_repository
    from ..registries.importer import import_registries

    settings = obj.settings()
    result = import_registries(find_repository(obj.root).root, progress=settings.progress)
    for path, count in sorted(result.files.items()):
        click.echo(f"{count:7d} triples  {path}")
    click.echo(f"{result.triples} triples in {len(result.files)} files, {result.seconds:.1f} s")


@main.group()
def links():
    """Check registry links, or suggest registry matches for a name."""


@links.command("check")
@click.pass_obj
def links_check(obj):
    """Fail (exit 1) on a code no extract holds, a code of the wrong kind, a link against its vintage dates,
    or a links.ttl out of date with links.yaml. The same checks `icskg validate` runs (shapes/registry-links.ttl)."""
    import pyoxigraph as ox

    from ..build.pipeline import build
    from ..registries.links import REGISTRY_SHAPES, links_file_is_stale, links_waiting
    from ..validate import validate
    from ..validate.formats import printable, term_text

    settings = obj.settings()
    graph = build(settings)
    report = validate(settings)
    problems = [r for r in report.results if r.shape_name.removeprefix("shape:") in REGISTRY_SHAPES]
    # links.ttl makes every link's source the subject of its skos match: described means more than that
    matches = {"http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.w3.org/2004/02/skos/core#closeMatch"}
    described = {
        q.subject.value
        for q in graph.asserted()
        if isinstance(q.subject, ox.NamedNode) and q.predicate.value not in matches
    }
    for warning in links_waiting(graph.repo.root, described):
        click.echo(f"warning: {warning}")
    for p in problems:
        click.echo(printable(f"error: {p.location()}: {term_text(p.focus)}: {p.message}"))
    stale = links_file_is_stale(graph.repo.root)
    if stale:
        click.echo(
            "error: data/registries/links.ttl is out of date with registries/links.yaml: run `icskg registries import`"
        )
    count = len(problems) + (1 if stale else 0)
    click.echo(f"{count} problem(s)")
    sys.exit(1 if count else 0)


@links.command("suggest")
@click.argument("name")
@click.pass_obj
def links_suggest(obj, name):
    """Registry entities whose names match NAME (normalised), across vintages. Writes nothing."""
    from ..build.repository import find_repository
    from ..registries.links import suggest

    found = suggest(find_repository(obj.root).root, name)
    if not found:
        click.echo(f"no registry name matches {name!r} (after normalisation)")
    for entry in found:
        names = "; ".join(f"{n} ({', '.join(v)})" if v else n for n, v in sorted(entry["names"].items()))
        click.echo(f"{entry['score']:.2f}  <{entry['entity']}>  {', '.join(sorted(entry['codes']))}  {names}")
