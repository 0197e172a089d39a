"""Benchmark icskg (one Oxigraph store, SHACL compiled to SPARQL) against its references (pySHACL, owlrl,
pyoxigraph's own bulk load), on the repository's graph and on generated landscapes, in one run.

    .venv/bin/python benchmarks/run.py [--sizes repo,10k,100k] [--repeat 3] [--reference-cap 600] [--out DIR]
    .venv/bin/python benchmarks/run.py --render DIR/results.json      # print a saved run's tables again

For each graph (in this order): one child process runs icskg's in-process steps (steps.py core), whole
`icskg validate` and `open_graph` + query processes run cold and warm, then one child process per
reference tool (steps.py pyshacl, owlrl). Every figure is a median of --repeat runs, except that a step
whose run takes longer than --long-seconds runs once. Every measured process imports icskg from a
snapshot of src/icskg and reads a snapshot of the repository's files, both taken at the start, so that
one run measures one version even while the working tree changes. The script prints figures and never
asserts them; benchmarks/README.md says what each one means.
"""

from __future__ import annotations

import argparse
import compileall
import contextlib
import datetime as dt
import hashlib
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from importlib import metadata
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (benchmarks/ is not a package)

PACKAGES = ("pyoxigraph", "rdflib", "owlrl", "pyshacl", "icskg")
COPIED = ("ontology", "data", "shapes", "queries", "registries", "pyproject.toml")
"""What the snapshot of the repository holds: everything `icskg validate` and `open_graph` read."""
LINKED = ("ontology", "shapes", "queries", "registries", "pyproject.toml")
"""What a landscape's repository takes from the snapshot (its data/ is the generated files)."""
OPEN_QUERY = "second_wave_partnerships"
OPEN_SCRIPT = """\
import sys, icskg
kg = icskg.open_graph(sys.argv[1])
query = kg.stored(sys.argv[2])
rows = kg.query(query.name, **dict(query.example))
print(len(rows))
"""
GROWTH_STEPS = (
    ("oxigraph_parse", "pyoxigraph bulk_load"),
    ("parse", "icskg parse"),
    ("rules", "icskg rules"),
    ("build", "build"),
    ("validate_compiled", "compiled validation"),
    ("total", "parse + infer + validate"),
    ("pyshacl", "pySHACL validation"),
    ("owlrl", "owlrl closure"),
    ("validate_cold", "icskg validate, cold process"),
    ("peak_mb", "peak memory"),
)


# -- processes ------------------------------------------------------------------------------------------
def run_process(command: list[str], env: dict, timeout: float | None, stdout=subprocess.DEVNULL) -> dict:
    """Run a command; its wall seconds, CPU seconds and peak RSS (its own rusage, from wait4), exit code."""
    with tempfile.TemporaryFile() as errors:
        load = round(os.getloadavg()[0], 2)
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=stdout, stderr=errors)
        killer = threading.Timer(timeout, process.kill) if timeout else None
        if killer:
            killer.start()
        _pid, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - started
        if killer:
            killer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        errors.seek(0)
        stderr = errors.read().decode("utf-8", "replace")
    peak = usage.ru_maxrss / 2**20 if sys.platform == "darwin" else usage.ru_maxrss / 2**10
    out = {
        "seconds": round(seconds, 4),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 4),
        "peak_mb": round(peak, 1),
        "exit": process.returncode,
        "load": load,
    }
    if process.returncode < 0:
        out["killed"] = True
    if stderr.strip():
        out["stderr"] = stderr.strip()[-2000:]
    return out


CODE: list[Path] = []
"""The snapshot of icskg's source that every measured process imports (set by main)."""


