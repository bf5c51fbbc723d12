"""Sources in memory, indexed by enterprise, so that one enterprise is rescored quickly."""

from __future__ import annotations

import threading

import numpy as np
import pandas as pd
from sqlalchemy import func
from sqlmodel import Session, select

from scoring.sources.models import BatchStatus, SourceBatch
from scoring.sources.snapshot import load_sources
from scoring.sources.store import SourceStore


class SourceCache:
    """Every source sorted by USCC; reloaded when a batch has been loaded since."""

    def __init__(self, store: SourceStore) -> None:
        self.store = store
        self._lock = threading.Lock()
        self._version: tuple[int, int] | None = None
        self._frames: dict[str, pd.DataFrame] = {}
        self._codes: dict[str, np.ndarray] = {}

    def for_enterprise(self, session: Session, *, uscc: str) -> dict[str, pd.DataFrame]:
        """Each source's rows for one enterprise (empty frames where it has none)."""
        with self._lock:
            version = self._current_version(session)
            if version != self._version:
                self._reload(session)
                self._version = version
            return {kind: self._slice(kind, uscc) for kind in self._frames}

    def _current_version(self, session: Session) -> tuple[int, int]:
        newest, count = session.exec(
            select(func.max(SourceBatch.id), func.count()).where(
                SourceBatch.status == BatchStatus.LOADED
            )
        ).one()
        return int(newest or 0), int(count)

    def _reload(self, session: Session) -> None:
        self._frames, self._codes = {}, {}
        for kind, frame in load_sources(session, store=self.store).items():
            ordered = frame.sort_values("uscc", kind="stable").reset_index(drop=True)
            self._frames[kind] = ordered
            self._codes[kind] = ordered["uscc"].to_numpy(dtype=str)

    def _slice(self, kind: str, uscc: str) -> pd.DataFrame:
        codes = self._codes[kind]
        start = int(np.searchsorted(codes, uscc, side="left"))
        stop = int(np.searchsorted(codes, uscc, side="right"))
        return self._frames[kind].iloc[start:stop]
