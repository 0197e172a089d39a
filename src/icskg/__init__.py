"""icskg: an open, validated knowledge graph of England's integrated-care landscape."""

from .api import KnowledgeGraph, open_graph
from .errors import EndpointError, IcskgError, InputError
from .pipeline import build, check

__version__ = "0.1.0"


def load_ipython_extension(ipython) -> None:
    """`%load_ext icskg` in IPython or Jupyter: the `%%sparql` and `%sparql_stored` magics (icskg.magic)."""
    from .magic import load_ipython_extension as load

    load(ipython)


__all__ = ["EndpointError", "IcskgError", "InputError", "KnowledgeGraph", "build", "check", "open_graph"]