def clean_env(**extra: str) -> dict:
    """The environment of a measured process: icskg from the snapshot, no ICSKG_* setting of the caller's,
    no progress output."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("ICSKG_")}
    env["ICSKG_PROGRESS"] = "0"
    if CODE:
        env["PYTHONPATH"] = os.pathsep.join([str(CODE[0]), *filter(None, [os.environ.get("PYTHONPATH")])])
    env.update(extra)
    return env


def run_worker(kind: str, spec: dict, work: Path, timeout: float | None) -> dict:
    """One steps.py child process; its figures, with the peak RSS its parent saw (wait4)."""
    spec_path, out_path = work / f"{kind}.spec.json", work / f"{kind}.out.json"
    spec_path.write_text(json.dumps({**spec, "kind": kind}, indent=1), encoding="utf-8")
    out_path.unlink(missing_ok=True)
    started = time.perf_counter()
    process = run_process([sys.executable, str(HERE / "steps.py"), str(spec_path), str(out_path)], clean_env(), timeout)
    if process["exit"] != 0 or not out_path.is_file():
        tail = " | ".join(process.get("stderr", "").splitlines()[-5:])
        return {"error": f"exit {process['exit']}: {tail}", "wall_s": round(time.perf_counter() - started, 1)}
    figures = json.loads(out_path.read_text(encoding="utf-8"))
    figures["process_peak_mb"] = process["peak_mb"]
    figures["wall_s"] = round(time.perf_counter() - started, 1)
    return figures


def summary(runs: list[dict]) -> dict:
    done = [r for r in runs if r["exit"] in (0, 1)]
    out: dict = {"runs": runs}
    if done:
        out["median_s"] = round(statistics.median(r["seconds"] for r in done), 4)
        out["median_cpu_s"] = round(statistics.median(r["cpu_s"] for r in done), 4)
        out["peak_mb"] = round(statistics.median(r["peak_mb"] for r in done), 1)
    if len(done) < len(runs):
        bad = next(r for r in runs if r["exit"] not in (0, 1))
        out["error"] = f"exit {bad['exit']}: " + " | ".join(bad.get("stderr", "").splitlines()[-3:])
    return out


def process_steps(root: Path, sources: Path | None, work: Path, args, log) -> dict:
    """`icskg validate` cold (a fresh, empty cache) then warm (the same cache), and open_graph + one stored
    query cold, each as a whole `python` process."""
    caches = work / "caches"
    shutil.rmtree(caches, ignore_errors=True)
    caches.mkdir(parents=True)
    extra = {"ICSKG_SOURCES": str(sources)} if sources else {}
    validate = [sys.executable, "-m", "icskg", "--root", str(root), "validate"]
    opener = [sys.executable, "-c", OPEN_SCRIPT, str(root), OPEN_QUERY]
    cold, warm, opened = [], [], []
    for i in range(args.repeat):
        cache = Path(tempfile.mkdtemp(dir=caches))
        env = clean_env(ICSKG_CACHE_DIR=str(cache), **extra)
        cold.append(run_process(validate, env, args.hard_timeout))
        warm.append(run_process(validate, env, args.hard_timeout))
        log(f"validate process run {i + 1}: cold {cold[-1]['seconds']:.2f} s, warm {warm[-1]['seconds']:.2f} s")
        shutil.rmtree(cache, ignore_errors=True)
        if cold[-1]["exit"] not in (0, 1) or cold[-1]["seconds"] > args.long_seconds:
            break
    for i in range(args.repeat):
        cache = Path(tempfile.mkdtemp(dir=caches))
        opened.append(run_process(opener, clean_env(ICSKG_CACHE_DIR=str(cache), **extra), args.hard_timeout))
        log(f"open_graph + query process run {i + 1}: {opened[-1]['seconds']:.2f} s")
        shutil.rmtree(cache, ignore_errors=True)
        if opened[-1]["exit"] != 0 or opened[-1]["seconds"] > args.long_seconds:
            break
    shutil.rmtree(caches, ignore_errors=True)
    return {"validate_cold": summary(cold), "validate_warm": summary(warm), "open_query_cold": summary(opened)}


# -- graphs ---------------------------------------------------------------------------------------------
def snapshot(work: Path) -> Path:
    """A copy of the checkout's ontology, data, shapes, queries, registries and icskg's source (byte-compiled):
    every graph of this run is measured on the same bytes and the same code, whatever happens to the working
    tree meanwhile. Measured processes import icskg from it (PYTHONPATH comes before the editable install)."""
    folder = work / "snapshot"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for name in (*COPIED, "src/icskg"):
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, folder / name, ignore=shutil.ignore_patterns(".*", "__pycache__"))
        elif source.is_file():
            shutil.copy2(source, folder / name)
    compileall.compile_dir(folder / "src", quiet=1)  # no process pays for byte-compiling icskg
    CODE[:] = [folder / "src"]
    return folder


def landscape(n: int, args) -> tuple[Path, generate.Manifest]:
    """The generated landscape of about n data triples (reused while it matches the request)."""
    label = generate.size_label(n)
    if not args.violations:
        folder = args.work / label
        return folder, generate.ensure(n, folder, args.seed)
    folder = args.work / f"{label}-v{args.violations}"
    marker = folder / "violations.json"
    manifest = generate.read_manifest(folder)
    wanted = {"violations": args.violations, "seed": args.seed, "target": n}
    fits = manifest is not None and manifest.generator_version == generate.GENERATOR_VERSION
    if fits and manifest.seed == args.seed and manifest.target_triples == n and marker.is_file():
        if json.loads(marker.read_text(encoding="utf-8")) == wanted:
            return folder, manifest
    shutil.rmtree(folder, ignore_errors=True)
    manifest = generate.generate(n, folder, args.seed, violations=args.violations)
    marker.write_text(json.dumps(wanted) + "\n", encoding="utf-8")
    return folder, manifest


def landscape_repository(snap: Path, folder: Path, manifest, root: Path) -> Path:
    """A repository whose ontology, shapes and queries are the snapshot's and whose data/ is the landscape."""
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    for name in LINKED:
        if (snap / name).exists():
            (root / name).symlink_to(snap / name)
    (root / "data").mkdir()
    for name in manifest.files:
        (root / "data" / name).symlink_to((folder / name).resolve())
    return root


