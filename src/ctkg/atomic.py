"""Write files so that a reader never sees half of one, and a release folder all at once.

Every command that writes (build, conf, anchor, wikidata-norms, link --refresh) goes through
here, so "nothing half-written" is one mechanism rather than five.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import SupportsBytes

from ctkg.errors import CTKGError


def write_files_atomically(files: Mapping[Path, bytes], sync: bool = True) -> None:
    """Write every file to a temp file in its folder, fsync, then rename them in order.

    Nothing is replaced until every temp file is complete, so a failure while writing leaves
    all old files intact; the replacements themselves are renames, done in the mapping's
    order (put a manifest last so that a crash between renames is detectable).
    ``sync=False`` skips the fsyncs (for caches: a reader still never sees half a file,
    but a power cut may leave one empty).
    """
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps[path] = Path(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                if sync:
                    fh.flush()
                    os.fsync(fh.fileno())
            os.chmod(name, 0o644)
        for path, tmp in temps.items():
            os.replace(tmp, path)
        for folder in {p.parent for p in files} if sync else ():
            _fsync_dir(folder)
    finally:
        for tmp in temps.values():
            tmp.unlink(missing_ok=True)


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """One file, atomically."""
    write_files_atomically({path: data})


def write_text_atomic(path: Path, text: str) -> None:
    """One UTF-8 text file with ``\\n`` line endings, atomically."""
    write_files_atomically({path: text.encode("utf-8")})


def _fsync_dir(folder: Path) -> None:
    """Make the renames durable where the platform allows it (not on every filesystem)."""
    try:
        dfd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(dfd)
    except OSError:
        pass
    finally:
        os.close(dfd)


# -- a whole folder, all old or all new ----------------------------------------------------------

def _sibling(folder: Path, tag: str) -> Path:
    return folder.with_name(f".{folder.name}.{tag}")


def recover_folder(folder: Path) -> None:
    """Finish or undo a switch that a crash interrupted (see :func:`replace_folder`).

    A crash before the switch leaves a ``.new`` sibling: it is dropped. A crash between the
    two renames leaves the old release as ``.old`` and no folder: it is put back. A crash
    after the switch leaves ``.old`` beside the new folder: it is dropped. Either way the
    folder is then one complete release.
    """
    new, old = _sibling(folder, "new"), _sibling(folder, "old")
    if old.exists() and not folder.exists():
        os.rename(old, folder)
    if old.exists():
        shutil.rmtree(old)
    if new.exists():
        shutil.rmtree(new)


Content = bytes | Sequence[bytes | SupportsBytes]
# bytes of chunks gathered for one write (at most IOV_MAX chunks). Measured on the dumps
# of 2,000 documents (CPU of writing and hashing them): a write per chunk 0.54-0.62 s,
# 64 KiB 0.46-0.50 s, 256 KiB 0.43-0.51 s, 4 MiB 0.56-0.89 s (the batch falls out of cache)
BATCH = 1 << 18


def replace_folder(folder: Path, files: Mapping[str, Content], *, owned: set[str],
                   sync: bool = True,
                   then: Callable[[dict[str, str]], Mapping[str, Content]] | None = None,
                   together: Sequence[str] = ()) -> dict[str, str]:
    """Make ``folder`` hold exactly ``files`` (each as bytes, or as a sequence of chunks
    written one after the other): after any single failure it is all old or all new.
    Returns every written file's SHA-256 (hex), hashed as it was written: each byte is
    read once, for both. ``then``: given those hashes once ``files`` are written, the files
    made from them (a release's checksums), written the same way before the switch.

    ``sync=False`` skips the fsync of each file (the switch is still two renames): for
    folders of many thousand files that can be regenerated, like the site, where an fsync
    per file would cost more than making them; a crash of the process still leaves the old
    folder or the new one, a power cut may leave files of the new one empty.

    The new release is written and fsynced in a sibling ``.new`` folder, then switched in by
    two renames (old folder aside, new folder in); an interrupted switch is finished or undone
    by :func:`recover_folder`, which every call runs first. ``owned`` names every file a
    release may hold: a folder holding anything else is refused rather than deleted.

    Each value is read once, when its file is written: first the files named in
    ``together``, two at a time in that order (hashing, reading and writing let go of the
    GIL, and one file's fsync overlaps the writing of the next: every fsync is still done
    before the switch), then the others one by one in name order (the site's pages are made
    as they are read, in that order: :mod:`ctkg.site.parallel`).
    """
    recover_folder(folder)
    if folder.exists():
        foreign = sorted(p.name for p in folder.iterdir() if p.name not in owned)
        if foreign:
            raise CTKGError.single(folder, None, "holds files the build does not write "
                                   f"({', '.join(foreign)}): move them or write elsewhere")
    new, old = _sibling(folder, "new"), _sibling(folder, "old")
    new.mkdir(parents=True)
    digests = _write_all(new, files, sync, [n for n in together if n in files])
    if then is not None:
        digests.update(_write_all(new, then(dict(digests)), sync, []))
    _fsync_dir(new)
    if folder.exists():
        os.rename(folder, old)
    os.rename(new, folder)
    _fsync_dir(folder.parent)
    shutil.rmtree(old, ignore_errors=True)
    return digests


def _write_all(new: Path, files: Mapping[str, Content], sync: bool, together: list[str]
               ) -> dict[str, str]:
    """Write ``files`` into ``new`` (``together`` two at a time first); their SHA-256."""
    for name in files:
        (new / name).parent.mkdir(parents=True, exist_ok=True)  # e.g. tables/x.csv
    digests: dict[str, str] = {}
    if len(together) > 1:
        with ThreadPoolExecutor(max_workers=2, thread_name_prefix="ctkg-write") as pool:
            done = [pool.submit(_write_one, new / n, files[n], sync) for n in together]
            digests.update(zip(together, (f.result() for f in done), strict=True))
    for name in sorted(files):
        if name not in digests:
            digests[name] = _write_one(new / name, files[name], sync)
    return digests


def _write_one(path: Path, data: Content, sync: bool) -> str:
    """One file, its chunks gathered into writes of up to :data:`BATCH` bytes (one
    ``writev`` each); its SHA-256, hashed from the same bytes."""
    h = hashlib.sha256()
    with open(path, "wb") as fh:
        if isinstance(data, bytes):
            h.update(data)
            fh.write(data)
        else:  # chunks: bytes, or anything that gives them (a spooled span)
            batch: list[bytes] = []
            size = 0
            for chunk in data:
                part = bytes(chunk)
                h.update(part)
                batch.append(part)
                size += len(part)
                if size >= BATCH or len(batch) >= 1024:
                    _writev(fh.fileno(), batch)
                    batch, size = [], 0
            _writev(fh.fileno(), batch)
        if sync:
            fh.flush()
            os.fsync(fh.fileno())
    return h.hexdigest()


def _writev(fd: int, parts: list[bytes]) -> None:
    """Write ``parts`` in order (``writev`` may write less than asked: the rest then goes
    by ``os.write``)."""
    if not parts:
        return
    done = os.writev(fd, parts)
    total = sum(map(len, parts))
    if done < total:
        rest = memoryview(b"".join(parts))[done:]
        while rest:
            rest = rest[os.write(fd, rest):]
