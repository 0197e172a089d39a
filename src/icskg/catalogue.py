"""The stored-query catalogue: `queries/*.rq`, each with a grlc-style `#+` YAML header.

Header keys (cf. CLARIAH/grlc's decorator syntax): summary (required), description, tags,
parameters (name -> type, required, default, description), example (name -> value), cq (the
competency question the query answers), allow_service (true to allow a SERVICE clause: without it,
a query that would call another endpoint over the network is refused). A parameter named `x` is the
query variable `?x`, bound as an RDF term (`icskg.params`), never pasted into the text.

Loading a query checks everything a caller could trip over later: the header is a YAML mapping
with known keys, each parameter has a known type and occurs in the query as a variable, defaults
and example values have their declared types, every required parameter has an example, and the
query itself parses (rdflib `prepareQuery`) and is a SELECT or an ASK.

`catalogue_graph` describes the catalogue as RDF, as SIB's sparql-examples do: each query a
`sh:SPARQLExecutable` (SHACL Advanced Features, section 5) with its text in `sh:select`/`sh:ask`,
and each parameter a `schema:PropertyValueSpecification` linked by `icskg:queryParameter`.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from rdflib import BNode, Graph, Literal, Namespace, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS, XSD
from rdflib.plugins.sparql import prepareQuery

from .errors import InputError
from .namespaces import BASE, ICSKG, SCHEMA, bind_prefixes

PARAMETER_TYPES = {"iri", "string", "langstring", "date", "gyearmonth", "gyear", "integer", "decimal", "boolean"}
HEADER_KEYS = {"summary", "description", "tags", "parameters", "example", "cq", "allow_service"}
PARAMETER_KEYS = {"type", "required", "default", "description"}
QUERY_FORMS = {"SelectQuery": "SELECT", "AskQuery": "ASK"}

QUERY = Namespace(BASE + "query/")
"""Namespace of the stored queries' IRIs in the catalogue graph: `query:<file stem>`."""

PARAMETER_DATATYPES = {
    "iri": XSD.anyURI,
    "string": XSD.string,
    "langstring": RDF.langString,
    "date": XSD.date,
    "gyearmonth": XSD.gYearMonth,
    "gyear": XSD.gYear,
    "integer": XSD.integer,
    "decimal": XSD.decimal,
    "boolean": XSD.boolean,
}
"""What each parameter type means as an RDF datatype (xsd:anyURI standing for an IRI)."""


class _HeaderLoader(yaml.SafeLoader):
    """YAML without implicit timestamps: a date in a header stays text until `to_term` types it
    (PyYAML would otherwise turn 2019-05-01 into a date, and fail outright on 2019-13-45)."""


_HeaderLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_VARIABLE_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool = False
    default: object = None
    description: str = ""


@dataclass(frozen=True)
class StoredQuery:
    name: str
    path: Path
    text: str
    summary: str
    description: str = ""
    tags: tuple[str, ...] = ()
    parameters: tuple[Parameter, ...] = ()
    example: dict = field(default_factory=dict)
    cq: str | None = None
    form: str = "SELECT"

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def body(self) -> str:
        """The query text without its `#+` header lines."""
        return "\n".join(line for line in self.text.splitlines() if not line.startswith("#+")).strip() + "\n"


def _header_lines(text: str) -> list[tuple[int, str]]:
    return [(number, line[2:]) for number, line in enumerate(text.splitlines(), start=1) if line.startswith("#+")]


def parse_header(text: str, path: Path) -> dict:
    numbered = _header_lines(text)
    if not numbered:
        raise InputError("no '#+' header (summary, description, parameters, example)", path, 1)
    lines = [line[1:] if line.startswith(" ") else line for _, line in numbered]
    try:
        header = yaml.load("\n".join(lines), Loader=_HeaderLoader)  # noqa: S506 - a SafeLoader
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = numbered[min(mark.line, len(numbered) - 1)][0] if mark else numbered[0][0]
        problem = getattr(error, "problem", None) or str(error)
        raise InputError(f"malformed '#+' header: {problem}", path, line) from None
    if not isinstance(header, dict):
        raise InputError("the '#+' header must be a YAML mapping", path, numbered[0][0])
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise InputError(
            f"unknown header key(s): {', '.join(sorted(map(str, unknown)))} (known: {', '.join(sorted(HEADER_KEYS))})",
            path,
        )
    if not isinstance(header.get("summary"), str) or not header["summary"].strip():
        raise InputError("the header needs a 'summary' (one line of text)", path)
    for key in ("description", "cq"):
        if header.get(key) is not None and not isinstance(header[key], str):
            raise InputError(f"'{key}' must be text", path)
    tags = header.get("tags")
    if tags is not None and (not isinstance(tags, list) or not all(isinstance(t, str) for t in tags)):
        raise InputError("'tags' must be a list of words, e.g. [partnerships, waves]", path)
    if header.get("example") is not None and not isinstance(header["example"], dict):
        raise InputError("'example' must map parameter names to values", path)
    if "allow_service" in header and not isinstance(header["allow_service"], bool):
        raise InputError("'allow_service' must be true or false", path)
    return header


