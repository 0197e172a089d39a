"""Stage 2, validation: shapes checked, compiled to SPARQL and run on the store (pySHACL as the reference
and the fallback), then the data QC rules (queries/qc/*-violation.rq, icskg.validate.qc); every check one
SHACL result in one report, cached under the bytes it depends on.

    report = icskg.validate()                       # the repository's graph, its shapes, QC rules, sources
    report = validate_graph(graph, shapes, sources)  # any built graph and shapes, no cache
    report = validate_graph(graph, shapes, sources, rules=load_rules(files))  # with QC rules
"""

from __future__ import annotations

from ..build import cache as caching
from ..build.files import digest_of, read_turtle_files
from ..build.graph import BuiltGraph
from ..build.pipeline import build, read_inputs
from ..progress import step
from ..settings import Settings
from .compiler import compile_shapes
from .engine import Runner, ShapeNames, bounded, sort_results
from .functions import Functions
from .qc import QcRule, load_rules, read_rules, run_rules
from .reference import pyshacl_results
from .report import Report, Result
from .shape_check import check_shapes
from .shapes import ShapesGraph
from .sources import SourceTexts

NO_SOURCES = "source texts not found: quotes were not checked against their sources (use --sources DIR)"

__all__ = ["QcRule", "Report", "Result", "ShapesGraph", "SourceTexts", "load_rules", "validate", "validate_graph"]


def validate(settings: Settings | None = None) -> Report:
    """The repository's report: from the cache when no byte of graph, shapes or sources changed."""
    settings = settings or Settings.load()
    inputs = read_inputs(settings)
    repo = inputs.repo
    shape_files = read_turtle_files(repo.shape_files(), repo.root)
    rule_files = read_rules(repo.qc_dir, repo.root)
    folder = repo.sources_dir(settings.sources, required=settings.sources_explicit)
    sources = SourceTexts(folder) if folder is not None else None
    cache = caching.open_cache(settings, repo)
    key = caching.key(
        "report",
        inputs.key,
        digest_of(shape_files),
        "qc " + digest_of(rule_files),
        sources.digest() if sources else "no sources",
        settings.engine,
    )
    stored = cache.get("report", key, ".json")
    if stored is not None:
        try:
            return Report.from_json(stored)
        except (ValueError, KeyError, TypeError):
            pass  # a damaged entry is a miss
    rules = load_rules(rule_files)
    graph = build(settings, inputs)
    shapes = ShapesGraph(shape_files)
    report = validate_graph(graph, shapes, sources, settings.engine, settings.progress, settings.timeout, rules)
    cache.put("report", key, report.to_json(), ".json")
    return report


def validate_graph(
    graph: BuiltGraph,
    shapes: ShapesGraph,
    sources: SourceTexts | None = None,
    engine: str = "compiled",
    progress: bool = False,
    timeout: float = 120.0,
    rules: list[QcRule] | None = None,
) -> Report:
    """Check the shapes, then validate the graph with the compiled engine (or pySHACL), run the QC rules on the
    store (whichever engine checks the shapes), and collect notes."""
    check_shapes(shapes)
    functions = Functions(sources, graph.query)
    names = ShapeNames(shapes)
    oxigraph_functions = functions.for_oxigraph()
    query = bounded(lambda text: graph.query(text, custom_functions=oxigraph_functions), timeout)
    runner = Runner(shapes, query, graph.origins_of, names, progress)
    notes = []
    with step(f"validating ({engine} SHACL engine, {len(shapes)} shape triples)", progress):
        if engine == "pyshacl":
            results = pyshacl_results(_data(graph), shapes, functions, runner)
            notes.append("validated by pySHACL, the reference engine (--engine pyshacl)")
        else:
            plan = compile_shapes(shapes, closed_types=graph.reasoning.closes_types)
            results, failed = runner.run(plan)
            declined = {**plan.declined, **failed}
            if declined:
                results += pyshacl_results(_data(graph), shapes, functions, runner, only=set(declined))
                listed = "; ".join(f"{names.name(top)} ({why})" for top, why in sorted(declined.items(), key=str))
                notes.append(f"pySHACL validated {len(declined)} shape(s) the compiler does not cover: {listed}")
    if rules:
        with step(f"running {len(rules)} QC rule(s)", progress):
            results += run_rules(rules, query, runner.make)
    functions.raise_errors()
    if graph.reasoning.note():
        notes.append(graph.reasoning.note())
    if sources is None:
        notes.append(NO_SOURCES)
    return Report(sort_results(results), notes, dict(runner.paths))


def _data(graph: BuiltGraph) -> list:
    return list(graph.asserted()) + list(graph.inferred())