def bench_graph(name: str, root: Path, sources: Path | None, args, log) -> dict:
    from icskg.build.repository import Repository

    repo = Repository(root)
    work = args.work / "work" / name
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    spec = {
        "root": str(root),
        "graph_files": [str(p) for p in repo.graph_files()],
        "shape_files": [str(p) for p in repo.shape_files()],
        "queries": str(repo.queries_dir),
        "sources": str(sources) if sources else None,
        "repeat": args.repeat,
        "long_seconds": args.long_seconds,
        "query_repeat": args.query_repeat,
    }
    entry: dict = {"graph": name, "files": len(spec["graph_files"]), "sources": spec["sources"]}
    log("icskg in-process steps (parse, rules, build, compiled validation, queries)")
    entry["core"] = run_worker("core", {**spec, "keys_out": str(work / "compiled-keys.json")}, work, None)
    core = entry["core"]
    if "error" in core:
        log(f"ERROR {core['error']}")
    else:
        entry["triples"], entry["inferred"] = core["triples"], core["inferred"]
        log(
            f"{core['triples']} asserted + {core['inferred']} inferred triples: "
            f"build {core['build']['median_s']:.2f} s, "
            f"compiled validation {core['validate_compiled']['median_s']:.2f} s, peak {core['peak_mb']:.0f} MB"
        )
    if not args.no_process:
        entry["process"] = process_steps(root, sources, work, args, log)
    if not args.no_reference:
        cap = args.reference_cap
        hard = cap * 2 + 1800 if cap else None
        log("pySHACL (the reference validator)")
        entry["pyshacl"] = run_worker(
            "pyshacl", {**spec, "cap": cap, "keys_out": str(work / "pyshacl-keys.json")}, work, hard
        )
        entry["pyshacl"].update(compare_keys(work / "compiled-keys.json", work / "pyshacl-keys.json"))
        log(_said(entry["pyshacl"], "pySHACL"))
        log("owlrl (the reference reasoner)")
        entry["owlrl"] = run_worker("owlrl", {**spec, "cap": cap}, work, hard)
        log(_said(entry["owlrl"], "owlrl"))
    return entry