def _uses_service(node) -> bool:
    """Whether a query's algebra holds a SERVICE clause (a call to another endpoint)."""
    if getattr(node, "name", None) == "ServiceGraphPattern":
        return True
    if isinstance(node, dict):
        return any(_uses_service(value) for value in node.values())
    if isinstance(node, (list, tuple)):
        return any(_uses_service(value) for value in node)
    return False


def _code_of(line: str) -> str:
    """A line of SPARQL without its strings, IRIs and comment (roughly: to find a keyword's line)."""
    return re.sub(r"\"[^\"]*\"|'[^']*'|<[^<>\s]*>", '""', line).split("#")[0]


def _refuse_service(text: str, parsed, header: dict, path: Path) -> None:
    if header.get("allow_service") is True or not _uses_service(parsed.algebra):
        return
    line = next(
        (n for n, row in enumerate(text.splitlines(), 1) if re.search(r"\bSERVICE\b", _code_of(row), re.I)),
        None,
    )
    raise InputError(
        "the query has a SERVICE clause, which would call another endpoint over the network: remove it, "
        "or add '#+ allow_service: true' to the header if the call is intended",
        path,
        line,
    )


def _parameters(raw, path: Path) -> tuple[Parameter, ...]:
    if raw in (None, {}):
        return ()
    if not isinstance(raw, dict):
        raise InputError("'parameters' must map each name to its type, required, default, description", path)
    parameters = []
    for name, spec in raw.items():
        if not isinstance(name, str) or not _VARIABLE_NAME.match(name):
            raise InputError(f"parameter name {name!r} is not a SPARQL variable name", path)
        if not isinstance(spec, dict) or str(spec.get("type", "")).lower() not in PARAMETER_TYPES:
            raise InputError(f"parameter '{name}' needs a type, one of: {', '.join(sorted(PARAMETER_TYPES))}", path)
        unknown = set(spec) - PARAMETER_KEYS
        if unknown:
            raise InputError(f"parameter '{name}': unknown key(s) {', '.join(sorted(map(str, unknown)))}", path)
        if "required" in spec and not isinstance(spec["required"], bool):
            raise InputError(f"parameter '{name}': 'required' must be true or false", path)
        parameters.append(
            Parameter(
                name=name,
                type=str(spec["type"]).lower(),
                required=bool(spec.get("required", False)),
                default=spec.get("default"),
                description=str(spec.get("description") or "").strip(),
            )
        )
    return tuple(parameters)


@lru_cache(maxsize=512)
def prepared(text: str):
    """rdflib's parsed and translated query (cached by text): parse once, run many times."""
    return prepareQuery(text)


def parse_sparql(text: str, path: Path | str | None = None):
    """Parse a query with rdflib; a syntax error becomes an InputError naming the line."""
    try:
        return prepared(text)
    except Exception as error:  # pyparsing's ParseException for syntax; plain Exceptions for unknown prefixes
        if hasattr(error, "lineno") and hasattr(error, "msg"):
            raise InputError(f"SPARQL syntax error: {error.msg}", path, error.lineno) from None
        raise InputError(f"SPARQL error: {error}", path) from None


def _check_parameters(query: StoredQuery) -> None:
    from .params import to_term  # params imports this module

    body = query.body
    for parameter in query.parameters:
        if not re.search(rf"[?$]{re.escape(parameter.name)}\b", body):
            raise InputError(
                f"parameter '{parameter.name}' is not a variable (?{parameter.name}) of the query", query.path
            )
        if parameter.default is not None:
            try:
                to_term(parameter.name, parameter.type, parameter.default)
            except InputError as error:
                raise InputError(f"default: {error.message}", query.path) from None
    for name, value in query.example.items():
        parameter = query.parameter(str(name))
        if parameter is None:
            raise InputError(f"example names '{name}', which is not a parameter", query.path)
        try:
            to_term(parameter.name, parameter.type, value)
        except InputError as error:
            raise InputError(f"example: {error.message}", query.path) from None
    missing = [p.name for p in query.parameters if p.required and p.default is None and p.name not in query.example]
    if missing:
        raise InputError(f"required parameter(s) without an example value: {', '.join(missing)}", query.path)


