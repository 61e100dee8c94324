"""Request logging, response headers and the admin token check.

Questions can contain patient details, so access logs carry only a request id, method, route, status,
sizes and timing; the question text is logged only when ``log_questions`` is switched on, and the admin
token is never logged at all.
"""

from __future__ import annotations

import hmac
import logging
import os
import re
import secrets
import time
from collections.abc import Awaitable, Callable

from fastapi import HTTPException, Request, Response
from fastapi.security import HTTPAuthorizationCredentials

log = logging.getLogger("curbside.api")

ADMIN_TOKEN_ENV = "CURBSIDE_ADMIN_TOKEN"
REQUEST_ID_HEADER = "X-Request-ID"
_CLIENT_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")

# The page loads nothing from elsewhere (offline hospital networks) and runs no inline script,
# so even a corpus text that slipped past escaping could not execute.
PAGE_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"
)


def admin_token() -> str | None:
    token = os.environ.get(ADMIN_TOKEN_ENV, "")
    return token or None


def require_admin(credentials: HTTPAuthorizationCredentials | None) -> None:
    """401 without a bearer token, 403 with a wrong one or when re-indexing is disabled."""
    if credentials is None or credentials.scheme.lower() != "bearer":
        raise HTTPException(401, "an admin bearer token is required", headers={"WWW-Authenticate": "Bearer"})
    expected = admin_token()
    if expected is None:
        raise HTTPException(403, f"re-indexing is disabled on this server ({ADMIN_TOKEN_ENV} is not set)")
    # compare_digest: the time taken does not reveal how much of the token matched.
    if not hmac.compare_digest(credentials.credentials.encode("utf-8"), expected.encode("utf-8")):
        raise HTTPException(403, "the admin token is not valid")


def request_id_of(request: Request) -> str:
    return getattr(request.state, "request_id", "-")


async def log_and_harden(request: Request, call_next: Callable[[Request], Awaitable[Response]]) -> Response:
    """Give each request an id, time it, log it without content, and add protective headers."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    request_id = incoming if _CLIENT_REQUEST_ID.match(incoming) else secrets.token_hex(8)
    request.state.request_id = request_id
    started = time.perf_counter()
    status = 500
    response: Response | None = None
    try:
        response = await call_next(request)
        status = response.status_code
        return response
    finally:
        elapsed_ms = (time.perf_counter() - started) * 1000.0
        route = request.scope.get("route")
        # The route template, not the raw path: ids stay out of aggregated logs' cardinality.
        path = getattr(route, "path", None) or "unmatched"
        log.info(
            "request id=%s method=%s route=%s status=%d ms=%.1f in_bytes=%s out_bytes=%s",
            request_id, request.method, path, status, elapsed_ms,
            request.headers.get("content-length", "0"),
            response.headers.get("content-length", "-") if response is not None else "-",
        )
        if response is not None:
            response.headers[REQUEST_ID_HEADER] = request_id
            response.headers["X-Content-Type-Options"] = "nosniff"
            response.headers["Referrer-Policy"] = "no-referrer"
            if request.url.path.startswith("/v1/"):
                response.headers["Cache-Control"] = "no-store"  # answers may echo patient details
            elif not request.url.path.startswith(("/docs", "/redoc", "/openapi")):
                response.headers["Content-Security-Policy"] = PAGE_CSP
