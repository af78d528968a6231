"""Re-anchor T offsets from their stored text, only where the new place is unambiguous.

When an annotator typed wrong offsets, or the ``.txt`` changed, the stored text of a ``T``
line is the better witness. For each fragment of such a line every occurrence of its text
is a candidate; the occurrence nearest the old start wins only if it is the single
occurrence or its distance is strictly smaller than every other's. Several equally near
occurrences are an ambiguity and no occurrence is a miss: both are reported, never guessed.
``--write`` rewrites only the offsets of the fixed lines; every other byte stays.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from pathlib import Path

from ctkg.annotations.brat import TextBound, parse_ann
from ctkg.errors import CTKGError

Fragments = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class Outcome:
    """What happens to one T line: fixed (new offsets) or unresolved (a reason)."""

    ann_id: str
    line: int
    old: Fragments
    new: Fragments | None
    reason: str = ""

    @property
    def resolved(self) -> bool:
        return self.new is not None


def offsets_text(frags: Fragments) -> str:
    return ";".join(f"{s} {e}" for s, e in frags)


def current_text(text: str, frags: Fragments) -> str | None:
    """The text the offsets point at, or None if they are outside the text or reversed."""
    if any(s < 0 or e > len(text) or s > e for s, e in frags):
        return None
    return " ".join(text[s:e] for s, e in frags)


def split_fragments(tb: TextBound) -> list[str] | None:
    """The stored text cut into one piece per fragment: by the old fragment lengths when
    they add up (joined by single spaces), else at single spaces if the count matches."""
    if len(tb.fragments) == 1:
        return [tb.text]
    lengths = [e - s for s, e in tb.fragments]
    if sum(lengths) + len(lengths) - 1 == len(tb.text):
        pieces, at, joints_ok = [], 0, True
        for n in lengths:
            pieces.append(tb.text[at:at + n])
            joints_ok &= at + n == len(tb.text) or tb.text[at + n] == " "
            at += n + 1
        if joints_ok:
            return pieces
    words = tb.text.split(" ")
    return words if len(words) == len(tb.fragments) else None


def occurrences(text: str, needle: str) -> list[int]:
    out, at = [], text.find(needle)
    while at >= 0 and needle:
        out.append(at)
        at = text.find(needle, at + 1)
    return out


def nearest(cands: list[int], old: int) -> tuple[int | None, list[int]]:
    """The unique nearest candidate, or None and the tied candidates."""
    if not cands:
        return None, []
    best = min(abs(c - old) for c in cands)
    tied = [c for c in cands if abs(c - old) == best]
    return (tied[0], tied) if len(tied) == 1 else (None, tied)


def reanchor(text: str, tb: TextBound) -> Outcome | None:
    """None if the T line is already right; else how it is fixed or why it cannot be."""
    if current_text(text, tb.fragments) == tb.text:
        return None
    pieces = split_fragments(tb)
    if pieces is None:
        return Outcome(tb.id, tb.line, tb.fragments, None,
                       f"cannot split stored text {tb.text!r} into {len(tb.fragments)} fragments")
    new: list[tuple[int, int]] = []
    for (old_start, _), piece in zip(tb.fragments, pieces, strict=True):
        cands = occurrences(text, piece)
        at, tied = nearest(cands, old_start)
        if not cands:
            return Outcome(tb.id, tb.line, tb.fragments, None, f"{piece!r} not found in the text")
        if at is None:
            where = ", ".join(str(c) for c in tied)
            return Outcome(tb.id, tb.line, tb.fragments, None,
                           f"{piece!r} is ambiguous: {len(tied)} occurrences equally near "
                           f"{old_start} (at {where})")
        new.append((at, at + len(piece)))
    if any(b[0] < a[1] for a, b in itertools.pairwise(new)):
        return Outcome(tb.id, tb.line, tb.fragments, None,
                       f"fragments would be out of order or overlap ({offsets_text(tuple(new))})")
    return Outcome(tb.id, tb.line, tb.fragments, tuple(new))


def anchor_file(ann_path: Path) -> tuple[list[Outcome], bytes, bytes]:
    """Outcomes for one ``.ann`` and its bytes before and after re-anchoring."""
    txt_path = ann_path.with_suffix(".txt")
    if not txt_path.is_file():
        raise CTKGError.single(ann_path, None, f"no {txt_path.name} next to it")
    try:
        raw = ann_path.read_bytes()
        ann_text = raw.decode("utf-8")
        text = txt_path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CTKGError.single(ann_path, None, f"not UTF-8: {exc}") from None
    doc = parse_ann(ann_text, doc_id=ann_path.stem, txt_path=txt_path, ann_path=ann_path,
                    text=text)
    outcomes = [o for tb in doc.textbounds.values() if (o := reanchor(text, tb))]
    lines = raw.split(b"\n")
    for o in outcomes:
        if not o.new:
            continue
        i = o.line - 1
        fields = lines[i].split(b"\t")
        type_ = fields[1].split(b" ", 1)[0]
        fields[1] = type_ + b" " + offsets_text(o.new).encode("ascii")
        lines[i] = b"\t".join(fields)
    return outcomes, raw, b"\n".join(lines)
