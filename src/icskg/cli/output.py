"""Writing to stdout or a file: bytes as they are, text escaped where it reaches a terminal."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import click

from ..errors import IcskgError, InputError


class OutputError(IcskgError):
    """The output could not be written (a full disk, a device error): exit 2 with the reason."""


class Stdout:
    """Standard output as bytes, whatever it is (a terminal, a pipe, a file, click's test runner, a notebook):
    a write that fails says why, as an OutputError; a reader that went away stays a BrokenPipeError (the
    command line stops quietly, as Unix tools do)."""

    def __init__(self):
        sys.stdout.flush()
        buffer = getattr(sys.stdout, "buffer", None)
        self.stream = buffer if buffer is not None else sys.stdout
        self.decoder = None if buffer is not None else codecs.getincrementaldecoder("utf-8")()  # chunks may split

    def write(self, data: bytes) -> int:
        try:
            self.stream.write(data if self.decoder is None else self.decoder.decode(data))
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None
        return len(data)

    def flush(self) -> None:
        try:
            self.stream.flush()
        except BrokenPipeError:
            raise
        except OSError as error:
            raise OutputError(f"cannot write the output: {error.strerror or error}") from None


def write_stdout(data: bytes) -> None:
    out = Stdout()
    out.write(data)
    out.flush()


def stream_stdout(write) -> None:
    """`write(out)` streams a document to stdout's bytes; a document that does not end a line (JSON) gets a
    final newline, as `emit` gives."""
    from ..query.stream import Sink

    sink = Sink(Stdout())
    try:
        write(sink)
        if sink.last != b"\n":
            sink.write(b"\n")
        sink.flush()
    except IcskgError:
        if sink.written:
            click.echo("icskg: the answer on stdout is incomplete", err=True)
        raise


def emit(text: bytes | str) -> None:
    data = text.encode("utf-8") if isinstance(text, str) else text
    write_stdout(data if data.endswith(b"\n") else data + b"\n")


def write_output(data: bytes, output: str, size: str) -> None:
    """To stdout for `-`, else to the file (atomically), saying so (with `size`) on stderr."""
    if output == "-":
        write_stdout(data)
        return
    target = Path(output)
    if not target.parent.is_dir():
        raise InputError(f"cannot write {output}: the folder {target.parent} does not exist")
    if target.exists() and not target.is_file():
        _write_special(target, data, output)  # a device or a pipe (/dev/stdout, a FIFO): written into, not replaced
        click.echo(f"wrote {output} ({size})", err=True)
        return
    temporary = target.with_name(f".{target.name}.partial")
    try:
        temporary.write_bytes(data)
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {error.strerror or error}") from None
    click.echo(f"wrote {output} ({size})", err=True)


def _write_special(target: Path, data: bytes, output: str) -> None:
    if target.is_dir():
        raise InputError(f"cannot write {output}: it is a folder")
    try:
        with open(target, "wb") as stream:
            stream.write(data)
    except OSError as error:
        raise InputError(f"cannot write {output}: {error.strerror or error}") from None


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write, - for stdout.",
)
