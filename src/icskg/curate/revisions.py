"""Git revisions of the repository, built and validated like the working tree (`icskg diff`, `icskg release`).

A revision's files (ontology/, data/, shapes/, pyproject.toml) are extracted with `git archive` into a
temporary folder and built from there by the same pipeline, with the same sources folder, so two sides differ
only by what the revision holds. Their cache entries go into a folder of their own (`<cache>/revisions`), so
diffing does not evict the working tree's build. Every git call has a deadline.
"""

from __future__ import annotations

import dataclasses
import io
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ..build.graph import BuiltGraph
from ..build.repository import Repository
from ..errors import IcskgError, InputError
from ..settings import Settings
from ..validate.report import Report

GIT_TIMEOUT = 60.0
"""Seconds one git call may take."""
GRAPH_PARTS = ("ontology", "data", "shapes", "pyproject.toml")
"""What a revision's build reads (pyproject.toml marks the folder as an icskg repository)."""
MAIN_BRANCHES = ("main", "origin/main")


class Git:
    """git in the repository's folder; every failure an InputError that says what to do."""

    def __init__(self, root: Path):
        self.root = root
        self.prefix = self.run("rev-parse", "--show-prefix").strip()  # the repository's folder inside git

    def run(self, *args: str, binary: bool = False):
        if shutil.which("git") is None:
            raise InputError("git is not installed: it is needed to compare or find revisions")
        try:
            done = subprocess.run(["git", *args], cwd=self.root, capture_output=True, timeout=GIT_TIMEOUT, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"git {args[0]} did not finish within {GIT_TIMEOUT:g} s") from None
        if done.returncode != 0:
            error = done.stderr.decode("utf-8", "replace").strip().splitlines()
            if "not a git repository" in " ".join(error).lower():
                raise InputError(f"{self.root} is not in a git repository: revisions need one")
            raise InputError(f"git {args[0]} failed: {error[-1] if error else done.returncode}")
        return done.stdout if binary else done.stdout.decode("utf-8", "replace")

    def commit(self, revision: str) -> str:
        """The commit a revision names (a branch, a tag, HEAD~1, a hash), or a clear error."""
        if revision.startswith("-"):
            raise InputError(f"not a revision: {revision!r}")
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"{revision}^{{commit}}").strip()
        except InputError:
            raise InputError(f"unknown git revision {revision!r}") from None

    def default_base(self) -> str:
        """The merge base of HEAD with main (or origin/main)."""
        for branch in MAIN_BRANCHES:
            try:
                self.commit(branch)
            except InputError:
                continue
            return self.run("merge-base", "HEAD", branch).strip()
        raise InputError("no branch main (nor origin/main) to compare with: give the base revision, e.g. HEAD~1")

    def latest_tag(self, exclude: str | None = None) -> str | None:
        """The newest tag vX.Y.Z reachable from HEAD (a release), other than `exclude`, or None."""
        args = ["describe", "--tags", "--abbrev=0", "--match", "v[0-9]*"]
        if exclude:
            args += ["--exclude", exclude]
        try:
            return self.run(*args, "HEAD").strip() or None
        except InputError:
            return None

    @contextmanager
    def checkout(self, commit: str) -> Iterator[Path]:
        """The revision's graph files in a temporary folder (removed afterwards)."""
        tree = f"{commit}:{self.prefix}"
        present = set(self.run("ls-tree", "--name-only", tree).split())
        parts = [part for part in GRAPH_PARTS if part in present]
        if "ontology" not in parts or "pyproject.toml" not in parts:
            raise InputError(f"revision {commit[:12]} holds no icskg repository (no ontology/ or pyproject.toml)")
        data = self.run("archive", "--format=tar", tree, "--", *parts, binary=True)
        with tempfile.TemporaryDirectory(prefix="icskg-revision-") as folder:
            root = Path(folder) / "repo"  # its parent holds no shared/sources a build could pick up
            root.mkdir()
            with tarfile.open(fileobj=io.BytesIO(data)) as archive:
                if hasattr(tarfile, "data_filter"):
                    archive.extractall(root, filter="data")
                else:  # pragma: no cover - Python before 3.11.4
                    archive.extractall(root)
            yield root


@dataclass
class Side:
    """One side of a comparison: what it is (a revision or the working tree), its graph and its report."""

    name: str
    graph: BuiltGraph
    report: Report


def working_tree(repo: Repository, settings: Settings) -> Side:
    from ..build.pipeline import build
    from ..validate import validate

    return Side("working tree", build(settings), validate(settings))


def revision(repo: Repository, settings: Settings, git: Git, name: str, shown: str | None = None) -> Side:
    """The revision `name` (`shown` so), built and validated as the working tree would be, with the same sources."""
    from ..build.pipeline import build
    from ..validate import validate

    commit = git.commit(name)
    sources = repo.sources_dir(settings.sources, required=settings.sources_explicit)
    cache_dir = (settings.cache_dir or repo.default_cache_dir) / "revisions"
    with git.checkout(commit) as root:
        there = dataclasses.replace(
            settings, root=root, sources=sources, sources_explicit=sources is not None, cache_dir=cache_dir
        )
        try:
            label = f"{shown or name} ({commit[:7]})" if shown or not commit.startswith(name) else commit[:7]
            side = Side(label, build(there), validate(there))
        except IcskgError as error:
            raise InputError(f"in revision {name} ({commit[:7]}): {error}") from None
    side.graph.repo = None  # its folder is gone
    return side