def load_query(path: Path, checked: dict[str, str] | None = None) -> StoredQuery:
    """Read, check and parse one `.rq` file; any problem is an InputError naming the file.

    `checked` maps the SHA-256 of query texts that passed the SPARQL checks before to their form:
    those are not parsed again (rdflib's parser takes about 50 ms a query)."""
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputError("not UTF-8; save the file as UTF-8", path) from None
    header = parse_header(text, path)
    form = (checked or {}).get(_digest(text))
    if form is None:
        parsed = parse_sparql(text, path)
        form = QUERY_FORMS.get(parsed.algebra.name)
        if form is None:
            raise InputError("a stored query must be a SELECT or an ASK query", path)
        _refuse_service(text, parsed, header, path)
    query = StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=header["summary"].strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(header.get("tags") or ()),
        parameters=_parameters(header.get("parameters"), path),
        example={str(k): v for k, v in (header.get("example") or {}).items()},
        cq=header["cq"].strip() if header.get("cq") else None,
        form=form,
    )
    _check_parameters(query)
    return query


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def load_catalogue(queries_dir: Path, cache_dir: Path | None = None) -> dict[str, StoredQuery]:
    """Every stored query; with `cache_dir`, queries whose text passed the SPARQL checks before are
    not parsed again."""
    if cache_dir is None:
        return {q.name: q for q in (load_query(p) for p in sorted(queries_dir.glob("*.rq")))}
    from . import cache

    versions = cache.key([], queries_dir, cache.versions("icskg", "rdflib"))
    stored = cache.read(cache_dir, "queries", versions, ".json")
    checked = json.loads(stored) if stored else {}
    catalogue = {q.name: q for q in (load_query(p, checked) for p in sorted(queries_dir.glob("*.rq")))}
    current = {_digest(q.text): q.form for q in catalogue.values()}  # only today's queries are kept
    if current != checked:
        cache.write(cache_dir, "queries", versions, ".json", json.dumps(current, sort_keys=True).encode())
    return catalogue


def query_iri(query: StoredQuery) -> URIRef:
    return QUERY[query.name]


def catalogue_graph(catalogue: dict[str, StoredQuery] | list[StoredQuery]) -> Graph:
    """The catalogue as RDF: SHACL-AF executables with schema.org keywords and parameter specifications."""
    from .params import to_term

    graph = Graph()
    bind_prefixes(graph)
    graph.bind("query", QUERY)
    queries = catalogue.values() if isinstance(catalogue, dict) else catalogue
    for query in queries:
        node = query_iri(query)
        graph.add((node, RDF.type, SH.SPARQLExecutable))
        if query.form == "SELECT":
            graph.add((node, RDF.type, SH.SPARQLSelectExecutable))
            graph.add((node, SH.select, Literal(query.body)))
        else:
            graph.add((node, RDF.type, SH.SPARQLAskExecutable))
            graph.add((node, SH.ask, Literal(query.body)))
        graph.add((node, SCHEMA.name, Literal(query.name)))
        graph.add((node, RDFS.label, Literal(query.summary, lang="en")))
        if query.description:
            graph.add((node, RDFS.comment, Literal(query.description, lang="en")))
        for tag in query.tags:
            graph.add((node, SCHEMA.keywords, Literal(tag)))
        if query.cq:
            graph.add((node, ICSKG.competencyQuestion, Literal(query.cq, lang="en")))
        for parameter in query.parameters:
            spec = BNode()
            graph.add((node, ICSKG.queryParameter, spec))
            graph.add((spec, RDF.type, SCHEMA.PropertyValueSpecification))
            graph.add((spec, SCHEMA.valueName, Literal(parameter.name)))
            graph.add((spec, SCHEMA.valueRequired, Literal(parameter.required)))
            graph.add((spec, ICSKG.parameterType, PARAMETER_DATATYPES[parameter.type]))
            if parameter.description:
                graph.add((spec, SCHEMA.description, Literal(parameter.description, lang="en")))
            if parameter.default is not None:
                graph.add((spec, SCHEMA.defaultValue, to_term(parameter.name, parameter.type, parameter.default)))
            if parameter.name in query.example:
                graph.add((spec, SKOS.example, to_term(parameter.name, parameter.type, query.example[parameter.name])))
    return graph
