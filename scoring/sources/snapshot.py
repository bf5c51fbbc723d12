"""Every source as the platform knew it at a load time: the input of the feature build."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
from sqlmodel import Session

from scoring.sources import repository
from scoring.sources.contracts import CONTRACTS
from scoring.sources.models import CreditEvent
from scoring.sources.store import BATCH_COLUMN, SourceStore
from scoring.sources.validation import stored_columns, stored_key

HIDDEN = ("_row", BATCH_COLUMN)


def load_sources(
    session: Session, *, store: SourceStore, loaded_by: datetime | None = None
) -> dict[str, pd.DataFrame]:
    """Per kind, the latest version of each record among the batches loaded by ``loaded_by``."""
    sources = {}
    for kind, contract in CONTRACTS.items():
        if contract.storage == "events":
            sources[kind] = _events(session, loaded_by=loaded_by)
            continue
        batches = repository.loaded_batch_ids(session, kind=kind, as_of=loaded_by)
        current = store.current(kind, batches, stored_key(contract))
        if current.empty:  # nothing loaded yet: the source is missing, with its columns
            sources[kind] = pd.DataFrame(columns=stored_columns(contract)[1:])
            continue
        sources[kind] = current.drop(columns=[c for c in HIDDEN if c in current.columns])
    return sources


def _events(session: Session, *, loaded_by: datetime | None) -> pd.DataFrame:
    """Event versions loaded by then and not superseded by a batch loaded by then."""
    events = repository.current_events(session, loaded_by=loaded_by)
    rows = [row.model_dump() for row in events]
    columns = [
        c for c in CreditEvent.model_fields if c not in ("id", "batch_id", "superseded_by_batch_id")
    ]
    frame = pd.DataFrame(rows, columns=list(CreditEvent.model_fields))[columns]
    for name in ("event_date", "publicity_start", "publicity_end"):
        frame[name] = pd.to_datetime(frame[name])
    return frame
