"""What icskg needs to know about a SPARQL text, read from its tokens (fast: no parse tree).

- where the WHERE clause opens (parameters and focus nodes are joined in there, as one VALUES block
  or one subquery), the prologue, the query form, SERVICE clauses;
- **the binding rule**: icskg binds a parameter (and a shape binds `$this`) the same way everywhere,
  by joining values with the outermost WHERE group. That equals pre-binding the variable wherever
  the variable is *visible* from that group: in its triple patterns and expressions, in OPTIONAL and
  EXISTS groups, and in nested groups that match the variable themselves. It is not visible inside a
  subquery, a MINUS, a SERVICE, or in a FILTER/BIND of a nested group (or UNION branch) that does not
  match it (SPARQL 1.1 Query section 18.2, group-scoped filters). `binding_problems` names each such
  use with its line, and the catalogue and the shape checker refuse them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import InputError

_TOKEN = re.compile(
    r"""
    (?P<comment>\#[^\n\r]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
              |'(?:[^'\\\n\r]|\\.)*'|"(?:[^"\\\n\r]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][A-Za-z0-9_\u00b7\u00c0-\ufffd]+)
  | (?P<word>[A-Za-z_][\w-]*(?::(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)?|:(?:[\w:%-]|\\.|\.(?=[\w:%-]))*)
  | (?P<open>\{) | (?P<close>\}) | (?P<lparen>\() | (?P<rparen>\))
  | (?P<other>\S)
    """,
    re.VERBOSE | re.DOTALL,
)
FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")
UPDATE_WORDS = ("INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH")


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        return self.text.upper() if self.kind == "word" else ""


def tokens(text: str) -> list[Token]:
    """Every token but comments (strings and IRIs are one token each, so nothing inside them counts)."""
    return [
        Token(m.lastgroup, m.group(), m.start(), m.end()) for m in _TOKEN.finditer(text) if m.lastgroup != "comment"
    ]


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (the first such keyword after the prologue); UPDATE for an update
    request; None if the text has neither."""
    for token in tokens(text):
        if token.word in FORMS:
            return token.word
        if token.word in UPDATE_WORDS:
            return "UPDATE"
    return None


def where_clause_start(text: str) -> int:
    """Index just after the `{` that opens the WHERE clause of a SELECT or ASK query: the first `{` outside
    strings, IRIs, comments and parentheses (a projection `(EXISTS { ... } AS ?x)` is in parentheses)."""
    depth = 0
    for token in tokens(text):
        if token.kind == "lparen":
            depth += 1
        elif token.kind == "rparen":
            depth -= 1
        elif token.kind == "open" and depth == 0:
            return token.end
    raise InputError("the query has no WHERE clause to bind values in")


def split_prologue(text: str) -> tuple[str, str]:
    """(the PREFIX and BASE declarations, the rest of the query)."""
    found = tokens(text)
    end = 0
    i = 0
    while i < len(found):
        word = found[i].word
        if word == "PREFIX" and i + 2 < len(found):
            end, i = found[i + 2].end, i + 3
        elif word == "BASE" and i + 1 < len(found):
            end, i = found[i + 1].end, i + 2
        else:
            break
    return text[:end], text[end:]


def with_prefixes(text: str) -> str:
    """The query with a PREFIX line for each of icskg's prefixes (icskg.namespaces.PREFIXES) it uses but does
    not declare, so `icskg sparql`, `kg.sparql` and `%%sparql` accept `icskg:Partnership` as written."""
    from ..namespaces import PREFIXES

    found = tokens(text)
    declared = {found[i + 1].text.split(":", 1)[0] for i, t in enumerate(found[:-1]) if t.word == "PREFIX"}
    used = {t.text.split(":", 1)[0] for t in found if t.kind == "word" and ":" in t.text}
    missing = [p for p in PREFIXES if p in used and p not in declared]
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in missing) + text


def service_line(text: str) -> int | None:
    """The line of the first SERVICE clause (a call to another endpoint), or None."""
    for token in tokens(text):
        if token.word == "SERVICE":
            return line_of(text, token.start)
    return None


# --- the binding rule ----------------------------------------------------------------------------------


