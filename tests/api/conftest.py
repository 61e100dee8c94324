"""App fixtures over the in-memory engine of fake_engine.py."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from curbside.settings import Settings
from tests.api.fake_engine import ADMIN_TOKEN, FakeEngine, make_settings


@pytest.fixture
def engine() -> FakeEngine:
    return FakeEngine()


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home", max_question_chars=300, max_turns=4)


@pytest.fixture
def admin_token(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("CURBSIDE_ADMIN_TOKEN", ADMIN_TOKEN)
    return ADMIN_TOKEN


@pytest.fixture
def client(settings: Settings, engine: FakeEngine) -> Iterator[TestClient]:
    import api

    with TestClient(api.create_app(settings, engine)) as test_client:
        yield test_client


@pytest.fixture
def settings_with(tmp_path: Path) -> Callable[..., Settings]:
    """Settings in a fresh home with the given API fields changed."""
    return lambda **api: make_settings(tmp_path / "home-custom", **api)
