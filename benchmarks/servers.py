"""Two SPARQL servers side by side: `icskg publish` time and per-query latency on Oxigraph's server and on
Virtuoso (Debian's open-source edition), with the embedded store as the baseline, for the repository's graph
and for generated landscapes.

    .venv/bin/python benchmarks/servers.py                         # repo and the 1M landscape
    .venv/bin/python benchmarks/servers.py --sizes repo --repeat 9

Both servers run on loopback, started as the tests start them (tests/oxigraph_server.py,
tests/virtuoso_server.py: fresh store, free ports), one pair per graph. Each stored query runs with its
example parameters: once to warm up, then --repeat times; the table gives the median and the slowest run,
in milliseconds, through icskg's own API (a query sent, the answer parsed into rows), so the figures are what
a user of `--endpoint` sees. The script prints figures and never asserts them.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from types import SimpleNamespace

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(HERE), str(ROOT / "tests")]

import generate  # noqa: E402  (benchmarks/ is not a package)
from oxigraph_server import start_oxigraph  # noqa: E402
from run import landscape, landscape_repository, snapshot  # noqa: E402
from virtuoso_server import start_virtuoso  # noqa: E402

SERVERS = ("oxigraph", "virtuoso")


def timed(function) -> tuple[float, object]:
    started = time.perf_counter()
    value = function()
    return time.perf_counter() - started, value


def latencies(kg, names: list[str], repeat: int) -> dict[str, dict]:
    """Per stored query: rows, median and slowest of `repeat` runs (ms), after one warm-up run."""
    figures = {}
    for name in names:
        params = dict(kg.stored(name).example)
        try:
            rows = kg.query(name, **params)
            runs = [timed(lambda name=name, params=params: kg.query(name, **params))[0] for _ in range(repeat)]
        except Exception as error:  # a figure table, not a test: say what failed and go on
            figures[name] = {"error": str(error)[:200]}
            continue
        count = len(rows) if isinstance(rows, list) else int(bool(rows))
        figures[name] = {"rows": count, "median_ms": statistics.median(runs) * 1000, "max_ms": max(runs) * 1000}
    return figures


def publish_until_whole(load, attempts: int) -> tuple[float | None, list[str]]:
    """Seconds of the first publish that succeeded, and why the ones before failed (icskg publish counts the
    staging graph: a store that kept fewer triples than were sent is refused; a store that stops answering
    meets the deadline). None when none of the attempts succeeded."""
    from icskg.errors import EndpointError

    refusals = []
    for _ in range(attempts):
        try:
            return timed(load)[0], refusals
        except EndpointError as error:
            refusals.append(str(error)[:300])
    return None, refusals


def bulk_load_fresh(server, ntriples: bytes, args) -> None:
    """Empty the graph, then load it with Virtuoso's bulk loader (ld_dir + rdf_loader_run + checkpoint)."""
    from icskg.namespaces import DEFAULT_GRAPH

    server.isql(f"SPARQL CLEAR GRAPH <{DEFAULT_GRAPH}>;", timeout=args.timeout)
    server.bulk_load(ntriples, DEFAULT_GRAPH, timeout=args.timeout)


def _s(seconds: float | None) -> str:
    return "failed" if seconds is None else f"{seconds:.1f}"


def bench(label: str, root: Path, args) -> dict:
    import icskg
    from icskg.build.pipeline import build
    from icskg.outputs.publish import publish
    from icskg.settings import Settings

    settings = Settings.load(root=root)
    seconds, built = timed(lambda: build(settings))
    ntriples = built.ntriples()
    entry = {
        "graph": label,
        "triples": ntriples.count(b"\n"),
        "ntriples_mb": len(ntriples) / 2**20,
        "build_s": seconds,
        "publish_s": {},
        "republish_s": {},
        "start_s": {},
        "queries": {},
    }
    size = f"{entry['triples']:,} triples ({entry['ntriples_mb']:.0f} MiB of N-Triples)"
    print(f"{label}: {size}, built in {seconds:.1f} s")
    embedded = icskg.open_graph(root, settings=settings)
    names = [q.name for q in embedded.queries()]
    entry["queries"]["embedded"] = latencies(embedded, names, args.repeat)
    for server_name in SERVERS:
        start = (
            start_oxigraph
            if server_name == "oxigraph"
            else lambda: start_virtuoso(
                max_rows=10_000_000, buffers=args.virtuoso_buffers, after_image_limit=args.virtuoso_after_image
            )
        )
        entry["start_s"][server_name], server = timed(start)
        try:
            load = lambda server=server: publish(  # noqa: E731
                ntriples, store=server.store_url, update=server.update_url, timeout=args.timeout, query=server.query_url
            )
            for key in ("publish_s", "republish_s"):  # into an empty store, then replacing what was just published
                entry[key][server_name], refusals = publish_until_whole(load, args.attempts)
                entry.setdefault("refused", {}).setdefault(server_name, []).extend(refusals)
            for refusal in entry["refused"][server_name]:
                print(f"  {server_name}: publish refused: {refusal}")
            if server_name == "virtuoso":  # the loader its documentation recommends for large files
                entry["bulk_load_s"] = timed(lambda server=server: bulk_load_fresh(server, ntriples, args))[0]
            print(
                f"  {server_name}: started in {entry['start_s'][server_name]:.1f} s, published in "
                f"{_s(entry['publish_s'][server_name])} s, replaced in {_s(entry['republish_s'][server_name])} s"
            )
            remote = icskg.open_graph(root, endpoint=server.query_url, timeout=args.timeout, settings=settings)
            entry["queries"][server_name] = latencies(remote, names, args.repeat)
        finally:
            server.stop()
    return entry


