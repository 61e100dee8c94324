"""Property-based checks of every operation against the app's own OpenAPI spec (bounded case count).

Whatever schemathesis sends, valid or not, the app must answer with a documented status and a body
matching its schema; never a 500.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")
from hypothesis import HealthCheck, settings  # noqa: E402

import api  # noqa: E402
from curbside.settings import ApiSettings, Settings  # noqa: E402
from tests.api.fake_engine import FakeEngine  # noqa: E402

# Schemathesis reads the spec when the module loads, so the app (and its data home) is made here.
_HOME = Path(tempfile.mkdtemp(prefix="curbside-schemathesis-"))
_SETTINGS = replace(Settings(home=_HOME), api=ApiSettings(max_question_chars=500, max_turns=5))
schema = schemathesis.openapi.from_asgi("/openapi.json", api.create_app(_SETTINGS, FakeEngine()))


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_spec(case) -> None:
    case.call_and_validate()
