"""Progress on a terminal (stderr), quiet on CI and in pipes, forced either way by ICSKG_PROGRESS: one rule,
read once into Settings.progress, and `step` brackets each long step."""

from __future__ import annotations

import sys

import pytest
from click.testing import CliRunner

from icskg.cli import main
from icskg.progress import step
from icskg.settings import Settings
from repo_factory import make_repo


@pytest.mark.parametrize(
    ("progress", "ci", "terminal", "shown"),
    [
        (None, None, True, True),
        (None, None, False, False),
        (None, "true", True, False),
        ("1", "true", False, True),
        ("0", None, True, False),
        ("yes", None, False, True),
        ("off", None, True, False),
    ],
)
def test_the_rules(monkeypatch, progress, ci, terminal, shown):
    monkeypatch.setattr(sys.stderr, "isatty", lambda: terminal)
    environ = {name: value for name, value in (("ICSKG_PROGRESS", progress), ("CI", ci)) if value is not None}
    assert Settings.load(environ=environ).progress is shown


def test_a_step_writes_its_label_then_done_on_stderr_only(capsys):
    with step("counting sheep", True):
        pass
    captured = capsys.readouterr()
    assert captured.out == ""
    lines = captured.err.splitlines()
    assert lines[0] == "counting sheep …" and lines[1].startswith("counting sheep: done in ")


def test_a_hidden_step_writes_nothing(capsys):
    with step("counting sheep", False):
        pass
    assert capsys.readouterr() == ("", "")


def test_a_failing_step_says_so_and_the_error_goes_on(capsys):
    with pytest.raises(ValueError, match="no sheep"):
        with step("counting sheep", True):
            raise ValueError("no sheep")
    assert capsys.readouterr().err.splitlines()[-1].startswith("counting sheep: failed after ")


def run_validate(root, **env):
    return CliRunner(env={"ICSKG_CACHE": "0", **env}).invoke(main, ["--root", str(root), "validate"])


def test_validate_shows_its_steps_on_stderr_only_when_asked(tmp_path):
    root = make_repo(tmp_path)
    quiet = run_validate(root, CI="true", ICSKG_PROGRESS="")
    shown = run_validate(root, CI="true", ICSKG_PROGRESS="1")
    assert quiet.exit_code == shown.exit_code == 0
    assert quiet.stdout == shown.stdout, "progress never changes stdout"
    assert quiet.stderr == ""
    for label in ("parsing", "inferring (OWL 2 RL)", "validating"):
        assert any(line.startswith(label) and "done in" in line for line in shown.stderr.splitlines()), shown.stderr
