"""The mark of an annotation that ``ctkg suggest`` proposed and no person has confirmed yet.

A suggestion carries an AnnotatorNotes line whose ``note=`` starts with :data:`MARK` (on the
mention's T id, or on the E id of an event: brat refuses notes on a trigger). brat shows
the note on the annotation; confirming is deleting the mark (from ``note=`` on), rejecting is
deleting the annotation. The checker, hence the build, refuses every mark left, so that
nothing unreviewed reaches the graph. This module has no dependency: the checker imports it.
"""

from __future__ import annotations

from collections.abc import Sequence

from ctkg.annotations.brat import Document
from ctkg.errors import Problem, display_path

MARK = "suggested by ctkg suggest, unconfirmed"
HINT = ("to confirm, check span, type and normalization and delete the note from note= on "
        "(keep anchor=/rule=/qualifier=); to reject, delete the annotation")


def is_suggestion_note(text: str) -> bool:
    """Whether an AnnotatorNotes text carries the mark."""
    _, sep, rest = text.partition("note=")
    return bool(sep) and rest.startswith(MARK)


def unconfirmed_suggestions(docs: Sequence[Document]) -> list[Problem]:
    """One error per suggestion still marked, at its note's line."""
    out: list[Problem] = []
    for doc in docs:
        where = display_path(doc.ann_path)
        for note in doc.notes.values():
            if is_suggestion_note(note.text):
                target = doc.textbounds.get(note.target)
                if target is None and note.target in doc.events:
                    target = doc.textbounds.get(doc.events[note.target].trigger)
                what = f"{target.type} {target.text!r}" if target is not None else note.target
                out.append(Problem(where, note.line, f"{note.id}: unconfirmed suggestion on "
                                                     f"{note.target} ({what}): {HINT}"))
    return out
