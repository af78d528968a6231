"""CTKG: compile hand-annotated counter-terrorism texts into a validated knowledge graph."""

__version__ = "0.3.0"
