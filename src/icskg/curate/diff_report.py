"""A semantic diff (icskg.curate.diff) written for people: plain text for a terminal, Markdown for a pull
request's job summary and the CHANGELOG. Both say the same things in the same order; text from the data is
escaped (control characters for a terminal, Markdown and HTML syntax for a page)."""

from __future__ import annotations

import re

from ..namespaces import shorten
from ..terminal import printable
from ..validate.formats import term_text
from .diff import Diff, EntityChange, Fact

MAX_ENTITIES = 300
"""Entities listed per section (the rest are counted)."""
MAX_FACTS = 25
"""Facts listed per entity (the rest are counted)."""
MAX_LITERAL = 200
"""Characters of a literal shown (longer ones end with …)."""
NO_CHANGE = (
    "No change in meaning: the two graphs are isomorphic (only layout, order, comments or blank-node labels differ)."
)
_TERM = re.compile(r'"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^<>\s]+>)?|<[^<>\s]+>')


def term(ntriples: str) -> str:
    """A term as a curator reads it: a prefixed name, a quoted literal (with its datatype or language)."""
    if ntriples.startswith('"'):
        literal = ntriples[: ntriples.rindex('"') + 1]
        rest = ntriples[len(literal) :]
        value = _one_line(term_text(literal) or "")
        if len(value) > MAX_LITERAL:
            value = value[: MAX_LITERAL - 1] + "…"
        suffix = "^^" + shorten(rest[3:-1]) if rest.startswith("^^<") else rest
        return f"“{value}”{suffix}"
    if ntriples.startswith("<") and ntriples.endswith(">") and " " not in ntriples:
        return shorten(ntriples[1:-1])
    return _TERM.sub(lambda m: term(m.group()), ntriples)  # a blank node written out: each term inside it


def _one_line(text: str) -> str:
    """Line breaks and tabs of a literal as escapes, so one fact stays on one line."""
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t")


def _fact(fact: Fact) -> str:
    predicate, value = fact
    return f"{shorten(predicate)} {term(value)}" if predicate else term(value)


def _entity_name(change: EntityChange) -> str:
    iri = change.entity.iri
    return iri if iri.startswith("(") else shorten(iri)


def _summary_lines(diff: Diff) -> list[str]:
    a, i = diff.asserted, diff.inferred
    verdict = {True: "conforms", False: "does not conform"}
    return [
        f"asserted triples {a.base} -> {a.head} (+{a.added}, -{a.removed}); "
        f"inferred triples {i.base} -> {i.head} (+{i.added}, -{i.removed})",
        f"validation: {verdict[diff.base_conforms]} -> {verdict[diff.head_conforms]}; "
        f"{len(diff.new_results)} new result(s), {len(diff.fixed_results)} fixed",
    ]


def _sections(diff: Diff) -> list[tuple[str, list[EntityChange]]]:
    return [
        (f"Entities {status} ({len(found)})", found)
        for status in ("added", "changed", "removed")
        if (found := [c for c in diff.changes if c.status == status])
    ]


def _sources(iris: list[str]) -> str:
    return ", ".join(shorten(s) for s in iris) or "no source"


def render_text(diff: Diff) -> str:
    lines = [f"icskg diff: {diff.base} -> {diff.head}"]
    if diff.no_change:
        return printable("\n".join([*lines, NO_CHANGE]))
    lines += _summary_lines(diff)
    if diff.isomorphic:
        lines.append("The graphs are isomorphic: only validation differs.")
    mark = {"added": "+", "removed": "-", "changed": "~"}
    for title, changes in _sections(diff):
        lines += ["", title]
        for change in changes[:MAX_ENTITIES]:
            e = change.entity
            kinds = " ".join(shorten(t) for t in e.types)
            label = f" “{e.label}”" if e.label else ""
            lines.append(f"  {mark[change.status]} {_entity_name(change)}  {kinds}{label}  {e.where or ''}".rstrip())
            if change.status == "changed":
                shown = [("-", f, change.base_sources) for f in change.removed] + [
                    ("+", f, e.sources) for f in change.added
                ]
                for sign, fact, sources in shown[:MAX_FACTS]:
                    lines.append(f"      {sign} {_fact(fact)}  ({_sources(sources)})")
            else:
                if e.sources:
                    lines.append(f"      from {_sources(e.sources)}")
                shown = [("", f, []) for f in (change.added or change.removed)]
                lines += [f"      {_fact(fact)}" for _s, fact, _src in shown[:MAX_FACTS]]
            if len(shown) > MAX_FACTS:
                lines.append(f"      … and {len(shown) - MAX_FACTS} more facts")
        if len(changes) > MAX_ENTITIES:
            lines.append(f"  … and {len(changes) - MAX_ENTITIES} more entities")
    if diff.words:
        lines += ["", f"Quotes and excerpts ({len(diff.words)})"]
        for w in diff.words:
            lines.append(f"  {_words_status(w)} {shorten(w.statement)} {shorten(w.predicate)}  ({_sources(w.sources)})")
            lines += [f"      - “{_one_line(text)}”" for text in w.before]
            lines += [f"      + “{_one_line(text)}”" for text in w.after]
    for title, results in (("new", diff.new_results), ("fixed", diff.fixed_results)):
        if results:
            lines += ["", f"Validation results {title} ({len(results)})"]
            lines += [f"  {_result(r)}" for r in results]
    lines += ["", f"Inferred consequences: {_inferred(diff)}"]
    return printable("\n".join(lines))


