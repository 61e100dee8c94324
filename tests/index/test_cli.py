"""The index commands: reindex refuses failed inputs unless allowed; list and rollback show and switch."""

from __future__ import annotations

import argparse

import pytest

import ingest
from curbside.settings import Settings
from curbside.types import Document
from index.cli import register
from index.versions import open_current


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="curbside")
    register(parser.add_subparsers(dest="command", required=True))
    return parser.parse_args(argv)


def test_reindex_list_rollback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], settings: Settings,
    docs: list[Document],
) -> None:
    loads = {"first": [docs[0], "broken.pdf: not a PDF"], "second": docs[:2]}
    monkeypatch.setattr(ingest, "load_paths", lambda paths, fmt: loads[paths[0]])

    args = parse(["reindex", "first"])
    assert args.handler(args, settings) == 2  # a failed input stops the run by default
    assert "broken.pdf" in capsys.readouterr().err
    args = parse(["reindex", "first", "--allow-failures", "--quiet"])
    assert args.handler(args, settings) == 0
    assert "1 added" in capsys.readouterr().out
    loads["second"] = [*docs[:2], docs[0]]  # the same id twice: the first is kept, the second reported
    args = parse(["reindex", "second", "--quiet"])
    assert args.handler(args, settings) == 0
    assert open_current(settings).n_docs == 2
    assert f"skipped: {docs[0].doc_id}: duplicate document id, first one kept" in capsys.readouterr().err

    args = parse(["index", "list"])
    assert args.handler(args, settings) == 0
    listing = capsys.readouterr().out.splitlines()
    assert [line[:10] for line in listing] == ["  v000001 ", "* v000002 "]
    args = parse(["index", "rollback"])
    assert args.handler(args, settings) == 0
    assert open_current(settings).n_docs == 1
    args = parse(["index", "rollback", "v000042"])
    assert args.handler(args, settings) == 1
    assert "v000042" in capsys.readouterr().err
