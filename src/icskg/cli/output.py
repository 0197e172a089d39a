"""Writing to stdout or a file: bytes as they are, text escaped where it reaches a terminal."""

from __future__ import annotations

import codecs
import sys
from pathlib import Path

import click

from ..errors import IcskgError, InputError


def write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        stream.write(data)
        stream.flush()


def stream_stdout(write) -> None:
    """`write(out)` streams a document to stdout's bytes; a document that does not end a line (JSON) gets a
    final newline, as `emit` gives."""
    from ..query.stream import Sink

    sys.stdout.flush()
    sink = Sink(getattr(sys.stdout, "buffer", None) or _TextBytes(sys.stdout))
    try:
        write(sink)
    except IcskgError:
        if sink.written:
            click.echo("icskg: the answer on stdout is incomplete", err=True)
        raise
    if sink.last != b"\n":
        sink.write(b"\n")
    sink.flush()


class _TextBytes:
    """A text stream (click's test runner, a notebook) taking bytes."""

    def __init__(self, stream):
        self.stream = stream
        self.decoder = codecs.getincrementaldecoder("utf-8")()  # a chunk may end inside a character

    def write(self, data: bytes) -> int:
        self.stream.write(self.decoder.decode(data))
        return len(data)

    def flush(self) -> None:
        self.stream.flush()


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
    temporary = target.with_name(f".{target.name}.partial")
    try:
        temporary.write_bytes(data)
        temporary.replace(target)
    except OSError as error:
        temporary.unlink(missing_ok=True)
        raise InputError(f"cannot write {output}: {error.strerror or error}") from None
    click.echo(f"wrote {output} ({size})", err=True)


output_option = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, allow_dash=True),
    default="-",
    show_default=True,
    help="File to write, - for stdout.",
)
