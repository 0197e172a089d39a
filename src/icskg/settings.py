"""Every setting icskg reads from flags and the environment, read once into one object and passed down.

A command (or `icskg.open_graph`) builds one `Settings` with `Settings.load(...)`: an explicit flag wins,
then the environment, then the default. Nothing below the CLI and the API reads `os.environ` itself,
so a test or a notebook can hand over its own settings and know nothing else is consulted.

| setting    | flag             | environment            | default                            |
|------------|------------------|------------------------|------------------------------------|
| root       | --root           |                        | the repository holding the cwd     |
| sources    | --sources        | ICSKG_SOURCES          | ../shared/sources beside the repo  |
| cache      |                  | ICSKG_CACHE (0 = off)  | on                                 |
| cache_dir  |                  | ICSKG_CACHE_DIR        | <root>/.icskg-cache                |
| reasoner   |                  | ICSKG_REASONER         | auto (icskg's rules, else owlrl)   |
| engine     | --engine         | ICSKG_SHACL_ENGINE     | compiled (else pyshacl)            |
| progress   |                  | ICSKG_PROGRESS, CI     | on a terminal only, never on CI    |
| timeout    | --timeout        | ICSKG_TIMEOUT          | 120 s for each in-process query     |
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

REASONERS = ("auto", "owlrl")
ENGINES = ("compiled", "pyshacl")
_ON = ("1", "true", "yes", "on")
_OFF = ("0", "false", "no", "off")


ENDPOINT_TIMEOUT = 30.0
"""Seconds a whole call to a SPARQL endpoint may take unless told otherwise (--timeout, timeout=)."""


@dataclass(frozen=True)
class Settings:
    root: Path | None = None
    sources: Path | None = None
    sources_explicit: bool = False
    cache: bool = True
    cache_dir: Path | None = None
    reasoner: str = "auto"
    engine: str = "compiled"
    progress: bool = False
    timeout: float = 120.0

    @classmethod
    def load(
        cls,
        *,
        root: Path | str | None = None,
        sources: Path | str | None = None,
        engine: str | None = None,
        timeout: float | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Settings:
        """Flags first, then the environment (`environ`, by default os.environ), then defaults."""
        env = os.environ if environ is None else environ
        explicit_sources = sources is not None
        if sources is None and env.get("ICSKG_SOURCES"):
            sources = env["ICSKG_SOURCES"]
            explicit_sources = True
        reasoner = env.get("ICSKG_REASONER", "auto").strip().lower() or "auto"
        if reasoner not in REASONERS:
            raise InputError(f"ICSKG_REASONER must be one of {', '.join(REASONERS)} (got {reasoner!r})")
        engine = (engine or env.get("ICSKG_SHACL_ENGINE", "compiled")).strip().lower() or "compiled"
        if engine not in ENGINES:
            raise InputError(f"the SHACL engine must be one of {', '.join(ENGINES)} (got {engine!r})")
        cache_dir = env.get("ICSKG_CACHE_DIR")
        if timeout is None:
            timeout = _seconds(env.get("ICSKG_TIMEOUT", "120"))
        return cls(
            root=Path(root) if root is not None else None,
            sources=Path(sources) if sources is not None else None,
            sources_explicit=explicit_sources,
            cache=env.get("ICSKG_CACHE", "1").strip().lower() not in _OFF,
            cache_dir=Path(cache_dir) if cache_dir else None,
            reasoner=reasoner,
            engine=engine,
            progress=_progress(env),
            timeout=timeout,
        )


def _seconds(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        seconds = -1.0
    if not seconds > 0:
        raise InputError(f"ICSKG_TIMEOUT must be a positive number of seconds (got {text!r})")
    return seconds


def _progress(env: Mapping[str, str]) -> bool:
    """Progress only for a person at a terminal: not when piped, not on CI, unless ICSKG_PROGRESS says so."""
    forced = env.get("ICSKG_PROGRESS", "").strip().lower()
    if forced in _ON:
        return True
    if forced in _OFF:
        return False
    if env.get("CI", "").strip().lower() in ("true", "1", "yes"):
        return False
    return sys.stderr.isatty()
