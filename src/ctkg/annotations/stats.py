"""Corpus statistics: what each document annotates and how much of it is normalized/linked.

Counts come straight from the ``.ann`` files (the lenient reader), so they are available
while annotation is in progress; run ``ctkg check`` for correctness. Definitions:

* mentions: T lines whose type is not an event type (event triggers are counted as events);
* normalized share: of the mentions and non-Statement triggers, those with a CTKG (or, for
  a TimeExpression, an ISO8601) normalization;
* Wikidata share: of the CTKG-normalized mentions of individuals (not Threat, PolicyGoal,
  Technology: concepts are matched to Wikidata in ``ontology/concepts.ttl``), those whose
  slug has a ``qid`` in ``data/wikidata/links.toml`` or that carry a Wikidata N line.
"""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ctkg.annotations.brat import Document
from ctkg.annotations.scheme import STATEMENT, build_scheme
from ctkg.inputs import Inputs


@dataclass
class DocStats:
    """The counts of one document (or, summed, of the corpus)."""

    doc: str
    mentions: Counter[str] = field(default_factory=Counter)
    events: Counter[str] = field(default_factory=Counter)
    relations: Counter[str] = field(default_factory=Counter)
    normalizable: int = 0
    normalized: int = 0
    linkable: int = 0
    linked: int = 0

    @property
    def statements(self) -> int:
        return self.events[STATEMENT]

    @property
    def normalized_pct(self) -> float:
        return round(100 * self.normalized / self.normalizable, 1) if self.normalizable else 0.0

    @property
    def wikidata_pct(self) -> float:
        return round(100 * self.linked / self.linkable, 1) if self.linkable else 0.0

    def add(self, other: DocStats) -> None:
        self.mentions += other.mentions
        self.events += other.events
        self.relations += other.relations
        self.normalizable += other.normalizable
        self.normalized += other.normalized
        self.linkable += other.linkable
        self.linked += other.linked

    def as_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "mentions": dict(sorted(self.mentions.items())),
            "events": dict(sorted(self.events.items())),
            "relations": dict(sorted(self.relations.items())),
            "statements": self.statements,
            "normalizable": self.normalizable, "normalized": self.normalized,
            "normalized_pct": self.normalized_pct,
            "linkable": self.linkable, "linked": self.linked,
            "wikidata_pct": self.wikidata_pct,
        }


def collect(docs: Sequence[Document], inputs: Inputs) -> tuple[list[DocStats], DocStats]:
    """Per-document statistics of read documents, and the corpus totals."""
    events = frozenset(build_scheme(inputs.ontology)[0].events)
    concepts = inputs.ontology.concept_types
    linked = {slug for slug, link in inputs.links.entities.items() if link.qid}
    stats = [_document_stats(doc, events, concepts, linked) for doc in docs]
    total = DocStats("TOTAL")
    for st in stats:
        total.add(st)
    return stats, total


def _document_stats(doc: Document, events: frozenset[str], concepts: frozenset[str],
                    linked: set[str]) -> DocStats:
    st = DocStats(doc.doc_id)
    for tb in doc.textbounds.values():
        if tb.type == STATEMENT:
            continue
        event = doc.event_of(tb.id)  # an event's normalizations are on its E id
        dbs = {n.db: n.key for n in doc.norms_of(event.id if event else tb.id)}
        if tb.type not in events:
            st.mentions[tb.type] += 1
        st.normalizable += 1
        st.normalized += ("ISO8601" if tb.type == "TimeExpression" else "CTKG") in dbs
        if "CTKG" in dbs and tb.type not in concepts:
            st.linkable += 1
            st.linked += dbs["CTKG"] in linked or "Wikidata" in dbs
    st.events.update(e.type for e in doc.events.values())
    st.relations.update(r.type for r in doc.relations.values())
    return st


def render_table(docs: list[DocStats], total: DocStats) -> str:
    head = ("document", "mentions", "events", "statements", "relations", "normalized",
            "wikidata")
    rows = [head] + [
        (s.doc, str(sum(s.mentions.values())), str(sum(s.events.values())), str(s.statements),
         str(sum(s.relations.values())), f"{s.normalized_pct:.1f}%", f"{s.wikidata_pct:.1f}%")
        for s in [*docs, total]]
    widths = [max(len(r[i]) for r in rows) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                       for i, (c, w) in enumerate(zip(r, widths, strict=True))) for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    for title, counter in (("mentions", total.mentions), ("events", total.events),
                           ("relations", total.relations)):
        lines.append("")
        lines.append(f"{title} per type (corpus):")
        lines += [f"  {k:<24} {v:>5}" for k, v in sorted(counter.items())] or ["  (none)"]
    return "\n".join(lines) + "\n"


def render_csv(docs: list[DocStats], total: DocStats) -> str:
    """Long format: one row per document, measure and type (stable for diffs and pandas)."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\n")
    w.writerow(["document", "measure", "type", "value"])
    for s in [*docs, total]:
        for measure in ("mentions", "events", "relations"):
            for k, v in sorted(getattr(s, measure).items()):
                w.writerow([s.doc, measure, k, v])
        for measure in ("statements", "normalizable", "normalized", "normalized_pct",
                        "linkable", "linked", "wikidata_pct"):
            w.writerow([s.doc, measure, "", getattr(s, measure)])
    return out.getvalue()


def render_json(docs: list[DocStats], total: DocStats) -> str:
    return json.dumps({"documents": [s.as_dict() for s in docs], "total": total.as_dict()},
                      indent=2, ensure_ascii=False) + "\n"
