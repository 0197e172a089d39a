"""The `icskg` command: one console script with subcommands (`python -m icskg` works too).

Exit codes: 0 ok; 1 the graph does not conform (or files are not canonical); 2 usage or input error;
3 endpoint error; 4 internal error (a one-line message; `icskg --debug ...` shows the traceback).
The group lives in main.py; each module below adds its commands to it (the order `icskg --help` lists).
"""

from . import (  # noqa: F401 - they register
    diff_commands,
    graph_commands,
    output_commands,
    query_commands,
    registry_commands,
    source_commands,
)
from .main import main

__all__ = ["main"]
