"""Command-line faces of the index: ``reindex SOURCE...``, ``index list`` and ``index rollback``."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from curbside.settings import Settings
from curbside.types import Document
from index.errors import CurbsideIndexError
from index.versions import list_versions, reindex, rollback


def register(subparsers: Any) -> None:
    """Add the index commands to the main parser's subparsers; handlers take (args, settings) -> exit code."""
    p = subparsers.add_parser("reindex", help="build a new index version from SOURCE paths (incremental)")
    p.add_argument("sources", nargs="+", metavar="SOURCE", help="files, folders, or 'open-medicine'")
    p.add_argument("--format", dest="fmt", default=None, help="input format (default: detect)")
    p.add_argument("--allow-failures", action="store_true", help="index what loaded despite failures")
    p.add_argument("--quiet", action="store_true", help="no progress lines")
    p.set_defaults(handler=run_reindex)

    idx = subparsers.add_parser("index", help="inspect or switch index versions")
    sub = idx.add_subparsers(dest="index_command", required=True)
    lst = sub.add_parser("list", help="list index versions")
    lst.set_defaults(handler=run_list)
    rb = sub.add_parser("rollback", help="make an older version current")
    rb.add_argument("version", nargs="?", default=None, help="e.g. v000003 (default: the previous one)")
    rb.set_defaults(handler=run_rollback)


def run_reindex(args: argparse.Namespace, settings: Settings) -> int:
    from ingest import load_paths  # the loaders belong to ingest; imported only for this command

    items = list(load_paths(args.sources, args.fmt))
    failures = [item for item in items if not isinstance(item, Document)]
    for failure in failures:
        print(f"could not load: {failure}", file=sys.stderr)
    if failures and not args.allow_failures:
        print(f"{len(failures)} input(s) failed to load; nothing indexed "
              "(use --allow-failures to index the rest)", file=sys.stderr)
        return 2
    try:
        summary = reindex(items, settings, progress=not args.quiet)
    except CurbsideIndexError as err:
        print(f"reindex failed: {err}", file=sys.stderr)
        return 1
    print(summary.line())
    for line in summary.skipped_lines():
        print(line, file=sys.stderr)
    return 0


def run_list(args: argparse.Namespace, settings: Settings) -> int:
    versions = list_versions(settings)
    if not versions:
        print(f"no index versions in {settings.index_dir}")
        return 0
    for v in versions:
        mark = "*" if v.current else " "
        if v.complete:
            print(f"{mark} {v.version}  {v.created}  {v.docs} docs  {v.chunks} chunks  backend={v.backend}")
        else:
            print(f"{mark} {v.version}  incomplete or unreadable")
    return 0


def run_rollback(args: argparse.Namespace, settings: Settings) -> int:
    try:
        version = rollback(settings, args.version)
    except CurbsideIndexError as err:
        print(f"rollback failed: {err}", file=sys.stderr)
        return 1
    print(f"current index version is now {version}")
    return 0
