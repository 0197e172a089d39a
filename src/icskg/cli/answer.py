"""A question to the curator on the terminal, with a deadline: no answer in time, no standard input (CI) or
the end of input all mean "no answer", and the command stops without writing (never a wait without end)."""

from __future__ import annotations

import sys

import click

from ..deadline import DeadlineExceeded, within


def ask(question: str, timeout: float) -> str | None:
    """The curator's answer (one line, stripped), or None when there is none within `timeout` seconds."""
    click.echo(question, nl=False, err=True)
    stream = sys.stdin
    if stream is None or stream.closed:
        click.echo("", err=True)
        return None
    try:
        line = within(timeout, "waiting for an answer", stream.readline)
    except (DeadlineExceeded, OSError, ValueError):
        click.echo("", err=True)
        return None
    if not line:
        click.echo("", err=True)
        return None
    return line.strip()