def cell(figures: dict | None, rows: int | None = None) -> str:
    """Median (slowest) ms; a server whose answer has another number of rows than the embedded store's says so."""
    if not figures:
        return "-"
    if "error" in figures:
        return "error"
    text = f"{figures['median_ms']:.1f} ({figures['max_ms']:.0f})"
    if rows is not None and figures["rows"] != rows:
        text += f" **{figures['rows']} rows**"
    return text


def render(entries: list[dict]) -> str:
    lines = []
    for entry in entries:
        lines.append(f"### {entry['graph']}: {entry['triples']:,} triples ({entry['ntriples_mb']:.0f} MiB N-Triples)\n")
        lines.append("| | " + " | ".join(SERVERS) + " |")
        lines.append("|---|" + "---:|" * len(SERVERS))
        lines.append("| server start, s | " + " | ".join(f"{entry['start_s'][s]:.1f}" for s in SERVERS) + " |")
        lines.append("| `icskg publish`, s | " + " | ".join(_s(entry["publish_s"][s]) for s in SERVERS) + " |")
        lines.append("| again, replacing it, s | " + " | ".join(_s(entry["republish_s"][s]) for s in SERVERS) + " |")
        refused = entry.get("refused", {})
        lines.append("| publishes refused | " + " | ".join(str(len(refused.get(s, []))) for s in SERVERS) + " |")
        if "bulk_load_s" in entry:
            lines.append(f"| bulk load (ld_dir), s | - | {entry['bulk_load_s']:.1f} |")
        totals = {
            where: sum(f.get("median_ms", 0) for f in entry["queries"][where].values())
            for where in ("embedded", *SERVERS)
        }
        lines.append("")
        lines.append("Per stored query, median (slowest) of the runs, ms:\n")
        lines.append("| query | rows | embedded | " + " | ".join(SERVERS) + " |")
        lines.append("|---|---:|---:|" + "---:|" * len(SERVERS))
        for name, figures in entry["queries"]["embedded"].items():
            row = [name, str(figures.get("rows", "-")), cell(figures)]
            row += [cell(entry["queries"][s].get(name), figures.get("rows")) for s in SERVERS]
            lines.append("| " + " | ".join(row) + " |")
        lines.append(
            "| **all, sum of medians** | | " + " | ".join(f"{totals[w]:.0f}" for w in ("embedded", *SERVERS)) + " |\n"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="repo,1m", help="'repo' and/or generated sizes in data triples (k, m)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each stored query after a warm-up run")
    parser.add_argument("--timeout", type=float, default=300, help="seconds allowed for a publish or a query")
    parser.add_argument("--virtuoso-buffers", type=int, default=170_000, help="NumberOfBuffers (8 KiB pages)")
    parser.add_argument(
        "--virtuoso-after-image",
        type=int,
        default=2_000_000_000,
        help="TransactionAfterImageLimit (bytes): the MOVE that replaces a 1M-triple graph needs more than 50 MB",
    )
    parser.add_argument("--attempts", type=int, default=2, help="publishes tried until the store keeps one whole")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--violations", type=int, default=1, help="as benchmarks/run.py (reuses its landscapes)")
    parser.add_argument("--work", type=Path, default=generate.DEFAULT_OUT)
    parser.add_argument("--out", type=Path, help="write the figures as JSON here too")
    args = parser.parse_args(argv)
    entries = []
    snap = None
    for size in [s for s in args.sizes.split(",") if s]:
        if size == "repo":
            entries.append(bench("repository", ROOT, args))
            continue
        snap = snap or snapshot(args.work)
        folder, manifest = landscape(generate.parse_size(size), SimpleNamespace(**vars(args)))
        root = landscape_repository(snap, folder, manifest, args.work / "roots" / f"servers-{size}")
        entries.append(bench(size, root, args))
    report = render(entries)
    print()
    print(report)
    if args.out:
        args.out.write_text(json.dumps(entries, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
