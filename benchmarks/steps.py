"""What runs inside one benchmark child process: icskg's in-process steps, or one reference tool.

    .venv/bin/python benchmarks/steps.py SPEC.json OUT.json

run.py writes the spec (what graph, which steps, how many runs) and reads OUT.json back. One process
per graph and kind, so that its ru_maxrss is the peak of that graph's work alone:

- core: pyoxigraph bulk_load (the parse reference); icskg's parse (`load_turtle`, file by file) and
  rules (`materialise`) on a fresh store; `build_files` (parse + infer) followed, on that same fresh
  graph, by `validate_graph(..., "compiled")`; then every stored query on the last built graph.
- pyshacl: `validate_graph(..., "pyshacl")` on a freshly built graph per run (the build is not timed).
- owlrl: `owlrl_closure` of a freshly parsed store per run (the parse is not timed), then the closure
  compared with icskg's rules on another fresh store (not timed).

Each timed step runs `repeat` times, or once when a run takes longer than `long_seconds`. A reference
step (pyshacl, owlrl) is stopped at `cap` seconds (SIGALRM: both are pure Python) and reported as such.
"""

from __future__ import annotations

import contextlib
import json
import os
import resource
import signal
import statistics
import sys
import time
from pathlib import Path


class Capped(BaseException):
    """Raised by the alarm; a BaseException so that no `except Exception` in a library swallows it."""


def peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(peak / 2**20 if sys.platform == "darwin" else peak / 2**10, 1)  # bytes on macOS, KiB on Linux


