"""Stage 3, SPARQL: query files and their headers, limits and the network gate, parameters,
running on the embedded store or an endpoint, result formats.
"""
