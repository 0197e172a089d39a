"""The curator's flow from the README, end to end, on a copy of the repository in git (issue 16): a first
release; then on a branch, a new article from a text fixture (three quotes, two claims) added with
`icskg source add`, its words found with `icskg source find`, a misquote caught by `icskg validate` with the
closest span and fixed, the change reviewed with `icskg diff`, and release 0.2.0 cut, twice, byte for byte.

The flow runs once, in one test (with pytest 9, xdist_group marks do not keep a module's tests on one worker, so
a module fixture would run on each); each check_ function checks one part of what it saw."""

from __future__ import annotations

import hashlib
import os
import re
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from click.testing import CliRunner

from icskg.cli import main
from repo_factory import ROOT, make_repo

ARTICLE = Path(__file__).parent / "fixtures" / "article.txt"
SOURCES_TTL = """# Source documents. This comment was written by a curator and must survive every command.

PREFIX icskg: <https://w3id.org/icskg/ontology#>
"""
CHANGELOG = """# Changelog

## [Unreleased]

- A curator's note that no release rewrites.
"""
PREFIXES = """PREFIX claimtype: <https://w3id.org/icskg/vocab/claim-type/>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX icskg: <https://w3id.org/icskg/ontology#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX source: <https://w3id.org/icskg/id/source/>
PREFIX statement: <https://w3id.org/icskg/id/statement/>
"""
MISQUOTE = "Money will follow the patients, not the buildings"
VERBATIM = "Money will follow the patient, not the building"


def statements(slug: str, number: str, second_quote: str) -> str:
    """What a curator writes: three quotes and two claims, each derived from the new source."""

    def quote(n: int, text: str) -> str:
        return f"""
statement:{number}-q0{n}
    a icskg:Quote ;
    dcterms:identifier "Q-0{n}" ;
    prov:wasDerivedFrom source:{slug} ;
    icskg:placement "body" ;
    icskg:text "{text}" ;
    icskg:unattributed true ;
.
"""

    def claim(n: int, kind: str, excerpt: str, summary: str) -> str:
        return f"""
statement:{number}-c0{n}
    a icskg:Claim ;
    prov:wasDerivedFrom source:{slug} ;
    icskg:claimType claimtype:{kind} ;
    icskg:excerpt "{excerpt}" ;
    icskg:summary "{summary}" ;
.
"""

    return (
        "# Written by the curator: this comment stays.\n"
        + PREFIXES
        + quote(1, "This plan is the first time all our organisations have signed up to the same priorities")
        + quote(2, second_quote)
        + quote(3, "must earn the trust of local people")
        + claim(
            1,
            "example",
            "its first joint plan,\\nwhich covers three councils and five NHS trusts",
            "The partnership's first joint plan covers three councils and five NHS trusts.",
        )
        + claim(
            2,
            "budget",
            "The plan sets aside £12m over two years for community services.",
            "The plan sets aside £12m over two years for community services.",
        )
    )


