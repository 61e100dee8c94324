"""The ``curbside ingest PATH... [--format F]`` subcommand."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from curbside.settings import Settings
from ingest.loaders import FORMATS
from ingest.pipeline import ingest_paths


def register(subparsers: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = subparsers.add_parser(
        "ingest",
        help="read sources into documents and chunks, and report counts and failures",
        description="Read files and folders (PDF, Markdown, text, JSONL, PubMed XML, known datasets "
        "by layout; "
        "the name 'open-medicine' reads the installed guideline package) into chunks.",
    )
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or 'open-medicine'")
    parser.add_argument("--format", choices=FORMATS, default=None, help="read every file as this format")
    parser.add_argument("--allow-failures", action="store_true", help="exit 0 even when some inputs failed")
    parser.add_argument("--limit", type=int, default=None, help="at most this many documents per source")
    parser.add_argument("--quiet", action="store_true", help="no progress lines")
    parser.set_defaults(handler=run_ingest)


def run_ingest(args: argparse.Namespace, settings: Settings) -> int:
    if args.limit is not None and args.limit < 1:
        print("error: --limit must be at least 1", file=sys.stderr)
        return 2
    report = ingest_paths(
        [Path(p) if p != "open-medicine" else p for p in args.paths],
        args.format,
        settings,
        progress=not args.quiet,
        limit=args.limit,
    )
    for line in report.summary_lines():
        print(line)
    if report.failures and not args.allow_failures:
        return 1
    return 0
