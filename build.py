#!/usr/bin/env python3
"""Thin entry point: ``python build.py [args]`` is ``ctkg build --root <this folder> [args]``."""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE / "src"))

from ctkg.cli.main import main  # noqa: E402

if __name__ == "__main__":
    root = [] if "--root" in sys.argv else ["--root", str(HERE)]
    raise SystemExit(main(["build", *root, *sys.argv[1:]]))
