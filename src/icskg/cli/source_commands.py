"""source add, source find: a new source text in one step, and words found in the texts as the quote check
finds them."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import EXIT_INPUT, EXIT_NOT_CONFORMING, InputError
from ..terminal import printable
from .answer import ask
from .main import main

sources_option = click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of source texts (default: $ICSKG_SOURCES, else ../shared/sources).",
)


def sources_folder(obj, sources: Path | None, must_exist: bool = True) -> tuple:
    """The repository and its sources folder (a flag, the environment or ../shared/sources)."""
    from ..build.repository import find_repository

    settings = obj.settings(sources=sources)
    repo = find_repository(settings.root)
    folder = repo.sources_dir(settings.sources, required=settings.sources_explicit)
    if folder is None or (must_exist and not folder.is_dir()):
        raise InputError(
            f"no sources folder ({folder or repo.root.parent / 'shared' / 'sources'}): create it, or give one with "
            "--sources DIR or $ICSKG_SOURCES"
        )
    return settings, repo, folder


@main.group()
def source():
    """Source texts: add one (`source add FILE`), find words in them (`source find TEXT`)."""


@source.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@sources_option
@click.option("--title", default=None, help="The title, as a line of the text gives it ('' for none).")
@click.option("--date", "date_words", default=None, help="The date, as a line of the text words it ('' for none).")
@click.option("--yes", "-y", is_flag=True, help="Write the proposed title and date without asking.")
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Seconds to wait for the answer to the question.",
)
@click.pass_obj
def source_add(obj, file, sources, title, date_words, yes, timeout):
    """Copy FILE into the sources folder as NNN_<16 hex>.txt (or register it there), write its
    icskg:SourceDocument (file name, SHA-256, and the title and date a line of the text gives, once confirmed)
    into data/sources.ttl and start data/statements/NNN.ttl. A duplicate (the same SHA-256) or a name clash
    is refused (exit 2); nothing is written then."""
    from ..build.pipeline import build
    from ..curate import add_source
    from ..curate.proposals import DateProposal, Proposal, given_line, parse_date

    settings, repo, folder = sources_folder(obj, sources)
    new = add_source.plan(repo, build(settings), folder, file)
    chosen_title = new.title
    if title is not None:
        line = given_line(new.text, title) if title else None
        if title and line is None:
            raise InputError(f"--title {title!r} is not on any line of {file.name}: give the words as the text has")
        chosen_title = Proposal(title, line) if title else None
    chosen_date = new.date
    if date_words is not None:
        parsed = parse_date(date_words) if date_words else None
        line = given_line(new.text, date_words) if date_words else None
        if date_words and (parsed is None or line is None):
            raise InputError(
                f"--date {date_words!r} must be a date (3 March 2019, 2019-03-03, 03.03.19) on a line of {file.name}"
            )
        chosen_date = DateProposal(parsed[0], line, parsed[1]) if parsed else None
    click.echo(f"{new.name}: SHA-256 {new.sha256}")
    click.echo(f"  title: {_shown(chosen_title)}")
    date_text = f"{_shown(chosen_date)} -> {chosen_date.date.isoformat()}" if chosen_date else _shown(None)
    click.echo(f"  date:  {date_text}")
    proposed = (title is None and new.title is not None) or (date_words is None and new.date is not None)
    if proposed and not yes:
        answer = ask("Write them as shown? [y]es / [n]o, leave the proposed ones out: ", timeout)
        if answer is None or answer.lower() not in ("y", "yes", "n", "no"):
            click.echo(
                "icskg: no answer: nothing written (--yes writes them as shown; --title/--date give them)", err=True
            )
            sys.exit(EXIT_INPUT)
        if answer.lower() in ("n", "no"):
            chosen_title = chosen_title if title is not None else None
            chosen_date = chosen_date if date_words is not None else None
    for line in add_source.write(repo, new, chosen_title.text if chosen_title else None, chosen_date):
        click.echo(printable(line))
    click.echo(f'next: icskg source find "WORDS" --source {new.number}, then icskg fmt && icskg validate')


def _shown(proposal) -> str:
    if proposal is None:
        return "(none: no line at the head of the text gives one)"
    return printable(f"“{proposal.text}” (line {proposal.line})")


@source.command("find")
@click.argument("text")
@click.option("--source", "source_id", default=None, help="Only this source: its number, slug or file name.")
@sources_option
@click.pass_obj
def source_find(obj, text, source_id, sources):
    """Where TEXT stands in the source texts, after the quote check's normalisation (white space, quote
    marks): file, line and the words as the file gives them. With no exact match, the closest spans and their
    edit distances (exit 1)."""
    from ..curate.find import find
    from ..validate.sources import SourceTexts

    _settings, _repo, folder = sources_folder(obj, sources)
    finding = find(SourceTexts(folder), text, source_id)
    where = f"{len(finding.searched)} source text{'s' if len(finding.searched) != 1 else ''}"
    if finding.exact:
        for span in finding.exact:
            click.echo(printable(span.shown()))
        files = len({span.file for span in finding.exact})
        click.echo(f"{len(finding.exact)} match(es) in {files} of {where}")
        return
    click.echo(printable(f"not found in {where} (after normalising white space and quote marks): “{text}”"))
    if finding.near:
        click.echo("near misses:" if finding.close else "nothing near; the closest span:")
        for span in finding.near:
            click.echo(printable(f"  {span.shown()} ({span.edits} edit{'' if span.edits == 1 else 's'})"))
    else:
        click.echo("nothing similar")
    sys.exit(EXIT_NOT_CONFORMING)
