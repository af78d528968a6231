"""Canonical writers of the build outputs: everything rendered in memory, byte-stable.

Quads are the sorted N-Triples tuples of :mod:`ctkg.build.compile`; the sort order is
(graph, subject, predicate, object) by their N-Triples forms. pyoxigraph writes TriG and
Turtle from them in that order (it keeps input order and groups runs of one subject); the
``@prefix`` header, whose order pyoxigraph does not promise, is re-sorted. JSON-LD is built
directly from the sorted quads (compact IRIs and ctkg terms from the published context) and
dumped with sorted keys. Nothing here reads a clock: the same inputs give the same bytes.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from ctkg import __version__
from ctkg.atomic import write_files_atomically
from ctkg.build.compile import RDF_TYPE, Quad, ident, lit
from ctkg.rdf.namespaces import GRAPH, PREFIXES

OUT_PREFIXES: dict[str, str] = dict(sorted({**PREFIXES, "ctkgg": str(GRAPH)}.items()))
DUMPS = {  # file -> media type (IANA)
    "ctkg.trig": "application/trig",
    "ctkg.ttl": "text/turtle",
    "ctkg.nq": "application/n-quads",
    "ctkg.jsonld": "application/ld+json",
}
DUMP_BASE = "https://w3id.org/ctkg/data/"  # where the dumps are published (w3id redirect)
LICENSE = "https://creativecommons.org/licenses/by/4.0/"
_CTKG = PREFIXES["ctkg"]
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def sort_quads(quads: Iterable[Quad]) -> list[Quad]:
    """Distinct quads in (graph, subject, predicate, object) order."""
    return sorted(set(quads))


def union_triples(quads: Iterable[Quad]) -> list[tuple[str, str, str]]:
    """The distinct triples of every graph, sorted."""
    return sorted({q[1:] for q in quads})


def _header_sorted(data: bytes) -> bytes:
    """Sort pyoxigraph's ``@prefix`` header lines (their order is not promised)."""
    lines = data.split(b"\n")
    n = 0
    while n < len(lines) and lines[n].startswith(b"@prefix "):
        n += 1
    return b"\n".join(sorted(lines[:n]) + lines[n:])


def render_nq(quads: list[Quad]) -> bytes:
    """N-Quads, one line per quad, lines byte-sorted (code point order = UTF-8 order)."""
    return "".join(sorted(f"{s} {p} {o} {g} .\n" for g, s, p, o in quads)).encode()


def oxigraph_quads(quads: list[Quad]) -> list[ox.Quad]:
    """pyoxigraph quads in the given order (parsed from N-Quads: the fast path)."""
    text = "".join(f"{s} {p} {o} {g} .\n" for g, s, p, o in quads).encode()
    return list(ox.parse(text, format=ox.RdfFormat.N_QUADS))


def render_trig(oxquads: list[ox.Quad]) -> bytes:
    return _header_sorted(ox.serialize(oxquads, format=ox.RdfFormat.TRIG,
                                       prefixes=OUT_PREFIXES))


def render_ttl(triples: list[tuple[str, str, str]]) -> bytes:
    text = "".join(f"{s} {p} {o} .\n" for s, p, o in triples).encode()
    parsed = list(ox.parse(text, format=ox.RdfFormat.N_TRIPLES))
    return _header_sorted(ox.serialize(parsed, format=ox.RdfFormat.TURTLE,
                                       prefixes=OUT_PREFIXES))


# -- JSON-LD -------------------------------------------------------------------------------------

def jsonld_context(ctkg_terms: Iterable[str]) -> dict[str, object]:
    """The published context: every prefix, and each ctkg term by its local name."""
    ctx: dict[str, object] = dict(OUT_PREFIXES)
    for local in sorted(set(ctkg_terms)):
        if local and local not in ctx and local.isidentifier():
            ctx[local] = f"ctkg:{local}"
    return ctx


