"""What every command adapter shares: the subcommand registry and the project layout."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ctkg.paths import Layout, find_root

Handler = Callable[[argparse.Namespace], int]


class Commands:
    """The ``ctkg`` subcommands: each adapter module adds its own with :meth:`add`."""

    def __init__(self, sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
        self.sub = sub

    def add(self, name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p = self.sub.add_parser(name, help=help_, description=help_)
        p.add_argument("--root", type=Path, default=None,
                       help="project root (default: found from the working directory)")
        p.set_defaults(handler=handler)
        return p


def layout_of(args: argparse.Namespace) -> Layout:
    """The project layout named by ``--root``, else found from the working directory."""
    return Layout(Path(args.root) if args.root is not None else find_root())
