"""Evaluation items and the two on-disk dataset shapes (see eval/DATASETS.md).

Every dataset becomes a list of :class:`EvalConversation`: a conversations file keeps its
turns, and a question -> relevant-documents set (BEIR or TREC style) becomes one-turn
conversations. One shape lets a single runner and one set of metrics serve both.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


class DatasetFormatError(ValueError):
    """A dataset file is malformed; the message names the file, line and field."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        where = f"{path}:{line}" if line is not None else str(path)
        super().__init__(f"{where}: {message}")
        self.path = str(path)
        self.line = line


@dataclass(frozen=True)
class GoldEvidence:
    """Human-marked support: a document key and, when known, the words (and offsets) that support."""

    doc: str
    quote: str | None = None
    start: int | None = None  # offsets into the document text, when the source gives them
    end: int | None = None


@dataclass(frozen=True)
class EvalTurn:
    question: str
    answerable: bool = True
    gold: tuple[GoldEvidence, ...] = ()
    facet: str | None = None
    # Graded document relevance for IR metrics; derived from ``gold`` when a set has no qrels.
    relevant: dict[str, int] = field(default_factory=dict)
    turn_id: str = ""

    def relevant_docs(self) -> dict[str, int]:
        if self.relevant:
            return dict(self.relevant)
        return {g.doc: 1 for g in self.gold}


@dataclass(frozen=True)
class EvalConversation:
    conversation_id: str
    turns: tuple[EvalTurn, ...]


@dataclass(frozen=True)
class Dataset:
    name: str
    conversations: list[EvalConversation]
    # Which corpus the system must have indexed to answer (a key of eval.corpora.CORPORA, or "current").
    corpus: str = "current"
    description: str = ""

    @property
    def turns(self) -> list[EvalTurn]:
        return [t for c in self.conversations for t in c.turns]

    def limited(self, limit: int | None) -> Dataset:
        """The first ``limit`` conversations (items are pre-shuffled with a fixed seed where sampled)."""
        if limit is None or limit >= len(self.conversations):
            return self
        note = f" First {limit} of {len(self.conversations)} items."
        return Dataset(self.name, self.conversations[:limit], self.corpus, self.description + note)


# ---------------------------------------------------------------- conversations JSONL


def _require(
    obj: dict[str, Any], key: str, kind: type | tuple[type, ...], path: Path, line: int, where: str
) -> Any:
    if key not in obj:
        raise DatasetFormatError(path, line, f"missing field {where}{key!r}")
    value = obj[key]
    if not isinstance(value, kind):
        names = kind.__name__ if isinstance(kind, type) else "/".join(k.__name__ for k in kind)
        raise DatasetFormatError(
            path, line, f"field {where}{key!r} must be {names}, got {type(value).__name__}"
        )
    return value


def _parse_gold(raw: Any, path: Path, line: int, where: str) -> GoldEvidence:
    if not isinstance(raw, dict):
        raise DatasetFormatError(path, line, f"{where} must be an object with 'doc' and 'quote'")
    doc = _require(raw, "doc", str, path, line, where)
    quote = raw.get("quote")
    if quote is not None and not isinstance(quote, str):
        raise DatasetFormatError(path, line, f"field {where}'quote' must be str")
    start, end = raw.get("start"), raw.get("end")
    if (start is None) != (end is None) or any(
        v is not None and not isinstance(v, int) for v in (start, end)
    ):
        raise DatasetFormatError(path, line, f"{where}'start'/'end' must both be integers or both absent")
    return GoldEvidence(doc=doc, quote=quote, start=start, end=end)


def parse_conversation(obj: Any, path: Path, line: int) -> EvalConversation:
    """One conversations-JSONL record -> EvalConversation, with errors naming file, line and field."""
    if not isinstance(obj, dict):
        raise DatasetFormatError(path, line, "record must be a JSON object")
    conv_id = _require(obj, "id", str, path, line, "")
    turns_raw = _require(obj, "turns", list, path, line, "")
    if not turns_raw:
        raise DatasetFormatError(path, line, "field 'turns' is empty")
    turns = []
    for i, raw in enumerate(turns_raw):
        where = f"turns[{i}]."
        if not isinstance(raw, dict):
            raise DatasetFormatError(path, line, f"turns[{i}] must be an object")
        question = _require(raw, "question", str, path, line, where)
        if not question.strip():
            raise DatasetFormatError(path, line, f"field {where}'question' is empty")
        answerable = raw.get("answerable", True)
        if not isinstance(answerable, bool):
            raise DatasetFormatError(path, line, f"field {where}'answerable' must be true or false")
        gold_raw = raw.get("gold", [])
        if not isinstance(gold_raw, list):
            raise DatasetFormatError(path, line, f"field {where}'gold' must be a list")
        gold = tuple(_parse_gold(g, path, line, f"{where}gold[{j}].") for j, g in enumerate(gold_raw))
        if answerable and not gold:
            raise DatasetFormatError(path, line, f"{where[:-1]} is answerable but has no gold evidence")
        facet = raw.get("facet")
        turns.append(
            EvalTurn(
                question,
                answerable,
                gold,
                facet if isinstance(facet, str) else None,
                turn_id=f"{conv_id}#{i + 1}",
            )
        )
    return EvalConversation(conv_id, tuple(turns))


