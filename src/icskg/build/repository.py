"""Where things are: the icskg repository that holds the current directory, and its parts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputError, RepositoryNotFound


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
    def qc_dir(self) -> Path:
        """The data QC rules (`queries/qc/NAME-violation.rq`), run by `icskg validate`."""
        return self.queries_dir / "qc"

    @property
    def registries_dir(self) -> Path:
        return self.root / "registries"

    @property
    def default_cache_dir(self) -> Path:
        return self.root / ".icskg-cache"

    def graph_files(self) -> list[Path]:
        """Every file of the graph (ontology and data), in a stable order."""
        return turtle_files(self.ontology_dir) + turtle_files(self.data_dir)

    def shape_files(self) -> list[Path]:
        return turtle_files(self.shapes_dir)

    def sources_dir(self, explicit: Path | None = None, required: bool = False) -> Path | None:
        """The folder of source texts: `explicit` (a flag or $ICSKG_SOURCES), else ../shared/sources if
        it exists. An explicit folder that does not exist is an input error when `required`."""
        if explicit is not None:
            if required and not explicit.is_dir():
                raise InputError(f"the sources folder {explicit} does not exist (give an existing folder)")
            return explicit
        default = self.root.parent / "shared" / "sources"
        return default if default.is_dir() else None

    def shown(self, path: Path) -> str:
        """A path as messages show it: relative to the repository when it is inside it."""
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)


def turtle_files(folder: Path) -> list[Path]:
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
