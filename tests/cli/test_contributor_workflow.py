"""The contributor workflow: the README's "Adding a source document" steps on a throw-away repository,
and the CI workflow and pre-commit hooks that run the same checks."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import yaml
from click.testing import CliRunner

from icskg.cli import main
from repo_factory import ROOT, make_repo

SOURCE_TEXT = """Example Health News, 3 March 2019

Example ICS names its first chair

The Example integrated care system has appointed its first independent chair. "We will work as one
system for one population," the new chair said at the partnership board.
"""

PREFIXES = """PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX icskg: <https://w3id.org/icskg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX source: <https://w3id.org/icskg/id/source/>
PREFIX statement: <https://w3id.org/icskg/id/statement/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def source_document(name: str, digest: str) -> str:
    return f"""{PREFIXES}
source:{name.removesuffix(".txt")}
    a icskg:SourceDocument ;
    dcterms:title "Example ICS names its first chair" ;
    dcterms:issued "2019-03-03"^^xsd:date ;
    icskg:dateAsStated "3 March 2019" ;
    icskg:fileName "{name}" ;
    icskg:sha256 "{digest}" ;
.
"""


GOOD_STATEMENTS = f"""{PREFIXES}
statement:900-q01
    a icskg:Quote ;
    dcterms:identifier "Q-01" ;
    prov:wasDerivedFrom source:900_example ;
    icskg:excerpt "We will work as one system for one population," ;
    icskg:placement "body" ;
    icskg:text "We will work as one system for one population" ;
    icskg:unattributed true ;
.
"""

BAD_STATEMENTS = """
statement:900-q02
    a icskg:Quote ;
    dcterms:identifier "Q-02" ;
    prov:wasDerivedFrom source:900_example ;
    icskg:placement "body" ;
    icskg:text "We will work as one system for every population" ;
    icskg:unattributed true ;
.

statement:901-q01
    a icskg:Quote ;
    dcterms:identifier "Q-01" ;
    prov:wasDerivedFrom source:901_not_described ;
    icskg:placement "body" ;
    icskg:text "one system" ;
    icskg:unattributed true ;
.
"""


def run(root: Path, *args: str):
    return CliRunner().invoke(main, ["--root", str(root), *args])


def line_of(text: str, subject: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.startswith(subject))


def test_readme_steps_catch_a_missing_source_and_a_misquote_with_file_and_line(tmp_path):
    # Step 1: the text goes into the sources folder (here a temporary one, passed with --sources).
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "900_example.txt").write_text(SOURCE_TEXT, encoding="utf-8")
    digest = hashlib.sha256((sources / "900_example.txt").read_bytes()).hexdigest()
    # Step 2: the SourceDocument with its file name and SHA-256; step 3: statements with verbatim words.
    root = make_repo(
        tmp_path,
        {"data/sources.ttl": source_document("900_example.txt", digest), "data/statements/900.ttl": GOOD_STATEMENTS},
    )
    # Step 4: icskg fmt, then icskg validate.
    assert run(root, "fmt").exit_code == 0
    assert run(root, "fmt", "--check").exit_code == 0
    good = run(root, "validate", "--sources", str(sources))
    assert good.exit_code == 0, good.output

    # A statement from a source nobody described, and a quote that is not what the source says.
    path = root / "data" / "statements" / "900.ttl"
    path.write_text(path.read_text(encoding="utf-8") + BAD_STATEMENTS, encoding="utf-8")
    text = path.read_text(encoding="utf-8")
    human = run(root, "validate", "--sources", str(sources))
    assert human.exit_code == 1
    where_missing = f"data/statements/900.ttl:{line_of(text, 'statement:901-q01')}"
    where_misquote = f"data/statements/900.ttl:{line_of(text, 'statement:900-q02')}"
    assert f"{where_missing}: Violation: statement:901-q01" in human.output
    assert "source:901_not_described" in human.output
    assert f"{where_misquote}: Violation: statement:900-q02" in human.output
    assert "quote not found in 900_example.txt" in human.output

    github = run(root, "validate", "--sources", str(sources), "--format", "github")
    assert github.exit_code == 1
    annotations = [line for line in github.output.splitlines() if line.startswith("::error ")]
    assert any(f"file=data/statements/900.ttl,line={line_of(text, 'statement:901-q01')}::" in a for a in annotations)
    assert any(
        f"file=data/statements/900.ttl,line={line_of(text, 'statement:900-q02')}::" in a and "quote not found" in a
        for a in annotations
    )


def test_the_readme_describes_those_steps():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a source document", 1)[1].split("\n## ", 1)[0]
    for needed in ("../shared/sources", "--sources", "icskg:SourceDocument", "sha256", "icskg fmt", "icskg validate"):
        assert needed in section, needed
    assert re.search(r"data/\S+\.ttl:\d+", section), "the README shows an error with FILE:LINE"


def test_ci_workflow_runs_validation_with_annotations_and_the_tests():
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text(encoding="utf-8"))
    triggers = workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    runs = [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any("icskg fmt --check" in r for r in runs)
    assert any("icskg validate --format github" in r for r in runs)
    assert any("python3 dev.py test" in r for r in runs)
    summary = [r for r in runs if "icskg diff" in r]
    assert summary and "--format markdown" in summary[0] and '>> "$GITHUB_STEP_SUMMARY"' in summary[0]
    checkout = next(s for job in workflow["jobs"].values() for s in job["steps"] if "checkout" in s.get("uses", ""))
    assert checkout["with"]["fetch-depth"] == 0, "the diff needs the target branch's history"


def test_pre_commit_hooks_do_the_same_checks():
    config = yaml.safe_load((ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    entries = [hook["entry"] for repo in config["repos"] for hook in repo["hooks"]]
    assert any("ruff check" in e for e in entries)
    assert any("icskg fmt --check" in e for e in entries)
    assert any(e.endswith("icskg validate") for e in entries)
