"""Benchmark the icskg pipeline (load -> infer -> validate) on the repository's graph and on generated landscapes.

    .venv/bin/python benchmarks/run.py [--sizes 10k,100k,1m] [--repeat 3] [--timeout-seconds 600] [--json FILE]

Each step of each run is measured in its own subprocess, so that its peak memory (ru_maxrss) is the
peak of that step's process and one step's garbage does not slow the next. A step's process first
prepares what the step needs (the infer step loads the graph; the validate step loads the graph and
the inferred triples that the infer step saved), then times the step alone. A step that runs past
the cap is stopped and reported as "> cap". See benchmarks/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import math
import os
import platform
import resource
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)
import steps as public_steps  # noqa: E402

STEPS = ("parse", "oxigraph", "infer", "owlrl", "validate", "pyshacl", "open", "cold", "warm", "queries", "publish")
REFERENCES = {"parse": "oxigraph", "infer": "owlrl", "validate": "pyshacl"}
"""icskg's step -> the reference step measured in the same run (plain rdflib + owlrl + pySHACL; pyoxigraph)."""
MIRROR_STEPS = ("open", "cold", "warm", "queries", "publish")
PACKAGES = ("rdflib", "owlrl", "pyshacl", "pyoxigraph", "icskg")


# -- worker: one step in one process ----------------------------------------------------------------
class StepTimeout(Exception):
    pass


def _rss_mb() -> float:
    """The current resident set size of this process (Linux /proc; 0 where unavailable)."""
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0.0
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def _peak_mb() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB on Linux


class Parts:
    """Time spent inside named functions during the step: a coarse profile at no real cost."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def wrap(self, owner, attribute: str, name: str) -> None:
        original = getattr(owner, attribute)

        def timed(*args, **kwargs):
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.seconds[name] = self.seconds.get(name, 0.0) + time.perf_counter() - started

        setattr(owner, attribute, timed)


def _load(spec: dict):
    from icskg.load import load_files

    return load_files([Path(p) for p in spec["files"]], Path(spec["root"]))


def _die_with_parent() -> None:
    """On Linux, have the kernel stop this worker if the driver dies (so no step keeps running unobserved)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError, AttributeError):
            import ctypes

            ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def worker(spec: dict) -> dict:
    """Run one step as the spec says; return its figures."""
    _die_with_parent()
    step = spec["step"]
    out: dict = {"step": step}
    parts = Parts()
    finish = None
    if spec.get("sources"):
        os.environ["ICSKG_SOURCES"] = spec["sources"]
    if step == "parse":
        import icskg.load

        parts.wrap(icskg.load, "parse_turtle", "rdflib turtle parse")
        parts.wrap(icskg.load, "parse_with_oxigraph", "oxigraph turtle parse")
        parts.wrap(icskg.load, "subject_lines", "origin line scan")
        run = lambda: _load(spec)  # noqa: E731
    elif step == "oxigraph":
        import pyoxigraph

        def run():
            return sum(1 for p in spec["files"] for _ in pyoxigraph.parse(path=p, format=pyoxigraph.RdfFormat.TURTLE))
    elif step in ("infer", "owlrl"):
        import owlrl

        import icskg.rules
        from icskg.reason import infer

        loaded = _load(spec)
        parts.wrap(owlrl.DeductiveClosure, "expand", "owlrl expand")
        parts.wrap(icskg.rules, "closure", "icskg.rules closure")
        using = "owlrl" if step == "owlrl" else "auto"
        run = lambda: infer(loaded.graph, using=using)  # noqa: E731
    elif step == "validate":
        import pyshacl

        import icskg.validate
        from icskg.validate import validate

        loaded, inferred, shapes = _validation_inputs(spec, out)
        parts.wrap(pyshacl, "validate", "pyshacl validate")
        parts.wrap(icskg.validate, "results_from_graph", "report conversion")
        run = lambda: validate(loaded, inferred, shapes, None)  # noqa: E731
    elif step == "pyshacl":
        run, finish = public_steps.pyshacl_reference(spec, *_validation_inputs(spec, out))
    elif step in MIRROR_STEPS:
        run, finish = getattr(public_steps, "open_cold" if step == "open" else step)(spec)
    else:
        raise ValueError(f"unknown step {step}")

    out["rss_before_mb"] = round(_rss_mb(), 1)
    out["load_average"] = round(os.getloadavg()[0], 2)  # other processes on the machine slow the wall clock
    cap = spec.get("cap")

    def expire(_signum, _frame):
        raise StepTimeout

    if cap:
        # wall: elapsed time (SIGALRM); cpu: this process's CPU time (SIGPROF), fair on a machine others load
        timer, signum = (
            (signal.ITIMER_PROF, signal.SIGPROF)
            if spec.get("cap_clock") == "cpu"
            else (signal.ITIMER_REAL, signal.SIGALRM)
        )
        signal.signal(signum, expire)
        signal.setitimer(timer, cap)
    started = time.perf_counter()
    cpu_started = time.process_time()
    try:
        result = run()
    except StepTimeout:
        out.update(
            timed_out=True,
            seconds=round(time.perf_counter() - started, 3),
            cpu_seconds=round(time.process_time() - cpu_started, 3),
            peak_rss_mb=round(_peak_mb(), 1),
        )
        return out
    finally:
        if cap:
            signal.setitimer(timer, 0)
    out["seconds"] = round(time.perf_counter() - started, 4)
    out["cpu_seconds"] = round(time.process_time() - cpu_started, 4)
    out["peak_rss_mb"] = round(_peak_mb(), 1)
    out["parts"] = {k: round(v, 4) for k, v in parts.seconds.items()}
    if step == "parse":
        out["triples"] = len(result.graph)
    elif step == "oxigraph":
        out["triples"] = result
    elif step in ("infer", "owlrl"):
        out["inferred"] = len(result)
        if spec.get("save_inferred"):
            result.serialize(spec["save_inferred"], format="nt", encoding="utf-8")
    elif step == "validate":
        out["results"] = result.counts()
    if finish is not None:
        finish(result, out)
    return out


