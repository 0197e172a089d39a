"""pySHACL, the reference engine, as it behaves: known limits the shapes are written around."""

from __future__ import annotations

import pyshacl
import pytest
from rdflib import Graph


@pytest.mark.xfail(strict=True, reason="pySHACL's sh:lessThanOrEquals cannot compare xsd:gYearMonth with xsd:date")
def test_pyshacl_less_than_or_equals_orders_mixed_precision():
    """Why shape:Period exists (see shapes/dates.ttl): if this starts passing, sh:lessThanOrEquals could check
    every period. 2018-05 does not end after 2018-05-24, but pySHACL says it does."""
    shapes = Graph().parse(
        data="""PREFIX sh: <http://www.w3.org/ns/shacl#> PREFIX ex: <http://example.org/>
        ex:S a sh:NodeShape ; sh:targetSubjectsOf ex:start ;
            sh:property [ sh:path ex:start ; sh:lessThanOrEquals ex:end ] .""",
        format="turtle",
    )
    data = Graph().parse(
        data="""PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> PREFIX ex: <http://example.org/>
        ex:a ex:start "2018-05"^^xsd:gYearMonth ; ex:end "2018-05-24"^^xsd:date .""",
        format="turtle",
    )
    conforms, _, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none")
    assert conforms is True
