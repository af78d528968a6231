"""``ctkg add``: a new source text into the corpus, with its id and catalogue entry.

A text enters the collection once, in the one form brat and the compiler count offsets on
(UTF-8 without a byte-order mark, LF line ends), and nothing else is changed: quotes,
spaces and markdown residue stay as the source has them (docs/annotation-guidelines.md §1).
Anything that would make offsets disagree between brat, the checker and the compiler (bytes
that are not UTF-8, NUL and other control characters, characters brat reads as line breaks)
is refused with the line and column where it is, rather than silently dropped.

The document id rule (docs/annotation-guidelines.md §10): ``NNN_hhhhhhhhhhhhhhhh``, where
``NNN`` is one more than the highest three-digit number of the collection and the sixteen
hex digits are the start of the SHA-256 of the normalized text's UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import json
import re
import tomllib
from dataclasses import dataclass
from pathlib import Path

from ctkg.atomic import write_files_atomically
from ctkg.errors import CTKGError, Problem, display_path
from ctkg.inputs.catalogue import DOC_ID_RE, DOCUMENT_KINDS, read_catalogue
from ctkg.inputs.encoding import decode_utf8
from ctkg.inputs.registry import read_registry
from ctkg.inputs.timex import parse_iso
from ctkg.paths import Layout

_NUMBERED = re.compile(r"^(\d{3})_")
# what brat's loader or a text editor would read as a line break besides LF (brat splits
# with str.splitlines), and control characters that have no place in a source text
_REFUSED = {**{chr(c): f"control character U+{c:04X}" for c in range(0x20)
               if chr(c) not in "\t\n"},
            "\x7f": "control character U+007F (DEL)",
            **{chr(c): f"control character U+{c:04X}" for c in range(0x80, 0xA0)},
            "\u2028": "LINE SEPARATOR U+2028 (brat reads a line break there)",
            "\u2029": "PARAGRAPH SEPARATOR U+2029 (brat reads a line break there)"}
_REFUSED["\x00"] = "NUL byte"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


@dataclass(frozen=True)
class NewDocument:
    """What ``ctkg add`` was given about a text besides the text itself."""

    date: str
    kind: str
    publisher: str = ""
    title: str | None = None
    url: str | None = None
    language: str = "en"
    date_inferred: bool = False
    date_evidence: str | None = None


def normalize_text(raw: bytes, source: str) -> str:
    """The text as the corpus stores it: UTF-8 decoded, BOM dropped, CRLF and CR as LF;
    CTKGError naming ``source``, line and column for anything else."""
    if raw.startswith(_UTF16_BOMS) or raw.startswith(b"\x00\x00\xfe\xff"):
        raise CTKGError.single(source, 1, "starts with a UTF-16/UTF-32 byte-order mark: "
                                          "save the text as UTF-8")
    text, bad = decode_utf8(raw)
    if bad is not None:
        raise CTKGError.single(source, bad.line, bad.message)
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    for pos, char in enumerate(text):
        if char in _REFUSED:
            line = text.count("\n", 0, pos) + 1
            column = pos - (text.rfind("\n", 0, pos) + 1) + 1
            raise CTKGError.single(source, line, f"column {column} (character {pos}): "
                                                 f"{_REFUSED[char]}: not allowed in a "
                                                 "corpus text; remove it from the source")
    if not text.strip():
        raise CTKGError.single(source, None, "the text is empty")
    return text


def text_digest(text: str) -> str:
    """The sixteen hex digits of a document id: SHA-256 of the UTF-8 text, first 64 bits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def next_document_id(corpus: Path, text: str) -> str:
    """``NNN_<digest>`` with NNN one more than the collection's highest number."""
    numbers = [int(m.group(1)) for p in corpus.glob("*.txt") if (m := _NUMBERED.match(p.stem))]
    number = max(numbers, default=-1) + 1
    if number > 999:
        raise CTKGError.single(corpus, None, "the collection has document number 999: "
                                             "the three-digit rule is exhausted")
    doc_id = f"{number:03d}_{text_digest(text)}"
    assert DOC_ID_RE.match(doc_id)
    return doc_id


def duplicate_of(corpus: Path, text: str) -> str | None:
    """The id of a corpus text with the same content (or the same words: only whitespace
    differs), if any."""
    words = " ".join(text.split())
    for path in sorted(corpus.glob("*.txt")):
        other = path.read_bytes().decode("utf-8", "replace").replace("\r\n", "\n")
        if other.removeprefix("\ufeff") == text or " ".join(other.split()) == words:
            return path.stem
    return None


