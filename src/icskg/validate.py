"""Step 3: validate the asserted + inferred graph against the SHACL shapes, then check quotes against sources."""

from __future__ import annotations

from pathlib import Path

import pyshacl
from rdflib import Graph

from .load import LoadedGraph, load_files
from .quotes import verify_sources
from .report import Report, results_from_graph
from .sparql_cache import parsed_once
from .vocabulary import verify_vocabulary_use


def load_shapes(shape_files: list[Path], root: Path | None = None) -> Graph:
    return load_files(shape_files, root).graph


def validate(
    loaded: LoadedGraph,
    inferred: Graph,
    shapes: Graph,
    sources_dir: Path | None = None,
) -> Report:
    """Run pySHACL (no further inference: OWL 2 RL already ran) and the source checks; one Report."""
    data = Graph()
    data += loaded.graph
    data += inferred
    with parsed_once():
        _conforms, report_graph, _text = pyshacl.validate(
            data,
            shacl_graph=shapes,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,  # `data` is this call's own copy, and no inference or sh:rule runs: no clone needed
        )
    notes = []
    from .registries.links import verify_registry_links  # issue 5: registry codes and links vs the extracts

    verify_registry_links(loaded.graph, report_graph)
    verify_vocabulary_use(loaded.graph, report_graph)  # issue 8: icskg terms the ontology defines
    if sources_dir is not None and Path(sources_dir).is_dir():
        verify_sources(loaded.graph, Path(sources_dir), report_graph)
    else:
        notes.append("source texts not found: quotes were not checked against their sources (use --sources DIR)")
    return Report(results_from_graph(report_graph, shapes, loaded), report_graph, notes)
