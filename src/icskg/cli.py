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
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The icskg repository (default: the one containing the current directory).",
)
@click.version_option(package_name="icskg")
@click.pass_context
def main(ctx, root):
    """icskg: build, validate and query the integrated-care knowledge graph."""
    ctx.obj = Context(root)


@main.command()
@click.option("-f", "--format", "fmt", type=click.Choice(sorted(FORMATTERS)), default="human", show_default=True)
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of source texts for quote checks (default: $ICSKG_SOURCES, else ../shared/sources).",
)
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
    changed = format_files(paths, check, None if files else repo.root)
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


# --- The query layer: queries, query, sparql, export, publish (issue 4) ----------------------------

QUERY_FORMATS = ["table", "csv", "json"]


def _open_kg(obj, endpoint: str | None, graph: str | None, timeout: float):
    from .api import open_graph

    return open_graph(obj.root, endpoint=endpoint, graph=graph, timeout=timeout)


def _endpoint_options(function):
    """--endpoint, --graph and --timeout, shared by `query` and `sparql`."""
    from .api import DEFAULT_GRAPH
    from .remote import DEFAULT_TIMEOUT

    function = click.option(
        "--timeout",
        type=click.FloatRange(min=0, min_open=True),
        default=DEFAULT_TIMEOUT,
        show_default=True,
        help="Seconds to wait for the endpoint.",
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


def _write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        stream.write(data)
        stream.flush()


def _write_output(data: bytes, output: str, size: str) -> None:
    """To stdout for `-`, else to the file, saying so (with `size`, e.g. "123 bytes") on stderr."""
    if output == "-":
        _write_stdout(data)
    else:
        Path(output).write_bytes(data)
        click.echo(f"wrote {output} ({size})", err=True)


def _emit(text: bytes | str) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    _write_stdout(data if data.endswith(b"\n") else data + b"\n")


def _output(fmt: str, run_result, run_serialized) -> None:
    from .results import text_table

    if fmt == "table":
        _emit(text_table(run_result()))
    else:
        _emit(run_serialized(fmt))


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
    from .catalogue import catalogue_graph, load_catalogue

    catalogue = load_catalogue(obj.repo().queries_dir, obj.repo().cache_dir)
    stored = [catalogue[name] for name in sorted(catalogue)]
    if fmt == "ttl":
        _emit(catalogue_graph(stored).serialize(format="longturtle"))
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


def _parameter_values(pairs: tuple[str, ...]) -> dict[str, str]:
    values: dict[str, str] = {}
    for pair in pairs:
        name, equals, value = pair.partition("=")
        if not equals or not name.strip():
            raise click.BadParameter(f"expected name=value, got {pair!r}", param_hint="-p/--param")
        if name.strip() in values:
            raise click.BadParameter(f"parameter {name.strip()!r} given twice", param_hint="-p/--param")
        values[name.strip()] = value
    return values


def _query_format_option(help_text: str):
    """The -f/--format option of the commands that print query results."""
    return click.option(
        "-f", "--format", "fmt", type=click.Choice(QUERY_FORMATS), default="table", show_default=True, help=help_text
    )


@main.command("query")
@click.argument("name")
@click.option("-p", "--param", "params", multiple=True, metavar="NAME=VALUE", help="A query parameter (repeatable).")
@_query_format_option("csv and json are the SPARQL 1.1 Query Results CSV and JSON formats.")
@_endpoint_options
@click.pass_obj
def query_command(obj, name, params, fmt, endpoint, graph_iri, timeout):
    """Run the stored query NAME (see `icskg queries`). Exit 2 on a bad parameter, 3 if the endpoint fails."""
    from .api import stored_query
    from .catalogue import load_catalogue
    from .params import bind

    values = _parameter_values(params)
    # Refuse a bad name or parameter before anything runs: before building the graph or calling out.
    bind(stored_query(load_catalogue(obj.repo().queries_dir, obj.repo().cache_dir), name), values)
    kg = _open_kg(obj, endpoint, graph_iri or None, timeout)
    _output(fmt, lambda: kg.query_result(name, **values), lambda f: kg.query_serialized(name, f, **values))


@main.command("sparql")
@click.argument("source", type=click.File("r", encoding="utf-8"), metavar="FILE|-")
@_query_format_option(
    "csv and json are the SPARQL 1.1 Query Results CSV and JSON formats (CONSTRUCT: json is JSON-LD)."
)
@_endpoint_options
@click.pass_obj
def sparql_command(obj, source, fmt, endpoint, graph_iri, timeout):
    """Run the SPARQL query in FILE (- for stdin)."""
    from .catalogue import parse_sparql

    text = source.read()
    parse_sparql(text, getattr(source, "name", None))
    kg = _open_kg(obj, endpoint, graph_iri or None, timeout)
    _output(fmt, lambda: kg.sparql_result(text), lambda f: kg.sparql_serialized(text, f))


_output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write, - for stdout.",
)
"""The -o/--output option of the commands that write a file or stdout."""


