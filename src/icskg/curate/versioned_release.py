"""`icskg release VERSION`: a dated, versioned release of a graph that conforms. Its files go into dist/
(icskg.outputs.distribution) and CHANGELOG.md gets a section with the semantic diff against the previous
release (the newest git tag vX.Y.Z, or --previous REV).

Reproducible: the same repository, version and date give the same bytes. The date is --date, else the one
the CHANGELOG already gives this version (a second run), else $SOURCE_DATE_EPOCH, else today. A section the
CHANGELOG already has is kept as it is.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path

from ..build.repository import Repository
from ..build.rules import INFERRED
from ..errors import EXIT_NOT_CONFORMING, IcskgError, InputError
from ..outputs.distribution import ReleaseFile, release_files, write_files
from ..settings import Settings
from . import changelog

VERSION = re.compile(r"^\d+\.\d+\.\d+(?:[-+][0-9A-Za-z.+-]+)?$")


class NotConforming(IcskgError):
    """The graph does not conform: nothing is released (exit 1)."""

    exit_code = EXIT_NOT_CONFORMING


@dataclass(frozen=True)
class Outcome:
    files: list[ReleaseFile]
    date: dt.date
    changelog: Path
    section_added: bool
    previous: str | None


def check_version(version: str) -> str:
    if not VERSION.match(version):
        raise InputError(f"the version {version!r} is not MAJOR.MINOR.PATCH (e.g. 0.2.0; no leading v)")
    return version


def release_date(given: str | None, recorded: dt.date | None, epoch: str | None) -> dt.date:
    if given:
        try:
            return dt.date.fromisoformat(given)
        except ValueError:
            raise InputError(f"--date {given!r} is not a date YYYY-MM-DD") from None
    if recorded is not None:
        return recorded
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError, OSError):
            raise InputError(f"SOURCE_DATE_EPOCH must be seconds since 1970 (got {epoch!r})") from None
    return dt.datetime.now(dt.UTC).date()


def cut(
    repo: Repository,
    settings: Settings,
    version: str,
    folder: Path,
    date: str | None = None,
    previous: str | None = None,
    epoch: str | None = None,
) -> Outcome:
    """Validate, stamp, write the files and the CHANGELOG section; nothing is written unless all is ready."""
    from ..build.pipeline import build
    from ..validate import validate

    check_version(version)
    report = validate(settings)
    if not report.conforms:
        violations = report.counts()["Violation"]
        raise NotConforming(
            f"the graph does not conform ({violations} violation(s)): nothing released; `icskg validate` lists them"
        )
    path = repo.root / changelog.CHANGELOG
    text = _read(path)
    released = release_date(date, changelog.section_date(text, version), epoch)
    built = build(settings)
    files = release_files(built, report, version, released, folder)
    added, base = False, None
    if not changelog.has_section(text, version):
        body, base = _section_body(repo, settings, version, built, report, files, folder, previous)
        text = changelog.with_section(text, version, released, body)
        added = True
    write_files(files)
    if added:
        write_files([ReleaseFile(path, text.encode("utf-8"))])
    return Outcome(files, released, path, added, base)


def _read(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"cannot read {path.name}: {error}") from None


def _section_body(repo, settings, version, built, report, files, folder, previous) -> tuple[str, str | None]:
    from .diff import diff
    from .diff_report import render_markdown
    from .revisions import Git, Side, revision

    counts = report.counts()
    shown = ", ".join(f"`{f.path.name}`" for f in files)
    lines = [
        f"Release {version}: {built.count()} asserted and {built.count(INFERRED)} inferred triples; validation: "
        f"conforms ({counts['Violation']} violations, {counts['Warning']} warnings).",
        f"Files in {repo.shown(folder)}/: {shown} (TriG: inferred triples in their own graph; description: "
        "DCAT/VoID with each file's SHA-256).",
        "",
    ]
    try:
        git = Git(repo.root)
    except InputError:
        git = None
    base = previous or (git.latest_tag(exclude=f"v{version}") if git else None)
    if base is None:
        lines.append("First release: no earlier release (a git tag vX.Y.Z) to compare with.")
        return "\n".join(lines), None
    if git is None:
        raise InputError(f"--previous {previous!r} needs a git repository")
    before = revision(repo, settings, git, base)
    lines.append(render_markdown(diff(before, Side(f"release {version}", built, report)), level=3))
    return "\n".join(lines), base
