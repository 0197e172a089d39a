"""diff: what a change does to the graph, by meaning, between two git revisions (or one and the working tree)."""

from __future__ import annotations

from pathlib import Path

import click

from .main import main
from .output import output_option, write_output


@main.command("diff")
@click.argument("base", required=False)
@click.argument("head", required=False)
@click.option("-f", "--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True)
@output_option
@click.option(
    "--sources",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of source texts for both sides' validation (default: $ICSKG_SOURCES, else ../shared/sources).",
)
@click.pass_obj
def diff_command(obj, base, head, fmt, output, sources):
    """The semantic diff from BASE to HEAD (git revisions; default: the merge base with main, and the working
    tree): entities added, removed and changed with their labels, each changed fact with its source, quotes
    and excerpts added or edited, validation results new or fixed, inferred consequences (counts). A change
    of layout, order, comments or blank-node labels is no change (graphs compared by isomorphism)."""
    from ..build.repository import find_repository
    from ..curate import revisions
    from ..curate.diff import diff
    from ..curate.diff_report import render_markdown, render_text

    settings = obj.settings(sources=sources)
    repo = find_repository(settings.root)
    git = revisions.Git(repo.root)
    if base is None:
        base_side = revisions.revision(repo, settings, git, git.default_base(), "the merge base with main")
    else:
        base_side = revisions.revision(repo, settings, git, base)
    if head is None:
        head_side = revisions.working_tree(repo, settings)
    else:
        head_side = revisions.revision(repo, settings, git, head)
    found = diff(base_side, head_side)
    text = render_markdown(found) if fmt == "markdown" else render_text(found)
    data = (text if text.endswith("\n") else text + "\n").encode("utf-8")
    write_output(data, output, f"{len(found.changes)} entities changed")
