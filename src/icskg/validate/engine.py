"""Run compiled shapes on a store and turn each solution into a Result, as pySHACL would report it.

Conventions follow pySHACL (the reference): a result's path is the row's ?path if bound, else the
property shape's path; its value is the row's ?value if bound, else the focus node for a node shape;
messages of a SHACL-SPARQL constraint substitute `{?var}` / `{$var}` with the row's values.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable

import pyoxigraph as ox

from ..build.origins import Origin
from ..deadline import DeadlineExceeded
from ..namespaces import shorten
from ..query.scope import split_prologue
from .compiler import FOCUS_MARK, Check, Compiler, Plan, Unsupported
from .report import SEVERITIES, Result
from .shapes import SH, ShapesGraph, sh

GENERIC_MESSAGES = {
    "Class": "value is not an instance of the required class",
    "Datatype": "value does not have the required datatype",
    "NodeKind": "value is not of the required node kind",
    "Pattern": "value does not match the required pattern",
    "In": "value is not one of the allowed values",
    "HasValue": "the required value is missing",
    "MinCount": "fewer values than required",
    "MaxCount": "more values than allowed",
    "Node": "value does not conform to the required shape",
    "Not": "value conforms to a shape it must not",
    "Or": "value conforms to none of the alternatives",
    "And": "value does not conform to all the required shapes",
    "Xone": "value does not conform to exactly one of the shapes",
    "Closed": "a property the closed shape does not allow",
}


class ShapeNames:
    """How a curator reads a shape: its prefixed name; a blank-node property shape by its parent and path."""

    def __init__(self, shapes: ShapesGraph):
        self.shapes = shapes
        self.compiler = Compiler(shapes)
        self._cache: dict = {}

    def name(self, shape) -> str:
        if shape not in self._cache:
            self._cache[shape] = self._name(shape)
        return self._cache[shape]

    def _name(self, shape) -> str:
        if isinstance(shape, ox.NamedNode):
            return shorten(shape.value)
        parents = self.shapes.subjects(sh("property"), shape)
        path = self.shapes.value(shape, sh("path"))
        shown = "path"
        if path is not None:
            try:
                shown = re.sub(r"<([^<>\s]+)>", lambda m: shorten(m.group(1)), self.compiler.path(path))
            except Unsupported:
                pass
        if parents:
            return f"{self.name(parents[0])} / {shown}"
        return str(shape)

    def path_text(self, path) -> tuple[str | None, tuple | None]:
        """A result path as text (N-Triples for an IRI, SPARQL for a complex path) and, for a complex path, its
        SHACL triples (to copy into the report graph)."""
        if path is None:
            return None, None
        if isinstance(path, ox.NamedNode):
            return str(path), None
        try:
            text = self.compiler.path(path)
        except Unsupported:
            return str(path), None
        return text, (str(path), tuple(self._structure(path)))

    def _structure(self, node, seen=None) -> list[tuple[str, str, str]]:
        seen = seen if seen is not None else set()
        if not isinstance(node, ox.BlankNode) or node in seen:
            return []
        seen.add(node)
        triples = []
        for predicate, objects in self.shapes.out.get(node, {}).items():
            for obj in objects:
                triples.append((str(node), str(predicate), str(obj)))
                triples += self._structure(obj, seen)
        return triples


def _text(term) -> str:
    return term.value if hasattr(term, "value") else str(term)


def substitute(message: str, row: dict) -> str:
    for name, value in row.items():
        message = re.sub(r"\{[?$]" + re.escape(name) + r"\}", lambda _m, v=value: _text(v), message)
    return message


class Answer:
    """A query's solutions read to the end (so a time limit covers the whole evaluation)."""

    def __init__(self, solutions):
        self.variables = list(solutions.variables)
        self.rows = list(solutions)

    def __iter__(self):
        return iter(self.rows)


def bounded(query: Callable, seconds: float) -> Callable[[str], Answer]:
    """`query` with each call read to the end within `seconds` (DeadlineExceeded names the limit)."""
    from ..deadline import within

    return lambda text: within(seconds, "a shape's SPARQL query", lambda: Answer(query(text)))