@dataclass
class Flow:
    root: Path
    sources: Path
    outputs: dict = field(default_factory=dict)  # a step's name -> its click Result
    commands: list = field(default_factory=list)  # every icskg command line run, as argument lists
    snapshots: dict = field(default_factory=dict)  # a step's name -> {file: bytes}

    def icskg(self, step: str, *args: str, stdin: str | None = None):
        self.commands.append(list(args))
        result = CliRunner().invoke(main, ["--root", str(self.root), *args], input=stdin)
        assert "Traceback" not in result.output, result.output
        self.outputs[step] = result
        return result

    def git(self, *args: str) -> str:
        env = {
            **os.environ,
            "GIT_AUTHOR_NAME": "Curator",
            "GIT_AUTHOR_EMAIL": "curator@example.org",
            "GIT_COMMITTER_NAME": "Curator",
            "GIT_COMMITTER_EMAIL": "curator@example.org",
        }
        done = subprocess.run(
            ["git", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false", *args],
            cwd=self.root,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        )
        return done.stdout

    def files(self, *folders: str) -> dict[str, bytes]:
        found = {}
        for folder in folders:
            base = self.root / folder
            paths = [base] if base.is_file() else sorted(p for p in base.rglob("*") if p.is_file())
            found |= {str(p.relative_to(self.root)): p.read_bytes() for p in paths}
        return found


def run_flow(tmp: Path) -> Flow:
    sources = tmp / "sources"
    sources.mkdir()
    root = make_repo(tmp, {"data/sources.ttl": SOURCES_TTL, "CHANGELOG.md": CHANGELOG, ".gitignore": "/dist/\n"})
    f = Flow(root, sources)
    s = ("--sources", str(sources))
    f.git("init", "-q", "-b", "main")
    f.git("add", "-A")
    f.git("commit", "-q", "-m", "the repository before the article")
    f.icskg("release-0.1.0", "release", "0.1.0", "--date", "2025-01-02", *s)
    f.git("commit", "-q", "-am", "release 0.1.0")
    f.git("tag", "v0.1.0")
    f.git("checkout", "-q", "-b", "article")

    f.icskg("add-no-answer", "source", "add", str(ARTICLE), *s, stdin="")
    f.snapshots["after-no-answer"] = f.files("data") | {"sources": str(sorted(sources.iterdir())).encode()}
    f.icskg("add", "source", "add", str(ARTICLE), *s, stdin="y\n")
    f.snapshots["after-add"] = f.files("data")
    f.icskg("duplicate", "source", "add", str(ARTICLE), *s, "--yes")
    f.snapshots["after-duplicate"] = f.files("data")
    (name,) = [p.name for p in sources.iterdir()]
    slug, number = name.removesuffix(".txt"), name[:3]
    f.outputs["name"] = name
    f.icskg("fmt-check-skeleton", "fmt", "--check")

    f.icskg("find", "source", "find", "first   time all our organisations", "--source", number, *s)
    statements_file = root / "data" / "statements" / f"{number}.ttl"
    statements_file.write_text(statements(slug, number, MISQUOTE), encoding="utf-8")
    f.icskg("fmt", "fmt")
    f.icskg("validate-misquote", "validate", *s)
    f.icskg("find-misquote", "source", "find", MISQUOTE, *s)
    statements_file.write_text(statements(slug, number, VERBATIM), encoding="utf-8")
    f.icskg("fmt-again", "fmt")
    f.icskg("validate", "validate", *s)
    f.icskg("diff", "diff", *s)
    f.icskg("diff-markdown", "diff", "-f", "markdown", *s)

    f.git("add", "-A")
    f.git("commit", "-q", "-m", "an article, three quotes, two claims")
    f.icskg("release-0.2.0", "release", "0.2.0", "--date", "2025-02-03", *s)
    f.snapshots["release-1"] = f.files("dist", "CHANGELOG.md")
    f.icskg("release-0.2.0-again", "release", "0.2.0", *s)
    f.snapshots["release-2"] = f.files("dist", "CHANGELOG.md")
    # once more in a new process, with another hash seed (rdflib walks sets, whose order follows it)
    elsewhere = tmp / "elsewhere"
    command = [sys.executable, "-m", "icskg", "--root", str(root), "release", "0.2.0", "-o", str(elsewhere), *s]
    env = {**os.environ, "PYTHONHASHSEED": "4242"}
    subprocess.run(command, env=env, capture_output=True, timeout=300, check=True)
    f.snapshots["release-3"] = {p.name: p.read_bytes() for p in elsewhere.iterdir()}
    return f


def check_a_proposed_title_and_date_are_written_only_once_confirmed(flow):
    unanswered = flow.outputs["add-no-answer"]
    assert unanswered.exit_code == 2 and "no answer: nothing written" in unanswered.stderr
    assert "“Example Valley partnership sets out its first joint plan” (line 3)" in unanswered.stdout
    assert "“12 June 2019” (line 1) -> 2019-06-12" in unanswered.stdout
    assert flow.snapshots["after-no-answer"]["sources"] == b"[]"
    assert flow.snapshots["after-no-answer"]["data/sources.ttl"] == SOURCES_TTL.encode()

    added = flow.outputs["add"]
    assert added.exit_code == 0, added.output
    name = flow.outputs["name"]
    digest = hashlib.sha256(ARTICLE.read_bytes()).hexdigest()
    assert name == f"000_{digest[:16]}.txt"
    assert (flow.sources / name).read_bytes() == ARTICLE.read_bytes()
    document = flow.snapshots["after-add"]["data/sources.ttl"].decode()
    assert document.startswith(SOURCES_TTL.splitlines()[0] + "\n"), "the curator's comment is kept"
    block = document.split(f"source:{name.removesuffix('.txt')}\n", 1)[1].split("\n.\n", 1)[0]
    assert f'icskg:sha256 "{digest}"' in block and f'icskg:fileName "{name}"' in block
    assert 'dcterms:title "Example Valley partnership sets out its first joint plan"' in block
    assert 'dcterms:issued "2019-06-12"^^xsd:date' in block and 'icskg:dateAsStated "12 June 2019"' in block
    assert "icskg:SourceDocument" in block
    assert "statement:000-q01" in flow.snapshots["after-add"]["data/statements/000.ttl"].decode()
    assert flow.outputs["fmt-check-skeleton"].exit_code == 0, "what source add writes is canonical"


def check_a_duplicate_source_is_refused_and_nothing_changes(flow):
    duplicate = flow.outputs["duplicate"]
    assert duplicate.exit_code == 2
    assert "a duplicate" in duplicate.stderr and "same SHA-256" in duplicate.stderr
    assert flow.snapshots["after-duplicate"] == flow.snapshots["after-add"]


def check_find_gives_file_line_and_the_verbatim_span(flow):
    found = flow.outputs["find"]
    assert found.exit_code == 0, found.output
    assert f"{flow.outputs['name']}:8: “first time all our organisations”" in found.stdout


def check_a_misquote_is_shown_with_its_closest_span_by_validate_and_by_find(flow):
    text = (flow.root / "data" / "statements" / "000.ttl").read_text(encoding="utf-8")  # the fixed version
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.startswith("statement:000-q02"))
    report = flow.outputs["validate-misquote"]
    assert report.exit_code == 1
    assert f"data/statements/000.ttl:{line}: Violation: statement:000-q02" in report.stdout
    closest = f"closest in the text: {flow.outputs['name']}:11: “{VERBATIM}” (2 edits)"
    assert closest in report.stdout
    assert report.stdout.count("Violation:") == 1, "the other quotes, excerpts and claims conform"
    near = flow.outputs["find-misquote"]
    assert near.exit_code == 1
    assert f"{flow.outputs['name']}:11: “{VERBATIM}” (2 edits)" in near.stdout
    assert flow.outputs["validate"].exit_code == 0, flow.outputs["validate"].output