def _said(figures: dict, what: str) -> str:
    if "error" in figures:
        return f"{what}: ERROR {figures['error']}"
    if figures.get("timed_out"):
        return f"{what}: stopped at the cap ({figures['cap']:g} s)"
    return f"{what}: {figures.get('median_s', 0):.2f} s, peak {figures.get('peak_mb', 0):.0f} MB"


def compare_keys(compiled: Path, reference: Path) -> dict:
    """The two engines' results as sets of Result.key(): identical, or how many keys only one has."""
    if not (compiled.is_file() and reference.is_file()):
        return {"identical": None}
    ours = {tuple(k) for k in json.loads(compiled.read_text(encoding="utf-8"))}
    theirs = {tuple(k) for k in json.loads(reference.read_text(encoding="utf-8"))}
    return {
        "identical": ours == theirs,
        "differences": len(ours ^ theirs),
        "only_compiled": len(ours - theirs),
        "only_pyshacl": len(theirs - ours),
        "result_keys": len(ours),
    }


# -- figures ----------------------------------------------------------------------------------------------
def figure(entry: dict, step: str) -> dict:
    """One step's summary ({median_s, ...}) wherever it lives in a graph's entry."""
    core = entry.get("core", {})
    if step in ("pyshacl", "owlrl"):
        return entry.get(step, {})
    if step in ("validate_cold", "validate_warm", "open_query_cold"):
        return entry.get("process", {}).get(step, {})
    if step == "peak_mb":
        return {"median_s": core.get("peak_mb")} if core.get("peak_mb") else {}
    return core.get(step, {}) if isinstance(core.get(step), dict) else {}


def growth(entries: list[dict]) -> list[dict]:
    """log(t2/t1) / log(n2/n1) between successive generated sizes (n: asserted triples): 1 is linear."""
    sized = sorted((e for e in entries if e["graph"] != "repo" and e.get("triples")), key=lambda e: e["triples"])
    rows = []
    for a, b in zip(sized, sized[1:], strict=False):
        row = {"from": a["graph"], "to": b["graph"], "exponents": {}}
        for step, _label in GROWTH_STEPS:
            t1, t2 = figure(a, step).get("median_s"), figure(b, step).get("median_s")
            if t1 and t2:
                row["exponents"][step] = round(math.log(t2 / t1) / math.log(b["triples"] / a["triples"]), 2)
        rows.append(row)
    return rows


def ratio(reference: dict, ours: dict) -> tuple[float | None, str]:
    """How many times faster ours is than the reference; a lower bound when the reference hit its cap."""
    a, b = ours.get("median_s"), reference.get("median_s")
    if a and b:
        return b / a, f"{b / a:.1f}x"
    if a and reference.get("timed_out"):
        return reference["cap"] / a, f"> {reference['cap'] / a:.0f}x"
    return None, "-"


