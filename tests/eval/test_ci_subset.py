"""The fast evaluation subset with its regression floors (eval/ci_thresholds.json), run in the suite."""

from __future__ import annotations

from pathlib import Path

import pytest

from curbside.settings import Settings
from eval.ci import run_ci


@pytest.mark.slow
def test_ci_subset_meets_its_regression_floors(shared_data: Path, tmp_path: Path) -> None:
    # Index build included: the subset's corpora are small enough to embed in a few minutes.
    status = run_ci(Settings(home=tmp_path / "home"), out=tmp_path / "out", progress=False)
    assert status == 0, f"evaluation figures fell below eval/ci_thresholds.json; see {tmp_path / 'out'}"