class Runner:
    """Runs a plan's checks with one query function and collects Results."""

    def __init__(
        self,
        shapes: ShapesGraph,
        query: Callable[[str], object],
        origins: Callable[[object], list[Origin]],
        names: ShapeNames | None = None,
        progress: bool = False,
    ):
        self.shapes = shapes
        self.query = query
        self.origins = origins
        self.names = names or ShapeNames(shapes)
        self.paths: dict = {}
        self.progress = progress

    def run(self, plan: Plan) -> tuple[list[Result], dict]:
        """(results, the targeted shapes whose queries failed -> why); results of those shapes are dropped."""
        results: dict = {}
        failed: dict = {}
        focus: dict = {}
        for check in plan.checks:
            if not check.query or check.top in failed:
                continue
            try:
                if check.top not in focus:
                    focus[check.top] = self.focus_nodes(plan.focus[check.top])
                nodes, subquery = focus[check.top]
                if nodes == []:
                    continue  # no focus node: nothing to check
                started = time.perf_counter()
                solutions = self.query(fill_focus(check.query, nodes, subquery))
                names = [v.value for v in solutions.variables]
                found = [self.result(check, solution, names) for solution in solutions]
                elapsed = time.perf_counter() - started
                if self.progress and elapsed > SLOW:
                    print(f"  {self.names.name(check.shape)}: {elapsed:.1f} s", file=sys.stderr, flush=True)
            except DeadlineExceeded as error:
                raise DeadlineExceeded(f"validating {self.names.name(check.top)}: {error}") from None
            except (SyntaxError, OSError, ValueError, RuntimeError) as error:
                failed[check.top] = f"its compiled query failed ({error})"
                continue
            for result in found:
                results.setdefault(check.top, set()).add(result)
        kept = [r for top, found in results.items() if top not in failed for r in found]
        return kept, failed

    def focus_nodes(self, query: str) -> tuple[list | None, str]:
        """A shape's focus nodes (None when too many, or blank nodes, to write out) and their subquery."""
        prologue, select = split_prologue(query)
        subquery = f"{{ {select} }}"
        nodes = []
        for solution in self.query(query):
            node = solution["this"]
            if isinstance(node, ox.BlankNode) or len(nodes) >= INLINE_FOCUS:
                return None, subquery
            nodes.append(node)
        return nodes, subquery

    def result(self, check: Check, solution, names: list[str]) -> Result:
        row = {name: solution[name] for name in names if solution[name] is not None}
        focus = row.get("this")
        path = row.get("path", check.path)
        value = row.get("value")
        if value is None and check.node_shape:
            value = focus
        messages = [m.value for m in check.messages]
        if check.sparql:
            messages = [substitute(m, row) for m in messages]
        if not messages:
            name = check.component.value[len(SH) :].removesuffix("ConstraintComponent")
            messages = [GENERIC_MESSAGES.get(name, f"sh:{name} not satisfied")]
        return self.make(focus, path, value, check.shape, check.component, check.severity, messages)

    def make(self, focus, path, value, shape, component, severity, messages) -> Result:
        path_text, structure = self.names.path_text(path) if not isinstance(path, str) else (path, None)
        if structure is not None:
            self.paths[path_text] = structure
        origins = self.origins(focus)
        files = sorted({o.file for o in origins})
        message = "; ".join(sorted(set(messages)))
        if len(files) > 1:
            message += f"; {term_name(focus)} is described in {', '.join(str(o) for o in origins)}"
        origin = origins[0] if origins else None
        return Result(
            file=origin.file if origin else None,
            line=origin.line if origin else None,
            focus=str(focus),
            path=path_text,
            value=None if value is None else str(value),
            shape=str(shape),
            shape_name=self.names.name(shape),
            component=component.value,
            severity=SEVERITIES.get(severity.value, "Violation"),
            message=message,
        )


SLOW = 1.0
"""A check that takes longer than this many seconds is named in the progress lines."""
INLINE_FOCUS = 5000
"""Up to this many focus nodes go into a check as a VALUES block (the join starts from them); more stay a
subquery, which the store evaluates as part of the check."""


def fill_focus(query: str, nodes: list | None, subquery: str) -> str:
    """The check with its focus nodes in place of each focus marker (renamed where the check nests them)."""

    def fill(match: re.Match) -> str:
        variable = match.group(1)
        if nodes is not None:
            return f"\nVALUES {variable} {{ {' '.join(str(n) for n in nodes)} }}\n"
        return "\n" + re.sub(r"\?this\b", variable, subquery) + "\n"

    return FOCUS_MARK.sub(fill, query)


def term_name(term) -> str:
    return shorten(term.value) if isinstance(term, ox.NamedNode) else str(term)


def sort_results(results) -> list[Result]:
    return sorted(
        set(results),
        key=lambda r: (
            r.file or "~",
            r.line or 0,
            r.focus,
            r.path or "",
            r.shape_name,
            r.component,
            r.value or "",
            r.message,
        ),
    )
