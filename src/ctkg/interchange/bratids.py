"""The ``bratIds`` feature: the brat ids behind one INCEpTION annotation, so that a round
trip keeps every id and every attachment (a normalization or note on an event's ``E`` id or
on its trigger's ``T`` id) as it was.

One token per id, separated by spaces: ``T12`` / ``E3`` / ``R4`` (the annotation's own ids),
``N5:CTKG@T12`` (normalization id, database, the id it is attached to), ``#2@E3`` (note),
``A1:SpeechKind@E3`` (attribute). An annotation made in INCEpTION has none: the importer
gives it fresh ids, and attaches its normalizations and note where brat accepts them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

_OWN = re.compile(r"^[TER][0-9]+$")
_NORM = re.compile(r"^(N[0-9]+):([^@\s]+)@([TER][0-9]+)$")
_NOTE = re.compile(r"^(#[0-9]+)@([TER][0-9]+)$")
_ATTR = re.compile(r"^([AM][0-9]+):([^@\s]+)@([TER][0-9]+)$")


@dataclass
class BratIds:
    """The parsed feature: own ids, and per database / attribute type the id and target."""

    own: list[str] = field(default_factory=list)
    norms: dict[str, tuple[str, str]] = field(default_factory=dict)
    note: tuple[str, str] | None = None
    attrs: dict[str, tuple[str, str]] = field(default_factory=dict)

    def own_of(self, kind: str) -> str | None:
        """The own id of one kind (``T``, ``E`` or ``R``), if any."""
        return next((i for i in self.own if i[0] == kind), None)

    def render(self) -> str:
        tokens = list(self.own)
        tokens += [f"{nid}:{db}@{target}" for db, (nid, target) in self.norms.items()]
        if self.note:
            tokens.append(f"{self.note[0]}@{self.note[1]}")
        tokens += [f"{aid}:{name}@{target}" for name, (aid, target) in self.attrs.items()]
        return " ".join(tokens)

    @staticmethod
    def parse(text: str | None) -> BratIds:
        """Parse the feature's value; a token that is none of the forms is a ValueError."""
        ids = BratIds()
        for token in (text or "").split():
            if _OWN.match(token):
                ids.own.append(token)
            elif m := _NORM.match(token):
                ids.norms[m.group(2)] = (m.group(1), m.group(3))
            elif m := _NOTE.match(token):
                ids.note = (m.group(1), m.group(2))
            elif m := _ATTR.match(token):
                ids.attrs[m.group(2)] = (m.group(1), m.group(3))
            else:
                raise ValueError(f"bratIds token {token!r} is none of T1, E1, R1, "
                                 "N1:DB@T1, #1@T1, A1:Type@E1")
        return ids
