"""Running the API with uvicorn: loopback by default, one or several worker processes.

Worker processes are started by uvicorn from an import string, so the settings travel to them in an
environment variable (pickled by this same process; nothing outside it writes that variable).
"""

from __future__ import annotations

import base64
import ipaddress
import logging
import os
import pickle

from fastapi import FastAPI

from curbside.settings import Settings

log = logging.getLogger("curbside.api")

SETTINGS_ENV = "CURBSIDE_SERVE_SETTINGS"


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_address(settings: Settings, host: str | None = None, port: int | None = None) -> tuple[str, int]:
    """Where to listen: explicit arguments first, then settings (127.0.0.1:8000 by default)."""
    return (host or settings.api.host, port if port is not None else settings.api.port)


def configure_logging() -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")


def serve(settings: Settings, host: str | None = None, port: int | None = None, workers: int = 1) -> None:
    """Serve the API and page until interrupted (used by ``curbside serve``)."""
    import uvicorn

    from api import create_app

    configure_logging()
    bind_host, bind_port = bind_address(settings, host, port)
    if not is_loopback(bind_host):
        log.warning("listening on %s: reachable from other machines; put TLS and access control in front",
                    bind_host)
    if workers < 1:
        raise ValueError(f"workers must be at least 1, got {workers}")
    # uvicorn's own access log would print raw paths and client addresses; ours is content-free.
    common = {"host": bind_host, "port": bind_port, "access_log": False, "log_config": None}
    if workers == 1:
        uvicorn.run(create_app(settings), **common)
        return
    # Build (or open) the index once here, so that workers do not race to build it on first use.
    from answer.service import ensure_default_index

    ensure_default_index(settings, progress=True)
    os.environ[SETTINGS_ENV] = base64.b64encode(pickle.dumps(settings)).decode("ascii")
    uvicorn.run("api:app_from_environment", factory=True, workers=workers, **common)


def app_from_environment() -> FastAPI:
    """App factory for worker processes: settings come from the parent through the environment."""
    from api import create_app

    configure_logging()
    encoded = os.environ.get(SETTINGS_ENV)
    settings = pickle.loads(base64.b64decode(encoded)) if encoded else Settings()
    return create_app(settings)
