"""A persistent on-disk Oxigraph store of the build, reused by ``ctkg query`` while current.

Loading the build into an in-memory store took 11 s at 10,000 documents, on every
``ctkg query``. The store is kept instead under ``.ctkg-cache/query-store/<digest>``, keyed
by the digest of ``ctkg.nq`` that ``manifest.json`` records: a new build has a new digest,
so a stale store is never opened. The size and modification time of ``ctkg.nq`` are kept
beside it too, so a dump edited or replaced by hand (the manifest then lies) is reloaded.
A store is built in a temporary folder and renamed into place when complete, so a crash
or a concurrent ``ctkg query`` never sees half a store; readers open it read-only, so
several commands can share it.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import uuid
from pathlib import Path

import pyoxigraph as ox

from ctkg.paths import Layout
from ctkg.sparql.queryfile import fail

CACHE_DIR = Path(".ctkg-cache") / "query-store"
_MARK = "ctkg-source.json"  # written last, inside the temporary folder, before the rename


def cache_folder(root: Path) -> Path:
    """Where the stores of the build under ``root`` are kept (ignored by git)."""
    return Path(root) / CACHE_DIR


def manifest_digest(kg: Path) -> str | None:
    """The manifest's SHA-256 of ``ctkg.nq``, or None (no manifest, or not a digest)."""
    try:
        files = json.loads((kg / "manifest.json").read_text("utf-8")).get("files", {})
    except (OSError, ValueError, AttributeError):
        return None
    value = files.get("ctkg.nq") if isinstance(files, dict) else None
    ok = isinstance(value, str) and len(value) == 64 and all(
        c in "0123456789abcdef" for c in value)
    return value if ok else None


def stamp(nq: Path) -> dict[str, int]:
    """The size and modification time of ``nq``: a file replaced by hand changes them."""
    st = nq.stat()
    return {"size": st.st_size, "mtime_ns": st.st_mtime_ns}


def _current(folder: Path, nq: Path) -> bool:
    try:
        return bool(json.loads((folder / _MARK).read_text("utf-8")) == stamp(nq))
    except (OSError, ValueError):
        return False


def _build(nq: Path, target: Path) -> None:
    """Load ``nq`` into a new store at ``target``, atomically (temp folder, then rename)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.parent / f".tmp-{uuid.uuid4().hex}"
    try:
        store = ox.Store(str(tmp))
        store.bulk_load(path=str(nq), format=ox.RdfFormat.N_QUADS)
        store.flush()
        del store  # closes the database before it moves
        (tmp / _MARK).write_text(json.dumps(stamp(nq)), "utf-8")
        if target.exists():  # stale stamp under the same digest: replace it
            old = target.parent / f".old-{uuid.uuid4().hex}"
            target.rename(old)
            shutil.rmtree(old, ignore_errors=True)
        with contextlib.suppress(OSError):  # another command renamed its copy first
            tmp.rename(target)
    except (SyntaxError, OSError) as exc:
        raise fail(f"cannot load the build: {exc}", nq) from None
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def prune(folder: Path, keep: str) -> None:
    """Remove the folders of earlier builds in ``folder`` (stores here, kept query results in
    :mod:`ctkg.sparql.listing_cache`) but ``keep``; another command's ``.tmp-`` folder stays."""
    for child in folder.iterdir():
        if child.name != keep and child.is_dir() and not child.name.startswith(".tmp-"):
            shutil.rmtree(child, ignore_errors=True)


def cached_store(root: Path) -> ox.Store | None:
    """The build's store from the cache (built first if missing or stale), opened read-only;
    None when the build has no manifest digest of ``ctkg.nq`` to key it by."""
    kg = Layout(Path(root)).kg
    nq = kg / "ctkg.nq"
    digest = manifest_digest(kg)
    if digest is None or not nq.is_file():
        return None
    target = cache_folder(root) / digest
    if not _current(target, nq):
        _build(nq, target)
        prune(target.parent, digest)
    try:
        return ox.Store.read_only(str(target))
    except OSError as exc:
        raise fail(f"cannot open the cached store ({exc}); delete {CACHE_DIR} and retry",
                   nq) from None