def _inferred(diff: Diff) -> str:
    i = diff.inferred
    parts = [f"{shorten(p)} +{a} -{r}" for p, (a, r) in i.by_predicate.items()]
    return f"+{i.added} triples, -{i.removed} triples" + (f" ({'; '.join(parts)})" if parts else "")


def _words_status(w) -> str:
    return "edited" if w.before and w.after else "added" if w.after else "removed"


def _result(r) -> str:
    path = f" {term_text(r.path)}" if r.path else ""
    return f"{r.location()}: {r.severity}: {term_text(r.focus)}{path}: {r.message} ({r.shape_name})"


# --- Markdown ---------------------------------------------------------------------------------------------------
_MARKDOWN = re.compile(r"([\\`*_\[\]|~])")


def md(text: str) -> str:
    """Text safe in Markdown and HTML: no tag, no emphasis, no link, no table cell break."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MARKDOWN.sub(r"\\\1", " ".join(text.split()))


def code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def _md_fact(fact: Fact) -> str:
    predicate, value = fact
    shown = code(term(value)) if value.startswith("<") else md(term(value))
    return f"{code(shorten(predicate))} {shown}" if predicate else shown


def render_markdown(diff: Diff, level: int = 2) -> str:
    h = "#" * level
    lines = [f"{h} Semantic diff: {md(diff.base)} → {md(diff.head)}", ""]
    if diff.no_change:
        return printable("\n".join([*lines, NO_CHANGE, ""]))
    a, i = diff.asserted, diff.inferred
    verdict = {True: "conforms", False: "does not conform"}
    lines += [
        "| | base | head | added | removed |",
        "| --- | ---: | ---: | ---: | ---: |",
        f"| asserted triples | {a.base} | {a.head} | {a.added} | {a.removed} |",
        f"| inferred triples | {i.base} | {i.head} | {i.added} | {i.removed} |",
        f"| validation | {verdict[diff.base_conforms]} | {verdict[diff.head_conforms]} | "
        f"{len(diff.new_results)} new | {len(diff.fixed_results)} fixed |",
        "",
    ]
    if diff.isomorphic:
        lines += ["The graphs are isomorphic: only validation differs.", ""]
    for title, changes in _sections(diff):
        lines += [f"{h}# {title}", ""]
        for change in changes[:MAX_ENTITIES]:
            e = change.entity
            kinds = ", ".join(code(shorten(t)) for t in e.types)
            label = f" {md(e.label)}" if e.label else ""
            where = f" in {code(e.where)}" if e.where else ""
            sources = f", from {', '.join(code(shorten(s)) for s in e.sources)}" if e.sources else ""
            lines.append(f"- **{code(_entity_name(change))}** {kinds}{label}{where}{sources}")
            if change.status == "changed":
                shown = [("−", f) for f in change.removed] + [("+", f) for f in change.added]
            else:
                shown = [("", f) for f in (change.added or change.removed)]
            for sign, fact in shown[:MAX_FACTS]:
                lines.append(f"  - {sign}{' ' if sign else ''}{_md_fact(fact)}")
            if len(shown) > MAX_FACTS:
                lines.append(f"  - … and {len(shown) - MAX_FACTS} more facts")
        if len(changes) > MAX_ENTITIES:
            lines.append(f"- … and {len(changes) - MAX_ENTITIES} more entities")
        lines.append("")
    if diff.words:
        lines += [f"{h}# Quotes and excerpts ({len(diff.words)})", ""]
        for w in diff.words:
            sources = ", ".join(code(shorten(s)) for s in w.sources) or "no source"
            lines.append(f"- {_words_status(w)} {code(shorten(w.statement))} {code(shorten(w.predicate))}, {sources}")
            lines += [f"  - − “{md(text)}”" for text in w.before] + [f"  - + “{md(text)}”" for text in w.after]
        lines.append("")
    for title, results in (("new", diff.new_results), ("fixed", diff.fixed_results)):
        if results:
            lines += [f"{h}# Validation results {title} ({len(results)})", ""]
            lines += [f"- {md(_result(r))}" for r in results]
            lines.append("")
    lines += [f"Inferred consequences: {md(_inferred(diff))}.", ""]
    return printable("\n".join(lines))