class _Compactor:
    """IRI -> shortest form the context expands back: a ctkg term, a CURIE or the IRI."""

    def __init__(self, ctx: Mapping[str, object]) -> None:
        self.terms = {f"{_CTKG}{v[5:]}": k for k, v in ctx.items()
                      if isinstance(v, str) and v.startswith("ctkg:") and v[5:] == k}
        self.prefixes = sorted(((v, k) for k, v in OUT_PREFIXES.items()),
                               key=lambda x: -len(x[0]))
        self.cache: dict[str, str] = {}
        self.values: dict[str, object] = {}

    def iri(self, value: str, vocab: bool) -> str:
        key = f"{vocab}{value}"
        if key not in self.cache:
            out = self.terms.get(value) if vocab else None
            if out is None:
                out = value
                for ns, prefix in self.prefixes:
                    local = value[len(ns):]
                    if value.startswith(ns) and local and not local.startswith("//"):
                        out = f"{prefix}:{local}"
                        break
            self.cache[key] = out
        return self.cache[key]

    def value(self, term: str) -> object:
        if term not in self.values:
            self.values[term] = self._value(term)
        return self.values[term]

    def _value(self, term: str) -> object:
        if term.startswith("<"):
            return {"@id": self.iri(term[1:-1], False)}
        # parse the literal's N-Triples form exactly (escapes included)
        parsed = next(iter(ox.parse(f"<x:s> <x:p> {term} .".encode(),
                                    format=ox.RdfFormat.N_TRIPLES))).object
        assert isinstance(parsed, ox.Literal)
        if parsed.language:
            return {"@value": parsed.value, "@language": parsed.language}
        if parsed.datatype.value == _XSD_STRING:
            return parsed.value
        return {"@value": parsed.value, "@type": self.iri(parsed.datatype.value, True)}


