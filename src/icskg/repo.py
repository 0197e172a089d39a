"""Where things are: the icskg repository that holds the current directory, and its parts."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError, RepositoryNotFound

SOURCES_ENV = "ICSKG_SOURCES"


@dataclass(frozen=True)
class Repository:
    """An icskg checkout: the folders the pipeline reads."""

    root: Path

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"

    @property
    def cache_dir(self) -> Path:
        return self.root / ".icskg-cache"

    def graph_files(self) -> list[Path]:
        """Every Turtle file of the graph (ontology and data), in a stable order."""
        return _turtle_files(self.ontology_dir) + _turtle_files(self.data_dir)

    def shape_files(self) -> list[Path]:
        return _turtle_files(self.shapes_dir)

    def sources_dir(self, explicit: Path | str | None = None) -> Path | None:
        """The folder of source texts: --sources, else $ICSKG_SOURCES, else ../shared/sources."""
        if explicit:
            return Path(explicit)
        if os.environ.get(SOURCES_ENV):
            return Path(os.environ[SOURCES_ENV])
        default = self.root.parent / "shared" / "sources"
        return default if default.is_dir() else None


def _turtle_files(folder: Path) -> list[Path]:
    """The files under `folder`, except hidden ones and those in hidden folders (.git, .ipynb_checkpoints);
    a symbolic link that resolves to nothing (a loop, a missing target) is an input error."""
    if not folder.is_dir():
        return []
    found = []
    for path in folder.rglob("*"):
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_symlink() and not path.exists():
            raise InputError(
                "a symbolic link that leads nowhere (a loop, or a missing target): remove it or fix its target",
                path.relative_to(folder.parent),
            )
        if path.is_file():
            found.append(path)
    return sorted(found)


def find_repository(start: Path | str | None = None) -> Repository:
    """The nearest folder at or above `start` that has both `ontology/icskg.ttl` and `pyproject.toml`."""
    here = Path(start or Path.cwd()).resolve()
    for candidate in (here, *here.parents):
        if (candidate / "ontology" / "icskg.ttl").is_file() and (candidate / "pyproject.toml").is_file():
            return Repository(candidate)
    raise RepositoryNotFound(f"no icskg repository at or above {here} (looked for ontology/icskg.ttl); use --root DIR")
