"""/docs works offline: every asset it loads comes from this server."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

import api
import api_docs

_LOADED = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']""", re.IGNORECASE)


def _loaded_urls(page: str) -> list[str]:
    return _LOADED.findall(page)


def test_docs_page_loads_only_local_assets(client: TestClient) -> None:
    if api_docs.swagger_assets_dir() is None:
        pytest.skip("swagger-ui-bundle is not installed: the plain docs page is tested below")
    page = client.get("/docs")
    assert page.status_code == 200
    assert "://" not in page.text  # no host of any kind, CDN or otherwise
    urls = _loaded_urls(page.text)
    assert any(u.endswith("swagger-ui-bundle.js") for u in urls)
    for url in urls:
        assert url.startswith("/"), url
        assert client.get(url).status_code == 200, url
    assert "url: '/openapi.json'" in page.text
    csp = page.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "http" not in csp


def test_docs_without_the_bundle_link_the_spec(monkeypatch: pytest.MonkeyPatch, settings, engine) -> None:
    monkeypatch.setattr(api_docs, "swagger_assets_dir", lambda: None)
    with TestClient(api.create_app(settings, engine)) as client:
        page = client.get("/docs")
        assert page.status_code == 200 and "://" not in page.text
        assert _loaded_urls(page.text) == ["/openapi.json"]
        assert client.get("/openapi.json").json()["openapi"].startswith("3.")


def test_redoc_is_off(client: TestClient) -> None:
    # ReDoc has no offline bundle here; it would load from a CDN, so the route is not served.
    assert client.get("/redoc").status_code == 404
