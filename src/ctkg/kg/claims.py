"""Attribution of claims (issue 16): a fact read inside a statement is the speaker's claim.

A claim-kind relation (:data:`CLAIMS`) is either a speech act, with the statement as Arg1
("he warned of X": the speaker warns of X), or a fact the text gives inside a statement's
span ("ISIL members … continue to abuse … encryption methods", said by Voronkov). Both
are recorded as a reified assertion with ``ctkg:claimedIn`` (the statement) and
``prov:wasAttributedTo`` (its speaker). Only the speaker's own speech act reported by the
source (a DirectQuote or ReportedSpeech as Arg1) is also a plain triple: a claim inside a
statement, and anything a rewrite's paraphrase says, is not the source's own fact
(docs/design.md, "Claims").
"""

from __future__ import annotations

from ctkg.annotations import brat

CLAIMS = ("exploits", "warnsOf", "advocates")
STATEMENT = "Statement"


def _inside(inner: brat.TextBound, outer: brat.TextBound) -> bool:
    return all(any(a <= s and e <= b for a, b in outer.fragments) for s, e in inner.fragments)


def enclosing_statement(doc: brat.Document, ann_id: str) -> brat.Event | None:
    """The innermost claimed Statement whose span holds the mention of ``ann_id`` (an event
    by its trigger), or None: the statement in which a fact about it is claimed."""
    tid = doc.events[ann_id].trigger if ann_id in doc.events else ann_id
    tb = doc.textbounds.get(tid)
    if tb is None:
        return None
    best: tuple[int, brat.Event] | None = None
    for ev in doc.events.values():
        attrs = doc.attrs_of(ev.id)
        if ev.type != STATEMENT or "Negation" in attrs:
            continue
        span = doc.textbounds.get(ev.trigger)
        if span is None or span.id == tid or not _inside(tb, span):
            continue
        size = sum(b - a for a, b in span.fragments)
        if best is None or size < best[0]:
            best = (size, ev)
    return best[1] if best else None
