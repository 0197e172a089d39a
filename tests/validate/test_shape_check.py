"""Shapes are checked before they are used: a malformed shapes graph is `FILE:LINE: message`, exit 2, never a
silent pass or a traceback (icskg.validate.shape_check). One case per kind of malformed shape."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from icskg.cli import main
from repo_factory import make_repo

HEAD = """@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
@prefix shape: <https://w3id.org/icskg/shapes#> .
@prefix icskg: <https://w3id.org/icskg/ontology#> .

"""
SPARQL = (
    'sh:sparql [ a sh:SPARQLConstraint ; sh:message "m" ; sh:prefixes <https://w3id.org/icskg/shapes> ; '
    'sh:select """{}""" ]'
)

CASES = {
    "undefined-node-shape": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    sh:node ex:Nowhere .",
        6,
        "sh:node names <http://example.org/Nowhere>, a shape described nowhere",
    ),
    "undefined-property-shape": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    sh:property ex:Missing .",
        6,
        "sh:property names <http://example.org/Missing>",
    ),
    "literal-path": (
        'shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    sh:property [ sh:path "ex:p" ; sh:minCount 1 ] .',
        6,
        "SHACL-for-SHACL",
    ),
    "min-count-not-an-integer": (
        'shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    sh:property [ sh:path ex:p ; sh:minCount "one" ] .',
        6,
        "SHACL-for-SHACL",
    ),
    "select-without-this": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    " + SPARQL.format("SELECT ?x WHERE { ?x ?p ?o }") + " .",
        6,
        "must use $this",
    ),
    "sparql-syntax-error": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    "
        + SPARQL.format("SELECT $this WHERE { $this ?p }")
        + " .",
        6,
        "SPARQL syntax error",
    ),
    "this-inside-a-subquery": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    "
        + SPARQL.format("SELECT ?x WHERE { { SELECT ?x WHERE { $this ?p ?x } } }")
        + " .",
        6,
        "inside a subquery",
    ),
    "values-in-a-constraint": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    "
        + SPARQL.format("SELECT $this WHERE { VALUES ?p { ex:p } $this ?p ?o }")
        + " .",
        6,
        "may not contain a VALUES clause",
    ),
    "unknown-extension-function": (
        "shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    "
        + SPARQL.format("SELECT $this WHERE { $this ?p ?o FILTER(icskgfn:nope(?o)) }")
        + " .",
        6,
        "icskgfn:nope is not one of icskg's functions",
    ),
    "regex-that-does-not-compile": (
        'shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    sh:property [ sh:path ex:p ; sh:pattern "(unclosed" ] .',
        6,
        "is not a regular expression",
    ),
    "regex-sparql-cannot-read": (
        'shape:Bad a sh:NodeShape ; sh:targetClass ex:C ;\n    sh:property [ sh:path ex:p ; sh:pattern "^(?!x)y" ] .',
        6,
        "SPARQL's REGEX accepts",
    ),
}


def run(root):
    result = CliRunner().invoke(main, ["--root", str(root), "validate"])
    assert "Traceback" not in result.output, result.output
    return result


@pytest.mark.parametrize("name", sorted(CASES))
def test_a_malformed_shape_is_file_line_exit_2(tmp_path, name):
    body, line, fragment = CASES[name]
    root = make_repo(tmp_path, {"shapes/zz-bad.ttl": HEAD + body + "\n"})
    result = run(root)
    assert result.exit_code == 2, result.output
    assert f"shapes/zz-bad.ttl:{line}:" in result.output and fragment in result.output, result.output


def test_no_shapes_at_all_is_exit_2(tmp_path):
    root = make_repo(tmp_path)
    for path in (root / "shapes").glob("*.ttl"):
        path.unlink()
    result = run(root)
    assert result.exit_code == 2 and "no shapes" in result.output


def test_shapes_without_targets_are_exit_2(tmp_path):
    root = make_repo(tmp_path)
    for path in (root / "shapes").glob("*.ttl"):
        path.unlink()
    (root / "shapes" / "only.ttl").write_text(
        HEAD + "shape:X a sh:NodeShape ; sh:property [ sh:path ex:p ; sh:minCount 1 ] .\n"
    )
    result = run(root)
    assert result.exit_code == 2 and "no shapes with targets" in result.output


def test_the_repositorys_shapes_pass_the_checks(repo_root):
    from icskg.build.files import read_turtle_files
    from icskg.build.repository import find_repository
    from icskg.validate import ShapesGraph
    from icskg.validate.shape_check import check_shapes

    repo = find_repository(repo_root)
    check_shapes(ShapesGraph(read_turtle_files(repo.shape_files(), repo.root)))