def check_the_diff_shows_the_article_by_meaning(flow):
    text = flow.outputs["diff"]
    assert text.exit_code == 0, text.output
    out = text.stdout
    assert out.startswith("icskg diff: the merge base with main (")
    assert "Entities added (6)" in out and "Entities changed" not in out and "Entities removed" not in out
    slug = flow.outputs["name"].removesuffix(".txt")
    assert f"+ source:{slug}  icskg:SourceDocument “Example Valley partnership sets out its first joint plan”" in out
    for n in ("q01", "q02", "q03", "c01", "c02"):
        assert f"+ statement:000-{n}  " in out
    assert "Quotes and excerpts (5)" in out
    assert f"added statement:000-q02 icskg:text  (source:{slug})\n      + “{VERBATIM}”" in out
    assert "validation: conforms -> conforms" in out
    assert re.search(r"Inferred consequences: \+[1-9]\d* triples", out)
    markdown = flow.outputs["diff-markdown"].stdout
    assert "## Semantic diff: the merge base with main" in markdown and "### Entities added (6)" in markdown
    assert f"- **`source:{slug}`** `icskg:SourceDocument`" in markdown


def check_a_release_is_stamped_checksummed_and_reproduced_byte_for_byte(flow):
    assert flow.outputs["release-0.1.0"].exit_code == 0, flow.outputs["release-0.1.0"].output
    result = flow.outputs["release-0.2.0"]
    assert result.exit_code == 0, result.output
    first, second = flow.snapshots["release-1"], flow.snapshots["release-2"]
    assert first == second
    in_dist = {name.removeprefix("dist/"): data for name, data in first.items() if "icskg-0.2.0" in name}
    assert flow.snapshots["release-3"] == in_dist and len(in_dist) == 6
    assert "kept CHANGELOG.md" in flow.outputs["release-0.2.0-again"].stdout
    names = {f"dist/icskg-0.2.0{suffix}" for suffix in (".ttl", ".nt", ".jsonld", ".trig")}
    names |= {"dist/icskg-0.2.0-validation.ttl", "dist/icskg-0.2.0-description.ttl"}
    assert names <= set(first)
    ttl = first["dist/icskg-0.2.0.ttl"].decode()
    assert "owl:versionIRI <https://w3id.org/icskg/ontology/releases/2025-02-03/0.2.0>" in ttl
    assert 'owl:versionInfo "0.2.0"' in ttl
    assert "statement:000-q02" in ttl
    description = first["dist/icskg-0.2.0-description.ttl"].decode()
    for name in sorted(names - {"dist/icskg-0.2.0-description.ttl"}):
        assert hashlib.sha256(first[name]).hexdigest() in description, name
    assert 'dcterms:issued "2025-02-03"^^xsd:date' in description
    assert "<https://w3id.org/icskg/graph/inferred>" in first["dist/icskg-0.2.0.trig"].decode()
    assert "sh:conforms true" in first["dist/icskg-0.2.0-validation.ttl"].decode()


