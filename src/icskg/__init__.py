"""icskg: an open, validated knowledge graph of England's integrated-care landscape."""

from .api import KnowledgeGraph, open_graph
from .errors import EndpointError, IcskgError, InputError
from .pipeline import build, check

__version__ = "0.1.0"
__all__ = ["EndpointError", "IcskgError", "InputError", "KnowledgeGraph", "build", "check", "open_graph"]
