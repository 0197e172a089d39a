"""Data QC rules: `queries/qc/NAME-violation.rq`, SPARQL SELECT queries that must return no row (the ODK pattern).

They say what SHACL says badly: that a fact rests on a source, that a count keeps its pairing, that an
entity named by two sources carries the decision that made it one. Each row is one validation result in
the same report as the shapes' (so every output format tells it, and a row makes the graph not conform):

    ?this      the focus node (required; the result is placed at the file and line that describe it)
    ?path      optional, the property at fault
    ?value     optional, the value at fault
    ?message   optional, the message; else the rule's `#+ summary:`

The rule's IRI (`qc:NAME-violation`) is the result's source shape, its constraint component
sh:SPARQLConstraintComponent, its severity sh:Violation. A rule file that cannot be read, has no summary,
does not parse, is not a SELECT or does not project ?this is an input error naming its file and line.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from ..build.files import InputFile, read_file
from ..errors import InputError
from ..namespaces import PREFIXES
from ..query.catalogue import parse_header, query_form_of, sparql_problem
from .report import SH, Result

RULE_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*-violation$")
COMPONENT = ox.NamedNode(SH + "SPARQLConstraintComponent")
VIOLATION = ox.NamedNode(SH + "Violation")
RULE_HEADER_KEYS = {"summary", "description", "tags"}


@dataclass(frozen=True)
class QcRule:
    """One QC rule: its name (the file stem), its query, and the summary that is its default message."""

    name: str
    shown: str
    text: str
    summary: str
    description: str = ""

    @property
    def iri(self) -> ox.NamedNode:
        return ox.NamedNode(PREFIXES["qc"] + self.name)


def rule_files(folder: Path) -> list[Path]:
    """The `.rq` files of the QC folder (none when the folder does not exist)."""
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix == ".rq" and not p.name.startswith("."))


def read_rules(folder: Path, root: Path | None = None) -> list[InputFile]:
    """The rule files' bytes, read once (for the cache key and for parsing)."""
    files = []
    for path in rule_files(folder):
        shown = str(path.relative_to(root)) if root is not None and path.is_relative_to(root) else str(path)
        files.append(read_file(path, shown))
    return files


def parse_rule(file: InputFile) -> QcRule:
    """One rule file checked: a name ending in -violation, a `#+` header with a summary, a SELECT that parses
    and projects ?this."""
    stem = file.path.stem
    if not RULE_NAME.match(stem):
        raise InputError("a QC rule is named NAME-violation.rq (lower-case words joined by '-')", file.shown)
    text = file.text()
    header = parse_header(text, Path(file.shown))
    unknown = set(header) - RULE_HEADER_KEYS
    if unknown:
        raise InputError(f"a QC rule's header has only {', '.join(sorted(RULE_HEADER_KEYS))}", file.shown)
    problem = sparql_problem(text)
    if problem is not None:
        raise InputError(f"SPARQL syntax error: {problem[0]}", file.shown, problem[1])
    if query_form_of(text) != "SELECT":
        raise InputError("a QC rule must be a SELECT query (its rows are the violations)", file.shown)
    variables = [v.value for v in ox.Store().query(text).variables]
    if "this" not in variables:
        raise InputError(
            "a QC rule must SELECT ?this, the node at fault (and may add ?path, ?value, ?message)", file.shown
        )
    return QcRule(stem, file.shown, text, header["summary"].strip(), str(header.get("description") or "").strip())


def load_rules(files: list[InputFile]) -> list[QcRule]:
    return [parse_rule(file) for file in files]


def run_rules(rules: list[QcRule], query: Callable[[str], object], make: Callable[..., Result]) -> list[Result]:
    """Every rule run through `query`; each row made into a Result by `make` (the engine's Runner.make)."""
    results = []
    for rule in rules:
        solutions = query(rule.text)
        names = [v.value for v in solutions.variables]
        for solution in solutions:
            row = {name: solution[name] for name in names if solution[name] is not None}
            focus = row.get("this")
            if focus is None:
                continue
            message = row.get("message")
            text = message.value if isinstance(message, ox.Literal) else rule.summary
            results.append(make(focus, row.get("path"), row.get("value"), rule.iri, COMPONENT, VIOLATION, [text]))
    return results
