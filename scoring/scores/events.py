"""Events of scoring (评分)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.core.events import Event


@dataclass(frozen=True)
class ScoreRunFinished(Event):
    """A batch score run closed with every partition's scores committed or in this session."""

    run_id: int
    as_of: date
    enterprises: int
