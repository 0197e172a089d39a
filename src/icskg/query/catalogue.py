"""The stored-query catalogue: `queries/*.rq`, each with a grlc-style `#+` YAML header.

Header keys (cf. CLARIAH/grlc's decorator syntax): summary (required), description, tags,
parameters (name -> type, required, default, description), example (name -> value), cq (the
competency question the query answers), allow_service (true to allow a SERVICE clause: without it,
a query that would call another endpoint over the network is refused), portability (why the query is
written as it is, where a plainer form would answer differently on another SPARQL server:
docs/servers.md), sets (the columns whose values are space-separated sets, a GROUP_CONCAT, whose order
SPARQL 1.1 leaves to the engine: they compare as sets across servers), deviations (server name -> how
its answer differs, where no portable form was found; the parity tests expect a difference there). A
parameter named `x` is the query variable `?x`, bound as an RDF term (`icskg.params`), never pasted into the text.

Loading a query checks everything a caller could trip over later: the header is a YAML mapping
with known keys, each parameter has a known type, is not a name the API reserves, and occurs in the
query where a VALUES block at the top of the WHERE clause binds it (the one binding rule,
icskg.query.scope), defaults and example values have their declared types, every required parameter
has an example, and the query itself parses (Oxigraph) and is a SELECT or an ASK. A query that fails
a check is reported with its file and line and left out; the others load (`Catalogue.problems`).

`catalogue_graph` describes the catalogue as RDF, as SIB's sparql-examples do: each query a
`sh:SPARQLExecutable` (SHACL Advanced Features, section 5) with its text in `sh:select`/`sh:ask`,
and each parameter a `schema:PropertyValueSpecification` linked by `icskg:queryParameter`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ..errors import InputError
from ..namespaces import BASE
from .params import to_term, with_values
from .scope import binding_problems, query_form, service_line

PARAMETER_TYPES = {"iri", "string", "langstring", "date", "gyearmonth", "gyear", "integer", "decimal", "boolean"}
HEADER_KEYS = {
    "summary",
    "description",
    "tags",
    "parameters",
    "example",
    "cq",
    "allow_service",
    "portability",
    "sets",
    "deviations",
}
PARAMETER_KEYS = {"type", "required", "default", "description"}
RESERVED = {"name", "as_", "fmt", "self", "timeout"}
"""Argument names of the API's query methods (`kg.query(name, as_=..., **params)`): not parameter names."""
_QUERY_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")

QUERY = BASE + "query/"
"""Namespace of the stored queries' IRIs in the catalogue graph: `query:<file stem>`."""

PARAMETER_DATATYPES = {
    "iri": "http://www.w3.org/2001/XMLSchema#anyURI",
    "string": "http://www.w3.org/2001/XMLSchema#string",
    "langstring": "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString",
    "date": "http://www.w3.org/2001/XMLSchema#date",
    "gyearmonth": "http://www.w3.org/2001/XMLSchema#gYearMonth",
    "gyear": "http://www.w3.org/2001/XMLSchema#gYear",
    "integer": "http://www.w3.org/2001/XMLSchema#integer",
    "decimal": "http://www.w3.org/2001/XMLSchema#decimal",
    "boolean": "http://www.w3.org/2001/XMLSchema#boolean",
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
    sets: tuple[str, ...] = ()
    deviations: dict = field(default_factory=dict)
    """Server name -> how that server's answer differs, where no portable form was found (docs/servers.md)."""
    """Columns whose values are space-separated sets (a GROUP_CONCAT), in an order SPARQL leaves to the engine."""

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)

    @property
    def body(self) -> str:
        """The query text without its `#+` header lines."""
        return "\n".join(line for line in self.text.splitlines() if not line.startswith("#+")).strip() + "\n"


def _sets(value, path: Path) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str) and _QUERY_NAME.match(v) for v in value):
        raise InputError("'sets' must be a list of column names", path)
    return tuple(value)


def _deviations(value, path: Path) -> dict:
    if value is None:
        return {}
    if not isinstance(value, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in value.items()):
        raise InputError("'deviations' must map a server's name to how its answer differs", path)
    return {k: v.strip() for k, v in value.items()}


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


def _refuse_service(text: str, header: dict, path: Path) -> None:
    line = service_line(text)
    if header.get("allow_service") is True or line is None:
        return
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


def sparql_problem(text: str) -> tuple[str, int | None] | None:
    """Oxigraph's syntax error for a query (message, line), or None if it parses. The query runs on an
    empty store, so nothing is read and nothing is called (SERVICE is refused before this)."""
    import pyoxigraph as ox

    try:
        ox.Store().query(text)
    except SyntaxError as error:
        message = str(error)
        match = re.search(r"error at (\d+):(\d+)", message)
        return message, int(match.group(1)) if match else None
    except (OSError, ValueError, RuntimeError):
        return None
    return None


