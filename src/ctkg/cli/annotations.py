"""Command-line adapters of the annotation stage: check, anchor, stats, conf, wikidata-norms."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctkg.cli.common import Commands, layout_of


def register(commands: Commands) -> None:
    p = commands.add("check", run_check,
                     "check the brat annotations against texts, scheme, registry")
    p.add_argument("corpus", nargs="?", type=Path, default=None,
                   help="collection folder (default data/corpus)")
    p = commands.add("anchor", run_anchor, "re-anchor annotation offsets from their quoted text")
    p.add_argument("ann", nargs="+", type=Path, help=".ann files to re-anchor")
    p.add_argument("--write", action="store_true",
                   help="rewrite the files (default: only report what would change)")
    p = commands.add("stats", run_stats, "mentions, relations and events per document")
    p.add_argument("--format", choices=["table", "csv", "json"], default="table")
    p = commands.add("conf", run_conf, "regenerate brat's annotation.conf etc. from the ontology")
    p.add_argument("--check", action="store_true",
                   help="fail if the collection's conf files differ from the ontology's")
    p = commands.add("wikidata-norms", run_wikidata_norms,
                     "write the Wikidata normalizations of the annotations from links.toml")
    p.add_argument("--check", action="store_true",
                   help="fail if the annotations' Wikidata lines differ from links.toml")


def run_check(args: argparse.Namespace) -> int:
    """Print every problem; exit 1 if any is an error."""
    from ctkg.annotations.check import check_corpus

    layout = layout_of(args)
    problems = check_corpus(layout, args.corpus)
    for p in problems:
        print(p)
    errors = sum(p.severity == "error" for p in problems)
    docs = len(list((args.corpus or layout.corpus).glob("*.ann")))
    print(f"{docs} annotated documents: {errors} errors, {len(problems) - errors} warnings")
    return 1 if errors else 0


def run_anchor(args: argparse.Namespace) -> int:
    """Exit 1 if any T line stays unresolved."""
    from ctkg.annotations.anchor import anchor_file, offsets_text
    from ctkg.atomic import write_bytes_atomic
    from ctkg.errors import display_path

    unresolved = 0
    for ann in args.ann:
        outcomes, before, after = anchor_file(Path(ann))
        where = display_path(ann)
        for o in outcomes:
            if o.new:
                verb = "re-anchored" if args.write else "would re-anchor"
                print(f"{where}:{o.line}: {o.ann_id}: {verb} {offsets_text(o.old)} -> "
                      f"{offsets_text(o.new)}")
            else:
                unresolved += 1
                print(f"{where}:{o.line}: error: {o.ann_id}: not re-anchored: {o.reason}")
        if args.write and after != before:
            write_bytes_atomic(Path(ann), after)
        if not outcomes:
            print(f"{where}: every T line matches its text")
    return 1 if unresolved else 0


def run_stats(args: argparse.Namespace) -> int:
    from ctkg.annotations.brat import read_collection
    from ctkg.annotations.stats import collect, render_csv, render_json, render_table
    from ctkg.inputs import read_inputs

    layout = layout_of(args)
    documents, _ = read_collection(layout.corpus)
    docs, total = collect(documents, read_inputs(layout))
    render = {"table": render_table, "csv": render_csv, "json": render_json}[args.format]
    sys.stdout.write(render(docs, total))
    return 0


def run_conf(args: argparse.Namespace) -> int:
    from ctkg.annotations.conf import render_all, stale_files
    from ctkg.annotations.scheme import checked_scheme
    from ctkg.atomic import write_text_atomic
    from ctkg.errors import CTKGError, display_path
    from ctkg.inputs.ontology import read_ontology

    layout = layout_of(args)
    ontology, problems = read_ontology(layout.ontology_files())
    if problems:
        raise CTKGError(problems)
    rendered = render_all(checked_scheme(ontology))
    if args.check:
        problems = stale_files(layout.corpus, rendered)
        if problems:
            raise CTKGError(problems)
        print("conf files are up to date")
        return 0
    for name, text in rendered.items():
        write_text_atomic(layout.corpus / name, text)
        print(f"wrote {display_path(layout.corpus / name)}")
    return 0


def run_wikidata_norms(args: argparse.Namespace) -> int:
    from ctkg.annotations.wikidata_norms import sync_collection
    from ctkg.errors import display_path

    for ann in sync_collection(layout_of(args), check=args.check):
        print(f"updated {display_path(ann)}")
    return 0
