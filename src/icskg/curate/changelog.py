"""The CHANGELOG's release sections (Keep a Changelog: `## [VERSION] - YYYY-MM-DD`, newest first, below
`## [Unreleased]`). A release adds its section once; a section already there is left as it is, so running a
release again changes nothing and never rewrites what a curator wrote."""

from __future__ import annotations

import datetime as dt
import re

CHANGELOG = "CHANGELOG.md"
HEADER = "# Changelog\n\nAll notable changes to icskg. The ontology's version is its `owl:versionInfo`.\n"
_SECTION = re.compile(r"^## \[(?P<version>[^\]]+)\](?: - (?P<date>\d{4}-\d{2}-\d{2}))?\s*$", re.MULTILINE)


def section_date(text: str, version: str) -> dt.date | None:
    """The date of the section for `version`, if the CHANGELOG has one with a date."""
    for match in _SECTION.finditer(text):
        if match.group("version") == version and match.group("date"):
            return dt.date.fromisoformat(match.group("date"))
    return None


def has_section(text: str, version: str) -> bool:
    return any(match.group("version") == version for match in _SECTION.finditer(text))


def with_section(text: str, version: str, date: dt.date, body: str) -> str:
    """The CHANGELOG with a section for `version` put below [Unreleased] (above every earlier release); the
    rest of the text stays byte for byte."""
    section = f"## [{version}] - {date.isoformat()}\n\n{body.strip()}\n"
    if not text.strip():
        return f"{HEADER}\n{section}"
    sections = [m for m in _SECTION.finditer(text) if m.group("version").lower() != "unreleased"]
    if sections:
        at = sections[0].start()
        return f"{text[:at]}{section}\n{text[at:]}"
    return f"{text.rstrip()}\n\n{section}"
