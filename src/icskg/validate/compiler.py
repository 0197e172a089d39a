"""SHACL shapes compiled to SPARQL that Oxigraph runs over all focus nodes at once.

Each shape with targets becomes a few SELECT queries, one per constraint (SHACL 1.0 section 4, the Core
constraint components, and section 5, SPARQL-based constraints): the focus nodes come from a subquery
of the targets (section 2.1.3), the value nodes from the shape's path as a SPARQL property path
(section 2.3.1), and each row is one validation result (`?this`, and `?value`/`?path` where the
component reports them, as pySHACL does). Shapes used inside other shapes (sh:node, sh:not, sh:or,
sh:and, sh:xone, sh:qualifiedValueShape, sh:property of a nested shape) become a boolean SPARQL
expression "this node does not conform", so a logical constraint is one FILTER.

A SHACL-SPARQL constraint runs once, its `$this` bound by joining the focus nodes at the top of its
WHERE clause (the binding rule of icskg.query.scope, which the shape checker enforces). Where the focus
nodes go is marked in each query (`focus_marker`); the engine computes a shape's focus nodes once and
puts them there as a VALUES block when they are few (so the join starts from them), or as the subquery.

Whatever this compiler does not cover raises `Unsupported`: that targeted shape is then validated by
pySHACL (icskg.validate.reference), and the report says so. tests/validate/test_equality.py compares
the two engines' full result sets on every fixture, on the repository and on generated landscapes.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field, replace

import pyoxigraph as ox

from ..query.scope import split_prologue, where_clause_start
from .shapes import RDF, RDF_TYPE, RDFS, SH, XSD, ShapesGraph, sh

SUBCLASS = ox.NamedNode(RDFS + "subClassOf")
OWL_IMPORTS = ox.NamedNode("http://www.w3.org/2002/07/owl#imports")
VIOLATION = sh("Violation")
MAX_JOIN_COUNT = 4
"""min/maxCount above this inside a logical constraint are left to pySHACL (they become n-way joins)."""

# Datatypes whose well-formedness Oxigraph can test by casting the lexical form (XPath casts).
CASTABLE = {
    XSD + name
    for name in (
        "string boolean integer decimal float double dateTime date time gYear gYearMonth gMonth gMonthDay gDay "
        "duration yearMonthDuration dayTimeDuration"
    ).split()
}
NODE_KINDS = {
    "IRI": "isIRI({v})",
    "BlankNode": "isBlank({v})",
    "Literal": "isLiteral({v})",
    "BlankNodeOrIRI": "(isBlank({v}) || isIRI({v}))",
    "BlankNodeOrLiteral": "(isBlank({v}) || isLiteral({v}))",
    "IRIOrLiteral": "(isIRI({v}) || isLiteral({v}))",
}
VALUE_COMPONENTS = (
    "class datatype nodeKind pattern in hasValue minLength maxLength minInclusive maxInclusive minExclusive "
    "maxExclusive languageIn node not or and xone"
).split()
KNOWN_PARAMETERS = set(VALUE_COMPONENTS) | set(
    (
        "path property minCount maxCount uniqueLang equals disjoint lessThan lessThanOrEquals qualifiedValueShape "
        "qualifiedMinCount qualifiedMaxCount qualifiedValueShapesDisjoint closed ignoredProperties sparql flags "
        "targetClass targetNode targetSubjectsOf targetObjectsOf target severity message deactivated name "
        "description order group defaultValue prefixes declare select"
    ).split()
)


class Unsupported(Exception):
    """A construct the compiler leaves to pySHACL (the message says which)."""


@dataclass(frozen=True)
class Check:
    """One compiled constraint of one shape: a SELECT whose rows are validation results."""

    shape: object
    component: ox.NamedNode
    severity: ox.NamedNode
    path: object | None
    messages: tuple
    query: str
    top: object
    sparql: bool = False  # a SHACL-SPARQL constraint: ?path/?value from the row, messages templated
    node_shape: bool = False  # a node shape: the value of a result is its focus node
    constraint: object | None = None  # the sh:sparql node (sh:sourceConstraint)


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    declined: dict = field(default_factory=dict)  # targeted shape -> why pySHACL validates it
    tops: list = field(default_factory=list)
    focus: dict = field(default_factory=dict)  # targeted shape -> SELECT DISTINCT ?this (its focus nodes)


FOCUS_MARK = re.compile(r"#ICSKG-FOCUS (\?\w+)\n")


def focus_marker(variable: str = "?this") -> str:
    """Where the focus nodes of a check go (a SPARQL comment, on its own line, until the engine fills it)."""
    return f"\n#ICSKG-FOCUS {variable}\n"


def compile_shapes(shapes: ShapesGraph, closed_types: bool = False) -> Plan:
    """Every targeted shape compiled, or declined with its reason. With `closed_types`, the data graph holds
    the closure of rdf:type under rdfs:subClassOf (icskg's OWL 2 RL build does: rule cax-sco), so a SHACL type
    (SHACL 1.0 section 1.5, `rdf:type/rdfs:subClassOf*`) is just `rdf:type`: the same answers, much faster."""
    compiler = Compiler(shapes, closed_types)
    plan = Plan()
    for top in compiler.targeted_shapes():
        plan.tops.append(top)
        try:
            checks, focus = compiler.top_level(top)
            plan.checks += checks
            plan.focus[top] = focus
        except Unsupported as reason:
            plan.declined[top] = str(reason)
    return plan


class Compiler:
    def __init__(self, shapes: ShapesGraph, closed_types: bool = False):
        self.shapes = shapes
        self.type_path = str(RDF_TYPE) if closed_types else f"{RDF_TYPE}/{SUBCLASS}*"
        self._names = itertools.count(1)
        self._stack: list = []

    # --- shapes and targets ------------------------------------------------------------------------
    def targeted_shapes(self) -> list:
        """Shapes with a target (explicit, or implicit: a shape that is also a class), deactivated ones left out."""
        g = self.shapes
        found = set()
        for name in ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target"):
            found |= set(g.subjects_with(sh(name)))
        classes = {ox.NamedNode(RDFS + "Class"), ox.NamedNode("http://www.w3.org/2002/07/owl#Class")}
        for node in list(g.out):
            kinds = set(g.types(node))
            if kinds & classes and kinds & {sh("NodeShape"), sh("PropertyShape")}:
                found.add(node)
        return sorted((s for s in found if not g.is_true(s, sh("deactivated"))), key=str)

    def is_property_shape(self, shape) -> bool:
        return self.shapes.value(shape, sh("path")) is not None

    def targets(self, shape) -> str:
        """A group pattern binding ?this to the focus nodes of `shape` (a node may come more than once)."""
        g = self.shapes
        parts = []
        for cls in g.objects(shape, sh("targetClass")):
            parts.append(f"?this {self.type_path} {self.term(cls)} .")
        kinds = set(g.types(shape))
        if kinds & {ox.NamedNode(RDFS + "Class"), ox.NamedNode("http://www.w3.org/2002/07/owl#Class")}:
            parts.append(f"?this {self.type_path} {self.term(shape)} .")
        for node in g.objects(shape, sh("targetNode")):
            parts.append(f"VALUES ?this {{ {self.term(node)} }}")
        for p in g.objects(shape, sh("targetSubjectsOf")):
            parts.append(f"?this {self.term(p)} [] .")
        for p in g.objects(shape, sh("targetObjectsOf")):
            parts.append(f"[] {self.term(p)} ?this .")
        for target in g.objects(shape, sh("target")):
            parts.append(self.sparql_target(target))
        if not parts:
            raise Unsupported("a shape without targets")
        return " UNION ".join(f"{{ {p} }}" for p in parts)

    def sparql_target(self, target) -> str:
        g = self.shapes
        if sh("SPARQLTarget") not in g.types(target) and g.value(target, sh("select")) is None:
            raise Unsupported("a custom target type (only sh:SPARQLTarget is compiled)")
        select = g.value(target, sh("select"))
        if not isinstance(select, ox.Literal):
            raise Unsupported("a SPARQL target without sh:select")
        prologue, body = split_prologue(select.value)
        self._prefixes.update(self.declared_prefixes(target))
        self._prologues.append(prologue)
        return f"{{ {body} }}"

    # --- top level: rows of results -------------------------------------------------------------------
    def top_level(self, shape) -> tuple[list[Check], str]:
        """The checks of a targeted shape, and the query of its focus nodes."""
        self._prefixes: dict = {}
        self._prologues: list = []
        targets = self.targets(shape)
        checks = self.shape_checks(shape, focus_marker(), shape)
        prologue = self.prologue()
        focus = f"{prologue}SELECT DISTINCT ?this WHERE {{ {targets} }}"
        return [replace(c, query=prologue + c.query) for c in checks if c.query], focus

    def prologue(self) -> str:
        lines = [f"PREFIX {p}: <{ns}>" for p, ns in sorted(self._prefixes.items())]
        return "\n".join(lines + [p.strip() for p in self._prologues if p.strip()]) + "\n"

    def shape_checks(self, shape, focus: str, top) -> list[Check]:
        g = self.shapes
        if g.is_true(shape, sh("deactivated")):
            return []
        self.refuse_unknown(shape)
        severity = g.value(shape, sh("severity")) or VIOLATION
        messages = tuple(g.objects(shape, sh("message")))
        checks = []

        def check(component: str, select: str, where: str, **extra) -> None:
            query = f"SELECT DISTINCT {select} WHERE {{ {focus} {where} }}"
            checks.append(
                Check(
                    shape,
                    sh(component + "ConstraintComponent"),
                    severity,
                    extra.pop("path", None),
                    messages,
                    query,
                    top,
                    **extra,
                )
            )

        if self.is_property_shape(shape):
            path_node = g.value(shape, sh("path"))
            path = self.path(path_node)
            for name in VALUE_COMPONENTS:
                for parameter in g.objects(shape, sh(name)):
                    if name == "hasValue":
                        check(
                            "HasValue",
                            "?this",
                            f"FILTER NOT EXISTS {{ ?this {path} {self.term(parameter)} }}",
                            path=path_node,
                        )
                        continue
                    fails = self.value_fails(shape, name, parameter, "?value")
                    check(_component(name), "?this ?value", f"?this {path} ?value . FILTER({fails})", path=path_node)
            for name in ("minCount", "maxCount"):
                for parameter in g.objects(shape, sh(name)):
                    check(_component(name), "?this", self.count_rows(name, int(parameter.value), path), path=path_node)
            for name in ("qualifiedMinCount", "qualifiedMaxCount"):
                for parameter in g.objects(shape, sh(name)):
                    fails = self.qualified_fails(shape, name, int(parameter.value), "?this", path)
                    check(_component(name), "?this", f"FILTER({fails})", path=path_node)
            if g.is_true(shape, sh("uniqueLang")):
                check("UniqueLang", "?this", f"FILTER({self.unique_lang_fails('?this', path)})", path=path_node)
            for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
                for other in g.objects(shape, sh(name)):
                    check(
                        _component(name), "?this ?value", self.pair_rows(name, path, self.term(other)), path=path_node
                    )
            if g.is_true(shape, sh("closed")):
                raise Unsupported("sh:closed on a property shape")
            for constraint in g.objects(shape, sh("sparql")):
                checks.append(self.sparql_check(shape, constraint, focus, top, severity, messages, path))
            for nested in g.objects(shape, sh("property")):
                value_focus = self.rename_this(focus, f"?f{next(self._names)}")
                inner = f"{{ SELECT DISTINCT ?this WHERE {{ {value_focus[0]} {value_focus[1]} {path} ?this }} }}"
                checks += self.shape_checks(nested, inner, top)
            return checks

        for name in VALUE_COMPONENTS:
            for parameter in g.objects(shape, sh(name)):
                fails = self.value_fails(shape, name, parameter, "?this")
                check(_component(name), "?this", f"FILTER({fails})", node_shape=True)
        for name in (
            "minCount",
            "maxCount",
            "qualifiedValueShape",
            "uniqueLang",
            "equals",
            "disjoint",
            "lessThan",
            "lessThanOrEquals",
        ):
            if g.objects(shape, sh(name)):
                raise Unsupported(f"sh:{name} on a node shape")
        if g.is_true(shape, sh("closed")):
            check("Closed", "?this ?path ?value", self.closed_rows(shape, "?this"), node_shape=False)
        for constraint in g.objects(shape, sh("sparql")):
            checks.append(self.sparql_check(shape, constraint, focus, top, severity, messages, None))
        for nested in g.objects(shape, sh("property")):
            checks += self.shape_checks(nested, focus, top)
        return checks

    def refuse_unknown(self, shape) -> None:
        for predicate in self.shapes.out.get(shape, {}):
            if predicate.value.startswith(SH) and predicate.value[len(SH) :] not in KNOWN_PARAMETERS:
                raise Unsupported(f"sh:{predicate.value[len(SH) :]} (a custom or unknown constraint parameter)")
        if self.shapes.value(shape, sh("qualifiedValueShapesDisjoint")) is not None and self.shapes.is_true(
            shape, sh("qualifiedValueShapesDisjoint")
        ):
            raise Unsupported("sh:qualifiedValueShapesDisjoint")

    def count_rows(self, name: str, bound: int, path: str) -> str:
        if bound <= MAX_JOIN_COUNT:
            return f"FILTER({self.count_fails(name, bound, '?this', path)})"
        n = f"?n{next(self._names)}"
        x = f"?x{next(self._names)}"
        counts = f"{{ SELECT ?this (COUNT(DISTINCT {x}) AS {n}) WHERE {{ ?this {path} {x} }} GROUP BY ?this }}"
        if name == "maxCount":
            return f"{counts} FILTER({n} > {bound})"
        return f"OPTIONAL {counts} FILTER(COALESCE({n}, 0) < {bound})"

    def pair_rows(self, name: str, path: str, other: str) -> str:
        if name == "equals":
            return (
                f"{{ ?this {path} ?value FILTER NOT EXISTS {{ ?this {other} ?value }} }} UNION "
                f"{{ ?this {other} ?value FILTER NOT EXISTS {{ ?this {path} ?value }} }}"
            )
        if name == "disjoint":
            return f"?this {path} ?value . ?this {other} ?value ."
        o = f"?o{next(self._names)}"
        compare = "<" if name == "lessThan" else "<="
        return f"?this {path} ?value . ?this {other} {o} . FILTER(!COALESCE(?value {compare} {o}, false))"

    def closed_rows(self, shape, node: str) -> str:
        g = self.shapes
        allowed = [
            p
            for nested in g.objects(shape, sh("property"))
            for p in [g.value(nested, sh("path"))]
            if isinstance(p, ox.NamedNode)
        ]
        for ignored in g.objects(shape, sh("ignoredProperties")):
            members = g.items(ignored)
            if members is None:
                raise Unsupported("sh:ignoredProperties that is not a list")
            allowed += members
        listed = ", ".join(self.term(p) for p in allowed)
        restriction = f"FILTER(?path NOT IN ({listed}))" if allowed else ""
        return f"{node} ?path ?value . {restriction}"

    def sparql_check(self, shape, constraint, focus: str, top, severity, messages, path: str | None) -> Check:
        g = self.shapes
        if g.is_true(constraint, sh("deactivated")):
            return Check(shape, sh("SPARQLConstraintComponent"), severity, None, (), "", top, sparql=True)
        select = g.value(constraint, sh("select"))
        if not isinstance(select, ox.Literal):
            raise Unsupported("a SPARQL constraint without sh:select (sh:ask or a custom validator)")
        text = select.value
        if re.search(r"\$(currentShape|shapesGraph)\b", text):
            raise Unsupported("a SPARQL constraint that uses $currentShape or $shapesGraph")
        if "$PATH" in text:
            if path is None:
                raise Unsupported("$PATH in a SPARQL constraint of a node shape")
            text = text.replace("$PATH", path)
        text = re.sub(r"\$this\b", "?this", text)
        self._prefixes.update(self.declared_prefixes(constraint))
        prologue, body = split_prologue(text)
        if prologue.strip():
            self._prologues.append(prologue)
        at = where_clause_start(body)
        query = f"{body[:at]} {focus} {body[at:]}"
        constraint_messages = tuple(g.objects(constraint, sh("message")))
        node_shape = not self.is_property_shape(shape)
        return Check(
            shape,
            sh("SPARQLConstraintComponent"),
            severity,
            g.value(shape, sh("path")),
            constraint_messages + tuple(m for m in messages if m not in constraint_messages),
            query,
            top,
            sparql=True,
            node_shape=node_shape,
            constraint=constraint,
        )

    def declared_prefixes_of(self, node) -> dict:
        """Prefixes from sh:prefixes (each object's sh:declare, following owl:imports in the shapes graph)."""
        g = self.shapes
        found: dict = {}
        todo = list(g.objects(node, sh("prefixes")))
        seen = set()
        while todo:
            holder = todo.pop()
            if holder in seen:
                continue
            seen.add(holder)
            todo += g.objects(holder, OWL_IMPORTS)
            for declaration in g.objects(holder, sh("declare")):
                prefix, namespace = g.value(declaration, sh("prefix")), g.value(declaration, sh("namespace"))
                if not isinstance(prefix, ox.Literal) or not isinstance(namespace, ox.Literal):
                    raise Unsupported("a prefix declaration needs a string sh:prefix and sh:namespace")
                if found.get(prefix.value, namespace.value) != namespace.value:
                    raise Unsupported(f"prefix {prefix.value}: declared twice with different namespaces")
                found[prefix.value] = namespace.value
        return found

    def declared_prefixes(self, node) -> dict:
        """declared_prefixes_of `node`, which must agree with the prefixes the query already has."""
        found = self.declared_prefixes_of(node)
        for prefix, namespace in found.items():
            if self._prefixes.get(prefix, namespace) != namespace:
                raise Unsupported(f"prefix {prefix}: bound to two namespaces in one shape")
        return found

    # --- boolean: "this node does not conform" -----------------------------------------------------------
    def shape_fails(self, shape, node: str) -> str:
        """A SPARQL expression, true iff `node` does not conform to `shape`."""
        g = self.shapes
        if g.is_true(shape, sh("deactivated")):
            return "false"
        if shape in self._stack:
            raise Unsupported("a recursive shape")
        self._stack.append(shape)
        try:
            self.refuse_unknown(shape)
            if g.objects(shape, sh("sparql")):
                raise Unsupported("a SPARQL constraint inside a shape used by sh:node, sh:or, sh:not, ...")
            parts = []
            if self.is_property_shape(shape):
                path = self.path(g.value(shape, sh("path")))
                for name in VALUE_COMPONENTS:
                    for parameter in g.objects(shape, sh(name)):
                        if name == "hasValue":
                            parts.append(f"NOT EXISTS {{ {node} {path} {self.term(parameter)} }}")
                        else:
                            x = f"?x{next(self._names)}"
                            fails = self.value_fails(shape, name, parameter, x)
                            parts.append(f"EXISTS {{ {node} {path} {x} FILTER({fails}) }}")
                for name in ("minCount", "maxCount"):
                    for parameter in g.objects(shape, sh(name)):
                        if int(parameter.value) > MAX_JOIN_COUNT:
                            raise Unsupported(f"sh:{name} above {MAX_JOIN_COUNT} inside a logical constraint")
                        parts.append(self.count_fails(name, int(parameter.value), node, path))
                for name in ("qualifiedMinCount", "qualifiedMaxCount"):
                    for parameter in g.objects(shape, sh(name)):
                        parts.append(self.qualified_fails(shape, name, int(parameter.value), node, path))
                if g.is_true(shape, sh("uniqueLang")):
                    parts.append(self.unique_lang_fails(node, path))
                for name in ("equals", "disjoint", "lessThan", "lessThanOrEquals"):
                    for other in g.objects(shape, sh(name)):
                        rows = self.pair_rows(name, path, self.term(other)).replace("?this", node)
                        value = f"?w{next(self._names)}"
                        parts.append(f"EXISTS {{ {rows.replace('?value', value)} }}")
                for nested in g.objects(shape, sh("property")):
                    x = f"?x{next(self._names)}"
                    parts.append(f"EXISTS {{ {node} {path} {x} FILTER({self.shape_fails(nested, x)}) }}")
            else:
                for name in VALUE_COMPONENTS:
                    for parameter in g.objects(shape, sh(name)):
                        parts.append(self.value_fails(shape, name, parameter, node))
                for name in ("minCount", "maxCount", "qualifiedValueShape", "uniqueLang", "equals", "disjoint"):
                    if g.objects(shape, sh(name)):
                        raise Unsupported(f"sh:{name} on a node shape")
                if g.is_true(shape, sh("closed")):
                    rows = self.closed_rows(shape, node).replace("?path", f"?p{next(self._names)}")
                    parts.append(f"EXISTS {{ {rows.replace('?value', f'?o{next(self._names)}')} }}")
                for nested in g.objects(shape, sh("property")):
                    parts.append(self.shape_fails(nested, node))
            return "(" + " || ".join(parts) + ")" if parts else "false"
        finally:
            self._stack.pop()

    def value_fails(self, shape, name: str, parameter, v: str) -> str:
        """True iff the value node `v` fails the value-type/range/string/logical constraint `name`."""
        g = self.shapes
        if name == "class":
            return f"NOT EXISTS {{ {v} {self.type_path} {self.term(parameter)} }}"
        if name == "datatype":
            return f"!({self.has_datatype(v, parameter)})"
        if name == "nodeKind":
            kind = parameter.value[len(SH) :] if parameter.value.startswith(SH) else None
            if kind not in NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {parameter}")
            return "!" + NODE_KINDS[kind].format(v=v)
        if name == "pattern":
            flags = g.value(shape, sh("flags"))
            arguments = f"STR({v}), {self.term(parameter)}" + (f", {self.term(flags)}" if flags is not None else "")
            return f"(isBlank({v}) || !COALESCE(REGEX({arguments}), false))"
        if name == "in":
            members = g.items(parameter)
            if members is None:
                raise Unsupported("sh:in that is not a list")
            if any(isinstance(m, ox.BlankNode) for m in members):
                raise Unsupported("a blank node in sh:in")
            same = " || ".join(f"sameTerm({v}, {self.term(m)})" for m in members)
            return f"!({same})" if same else "true"
        if name == "hasValue":
            return f"!sameTerm({v}, {self.term(parameter)})"
        if name in ("minLength", "maxLength"):
            compare = ">=" if name == "minLength" else "<="
            return f"(isBlank({v}) || !COALESCE(STRLEN(STR({v})) {compare} {int(parameter.value)}, false))"
        if name in ("minInclusive", "maxInclusive", "minExclusive", "maxExclusive"):
            compare = {"minInclusive": ">=", "maxInclusive": "<=", "minExclusive": ">", "maxExclusive": "<"}[name]
            return f"!COALESCE({v} {compare} {self.term(parameter)}, false)"
        if name == "languageIn":
            tags = g.items(parameter)
            if tags is None:
                raise Unsupported("sh:languageIn that is not a list")
            matches = " || ".join(f"langMatches(LANG({v}), {self.term(t)})" for t in tags)
            return f'!(isLiteral({v}) && LANG({v}) != "" && ({matches or "false"}))'
        if name == "node":
            return self.shape_fails(parameter, v)
        if name == "not":
            return f"!{self.shape_fails(parameter, v)}"
        members = g.items(parameter)
        if members is None:
            raise Unsupported(f"sh:{name} that is not a list")
        failing = [self.shape_fails(m, v) for m in members]
        if name == "or":
            return "(" + " && ".join(failing) + ")" if failing else "true"
        if name == "and":
            return "(" + " || ".join(failing) + ")" if failing else "false"
        conforming = " + ".join(f"IF({f}, 0, 1)" for f in failing)  # xone
        return f"({conforming or '0'}) != 1"

    def has_datatype(self, v: str, datatype) -> str:
        if not isinstance(datatype, ox.NamedNode):
            raise Unsupported("sh:datatype that is not an IRI")
        if datatype.value == RDF + "langString":
            return f'(isLiteral({v}) && LANG({v}) != "")'
        test = f"isLiteral({v}) && DATATYPE({v}) = {self.term(datatype)}"
        if datatype.value in CASTABLE and datatype.value != XSD + "string":
            test += f" && COALESCE(isLiteral({self.term(datatype)}(STR({v}))), false)"
        return f"({test})"

    def count_fails(self, name: str, bound: int, node: str, path: str) -> str:
        """minCount / maxCount as an n-way join of distinct values (n is small)."""
        if name == "minCount":
            if bound == 0:
                return "false"
            return f"NOT EXISTS {{ {self.distinct_values(node, path, bound)} }}"
        return f"EXISTS {{ {self.distinct_values(node, path, bound + 1)} }}"

    def distinct_values(self, node: str, path: str, n: int, condition=None) -> str:
        names = [f"?d{next(self._names)}" for _ in range(n)]
        patterns = " ".join(f"{node} {path} {x} ." for x in names)
        different = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(names, 2)]
        if condition is not None:
            different += [condition(x) for x in names]
        return patterns + (f" FILTER({' && '.join(different)})" if different else "")

    def qualified_fails(self, shape, name: str, bound: int, node: str, path: str) -> str:
        qualified = self.shapes.value(shape, sh("qualifiedValueShape"))
        if qualified is None:
            raise Unsupported(f"sh:{name} without sh:qualifiedValueShape")
        if bound > MAX_JOIN_COUNT:
            raise Unsupported(f"sh:{name} above {MAX_JOIN_COUNT}")

        def conforms(x: str) -> str:
            return f"!{self.shape_fails(qualified, x)}"

        if name == "qualifiedMinCount":
            if bound == 0:
                return "false"
            return f"NOT EXISTS {{ {self.distinct_values(node, path, bound, conforms)} }}"
        return f"EXISTS {{ {self.distinct_values(node, path, bound + 1, conforms)} }}"

    def unique_lang_fails(self, node: str, path: str) -> str:
        a, b = f"?l{next(self._names)}", f"?l{next(self._names)}"
        return (
            f"EXISTS {{ {node} {path} {a} . {node} {path} {b} . FILTER(!sameTerm({a}, {b}) && "
            f'LANG({a}) != "" && LCASE(LANG({a})) = LCASE(LANG({b}))) }}'
        )

    # --- terms and paths ------------------------------------------------------------------------------
    def term(self, node) -> str:
        if isinstance(node, ox.BlankNode):
            raise Unsupported("a blank node as a constraint parameter")
        return str(node)

    def path(self, node) -> str:
        """A SHACL path (section 2.3.1) as a SPARQL property path."""
        g = self.shapes
        if isinstance(node, ox.NamedNode):
            return str(node)
        if not isinstance(node, ox.BlankNode):
            raise Unsupported("a literal as a path")
        if g.objects(node, ox.NamedNode(RDF + "first")):
            members = g.items(node)
            if not members or len(members) < 2:
                raise Unsupported("a sequence path that is not a list of two or more paths")
            return "(" + "/".join(self.path(m) for m in members) + ")"
        for name, operator in (
            ("inversePath", "^"),
            ("zeroOrMorePath", "*"),
            ("oneOrMorePath", "+"),
            ("zeroOrOnePath", "?"),
        ):
            inner = g.value(node, sh(name))
            if inner is not None:
                text = self.path(inner)
                text = text if isinstance(inner, ox.NamedNode) else f"({text})"
                return f"^{text}" if operator == "^" else f"{text}{operator}"
        alternatives = g.value(node, sh("alternativePath"))
        if alternatives is not None:
            members = g.items(alternatives)
            if not members:
                raise Unsupported("an alternative path that is not a list")
            return "(" + "|".join(self.path(m) for m in members) + ")"
        raise Unsupported("a path of unknown form")

    @staticmethod
    def rename_this(focus: str, name: str) -> tuple[str, str]:
        """The focus pattern with ?this renamed (to nest it), and the new name."""
        return re.sub(r"\?this\b", name, focus), name


def _component(parameter: str) -> str:
    return {
        "class": "Class",
        "datatype": "Datatype",
        "nodeKind": "NodeKind",
        "pattern": "Pattern",
        "in": "In",
        "hasValue": "HasValue",
        "minLength": "MinLength",
        "maxLength": "MaxLength",
        "minInclusive": "MinInclusive",
        "maxInclusive": "MaxInclusive",
        "minExclusive": "MinExclusive",
        "maxExclusive": "MaxExclusive",
        "languageIn": "LanguageIn",
        "node": "Node",
        "not": "Not",
        "or": "Or",
        "and": "And",
        "xone": "Xone",
        "minCount": "MinCount",
        "maxCount": "MaxCount",
        "qualifiedMinCount": "QualifiedMinCount",
        "qualifiedMaxCount": "QualifiedMaxCount",
        "equals": "Equals",
        "disjoint": "Disjoint",
        "lessThan": "LessThan",
        "lessThanOrEquals": "LessThanOrEquals",
    }[parameter]