def check_the_changelog_gets_the_semantic_diff_against_the_previous_release(flow):
    changelog = flow.snapshots["release-2"]["CHANGELOG.md"].decode()
    assert changelog.startswith(CHANGELOG), "the curator's text is kept as it was"
    assert changelog.index("## [0.2.0] - 2025-02-03") < changelog.index("## [0.1.0] - 2025-01-02")
    section = changelog.split("## [0.2.0] - 2025-02-03", 1)[1].split("## [0.1.0]", 1)[0]
    assert "### Semantic diff: v0.1.0 (" in section and "→ release 0.2.0" in section
    assert "#### Entities added (6)" in section and "#### Quotes and excerpts (5)" in section
    first = changelog.split("## [0.1.0] - 2025-01-02", 1)[1]
    assert "First release: no earlier release" in first


def check_the_readme_flow_is_the_one_the_tests_run(flow):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Adding a source document", 1)[1].split("\n## ", 1)[0]
    shown = [
        line.split("#")[0].split()[1:]
        for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)
        for line in block.splitlines()
        if line.startswith("icskg ")
    ]
    assert shown, "the section shows the commands"
    ran = {" ".join(command[:2]) for command in flow.commands} | {command[0] for command in flow.commands}
    for command in shown:
        words = [w for w in command if not w.startswith("-")]
        name = " ".join(words[:2]) if words[0] == "source" else words[0]
        assert name in ran, f"README shows `icskg {' '.join(command)}`, which the flow does not run"
    for needed in ("source add", "source find", "validate", "diff", "release"):
        assert any(" ".join(c[:2]).startswith(needed) or c[0] == needed for c in shown), needed


def test_the_curator_flow_from_a_text_to_a_release(tmp_path):
    flow = run_flow(tmp_path)
    check_a_proposed_title_and_date_are_written_only_once_confirmed(flow)
    check_a_duplicate_source_is_refused_and_nothing_changes(flow)
    check_find_gives_file_line_and_the_verbatim_span(flow)
    check_a_misquote_is_shown_with_its_closest_span_by_validate_and_by_find(flow)
    check_the_diff_shows_the_article_by_meaning(flow)
    check_a_release_is_stamped_checksummed_and_reproduced_byte_for_byte(flow)
    check_the_changelog_gets_the_semantic_diff_against_the_previous_release(flow)
    check_the_readme_flow_is_the_one_the_tests_run(flow)
