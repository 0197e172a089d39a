"""validate, stats, fmt, showcase: the graph itself."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..errors import EXIT_NOT_CONFORMING, EXIT_OK
from ..settings import ENGINES
from .main import main
from .output import emit

SHOWCASE_QUERY = "second_wave_partnerships"


@main.command()
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["human", "json", "turtle", "github"]),
    default="human",
    show_default=True,
)
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of source texts for quote checks (default: $ICSKG_SOURCES, else ../shared/sources).",
)
@click.option(
    "--engine",
    type=click.Choice(ENGINES),
    default=None,
    help="compiled (SHACL compiled to SPARQL on Oxigraph; the default) or pyshacl (the reference).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=None,
    help="Time limit in seconds for each shape's SPARQL query (default: $ICSKG_TIMEOUT or 120).",
)
@click.pass_obj
def validate(obj, fmt, sources, engine, timeout):
    """Validate the graph: exit 0 if it conforms, 1 if not, 2 on an input error."""
    from ..validate import validate as run
    from ..validate.formats import FORMATTERS

    report = run(obj.settings(sources=sources, engine=engine, timeout=timeout))
    emit(FORMATTERS[fmt](report))
    sys.exit(EXIT_OK if report.conforms else EXIT_NOT_CONFORMING)


@main.command("fmt")
@click.option("--check", is_flag=True, help="List files not in canonical form (exit 1) instead of rewriting them.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def fmt_command(obj, check, files):
    """Rewrite Turtle files (default: ontology, shapes, data) into canonical form."""
    from ..build.repository import find_repository
    from ..fmt import format_files

    root = None
    if files:
        paths = list(files)
    else:
        repo = find_repository(obj.root)
        root = repo.root
        paths = repo.graph_files() + repo.shape_files()
    changed = format_files(paths, check, root)
    for path in changed:
        click.echo(f"{'not canonical' if check else 'reformatted'}: {path}")
    if check and changed:
        sys.exit(1)
    if not changed:
        click.echo(f"{len(paths)} file(s) already canonical")


@main.command()
@click.option("-f", "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True)
@click.pass_obj
def stats(obj, fmt):
    """Triples (asserted, inferred) and instances per class."""
    from ..build.pipeline import build
    from ..outputs.stats import summary

    data = summary(build(obj.settings()))
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    t = data["triples"]
    click.echo(f"triples: {t['asserted']} asserted, {t['inferred']} inferred, {t['total']} in all")
    for name, count in data["classes"].items():
        click.echo(f"{count:8d}  {name}")


@main.command()
@click.pass_obj
def showcase(obj):
    """Answer one showcase question from the stored queries: the ICS programme's second wave."""
    from ..api import open_graph
    from ..query.results import text_table

    kg = open_graph(settings=obj.settings())
    query = kg.stored(SHOWCASE_QUERY)
    click.echo(f"Q: {query.summary}")
    emit(text_table(kg.query_result(SHOWCASE_QUERY)))