def targets(report: dict) -> list[dict]:
    """Issue 12's targets, each with the figure measured and whether it is met (None: not measured)."""
    by_name = {e["graph"]: e for e in report["graphs"]}
    out = []

    def add(target: str, value, text: str, met):
        out.append({"target": target, "figure": value, "text": text, "met": met})

    repo = by_name.get("repo", {})
    for step, limit, label in (
        ("validate_cold", 1.5, "repo: icskg validate, cold process < 1.5 s"),
        ("validate_warm", 0.3, "repo: icskg validate, warm process < 0.3 s"),
        ("open_query_cold", 1.0, "repo: open_graph + one stored query, cold process < 1 s"),
    ):
        value = figure(repo, step).get("median_s")
        add(label, value, _s(value), None if value is None else value < limit)
    big = by_name.get("1m", {})
    total = figure(big, "total").get("median_s")
    text = with_runs(figure(big, "total"))
    if figure(big, "validate_cold").get("median_s"):
        text += f"; icskg validate, cold process: {with_runs(figure(big, 'validate_cold'))}"
    add("1M: parse + infer + validate < 60 s", total, text, None if total is None else total < 60)
    peak = big.get("core", {}).get("peak_mb")
    add("1M: peak memory < 2 GB", peak, f"{peak:.0f} MB" if peak else "-", None if peak is None else peak < 2048)
    exponent = next(
        (g["exponents"].get("total") for g in report.get("growth", []) if (g["from"], g["to"]) == ("100k", "1m")), None
    )
    add("growth exponent 100k -> 1M (parse + infer + validate) <= 1.1", exponent,
        "-" if exponent is None else f"{exponent:.2f}", None if exponent is None else exponent <= 1.1)  # fmt: skip
    for entry in report["graphs"]:
        if "pyshacl" not in entry:
            continue
        value, text = ratio(entry["pyshacl"], figure(entry, "validate_compiled"))
        same = entry["pyshacl"].get("identical")
        if same is not None:
            text += ", identical results" if same else f", {entry['pyshacl']['differences']} result keys differ"
        met = None if value is None else value >= 10 and same is not False
        if entry["pyshacl"].get("timed_out"):
            text += " (pySHACL stopped at the cap: a lower bound; results not compared)"
            met = True if value is not None and value >= 10 else None
        add(f"{entry['graph']}: compiled validation >= 10x faster than pySHACL, identical results", value, text, met)
    return out


# -- rendering --------------------------------------------------------------------------------------------
def _s(value) -> str:
    if value is None:
        return "-"
    return f"{value:.3f}" if value < 10 else f"{value:.1f}"


def with_runs(summary_: dict) -> str:
    """The median, and the runs themselves when they differ by more than half."""
    text = cell(summary_)
    runs = [r["seconds"] if isinstance(r, dict) else r for r in summary_.get("runs", [])]
    if len(runs) > 1 and min(runs) > 0 and max(runs) / min(runs) > 1.5:
        text += f" (runs {', '.join(_s(r) for r in runs)})"
    return text


def spread(report: dict) -> list[list[str]]:
    """Steps whose runs differ by more than half (and by more than a second): wall and CPU seconds of each run."""
    rows = []
    for e in report["graphs"]:
        for key, part in _parts(e):
            summaries = {key: part} if "runs" in part else {k: v for k, v in part.items() if isinstance(v, dict)}
            for step, f in summaries.items():
                runs = f.get("runs", [])
                wall = [r["seconds"] if isinstance(r, dict) else r for r in runs]
                cpu = [r["cpu_s"] for r in runs if isinstance(r, dict)] or f.get("cpu_runs", [])
                if len(wall) > 1 and min(wall) > 0 and max(wall) / min(wall) > 1.5 and max(wall) - min(wall) > 1:
                    shown = ", ".join(_s(x) for x in wall)
                    rows.append([e["graph"], step, shown, ", ".join(_s(x) for x in cpu) or "-"])
    return rows


def cell(summary_: dict) -> str:
    if summary_.get("error"):
        return "error"
    if summary_.get("timed_out"):
        return f"> {summary_['cap']:g}"
    return _s(summary_.get("median_s"))


def mb(value) -> str:
    return "-" if value is None else f"{value:.0f}"


