"""`icskg docs`: HTML documentation of the ontology and its vocabularies, generated with pyLODE.

pyLODE (https://github.com/RDFLib/pyLODE, `pip install 'icskg[docs]'`) is imported lazily. It works
offline: it reads the Turtle files and its own bundled background ontologies, nothing else. Two pages:
`index.html` (the OWL ontology, pyLODE's OntPub profile) and `concepts.html` (the SKOS vocabularies,
its VocPub profile). pyLODE 3.4.1 cannot be imported from an installed wheel (it reads a pyproject.toml
next to site-packages, RDFLib/pyLODE issue 260), hence `pylode!=3.4.1` in the extras.
"""

from __future__ import annotations

import logging
from pathlib import Path

from ..build.repository import Repository
from ..errors import InputError

PAGES = (("icskg.ttl", "index.html", "OntPub"), ("concepts.ttl", "concepts.html", "VocPub"))


def _pylode():
    """Import pyLODE, putting back the root logger it reconfigures on import (its server module)."""
    root = logging.getLogger()
    level, handlers = root.level, list(root.handlers)
    try:
        import pylode
    except ImportError as error:
        raise InputError(f"ontology docs need pyLODE: pip install 'icskg[docs]' ({error})") from None
    finally:
        for handler in list(root.handlers):
            if handler not in handlers:
                root.removeHandler(handler)
        root.setLevel(level)
    return pylode


def make_docs(repo: Repository, output: Path) -> list[Path]:
    """Write the HTML pages into `output` (created if needed); returns the paths written."""
    pylode = _pylode()
    output.mkdir(parents=True, exist_ok=True)
    written = []
    for source, page, profile in PAGES:
        path = repo.ontology_dir / source
        if not path.is_file():
            continue
        html = getattr(pylode, profile)(ontology=str(path)).make_html()
        target = output / page
        target.write_text(html, encoding="utf-8")
        written.append(target)
    return written
