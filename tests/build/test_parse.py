"""Turtle is parsed once, by Oxigraph (icskg.build.parse): what it reads is what rdflib's parser (the reference)
reads; what is not Turtle 1.1, or that icskg could not write back, is refused with its file and line."""

from __future__ import annotations

import sys

import pyoxigraph as ox
import pytest
from rdflib import Graph

from icskg.build.files import InputFile, read_turtle_files
from icskg.build.parse import MAX_NESTING, load_turtle, parse_terms
from icskg.errors import InputError


def in_value_space(triples) -> set:
    """Triples as Oxigraph stores them (typed literals in canonical form, "4.0"^^xsd:decimal as "4"), blank
    nodes canonicalised: what two parsers must agree on."""
    store = ox.Store()
    store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples)
    dataset = ox.Dataset(store)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def rdflib_reading(files) -> set:
    """What rdflib's parser (the reference) reads from the same bytes, in Oxigraph's value space."""
    reference = Graph()
    for file in files:
        reference.parse(data=file.data.decode("utf-8"), format="turtle")
    return in_value_space(ox.parse(reference.serialize(format="nt", encoding="utf-8"), format=ox.RdfFormat.N_TRIPLES))


def file_of(text: str | bytes, name: str = "data/x.ttl") -> InputFile:
    return InputFile(None, name, text.encode("utf-8") if isinstance(text, str) else text)


@pytest.mark.slow
def test_the_same_graph_as_rdflibs_parser_on_the_repository(built):
    mine = in_value_space(built.asserted())
    assert len(mine) > 20_000 and mine == rdflib_reading(built.files)


def test_the_same_graph_as_rdflibs_parser_on_a_generated_landscape(tmp_path, repo_root):
    sys.path.insert(0, str(repo_root / "benchmarks"))
    import generate

    generate.generate(2_000, tmp_path, seed=9)
    files = read_turtle_files(sorted(tmp_path.glob("*.ttl")), tmp_path)
    mine = in_value_space(q for f in files for q in parse_terms(f))
    assert len(mine) > 1500 and mine == rdflib_reading(files)


def test_blank_node_labels_are_local_to_each_file():
    store = ox.Store()
    for name in ("a", "b"):
        load_turtle(store, file_of(f"<https://example.org/{name}> <https://example.org/p> _:x .\n", f"{name}.ttl"))
    objects = {q.object for q in store}
    assert len(objects) == 2 and all(isinstance(o, ox.BlankNode) for o in objects)


@pytest.mark.parametrize(
    ("text", "line"),
    [
        (
            "<http://e.org/s> <http://e.org/p> <<( <http://e.org/a> <http://e.org/q> 1 )>> .",
            1,
        ),
        ("<https://example.org/a> <https://example.org/p> 1 {| <https://example.org/q> 2 |} .", 1),
        ("\n<< <https://example.org/a> <https://example.org/p> 1 >> <https://example.org/q> 2 .", 2),
        ('<https://example.org/a> <https://example.org/p> "x"@en--ltr .', 1),
    ],
    ids=["triple-term", "annotation", "reified-triple", "base-direction"],
)
def test_rdf_1_2_syntax_is_refused_by_name_and_line(text, line):
    with pytest.raises(InputError, match="RDF 1.2 syntax") as raised:
        load_turtle(ox.Store(), file_of(text))
    assert (raised.value.file, raised.value.line) == ("data/x.ttl", line)


def test_rdf_1_2_marks_inside_strings_and_iris_are_fine():
    text = '<https://example.org/~a> <https://example.org/p> "<< {| ~ --ltr" .'
    store = ox.Store()
    load_turtle(store, file_of(text))
    assert len(store) == 1


def nested(depth: int) -> str:
    return (
        "<https://example.org/a> <https://example.org/p> "
        + "[ <https://example.org/p> " * depth
        + "1"
        + " ]" * depth
        + " .\n"
    )


def test_nesting_up_to_the_limit_loads_and_deeper_is_refused_with_its_line():
    store = ox.Store()
    load_turtle(store, file_of(nested(MAX_NESTING)))
    assert len(store) == MAX_NESTING + 1
    with pytest.raises(InputError, match="nested too deeply") as raised:
        parse_terms(file_of("\n" + nested(MAX_NESTING + 1)))
    assert raised.value.line == 2
    brackets_in_strings = '<https://example.org/a> <https://example.org/p> "' + "[" * 200 + '" .'
    assert len(parse_terms(file_of(brackets_in_strings))) == 1


def test_a_token_larger_than_the_parsers_buffer_is_a_clear_error():
    huge = b'<https://example.org/a> <https://example.org/p> "' + b"x" * (17 * 1024 * 1024) + b'" .\n'
    with pytest.raises(InputError, match="larger than the parser allows") as raised:
        load_turtle(ox.Store(), file_of(huge))
    assert raised.value.file == "data/x.ttl" and raised.value.line == 1


def test_a_syntax_error_names_file_and_line_and_loads_nothing():
    store = ox.Store()
    with pytest.raises(InputError) as raised:
        load_turtle(
            store, file_of("<https://example.org/a> <https://example.org/p> 1 .\n<https://example.org/b> <p> .")
        )
    assert str(raised.value).startswith("data/x.ttl:2: Turtle syntax error:")
    assert len(store) == 0, "a file loads whole or not at all"


def test_typed_literals_are_stored_in_canonical_form_and_ill_typed_ones_as_written():
    store = ox.Store()
    text = (
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        '<https://example.org/a> <https://example.org/p> "+05"^^xsd:integer , "2018-02-30"^^xsd:date .'
    )
    load_turtle(store, file_of(text))
    assert sorted(q.object.value for q in store) == ["2018-02-30", "5"]
