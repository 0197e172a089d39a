"""Stage 1, the build: files read once -> Oxigraph store -> OWL 2 RL closure (icskg.build.rules), cached."""

from .graph import DATASET, BuiltGraph, Reasoning
from .pipeline import build, build_files
from .repository import Repository, find_repository

__all__ = ["DATASET", "BuiltGraph", "Reasoning", "Repository", "build", "build_files", "find_repository"]
