#!/usr/bin/env python3
"""Thin entry point: ``python build.py [args]`` is ``ctkg build [args]``."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from ctkg.cli.main import main

if __name__ == "__main__":
    raise SystemExit(main(["build", *sys.argv[1:]]))