def _json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    with path.open(encoding="utf-8") as fh:
        for number, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            try:
                yield number, json.loads(text)
            except json.JSONDecodeError as exc:
                raise DatasetFormatError(
                    path, number, f"invalid JSON ({exc.msg} at column {exc.colno})"
                ) from None


def load_conversations(path: Path, name: str | None = None, corpus: str = "current") -> Dataset:
    """Read a conversations JSONL file (the shape of followup_dev.jsonl)."""
    conversations = [parse_conversation(obj, path, line) for line, obj in _json_lines(path)]
    if not conversations:
        raise DatasetFormatError(path, None, "no conversations in file")
    seen: set[str] = set()
    for conv in conversations:
        if conv.conversation_id in seen:
            raise DatasetFormatError(path, None, f"duplicate conversation id {conv.conversation_id!r}")
        seen.add(conv.conversation_id)
    return Dataset(name or path.stem, conversations, corpus)


# ---------------------------------------------------------------- BEIR / TREC style


def load_queries(path: Path) -> dict[str, str]:
    """BEIR ``queries.jsonl`` ({"_id", "text"}) or a two-column ``qid<TAB>text`` TSV."""
    queries: dict[str, str] = {}
    if path.suffix == ".jsonl":
        for line, obj in _json_lines(path):
            if not isinstance(obj, dict):
                raise DatasetFormatError(path, line, "record must be a JSON object")
            qid = _require(obj, "_id", (str, int), path, line, "")
            queries[str(qid)] = _require(obj, "text", str, path, line, "")
        return queries
    with path.open(encoding="utf-8") as fh:
        for line, text in enumerate(fh, start=1):
            if not text.strip():
                continue
            parts = text.rstrip("\n").split("\t")
            if len(parts) != 2:
                raise DatasetFormatError(path, line, f"expected 'query-id<TAB>text', got {len(parts)} fields")
            queries[parts[0]] = parts[1]
    return queries


def load_qrels(path: Path) -> dict[str, dict[str, int]]:
    """BEIR ``qrels/*.tsv`` (header, ``query-id corpus-id score``) or TREC ``qid 0 docid rel``."""
    qrels: dict[str, dict[str, int]] = {}
    with path.open(encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t")) if path.suffix == ".tsv" else [ln.split() for ln in fh]
    for line, row in enumerate(rows, start=1):
        if not row or not "".join(row).strip():
            continue
        if line == 1 and row[0] in ("query-id", "qid", "query_id"):
            continue  # BEIR header
        if len(row) == 3:
            qid, doc, grade = row
        elif len(row) == 4:
            qid, _, doc, grade = row
        else:
            raise DatasetFormatError(path, line, f"expected 3 (BEIR) or 4 (TREC) columns, got {len(row)}")
        try:
            qrels.setdefault(qid, {})[doc] = int(grade)
        except ValueError:
            raise DatasetFormatError(path, line, f"relevance {grade!r} is not an integer") from None
    return qrels


def load_beir(folder: Path, name: str | None = None, split: str = "test", corpus: str = "current") -> Dataset:
    """A BEIR/TREC folder: queries.jsonl|queries.tsv and qrels/<split>.tsv|qrels.txt."""
    queries_path = next((p for p in (folder / "queries.jsonl", folder / "queries.tsv") if p.exists()), None)
    qrels_path = next(
        (
            p
            for p in (folder / "qrels" / f"{split}.tsv", folder / "qrels.txt", folder / "qrels.tsv")
            if p.exists()
        ),
        None,
    )
    if queries_path is None or qrels_path is None:
        raise DatasetFormatError(
            folder, None, "needs queries.jsonl (or queries.tsv) and qrels/<split>.tsv (or qrels.txt)"
        )
    queries, qrels = load_queries(queries_path), load_qrels(qrels_path)
    missing = sorted(set(qrels) - set(queries))
    if missing:
        raise DatasetFormatError(
            qrels_path, None, f"qrels name queries absent from {queries_path.name}: {', '.join(missing[:5])}"
        )
    conversations = []
    for qid, text in queries.items():
        rel = {d: g for d, g in qrels.get(qid, {}).items() if g > 0}
        turn = EvalTurn(
            text, answerable=bool(rel), gold=tuple(GoldEvidence(d) for d in rel), relevant=rel, turn_id=qid
        )
        conversations.append(EvalConversation(qid, (turn,)))
    return Dataset(name or folder.name, conversations, corpus)


def load_path(path: Path, corpus: str = "current") -> Dataset:
    """A dataset given by path: a conversations .jsonl file or a BEIR/TREC folder."""
    if path.is_dir():
        return load_beir(path, corpus=corpus)
    if path.suffix == ".jsonl":
        return load_conversations(path, corpus=corpus)
    raise DatasetFormatError(path, None, "not a conversations .jsonl file or a BEIR/TREC folder")
