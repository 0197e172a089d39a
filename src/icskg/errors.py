"""Errors that the CLI turns into a one-line message and an exit code, never a traceback.

Exit codes (documented in the README and `icskg --help`): 0 ok; 1 the graph does not conform (or files
are not canonical); 2 usage or input error; 3 endpoint error; 4 internal error (a bug: the one-line
message says so, `--debug` shows the traceback).
"""

from __future__ import annotations

from pathlib import Path

EXIT_OK, EXIT_NOT_CONFORMING, EXIT_INPUT, EXIT_ENDPOINT, EXIT_INTERNAL = 0, 1, 2, 3, 4


class IcskgError(Exception):
    """Base class: something the user can fix. `exit_code` follows the CLI's documented codes."""

    exit_code = EXIT_INPUT


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

    exit_code = EXIT_ENDPOINT