def _validation_inputs(spec: dict, out: dict):
    """The loaded graph, the inferred triples the first infer run saved, and the shapes."""
    from rdflib import Graph

    from icskg.validate import load_shapes

    loaded = _load(spec)
    inferred = Graph()
    if spec.get("inferred") and Path(spec["inferred"]).is_file():
        inferred.parse(spec["inferred"], format="nt")
    else:
        out["asserted_only"] = True
    shapes = load_shapes([Path(p) for p in spec["shapes"]], Path(spec["root"]))
    out["shape_triples"] = len(shapes)
    return loaded, inferred, shapes


# -- driver -------------------------------------------------------------------------------------------
def run_step(spec: dict, cap: float, clock: str = "wall") -> dict:
    """Run one step in a fresh interpreter; the worker stops itself at the cap, the driver at cap + setup time."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({**spec, "cap": cap, "cap_clock": clock}, handle)
        spec_path = handle.name
    try:
        proc = subprocess.run(
            [sys.executable, __file__, "--worker", spec_path],
            capture_output=True,
            text=True,
            timeout=cap * (3 if clock == "wall" else 10) + 600,  # in case the worker's own timer cannot fire
        )
    except subprocess.TimeoutExpired:
        return {"step": spec["step"], "timed_out": True, "seconds": None, "hard_stop": True}
    finally:
        os.unlink(spec_path)
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        return {"step": spec["step"], "error": " | ".join(tail) or f"exit {proc.returncode}"}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def summarise(runs: list[dict]) -> dict:
    done = [r for r in runs if "seconds" in r and not r.get("timed_out") and not r.get("error")]
    summary: dict = {"runs": runs}
    if any(r.get("timed_out") for r in runs):
        summary["timed_out"] = True
        summary["cap"] = next((r["cap"] for r in runs if r.get("timed_out") and r.get("cap")), None)
    if any(r.get("error") for r in runs):
        summary["error"] = next(r["error"] for r in runs if r.get("error"))
    if done:
        summary["median_s"] = round(statistics.median(r["seconds"] for r in done), 4)
        summary["min_s"] = min(r["seconds"] for r in done)
        if all("cpu_seconds" in r for r in done):
            summary["median_cpu_s"] = round(statistics.median(r["cpu_seconds"] for r in done), 4)
        if all("load_average" in r for r in done):
            summary["max_load_average"] = max(r["load_average"] for r in done)
        summary["peak_rss_mb"] = round(statistics.median(r["peak_rss_mb"] for r in done), 1)
        summary["rss_before_mb"] = round(statistics.median(r["rss_before_mb"] for r in done), 1)
        parts: dict[str, list[float]] = {}
        for r in done:
            for k, v in r.get("parts", {}).items():
                parts.setdefault(k, []).append(v)
        summary["parts_median_s"] = {k: round(statistics.median(v), 4) for k, v in parts.items()}
        for key in ("triples", "inferred", "results", "asserted_only", "shape_triples"):
            if key in done[0]:
                summary[key] = done[0][key]
    return summary


def bench_graph(
    name: str, files: list[Path], shapes: list[Path], work: Path, args, data_files: list[Path] | None = None
) -> dict:
    work.mkdir(parents=True, exist_ok=True)
    inferred = work / "inferred.nt"
    if "infer" in args.steps:
        inferred.unlink(missing_ok=True)  # the first infer run writes it afresh
    elif "validate" in args.steps and inferred.is_file():
        print(f"  {name}: validating with the inferred triples of an earlier run ({inferred})", file=sys.stderr)
    base = {"files": [str(f) for f in files], "root": str(ROOT), "shapes": [str(s) for s in shapes]}
    if any(step in MIRROR_STEPS for step in args.steps):
        base["mirror"] = str(public_steps.mirror(work / "mirror", data_files))
        base["query_repeat"] = args.query_repeat
    sources = ROOT.parent / "shared" / "sources"
    if data_files is None and sources.is_dir():
        base["sources"] = str(sources)
    entry: dict = {"graph": name, "files": len(files), "steps": {}}
    for step in args.steps:
        runs = []
        for i in range(args.repeat):
            spec = {**base, "step": step}
            if step == "infer" and i == 0:
                spec["save_inferred"] = str(inferred)
            if step == "validate":
                spec["inferred"] = str(inferred)
            result = run_step(spec, args.timeout_seconds, args.cap_clock)
            result.setdefault("cap", args.timeout_seconds)
            runs.append(result)
            shown = f"{result['seconds']:.2f} s" if result.get("seconds") is not None else "-"
            flag = " TIMED OUT" if result.get("timed_out") else f" ERROR {result['error']}" if "error" in result else ""
            print(f"  {name:>8} {step:<9} run {i + 1}/{args.repeat}: {shown}{flag}", file=sys.stderr, flush=True)
            if result.get("timed_out") or result.get("error"):
                break  # another run would only hit the cap again
            if (result.get("seconds") or 0) > args.long_seconds:
                break  # one run of a step this long is figure enough
        entry["steps"][step] = summarise(runs)
    parse = entry["steps"].get("parse", {})
    entry["triples"] = parse.get("triples") or entry["steps"].get("oxigraph", {}).get("triples")
    return entry


def growth(entries: list[dict], steps) -> list[dict]:
    """log(t2/t1) / log(n2/n1) between consecutive generated sizes: 1 is linear, 2 quadratic."""
    sized = [e for e in entries if e["graph"] != "repo" and e.get("triples")]
    sized.sort(key=lambda e: e["triples"])
    rows = []
    for a, b in zip(sized, sized[1:], strict=False):
        row = {"from": a["graph"], "to": b["graph"], "exponents": {}}
        for step in steps:
            t1 = a["steps"].get(step, {}).get("median_s")
            t2 = b["steps"].get(step, {}).get("median_s")
            if t1 and t2 and b["triples"] != a["triples"]:
                row["exponents"][step] = round(math.log(t2 / t1) / math.log(b["triples"] / a["triples"]), 2)
            elif t1 and b["steps"].get(step, {}).get("timed_out"):
                row["exponents"][step] = None
            c1 = a["steps"].get(step, {}).get("median_cpu_s")
            c2 = b["steps"].get(step, {}).get("median_cpu_s")
            if c1 and c2 and b["triples"] != a["triples"]:
                row.setdefault("cpu_exponents", {})[step] = round(
                    math.log(c2 / c1) / math.log(b["triples"] / a["triples"]), 2
                )
        rows.append(row)
    return rows


def machine() -> dict:
    memory = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
    cpu = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    versions = {}
    for package in PACKAGES:
        try:
            versions[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            versions[package] = None
    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def fmt_seconds(summary: dict, cap: float) -> str:
    if summary.get("timed_out"):
        return f"> {summary.get('cap') or cap:g}"
    if summary.get("error"):
        return "error"
    value = summary.get("median_s")
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def fmt_mb(summary: dict) -> str:
    value = summary.get("peak_rss_mb")
    return "-" if value is None else f"{value:.0f}"


def table(report: dict) -> str:
    cap = report["config"]["timeout_seconds"]
    header = [
        "graph",
        "triples",
        "inferred",
        "parse s",
        "parse MB",
        "oxigraph s",
        "infer s",
        "infer MB",
        "validate s",
        "validate MB",
        "violations",
    ]
    rows = []
    for e in report["results"]:
        s = e["steps"]
        validate = s.get("validate", {})
        results = validate.get("results")
        violations = "-" if not results else str(results.get("Violation", 0))
        if validate.get("asserted_only") and results:
            violations += " (asserted only)"
        rows.append(
            [
                e["graph"],
                str(e.get("triples") or "-"),
                str(s.get("infer", {}).get("inferred", "-")),
                fmt_seconds(s.get("parse", {}), cap),
                fmt_mb(s.get("parse", {})),
                fmt_seconds(s.get("oxigraph", {}), cap),
                fmt_seconds(s.get("infer", {}), cap),
                fmt_mb(s.get("infer", {})),
                fmt_seconds(s.get("validate", {}), cap),
                fmt_mb(s.get("validate", {})),
                violations,
            ]
        )
    lines = [_markdown(header, rows)]
    if report["growth"]:
        steps = report["config"]["steps"]
        grow_rows = []
        for g in report["growth"]:
            cells = [
                ("> cap" if g["exponents"].get(st, "") is None else str(g["exponents"].get(st, "-"))) for st in steps
            ]
            grow_rows.append([f"{g['from']} -> {g['to']}", "wall", *cells])
            if g.get("cpu_exponents"):
                grow_rows.append(["", "cpu", *(str(g["cpu_exponents"].get(st, "-")) for st in steps)])
        lines.append(
            "\nGrowth exponent log(t2/t1)/log(n2/n1) (1 = linear, 2 = quadratic), from wall and CPU seconds:\n"
        )
        lines.append(_markdown(["sizes", "clock", *steps], grow_rows))
    parts_rows = []
    for e in report["results"]:
        for step, summary in e["steps"].items():
            for part, seconds in summary.get("parts_median_s", {}).items():
                parts_rows.append([e["graph"], step, part, f"{seconds:.3f}", fmt_seconds(summary, cap)])
    if parts_rows:
        lines.append("\nWhere the time goes (median seconds inside each function, of the step's total):\n")
        lines.append(_markdown(["graph", "step", "inside", "s", "step s"], parts_rows))
    return "\n".join(lines)


def _ratio(ours: dict, reference: dict) -> str:
    a, b = ours.get("median_s"), reference.get("median_s")
    if a and b:
        return f"{a / b:.2f}x"
    if a and reference.get("timed_out"):
        return f"< {a / (reference.get('cap') or 1):.2f}x"
    return "-"


def comparison(report: dict) -> str:
    """icskg against the reference measured in the same run, step by step, with each step's peak memory."""
    cap = report["config"]["timeout_seconds"]
    header = ["graph", "triples", "step", "icskg s", "MB", "reference", "reference s", "MB ", "icskg / reference"]
    rows = []
    names = {"oxigraph": "pyoxigraph parse", "owlrl": "owlrl", "pyshacl": "pySHACL"}
    for e in report["results"]:
        s = e["steps"]
        for step in ("parse", "infer", "validate", "open", "cold", "warm", "publish"):
            if step not in s:
                continue
            reference = REFERENCES.get(step)
            ref = s.get(reference, {}) if reference else {}
            ref_name, ref_s, ref_mb = (names[reference], fmt_seconds(ref, cap), fmt_mb(ref)) if ref else ("", "", "")
            ratio = _ratio(s[step], ref) if ref else ""
            if step == "publish":
                runs = [r.get("reference_seconds") for r in s[step].get("runs", []) if r.get("reference_seconds")]
                if runs:
                    median = statistics.median(runs)
                    ref_name, ref_s = "plain GSP PUT", f"{median:.3f}"
                    ratio = f"{s[step]['median_s'] / median:.2f}x" if s[step].get("median_s") else "-"
            label = {
                "open": "open, cold (parse + infer in Oxigraph)",
                "cold": "open + validate, cold",
                "warm": "open + validate, unchanged",
            }.get(step, step)
            rows.append(
                [e["graph"], str(e.get("triples") or "-"), label, fmt_seconds(s[step], cap), fmt_mb(s[step]),
                 ref_name, ref_s, ref_mb, ratio]
            )  # fmt: skip
    lines = [_markdown(header, rows)] if rows else []
    query_rows = []
    for e in report["results"]:
        runs = [r for r in e["steps"].get("queries", {}).get("runs", []) if r.get("queries")]
        if not runs:
            continue
        figures = runs[0]["queries"]
        ratios = {n: f["icskg_ms"] / f["pyoxigraph_ms"] for n, f in figures.items() if f["pyoxigraph_ms"]}
        worst = max(ratios, key=ratios.get)
        query_rows.append(
            [
                e["graph"],
                str(len(figures)),
                f"{statistics.median(f['icskg_ms'] for f in figures.values()):.2f}",
                f"{max(f['icskg_ms'] for f in figures.values()):.1f}",
                f"{statistics.median(f['pyoxigraph_ms'] for f in figures.values()):.2f}",
                f"{statistics.median(ratios.values()):.2f}x",
                f"{ratios[worst]:.2f}x ({worst})",
                str(sum(1 for r in ratios.values() if r > 2)),
                fmt_mb(e["steps"]["queries"]),
            ]
        )
    if query_rows:
        lines.append("\nStored queries, icskg's embedded default against pyoxigraph on the same triples (ms):\n")
        header = ["graph", "queries", "median", "slowest", "pyoxigraph median", "ratio median", "worst ratio",
                  "> 2x", "MB"]  # fmt: skip
        lines.append(_markdown(header, query_rows))
    return "\n".join(lines)


