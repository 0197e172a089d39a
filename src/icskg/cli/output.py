"""Writing to stdout or a file: bytes as they are, text escaped where it reaches a terminal."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import InputError


def write_stdout(data: bytes) -> None:
    sys.stdout.flush()
    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:
        sys.stdout.write(data.decode("utf-8"))
    else:
        stream.write(data)
        stream.flush()


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
