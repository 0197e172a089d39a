"""Memory and time of a large answer: `icskg sparql` writing N rows as CSV, TSV, JSON (streamed) and as a table
(held in memory), each in its own process, so its peak resident memory is its own.

    .venv/bin/python benchmarks/streaming.py                # 1,000,000 rows
    .venv/bin/python benchmarks/streaming.py --rows 100000 --formats csv,table

The rows come from the repository's own graph (a cross product of typed resources, cut at N), so no
generated data is needed. Output goes to /dev/null; the figures are printed as a Markdown table.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
FORMATS = ("csv", "tsv", "json", "table")


def run(rows: int, fmt: str, timeout: float) -> tuple[float, float, int]:
    """Seconds, peak RSS (MiB) and exit code of one `icskg sparql` process."""
    query = f"SELECT ?a ?b WHERE {{ ?a a ?c . ?b a ?d }} LIMIT {rows}"
    command = [sys.executable, "-m", "icskg", "--root", str(ROOT), "sparql", "-q", query, "-f", fmt]
    command += ["--timeout", str(timeout)]
    started = time.monotonic()
    with open(os.devnull, "wb") as sink:
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.PIPE)
        _, _, usage = os.wait4(process.pid, 0)
    elapsed = time.monotonic() - started
    return elapsed, usage.ru_maxrss / 1024, process.returncode if process.returncode is not None else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--formats", default=",".join(FORMATS))
    parser.add_argument("--timeout", type=float, default=600)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    # build once, so every process reads the graph from the cache and the figures are the answer's alone
    warm = [sys.executable, "-m", "icskg", "--root", str(ROOT), "sparql", "-q", "ASK {}"]
    subprocess.run(warm, check=True, stdout=subprocess.DEVNULL)
    baseline = run(1, "csv", args.timeout)
    print(f"{args.rows:,} rows; baseline (1 row, csv): {baseline[0]:.1f} s, {baseline[1]:.0f} MiB peak RSS")
    print()
    print("| format | seconds | peak RSS (MiB) | exit |")
    print("|---|---:|---:|---:|")
    for fmt in formats:
        seconds, peak, code = run(args.rows, fmt, args.timeout)
        print(f"| {fmt} | {seconds:.1f} | {peak:.0f} | {code} |", flush=True)
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\n(this script itself: {own:.0f} MiB)")


if __name__ == "__main__":
    main()