@main.command("export")
@click.option(
    "-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld", "trig"]), default="ttl", show_default=True
)
@click.option("--inferred", is_flag=True, help="Add the OWL 2 RL inferred triples (trig: in their own named graph).")
@_output_option
@click.option(
    "--with-description",
    is_flag=True,
    help="Add the DCAT/VoID dataset description (`icskg describe`; validates first).",
)
@click.pass_obj
def export_command(obj, fmt, inferred, output, with_description):
    """Write the asserted graph (with --inferred, also the inferred triples) in one RDF format."""
    from .export import export

    built = pipeline.build(obj.repo().root)
    data = export(built, fmt, inferred, _description(built, inferred) if with_description else None)
    _write_output(data, output, f"{len(data)} bytes")


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
    from .api import DEFAULT_GRAPH, open_graph
    from .publish import publish, update_url_for
    from .remote import check_url

    check_url(endpoint)
    update_url = update_url or update_url_for(endpoint)
    built = pipeline.build(obj.repo().root)
    done = publish(
        built.ntriples(), store=store, update=update_url, graph_iri=graph_iri or DEFAULT_GRAPH, timeout=timeout
    )
    remote = open_graph(obj.root, endpoint=endpoint, graph=done.graph, timeout=timeout)
    count = remote.sparql("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]
    click.echo(f"published {done.triples} triples to <{done.graph}>; the endpoint now holds {count}")


# --- registries (issue 5): `icskg registries import`, `icskg links check`, `icskg links suggest NAME` ---
@main.group()
def registries():
    """Registry extracts (ONS, NHS ODS, ROR/Wikidata) in registries/ -> data/registries/."""


@registries.command("import")
@click.pass_obj
def registries_import(obj):
    """Write data/registries/*.ttl and registries/unlinked.md from registries/ (reproducibly)."""
    from .registries import import_registries

    result = import_registries(obj.repo().root)
    for path, count in sorted(result.files.items()):
        click.echo(f"{count:7d} triples  {path}")
    click.echo(f"{result.triples} triples in {len(result.files)} files, {result.seconds:.1f} s")


@main.group()
def links():
    """Check registry links, or suggest registry matches for a name."""


@links.command("check")
@click.pass_obj
def links_check(obj):
    """Fail (exit 1) on a code no extract holds, a code of the wrong kind, or a link against its vintage dates."""
    from .registries import check_repository

    problems, warnings = check_repository(obj.repo().root)
    for warning in warnings:
        click.echo(f"warning: {warning}")
    for p in problems:
        click.echo(f"error: {p.focus}: {p.message}")
    click.echo(f"{len(problems)} problem(s)")
    sys.exit(1 if problems else 0)


@links.command("suggest")
@click.argument("name")
@click.pass_obj
def links_suggest(obj, name):
    """Registry entities whose names match NAME (normalised), across vintages. Writes nothing."""
    from .registries import suggest

    found = suggest(obj.repo().root, name)
    if not found:
        click.echo(f"no registry name matches {name!r} (after normalisation)")
    for entry in found:
        names = "; ".join(f"{n} ({', '.join(v)})" for n, v in sorted(entry["names"].items()))
        click.echo(f"{entry['score']:.2f}  <{entry['entity']}>  {', '.join(sorted(entry['codes']))}  {names}")


# --- Documentation and the dataset description (issue 6): `icskg docs`, `icskg describe` -------------


def _description(built, inferred: bool, sources: Path | None = None):
    """The DCAT/VoID description of a build, after validating it (conformsTo only if it conforms)."""
    from .describe import describe

    report = pipeline.check(built, sources)
    if not report.conforms:
        click.echo("icskg: the graph does not conform: the description states no dcterms:conformsTo", err=True)
    return describe(built, report, inferred)


@main.command("describe")
@click.option("-f", "--format", "fmt", type=click.Choice(["ttl", "nt", "jsonld"]), default="ttl", show_default=True)
@click.option("--inferred", is_flag=True, help="Count the inferred triples too (as `icskg export --inferred` writes).")
@_output_option
@click.option(
    "--sources", type=click.Path(file_okay=False, path_type=Path), help="Folder of source texts (as validate)."
)
@click.pass_obj
def describe_command(obj, fmt, inferred, output, sources):
    """The dataset description (DCAT, VoID): version, licences, statistics, shapes conformed to, distributions."""
    from .fmt import canonical_turtle

    description = _description(pipeline.build(obj.repo().root), inferred, sources)
    if fmt == "ttl":
        data = canonical_turtle(description).encode("utf-8")
    else:
        data = description.serialize(format={"nt": "nt", "jsonld": "json-ld"}[fmt], encoding="utf-8")
    _write_output(data, output, f"{len(description)} triples")


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
    """Ontology documentation as HTML with pyLODE (pip install 'icskg[docs]'): index.html and concepts.html."""
    from .docs import make_docs

    repo = obj.repo()
    for path in make_docs(repo, output or repo.root / "docs" / "ontology"):
        click.echo(f"wrote {path}")
