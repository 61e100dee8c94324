"""Shared test fixtures: where the real shared data lives, and a skip when it is absent."""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.settings import shared_data_dir

SHARED_DATA: Path = shared_data_dir()


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared data folder {SHARED_DATA} is absent (set CURBSIDE_SHARED_DATA to run this test)")
    return SHARED_DATA
