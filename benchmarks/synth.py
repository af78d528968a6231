#!/usr/bin/env python3
"""Generate a synthetic CTKG project of N annotated documents (see :mod:`ctkg.synth`).

    python benchmarks/synth.py --docs 1000 --seed 1 --out /tmp/ctkg-synth-1000

The ontology, queries and brat configuration are copied from this repository.
"""

from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from ctkg.synth import generate  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--docs", type=int, required=True, help="number of documents")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True, help="project folder to create")
    args = parser.parse_args(argv)
    if args.docs < 1 or args.docs > 100_000:
        parser.error("--docs must be between 1 and 100000")
    if (args.out / "data" / "corpus").exists():
        shutil.rmtree(args.out / "data" / "corpus")
    generate(args.docs, args.seed, args.out, REPO)
    print(f"wrote {args.docs} synthetic documents to {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
