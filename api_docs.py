"""OpenAPI docs at /docs served entirely from this server, so they work on an offline hospital network.

FastAPI's default docs page loads Swagger UI from a public CDN. The swagger-ui-bundle package ships the
same assets; they are mounted under /docs/assets and the page points there. Without that package /docs
is a plain page that links the machine-readable spec at /openapi.json.
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles

DOCS_ASSETS = "/docs/assets"
# Swagger UI's own init script is inline, so the docs get their own policy; hosts other than this one
# stay blocked either way.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)


def swagger_assets_dir() -> Path | None:
    """The folder holding swagger-ui-bundle.js and swagger-ui.css, or None when not installed."""
    try:
        from swagger_ui_bundle import swagger_ui_path
    except ImportError:
        return None
    folder = Path(swagger_ui_path)
    return folder if (folder / "swagger-ui-bundle.js").is_file() else None


def install_docs(app: FastAPI, openapi_url: str = "/openapi.json") -> None:
    """Add GET /docs (create the app with ``docs_url=None`` and ``redoc_url=None``)."""
    assets = swagger_assets_dir()
    if assets is not None:
        app.mount(DOCS_ASSETS, StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        if assets is None:
            page = _plain_docs_page(app.title, openapi_url)
        else:
            page = get_swagger_ui_html(
                openapi_url=openapi_url,
                title=f"{app.title} API",
                swagger_js_url=f"{DOCS_ASSETS}/swagger-ui-bundle.js",
                swagger_css_url=f"{DOCS_ASSETS}/swagger-ui.css",
                swagger_favicon_url=f"{DOCS_ASSETS}/favicon-32x32.png",
                # The default validator badge would fetch validator.swagger.io.
                swagger_ui_parameters={"validatorUrl": None},
            )
        page.headers["Content-Security-Policy"] = DOCS_CSP
        return page


def _plain_docs_page(title: str, openapi_url: str) -> HTMLResponse:
    name = html.escape(title)
    url = html.escape(openapi_url, quote=True)
    body = (
        f"<!DOCTYPE html><html><head><meta charset='utf-8'><title>{name} API</title></head><body>"
        f"<h1>{name} API</h1><p>The interactive docs need the swagger-ui-bundle package on the server. "
        f"The OpenAPI 3 description is at <a href='{url}'>{url}</a>; load it into any OpenAPI viewer "
        "or client generator.</p></body></html>"
    )
    return HTMLResponse(body)
