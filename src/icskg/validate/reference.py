"""pySHACL, the reference SHACL engine: `icskg validate --engine pyshacl`, the oracle of the equality tests,
and the fallback for any targeted shape the compiler does not cover.

It runs on rdflib copies of the store and of the shapes (the same blank nodes), with icskg's extension
functions registered in rdflib for the run, and its report is read into the same Results the compiled
engine makes (icskg.validate.engine), so the two can be compared result by result.
"""

from __future__ import annotations

import functools

import pyoxigraph as ox

from ..terms import quiet_ill_typed_warnings, rdflib_graph, to_oxigraph
from .engine import Runner
from .functions import Functions
from .report import Result
from .shapes import ShapesGraph, sh

TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")


def pyshacl_results(data_quads, shapes: ShapesGraph, functions: Functions, runner: Runner, only=None) -> list[Result]:
    """pySHACL's results on the data; with `only` (a set of targeted shapes), the other targeted shapes lose
    their targets first, so pySHACL validates just those (their nested shapes still work)."""
    import pyshacl
    from rdflib.namespace import RDF, SH

    quiet_ill_typed_warnings()
    data = rdflib_graph(data_quads, prepared_graph_class()())
    quads = shapes.quads
    owners = None
    if only is not None:
        owners = owned_shapes(shapes, only)
        targets = {sh(name) for name in TARGETS}
        quads = [q for q in quads if q.predicate not in targets or q.subject in owners]
    shapes_graph = rdflib_graph(quads)
    with functions.registered_in_rdflib():
        _conforms, report, _text = pyshacl.validate(
            data,
            shacl_graph=shapes_graph,
            inference="none",
            advanced=True,
            allow_warnings=True,
            allow_infos=True,
            inplace=True,  # `data` is this call's own copy and no sh:rule runs: no clone needed
        )
    details = set(report.objects(None, SH.detail))
    results = []
    for node in report.subjects(RDF.type, SH.ValidationResult):
        if node in details:
            continue  # the cause of a sh:node failure, reported by its parent result (SHACL 3.6.1, sh:detail)

        def get(predicate, node=node):
            found = report.value(node, predicate)
            return None if found is None else to_oxigraph(found)

        shape = get(SH.sourceShape)
        if owners is not None and shape not in owners:
            continue
        messages = sorted(str(m) for m in report.objects(node, SH.resultMessage))
        path = get(SH.resultPath)
        results.append(
            runner.make(
                get(SH.focusNode),
                path,
                get(SH.value),
                shape,
                get(SH.sourceConstraintComponent),
                get(SH.resultSeverity) or ox.NamedNode(str(SH.Violation)),
                messages,
            )
        )
    return results


@functools.cache
def prepared_graph_class():
    """rdflib's Graph, with each SPARQL text parsed and translated once (rdflib's prepared queries): pySHACL
    hands rdflib the text of every SPARQL target and constraint again on each run and for each focus node,
    and parsing is most of its cost on small graphs. Only the graph pySHACL validates is of this class;
    rdflib itself is not patched. Evaluation is rdflib's own, with each call's bindings."""
    from rdflib import Graph

    class PreparedGraph(Graph):
        def query(
            self,
            query_object,
            processor="sparql",
            result="sparql",
            initNs=None,  # noqa: N803 - rdflib's names
            initBindings=None,  # noqa: N803
            use_store_provided=True,
            **kwargs,
        ):
            if isinstance(query_object, str) and processor == "sparql":
                namespaces = tuple(sorted((initNs or {}).items()))
                query_object = _prepared(query_object, namespaces, kwargs.get("base"))
            return super().query(query_object, processor, result, initNs, initBindings, use_store_provided, **kwargs)

    return PreparedGraph


@functools.lru_cache(maxsize=2048)
def _prepared(text: str, namespaces: tuple, base):
    from rdflib.plugins.sparql import prepareQuery

    return prepareQuery(text, initNs=dict(namespaces), base=base)


def owned_shapes(shapes: ShapesGraph, tops) -> set:
    """The targeted shapes and every shape reached from them by sh:property (whose results they own)."""
    found = set()
    todo = list(tops)
    while todo:
        shape = todo.pop()
        if shape in found:
            continue
        found.add(shape)
        todo += shapes.objects(shape, sh("property"))
    return found
