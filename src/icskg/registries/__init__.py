"""Registry extracts (ONS, NHS ODS, ROR/Wikidata) -> dated registry records, entities and reviewed links."""

from .importer import import_registries
from .links import check_graph, check_repository, suggest, verify_registry_links

__all__ = ["check_graph", "check_repository", "import_registries", "suggest", "verify_registry_links"]
