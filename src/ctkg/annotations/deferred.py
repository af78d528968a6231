"""A document whose annotations are parsed when first read: what an incremental build's
read stage gives for a document its cache already checked (:mod:`ctkg.kg.readcache`).

Why: the stages after reading need the annotations of the changed documents only (the
others' compilations are cached, and the checker's share of each document is cached
apart: :class:`ctkg.annotations.check.DocChecks`). Parsing every document took 1.0 s at
2,000 documents, and unpickling them from one cache entry 0.7 s; a deferred document costs
its two files' hashes, which the build reads anyway.

A :class:`DeferredDocument` is a :class:`~ctkg.annotations.brat.Document`: its id, paths
and hashes are known, and reading any other field parses the files (and checks that they
still have the bytes the build hashed). It equals the document parsed from its files,
pickles as one, and knows its :class:`~ctkg.annotations.brief.DocBrief` without parsing.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any

from ctkg.annotations.brat import Document, read_document
from ctkg.annotations.brief import DocBrief
from ctkg.errors import CTKGError, Problem, display_path

_FIELDS = tuple(f.name for f in fields(Document))
_KNOWN = frozenset({"doc_id", "txt_path", "ann_path", "txt_sha256", "ann_sha256"})
_PARSED = frozenset(_FIELDS) - _KNOWN  # what reading parses the files for


class DeferredDocument(Document):
    """A document known by its brief, parsed when a field beyond it is read."""

    brief: DocBrief

    @classmethod
    def of(cls, brief: DocBrief) -> DeferredDocument:
        doc = cls.__new__(cls)
        vars(doc).update(doc_id=brief.doc_id, txt_path=brief.txt_path,
                         ann_path=brief.ann_path, txt_sha256=brief.txt_sha256,
                         ann_sha256=brief.ann_sha256, brief=brief)
        return doc

    @property
    def parsed(self) -> bool:
        return "text" in vars(self)

    def __getattr__(self, name: str) -> Any:
        """Only for what the instance does not hold: a field not parsed yet."""
        if name not in _PARSED:
            raise AttributeError(name)
        self._parse()
        return vars(self)[name]

    def _parse(self) -> None:
        doc = read_document(self.txt_path, self.ann_path)
        if (doc.txt_sha256, doc.ann_sha256) != (self.txt_sha256, self.ann_sha256):
            raise CTKGError([Problem(display_path(self.ann_path), None,
                                     f"{self.doc_id} changed while the build was running: "
                                     "build again")])
        vars(self).update({name: getattr(doc, name) for name in _FIELDS})

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Document):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = None  # type: ignore[assignment]  # as Document's

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled as the plain document (for a worker that compiles it)."""
        return (_document, ({name: getattr(self, name) for name in _FIELDS},))


def _document(state: dict[str, Any]) -> Document:
    return Document(**state)