def query_form_of(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE, as Oxigraph answers the query on an empty store."""
    import pyoxigraph as ox

    answer = ox.Store().query(text)
    if isinstance(answer, ox.QuerySolutions):
        return "SELECT"
    if isinstance(answer, ox.QueryBoolean):
        return "ASK"
    return "CONSTRUCT" if query_form(text) == "CONSTRUCT" else "DESCRIBE"


def _check_parameters(query: StoredQuery) -> None:
    body = query.body
    for parameter in query.parameters:
        if parameter.name in RESERVED:
            raise InputError(
                f"parameter '{parameter.name}' has a name the API reserves ({', '.join(sorted(RESERVED))}): rename "
                "the variable",
                query.path,
            )
        if not re.search(rf"[?$]{re.escape(parameter.name)}\b", body):
            raise InputError(
                f"parameter '{parameter.name}' is not a variable (?{parameter.name}) of the query", query.path
            )
        if parameter.default is not None:
            try:
                to_term(parameter.name, parameter.type, parameter.default)
            except InputError as error:
                raise InputError(f"default: {error.message}", query.path) from None
    # The '#+' header lines are comments to the tokenizer, so the lines found in the whole text are the file's.
    problems = binding_problems(query.text, {p.name for p in query.parameters})
    if problems:
        first = problems[0]
        raise InputError(
            f"parameter {first}; a parameter is bound by a VALUES block at the top of the WHERE clause, so use it "
            "there (docs/queries.md, the binding rule)",
            query.path,
            first.line,
        )
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
    _check_bound_text(query)


_SAMPLES = {
    "iri": "https://example.org/",
    "string": "x",
    "langstring": "x@en",
    "date": "2000-01-01",
    "gyearmonth": "2000-01",
    "gyear": "2000",
    "integer": 0,
    "decimal": "0.0",
    "boolean": "true",
}


def _check_bound_text(query: StoredQuery) -> None:
    """The text every backend gets, with all parameters bound, must parse too: e.g. `BIND(... AS ?p)` of a
    parameter `p` at the top of the WHERE clause is a syntax error once a VALUES block binds ?p there. The block
    goes on the line of the WHERE clause's `{`, so Oxigraph's line is the file's."""
    if not query.parameters:
        return
    bindings = {p.name: to_term(p.name, p.type, _SAMPLES[p.type]) for p in query.parameters}
    problem = sparql_problem(with_values(query.text, bindings))
    if problem is not None:
        raise InputError(
            f"the query does not parse once its parameters are bound by a VALUES block at the top of the WHERE "
            f"clause (is a parameter the target of a BIND?): {problem[0]}",
            query.path,
            problem[1],
        )


def load_query(path: Path) -> StoredQuery:
    """Read, check and parse one `.rq` file; any problem is an InputError naming the file (and line)."""
    shown = path.name
    try:
        data = path.read_bytes()
    except OSError as error:
        raise InputError(f"cannot read the file ({error.strerror or type(error).__name__})", shown) from None
    if data.startswith(b"\xef\xbb\xbf"):
        raise InputError("starts with a byte-order mark (BOM): save the file as UTF-8 without BOM", shown, 1)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            f"not UTF-8 (byte 0x{data[error.start]:02x}); save the file as UTF-8",
            shown,
            data[: error.start].count(b"\n") + 1,
        ) from None
    if not _QUERY_NAME.match(path.stem):
        raise InputError(
            "a stored query's file name must be a name: letters, digits and _ (e.g. partnerships_by_wave.rq)", shown
        )
    header = parse_header(text, path)
    _refuse_service(text, header, path)
    problem = sparql_problem(text)
    if problem is not None:
        raise InputError(f"SPARQL syntax error: {problem[0]}", path, problem[1])
    form = query_form_of(text)
    if form not in ("SELECT", "ASK"):
        raise InputError("a stored query must be a SELECT or an ASK query", path)
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
        sets=_sets(header.get("sets"), path),
        deviations=_deviations(header.get("deviations"), path),
    )
    _check_parameters(query)
    return query


@dataclass
class Catalogue:
    """The stored queries that loaded, and the problems of those that did not (each names its file)."""

    queries: dict[str, StoredQuery] = field(default_factory=dict)
    problems: list[InputError] = field(default_factory=list)

    def __len__(self) -> int:
        return len(self.queries)

    def __iter__(self):
        return iter(self.queries[name] for name in sorted(self.queries))

    def get(self, name: str) -> StoredQuery:
        if name in self.queries:
            return self.queries[name]
        broken = next((p for p in self.problems if Path(p.file or "").stem == name), None)
        if broken is not None:
            raise InputError(f"stored query '{name}' did not load: {broken}")
        raise InputError(f"no stored query named '{name}' (see `icskg queries`)")


def load_catalogue(queries_dir: Path) -> Catalogue:
    """Every `.rq` file of the folder: the good ones loaded, each bad one a problem (the rest still load)."""
    catalogue = Catalogue()
    if not queries_dir.is_dir():
        return catalogue
    for path in sorted(queries_dir.iterdir()):
        if path.suffix != ".rq" or path.name.startswith("."):
            continue
        if not path.is_file():
            catalogue.problems.append(InputError("not a file (a folder named like a query?)", path.name))
            continue
        try:
            query = load_query(path)
        except InputError as error:
            error.file = path.name if error.file in (None, str(path)) else error.file
            catalogue.problems.append(error)
            continue
        catalogue.queries[query.name] = query
    return catalogue


def query_iri(query: StoredQuery):
    from rdflib import URIRef

    return URIRef(QUERY + query.name)


def catalogue_graph(catalogue):
    """The catalogue as RDF: SHACL-AF executables with schema.org keywords and parameter specifications."""
    from rdflib import BNode, Graph, Literal, URIRef
    from rdflib.namespace import RDF, RDFS, SH, SKOS

    from ..namespaces import ICSKG, SCHEMA, bind_prefixes
    from ..terms import to_rdflib

    def term(name, kind, value):
        return to_rdflib(to_term(name, kind, value))

    graph = Graph()
    bind_prefixes(graph)
    graph.bind("query", QUERY)
    queries = list(catalogue)
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
            graph.add((spec, ICSKG.parameterType, URIRef(PARAMETER_DATATYPES[parameter.type])))
            if parameter.description:
                graph.add((spec, SCHEMA.description, Literal(parameter.description, lang="en")))
            if parameter.default is not None:
                graph.add((spec, SCHEMA.defaultValue, term(parameter.name, parameter.type, parameter.default)))
            if parameter.name in query.example:
                graph.add((spec, SKOS.example, term(parameter.name, parameter.type, query.example[parameter.name])))
    return graph
