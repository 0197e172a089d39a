"""Registry extracts (ONS, NHS ODS, ROR/Wikidata) -> dated registry records, entities and reviewed links.

`icskg.registries.importer` writes data/registries/ from registries/; `icskg.registries.index` is what the
validation's registry checks ask; `icskg.registries.links` reads the hand-reviewed links.yaml.
"""