@dataclass
class _Group:
    kind: str  # top, optional, exists, minus, service, graph, plain, subquery
    parent: _Group | None
    binds: set = field(default_factory=set)

    def hidden(self) -> str | None:
        """The construct that hides outer bindings from this group and everything in it, if any."""
        group: _Group | None = self
        while group is not None:
            if group.kind in ("subquery", "minus", "service"):
                return {"subquery": "a subquery", "minus": "a MINUS", "service": "a SERVICE clause"}[group.kind]
            group = group.parent
        return None


@dataclass(frozen=True)
class BindingProblem:
    variable: str
    line: int
    reason: str

    def __str__(self) -> str:
        return f"?{self.variable} {self.reason}"


def binding_problems(text: str, names: set[str]) -> list[BindingProblem]:
    """Uses of the variables `names` that a VALUES join at the top of the WHERE clause would not bind."""
    found = tokens(text)
    start = _where_token(found)
    if start is None or not names:
        return []
    uses: list[tuple[str, _Group, bool, bool, int]] = []  # (name, group, in an expression, after AS, offset)
    group = _Group("top", None)
    expression_depth = 0  # parentheses of a FILTER/BIND/HAVING expression not yet closed
    saved_depths: list[int] = []
    values_header = False  # between VALUES and the `{` of its data block
    previous: list[Token] = []
    for token in found[start + 1 :]:
        if token.kind == "open":
            if values_header:
                kind, values_header = "data", False
            else:
                kind = _group_kind(previous)
            group = _Group(kind, group)
            saved_depths.append(expression_depth)
            expression_depth = 0
        elif token.kind == "close":
            if group.parent is None:
                break
            group = group.parent
            expression_depth = saved_depths.pop() if saved_depths else 0
        elif token.kind == "lparen":
            if expression_depth or _opens_expression(previous):
                expression_depth += 1
        elif token.kind == "rparen":
            if expression_depth:
                expression_depth -= 1
        elif token.word == "VALUES":
            values_header = True
        elif token.word == "SELECT" and previous and previous[-1].kind == "open":
            group.kind = "subquery"
        elif token.kind == "var":
            name = token.text[1:]
            binding = bool(previous) and previous[-1].word == "AS"
            in_expression = expression_depth > 0 and not binding
            if not in_expression:
                group.binds.add(name)
            if name in names:
                uses.append((name, group, in_expression, binding, token.start))
        previous = (previous + [token])[-3:]
    problems = []
    for name, where, in_expression, binding, offset in uses:
        line = line_of(text, offset)
        hidden = where.hidden()
        if hidden:
            problems.append(
                BindingProblem(
                    name,
                    line,
                    f"is used inside {hidden}, which a value bound at the top of the WHERE clause does not reach",
                )
            )
        elif in_expression and where.kind in ("plain", "graph") and name not in where.binds:
            problems.append(
                BindingProblem(
                    name,
                    line,
                    "is used in a FILTER or BIND of a nested group (or UNION branch) that does not match it: "
                    "that expression cannot see a value bound at the top of the WHERE clause",
                )
            )
        elif binding and where.kind == "top":
            problems.append(
                BindingProblem(
                    name,
                    line,
                    "is the target of a BIND at the top of the WHERE clause, where the VALUES block that binds the "
                    "parameter already puts it in scope (SPARQL refuses that BIND)",
                )
            )
    return problems


def _where_token(found: list[Token]) -> int | None:
    """The index of the `{` that opens the WHERE clause: the first one outside parentheses (as in
    `where_clause_start`; a projection `(EXISTS { ... } AS ?e)` comes before it)."""
    depth = 0
    for i, token in enumerate(found):
        if token.kind == "lparen":
            depth += 1
        elif token.kind == "rparen":
            depth -= 1
        elif token.kind == "open" and depth == 0:
            return i
    return None


def _opens_expression(previous: list[Token]) -> bool:
    """A `(` that starts a FILTER, BIND or HAVING expression: `FILTER (`, or `FILTER regex(`, `FILTER <fn>(`."""
    if not previous:
        return False
    if previous[-1].word in ("FILTER", "BIND", "HAVING"):
        return True
    return len(previous) >= 2 and previous[-2].word == "FILTER" and previous[-1].kind in ("word", "iri")


def _group_kind(previous: list[Token]) -> str:
    words = [t.word for t in previous]
    last = words[-1] if words else ""
    if last == "OPTIONAL":
        return "optional"
    if last == "EXISTS":
        return "exists"
    if last == "MINUS":
        return "minus"
    if "SERVICE" in words[-3:]:
        return "service"
    if "GRAPH" in words[-2:]:
        return "graph"
    return "plain"
