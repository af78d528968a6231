"""Whole listings kept on disk, so that every page and every repeated ask of ``ctkg query`` is
a slice read from a file instead of an evaluation of the whole corpus.

Why: Oxigraph sorts every solution before ``LIMIT`` applies, so a page of a whole-corpus
listing costs the whole listing (250-1,000 ms at 10,000 documents), on every page and every
ask, while the whole ordered listing costs only 1.0-1.4x its first page. So the first ask of
a listing evaluates it once, up to :data:`CAP` rows, and keeps it; later pages are read from
the kept rows. The build is immutable between builds, so the rows cannot go stale while the
build is the same.

What is kept, and when:

- Only a SELECT query that declares the paging parameters (``# param: limit`` and
  ``offset``, as every local bundled query does), run by ``ctkg query`` on the persistent
  store of :mod:`ctkg.sparql.store_cache` (a build whose manifest names the digest of
  ``ctkg.nq``). Not an endpoint, not a build loaded into memory, not ``--no-cache``. A query
  without paging parameters has no page to slice: it runs as it always did (simpler than
  caching some of them whole, and a hand-written ``.rq`` without them is usually one being
  edited).
- Where: ``.ctkg-cache/query-results/<digest of ctkg.nq>/<key>.listing``, beside the
  store, keyed by the same manifest digest; each entry also records the size and
  modification time of ``ctkg.nq``, so a dump replaced by hand is never served stale. The
  folders of earlier digests are removed when an entry is written.
- Key: SHA-256 of :data:`VERSION`, the checked text that runs for the listing (the query
  with ``LIMIT CAP`` as its page, parameters not pasted in) and the bound parameters' terms,
  sorted: different texts, parameters or caps never share an entry.
- An entry is one file, written to a temporary name and renamed (:mod:`ctkg.atomic`): a
  header line (its CRC-32, then JSON: key, stamp, variables line, row count, whether the
  listing is complete, and the byte offset and CRC-32 of every block of
  :data:`BLOCK_ROWS` rows) and the rows as SPARQL TSV, one line each. A page reads the header
  and only the blocks that hold its rows, checks their CRCs and parses its lines with
  pyoxigraph's TSV parser. TSV is lossless for IRIs, literals (escaped, one line each) and
  blank nodes (their labels are kept, as in the JSON the store's answer goes through; a
  blank node made by ``BNODE()`` gets a new label per evaluation anyway). Anything that
  does not check out (size, CRC, key, stamp, version, line count) is a miss: the listing is
  evaluated again and rewritten. An evaluation that fails or passes ``--timeout`` writes
  nothing; a write that fails (read-only folder, full disk) only costs the next ask.
- CAP: a listing of :data:`CAP` rows may go on. Pages within the first :data:`CAP` rows are
  served from it; a page that reaches beyond runs on the store as before (not kept).

A page read from the listing is the store's own page when the query's ``ORDER BY`` gives a
total order, as queries/README.md asks of every bundled query (and as key paging already
assumes); where rows tie, the store may cut a page between them differently, as two engines
may.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import zlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import NamedTuple

import pyoxigraph as ox

from ctkg.atomic import write_files_atomically
from ctkg.paths import Layout
from ctkg.sparql.execute import run_store_bytes
from ctkg.sparql.lexer import EscapeError, query_form, unescape_codepoints
from ctkg.sparql.paging import PAGING, apply_paging, trailing_paging
from ctkg.sparql.params import XSD, Term
from ctkg.sparql.queryfile import QueryInfo
from ctkg.sparql.results import Result
from ctkg.sparql.safety import checked_text
from ctkg.sparql.store_cache import manifest_digest, prune, stamp

#: Rows kept of one listing: a page that reaches beyond them runs on the store. 100,000
#: rows of the bundled listings are 20-60 MB of TSV; every bundled listing of a
#: 10,000-document build is well under it (20,000 rows at most).
CAP = 100_000
#: Part of every key: bump it when the entry format or what a listing holds changes.
VERSION = 1
#: Rows per checksummed block: a page reads (and checks) only the blocks of its rows.
BLOCK_ROWS = 256
RESULTS_DIR = Path(".ctkg-cache") / "query-results"

_MAGIC = b"CTKG-LISTING"
_MEMO = "build.json"  # the manifest's digest, remembered by the manifest's stamp
_MAX_HEADER = 1 << 22
_TSV = ox.QueryResultsFormat.TSV


def results_folder(root: Path) -> Path:
    """Where the listings of the build under ``root`` are kept (ignored by git)."""
    return Path(root) / RESULTS_DIR


@dataclass(frozen=True)
class Listing:
    """What one ``ctkg query`` asks of the cache: the listing's text and terms, its entry,
    and the page (rows ``start`` to ``stop``, ``None``: to the end)."""

    text: str
    terms: dict[str, Term]
    path: Path
    key: str
    stamp: dict[str, int]
    start: int
    stop: int | None


class _Entry(NamedTuple):
    """A checked header: the TSV variables line, rows, completeness and block offsets."""

    head: bytes
    block: int
    rows: int
    complete: bool
    body_start: int
    offsets: list[int]  # where each block starts in the body, then the body's length
    crcs: list[int]


def _build_digest(root: Path) -> tuple[str, dict[str, int]] | None:
    """The manifest's digest of ``ctkg.nq`` and the stamp of ``ctkg.nq``, or None when
    ``ctkg query`` would not use the persistent store. The stamp is read first, so an entry
    never records a newer stamp than the rows it holds. The digest is remembered under
    the manifest's own stamp: the manifest of a 10,000-document build takes 9 ms to parse,
    more than a page read."""
    kg = Layout(Path(root)).kg
    try:
        nq_stamp, manifest_stamp = stamp(kg / "ctkg.nq"), stamp(kg / "manifest.json")
    except OSError:
        return None
    memo = results_folder(root) / _MEMO
    with contextlib.suppress(OSError, ValueError, AttributeError):
        known = json.loads(memo.read_text("utf-8"))
        if known.get("manifest") == manifest_stamp and _is_digest(known.get("digest")):
            return str(known["digest"]), nq_stamp
    digest = manifest_digest(kg)
    if digest is None:
        return None
    with contextlib.suppress(OSError):
        write_files_atomically({memo: json.dumps({"manifest": manifest_stamp,
                                                  "digest": digest}).encode()}, sync=False)
    return digest, nq_stamp


def _is_digest(value: object) -> bool:
    return isinstance(value, str) and len(value) == 64 and all(
        c in "0123456789abcdef" for c in value)


def _integer(n: int) -> Term:
    return ox.Literal(str(n), datatype=ox.NamedNode(XSD + "integer"))


def page_bounds(paged_text: str) -> tuple[int, int | None] | None:
    """The rows (start, stop) the page's text asks for: its trailing ``LIMIT`` / ``OFFSET``
    clause, as :func:`~ctkg.sparql.paging.apply_paging` wrote it (None: unreadable)."""
    try:
        _start, values = trailing_paging(unescape_codepoints(paged_text))
    except EscapeError:
        return None
    offset = values.get("offset", 0)
    limit = values.get("limit")
    return offset, None if limit is None else offset + limit


def plan(root: Path, info: QueryInfo, terms: Mapping[str, Term], paged_text: str, *,
         allow_network: bool = False) -> Listing | None:
    """The listing that answers ``paged_text`` (``info`` paged by ``terms``), or None when
    this query is not kept (see the module's docstring)."""
    if not set(PAGING) <= set(info.params):
        return None
    bounds = page_bounds(paged_text)
    build = _build_digest(root)
    if bounds is None or build is None:
        return None
    digest, nq_stamp = build
    capped = {**terms, "limit": _integer(CAP), "offset": _integer(0)}
    text, rest = apply_paging(info.text, capped, info.params)
    text = checked_text(text, allow_network=allow_network, source=info.path)
    if query_form(text) != "SELECT":
        return None
    key = hashlib.sha256(json.dumps(
        [VERSION, text, sorted((n, str(t)) for n, t in rest.items())]).encode()).hexdigest()
    path = results_folder(root) / digest / f"{key}.listing"
    return Listing(text, dict(rest), path, key, nq_stamp, *bounds)


def answer(listing: Listing, open_store: Callable[[], ox.Store], *, timeout: float,
           source: str | Path = "query") -> Result | None:
    """The page from the kept listing (evaluated on ``open_store()`` and kept first if it is
    missing or does not check out), or None when the page reaches beyond :data:`CAP` rows
    of a listing that goes on: the caller runs that page on the store."""
    found = _lookup(listing)
    if found is None:
        data = run_store_bytes(listing.text, open_store(), listing.terms, source, timeout, _TSV)
        found = _Found(_keep(listing, data))
    if found.page is None:  # a page beyond the cap, or an answer that cannot be kept
        return None
    return ox.parse_query_results(found.page, _TSV)


class _Found(NamedTuple):
    """An entry's answer for a page: its TSV, or None when the page reaches beyond the rows
    kept of a listing that goes on."""

    page: bytes | None


def _lookup(listing: Listing) -> _Found | None:
    """The page from the listing's entry; None when there is no entry that checks out."""
    try:
        with listing.path.open("rb") as fh:
            line = fh.readline(_MAX_HEADER)
            entry = _header(line, listing)
            if entry is None or entry.body_start + entry.offsets[-1] != os.fstat(
                    fh.fileno()).st_size:
                return None
            if not entry.complete and (listing.stop is None or listing.stop > entry.rows):
                return _Found(None)

            def read(pos: int, size: int) -> bytes:
                fh.seek(pos)
                return fh.read(size)

            page = _page(entry, read, listing.start, listing.stop)
            return None if page is None else _Found(page)
    except OSError:
        return None


def _header(line: bytes, listing: Listing) -> _Entry | None:
    """The entry's header if it is whole, unaltered and for this listing and build."""
    parts = line.split(b" ", 2)
    if len(parts) != 3 or parts[0] != _MAGIC or not line.endswith(b"\n"):
        return None
    blob = parts[2][:-1]
    try:
        if int(parts[1], 16) != zlib.crc32(blob):
            return None
        meta = json.loads(blob)
        if (meta["version"], meta["key"], meta["stamp"]) != (VERSION, listing.key,
                                                             listing.stamp):
            return None
        rows, blocks = int(meta["rows"]), [(int(o), int(c)) for o, c in meta["blocks"]]
        block = int(meta["block"])
        if block < 1:
            return None
        entry = _Entry(meta["head"].encode(), block, rows, bool(meta["complete"]), len(line),
                       [o for o, _c in blocks] + [int(meta["length"])],
                       [c for _o, c in blocks])
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
    return entry if len(entry.crcs) == -(-rows // block) else None


def _page(entry: _Entry, read: Callable[[int, int], bytes], start: int,
          stop: int | None) -> bytes | None:
    """The TSV of rows ``start:stop`` (variables line first), its blocks checked; None if a
    block does not check out or the page reaches beyond the rows of an incomplete
    listing."""
    if not entry.complete and (stop is None or stop > entry.rows):
        return None
    stop = entry.rows if stop is None else min(stop, entry.rows)
    if start >= stop:
        return entry.head
    size = entry.block
    first, last = start // size, (stop - 1) // size
    base = entry.offsets[first]
    data = read(entry.body_start + base, entry.offsets[last + 1] - base)
    if len(data) != entry.offsets[last + 1] - base:
        return None
    for b in range(first, last + 1):
        if zlib.crc32(data[entry.offsets[b] - base:entry.offsets[b + 1] - base]) != \
                entry.crcs[b]:
            return None
    lines = data.split(b"\n")
    if len(lines) != min(entry.rows, (last + 1) * size) - first * size + 1:
        return None
    chosen = lines[start - first * size:stop - first * size]
    return entry.head + b"".join(row + b"\n" for row in chosen)


def _keep(listing: Listing, data: bytes) -> bytes | None:
    """Write the listing's TSV ``data`` as its entry (failures ignored); the page from it,
    or None when the page reaches beyond the cap or the answer cannot be kept as lines."""
    head, newline, body = data.partition(b"\n")
    rows = body.count(b"\n")
    if not newline or not head or (body and not body.endswith(b"\n")):
        return None
    try:  # every row one line: the parser must read back as many rows as there are lines
        parsed = ox.parse_query_results(data, _TSV)
        if not isinstance(parsed, ox.QuerySolutions) or sum(1 for _r in parsed) != rows:
            return None
    except SyntaxError:
        return None
    lines = body.split(b"\n")[:-1]
    blocks: list[tuple[int, int]] = []
    length, size = 0, BLOCK_ROWS
    for i in range(0, rows, size):
        chunk = b"".join(row + b"\n" for row in lines[i:i + size])
        blocks.append((length, zlib.crc32(chunk)))
        length += len(chunk)
    head_line = head + b"\n"
    meta = json.dumps({"version": VERSION, "key": listing.key, "stamp": listing.stamp,
                       "head": head_line.decode(), "block": size, "rows": rows,
                       "complete": rows < CAP,
                       "length": length, "blocks": blocks}, separators=(",", ":")).encode()
    header = b"%s %08x %s\n" % (_MAGIC, zlib.crc32(meta), meta)
    with contextlib.suppress(OSError):
        write_files_atomically({listing.path: header + body}, sync=False)
        prune(listing.path.parent.parent, listing.path.parent.name)
    entry = _Entry(head_line, size, rows, rows < CAP, 0, [o for o, _c in blocks] + [length],
                   [c for _o, c in blocks])
    return _page(entry, lambda pos, n: body[pos:pos + n], listing.start, listing.stop)
