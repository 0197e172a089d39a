"""Errors that the CLI turns into a one-line message and an exit code, never a traceback."""

from __future__ import annotations

from pathlib import Path


class IcskgError(Exception):
    """Base class: something the user can fix. `exit_code` follows the CLI's documented codes."""

    exit_code = 2


class InputError(IcskgError):
    """Bad input: a file that does not parse, an unsupported file, a bad parameter."""

    def __init__(self, message: str, file: Path | str | None = None, line: int | None = None):
        self.file = str(file) if file is not None else None
        self.line = line
        self.message = message
        super().__init__(str(self))

    def __str__(self) -> str:
        if self.file and self.line:
            return f"{self.file}:{self.line}: {self.message}"
        if self.file:
            return f"{self.file}: {self.message}"
        return self.message


class RepositoryNotFound(InputError):
    """The current directory is not inside an icskg repository."""


class EndpointError(IcskgError):
    """A remote SPARQL endpoint was unreachable, timed out, or answered with an error."""

    exit_code = 3
