"""The registry import: how long `icskg registries import` takes as a whole process, and what each extract
gave the graph (records, entities, links, events, reviewed links), as Markdown tables.

    .venv/bin/python benchmarks/registries.py               # median of 5 runs
    .venv/bin/python benchmarks/registries.py --repeat 3

Each run imports into a fresh temporary folder (`icskg --root` a copy of the checkout's registries/ and
data/), so the repository is not touched and every run writes every file.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def copy_of_checkout(into: Path) -> Path:
    root = into / "repo"
    for folder in ("ontology", "shapes", "queries", "registries"):
        shutil.copytree(ROOT / folder, root / folder)
    shutil.copytree(ROOT / "data", root / "data", ignore=shutil.ignore_patterns("registries"))
    shutil.copy(ROOT / "pyproject.toml", root / "pyproject.toml")
    return root


def one_run() -> float:
    with tempfile.TemporaryDirectory(prefix="icskg-registries-") as folder:
        root = copy_of_checkout(Path(folder))
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "icskg", "--root", str(root), "registries", "import"],
            check=True,
            capture_output=True,
        )
        return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    times = [one_run() for _ in range(args.repeat)]
    print(
        f"`icskg registries import`, whole process: median {statistics.median(times):.2f} s "
        f"(min {min(times):.2f}, max {max(times):.2f}, {args.repeat} runs)\n"
    )

    from icskg.registries.importer import import_registries
    from icskg.registries.summary import summarise

    with tempfile.TemporaryDirectory(prefix="icskg-registries-") as folder:
        result = import_registries(copy_of_checkout(Path(folder)))
    rows = summarise(result.landscape, result.reviewed_links)
    print("| extract | vintage | records | entities | links | events | reviewed links |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        counts = (r.records, r.entities, r.links, r.events, r.reviewed_links)
        print(f"| {r.file} | {r.vintage or ''} | " + " | ".join(str(n) for n in counts) + " |")
    totals = (
        sum(r.records for r in rows),
        f"{len(result.landscape.entities)} (distinct)",
        sum(r.links for r in rows),
        sum(r.events for r in rows),
        sum(r.reviewed_links for r in rows),
    )
    print(f"| **all {len(rows)} extracts** | | " + " | ".join(str(n) for n in totals) + " |")
    print(f"\n{result.triples} triples in {len(result.files)} files")


if __name__ == "__main__":
    main()
