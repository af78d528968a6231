"""Quality-control queries: SPARQL SELECTs in ``queries/qc`` that must return no rows.

Why pyoxigraph: the QC runs on the whole build, and rdflib's SPARQL engine is slow on large
graphs (see docs/reference notes); Oxigraph answers these queries in milliseconds. Queries see
the union of all named graphs as their default graph (``use_default_graph_as_union``), so a
check can join the registry, the catalogue and every document graph.

Each query file starts with a comment header, read by the same parser as the bundled
queries (:func:`ctkg.sparql.queryfile.header_fields`)::

    # title: ...
    # severity: error|warning
    # scope: document|corpus
    # description: ...

The scope says whether the query may run per document graph (and be cached): see
:mod:`ctkg.validate.qc_scope`. A corpus query's ``# reads:`` and ``# confirm:`` lines say
how its rows are found without the whole store: see :mod:`ctkg.validate.qc_corpus`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ctkg.errors import CTKGError
from ctkg.sparql.queryfile import header_fields, read_text

# Named graph that plain (non-dataset) input is loaded into.
INPUT_GRAPH = "https://w3id.org/ctkg/graph/qc-input"
_HEADER_KEYS = ("title", "severity", "description", "scope")
SCOPES = ("document", "corpus")


@dataclass(frozen=True)
class QCQuery:
    """One QC query file and its header."""

    name: str
    path: Path
    title: str
    severity: str  # "error" | "warning"
    description: str
    text: str
    scope: str = "corpus"  # "document" | "corpus"


@dataclass
class QCResult:
    """The rows one QC query returned (none means the check passed)."""

    name: str
    severity: str
    rows: list[str] = field(default_factory=list)
    title: str = ""

    def __iter__(self) -> Iterator[object]:  # allows ``name, severity, rows = result``
        return iter((self.name, self.severity, self.rows))

    @property
    def ok(self) -> bool:
        return not self.rows


def load_queries(folder: str | Path) -> list[QCQuery]:
    """Read every ``*.rq`` of ``folder`` with its header; a file without one is an error."""
    out: list[QCQuery] = []
    for path in sorted(Path(folder).glob("*.rq")):
        text = read_text(path)
        header: dict[str, str] = {}
        for f in header_fields(text):
            if f.key in _HEADER_KEYS:
                header[f.key] = f.value
        severity = header.get("severity", "")
        if "title" not in header or severity not in {"error", "warning"}:
            raise CTKGError.single(path, 1, "QC query needs '# title:' and "
                                            "'# severity: error|warning' header lines")
        scope = header.get("scope", "").split(" ", 1)[0]  # then why, in words
        if scope not in SCOPES:
            raise CTKGError.single(path, 1, "QC query needs a '# scope: document|corpus' "
                                            "header line")
        out.append(QCQuery(path.stem, path, header["title"], severity,
                           header.get("description", ""), text, scope))
    return out


def to_store(data: ox.Store | str | Path | Iterable[str | Path]) -> ox.Store:
    """An in-memory Oxigraph store holding ``data`` (a store, or RDF files).

    Plain graphs and Turtle files go into a named graph, so that the union default graph
    of the queries sees them like the named graphs of a real build.
    """
    if isinstance(data, ox.Store):
        return data
    store = ox.Store()
    paths = [data] if isinstance(data, (str, Path)) else list(data)
    for p in paths:
        p = Path(p)
        fmt = {".trig": ox.RdfFormat.TRIG, ".nq": ox.RdfFormat.N_QUADS,
               ".nt": ox.RdfFormat.N_TRIPLES}.get(p.suffix, ox.RdfFormat.TURTLE)
        graph = None if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS) else \
            ox.NamedNode(f"{INPUT_GRAPH}/{p.name}")
        try:
            store.load(path=str(p), format=fmt, to_graph=graph)
        except SyntaxError as exc:
            raise CTKGError.single(p, getattr(exc, "lineno", None), f"syntax error: {exc}") from exc
    return store


def term_text(term: object) -> str:
    """Short readable form of a SPARQL result term."""
    if isinstance(term, ox.NamedNode):
        return term.value
    if isinstance(term, ox.Literal):
        return repr(term.value) if term.language is None else f"{term.value!r}@{term.language}"
    if term is None:
        return "-"
    return str(term)


def solution_rows(results: object, query: QCQuery) -> list[str]:
    """Each offending row as ``var=value, var=value``."""
    if not isinstance(results, ox.QuerySolutions):
        raise CTKGError.single(query.path, None, "QC query must be a SELECT")
    names = [v.value for v in results.variables]
    return [", ".join(f"{n}={term_text(sol[n])}" for n in names) for sol in results]


def run_query(store: ox.Store, query: QCQuery) -> list[str]:
    """Run one QC query on the union of all graphs."""
    return solution_rows(store.query(query.text, use_default_graph_as_union=True), query)


def run_qc(dataset_or_graph: ox.Store | str | Path | Iterable[str | Path],
           folder: str | Path) -> list[QCResult]:
    """Run every QC query of ``folder`` on the data; one result per query, rows = offences.

    A result unpacks as ``(query name, severity, rows)``.
    """
    store = to_store(dataset_or_graph)
    return [QCResult(q.name, q.severity, run_query(store, q), q.title)
            for q in load_queries(folder)]

