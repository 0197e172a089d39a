"""icskg: an open, validated knowledge graph of England's integrated-care landscape.

    import icskg
    kg = icskg.open_graph()          # build (or read from the cache) and query in-process
    report = icskg.validate()        # the SHACL report of the repository's graph

Names are imported on first use, so `import icskg` (and the CLI) stays fast.
"""

from __future__ import annotations

from importlib import import_module

__version__ = "0.1.0"

_EXPORTS = {
    "KnowledgeGraph": "icskg.api",
    "open_graph": "icskg.api",
    "validate": "icskg.validate",
    "Report": "icskg.validate",
    "build": "icskg.build",
    "BuiltGraph": "icskg.build",
    "Settings": "icskg.settings",
    "IcskgError": "icskg.errors",
    "InputError": "icskg.errors",
    "EndpointError": "icskg.errors",
}


def __getattr__(name: str):
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'icskg' has no attribute {name!r}")


def load_ipython_extension(ipython) -> None:
    """`%load_ext icskg` in IPython or Jupyter: the `%%sparql` and `%sparql_stored` magics (icskg.magic)."""
    from .magic import load_ipython_extension as load

    load(ipython)


__all__ = sorted(_EXPORTS)
