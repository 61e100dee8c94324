"""The HTTP face of Curbside: a JSON API, its OpenAPI docs at /docs, and the clinician web page at /.

``create_app(settings, engine)`` builds the app (tests inject a small engine; None builds the real one
in the background); ``serve(settings, host, port, workers)`` runs it, on loopback unless told otherwise.
"""

import logging
import threading
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Query, Request
from fastapi import Path as PathParam
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.routing import APIRoute
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from fastapi.staticfiles import StaticFiles
from pydantic import Field, create_model
from starlette.exceptions import HTTPException as StarletteHTTPException

from api_docs import install_docs
from api_engine import EngineHolder, EngineNotReady, answer_json, ask_or_refuse, document_json, passage_json
from api_jobs import JOB_STALE_S, run_reindex_job
from api_models import (
    ID_PATTERN,
    VISIBLE_CHARACTER,
    AskRequest,
    ConversationOut,
    DeletedOut,
    DocumentOut,
    HealthOut,
    JobOut,
    PassageOut,
    ReadyOut,
    ReindexRequest,
)
from api_openapi import CONVERSATION_HEADER, TURN_HEADER, ask_responses
from api_security import log_and_harden, request_id_of, require_admin
from api_store import Store
from curbside.settings import Settings
from curbside.types import Conversation, Turn

log = logging.getLogger("curbside.api")

WEB_DIR = Path(__file__).resolve().parent / "web"
DB_FILENAME = "conversations.sqlite"

bearer = HTTPBearer(auto_error=False, description="Admin token (the server's CURBSIDE_ADMIN_TOKEN).")


def _admin(credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]) -> None:
    # A dependency runs before the body is validated: a caller without the token learns nothing else.
    require_admin(credentials)


Admin = Depends(_admin)


def _field_error(status: int, loc: list[str | int], msg: str, kind: str) -> JSONResponse:
    # Same shape as pydantic's own 422s, so clients handle one error format.
    return JSONResponse({"detail": [{"loc": loc, "msg": msg, "type": kind}]}, status_code=status)


