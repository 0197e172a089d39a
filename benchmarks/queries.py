"""Stored-query latency: the embedded default (rdflib) against pyoxigraph on the same triples.

    .venv/bin/python benchmarks/queries.py [--sizes repo,100k] [--repeat 5]

For the repository's graph it also times opening the graph cold (load + owlrl, cache bypassed)
and warm (inferred triples from the cache). Generated landscapes (benchmarks/generate.py) are
queried on their asserted triples only: owlrl takes minutes at 100k and over ten at 1M (see
README.md), so their inferred triples are not available here; most stored queries then return
few or no rows there, which still measures how the engines scan.
Each query runs with its header's example parameters (else its defaults), bound as RDF terms:
initBindings for rdflib, the VALUES block the remote backend sends for pyoxigraph.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

import pyoxigraph
from rdflib import Graph

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

import generate  # noqa: E402
from icskg.api import EmbeddedBackend, KnowledgeGraph  # noqa: E402
from icskg.catalogue import load_catalogue  # noqa: E402
from icskg.engine import OxigraphBackend  # noqa: E402
from icskg.params import bind, with_values  # noqa: E402
from icskg.pipeline import build  # noqa: E402


def median_seconds(action, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def open_times(repeat: int) -> tuple[float, float]:
    """Cold (cache bypassed: load + owlrl) and warm (cached inferences) open of the repo's graph."""
    os.environ["ICSKG_CACHE"] = "0"
    cold = median_seconds(lambda: KnowledgeGraph(build(ROOT)), max(1, repeat // 2))
    os.environ["ICSKG_CACHE"] = "1"
    KnowledgeGraph(build(ROOT))  # fill the cache
    warm = median_seconds(lambda: KnowledgeGraph(build(ROOT)), repeat)
    return cold, warm


def oxigraph_store(graph: Graph) -> pyoxigraph.Store:
    store = pyoxigraph.Store()
    store.load(graph.serialize(format="nt", encoding="utf-8"), format=pyoxigraph.RdfFormat.N_TRIPLES)
    return store


def generated_graph(size: str) -> Graph:
    target = generate.parse_size(size)
    folder = ROOT / "benchmarks" / "out" / generate.size_label(target)
    generate.ensure(target, folder)
    graph = Graph()
    for path in sorted((ROOT / "ontology").glob("*.ttl")) + sorted(folder.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


def measure(label: str, graph: Graph, repeat: int, rdflib_engine: bool = True) -> list[tuple]:
    catalogue = load_catalogue(ROOT / "queries")
    store = oxigraph_store(graph)
    backend = EmbeddedBackend(graph)  # rdflib's engine (ICSKG_ENGINE=rdflib): parsed queries are reused
    default = OxigraphBackend(graph)  # what icskg.open_graph() queries: Oxigraph, results as rdflib Results
    rows = []
    for name, query in sorted(catalogue.items()):
        bindings = bind(query, dict(query.example))
        sent = with_values(query.text, bindings)

        def embedded(query=query, bindings=bindings):
            list(backend.run(query.text, bindings))

        def icskg_default(query=query, bindings=bindings):
            list(default.run(query.text, bindings, query.form))

        def oxigraph(sent=sent):
            result = store.query(sent)
            if not isinstance(result, bool):
                list(result)

        rows.append(
            (
                name,
                median_seconds(embedded, repeat),
                median_seconds(icskg_default, repeat),
                median_seconds(oxigraph, repeat),
            )
        )
    print(f"\n{label}: {len(graph)} triples, median of {repeat} runs per query")
    print("| query | rdflib engine ms | ratio | icskg default (Oxigraph engine) ms | ratio | pyoxigraph ms |")
    print("|---|--:|--:|--:|--:|--:|")
    for name, slow, ours, theirs in rows:
        cells = [f"{slow * 1000:.1f}", f"{slow / theirs:.1f}x", f"{ours * 1000:.1f}", f"{ours / theirs:.1f}x"]
        print(f"| {name} | {' | '.join(cells)} | {theirs * 1000:.1f} |")
    ratios = [ours / theirs for _, _, ours, theirs in rows]
    slow_ratios = [slow / theirs for _, slow, _, theirs in rows]
    print(
        f"median over queries: rdflib engine {statistics.median(r[1] for r in rows) * 1000:.1f} ms "
        f"(ratio median {statistics.median(slow_ratios):.1f}x, worst {max(slow_ratios):.1f}x); "
        f"icskg default {statistics.median(r[2] for r in rows) * 1000:.1f} ms "
        f"(ratio median {statistics.median(ratios):.1f}x, worst {max(ratios):.1f}x); "
        f"pyoxigraph {statistics.median(r[3] for r in rows) * 1000:.1f} ms"
    )
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="repo,100k", help="repo and/or generated sizes, e.g. repo,100k,1m")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-rdflib-engine", action="store_true", help="skip rdflib's engine (slow on large graphs)")
    args = parser.parse_args(argv)
    for size in args.sizes.split(","):
        if size == "repo":
            cold, warm = open_times(args.repeat)
            print(f"open the repo graph: cold {cold:.2f} s (load + owlrl), warm {warm:.2f} s (cached inferences)")
            measure("repo graph (asserted + inferred)", KnowledgeGraph(build(ROOT)).graph, args.repeat)
        else:
            start = time.perf_counter()
            graph = generated_graph(size)
            print(f"\nloaded the {size} landscape in {time.perf_counter() - start:.1f} s (rdflib)")
            measure(f"generated {size} (asserted only)", graph, args.repeat, not args.no_rdflib_engine)
    return 0


if __name__ == "__main__":
    sys.exit(main())
