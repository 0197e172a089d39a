"""Shapes are checked before they are used: a malformed shapes graph is an input error (exit 2) naming
the file and line of each problem, never a silent pass or a traceback.

- the W3C's SHACL-for-SHACL shapes graph (SHACL 1.0 appendix C, as pySHACL ships it), compiled and run
  by icskg's own engine on the shapes;
- sh:node, sh:not, sh:property, sh:qualifiedValueShape and list members naming a shape that is
  described nowhere;
- SHACL-SPARQL: a query that does not parse (with the prefixes its sh:prefixes declare), a constraint
  without $this, a target without ?this, $this used where a value bound at the top does not reach
  (icskg.query.scope), an icskgfn: function icskg does not define;
- a sh:pattern that does not compile;
- no shapes at all.
"""

from __future__ import annotations

import importlib.util
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox

from ..build.files import read_file
from ..errors import InputError
from ..namespaces import FUNCTIONS
from ..query.scope import binding_problems, split_prologue, tokens
from .compiler import Compiler, Unsupported, compile_shapes
from .engine import Runner
from .formats import term_text
from .functions import NAMES
from .shapes import ShapesGraph, sh

SHSH = r"<http://www\.w3\.org/ns/shacl-shacl#(\w+)>"
REFERENCES = ("node", "not", "property", "qualifiedValueShape")
FORBIDDEN = {
    "VALUES": "a VALUES clause (SHACL 1.0 section 5.3.1.1, pre-bound variables)",
    "MINUS": "a MINUS clause (SHACL 1.0 section 5.3.1.1)",
    "SERVICE": "a federated query, SERVICE (SHACL 1.0 section 5.3.1.1)",
}
LISTS = ("or", "and", "xone")


@dataclass(frozen=True)
class Problem:
    file: str | None
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.file and self.line else (self.file or "shapes")
        return f"{where}: {self.message}"


