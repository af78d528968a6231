"""Write files so that a reader never sees half of one: temp file, fsync, rename.

Every command that writes (build, conf, anchor, wikidata-norms, link --refresh) goes through
here, so "nothing half-written" is one mechanism rather than five.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Mapping
from pathlib import Path


def write_files_atomically(files: Mapping[Path, bytes]) -> None:
    """Write every file to a temp file in its folder, fsync, then rename them in order.

    Nothing is replaced until every temp file is complete, so a failure while writing leaves
    all old files intact; the replacements themselves are renames, done in the mapping's
    order (put a manifest last so that a crash between renames is detectable).
    """
    temps: dict[Path, Path] = {}
    try:
        for path, data in files.items():
            path.parent.mkdir(parents=True, exist_ok=True)
            fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
            temps[path] = Path(name)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.chmod(name, 0o644)
        for path, tmp in temps.items():
            os.replace(tmp, path)
        for folder in {p.parent for p in files}:
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
