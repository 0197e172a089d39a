"""icskg's SPARQL extension functions (namespace icskgfn:, https://w3id.org/icskg/function#), used by the
SHACL-SPARQL constraints in shapes/ for what SPARQL alone cannot see: the source texts, the registry
vintages, and XSD well-formedness as rdflib (the reference) defines it.

Both engines call the same Python code: Oxigraph through `custom_functions`, rdflib (pySHACL, the
reference) through `register_custom_function` for the duration of one validation. A function
answers an RDF term, or None (unbound) where it has nothing to say.

    icskgfn:illTyped(term)                         true for a literal whose lexical form is not in its XSD datatype
    icskgfn:sourceAvailable(fileName)              true if the source text is in the sources folder
    icskgfn:sourceFileProblem(fileName, sha256?)   why the file is missing or changed, else unbound
    icskgfn:foundInSource(fileName, words)         the words in that text (normalised white space, quotes)
    icskgfn:closestSpan(fileName, words)           the span of that text most like the words, with its line
    icskgfn:isRegistryEntity(node)                 a node the registry import wrote (records or codes)
    icskgfn:registryCodeProblem(entity, kind, code, category)   category "extract" or "kind"
    icskgfn:registryDateProblem(entity, kind, code, date)       why the code cannot hold on that date
    icskgfn:registryCodeUnknown(kind, code)        a code given on a source entity that no extract holds
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property, lru_cache

import pyoxigraph as ox

from ..namespaces import FUNCTIONS
from ..terms import quiet_ill_typed_warnings
from .sources import SourceTexts

XSD = "http://www.w3.org/2001/XMLSchema#"
XSD_BOOLEAN = ox.NamedNode(XSD + "boolean")
TRUE = ox.Literal("true", datatype=XSD_BOOLEAN)
FALSE = ox.Literal("false", datatype=XSD_BOOLEAN)
CLOSEST_LIMIT = 160
"""Characters of a closest span shown in a message (longer spans end with …)."""


def _boolean(value: bool) -> ox.Literal:
    return TRUE if value else FALSE


@lru_cache(maxsize=1 << 16)
def well_typed(lexical: str, datatype: str) -> bool:
    """rdflib's verdict (the reference): is `lexical` in the lexical space of `datatype`?"""
    from rdflib import Literal, URIRef

    quiet_ill_typed_warnings()
    return not Literal(lexical, datatype=URIRef(datatype)).ill_typed


class Functions:
    """The extension functions over one validation's inputs: the source texts and the built graph."""

    def __init__(self, sources: SourceTexts | None, query: Callable[[str], object] | None):
        self.sources = sources
        self.query = query
        self.errors: list[str] = []

    def _guarded(self, name: str, function: Callable) -> Callable:
        """A function that never raises into the SPARQL engine (which would read an exception as "unbound"
        and hide the bug): the first error is kept and `raise_errors` reports it after the query."""

        def call(*arguments):
            try:
                return function(*arguments)
            except Exception as error:  # noqa: BLE001 - kept and re-raised by raise_errors
                text = f"icskgfn:{name}: {type(error).__name__}: {error}"
                if text not in self.errors:
                    self.errors.append(text)
                return None

        return call

    def raise_errors(self) -> None:
        if self.errors:
            raise RuntimeError("an icskg extension function failed: " + "; ".join(self.errors))

    @cached_property
    def registry(self):
        from ..registries.index import RegistryIndex

        return RegistryIndex.from_query(self.query) if self.query is not None else None

    # --- the functions, on Oxigraph terms -------------------------------------------------------------
    def ill_typed(self, term) -> ox.Literal:
        if not isinstance(term, ox.Literal):
            return FALSE
        datatype = term.datatype.value
        if not datatype.startswith(XSD) or datatype == XSD + "string":
            return FALSE
        return _boolean(not well_typed(term.value, datatype))

    def source_available(self, name) -> ox.Literal:
        return _boolean(self.sources is not None and self.sources.has(_text(name)))

    def source_file_problem(self, name, sha256=None) -> ox.Literal | None:
        if self.sources is None:
            return None
        problem = self.sources.file_problem(_text(name), _text(sha256) if sha256 is not None else None)
        return ox.Literal(problem) if problem else None

    def found_in_source(self, name, words) -> ox.Literal:
        return _boolean(self.sources is not None and self.sources.contains(_text(name), _text(words)))

    def closest_span(self, name, words) -> ox.Literal | None:
        text = self.sources.text(_text(name)) if self.sources is not None else None
        span = text.closest(_text(words)) if text is not None else None
        if span is None:
            return None
        return ox.Literal(f"{span.shown(CLOSEST_LIMIT)} ({span.edits} edit{'' if span.edits == 1 else 's'})")

    def is_registry_entity(self, node) -> ox.Literal:
        index = self.registry
        return _boolean(index is not None and index.is_registry_entity(_text(node)))

    def registry_code_problem(self, entity, kind, code, category) -> ox.Literal | None:
        index = self.registry
        if index is None or not index.has_records:
            return None
        message, found = index.code_problem(_text(entity), _text(kind), _text(code))
        return ox.Literal(message) if message and found == _text(category) else None

    def registry_date_problem(self, entity, kind, code, date) -> ox.Literal | None:
        index = self.registry
        if index is None or not index.has_records or not isinstance(date, ox.Literal):
            return None
        try:
            on = dt.date.fromisoformat(date.value)
        except ValueError:
            return None
        reason = index.span_problem(_text(code), _text(kind), _text(entity), on)
        return ox.Literal(reason) if reason else None

    def registry_code_unknown(self, kind, code) -> ox.Literal | None:
        index = self.registry
        if index is None or not index.has_records:
            return None
        message = index.unknown_code(_text(kind), _text(code))
        return ox.Literal(message) if message else None

    def table(self) -> dict[str, Callable]:
        return {
            "illTyped": self.ill_typed,
            "sourceAvailable": self.source_available,
            "sourceFileProblem": self.source_file_problem,
            "foundInSource": self.found_in_source,
            "closestSpan": self.closest_span,
            "isRegistryEntity": self.is_registry_entity,
            "registryCodeProblem": self.registry_code_problem,
            "registryDateProblem": self.registry_date_problem,
            "registryCodeUnknown": self.registry_code_unknown,
        }

    def for_oxigraph(self) -> dict:
        return {ox.NamedNode(FUNCTIONS + name): self._guarded(name, f) for name, f in self.table().items()}

    @contextmanager
    def registered_in_rdflib(self) -> Iterator[None]:
        """The same functions for rdflib's SPARQL engine (pySHACL), registered for the block only."""
        from rdflib import URIRef
        from rdflib.plugins.sparql.operators import register_custom_function, unregister_custom_function

        from ..terms import to_oxigraph, to_rdflib

        def wrapped(function):
            def call(*arguments):
                answer = function(*(to_oxigraph(a) for a in arguments))
                if answer is None:
                    from rdflib.plugins.sparql.sparql import SPARQLError

                    raise SPARQLError("unbound")
                return to_rdflib(answer)

            return call

        names = [URIRef(FUNCTIONS + name) for name in self.table()]
        for name, (short, function) in zip(names, self.table().items(), strict=True):
            register_custom_function(name, wrapped(self._guarded(short, function)), override=True)
        try:
            yield
        finally:
            for name in names:
                unregister_custom_function(name)


NAMES = frozenset(Functions(None, None).table())


def _text(term) -> str:
    if term is None:
        return ""
    return term.value if hasattr(term, "value") else str(term)
