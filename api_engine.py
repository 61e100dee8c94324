"""The answering engine as the API sees it: loaded in the background, swapped when the index changes.

Loading the index can take minutes on first use (the default corpus is built then), so the server
starts answering /healthz at once and /readyz says when questions can be asked. With several worker
processes only the one that ran a re-index swaps by itself; the others notice that the index's
``current`` link moved and reload, while requests already running keep the version they started on.
"""

from __future__ import annotations

import dataclasses
import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from curbside.settings import Settings
from curbside.types import Answer, Chunk, DocMeta

log = logging.getLogger("curbside.api")

# How often a worker looks at the index link; a stat call, so cheap, but not on every request.
VERSION_CHECK_INTERVAL_S = 2.0


class EngineNotReady(RuntimeError):
    """Questions cannot be answered yet (index loading) or at all (loading failed)."""


class EngineHolder:
    """Holds the engine, builds it lazily in a thread, and reloads it when the index version moves."""

    def __init__(self, settings: Settings, engine: object | None = None,
                 factory: Callable[[Settings], object] | None = None) -> None:
        self.settings = settings
        self._engine = engine
        self._factory = factory or _default_factory
        self._error: str | None = None
        self._loading = False
        self._lock = threading.Lock()
        self._link = settings.index_dir / "current"
        self._link_seen = _link_target(self._link)
        self._last_check = time.monotonic()
        self._reloading = False

    def start_loading(self) -> None:
        """Build the engine in a daemon thread unless one was given."""
        with self._lock:
            if self._engine is not None or self._loading:
                return
            self._loading = True
        threading.Thread(target=self._load, name="curbside-engine-load", daemon=True).start()

    def _load(self) -> None:
        try:
            engine = self._factory(self.settings)
            _ = engine.index  # type: ignore[attr-defined]  # opens (or first builds) the index now
            warm_up = getattr(engine, "warm_up", None)
            if callable(warm_up):
                warm_up()  # before /readyz says ready: the first question must not pay for it
            with self._lock:
                self._engine = engine
                self._link_seen = _link_target(self._link)
            log.info("engine ready: index version %s", engine.index.version)  # type: ignore[attr-defined]
        except Exception as exc:  # the server stays up and /readyz explains what went wrong
            log.exception("loading the index failed")
            # Only the exception's type reaches clients: its message may name server paths.
            self._error = f"loading the index failed ({type(exc).__name__}); see the server log"
        finally:
            self._loading = False

    @property
    def ready(self) -> bool:
        return self._engine is not None

    @property
    def error(self) -> str | None:
        return self._error

    def get(self) -> Any:
        """The engine, or EngineNotReady explaining why there is none yet."""
        engine = self._engine
        if engine is None:
            raise EngineNotReady(self._error or "the index is still loading; try again shortly")
        self._maybe_follow_new_version(engine)
        return engine

    def _maybe_follow_new_version(self, engine: Any) -> None:
        now = time.monotonic()
        if now - self._last_check < VERSION_CHECK_INTERVAL_S:
            return
        self._last_check = now
        target = _link_target(self._link)
        if target is None or target == self._link_seen or self._reloading:
            return
        self._reloading = True
        # Reload off the request path: this request and others in flight keep the old version.
        threading.Thread(target=self._reload, args=(engine, target), daemon=True).start()

    def _reload(self, engine: Any, target: str) -> None:
        try:
            engine.reload()
            self._link_seen = target
            log.info("swapped in index version %s", engine.index.version)
        except Exception:
            log.exception("reloading the index failed; still serving the previous version")
        finally:
            self._reloading = False

    def note_swapped(self) -> None:
        """Record that this process already reloaded (after its own re-index)."""
        self._link_seen = _link_target(self._link)


def _default_factory(settings: Settings) -> object:
    from answer.service import Curbside

    return Curbside(settings, progress=False)


def _link_target(link: Path) -> str | None:
    try:
        if link.is_symlink():
            return os.readlink(link)
        # A plain file or folder named "current" (no symlinks on this filesystem): its change time moves.
        return str(link.stat().st_mtime_ns) if link.exists() else None
    except OSError:
        return None


ENGINE_FAILURE_MESSAGE = (
    "Curbside could not process this question (request id {request_id}). Try rephrasing it; "
    "if it keeps happening, give the request id to the people who run this server."
)


