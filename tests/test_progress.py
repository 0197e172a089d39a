"""Progress on stderr for long steps: shown to a person at a terminal, silent on CI, forced by ICSKG_PROGRESS."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import icskg.progress
from icskg.cli import main
from icskg.progress import show_progress, step
from icskg.publish import show_progress as publish_show_progress
from repo_factory import make_repo

STEPS = ("parsing", "inferring (OWL 2 RL)", "validating (SHACL, source texts, registry links)")  # in order


@pytest.fixture
def terminal(monkeypatch):
    """As if stderr were a terminal (under pytest and CliRunner it never is), with no progress setting."""
    monkeypatch.setattr(icskg.progress, "_stderr_is_terminal", lambda: True)
    monkeypatch.delenv("ICSKG_PROGRESS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    return monkeypatch


def test_a_terminal_shows_progress_and_ci_silences_it(terminal, capsys):
    with step("counting"):
        pass
    assert "counting" in capsys.readouterr().err
    terminal.setenv("CI", "true")
    with step("counting"):
        pass
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out == ""


def test_a_pipe_shows_no_progress(monkeypatch, capsys):
    monkeypatch.setattr(icskg.progress, "_stderr_is_terminal", lambda: False)
    monkeypatch.delenv("ICSKG_PROGRESS", raising=False)
    monkeypatch.delenv("CI", raising=False)
    with step("counting"):
        pass
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize(
    ("progress", "ci", "terminal_stderr", "shown"),
    [
        ("1", "true", False, True),
        ("yes", None, False, True),
        ("0", None, True, False),
        ("off", None, True, False),
        (None, "1", True, False),
        (None, "false", True, True),
        ("", None, True, True),
    ],
)
def test_the_rules(monkeypatch, progress, ci, terminal_stderr, shown):
    monkeypatch.setattr(icskg.progress, "_stderr_is_terminal", lambda: terminal_stderr)
    for name, value in (("ICSKG_PROGRESS", progress), ("CI", ci)):
        if value is None:
            monkeypatch.delenv(name, raising=False)
        else:
            monkeypatch.setenv(name, value)
    assert show_progress() is shown
    assert publish_show_progress() is shown  # publish keeps its name for the same rule


def test_forced_progress_writes_the_label_then_done(monkeypatch, capsys):
    monkeypatch.setenv("CI", "true")
    monkeypatch.setenv("ICSKG_PROGRESS", "1")
    with step("counting sheep"):
        print("the result")
    captured = capsys.readouterr()
    assert captured.out == "the result\n"  # stdout untouched
    assert captured.err.splitlines()[0] == "counting sheep …"
    last = captured.err.splitlines()[1]
    assert last.startswith("counting sheep: done in ") and last.endswith(" s")
    assert len(captured.err.splitlines()) == 2


def test_a_failing_step_says_so_and_the_error_goes_on(monkeypatch, capsys):
    monkeypatch.setenv("ICSKG_PROGRESS", "1")
    with pytest.raises(ValueError, match="bad sheep"):
        with step("counting sheep"):
            raise ValueError("bad sheep")
    err = capsys.readouterr().err
    assert err.splitlines()[-1].startswith("counting sheep: failed after ")
    assert "done" not in err


def validate(root, monkeypatch, **env):
    monkeypatch.setenv("ICSKG_CACHE", "0")
    for name in ("ICSKG_PROGRESS", "CI"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    result = CliRunner().invoke(main, ["--root", str(root), "validate"])
    assert result.exit_code in (0, 1), result.output
    return result


def test_validate_shows_its_steps_on_stderr_only_when_asked(tmp_path, monkeypatch):
    root = make_repo(tmp_path)
    monkeypatch.setattr(icskg.progress, "_stderr_is_terminal", lambda: True)  # a terminal, but on CI
    quiet = validate(root, monkeypatch, CI="true")
    shown = validate(root, monkeypatch, ICSKG_PROGRESS="1")

    count = len(list((root / "ontology").rglob("*.ttl")))
    labels = [f"parsing {count} Turtle files", *STEPS[1:]]
    lines = shown.stderr.splitlines()
    for label in labels:
        assert f"{label} …" in lines
        assert any(line.startswith(f"{label}: done in ") for line in lines)
        assert label not in quiet.stderr
        assert label not in shown.stdout
    assert [lines.index(f"{label} …") for label in labels] == sorted(lines.index(f"{label} …") for label in labels)
    assert quiet.stderr == ""
    assert shown.stdout == quiet.stdout
    assert "conforms" in shown.stdout
    assert shown.exit_code == quiet.exit_code
