"""Stage 2, the brat annotations: reading standoff, the scheme and brat's configuration,
the checker that gates the build, anchoring, statistics and Wikidata normalizations.
"""