class ShapesError(InputError):
    """One or more problems in the shapes graph."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        first = problems[0]
        super().__init__(first.message, first.file, first.line)

    def __str__(self) -> str:
        return "malformed shapes:\n" + "\n".join(f"  {p}" for p in self.problems)


@lru_cache(maxsize=1)
def shacl_for_shacl() -> ShapesGraph:
    """The SHACL-for-SHACL shapes graph shipped with pySHACL (found without importing pySHACL)."""
    spec = importlib.util.find_spec("pyshacl")
    if spec is None or not spec.submodule_search_locations:
        raise InputError("pySHACL is not installed; it ships the SHACL-for-SHACL shapes (pip install pyshacl)")
    path = Path(next(iter(spec.submodule_search_locations))) / "assets" / "shacl-shacl.ttl"
    return ShapesGraph([read_file(path, "shacl-shacl.ttl")])


def check_shapes(shapes: ShapesGraph) -> None:
    """Raise ShapesError listing every problem found, or return quietly."""
    if len(shapes) == 0 or not Compiler(shapes).targeted_shapes():
        where = shapes.files[0].shown if shapes.files else "shapes/"
        raise ShapesError(
            [Problem(where, None, "no shapes with targets: nothing would be validated (add shapes/*.ttl)")]
        )
    problems = meta_problems(shapes) + reference_problems(shapes) + sparql_problems(shapes) + pattern_problems(shapes)
    if problems:
        raise ShapesError(sorted(set(problems), key=lambda p: (p.file or "", p.line or 0, p.message)))


def _at(shapes: ShapesGraph, node, message: str) -> Problem:
    origin = shapes.origin(node)
    return Problem(origin.file if origin else None, origin.line if origin else None, message)


def meta_problems(shapes: ShapesGraph) -> list[Problem]:
    meta = shacl_for_shacl()
    plan = compile_shapes(meta)
    if plan.declined:
        raise AssertionError(f"SHACL-for-SHACL must compile: {plan.declined}")
    runner = Runner(meta, shapes.store.query, lambda node: [])
    results, _failed = runner.run(plan)
    problems = []
    for result in results:
        node = _term(result.focus)
        shape = re.sub(SHSH, r"shsh:\1", result.shape_name)
        what = f"{result.message} ({shape}"
        what += f", path {term_text(result.path)}" if result.path else ""
        what += f", value {term_text(result.value)})" if result.value else ")"
        problems.append(_at(shapes, node, f"not a well-formed shape (SHACL-for-SHACL): {what}"))
    return problems


def _term(text: str):
    from .report import parse_term

    return parse_term(text) if not text.startswith("_:") else ox.BlankNode(text[2:])


def reference_problems(shapes: ShapesGraph) -> list[Problem]:
    problems = []
    for name in REFERENCES + LISTS:
        for holder in list(shapes.subjects_with(sh(name))):
            for value in shapes.objects(holder, sh(name)):
                members = shapes.items(value) if name in LISTS else [value]
                for member in members or []:
                    if isinstance(member, ox.NamedNode) and member not in shapes.out:
                        problems.append(_at(shapes, holder, f"sh:{name} names {member}, a shape described nowhere"))
    return problems


def sparql_problems(shapes: ShapesGraph) -> list[Problem]:
    problems = []
    compiler = Compiler(shapes)
    for holder in list(shapes.subjects_with(sh("select"))):
        select = shapes.value(holder, sh("select"))
        owner = (shapes.subjects(sh("sparql"), holder) or shapes.subjects(sh("target"), holder) or [holder])[0]
        is_target = bool(shapes.subjects(sh("target"), holder))
        if not isinstance(select, ox.Literal):
            problems.append(_at(shapes, owner, "sh:select must be a string holding a SPARQL SELECT query"))
            continue
        text = select.value
        try:
            prefixes = compiler.declared_prefixes_of(holder)
        except Unsupported as error:
            problems.append(_at(shapes, owner, str(error)))
            continue
        variable = "?this" if is_target else "$this"
        if not re.search(re.escape(variable) + r"\b", text):
            problems.append(
                _at(
                    shapes,
                    owner,
                    f"the SPARQL query of a {'target' if is_target else 'constraint'} "
                    f"must use {variable} (the focus node)",
                )
            )
        if not is_target:
            for problem in binding_problems(text.replace("$PATH", "<urn:x-icskg:path>"), {"this"}):
                problems.append(_at(shapes, owner, f"SPARQL: $this {problem.reason} (query line {problem.line})"))
            for word, rule in FORBIDDEN.items():
                if any(t.word == word for t in tokens(text)):
                    problems.append(_at(shapes, owner, f"SPARQL: a SHACL-SPARQL constraint may not contain {rule}"))
        for function in set(re.findall(r"icskgfn:(\w+)", text)) | set(
            re.findall(re.escape(FUNCTIONS) + r"(\w+)", text)
        ):
            if function not in NAMES:
                problems.append(
                    _at(
                        shapes,
                        owner,
                        f"SPARQL: icskgfn:{function} is not one of icskg's functions ({', '.join(sorted(NAMES))})",
                    )
                )
        syntax = _syntax_error(text, prefixes)
        if syntax:
            problems.append(_at(shapes, owner, f"SPARQL syntax error: {syntax}"))
    return problems


def _syntax_error(text: str, prefixes: dict) -> str | None:
    """Oxigraph's syntax error for a shape's query, with the line in the query as the shape writes it."""
    prologue, body = split_prologue(text.replace("$PATH", "<urn:x-icskg:path>"))
    declared = "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in prefixes.items())
    query = declared + prologue + re.sub(r"\$(\w+)", r"?\1", body)
    try:
        ox.Store().query(query)
    except SyntaxError as error:
        message = str(error)
        match = re.match(r"error at (\d+):(\d+): (.*)", message, re.DOTALL)
        if not match:
            return message[:300]
        line = int(match.group(1)) - declared.count("\n")
        detail = " ".join(match.group(3).split())
        return f"line {line} of its query, column {match.group(2)}: {detail[:200]}"
    except (OSError, ValueError, RuntimeError):
        return None
    return None


def pattern_problems(shapes: ShapesGraph) -> list[Problem]:
    problems = []
    for holder in list(shapes.subjects_with(sh("pattern"))):
        pattern = shapes.value(holder, sh("pattern"))
        flags = shapes.value(holder, sh("flags"))
        if not isinstance(pattern, ox.Literal):
            continue
        try:
            re.compile(pattern.value)
        except re.error as error:
            problems.append(_at(shapes, holder, f"sh:pattern {pattern.value!r} is not a regular expression: {error}"))
            continue
        arguments = f'"", {pattern}' + (f", {flags}" if isinstance(flags, ox.Literal) else "")
        answer = next(iter(ox.Store().query(f"SELECT (COALESCE(isLiteral(REGEX({arguments})), false) AS ?ok) {{}}")))
        if answer["ok"] is None or answer["ok"].value != "true":
            problems.append(
                _at(
                    shapes,
                    holder,
                    f"sh:pattern {pattern.value!r} (flags {flags.value if flags else '-'}) "
                    "is not a regular expression SPARQL's REGEX accepts",
                )
            )
    return problems
