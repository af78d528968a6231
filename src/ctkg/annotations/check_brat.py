"""brat's own loader rules, so that brat opens every document that ``ctkg check`` passes.

brat (``server/src/annotation.py``, the ``Annotations``/``TextAnnotations`` classes) refuses
a whole document for some defects (it raises) and reports others on every opening ("Unable
to parse the following line(s)"). Each rule it enforces is checked by CTKG, most of them by
the reader (:mod:`ctkg.annotations.brat`) or :mod:`ctkg.annotations.check_document`, often
more strictly; this module has the ones about what may reference what. The rules and where
CTKG checks them (brat's function first):

* ``Annotations._sanity``: a non-event annotation referencing an event's trigger raises
  ``TriggerReferenceError`` and the document does not open. brat exempts relations (its
  BioNLP ST 2013 compatibility); CTKG does not (a relation names the event, as the
  guidelines ask). ``N`` and ``#``: here; ``A`` and ``R``: ``check_document`` (``ref_type``).
* ``Annotations._sanity``: an event whose trigger is missing (``EventWithoutTriggerError``)
  or is not a ``T`` of the event's type (``EventWithNonTriggerError``): ``check_document``.
* ``Annotations._sanity``: every referenced id defined: ``check_document`` (``exists``).
* ``Annotations._parse_ann_lines``: a duplicate id (``DuplicateAnnotationIdError``), a line
  without TAB, an id that does not parse (``InvalidIdError``, which aborts the reading), an
  empty or blank line: the reader and ``check_document``.
* ``TextAnnotations._parse_textbound_annotation``: start > end, end past the text,
  overlapping fragments, a stored text that is not the spans' text joined by one space:
  ``check_document.check_spans`` (CTKG also refuses empty spans and out-of-order fragments).
* ``Annotations._parse_relation_annotation``: exactly two arguments with different labels:
  the reader (``Arg1:`` and ``Arg2:``).
* brat splits an ``.ann`` into lines as ``str.splitlines`` does: the reader.
"""

from __future__ import annotations

from ctkg.annotations.brat import Document, Normalization, Note
from ctkg.errors import Problem, display_path


def check_trigger_references(doc: Document) -> list[Problem]:
    """An ``N`` or ``#`` line attached to an event's trigger: brat refuses the document
    (``TriggerReferenceError`` in brat's ``Annotations._sanity``); it belongs on the E id."""
    where = display_path(doc.ann_path)
    out: list[Problem] = []
    lines: list[Normalization | Note] = [*doc.normalizations.values(), *doc.notes.values()]
    for ann in sorted(lines, key=lambda a: a.line):
        event = doc.event_of(ann.target) if ann.target in doc.textbounds else None
        if event is None:
            continue
        kind = "normalization" if ann.id.startswith("N") else "note"
        out.append(Problem(where, ann.line, (
            f"{ann.id}: {kind} attached to {ann.target}, the trigger of {event.id}: brat "
            f"refuses to open the document (TriggerReferenceError: trigger referenced by a "
            f"non-event); attach it to the event: '{ann.type} {event.id}', not "
            f"'{ann.type} {ann.target}'")))
    return out
