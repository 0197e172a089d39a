"""Words found in source texts as the quote check finds them (one normalisation), the closest span of a
misquote, and the title and date a text's head proposes, checked against what curators recorded."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from icskg.curate.proposals import head, parse_date, propose_date, propose_title
from icskg.validate.sources import normalise, normalise_mapped
from icskg.validate.spans import SourceText, is_near
from repo_factory import ROOT

SHARED_SOURCES = ROOT.parent / "shared" / "sources"
TEXT = "Headline\n\nThe chair said: \u201cWe will\u00a0work   as one\nsystem,\u201d today.\nNext line.\n"


@given(st.text(alphabet=st.sampled_from("ab \n\t\u00a0\u2019\u201c\"'e\u0301\u3000x"), max_size=40))
def test_the_mapped_normalisation_is_the_quote_checks_and_maps_back(text):
    words, nfc, offsets = normalise_mapped(text)
    assert words == normalise(text)
    assert len(offsets) == len(words) and offsets == sorted(set(offsets))
    for char, offset in zip(words, offsets, strict=True):
        assert char == " " and nfc[offset].isspace() or normalise(nfc[offset]) == char


def test_find_gives_the_verbatim_span_and_its_line():
    text = SourceText("x.txt", TEXT)
    (span,) = text.find('"We will work as one system," today')
    assert (span.line, span.text, span.edits) == (3, "\u201cWe will\u00a0work   as one\nsystem,\u201d today", 0)
    assert text.find("as one system") and not text.find("as two systems")


def test_the_closest_span_of_a_misquote_is_whole_words_with_its_edits():
    text = SourceText("x.txt", TEXT)
    span = text.closest("We will work as one systems")
    assert span.text == "We will\u00a0work   as one\nsystem" and span.edits == 1 and span.line == 3
    assert is_near(span, "We will work as one systems")
    assert text.closest("zzzz qqqq jjjj vvvv") is None


@pytest.mark.parametrize(
    ("words", "found"),
    [
        ("Example News, 3 March 2019", ("3 March 2019", dt.date(2019, 3, 3))),
        ("Tuesday 20th February 2018", ("20th February 2018", dt.date(2018, 2, 20))),
        ("March 3, 2019", ("March 3, 2019", dt.date(2019, 3, 3))),
        ("Published 2019-03-03", ("2019-03-03", dt.date(2019, 3, 3))),
        ("24.05.18", ("24.05.18", dt.date(2018, 5, 24))),
        ("03/11/2020", ("03/11/2020", dt.date(2020, 11, 3))),
        ("31 February 2019", None),
        ("Issue 10 - Page 15", None),
    ],
)
def test_dates_are_read_as_written(words, found):
    assert parse_date(words) == found


def test_a_date_inside_a_sentence_is_not_the_documents_date():
    text = "Title of it here\nOn 24 May 2018, NHS England and NHS Improvement announced a change.\n"
    assert propose_date(text) is None


@pytest.mark.skipif(not SHARED_SOURCES.is_dir(), reason="the shared source texts are not beside the repository")
def test_the_proposals_for_the_real_sources_are_what_curators_recorded(built):
    """Where data/sources.ttl records a title or a dateAsStated that the head of the text gives, the proposal is
    that; where it records none (or one from a later line), there is no proposal."""
    rows = built.query(
        """PREFIX icskg: <https://w3id.org/icskg/ontology#> PREFIX dcterms: <http://purl.org/dc/terms/>
        SELECT ?file ?title ?stated ?issued WHERE { ?d a icskg:SourceDocument ; icskg:fileName ?file .
        OPTIONAL { ?d dcterms:title ?title } OPTIONAL { ?d icskg:dateAsStated ?stated }
        OPTIONAL { ?d dcterms:issued ?issued } }"""
    )
    checked = 0
    for row in rows:
        text = (SHARED_SOURCES / row["file"].value).read_text(encoding="utf-8")
        date = propose_date(text)
        title = propose_title(text, date)
        recorded = row["stated"].value if row["stated"] else None
        if date is not None:
            assert (date.text, date.date.isoformat()) == (recorded, row["issued"].value)
        else:
            # none proposed: none recorded, or not a full date (004's "Healthcare Leader 2019 Issue 10"), or a
            # date the curator took from further down
            full_date = recorded is not None and parse_date(recorded) is not None
            assert not full_date or not any(recorded in line for _n, line in head(text)), row["file"]
        assert (title.text if title else None) == (row["title"].value if row["title"] else None), row["file"]
        checked += 1
    assert checked >= 5
