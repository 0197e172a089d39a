"""The SHACL shapes in shapes/, tested as data (STYLE.md lesson 3).

Each node shape has a conforming fixture (`<Shape>-valid*.ttl`) and at least one non-conforming fixture
(`<Shape>-invalid-<what>.ttl`) in tests/shapes/fixtures/. A fixture's leading comment lists the results it
must produce, one per line, and nothing else may be reported (the ontology and vocabularies are validated
along with every fixture, so they must stay clean too):

    # expect: <Violation|Warning> <source shape> <focus node> <path, or - for none>
    # expect: none
    # sources: tests/shapes/sources     (optional: the source texts to check quotes against)

Paths are prefixed names, `^p` for an inverse path and `(p|q)` for an alternative path. The fixtures run
through the compiled engine here; tests/validate/test_equality.py runs every one through pySHACL too.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from fixture_harness import FIXTURE_NAME, FIXTURES, expectations, outcomes, run, shapes
from icskg.namespaces import SHAPES
from icskg.validate.formats import format_human
from icskg.validate.shapes import RDF_TYPE, sh

SHAPE_PREFIX = SHAPES
TARGETS = ("targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "target")


def node_shapes() -> set[str]:
    g = shapes()
    return {s.value for s in g.subjects(RDF_TYPE, sh("NodeShape")) if hasattr(s, "value") and "#" in s.value}


def targeted_property_shapes() -> set[str]:
    g = shapes()
    found = set()
    for shape in g.subjects_with(sh("path")):
        if hasattr(shape, "value") and any(g.objects(shape, sh(t)) for t in TARGETS) and "#" in shape.value:
            found.add(shape.value)
    return found


def local(shape: str) -> str:
    return shape[len(SHAPE_PREFIX) :]


def fixtures_for(shape_name: str, kind: str) -> list[Path]:
    return [p for p in FIXTURES if (m := FIXTURE_NAME.match(p.name)) and m["shape"] == shape_name and m["kind"] == kind]


def belongs_to(outcome_shape: str, shape_name: str) -> bool:
    """A result belongs to node shape S when S or one of its property shapes (S-…) reported it."""
    name = outcome_shape[len(SHAPE_PREFIX) :] if outcome_shape.startswith(SHAPE_PREFIX) else ""
    return name == shape_name or name.startswith(shape_name + "-")


@pytest.mark.parametrize("fixture", FIXTURES, ids=[p.stem for p in FIXTURES])
def test_fixture_gives_expected_results(fixture: Path):
    match = FIXTURE_NAME.match(fixture.name)
    assert match, f"{fixture.name}: name fixtures <Shape>-valid[-what].ttl or <Shape>-invalid-<what>.ttl"
    expected = expectations(fixture)
    report = run(fixture)
    actual = outcomes(report)
    if match["kind"] == "valid":
        assert not [o for o in expected if o.severity == "Violation"], "a valid fixture expects no violation"
        assert report.conforms, format_human(report)
    else:
        assert expected, f"{fixture.name}: an invalid fixture must expect at least one result"
    missing = Counter(expected) - Counter(actual)
    unexpected = Counter(actual) - Counter(expected)
    assert not missing and not unexpected, (
        "\nmissing:\n  "
        + "\n  ".join(map(str, missing.elements()))
        + "\nunexpected:\n  "
        + "\n  ".join(map(str, unexpected.elements()))
        + "\nreport:\n"
        + format_human(report)
    )


def test_every_node_shape_has_valid_and_invalid_fixtures():
    problems = []
    for shape in sorted(node_shapes()):
        name = local(shape)
        valid, invalid = fixtures_for(name, "valid"), fixtures_for(name, "invalid")
        if not valid:
            problems.append(f"{name}: no conforming fixture ({name}-valid.ttl)")
        if not invalid:
            problems.append(f"{name}: no non-conforming fixture ({name}-invalid-<what>.ttl)")
        for path in invalid:
            if not any(belongs_to(o.shape, name) for o in expectations(path)):
                problems.append(f"{path.name}: expects no result from {name} or its property shapes")
        for path in valid:
            if any(belongs_to(o.shape, name) for o in expectations(path)):
                problems.append(f"{path.name}: a conforming fixture expects a result from {name}")
    names = {local(s) for s in node_shapes()}
    for shape in sorted(targeted_property_shapes()):
        name = local(shape)
        owner = name.split("-", 1)[0]
        if owner not in names:
            problems.append(f"{name}: a targeted property shape is named <NodeShape>-<what>; {owner} is no node shape")
        elif not any(o.shape == shape for p in fixtures_for(owner, "invalid") for o in expectations(p)):
            problems.append(f"{name}: no {owner}-invalid-*.ttl fixture expects a result from it")
    assert not problems, "\n".join(problems)


def test_every_fixture_is_for_a_node_shape():
    names = {local(s) for s in node_shapes()}
    orphans = [p.name for p in FIXTURES if not (m := FIXTURE_NAME.match(p.name)) or m["shape"] not in names]
    assert not orphans, f"fixtures for no node shape (or badly named): {orphans}"


CONSTRAINTS = {
    sh(name)
    for name in (
        "minCount maxCount datatype pattern class or xone not in hasValue nodeKind node lessThanOrEquals "
        "qualifiedValueShape minLength minInclusive sparql"
    ).split()
}


def test_every_shape_is_named_and_tells_what_to_fix():
    """Readable reports: shapes are IRIs in shape:, and every constraint has a message and a deliberate severity."""
    g = shapes()
    problems = []
    top = [s for s in g.subjects(RDF_TYPE, sh("NodeShape")) if hasattr(s, "value") and "#" in s.value]
    candidates = set(top) | {s for s in g.subjects_with(sh("path")) if any(g.objects(s, sh(t)) for t in TARGETS)}
    candidates |= {p for s in top for p in g.objects(s, sh("property"))}
    for shape in sorted(candidates, key=str):
        if not hasattr(shape, "value") or not shape.value.startswith(SHAPE_PREFIX):
            problems.append(f"{shape}: give the shape an IRI in {SHAPE_PREFIX}")
            continue
        constraints = set(g.out.get(shape, {})) & CONSTRAINTS
        if constraints - {sh("sparql")} and g.value(shape, sh("message")) is None:
            problems.append(f"{local(shape.value)}: no sh:message")
        if constraints and g.value(shape, sh("severity")) not in (sh("Violation"), sh("Warning")):
            problems.append(f"{local(shape.value)}: no explicit sh:severity (sh:Violation or sh:Warning)")
        for constraint in g.objects(shape, sh("sparql")):
            if g.value(constraint, sh("message")) is None:
                problems.append(f"{local(shape.value)}: a SPARQL constraint without sh:message")
    assert not problems, "\n".join(problems)


def test_shape_files_are_canonical():
    """`icskg fmt shapes/FILE.ttl` leaves them unchanged (fixtures need not be canonical)."""
    from icskg.fmt import canonical_text

    shape_files = sorted((Path(__file__).resolve().parents[2] / "shapes").glob("*.ttl"))
    changed = [p.name for p in shape_files if (lambda pair: pair[0] != pair[1])(canonical_text(p))]
    assert not changed, f"run `icskg fmt` on: {changed}"
