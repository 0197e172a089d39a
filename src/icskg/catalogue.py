"""The stored-query catalogue: `queries/*.rq`, each with a grlc-style `#+` YAML header.

Header keys: summary, description, tags, parameters (name -> type, required, default,
description), example (name -> value). A parameter named `x` is the query variable `?x`,
bound as an RDF term, never pasted into the text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import InputError

PARAMETER_TYPES = {"iri", "string", "langstring", "date", "gyearmonth", "gyear", "integer", "decimal", "boolean"}
HEADER_KEYS = {"summary", "description", "tags", "parameters", "example", "cq"}


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

    def parameter(self, name: str) -> Parameter | None:
        return next((p for p in self.parameters if p.name == name), None)


def parse_header(text: str, path: Path) -> dict:
    lines = [line[2:] for line in text.splitlines() if line.startswith("#+")]
    if not lines:
        raise InputError("no '#+' header (summary, description, parameters, example)", path, 1)
    try:
        header = yaml.safe_load("\n".join(line[1:] if line.startswith(" ") else line for line in lines))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise InputError(f"malformed '#+' header: {error}", path, mark.line + 1 if mark else None) from None
    if not isinstance(header, dict):
        raise InputError("the '#+' header must be a YAML mapping", path, 1)
    unknown = set(header) - HEADER_KEYS
    if unknown:
        raise InputError(f"unknown header key(s): {', '.join(sorted(unknown))}", path)
    if not isinstance(header.get("summary"), str) or not header["summary"].strip():
        raise InputError("the header needs a 'summary'", path)
    return header


def _parameters(raw, path: Path) -> tuple[Parameter, ...]:
    if raw in (None, {}):
        return ()
    if not isinstance(raw, dict):
        raise InputError("'parameters' must map each name to its type, required, default, description", path)
    parameters = []
    for name, spec in raw.items():
        if not isinstance(spec, dict) or str(spec.get("type", "")).lower() not in PARAMETER_TYPES:
            raise InputError(
                f"parameter '{name}' needs a type, one of: {', '.join(sorted(PARAMETER_TYPES))}", path
            )
        unknown = set(spec) - {"type", "required", "default", "description"}
        if unknown:
            raise InputError(f"parameter '{name}': unknown key(s) {', '.join(sorted(unknown))}", path)
        parameters.append(
            Parameter(
                name=str(name),
                type=str(spec["type"]).lower(),
                required=bool(spec.get("required", False)),
                default=spec.get("default"),
                description=str(spec.get("description", "")),
            )
        )
    return tuple(parameters)


def load_query(path: Path) -> StoredQuery:
    text = path.read_text(encoding="utf-8")
    header = parse_header(text, path)
    tags = header.get("tags") or []
    return StoredQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=header["summary"].strip(),
        description=str(header.get("description") or "").strip(),
        tags=tuple(str(t) for t in tags),
        parameters=_parameters(header.get("parameters"), path),
        example=dict(header.get("example") or {}),
        cq=header.get("cq"),
    )


def load_catalogue(queries_dir: Path) -> dict[str, StoredQuery]:
    return {q.name: q for q in (load_query(p) for p in sorted(queries_dir.glob("*.rq")))}
