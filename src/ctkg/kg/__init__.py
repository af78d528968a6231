"""Stage 6, the knowledge graph: compile each document, the shared graphs, parallel and
incremental work, the canonical dumps of ``data/kg/``, and the pipeline that runs every stage.

(Not named ``build``: many tools skip folders of that name as generated output.)
"""
