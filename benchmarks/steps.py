"""The benchmark steps that go through icskg's public entry points, and the references they are compared with.

Each function prepares what its step needs (untimed) and returns `(run, finish)`: `run()` is the timed
action, `finish(result, out)` adds the step's own figures to the worker's output. run.py times `run`
in a fresh process per run. See README.md for what each figure means.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
MIRRORED = ("ontology", "shapes", "queries", "registries", "pyproject.toml")


def mirror(folder: Path, data_files: list[Path] | None) -> Path:
    """A repository that reads this checkout's ontology, shapes, queries and registries (symbolic links)
    and the given data files (None: the checkout's own data/), with a cache of its own."""
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name in MIRRORED:
        (folder / name).symlink_to(ROOT / name)
    if data_files is None:
        (folder / "data").symlink_to(ROOT / "data")
    else:
        (folder / "data").mkdir()
        for path in data_files:
            (folder / "data" / path.name).symlink_to(path.resolve())
    return folder


def _clear_cache(root: Path) -> None:
    shutil.rmtree(root / ".icskg-cache", ignore_errors=True)


def _open_and_check(root: Path):
    import icskg

    kg = icskg.open_graph(root)
    return kg, icskg.check(kg.build)


def _report_figures(result, out: dict) -> None:
    kg, report = result
    out["results"] = report.counts()
    out["triples"] = len(kg.backend.store)


def open_cold(spec: dict):
    """open_graph alone with an empty cache: parse and infer (in Oxigraph), load the query engine, read the
    catalogue; what a notebook pays before its first query after an edit."""
    import icskg

    root = Path(spec["mirror"])
    _clear_cache(root)

    def finish(kg, out):
        out["triples"] = len(kg.backend.store)

    return (lambda: icskg.open_graph(root)), finish


def cold(spec: dict):
    """open_graph + check with an empty cache: parse, infer, validate, load the query engine, read the catalogue."""
    root = Path(spec["mirror"])
    _clear_cache(root)
    return (lambda: _open_and_check(root)), _report_figures


def warm(spec: dict):
    """The same with nothing changed since a previous run: everything comes from the cache."""
    root = Path(spec["mirror"])
    _open_and_check(root)  # fills the cache if the cold step did not
    return (lambda: _open_and_check(root)), _report_figures


def pyshacl_reference(spec: dict, loaded, inferred, shapes):
    """Plain pySHACL on the same asserted + inferred triples and shapes (no icskg checks, no result records)."""
    import pyshacl
    from rdflib import Graph

    data = Graph()
    data += loaded.graph
    data += inferred

    def run():
        return pyshacl.validate(
            data, shacl_graph=shapes, inference="none", advanced=True, allow_warnings=True, allow_infos=True
        )

    def finish(result, out):
        out["conforms"] = bool(result[0])

    return run, finish


def queries(spec: dict):
    """Every stored query, median of `query_repeat` runs, on icskg's embedded default (rdflib Result rows)
    and on raw pyoxigraph (the same triples, the same VALUES-bound text, every term of every solution read)."""
    import pyoxigraph

    import icskg
    from icskg.params import bind, with_values

    root = Path(spec["mirror"])
    kg = icskg.open_graph(root)
    store = pyoxigraph.Store()
    store.bulk_load(kg.build.ntriples(), format=pyoxigraph.RdfFormat.N_TRIPLES)
    repeat = spec.get("query_repeat", 5)

    def median(action) -> tuple[float, object]:
        times, answer = [], None
        for _ in range(repeat):
            started = time.perf_counter()
            answer = action()
            times.append(time.perf_counter() - started)
        return statistics.median(times), answer

    def run():
        figures = {}
        for query in kg.queries():
            example = dict(query.example)
            sent = with_values(query.text, bind(query, example))

            def ours(query=query, example=example):
                result = kg.query_result(query.name, **example)
                return result.askAnswer if query.form == "ASK" else len(list(result))

            def reference(sent=sent):
                result = store.query(sent)
                return bool(result) if isinstance(result, bool) else len([tuple(solution) for solution in result])

            ours_s, rows = median(ours)
            reference_s, _ = median(reference)
            figures[query.name] = {"icskg_ms": ours_s * 1000, "pyoxigraph_ms": reference_s * 1000, "rows": rows}
        return figures

    def finish(result, out):
        out["queries"] = {name: {k: round(v, 3) if isinstance(v, float) else v for k, v in f.items()}
                          for name, f in result.items()}  # fmt: skip
        out["query_median_ms"] = round(statistics.median(f["icskg_ms"] for f in result.values()), 3)
        out["query_pyoxigraph_median_ms"] = round(statistics.median(f["pyoxigraph_ms"] for f in result.values()), 3)

    return run, finish


def publish(spec: dict):
    """`icskg publish` (Graph Store Protocol into a staging graph, then MOVE) to a local Oxigraph server;
    the reference is one plain Graph Store Protocol PUT of the same N-Triples."""
    import icskg
    from icskg.publish import publish as icskg_publish

    sys.path.insert(0, str(ROOT / "tests"))
    from oxigraph_server import start_oxigraph

    kg = icskg.open_graph(Path(spec["mirror"]))
    body = kg.build.ntriples()
    server = start_oxigraph()
    os.environ["ICSKG_PROGRESS"] = "0"

    def reference() -> float:
        request = urllib.request.Request(
            f"{server.store_url}?graph=urn:x-benchmark:reference",
            data=body,
            method="PUT",
            headers={"Content-Type": "application/n-triples"},
        )
        started = time.perf_counter()
        with urllib.request.urlopen(request, timeout=600) as response:
            response.read()
        return time.perf_counter() - started

    def run():
        return icskg_publish(body, store=server.store_url, update=server.update_url, progress=False)

    def finish(result, out):
        out["triples"] = result.triples
        out["reference_seconds"] = round(reference(), 4)
        server.stop()

    return run, finish
