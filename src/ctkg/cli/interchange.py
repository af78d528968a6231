"""Command-line adapters of the interchange stage: ``ctkg inception typesystem|export|import``.

dkpro-cassis is an optional extra (``pip install -e ".[inception]"``): without it these
commands say so and exit 1; every other command works as before.
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

from ctkg.cli.common import Commands, layout_of
from ctkg.errors import CTKGError
from ctkg.paths import Layout

if TYPE_CHECKING:
    from ctkg.annotations.scheme import Scheme

NEEDS = 'ctkg inception needs dkpro-cassis: pip install -e ".[inception]"'


def register(commands: Commands) -> None:
    p = commands.add("inception", _no_action,
                     "exchange annotations with INCEpTION (UIMA CAS XMI)")
    sub = p.add_subparsers(dest="action", metavar="ACTION")
    for name, handler, help_ in (
            ("typesystem", run_typesystem, "write data/inception/TypeSystem.xml from the scheme"),
            ("export", run_export, "export documents as XMI with TypeSystem.xml"),
            ("import", run_import, "write .ann files from XMI files or INCEpTION zips")):
        q = sub.add_parser(name, help=help_, description=help_)
        q.add_argument("--root", type=Path, default=argparse.SUPPRESS,
                       help="project root (default: found from the working directory)")
        q.set_defaults(handler=handler)
        if name == "typesystem":
            q.add_argument("--check", action="store_true",
                           help="fail if the committed TypeSystem.xml differs from the scheme")
        elif name == "export":
            q.add_argument("docs", nargs="*", help="document ids (default: every document)")
            q.add_argument("--out", type=Path, required=True, help="folder to write into")
        else:
            q.add_argument("files", nargs="+", type=Path, help=".xmi files or INCEpTION zips")
            q.add_argument("--typesystem", type=Path, default=None,
                           help="type system of plain .xmi files (default: the committed one)")
            q.add_argument("--corpus", type=Path, default=None,
                           help="brat collection (default data/corpus)")


def _no_action(_args: argparse.Namespace) -> int:
    raise CTKGError.single("ctkg inception", None, "give an action: typesystem, export "
                                                   "or import (ctkg inception --help)")


def _scheme(layout: Layout) -> Scheme:
    from ctkg.annotations.scheme import checked_scheme
    from ctkg.inputs.ontology import read_ontology

    ontology, problems = read_ontology(layout.ontology_files())
    if problems:
        raise CTKGError(problems)
    return checked_scheme(ontology)


def _cassis() -> None:
    try:
        import cassis  # noqa: F401
    except ImportError as exc:
        raise CTKGError.single("ctkg inception", None, NEEDS) from exc


def run_typesystem(args: argparse.Namespace) -> int:
    _cassis()
    from ctkg.atomic import write_text_atomic
    from ctkg.errors import display_path
    from ctkg.interchange.typesystem import typesystem_xml

    layout = layout_of(args)
    path = layout.root / "data" / "inception" / "TypeSystem.xml"
    text = typesystem_xml(_scheme(layout))
    if args.check:
        current = path.read_text(encoding="utf-8") if path.is_file() else None
        if current != text:
            raise CTKGError.single(path, None, f"{display_path(path)} is "
                                   f"{'missing' if current is None else 'out of date'}: run "
                                   "ctkg inception typesystem")
        print(f"{display_path(path)} is up to date")
        return 0
    write_text_atomic(path, text)
    print(f"wrote {display_path(path)}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    _cassis()
    from ctkg.annotations.brat import read_collection
    from ctkg.errors import display_path
    from ctkg.interchange.corpus import export_corpus

    layout = layout_of(args)
    docs, problems = read_collection(layout.corpus)
    if problems:
        raise CTKGError(problems)
    unknown = sorted(set(args.docs) - {d.doc_id for d in docs})
    if unknown:
        raise CTKGError.single(layout.corpus, None, f"no such document: {', '.join(unknown)}")
    chosen = [d for d in docs if not args.docs or d.doc_id in args.docs]
    written = export_corpus(chosen, _scheme(layout), args.out)
    print(f"wrote {len(written) - 1} XMI files and TypeSystem.xml to "
          f"{display_path(args.out)}")
    return 0


def run_import(args: argparse.Namespace) -> int:
    _cassis()
    from ctkg.atomic import write_files_atomically
    from ctkg.errors import display_path
    from ctkg.inputs import load_inputs
    from ctkg.interchange.corpus import import_xmi, norm_labels, xmi_sources

    layout = layout_of(args)
    inputs = load_inputs(layout)
    labels = norm_labels(inputs.registry, inputs.links)
    scheme = _scheme(layout)
    default_ts = args.typesystem or layout.root / "data" / "inception" / "TypeSystem.xml"
    corpus = args.corpus or layout.corpus
    out: dict[Path, bytes] = {}
    for path in args.files:
        for source in xmi_sources(path, default_ts):
            ann_path, ann = import_xmi(source, scheme, corpus, labels)
            if ann_path in out:
                raise CTKGError.single(source.where, None, f"a second XMI for {ann_path.stem}")
            out[ann_path] = ann.encode("utf-8")
    write_files_atomically(out)
    for ann_path in out:
        print(f"wrote {display_path(ann_path)}")
    print("next: ctkg check, then the build")
    return 0
