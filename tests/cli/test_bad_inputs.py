"""The bad-input corpus (tests/bad_inputs/, issue 8): broken or hostile contributions to data/.

Each case is one file (or folder) of tests/bad_inputs/, or a generator below for what cannot sit in
the repository (a 50 MB file, deep nesting, symbolic links, permissions). It is placed in the data/ of
a throw-away repository (`repo_factory.make_repo`; the `registry-*` cases also get the imported
STP records, which the code checks need) and `icskg validate` runs on it. The expected exit code and
the fragments the output must contain (the file, with its line where there is one, and what to fix)
are the table in tests/bad_inputs/README.md: the test reads them from there, so the documentation
cannot drift from what the code does. For every case: that exit code, those fragments, no
traceback, and not one byte of the repository changed. A case that fails to load (exit 2) is also
given to `icskg fmt`, which must refuse it the same way and write nothing.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from icskg.cli import main
from repo_factory import ROOT, make_repo

CORPUS = Path(__file__).resolve().parents[1] / "bad_inputs"
README = CORPUS / "README.md"
SOURCES = ROOT.parent / "shared" / "sources"
PREFIXES = """@prefix partnership: <https://w3id.org/icskg/id/partnership/> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
"""
REGISTRY_PARTS = ("stps.ttl", "extracts.ttl")
BIG_LINES = 500_000  # 101 bytes each: a 50 MB file


def _big(data: Path) -> None:
    with (data / "big-50mb.ttl").open("w", encoding="utf-8") as out:
        out.write(PREFIXES)
        line = "# " + "x" * 98 + "\n"
        for _ in range(BIG_LINES):
            out.write(line)
        out.write('partnership:a skos:prefLabel "A"\n')  # no final dot: the error is on the very last line


def _deep_blank_nodes(data: Path, depth: int = 2000) -> None:
    body = "partnership:a skos:note " + "[ skos:note " * depth + '"x"' + " ]" * depth + " .\n"
    (data / "deep-nested-blank-nodes.ttl").write_text(PREFIXES + body, encoding="utf-8")


def _deep_collections(data: Path, depth: int = 2000) -> None:
    body = "partnership:a skos:note " + "( " * depth + '"x"' + " )" * depth + " .\n"
    (data / "deep-nested-collections.ttl").write_text(PREFIXES + body, encoding="utf-8")


def _symlink_loop(data: Path) -> None:
    os.symlink("symlink-loop.ttl", data / "symlink-loop.ttl")


def _dangling_symlink(data: Path) -> None:
    os.symlink("no-such-file.ttl", data / "dangling-symlink.ttl")


def _directory_symlink_loop(data: Path) -> None:
    (data / "sub").mkdir()
    os.symlink("..", data / "sub" / "loop")


def _unreadable(data: Path) -> None:
    path = data / "unreadable.ttl"
    path.write_text(PREFIXES + 'partnership:a skos:prefLabel "A" .\n', encoding="utf-8")
    path.chmod(0)


def _directory_named_ttl(data: Path) -> None:
    (data / "partnerships.ttl").mkdir()


def _hidden_directory(data: Path) -> None:
    (data / ".ttl").mkdir()
    (data / ".ttl" / "junk.ttl").write_text("this is not Turtle {", encoding="utf-8")
    (data / ".ipynb_checkpoints").mkdir()
    (data / ".ipynb_checkpoints" / "partnerships-checkpoint.ttl").write_text("neither is this", encoding="utf-8")


GENERATORS: dict[str, Callable[[Path], None]] = {
    "big-50mb.ttl": _big,
    "deep-nested-blank-nodes.ttl": _deep_blank_nodes,
    "deep-nested-collections.ttl": _deep_collections,
    "symlink-loop.ttl": _symlink_loop,
    "dangling-symlink.ttl": _dangling_symlink,
    "directory-symlink-loop": _directory_symlink_loop,
    "unreadable.ttl": _unreadable,
    "directory-named-partnerships.ttl": _directory_named_ttl,
    "hidden-directories": _hidden_directory,
}


# ---------------------------------------------------------------------------------------------- the table


def cases() -> list[tuple[str, bool, int, list[str]]]:
    """(name, generated, exit code, fragments) for each row of the README's table."""
    rows = []
    for line in README.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\|\s*(gen\s+)?`([^`]+)`\s*\|\s*(\d)\s*\|(.*)\|\s*$", line)
        if match:
            rows.append((match[2], bool(match[1]), int(match[3]), re.findall(r"`([^`]+)`", match[4])))
    return rows


CASES = cases()


def test_the_corpus_is_big_enough_and_documented():
    names = [name for name, *_ in CASES]
    assert len(names) >= 40 and len(set(names)) == len(names)
    on_disk = {p.name for p in CORPUS.iterdir() if p.name != "README.md"}
    documented = {name for name, generated, *_ in CASES if not generated}
    assert on_disk == documented, f"undocumented: {on_disk - documented}; missing: {documented - on_disk}"
    assert {name for name, generated, *_ in CASES if generated} == set(GENERATORS)
    assert all(fragments for *_, fragments in CASES), "every case names what the output must say"


def digest(root: Path) -> dict[str, str]:
    """Every file of the repository but the inference cache, by content (links by their target)."""
    found = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root)
        if relative.parts[0] == ".icskg-cache":
            continue
        if path.is_symlink():
            found[str(relative)] = "-> " + os.readlink(path)
        elif path.is_file():
            found[str(relative)] = hashlib.sha256(path.read_bytes()).hexdigest() if os.access(path, os.R_OK) else "?"
    return found


def place(tmp_path: Path, name: str, generated: bool) -> Path:
    root = make_repo(tmp_path)
    data = root / "data"
    if name.startswith("registry-"):  # the STP records and their extracts: enough to check codes against
        (data / "registries").mkdir()
        for part in REGISTRY_PARTS:
            shutil.copy(ROOT / "data" / "registries" / part, data / "registries" / part)
    if generated:
        GENERATORS[name](data)
    elif (CORPUS / name).is_dir():
        shutil.copytree(CORPUS / name, data / name)
    else:
        shutil.copy(CORPUS / name, data / name)
    return root


def invoke(root: Path, *args: str):
    result = CliRunner().invoke(main, ["--root", str(root), *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize(("name", "generated", "code", "fragments"), CASES, ids=[c[0] for c in CASES])
def test_bad_input(tmp_path, name, generated, code, fragments):
    if name == "unreadable.ttl" and os.geteuid() == 0:
        pytest.skip("running as root: root reads a file whatever its permissions")
    if name.startswith("quote-") and not SOURCES.is_dir():
        pytest.skip(f"the source texts are not in {SOURCES}")
    root = place(tmp_path, name, generated)
    before = digest(root)
    args = ["validate", *(["--sources", str(SOURCES)] if SOURCES.is_dir() else [])]
    result = invoke(root, *args)
    output = result.output
    assert result.exit_code == code, output[-3000:]
    missing = [fragment for fragment in fragments if fragment not in output]
    assert not missing, f"{missing} not in:\n{output[-3000:]}"
    if code == 2:
        first = output.strip().splitlines()[0]
        assert first.startswith("icskg: data/"), first  # one line, naming the file first
        formatted = invoke(root, "fmt")
        assert formatted.exit_code == 2 and formatted.output.strip().splitlines()[0] == first
    assert digest(root) == before, "a data file was changed"


def test_permission_errors_are_input_errors(tmp_path, monkeypatch):
    """What unreadable.ttl checks, for when the tests run as root: an OSError on reading is exit 2."""
    root = place(tmp_path, "empty.ttl", False)

    read_bytes = Path.read_bytes

    def refuse(self):
        if self.name == "empty.ttl":
            raise PermissionError(13, "Permission denied", str(self))
        return read_bytes(self)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    result = invoke(root, "validate")
    assert result.exit_code == 2
    assert "data/empty.ttl: cannot read the file (Permission denied)" in result.output
