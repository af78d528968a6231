"""Stage 5, validation: SHACL in independent units (pySHACL), the QC queries, and the
registry's event times against the documents.
"""
