"""What each registry extract gave the graph: its records, the entities they are of, the links they make
(memberships with the parent's record, regions, name matches, ROR relationships), the succession events
it supports and the reviewed links whose codes it holds. For curators and the import's closing figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from .landscape import Landscape
from .organisations import SUCCESSORS


@dataclass
class ExtractSummary:
    file: str
    vintage: str | None
    records: int
    entities: int
    links: int  # parent (with its record), region, name match, recorded successor/predecessor, on its records
    events: int  # succession and merger events it supports
    reviewed_links: int  # links of registries/links.yaml whose codes it holds


def summarise(landscape: Landscape, reviewed: dict[str, int] | None = None) -> list[ExtractSummary]:
    """One row per imported extract, in file order. `reviewed` maps an extract file to the number of
    reviewed links whose codes it holds (from the links graph), when known."""
    records: dict[str, int] = defaultdict(int)
    entities: dict[str, set] = defaultdict(set)
    links: dict[str, int] = defaultdict(int)
    for record in landscape.records.values():
        records[record.extract] += 1
        entities[record.extract].add(record.ref)
        links[record.extract] += sum(
            (
                record.parent is not None,
                record.region is not None,
                record.name_match is not None,
                len(record.successors),
                len(record.predecessors),
            )
        )
    events: dict[str, int] = defaultdict(int)
    events[SUCCESSORS] = len(landscape.successions)
    for merger in landscape.mergers:
        for file in {r.extract for r in landscape.records.values() if r.kind == "stp" and r.key in merger.originals}:
            events[file] += 1
    reviewed = reviewed or {}
    return [
        ExtractSummary(
            name,
            landscape.vintage(name),
            records[name],
            len(entities[name]),
            links[name],
            events[name],
            reviewed.get(name, 0),
        )
        for name in sorted(landscape.extracts)
    ]