def markdown(header: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; columns whose cells are all numbers (or -, > cap) are right-aligned."""
    columns = list(zip(header, *rows, strict=True))
    widths = [max(len(str(x)) for x in col) for col in columns]
    right = [all(_numeric(x) for x in col[1:]) for col in columns]

    def line(cells):
        cells = [str(c).rjust(w) if r else str(c).ljust(w) for c, w, r in zip(cells, widths, right, strict=True)]
        return "| " + " | ".join(cells) + " |"

    rule = "|" + "|".join(("-" * (w + 1) + ":") if r else ("-" * (w + 2)) for w, r in zip(widths, right, strict=True))
    return "\n".join([line(header), rule + "|", *(line(r) for r in rows)])


def _numeric(text) -> bool:
    text = str(text).removeprefix("> ").removesuffix("x").split(" (")[0]
    try:
        float(text)
    except ValueError:
        return text in ("-", "error")
    return True


def render(report: dict) -> str:
    m, c = report["machine"], report["config"]
    graphs = report["graphs"]
    packages = ", ".join(f"{k} {v}" for k, v in m["packages"].items())
    lines = [
        f"icskg benchmarks, {m['started']} to {m.get('finished', '?')}: {m['cpus']} CPUs ({m['cpu']}), "
        f"{m['memory_gib']} GiB RAM, Python {m['python']}, {packages}",
        f"commit {m['commit']}{' + uncommitted changes' if m.get('dirty') else ''}"
        + (f" (HEAD was {m['commit_end']} at the end)" if m.get("commit_end", m["commit"]) != m["commit"] else "")
        + f"; median of {c['repeat']} runs "
        f"(one run when longer than {c['long_seconds']:g} s); reference cap {c['reference_cap']:g} s; "
        f"landscapes: seed {c['seed']}, {c['violations']} violation(s) injected per kind of mutation; "
        f"1-min load average {m['load_start']} at the start, {m.get('load_end', '?')} at the end, "
        f"up to {max_load(report)} during a step",
        "",
    ]
    process = [e for e in graphs if e.get("process")]
    if process:
        lines.append("Whole processes (python -m icskg validate; open_graph + stored query), wall s and peak MB:\n")
        rows = []
        for e in process:
            p = e["process"]
            rows.append([e["graph"], cell(p["validate_cold"]), mb(p["validate_cold"].get("peak_mb")),
                         cell(p["validate_warm"]), mb(p["validate_warm"].get("peak_mb")),
                         cell(p["open_query_cold"]), mb(p["open_query_cold"].get("peak_mb"))])  # fmt: skip
        header = ["graph", "validate cold s", "MB", "validate warm s", "MB ", f"open + {OPEN_QUERY} cold s", "MB  "]
        lines += [markdown(header, rows), ""]
    lines.append("Build (in-process; pyoxigraph bulk_load and owlrl are the references), seconds:\n")
    rows = []
    for e in graphs:
        core = e.get("core", {})
        ow = e.get("owlrl", {})
        same = (
            "-" if "differences" not in ow else "identical" if ow["differences"] == 0 else f"{ow['differences']} differ"
        )
        rows.append([e["graph"], str(e.get("triples", "-")), str(e.get("inferred", "-")),
                     cell(figure(e, "oxigraph_parse")), cell(figure(e, "parse")), cell(figure(e, "rules")),
                     cell(ow), ratio(ow, figure(e, "rules"))[1], same, cell(figure(e, "build"))])  # fmt: skip
    header = ["graph", "triples", "inferred", "pyoxigraph bulk_load", "icskg parse", "icskg rules", "owlrl",
              "owlrl / rules", "closure", "build"]  # fmt: skip
    lines += [markdown(header, rows), ""]
    lines.append("Validation (in-process, on the built graph), seconds; peak MB of each child process:\n")
    rows = []
    for e in graphs:
        core, ps = e.get("core", {}), e.get("pyshacl", {})
        results = core.get("results")
        shown = "-" if not results else "/".join(str(results.get(k, 0)) for k in ("Violation", "Warning", "Info"))
        same = {True: "identical", False: f"{ps.get('differences')} differ", None: "-"}[ps.get("identical")]
        compiled, owl = figure(e, "validate_compiled"), e.get("owlrl", {})
        rows.append(
            [
                e["graph"],
                shown,
                cell(compiled),
                cell(ps),
                ratio(ps, compiled)[1],
                same,
                cell(figure(e, "total")),
                mb(core.get("peak_mb")),
                mb(ps.get("peak_mb")),
                mb(owl.get("peak_mb")),
            ]
        )
    header = ["graph", "results V/W/I", "compiled", "pySHACL", "pySHACL / compiled", "results", "parse+infer+validate",
              "icskg MB", "pySHACL MB", "owlrl MB"]  # fmt: skip
    lines += [markdown(header, rows), ""]
    lines.append("CPU seconds (median; less disturbed than wall time by other load on the machine):\n")
    rows = []
    for e in graphs:
        row = [e["graph"]]
        for step in ("oxigraph_parse", "build", "validate_compiled", "pyshacl", "owlrl", "validate_cold"):
            f = figure(e, step)
            row.append("-" if f.get("median_cpu_s") is None else _s(f["median_cpu_s"]))
        rows.append(row)
    lines += [markdown(["graph", "bulk_load", "build", "compiled", "pySHACL", "owlrl", "validate cold"], rows), ""]
    queried = [e for e in graphs if e.get("core", {}).get("queries")]
    if queried:
        lines.append("Stored queries on the embedded store (KnowledgeGraph.query with each query's example), "
                     "median ms (rows):\n")  # fmt: skip
        names = sorted({n for e in queried for n in e["core"]["queries"]})
        rows = []
        for name in names:
            row = [name]
            for e in queried:
                q = e["core"]["queries"].get(name)
                row.append("-" if q is None else f"{q['median_ms']:.2f} ({q['rows']})")
            rows.append(row)
        for label, pick in (("median", statistics.median), ("slowest", max)):
            rows.append([f"**{label}**", *(f"{pick(q['median_ms'] for q in e['core']['queries'].values()):.2f}"
                                         for e in queried)])  # fmt: skip
        lines += [markdown(["query", *(e["graph"] for e in queried)], rows), ""]
    if report.get("growth"):
        lines.append("Growth exponents log(t2/t1) / log(n2/n1) between sizes (n = asserted triples; 1 = linear):\n")
        labels = dict(GROWTH_STEPS)
        steps = [s for s, _ in GROWTH_STEPS if any(s in g["exponents"] for g in report["growth"])]
        rows = [[labels[s], *(str(g["exponents"].get(s, "-")) for g in report["growth"])] for s in steps]
        lines += [markdown(["step", *(f"{g['from']} -> {g['to']}" for g in report["growth"])], rows), ""]
    rows = spread(report)
    if rows:
        lines.append(
            "Steps whose runs differ by more than half and by more than a second (each run, wall and CPU s):\n"
        )
        lines += [markdown(["graph", "step", "wall s", "CPU s"], rows), ""]
    lines.append("Targets (issue 12):\n")
    status = {True: "met", False: "NOT MET", None: "not measured"}
    rows = [[t["target"], t["text"], "undetermined" if t["met"] is None and t["figure"] else status[t["met"]]]
            for t in report.get("targets", [])]  # fmt: skip
    lines.append(markdown(["target", "figure", ""], rows))
    errors = [(e["graph"], k, v["error"]) for e in graphs for k, v in _parts(e) if v.get("error")]
    if errors:
        lines += ["", "Errors:", *(f"- {g} {k}: {msg}" for g, k, msg in errors)]
    return "\n".join(lines)


def _parts(entry: dict):
    for key in ("core", "pyshacl", "owlrl"):
        if isinstance(entry.get(key), dict):
            yield key, entry[key]
    for key, value in entry.get("process", {}).items():
        yield key, value


def max_load(report: dict) -> float | str:
    loads = []
    for e in report["graphs"]:
        for _key, part in _parts(e):
            for value in part.values():
                if isinstance(value, dict) and isinstance(value.get("load"), list):
                    loads += value["load"]
            loads += part.get("load", []) if isinstance(part.get("load"), list) else []
            loads += [r["load"] for r in part.get("runs", []) if isinstance(r, dict) and "load" in r]
    return max(loads) if loads else "?"


# -- the machine --------------------------------------------------------------------------------------------
def machine() -> dict:
    memory = cpu = None
    with contextlib.suppress(OSError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 2**20, 1)
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
        "started": now(),
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": memory,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "commit": _git("rev-parse", "--short", "HEAD"),
        "dirty": bool(_git("status", "--porcelain", "--", "src", "ontology", "data", "shapes", "queries")),
        "load_start": round(os.getloadavg()[0], 2),
    }


def now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def _git(*args: str) -> str | None:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return None


# -- main --------------------------------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--render"]:
        print(render(json.loads(Path(argv[1]).read_text(encoding="utf-8"))))
        return 0
    today = dt.date.today().isoformat()
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="repo,10k,100k", help="'repo' and/or generated sizes in data triples (k, m)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per step; the median is reported")
    parser.add_argument("--long-seconds", type=float, default=60, help="a step whose run takes longer runs once")
    parser.add_argument("--reference-cap", type=float, default=600, help="stop a pySHACL or owlrl run after this")
    parser.add_argument("--no-reference", action="store_true", help="skip pySHACL and owlrl")
    parser.add_argument("--no-process", action="store_true", help="skip the whole-process (cold/warm) runs")
    parser.add_argument("--query-repeat", type=int, default=5, help="runs of each stored query (median)")
    parser.add_argument("--seed", type=int, default=1, help="the generator's seed")
    parser.add_argument("--violations", type=int, default=1, help="nodes broken per kind of mutation (generate.py)")
    parser.add_argument("--work", type=Path, default=generate.DEFAULT_OUT, help="landscapes, snapshot, caches")
    parser.add_argument("--label", default="run", help="names the default output folder")
    parser.add_argument("--out", type=Path, help="where results.json and report.md go "
                        "(default benchmarks/results/<date>-<label>)")  # fmt: skip
    parser.add_argument("--hard-timeout", type=float, default=3600, help="kill a whole-process run after this")
    args = parser.parse_args(argv)
    args.out = args.out or HERE / "results" / f"{today}-{args.label}"
    args.work = args.work.resolve()
    sizes = [s.strip().lower() for s in args.sizes.split(",") if s.strip()]
    try:
        generated = [generate.parse_size(s) for s in sizes if s != "repo"]
    except ValueError as error:
        parser.error(str(error))

    def log(message: str) -> None:
        print(f"[{dt.datetime.now().strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)

    args.work.mkdir(parents=True, exist_ok=True)
    snap = snapshot(args.work)
    sources = ROOT.parent / "shared" / "sources"
    code = hashlib.sha256()
    for path in sorted((snap / "src").rglob("*.py")):
        code.update(path.read_bytes())
    report = {
        "machine": {**machine(), "code_sha256": code.hexdigest()[:16]},
        "config": {
            "sizes": sizes,
            "repeat": args.repeat,
            "long_seconds": args.long_seconds,
            "reference_cap": args.reference_cap,
            "references": not args.no_reference,
            "processes": not args.no_process,
            "query_repeat": args.query_repeat,
            "seed": args.seed,
            "violations": args.violations,
            "shape_files": len(list((snap / "shapes").rglob("*.ttl"))),
            "sources": str(sources) if sources.is_dir() else None,
            "command": " ".join([Path(sys.argv[0]).name, *argv]),
        },
        "graphs": [],
    }

    def save() -> None:  # after each graph, so that a long run stopped midway keeps what it measured
        report["growth"] = growth(report["graphs"])
        report["targets"] = targets(report)
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "results.json").write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")

    order = iter(generated)
    for size in sizes:
        if size == "repo":
            log(f"repo: the checkout's graph (snapshot in {snap})")
            entry = bench_graph("repo", snap, sources if sources.is_dir() else None, args, lambda m: log(f"repo: {m}"))
        else:
            n = next(order)
            label = generate.size_label(n)
            folder, manifest = landscape(n, args)
            log(f"{label}: {manifest.triples} data triples in {folder}")
            root = landscape_repository(snap, folder, manifest, args.work / "roots" / label)
            entry = bench_graph(label, root, None, args, lambda m, label=label: log(f"{label}: {m}"))
            entry["data_triples"] = manifest.triples
        report["graphs"].append(entry)
        save()
    report["machine"]["finished"] = now()
    report["machine"]["load_end"] = round(os.getloadavg()[0], 2)
    report["machine"]["commit_end"] = _git("rev-parse", "--short", "HEAD")
    save()
    text = render(report)
    (args.out / "report.md").write_text(text + "\n", encoding="utf-8")
    print(text)
    print(f"\nfigures written to {args.out / 'results.json'} (tables: {args.out / 'report.md'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
