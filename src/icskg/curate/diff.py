"""What a change does to the graph, by meaning (`icskg diff`): the entities added, removed and changed, each
changed fact with its source, quotes and excerpts added or edited, validation results new or fixed, and the
inferred consequences, counted.

Two graphs that are isomorphic (the same triples once blank nodes are matched, RDF Dataset Canonicalization)
are the same graph: a change of layout, order, comments or blank-node labels is no change. An entity is a
named subject; its facts are its triples, a blank node object standing for the facts under it (so blank-node
labels never show). Blank nodes that no named subject reaches form one entity of their own.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import pyoxigraph as ox

from ..namespaces import PREFIXES
from ..validate.report import Result
from .revisions import Side

ORPHANS = "(blank nodes no named subject reaches)"
LABELS = (
    PREFIXES["skos"] + "prefLabel",
    PREFIXES["rdfs"] + "label",
    PREFIXES["foaf"] + "name",
    PREFIXES["schema"] + "name",
    PREFIXES["dcterms"] + "title",
    PREFIXES["dcterms"] + "identifier",
)
WORDS = (PREFIXES["icskg"] + "text", PREFIXES["icskg"] + "excerpt")
"""The properties whose values are words copied from a source: quotes' texts and excerpts."""
TYPE = PREFIXES["rdf"] + "type"
DERIVED_FROM = PREFIXES["prov"] + "wasDerivedFrom"

Fact = tuple[str, str]
"""(predicate IRI, object in N-Triples, a blank node written out as the facts under it)."""


@dataclass
class Entity:
    iri: str
    facts: set[Fact]
    label: str | None = None
    types: list[str] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    where: str | None = None


@dataclass
class EntityChange:
    status: str  # added, removed, changed
    entity: Entity  # as the head describes it (the base, for a removed one)
    added: list[Fact]
    removed: list[Fact]
    base_sources: list[str]


@dataclass
class WordsChange:
    """A quote's text or an excerpt added, edited or removed."""

    statement: str
    predicate: str
    before: list[str]
    after: list[str]
    sources: list[str]


@dataclass
class Counts:
    base: int
    head: int
    added: int
    removed: int
    by_predicate: dict[str, tuple[int, int]] = field(default_factory=dict)  # predicate IRI -> (added, removed)


@dataclass
class Diff:
    base: str
    head: str
    isomorphic: bool
    changes: list[EntityChange]
    words: list[WordsChange]
    new_results: list[Result]
    fixed_results: list[Result]
    asserted: Counts
    inferred: Counts
    base_conforms: bool
    head_conforms: bool

    @property
    def no_change(self) -> bool:
        return self.isomorphic and not self.new_results and not self.fixed_results


def _canonical(quads) -> set[str]:
    dataset = ox.Dataset(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return {str(q) for q in dataset}


def entities(quads) -> dict[str, set[Fact]]:
    """Each named subject's facts, blank nodes written out under the subject that reaches them."""
    by_subject: dict = defaultdict(list)
    for q in quads:
        by_subject[q.subject].append((q.predicate, q.object))

    def written(term, seen: frozenset) -> str:
        if not isinstance(term, ox.BlankNode):
            return str(term)
        if term in seen:
            return "[ … ]"
        inner = sorted(f"{p} {written(o, seen | {term})}" for p, o in by_subject.get(term, []))
        return "[ " + " ; ".join(inner) + " ]"

    facts: dict[str, set[Fact]] = {}
    reached: set = set()
    for subject, pairs in by_subject.items():
        if isinstance(subject, ox.NamedNode):
            facts[subject.value] = {(p.value, written(o, frozenset())) for p, o in pairs}
            reached |= _blank_nodes_under(subject, by_subject)
    orphans = [s for s in by_subject if isinstance(s, ox.BlankNode) and s not in reached]
    if orphans:
        facts[ORPHANS] = {("", written(b, frozenset())) for b in orphans}
    return facts


def _blank_nodes_under(subject, by_subject) -> set:
    found, todo = set(), [o for _p, o in by_subject[subject] if isinstance(o, ox.BlankNode)]
    while todo:
        node = todo.pop()
        if node not in found:
            found.add(node)
            todo += [o for _p, o in by_subject.get(node, []) if isinstance(o, ox.BlankNode)]
    return found


def _describe(iri: str, facts: set[Fact], side: Side) -> Entity:
    def values(predicate: str) -> list[str]:
        return sorted(o for p, o in facts if p == predicate)

    label = next((_literal(v) for p in LABELS for v in values(p) if v.startswith('"')), None)
    where = None
    if iri != ORPHANS:
        origins = side.graph.origins_of(ox.NamedNode(iri))
        where = str(origins[0]) if origins else None
    types = [v[1:-1] for v in values(TYPE) if v.startswith("<")]
    sources = [v[1:-1] for v in values(DERIVED_FROM) if v.startswith("<")]
    return Entity(iri, facts, label, types, sources, where)


def _literal(ntriples: str) -> str:
    from ..validate.report import parse_term

    return parse_term(ntriples).value


def diff(base: Side, head: Side) -> Diff:
    base_quads, head_quads = list(base.graph.asserted()), list(head.graph.asserted())
    base_canonical, head_canonical = _canonical(base_quads), _canonical(head_quads)
    before, after = entities(base_quads), entities(head_quads)
    changes = []
    for iri in sorted(set(before) | set(after)):
        old, new = before.get(iri, set()), after.get(iri, set())
        if old == new:
            continue
        status = "added" if not old else "removed" if not new else "changed"
        entity = _describe(iri, new or old, head if new else base)
        base_sources = _describe(iri, old, base).sources if old else []
        changes.append(EntityChange(status, entity, _ordered(new - old), _ordered(old - new), base_sources))
    return Diff(
        base=base.name,
        head=head.name,
        isomorphic=base_canonical == head_canonical,
        changes=changes,
        words=_words(changes),
        new_results=_results(head.report.results, base.report.results),
        fixed_results=_results(base.report.results, head.report.results),
        asserted=_counts(base_canonical, head_canonical),
        inferred=_counts(_canonical(base.graph.inferred()), _canonical(head.graph.inferred())),
        base_conforms=base.report.conforms,
        head_conforms=head.report.conforms,
    )


def _ordered(facts: set[Fact]) -> list[Fact]:
    """rdf:type first, then by predicate and value."""
    return sorted(facts, key=lambda fact: (fact[0] != TYPE, fact))


def _counts(base: set[str], head: set[str]) -> Counts:
    """How many triples each side has, and how many came and went, in all and by predicate."""
    added, removed = head - base, base - head
    by_predicate: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for column, triples in ((0, added), (1, removed)):
        for triple in triples:
            by_predicate[triple.split(" ", 2)[1][1:-1]][column] += 1
    shown = {p: (a, r) for p, (a, r) in sorted(by_predicate.items())}
    return Counts(len(base), len(head), len(added), len(removed), shown)


def _results(these: list[Result], those: list[Result]) -> list[Result]:
    """Results in `these` that `those` do not have (compared by what they say, not by line)."""
    known = {r.key() for r in those}
    return [r for r in these if r.key() not in known]


def _words(changes: list[EntityChange]) -> list[WordsChange]:
    found = []
    for change in changes:
        for predicate in WORDS:
            before = [_literal(o) for p, o in change.removed if p == predicate and o.startswith('"')]
            after = [_literal(o) for p, o in change.added if p == predicate and o.startswith('"')]
            if before or after:
                found.append(WordsChange(change.entity.iri, predicate, before, after, change.entity.sources))
    return found
