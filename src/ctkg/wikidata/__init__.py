"""Stage 4, Wikidata tooling: the client, link targets and type rules, link checks, cache
refresh and suggestions.
"""
