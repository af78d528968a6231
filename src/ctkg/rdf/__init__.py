"""Core RDF: namespaces as strings, pyoxigraph term helpers and sort keys, Turtle reading with
file:line errors, and the one rdflib boundary (for pySHACL).
"""