def _die_with_parent() -> None:
    """On Linux, have the kernel stop this process if the driver dies, so nothing runs on unobserved."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


class Runs:
    """The runs of one step: wall and CPU seconds, the 1-minute load average when each started."""

    def __init__(self, spec: dict, cap: float | None = None):
        self.repeat = spec["repeat"]
        self.long_seconds = spec["long_seconds"]
        self.cap = cap
        self.seconds: list[float] = []
        self.cpu: list[float] = []
        self.load: list[float] = []
        self.timed_out = False

    def more(self) -> bool:
        if self.timed_out or len(self.seconds) >= self.repeat:
            return False
        return not self.seconds or self.seconds[-1] <= self.long_seconds

    def time(self, action):
        """Run `action()` once, timed (and capped, if this step has a cap); its result, or None if capped."""
        self.load.append(round(os.getloadavg()[0], 2))
        if self.cap:
            signal.signal(signal.SIGALRM, _alarm)
            signal.setitimer(signal.ITIMER_REAL, self.cap)
        started, cpu_started = time.perf_counter(), time.process_time()
        try:
            result = action()
        except Capped:
            self.timed_out = True
            return None
        finally:
            elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
            if self.cap:
                signal.setitimer(signal.ITIMER_REAL, 0)
        self.seconds.append(round(elapsed, 4))
        self.cpu.append(round(cpu, 4))
        return result

    def figures(self) -> dict:
        out = {"runs": self.seconds, "cpu_runs": self.cpu, "load": self.load}
        if self.seconds:
            out["median_s"] = round(statistics.median(self.seconds), 4)
            out["median_cpu_s"] = round(statistics.median(self.cpu), 4)
        if self.timed_out:
            out.update(timed_out=True, cap=self.cap)
        return out


def _alarm(_signum, _frame):
    raise Capped


# -- inputs ------------------------------------------------------------------------------------------------
def _inputs(spec: dict):
    from icskg.build.files import read_turtle_files
    from icskg.settings import Settings

    root = Path(spec["root"])
    files = read_turtle_files([Path(p) for p in spec["graph_files"]], root)
    shape_files = read_turtle_files([Path(p) for p in spec["shape_files"]], root)
    settings = Settings.load(root=root, environ={})  # defaults: icskg's rules, compiled engine, no progress
    return root, files, shape_files, settings


def _shapes_and_sources(spec: dict, shape_files):
    """A fresh ShapesGraph and SourceTexts per run (both cache what they compute)."""
    from icskg.validate import ShapesGraph, SourceTexts

    sources = SourceTexts(Path(spec["sources"])) if spec.get("sources") else None
    return ShapesGraph(shape_files), sources


def _keys(report) -> list:
    return sorted({r.key() for r in report.results}, key=lambda k: tuple("" if x is None else x for x in k))


# -- core: icskg's own steps --------------------------------------------------------------------------------
def core(spec: dict) -> dict:
    import pyoxigraph as ox

    from icskg.api import KnowledgeGraph
    from icskg.build.parse import load_turtle
    from icskg.build.pipeline import build_files
    from icskg.build.rules import INFERRED, materialise
    from icskg.query.catalogue import load_catalogue
    from icskg.validate import validate_graph

    started = time.perf_counter()
    root, files, shape_files, settings = _inputs(spec)
    out: dict = {"read_s": round(time.perf_counter() - started, 4), "files": len(files)}
    out["icskg"] = sys.modules["icskg"].__file__  # which copy of icskg this process measured
    out["input_mb"] = round(sum(len(f.data) for f in files) / 2**20, 2)
    peaks = {"after reading": peak_mb()}

    raw = Runs(spec)
    while raw.more():
        store = ox.Store()

        def bulk_load(store=store):
            for file in files:
                store.bulk_load(file.data, format=ox.RdfFormat.TURTLE)
            return len(store)

        out["raw_triples"] = raw.time(bulk_load)
        del store
    out["oxigraph_parse"] = raw.figures()
    peaks["after pyoxigraph bulk_load"] = peak_mb()

    parse, rules = Runs(spec), Runs(spec)
    while parse.more() and rules.more():  # paired runs: both stop when either is long
        store = ox.Store()

        def load(store=store):
            for file in files:
                load_turtle(store, file)

        parse.time(load)
        covered = rules.time(lambda store=store: materialise(store))
        out["rules_cover_the_graph"] = covered
        out["rules_inferred"] = len(list(store.quads_for_pattern(None, None, None, INFERRED)))
        del store
    out["parse"], out["rules"] = parse.figures(), rules.figures()
    peaks["after parse + rules"] = peak_mb()

    build, validate = Runs(spec), Runs(spec)
    totals = []
    graph = report = None
    while build.more() and validate.more():
        graph = report = None  # the previous run's graph goes before the next is built
        graph = build.time(lambda: build_files(files, settings))
        if not totals:
            peaks["after build"] = peak_mb()
        shapes, sources = _shapes_and_sources(spec, shape_files)
        report = validate.time(lambda g=graph, s=shapes, t=sources: validate_graph(g, s, t, "compiled"))
        totals.append(round(build.seconds[-1] + validate.seconds[-1], 4))
        if len(totals) == 1:
            peaks["after build + compiled validation"] = peak_mb()
    out["build"], out["validate_compiled"] = build.figures(), validate.figures()
    out["total"] = {"runs": totals, "median_s": round(statistics.median(totals), 4)}
    out["triples"] = graph.count()
    out["inferred"] = graph.count(INFERRED)
    out["reasoning"] = {"reasoner": graph.reasoning.reasoner, "reason": graph.reasoning.reason}
    out["results"] = report.counts()
    out["notes"] = report.notes
    Path(spec["keys_out"]).write_text(json.dumps(_keys(report)), encoding="utf-8")

    catalogue = load_catalogue(Path(spec["queries"]))
    kg = KnowledgeGraph(graph, catalogue=catalogue)
    out["catalogue_problems"] = [str(p) for p in catalogue.problems]
    queries = {}
    for query in kg.queries():
        times, rows = [], None
        for _ in range(spec["query_repeat"]):
            t = time.perf_counter()
            answer = kg.query(query.name, **dict(query.example))
            times.append(time.perf_counter() - t)
            rows = answer if isinstance(answer, bool) else len(answer)
        queries[query.name] = {"median_ms": round(statistics.median(times) * 1000, 3), "rows": rows}
    out["queries"] = queries
    peaks["after queries"] = peak_mb()
    out["peaks_mb"] = peaks
    out["peak_mb"] = peak_mb()
    return out


# -- references ----------------------------------------------------------------------------------------------
def pyshacl(spec: dict) -> dict:
    from icskg.build.pipeline import build_files
    from icskg.validate import validate_graph

    _root, files, shape_files, settings = _inputs(spec)
    runs = Runs(spec, spec.get("cap"))
    out: dict = {}
    while runs.more():
        graph = None
        graph = build_files(files, settings)
        shapes, sources = _shapes_and_sources(spec, shape_files)
        report = runs.time(lambda graph=graph, shapes=shapes, sources=sources: validate_graph(
            graph, shapes, sources, "pyshacl"))  # fmt: skip
        if report is not None and "results" not in out:
            out["results"] = report.counts()
            Path(spec["keys_out"]).write_text(json.dumps(_keys(report)), encoding="utf-8")
    out.update(runs.figures())
    out["peak_mb"] = peak_mb()
    return out


def owlrl(spec: dict) -> dict:
    import pyoxigraph as ox

    from icskg.build.parse import load_turtle
    from icskg.build.reference import owlrl_closure
    from icskg.build.rules import INFERRED, materialise

    _root, files, _shape_files, _settings = _inputs(spec)

    def parsed() -> ox.Store:
        store = ox.Store()
        for file in files:
            load_turtle(store, file)
        return store

    runs = Runs(spec, spec.get("cap"))
    closure = None
    while runs.more():
        store = parsed()
        found = runs.time(lambda store=store: owlrl_closure(store))
        if found is not None:
            closure = found
        del store
    out = runs.figures()
    out["peak_mb"] = peak_mb()
    if closure is not None:
        store = parsed()
        materialise(store)
        ours = {(q.subject, q.predicate, q.object) for q in store.quads_for_pattern(None, None, None, INFERRED)}
        out["inferred"] = len(closure)
        out["rules_inferred"] = len(ours)
        out["differences"] = len(closure ^ ours)
    return out


KINDS = {"core": core, "pyshacl": pyshacl, "owlrl": owlrl}


def main(argv: list[str]) -> int:
    _die_with_parent()
    spec = json.loads(Path(argv[0]).read_text(encoding="utf-8"))
    out = KINDS[spec["kind"]](spec)
    Path(argv[1]).write_text(json.dumps(out, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