def create_app(settings: Settings, engine: object | None = None,
               engine_factory: Callable[[Settings], object] | None = None) -> FastAPI:
    """The FastAPI app over ``engine``.

    With no engine, ``engine_factory(settings)`` (default: ``answer.service.Curbside``) runs in the
    background at startup; until it is done /readyz and the question routes answer 503.
    """
    holder = EngineHolder(settings, engine, engine_factory)
    store = Store(settings.home / DB_FILENAME, settings.api.retention_days)
    limits = settings.api

    @asynccontextmanager
    async def lifespan(_: FastAPI):  # type: ignore[no-untyped-def]
        store.purge_expired()
        store.interrupt_stale_jobs(JOB_STALE_S)
        holder.start_loading()
        yield

    app = FastAPI(
        title="Curbside",
        version="1",
        summary="Answers clinical questions and follow-ups with passages cited from guidelines and research.",
        lifespan=lifespan,
        docs_url=None,  # the default /docs loads Swagger UI from a CDN; install_docs serves it locally
        redoc_url=None,
    )
    install_docs(app)
    app.state.holder = holder
    app.state.store = store
    app.middleware("http")(log_and_harden)
    if limits.cors_origins:  # off unless origins are configured
        app.add_middleware(CORSMiddleware, allow_origins=list(limits.cors_origins), allow_methods=["*"],
                           allow_headers=["*"],
                           expose_headers=[CONVERSATION_HEADER, TURN_HEADER, "X-Request-ID"])

    @app.exception_handler(RequestValidationError)
    async def _invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        # The offending input is left out: it may be a question with patient details.
        errors = [{"loc": list(e.get("loc", ())), "msg": e.get("msg", ""), "type": e.get("type", "")}
                  for e in exc.errors()]
        return JSONResponse({"detail": errors}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            # A body that is not JSON at all is bad input like any other: 422 naming the body.
            return _field_error(422, ["body"], "the request body is not valid JSON", "json_invalid")
        if exc.status_code == 405:
            # Starlette names only the first matching route's methods; a client deserves all of them.
            path = request.url.path
            allowed = {m for r in app.routes if isinstance(r, APIRoute) and r.path_regex.match(path)
                       for m in (r.methods or ())}
            return JSONResponse({"detail": exc.detail}, 405, headers={"Allow": ", ".join(sorted(allowed))})
        return await http_exception_handler(request, exc)

    @app.exception_handler(EngineNotReady)
    async def _not_ready(_: Request, exc: EngineNotReady) -> JSONResponse:
        return JSONResponse({"detail": str(exc)}, status_code=503, headers={"Retry-After": "5"})

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.error("unhandled error id=%s: %s", request_id_of(request), type(exc).__name__, exc_info=exc)
        return JSONResponse({"detail": f"internal error (request id {request_id_of(request)})"}, 500)

    # -- page and health -------------------------------------------------------------------------

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(WEB_DIR / "index.html", media_type="text/html")

    app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")

    @app.get("/healthz", response_model=HealthOut, tags=["health"])
    def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", response_model=ReadyOut, tags=["health"], responses={503: {"model": ReadyOut}})
    def readyz() -> Any:
        if not holder.ready:
            body = ReadyOut(ready=False, detail=holder.error or "the index is still loading")
            return JSONResponse(body.model_dump(), status_code=503)
        index = holder.get().index
        return ReadyOut(ready=True, index_version=str(index.version), n_documents=int(index.n_docs),
                        n_chunks=int(index.n_chunks))

    # -- asking ------------------------------------------------------------------------------------

    # The configured length limit goes into the model, so the OpenAPI spec states it too.
    AskBody = create_model(  # noqa: N806  (a class)
        "AskRequest", __base__=AskRequest,
        question=(str, Field(min_length=1, max_length=limits.max_question_chars,
                             description=AskRequest.model_fields["question"].description,
                             json_schema_extra={"pattern": VISIBLE_CHARACTER})),
    )

    @app.post("/v1/ask", tags=["ask"], response_class=JSONResponse, responses=ask_responses())
    def ask(body: AskBody, request: Request) -> Any:  # type: ignore[valid-type]
        """Answer a question, starting a conversation or continuing ``conversation_id``.

        The body is exactly the answer JSON; the conversation's id and the turn's index come back in the
        X-Conversation-ID and X-Turn-Index headers.
        """
        stored = None
        if body.conversation_id is not None:
            stored = store.get_conversation(body.conversation_id)
            if stored is None:
                raise HTTPException(404, "unknown or expired conversation_id")
            if len(stored.turns) >= limits.max_turns:
                return _field_error(422, ["body", "conversation_id"],
                                    f"conversation already has {limits.max_turns} turns; start a new one",
                                    "too_many_turns")
        engine = holder.get()
        if limits.log_questions:
            log.info("question id=%s text=%r", request_id_of(request), body.question)
        # A new conversation gets its id only once it has an answer (a refusal counts), so requests
        # rejected before this point leave no rows.
        conversation = stored.to_conversation() if stored is not None else Conversation(conversation_id="")
        n_before = len(conversation.turns)
        answer = ask_or_refuse(engine, body.question, conversation, request_id_of(request))
        payload = answer_json(answer)
        turn = conversation.turns[-1] if len(conversation.turns) > n_before else Turn(
            question=body.question, rewritten=answer.interpreted_as, refused=answer.refused)
        conversation_id = stored.conversation_id if stored is not None else store.create_conversation()
        index = store.append_turn(conversation_id, turn, payload)
        if index is None:
            raise HTTPException(404, "the conversation was deleted while this question was answered")
        return JSONResponse(payload, headers={CONVERSATION_HEADER: conversation_id, TURN_HEADER: str(index)})

    @app.get("/v1/conversations/{conversation_id}", response_model=ConversationOut, tags=["conversations"],
             responses={404: {}})
    def get_conversation(conversation_id: Annotated[str, PathParam(pattern=ID_PATTERN)]) -> Any:
        stored = store.get_conversation(conversation_id)
        if stored is None:
            raise HTTPException(404, "unknown or expired conversation_id")
        turns = [
            {"index": t.index, "question": t.turn.question, "interpreted_as": t.turn.rewritten,
             "cited_doc_ids": t.turn.cited_doc_ids, "refused": t.turn.refused, "asked_at": t.asked_at,
             "answer": t.answer}
            for t in stored.turns
        ]
        return {"conversation_id": stored.conversation_id, "created_at": stored.created_at,
                "updated_at": stored.updated_at, "turns": turns}

    @app.delete("/v1/conversations/{conversation_id}", response_model=DeletedOut, tags=["conversations"],
                responses={404: {}})
    def delete_conversation(conversation_id: Annotated[str, PathParam(pattern=ID_PATTERN)]) -> Any:
        if not store.delete_conversation(conversation_id):
            raise HTTPException(404, "unknown conversation_id")
        return {"conversation_id": conversation_id, "deleted": True}

    # -- corpus ------------------------------------------------------------------------------------

    @app.get("/v1/passages/{chunk_id}", response_model=PassageOut, tags=["corpus"], responses={404: {}})
    def get_passage(
        chunk_id: Annotated[str, PathParam(min_length=1, max_length=200)],
        start: Annotated[int | None, Query(ge=0, description="Supporting words' start (doc offset)")] = None,
        end: Annotated[int | None, Query(ge=0, description="Supporting words' end (doc offset)")] = None,
    ) -> Any:
        index = holder.get().index
        chunk = index.chunk_by_id(chunk_id)
        if chunk is None:
            raise HTTPException(404, "unknown chunk_id")
        span = None
        if start is not None or end is not None:
            # One side given: the highlight runs to the passage's edge on the other.
            start = chunk.start if start is None else start
            end = chunk.end if end is None else end
            if end < start:
                return _field_error(422, ["query", "end"], "end is before start", "value_error")
            if end <= chunk.start or start >= chunk.end:
                return _field_error(422, ["query", "start"], "the span lies outside this passage",
                                    "value_error")
            span = (start, end)
        return passage_json(chunk, index.doc(chunk.doc_id), span)

    @app.get("/v1/documents/{doc_id:path}", response_model=DocumentOut, tags=["corpus"], responses={404: {}})
    def get_document(doc_id: Annotated[str, PathParam(min_length=1, max_length=300)]) -> Any:
        meta = holder.get().index.doc(doc_id)
        if meta is None:
            raise HTTPException(404, "unknown doc_id")
        return document_json(meta)

    # -- re-indexing -------------------------------------------------------------------------------

    @app.post("/v1/reindex", response_model=JobOut, status_code=202, tags=["admin"], dependencies=[Admin],
              responses={401: {}, 403: {}, 409: {}, 422: {}})
    def start_reindex(body: ReindexRequest) -> Any:
        for i, source in enumerate(body.sources):
            if not Path(source).exists():
                return _field_error(422, ["body", "sources", i], "no such file or folder on the server",
                                    "path_not_found")
        engine = holder.get()
        if store.running_job("reindex") is not None:
            raise HTTPException(409, "a re-index job is already running")
        job_id = store.create_job("reindex")
        threading.Thread(target=run_reindex_job, args=(engine, holder, store, job_id, body), daemon=True,
                         name=f"reindex-{job_id}").start()
        return store.get_job(job_id)

    @app.get("/v1/jobs/{job_id}", response_model=JobOut, tags=["admin"], dependencies=[Admin],
             responses={401: {}, 403: {}, 404: {}})
    def get_job(job_id: Annotated[str, PathParam(pattern=ID_PATTERN)]) -> Any:
        job = store.get_job(job_id)
        if job is None:
            raise HTTPException(404, "unknown job_id")
        return job

    return app


from api_serve import app_from_environment, serve  # noqa: E402  (re-exported: `curbside serve` imports these)

__all__ = ["create_app", "serve", "app_from_environment"]