def toml_string(value: str) -> str:
    """A TOML basic string; non-ASCII kept as it is, as the catalogue writes it."""
    return json.dumps(value, ensure_ascii=False)


def catalogue_table(doc_id: str, meta: NewDocument, title: str, title_from_text: bool) -> str:
    """The catalogue table of the new document, in the key order of the existing ones."""
    rows = [f'["{doc_id}"]', f"title = {toml_string(title)}",
            f"publisher = {toml_string(meta.publisher)}", f"date = {toml_string(meta.date)}",
            f"date_inferred = {'true' if meta.date_inferred else 'false'}"]
    if meta.date_evidence:
        rows.append(f"date_evidence = {toml_string(meta.date_evidence)}")
    rows += [f"kind = {toml_string(meta.kind)}", f"language = {toml_string(meta.language)}"]
    if meta.url:
        rows.append(f"url = {toml_string(meta.url)}")
    rows.append("truncated = false")
    notes = []
    if title_from_text:
        notes.append("No title was given: the title is the text's first line.")
    if not meta.publisher:
        notes.append("The publisher is not named in the text.")
    if notes:
        rows.append(f"note = {toml_string(' '.join(notes))}")
    return "\n".join(rows) + "\n"


def _check_meta(layout: Layout, meta: NewDocument) -> None:
    where = display_path(layout.catalogue)
    try:
        value = parse_iso(meta.date)
    except ValueError as exc:
        raise CTKGError.single("ctkg add", None, f"--date: {exc}") from None
    if value.end is not None:
        raise CTKGError.single("ctkg add", None, "--date is one date (YYYY, YYYY-MM or "
                                                 "YYYY-MM-DD), not an interval")
    if meta.kind not in DOCUMENT_KINDS:
        raise CTKGError.single("ctkg add", None, f"--kind {meta.kind!r} is not one of "
                                                 f"{', '.join(DOCUMENT_KINDS)}")
    if meta.publisher:
        registry, _ = read_registry(layout.registry)
        if meta.publisher not in registry:
            raise CTKGError.single("ctkg add", None, f"--publisher {meta.publisher!r} is not "
                                                     f"a registry slug ({where} needs one; "
                                                     "or give --publisher '')")
    if meta.date_inferred and not meta.date_evidence:
        raise CTKGError.single("ctkg add", None, "an inferred date needs --date-evidence")


def add_document(layout: Layout, source: Path, meta: NewDocument) -> str:
    """Copy ``source`` into the corpus as a new document with an empty ``.ann`` and its
    catalogue table; return the new document id. All three files are written at once."""
    _check_meta(layout, meta)
    text = normalize_text(source.read_bytes(), display_path(source))
    same = duplicate_of(layout.corpus, text)
    if same is not None:
        raise CTKGError.single(source, None, f"the same text is already in the corpus as "
                                             f"{same} (data/corpus/{same}.txt)")
    doc_id = next_document_id(layout.corpus, text)
    title = meta.title or next(line.strip() for line in text.split("\n") if line.strip())
    old = layout.catalogue.read_text(encoding="utf-8") if layout.catalogue.exists() else ""
    new = old.rstrip("\n") + ("\n\n" if old.strip() else "") + catalogue_table(
        doc_id, meta, title, meta.title is None)
    _check_catalogue_text(layout, new, doc_id)
    write_files_atomically({layout.corpus / f"{doc_id}.txt": text.encode("utf-8"),
                            layout.corpus / f"{doc_id}.ann": b"",
                            layout.catalogue: new.encode("utf-8")})
    return doc_id


def _check_catalogue_text(layout: Layout, text: str, doc_id: str) -> None:
    """The new catalogue must parse and hold a usable entry for the new document (a bad
    --url or --language is refused here, before anything is written)."""
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # pragma: no cover - the writer quotes everything
        raise CTKGError.single(layout.catalogue, None, f"would not parse: {exc}") from None
    probe = layout.catalogue.with_name(f".{layout.catalogue.name}.add-check")
    try:
        probe.write_text(text, encoding="utf-8")
        entries, problems = read_catalogue(probe)
    finally:
        probe.unlink(missing_ok=True)
    if doc_id not in entries:
        found = [p.message.removeprefix(f"{doc_id}: ") for p in problems if doc_id in p.message]
        raise CTKGError([Problem("ctkg add", None, m)
                         for m in found or ["the new catalogue entry is unusable"]])
