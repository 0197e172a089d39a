"""queries, query, sparql: the stored queries and ad-hoc SPARQL, embedded or against an endpoint."""

from __future__ import annotations

import json

import click

from ..errors import InputError
from ..namespaces import DEFAULT_GRAPH
from ..settings import ENDPOINT_TIMEOUT
from .main import main
from .output import emit, stream_stdout

QUERY_FORMATS = ["table", "csv", "tsv", "json"]


def endpoint_options(function):
    """--endpoint, --graph and --timeout, shared by `query` and `sparql`."""
    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=None,
        help=f"Time limit in seconds for the whole query (default: $ICSKG_TIMEOUT or 120 in-process, "
        f"{ENDPOINT_TIMEOUT:g} for an endpoint). Ctrl-C stops it too.",
    )(function)
    function = click.option(
        "--graph",
        "graph_iri",
        default=DEFAULT_GRAPH,
        show_default=True,
        help="With --endpoint: the named graph to query as the default graph ('' for the endpoint's default graph).",
    )(function)
    return click.option(
        "--endpoint", metavar="QUERY_URL", help="Query this SPARQL 1.1 endpoint instead of the graph built in-process."
    )(function)


def format_option(help_text: str):
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True, help=help_text
    )


def open_kg(obj, endpoint: str | None, graph: str | None, timeout: float | None):
    from ..api import open_graph

    settings = obj.settings(timeout=timeout)
    return open_graph(obj.root, endpoint=endpoint, graph=graph or None, timeout=timeout, settings=settings)


def output(fmt: str, run_result, run_streamed) -> None:
    """A table for people (held in memory), or a results document streamed to stdout as it is produced."""
    from ..query.results import text_table

    if fmt == "table":
        emit(text_table(run_result()))
    else:
        stream_stdout(lambda out: run_streamed(out, fmt))


def catalogue_of(obj):
    from ..query.catalogue import load_catalogue
    from ..release import repository_or_release

    catalogue = load_catalogue(repository_or_release(obj.root).queries_dir)
    for problem in catalogue.problems:
        click.echo(f"icskg: skipped a stored query: {problem}", err=True)
    return catalogue


@main.command("queries")
@click.option(
    "-f",
    "--format",
    "fmt",
    type=click.Choice(["table", "json", "ttl"]),
    default="table",
    show_default=True,
    help="json: name, summary and parameters of each query; ttl: the catalogue as RDF (SHACL-AF executables).",
)
@click.pass_obj
def queries_command(obj, fmt):
    """List the stored queries (queries/*.rq) and their parameters."""
    from ..query.catalogue import catalogue_graph

    stored = list(catalogue_of(obj))
    if fmt == "ttl":
        emit(catalogue_graph(stored).serialize(format="longturtle"))
        return
    if fmt == "json":
        listing = [
            {
                "name": q.name,
                "summary": q.summary,
                "form": q.form,
                "tags": list(q.tags),
                "parameters": [
                    {
                        "name": p.name,
                        "type": p.type,
                        "required": p.required,
                        "default": p.default,
                        "description": p.description,
                    }
                    for p in q.parameters
                ],
                "example": q.example,
            }
            for q in stored
        ]
        click.echo(json.dumps(listing, indent=2, default=str))
        return
    width = max((len(q.name) for q in stored), default=0)
    for q in stored:
        click.echo(f"{q.name.ljust(width)}  {q.summary}")
        for p in q.parameters:
            need = "required" if p.required else (f"default {p.default}" if p.default is not None else "optional")
            click.echo(f"{'':{width}}    -p {p.name}=<{p.type}>  ({need}) {p.description}".rstrip())


def parameter_values(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"expected name=value, got {pair!r}", param_hint="-p/--param")
        if name.strip() in values:
            raise click.BadParameter(f"parameter {name.strip()!r} given twice", param_hint="-p/--param")
        values[name.strip()] = value
    return values


@main.command("query")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@format_option("csv, tsv and json are the SPARQL 1.1 Query Results formats, streamed (any size of answer).")
@endpoint_options
@click.pass_obj
def query_command(obj, name, params, fmt, endpoint, graph_iri, timeout):
    """Run the stored query NAME (see `icskg queries`). Exit 2 on a bad parameter, 3 if the endpoint fails."""
    from ..api import KnowledgeGraph
    from ..query.params import bind

    values = parameter_values(params)
    catalogue = catalogue_of(obj)
    bind(catalogue.get(name), values)  # refuse a bad name or parameter before building or calling out
    kg = open_kg(obj, endpoint, graph_iri, timeout)
    kg = KnowledgeGraph(kg.built, backend=kg.backend, catalogue=catalogue)
    output(fmt, lambda: kg.query_result(name, **values), lambda out, f: kg.query_to(name, out, f, **values))


@main.command("sparql")
@click.argument("source", type=click.File("rb"), metavar="[FILE|-]", required=False)
@click.option("-q", "--query", "inline", metavar="SPARQL", help="The query itself, instead of FILE.")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="Bind ?NAME (repeatable).")
@click.option("--allow-service", is_flag=True, help="Let a SERVICE clause call another endpoint (refused otherwise).")
@format_option("csv, tsv and json are the SPARQL 1.1 Query Results formats, streamed (CONSTRUCT: json is JSON-LD).")
@endpoint_options
@click.pass_obj
def sparql_command(obj, source, inline, params, allow_service, fmt, endpoint, graph_iri, timeout):
    """Run ad-hoc SPARQL from FILE (- for stdin) or -q TEXT.

    icskg's prefixes (icskg:, skos:, partnership:, ...) are declared where the query uses them. A value of
    -p NAME=VALUE is an IRI when written <...> or as a prefixed name, a literal when written in Turtle
    ("x"@en, "5"^^xsd:integer), else a string; it is bound like a stored query's parameter."""
    from ..api import ad_hoc

    if (source is None) == (inline is None):
        raise click.UsageError("give the query as FILE (or - for stdin), or with -q TEXT, not both")
    where = "-q" if inline is not None else getattr(source, "name", "-")
    if inline is not None:
        text = inline
    else:
        try:
            text = source.read().decode("utf-8")
        except UnicodeDecodeError:
            raise InputError("not UTF-8 text; save the query as UTF-8", where) from None
    values = parameter_values(params)
    ad_hoc(text, values, allow_service, where)  # refuse bad SPARQL or parameters before building or calling out
    kg = open_kg(obj, endpoint, graph_iri, timeout)
    output(
        fmt,
        lambda: kg.sparql_result(text, params=values, allow_service=allow_service),
        lambda out, f: kg.sparql_to(text, out, f, params=values, allow_service=allow_service),
    )
