"""The read stage with a cache: only the documents that changed are parsed and checked.

What a document's reading and checking found depends on its two files' bytes (and their
paths, which problems name), on what :func:`ctkg.annotations.check_document.check_document`
reads through its context (the scheme and classes of the ontology, the registry, the
Wikidata links, and whether the documents its ``evidence=`` notes name exist), and on the
code. The cache keeps, per document, its reading problems, its share of the checker
(:class:`ctkg.annotations.check.DocChecks`: its own problems, the registry slugs it uses,
its relations' edges of an order, its Statements, its unconfirmed suggestions), its length
and its brief's counts, in **one entry** for the collection, keyed by everything but the
documents (the ontology, registry and links files, the working directory, the code) and,
inside, by each document's paths and hashes. The checks across documents (cycles of relations,
paraphrases, the catalogue, the registry's use, brat's conf files) run every time, from
those shares. A document found in the entry is given to the later stages as a
:class:`ctkg.annotations.deferred.DeferredDocument`, parsed only if one of them reads it.

Why one entry: at 2,000 synthetic documents it is one pickle of 0.8 MB, loaded in about
40 ms; an entry per document is a write per document (13 ms each on a busy disk). Why not
the parsed documents: unpickling 2,000 of them took 0.7 s, parsing them 1.0 s. The inputs
(ontology, registry, catalogue, links, Wikidata cache) are kept too, under their files'
bytes: parsing the catalogue and registry as TOML took 0.3 s at 2,000 documents.

The files are read and hashed every time (mtimes are not trusted). An entry is written
only when something changed, atomically; it holds only what the files and inputs of its
key gave, so a build that fails later leaves it true. One that fails to load is a miss.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from dataclasses import dataclass
from pathlib import Path

from ctkg.annotations import brat
from ctkg.annotations.brief import DocBrief
from ctkg.annotations.check import Checker, DocChecks
from ctkg.annotations.deferred import DeferredDocument
from ctkg.errors import Problem
from ctkg.inputs import Inputs, read_inputs
from ctkg.kg.cache import Cache, put_pickled
from ctkg.kg.gcpause import gc_paused
from ctkg.kg.parallel import code_version, digest
from ctkg.paths import Layout

KIND = "read"  # the collection's entries
INPUTS = "inputs"  # read_inputs's


@dataclass(frozen=True)
class Kept:
    """What the read stage keeps of one document."""

    key: str  # its paths and files' hashes
    reading: tuple[Problem, ...]  # brat.Document.problems
    checks: DocChecks
    length: int  # code points of its text
    counts: tuple[int, int, int, int]  # its DocBrief's (its paths and hashes are the key's)

    def brief(self, txt: Path, ann: Path, txt_sha256: str, ann_sha256: str) -> DocBrief:
        return DocBrief(txt.stem, txt, ann, txt_sha256, ann_sha256, *self.counts)


@dataclass
class Corpus:
    """The read and checked collection, as :func:`ctkg.kg.pipeline._read_inputs` takes it."""

    docs: list[brat.Document]  # in name order; those found in the cache deferred
    pairing: list[Problem]  # .txt without .ann and the like
    reading: list[Problem]  # each document's, in document order
    checked: list[Problem]  # the checker's, sorted
    lengths: dict[str, int]
    parsed: int = 0  # documents parsed and checked (not found in the cache)


def cached_inputs(layout: Layout, cache: Cache) -> Inputs:
    """:func:`ctkg.inputs.read_inputs`, from the cache when none of the files it reads has
    changed (at 2,000 documents the catalogue and the registry took 0.3 s to parse as
    TOML, their pickles a few ms to load). The entry is written when it was not found."""
    files = [*layout.ontology_files(), layout.registry, layout.catalogue, layout.links,
             layout.wikidata_cache]
    try:
        key = digest(code_version(), os.getcwd(), str(layout.root),
                     *(str(p).encode() + b"\0" + (p.read_bytes() if p.is_file() else b"-")
                       for p in files))
    except OSError:  # a file it cannot read: the reader says why
        return read_inputs(layout)
    found = _loaded(cache, INPUTS, key)
    if isinstance(found, Inputs):
        return found
    inputs = read_inputs(layout)
    put_pickled(_entry(cache, INPUTS, key), pickle.dumps(inputs, protocol=pickle.HIGHEST_PROTOCOL))
    return inputs


def context_key(layout: Layout) -> str:
    """What every document's checks read besides its files (module docstring); empty if
    one of those files cannot be read (its reader says why; nothing is cached)."""
    files = [*layout.ontology_files(), layout.registry, layout.links]
    try:
        return digest(code_version(), os.getcwd(), str(layout.corpus), str(layout.registry),
                      str(layout.links),
                      *(p.name.encode() + b"\0" + (p.read_bytes() if p.is_file() else b"-")
                        for p in files))
    except OSError:
        return ""


def document_key(txt: str, ann: str, txt_sha256: str, ann_sha256: str) -> str:
    return digest(txt, ann, txt_sha256, ann_sha256)


def read_corpus(layout: Layout, inputs: Inputs, cache: Cache) -> Corpus:
    """Read and check the collection, each document from the cache unless it changed."""
    pairs, pairing = brat.pair_files(layout.corpus)
    texts = {p.stem for p in layout.corpus.glob("*.txt")}
    checker = Checker(inputs, texts, layout.corpus)
    context = context_key(layout)
    old = load(cache, context) if context else {}
    kept: dict[str, Kept] = {}
    docs: list[brat.Document] = []
    for txt, ann in pairs:
        hit = old.get(txt.stem)
        if hit is not None:
            shas = [hashlib.sha256(p.read_bytes()).hexdigest() for p in (txt, ann)]
            if hit.key == document_key(str(txt), str(ann), *shas) \
                    and checker.holds(hit.checks):
                docs.append(DeferredDocument.of(hit.brief(txt, ann, *shas)))
                kept[txt.stem] = hit
                continue
        doc = brat.read_document(txt, ann)  # its own hashes: of the bytes it parsed
        docs.append(doc)
        kept[txt.stem] = Kept(document_key(str(txt), str(ann), doc.txt_sha256,
                                           doc.ann_sha256),
                              tuple(doc.problems), checker.check(doc), len(doc.text),
                              _counts(DocBrief.of(doc)))
    parsed = sum(1 for d in docs if not isinstance(d, DeferredDocument))
    if context and (parsed or kept.keys() != old.keys()):
        put_pickled(_entry(cache, KIND, context),
                    pickle.dumps(kept, protocol=pickle.HIGHEST_PROTOCOL))
    elif context:
        _entry(cache, KIND, context)  # used by this build: kept when the cache is pruned
    return Corpus(docs, pairing, [p for k in kept.values() for p in k.reading],
                  checker.finish([(doc_id, k.checks) for doc_id, k in kept.items()]),
                  {doc_id: k.length for doc_id, k in kept.items()}, parsed)


def _counts(brief: DocBrief) -> tuple[int, int, int, int]:
    return brief.textbounds, brief.events, brief.relations, brief.negated


def _entry(cache: Cache, kind: str, key: str) -> Path:
    path = cache.entry(kind, key)
    assert path is not None  # the caller has a cache folder
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _loaded(cache: Cache, kind: str, key: str) -> object:
    """An entry, or None if there is none or it does not load."""
    if not cache.has(kind, key):
        return None
    try:
        return cache.get(kind, key)
    except Exception:  # any damage to an entry is a miss, never a failure
        return None


def load(cache: Cache, key: str) -> dict[str, Kept]:
    """The collection's entry for ``key``; empty if there is none or it does not load."""
    with gc_paused():  # thousands of objects, no cycle among them
        found = _loaded(cache, KIND, key)
    if not isinstance(found, dict) or not all(isinstance(k, Kept) for k in found.values()):
        return {}
    return found