def render_jsonld(quads: list[Quad], ctx: Mapping[str, object]) -> bytes:
    """The dataset as JSON-LD, compacted with (an inline copy of) the published context."""
    comp = _Compactor(ctx)
    graphs: dict[str, dict[str, dict[str, list[object]]]] = {}
    for g, s, p, o in quads:
        node = graphs.setdefault(g, {}).setdefault(s, {})
        if p == RDF_TYPE and o.startswith("<"):
            node.setdefault("@type", []).append(comp.iri(o[1:-1], True))
        else:
            node.setdefault(comp.iri(p[1:-1], True), []).append(comp.value(o))
    out = []
    for g in sorted(graphs):
        nodes = [{"@id": comp.iri(s[1:-1], False), **props}
                 for s, props in sorted(graphs[g].items())]
        out.append({"@id": comp.iri(g[1:-1], False), "@graph": nodes})
    doc = {"@context": dict(ctx), "@graph": out}
    return (json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


def render_context(ctx: Mapping[str, object]) -> bytes:
    return (json.dumps({"@context": dict(ctx)}, ensure_ascii=False, indent=1,
                       sort_keys=True) + "\n").encode()


# -- VoID / DCAT ---------------------------------------------------------------------------------

def _partition_iri(kind: str, term: str) -> str:
    value = term[1:-1]
    for prefix, ns in OUT_PREFIXES.items():
        if value.startswith(ns) and value[len(ns):].replace("-", "").replace("_", "").isalnum():
            local = value[len(ns):] if prefix == "ctkg" else f"{prefix}-{value[len(ns):]}"
            return ident(f"void/{kind}/{local}")
    return ident(f"void/{kind}/h-{hashlib.sha256(value.encode()).hexdigest()[:16]}")


def render_void(triples: list[tuple[str, str, str]], documents: Iterable[str]) -> bytes:
    """VoID + DCAT description of the dataset, with IRIs (no blank nodes) for partitions."""
    v, dcat, dct = PREFIXES["void"], PREFIXES["dcat"], PREFIXES["dcterms"]
    ds = ident("void/dataset")
    out: list[tuple[str, str, str]] = []

    def add(s: str, p: str, o: str) -> None:
        out.append((s, p, o))

    add(ds, RDF_TYPE, f"<{v}Dataset>")
    add(ds, RDF_TYPE, f"<{dcat}Dataset>")
    add(ds, f"<{dct}title>", lit("CTKG: a knowledge graph of counter-terrorism policy "
                                 "discourse", lang="en"))
    add(ds, f"<{dct}license>", f"<{LICENSE}>")
    add(ds, f"<{PREFIXES['owl']}versionInfo>", lit(__version__))
    add(ds, f"<{dcat}version>", lit(__version__))
    add(ds, f"<{v}uriSpace>", lit(PREFIXES["ctkgid"]))
    add(ds, f"<{v}vocabulary>", f"<{_CTKG}>")
    add(ds, f"<{v}triples>", lit(len(triples)))
    entities = {s for s, _p, _o in triples if s.startswith(f"<{PREFIXES['ctkgid']}")}
    add(ds, f"<{v}entities>", lit(len(entities)))
    classes: dict[str, set[str]] = {}
    props: Counter[str] = Counter()
    for s, p, o in triples:
        props[p] += 1
        if p == RDF_TYPE and o.startswith("<"):
            classes.setdefault(o, set()).add(s)
    for cls, members in sorted(classes.items()):
        part = _partition_iri("class", cls)
        add(ds, f"<{v}classPartition>", part)
        add(part, f"<{v}class>", cls)
        add(part, f"<{v}entities>", lit(len(members)))
    for prop, count in sorted(props.items()):
        part = _partition_iri("property", prop)
        add(ds, f"<{v}propertyPartition>", part)
        add(part, f"<{v}property>", prop)
        add(part, f"<{v}triples>", lit(count))
    for name, media in DUMPS.items():
        url = f"<{DUMP_BASE}{name}>"
        dist = ident(f"void/distribution/{name.replace('.', '-')}")
        add(ds, f"<{v}dataDump>", url)
        add(ds, f"<{dcat}distribution>", dist)
        add(dist, RDF_TYPE, f"<{dcat}Distribution>")
        add(dist, f"<{dcat}downloadURL>", url)
        add(dist, f"<{dcat}mediaType>",
            f"<https://www.iana.org/assignments/media-types/{media}>")
        add(dist, f"<{dct}license>", f"<{LICENSE}>")
    for doc in sorted(set(documents)):
        add(ds, f"<{dct}source>", ident(f"document/{doc}"))
    return render_ttl(sorted(set(out)))


# -- manifest, report, writing -------------------------------------------------------------------

def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def inputs_sha256(root: Path, files: Iterable[Path]) -> str:
    """One hash over every input file: its path relative to the root, then its bytes."""
    h = hashlib.sha256()
    for path in sorted(files, key=lambda p: p.relative_to(root).as_posix()):
        h.update(path.relative_to(root).as_posix().encode() + b"\0")
        h.update(sha256(path.read_bytes()).encode() + b"\n")
    return h.hexdigest()


def render_manifest(inputs: str, graph_counts: Mapping[str, int],
                    files: Mapping[str, bytes]) -> bytes:
    manifest = {
        "version": __version__,
        "inputs_sha256": inputs,
        "graphs": {g: {"triples": n} for g, n in sorted(graph_counts.items())},
        "files": {name: sha256(data) for name, data in sorted(files.items())},
    }
    return (json.dumps(manifest, indent=2, sort_keys=True) + "\n").encode()


def write_atomically(out_dir: Path, files: Mapping[str, bytes], last: str | None = None) -> None:
    """Write the build's files into ``out_dir`` atomically (see :mod:`ctkg.atomic`).

    ``last`` (the manifest) is replaced after every other file, so a crash midway leaves a
    manifest that no longer matches, which ``build --check`` and ``ctkg load`` detect.
    """
    order = sorted(n for n in files if n != last) + ([last] if last in files else [])
    write_files_atomically({out_dir / name: files[name] for name in order})


def render_report(quads: list[Quad], counts: Mapping[str, int], docs: Iterable[Any],
                  warnings: list[Any], notes: list[str]) -> bytes:
    """``build-report.md``: counts per document and class, and the validation summary."""
    per_doc: dict[str, Counter[str]] = {}
    classes: Counter[str] = Counter()
    types = {f"<{_CTKG}{c}>": c for c in ("Mention", "Assertion", "Statement")}
    for g, _s, p, o in quads:
        if p == RDF_TYPE:
            classes[o] += 1
            if o in types:
                per_doc.setdefault(g, Counter())[types[o]] += 1
    lines = ["# CTKG build report", "", f"Version {__version__}.", "", "## Graphs", "",
             "| graph | triples |", "|---|---:|"]
    lines += [f"| `{g}` | {n} |" for g, n in sorted(counts.items())]
    lines += ["", "## Documents", "",
              "| document | T | E | R | negated | mentions | statements | assertions |",
              "|---|---:|---:|---:|---:|---:|---:|---:|"]
    for d in sorted(docs, key=lambda d: d.doc_id):
        c = per_doc.get(f"<{GRAPH}{d.doc_id}>", Counter())
        negated = sum(1 for a in d.attributes.values() if a.type == "Negation")
        lines.append(f"| {d.doc_id} | {len(d.textbounds)} | {len(d.events)} | "
                     f"{len(d.relations)} | {negated} | {c['Mention']} | {c['Statement']} | "
                     f"{c['Assertion']} |")
    lines += ["", "## Instances per class (all graphs)", "", "| class | instances |",
              "|---|---:|"]
    lines += [f"| `{c[1:-1]}` | {n} |" for c, n in sorted(classes.items())]
    lines += ["", "## Validation", "",
              "Annotation checks, ontology and shapes syntax, registry event times, SHACL "
              "(no inference) and the QC queries passed with no error.", "",
              f"Warnings: {len(warnings)}."]
    lines += [f"- {str(w).replace('|', '&#124;')}" for w in warnings]
    if notes:
        lines += ["", "Steps skipped:"] + [f"- {n}" for n in notes]
    return ("\n".join(lines) + "\n").encode()