def ask_or_refuse(engine: Any, question: str, conversation: Any, request_id: str) -> Answer:
    """``engine.ask``, with any failure turned into a refusal that names the request id.

    A question that trips a bug in retrieval or composition is still user input: the clinician gets a
    clear refusal (as for a question nothing answers), and the server log gets the traceback.
    """
    try:
        return engine.ask(question, conversation)
    except Exception:
        log.exception("answering failed id=%s question_chars=%d", request_id, len(question))
        return Answer(question=question, interpreted_as=question, refused=True,
                      refusal_message=ENGINE_FAILURE_MESSAGE.format(request_id=request_id),
                      disclaimer="No answer was produced.")


# -- serialisation ------------------------------------------------------------------------------

def answer_json(answer: Answer) -> dict[str, Any]:
    """The answer as ``curbside ask --json`` prints it, with no file paths left in it."""
    try:
        from answer.render import answer_to_dict
    except ImportError:  # the renderer is optional at this layer; the dataclass shape is the fallback
        answer_to_dict = _plain
    return scrub_paths(answer_to_dict(answer))


def _plain(obj: object) -> Any:
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: _plain(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, list | tuple):
        return [_plain(x) for x in obj]
    if isinstance(obj, dict):
        return {str(k): _plain(v) for k, v in obj.items()}
    return obj


def _is_path_key(key: str) -> bool:
    key = key.lower()
    return key.endswith(("path", "file", "filename", "dir", "directory"))


def _looks_like_path(value: str) -> bool:
    windows_drive = len(value) > 2 and value[1:3] in (":\\", ":/")
    return value.startswith(("/", "~/", "./", "../", "file:")) or windows_drive


def _safe_extra(extra: object) -> object:
    """Document ``extra`` fields without server paths (as pairs or as a mapping)."""
    pairs = extra.items() if isinstance(extra, dict) else extra
    if not isinstance(pairs, list | tuple) and not isinstance(extra, dict):
        return extra
    kept = [(k, v) for k, v in pairs
            if not (_is_path_key(str(k)) or (isinstance(v, str) and _looks_like_path(v)))]
    return dict(kept) if isinstance(extra, dict) else [list(p) for p in kept]


def scrub_paths(value: Any) -> Any:
    """Drop anything that would reveal the server's files: path fields, path-like extras, non-web URLs."""
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if _is_path_key(str(key)) and key != "section_path":
                continue
            if key == "url" and isinstance(item, str) and not item.startswith(("http://", "https://")):
                out[key] = None
            elif key == "extra":
                out[key] = _safe_extra(item)
            else:
                out[key] = scrub_paths(item)
        return out
    if isinstance(value, list):
        return [scrub_paths(x) for x in value]
    return value


def document_json(meta: DocMeta) -> dict[str, Any]:
    extra = {k: v for k, v in meta.extra if not _is_path_key(k) and not _looks_like_path(v)}
    url = meta.url if meta.url and meta.url.startswith(("http://", "https://")) else None
    return {
        "doc_id": meta.doc_id, "title": meta.title, "source": meta.source, "tier": meta.tier,
        "organization": meta.organization, "journal": meta.journal, "year": meta.year, "doi": meta.doi,
        "pmid": meta.pmid, "url": url, "publication_types": list(meta.publication_types),
        "written_for_corpus": meta.written_for_corpus, "extra": extra,
    }


def passage_json(chunk: Chunk, meta: DocMeta | None, span: tuple[int, int] | None) -> dict[str, Any]:
    """The passage with its document; ``span`` (document offsets) is split out for highlighting."""
    highlight = None
    if span is not None:
        lo = max(span[0], chunk.start) - chunk.start
        hi = min(span[1], chunk.end) - chunk.start
        highlight = {"before": chunk.text[:lo], "marked": chunk.text[lo:hi], "after": chunk.text[hi:]}
    return {
        "chunk_id": chunk.chunk_id, "doc_id": chunk.doc_id, "text": chunk.text, "start": chunk.start,
        "end": chunk.end, "section_path": list(chunk.section_path), "page": chunk.page, "tier": chunk.tier,
        "document": document_json(meta) if meta is not None else None, "highlight": highlight,
    }
