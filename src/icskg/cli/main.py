"""The command group: settings read once from the flags and the environment, errors as exit codes."""

from __future__ import annotations

import errno
import os
import sys
import traceback
from pathlib import Path

import click

from ..errors import EXIT_INPUT, EXIT_INTERNAL, IcskgError
from ..settings import Settings
from ..terminal import printable

WRITE_FAILURES = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EIO, errno.EROFS}
"""Errors of writing that say the disk or device failed (exit 2 with the reason), not icskg (exit 4)."""


class Context:
    """What every command gets: the settings (read once) and the --debug flag."""

    def __init__(self, root: Path | None, debug: bool):
        self.root = root
        self.debug = debug

    def settings(self, **flags) -> Settings:
        return Settings.load(root=self.root, **flags)


class IcskgGroup(click.Group):
    """IcskgError -> its message and exit code; anything else -> exit 4 with one line (traceback with --debug)."""

    def parse_args(self, ctx, args):
        """Every command-line value must be text: refuse one that is not UTF-8 (Python hands it over with
        surrogate escapes, which would fail later, deep inside a query or a message)."""
        for arg in args:
            try:
                arg.encode("utf-8")
            except UnicodeEncodeError:
                shown = printable(arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace"))
                raise click.UsageError(f"the command-line value '{shown}' is not UTF-8 text") from None
        return super().parse_args(ctx, args)

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except IcskgError as error:
            click.echo(f"icskg: {error}", err=True)
            sys.exit(error.exit_code)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException, SystemExit):
            raise
        except BrokenPipeError:
            # the reader went away (`icskg query ... | head`): stop quietly, as Unix tools do
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            sys.exit(141)
        except KeyboardInterrupt:
            click.echo("icskg: interrupted", err=True)
            sys.exit(130)
        except Exception as error:  # noqa: BLE001 - the one place unexpected errors become exit code 4
            if isinstance(error, OSError) and error.errno in WRITE_FAILURES:
                # stdout (or a file) on a full or failing disk: the environment's problem, not icskg's
                where = f" {error.filename}" if error.filename else " the output"
                click.echo(f"icskg: cannot write{where}: {error.strerror}", err=True)
                sys.exit(EXIT_INPUT)
            debug = isinstance(ctx.obj, Context) and ctx.obj.debug
            if debug:
                traceback.print_exc()
            where = "" if debug else " (run with --debug for the traceback)"
            click.echo(f"icskg: internal error: {type(error).__name__}: {error}{where}", err=True)
            sys.exit(EXIT_INTERNAL)


@click.group(cls=IcskgGroup)
@click.option(
    "--root",
    type=click.Path(file_okay=False, path_type=Path),
    help="The icskg repository (default: the one containing the current directory).",
)
@click.option("--debug", is_flag=True, help="On an internal error, print the traceback.")
@click.version_option(package_name="icskg")
@click.pass_context
def main(ctx, root, debug):
    """icskg: build, validate and query the integrated-care knowledge graph.

    Exit codes: 0 ok; 1 does not conform (or not canonical, or `source find` found no exact match); 2 usage or
    input error; 3 endpoint error; 4 internal error."""
    ctx.obj = Context(root, debug)
