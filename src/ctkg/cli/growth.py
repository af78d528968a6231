"""Command-line adapters for growing the corpus: ``ctkg add``, ``ctkg suggest``, ``ctkg refresh``.

The three steps of CONTRIBUTING's "Add a document", in the order a person runs them: add the
text, get suggestions to confirm in brat, then put the confirmed document in the graph.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ctkg.cli.common import Commands, layout_of


def register(commands: Commands) -> None:
    p = commands.add("add", run_add, "add a source text to the corpus with its catalogue entry")
    p.add_argument("text", type=Path, help="the text file (UTF-8)")
    p.add_argument("--date", required=True,
                   help="publication date as the text supports it: YYYY, YYYY-MM or YYYY-MM-DD")
    p.add_argument("--kind", required=True, help="NewsArticle, InterviewArticle, "
                   "SpeechTranscript or ThirdPartyRewrite")
    p.add_argument("--publisher", required=True,
                   help="a registry slug, or '' when the text does not name its publisher")
    p.add_argument("--title", help="the headline (default: the text's first line)")
    p.add_argument("--url", help="the address, only if the text gives one")
    p.add_argument("--language", default="en", help="BCP 47 tag (default en)")
    p.add_argument("--date-evidence", help="how the date was found; with an inferred date, "
                   "required")
    p.add_argument("--date-inferred", action="store_true",
                   help="the date is inferred, not printed in the text")
    p = commands.add("suggest", run_suggest,
                     "pre-annotate a document for a person to confirm in brat")
    p.add_argument("document", help="a document id of data/corpus/, or the path of its .txt")
    p.add_argument("--dry-run", action="store_true", help="print, write nothing")
    p = commands.add("refresh", run_refresh, "after confirming: build, write data/kg, and "
                     "regenerate the expected query results that changed")
    p.add_argument("--jobs", "-j", type=int, default=1, help="build in N processes")


def run_add(args: argparse.Namespace) -> int:
    from ctkg.inputs.add_text import NewDocument, add_document

    meta = NewDocument(date=args.date, kind=args.kind, publisher=args.publisher,
                       title=args.title, url=args.url, language=args.language,
                       date_inferred=args.date_inferred, date_evidence=args.date_evidence)
    doc_id = add_document(layout_of(args), args.text, meta)
    print(f"added {doc_id}: data/corpus/{doc_id}.txt, an empty data/corpus/{doc_id}.ann and "
          f"its [\"{doc_id}\"] table in data/catalogue.toml\nnext: ctkg suggest {doc_id}")
    return 0


def run_suggest(args: argparse.Namespace) -> int:
    from ctkg.annotations.suggest import find_document, report, suggest_document

    layout = layout_of(args)
    found = suggest_document(layout, args.document, write=not args.dry_run)
    ann = find_document(layout, args.document).with_suffix(".ann")
    sys.stdout.write(report(found, ann, written=not args.dry_run and bool(found.lines)))
    if args.dry_run:
        sys.stdout.write("".join(line + "\n" for line in found.lines))
    return 0


def run_refresh(args: argparse.Namespace) -> int:
    from ctkg.kg.refresh import refresh

    done = refresh(layout_of(args), jobs=max(1, args.jobs))
    print(f"built {done.documents} documents; data/kg: "
          f"{', '.join(done.release_files) if done.release_files else 'unchanged'}")
    if done.expected:
        print("expected query results rewritten (review with git diff queries/expected):")
        for name, before, after in done.expected:
            print(f"  queries/expected/{name}.csv: {before} -> {after} rows")
    else:
        print("expected query results: unchanged")
    return 0