def per_query(report: dict) -> str:
    """Each stored query on each graph: icskg ms / pyoxigraph ms (rows)."""
    graphs = [e for e in report["results"] if e["steps"].get("queries", {}).get("runs")]
    if not graphs:
        return ""
    figures = {e["graph"]: e["steps"]["queries"]["runs"][0].get("queries", {}) for e in graphs}
    names = sorted({n for f in figures.values() for n in f})
    rows = []
    for name in names:
        row = [name]
        for e in graphs:
            f = figures[e["graph"]].get(name)
            row.append("-" if not f else f"{f['icskg_ms']:.2f} / {f['pyoxigraph_ms']:.2f} ({f['rows']})")
        rows.append(row)
    header = ["query", *(f"{e['graph']}: icskg / pyoxigraph ms (rows)" for e in graphs)]
    return "\nEach stored query (median ms; rows answered):\n\n" + _markdown(header, rows)


def _markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; columns whose cells are all numbers (or > cap, -) are right-aligned."""
    columns = list(zip(header, *rows, strict=True))
    widths = [max(len(str(x)) for x in col) for col in columns]
    right = [all(_numeric(x) for x in col[1:]) for col in columns]

    def line(cells):
        cells = [str(c).rjust(w) if r else str(c).ljust(w) for c, w, r in zip(cells, widths, right, strict=True)]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if r else ("-" * (w + 2)) for w, r in zip(widths, right, strict=True))
    return "\n".join([line(header), rule + "|", *(line(r) for r in rows)])


def _numeric(cell) -> bool:
    text = str(cell).replace("> ", "").replace(" (asserted only)", "")
    try:
        float(text)
    except ValueError:
        return text in ("-", "error", "None")
    return True


def merge(reports: list[dict]) -> dict:
    """Several saved runs as one report: a later file's figures for a graph and step replace an earlier one's."""
    reports = json.loads(json.dumps(reports))
    for report in reports:  # remember each run's cap, for "> cap"
        for entry in report["results"]:
            for summary in entry["steps"].values():
                for run in summary["runs"]:
                    run.setdefault("cap", report["config"]["timeout_seconds"])
    merged = reports[0]
    by_graph = {e["graph"]: e for e in merged["results"]}
    for report in reports[1:]:
        for entry in report["results"]:
            if entry["graph"] not in by_graph:
                by_graph[entry["graph"]] = entry
                merged["results"].append(entry)
                continue
            by_graph[entry["graph"]]["steps"].update(entry["steps"])
        for step in report["config"]["steps"]:
            if step not in merged["config"]["steps"]:
                merged["config"]["steps"].append(step)
    if len(reports) > 1:
        merged["config"]["repeat"] = "/".join(str(r["config"]["repeat"]) for r in reports)
        caps = {r["config"]["timeout_seconds"] for r in reports}
        merged["config"]["timeout_seconds"] = max(caps)
        if len(caps) > 1:
            merged["config"]["caps"] = sorted(caps)
    merged["results"].sort(key=lambda e: (e["graph"] != "repo", e.get("triples") or 0))
    return merged


def render(report: dict) -> str:
    """The report as text; summaries are recomputed from the raw runs, so older JSON files render the same way."""
    for entry in report["results"]:
        for step, summary in entry["steps"].items():
            entry["steps"][step] = summarise(summary["runs"])
    report["growth"] = growth(report["results"], report["config"]["steps"])
    m = report["machine"]
    c = report["config"]
    loads = [s.get("max_load_average") for e in report["results"] for s in e["steps"].values()]
    loads = [x for x in loads if x is not None]
    lines = [
        f"icskg benchmarks, {m['date']}: {m['cpus']} CPUs ({m['cpu']}), {m['memory_gib']} GiB, Python {m['python']}, "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items()),
        f"median of {c['repeat']} run(s) per step, cap {c['timeout_seconds']:g} s "
        f"({c.get('cap_clock', 'wall')} clock) per step; "
        f"{len(c['shape_files'])} shape file(s); repo at {c.get('repo_commit')} + working tree; "
        "triples = asserted (ontology + data)"
        + (f"; 1-min load average during steps up to {max(loads):g}" if loads else ""),
        "",
        comparison(report),
        "",
        table(report),
        per_query(report),
    ]
    cpu_rows = []
    for e in report["results"]:
        row = [e["graph"]]
        for step in c["steps"]:
            value = e["steps"].get(step, {}).get("median_cpu_s")
            row.append("-" if value is None else f"{value:.3f}" if value < 10 else f"{value:.1f}")
        cpu_rows.append(row)
    if any(cell != "-" for row in cpu_rows for cell in row[1:]):
        lines.append("\nCPU seconds of the step (median; less affected than wall time by other load on the machine):\n")
        lines.append(_markdown(["graph", *c["steps"]], cpu_rows))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--worker"]:
        spec = json.loads(Path(argv[1]).read_text())
        print(json.dumps(worker(spec)))
        return 0
    if argv[:1] == ["--render"]:
        print(render(merge([json.loads(Path(f).read_text()) for f in argv[1:]])))
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10k,100k", help="generated sizes in data triples, comma-separated")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is reported")
    parser.add_argument("--timeout-seconds", type=float, default=600, help="cap per step run")
    parser.add_argument(
        "--cap-clock",
        choices=("wall", "cpu"),
        default="wall",
        help="what the cap counts: elapsed time, or the step's CPU time (use cpu on a machine other work loads)",
    )
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--steps", default=",".join(STEPS), help=f"steps to run, from {','.join(STEPS)}")
    parser.add_argument("--no-repo", action="store_true", help="skip the repository's own graph")
    parser.add_argument(
        "--long-seconds", type=float, default=60, help="a step whose first run takes longer is not repeated"
    )
    parser.add_argument("--query-repeat", type=int, default=5, help="runs of each stored query (median)")
    parser.add_argument("--out", type=Path, default=generate.DEFAULT_OUT, help="where generated landscapes go")
    args = parser.parse_args(argv)
    args.steps = [s for s in args.steps.split(",") if s]
    unknown = set(args.steps) - set(STEPS)
    if unknown:
        parser.error(f"unknown steps: {', '.join(sorted(unknown))}")
    sizes = [generate.parse_size(s) for s in args.sizes.split(",") if s.strip()]

    from icskg.repo import find_repository

    repo = find_repository(ROOT)
    ontology = sorted(p for p in repo.ontology_dir.glob("*.ttl"))
    shapes = repo.shape_files()
    report = {
        "machine": machine(),
        "config": {
            "sizes": [generate.size_label(n) for n in sizes],
            "repeat": args.repeat,
            "timeout_seconds": args.timeout_seconds,
            "cap_clock": args.cap_clock,
            "seed": args.seed,
            "steps": args.steps,
            "shape_files": [str(s.relative_to(ROOT)) for s in shapes],
            "repo_data_files": len(_turtle(repo.data_dir)),
            "repo_commit": _git_head(),
        },
        "results": [],
    }

    def save() -> None:  # after each graph, so that a long run stopped midway keeps what it measured
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            report["growth"] = growth(report["results"], args.steps)
            args.json.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")

    if not args.no_repo:
        print(f"repo graph: {len(repo.graph_files())} files", file=sys.stderr, flush=True)
        report["results"].append(bench_graph("repo", repo.graph_files(), shapes, args.out / "repo", args))
        save()
    for n in sizes:
        label = generate.size_label(n)
        folder = args.out / label
        manifest = generate.ensure(n, folder, args.seed)
        print(f"{label}: {manifest.triples} data triples in {folder}", file=sys.stderr, flush=True)
        data_files = [folder / f for f in manifest.files]
        entry = bench_graph(label, ontology + data_files, shapes, folder / "work", args, data_files)
        entry["data_triples"] = manifest.triples
        report["results"].append(entry)
        save()
    report["growth"] = growth(report["results"], args.steps)
    print()
    print(render(report))
    if args.json:
        save()
        print(f"\nfigures written to {args.json}")
    return 0


def _git_head() -> str | None:
    """The checked-out commit (read only); the working tree may hold uncommitted data on top of it."""
    try:
        return subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=True
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


def _turtle(folder: Path) -> list[Path]:
    return sorted(folder.rglob("*.ttl")) if folder.is_dir() else []


if __name__ == "__main__":
    sys.exit(main())
