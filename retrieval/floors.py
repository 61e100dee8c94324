"""Calibrated relevance floors, stored as data (floors.json) and written by the calibration command."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from curbside.settings import RetrievalSettings

FLOORS_FILE = Path(__file__).resolve().parent / "floors.json"


@dataclass(frozen=True)
class PoolFloor:
    # The best dense cosine of a pool must reach this for the pool to count as relevant.
    dense: float
    # How much of what the question newly asks about the pool's top documents name: for a follow-up 1 (all)
    # or 0 (a word missing), for a first question the specificity-weighted share.
    coverage: float


def passes_floor(best_dense: float, coverage: float, continues_topic: bool, floor: PoolFloor) -> bool:
    """The relevance rule, shared by retrieval and by the calibration that fits the floors to it: a follow-up
    continuing an answered topic is held to the coverage floor alone."""
    return (continues_topic or best_dense >= floor.dense) and coverage >= floor.coverage


@dataclass(frozen=True)
class Floors:
    guideline: PoolFloor
    research: PoolFloor
    provenance: str = ""

    def for_pool(self, pool: str) -> PoolFloor:
        return self.guideline if pool == "guideline" else self.research


# Used only until a calibration has written floors.json.
UNCALIBRATED = Floors(PoolFloor(0.35, 0.5), PoolFloor(0.45, 0.5), "uncalibrated defaults")


def load_floors(path: Path = FLOORS_FILE) -> Floors:
    if not path.is_file():
        return UNCALIBRATED
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Floors(
            guideline=PoolFloor(float(data["guideline"]["dense"]), float(data["guideline"]["coverage"])),
            research=PoolFloor(float(data["research"]["dense"]), float(data["research"]["coverage"])),
            provenance=str(data.get("provenance", "")),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise ValueError(
            f"{path}: malformed floors file ({err!r}); expected guideline/research dense+coverage"
        ) from err


def save_floors(floors: Floors, path: Path = FLOORS_FILE) -> None:
    path.write_text(json.dumps(asdict(floors), indent=2, sort_keys=True) + "\n", encoding="utf-8")


def effective_floors(settings: RetrievalSettings, path: Path = FLOORS_FILE) -> Floors:
    """The calibrated floors, with the settings' dense floors taking precedence when set."""
    floors = load_floors(path)
    g, r = floors.guideline, floors.research
    if settings.guideline_floor is not None:
        g = PoolFloor(settings.guideline_floor, g.coverage)
    if settings.research_floor is not None:
        r = PoolFloor(settings.research_floor, r.coverage)
    return Floors(g, r, floors.provenance)
