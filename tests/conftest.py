"""Shared fixtures: the repository's graph is built once per test session (owlrl is slow)."""

from __future__ import annotations

from pathlib import Path

import pytest

import icskg
from icskg.pipeline import Build

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def repo_root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def built() -> Build:
    return icskg.build(ROOT)


@pytest.fixture(scope="session")
def kg(built) -> icskg.KnowledgeGraph:
    return icskg.KnowledgeGraph(built)


@pytest.fixture(scope="session")
def report(built):
    return icskg.check(built)
