"""The `icskg` command. Exit codes: 0 ok; 1 the graph does not conform / files not canonical;
2 usage or input error; 3 endpoint error."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from . import pipeline
from .errors import IcskgError
from .repo import find_repository
from .report import FORMATTERS


class Context:
    def __init__(self, root: Path | None):
        self.root = root

    def repo(self):
        return find_repository(self.root)


def _fail(error: IcskgError) -> None:
    click.echo(f"icskg: {error}", err=True)
    sys.exit(error.exit_code)


class IcskgGroup(click.Group):
    """Turns IcskgError into its message and exit code, so users never see a traceback for bad input."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except IcskgError as error:
            _fail(error)


@click.group(cls=IcskgGroup)
@click.option("--root", type=click.Path(file_okay=False, path_type=Path), help="The icskg repository (default: the one containing the current directory).")
@click.version_option(package_name="icskg")
@click.pass_context
def main(ctx, root):
    """icskg: build, validate and query the integrated-care knowledge graph."""
    ctx.obj = Context(root)


@main.command()
@click.option("-f", "--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="human", show_default=True)
@click.option("--sources", type=click.Path(file_okay=False, path_type=Path), help="Folder of source texts for quote checks (default: $ICSKG_SOURCES, else ../shared/sources).")
@click.pass_obj
def validate(obj, fmt, sources):
    """Validate the graph: exit 0 if it conforms, 1 if not, 2 on an input error."""
    built = pipeline.build(obj.repo().root)
    report = pipeline.check(built, sources)
    click.echo(FORMATTERS[fmt](report))
    sys.exit(0 if report.conforms else 1)


@main.command("fmt")
@click.option("--check", is_flag=True, help="List files not in canonical form (exit 1) instead of rewriting them.")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.pass_obj
def fmt_command(obj, check, files):
    """Rewrite Turtle files (default: ontology, shapes, data) into canonical form."""
    from .fmt import format_files

    if files:
        paths = list(files)
    else:
        repo = obj.repo()
        paths = repo.graph_files() + repo.shape_files()
    changed = format_files(paths, check)
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
    from .stats import summary

    built = pipeline.build(obj.repo().root)
    data = summary(built.asserted, built.inferred)
    if fmt == "json":
        click.echo(json.dumps(data, indent=2))
        return
    t = data["triples"]
    click.echo(f"triples: {t['asserted']} asserted, {t['inferred']} inferred, {t['total']} in all")
    for name, count in data["classes"].items():
        click.echo(f"{count:8d}  {name}")


SHOWCASE_QUERY = "second_wave_partnerships"


@main.command()
@click.pass_obj
def showcase(obj):
    """Answer one showcase question from the stored queries: the ICS programme's second wave."""
    from .api import KnowledgeGraph

    kg = KnowledgeGraph(pipeline.build(obj.repo().root))
    query = kg.stored(SHOWCASE_QUERY)
    click.echo(f"Q: {query.summary}")
    for row in kg.query(SHOWCASE_QUERY):
        click.echo("   " + " | ".join("" if v is None else str(v) for v in row.values()))
