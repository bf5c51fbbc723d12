"""Where validated rows go: Parquet partitions, the credit-event table, or the registry."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlmodel import Session

from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.money import fen_to_yuan
from app.enterprises import service as enterprise_service
from app.enterprises import size_class
from app.enterprises.schemas import EnterpriseCreate
from scoring.sources import repository
from scoring.sources.contracts import Contract
from scoring.sources.store import SourceStore
from scoring.sources.validation import stored_key


@dataclass(frozen=True)
class Loaded:
    rows: int
    superseded: int
    held_for_review: int = 0
    storage_path: str | None = None


def to_parquet(
    session: Session, *, store: SourceStore, contract: Contract, batch_id: int, rows: pd.DataFrame
) -> Loaded:
    """Write the batch file; rows whose key an earlier batch holds supersede it (both kept)."""
    key = stored_key(contract)
    earlier = repository.loaded_batch_ids(session, kind=contract.kind)
    earlier = [b for b in earlier if b != batch_id]
    superseded = 0
    if earlier and len(rows):
        existing = store.read(contract.kind, earlier, key)[key].drop_duplicates()
        superseded = len(rows[key].merge(existing, on=key, how="inner"))
    path = store.write(contract.kind, batch_id, rows)
    return Loaded(rows=len(rows), superseded=superseded, storage_path=str(path))


def to_events(session: Session, *, batch_id: int, rows: pd.DataFrame) -> Loaded:
    """Insert a new version of each event; the current version of a resent event is superseded."""
    superseded = repository.supersede_events(
        session, event_ids=rows["event_id"].tolist(), batch_id=batch_id
    )
    records = _records(
        rows.drop(columns=["_row"]),
        date_columns=(
            "event_date",
            "publicity_start",
            "publicity_end",
        ),
    )
    for record in records:
        record["batch_id"] = batch_id
    repository.add_events(session, records)
    return Loaded(rows=len(records), superseded=superseded)


def to_registry(
    session: Session, *, rows: pd.DataFrame, held: pd.Series, actor: Actor, batch_id: int
) -> Loaded:
    """New codes become enterprises, known codes are updated, failing codes go to review."""
    records = _records(rows.drop(columns=["_row"]), date_columns=("registration_date",))
    existing = repository.enterprise_codes(session)
    inserts: list[dict[str, Any]] = []
    updates: list[dict[str, Any]] = []
    reviews = 0
    now = utcnow()
    for record, is_held in zip(records, held.tolist(), strict=True):
        if is_held and record["uscc"] not in existing:
            reviews += _hold(session, record, actor=actor, batch_id=batch_id)
            continue
        entity = _enterprise_fields(record)
        entity["updated_at"] = now
        if record["uscc"] not in existing:
            entity.update(created_at=now, uscc_check_passed=not is_held)
        (updates if record["uscc"] in existing else inserts).append(entity)
        existing.add(record["uscc"])
    repository.add_enterprises(session, inserts)
    repository.update_enterprises(session, updates)
    return Loaded(
        rows=len(inserts) + len(updates), superseded=len(updates), held_for_review=reviews
    )


def _enterprise_fields(record: dict[str, Any]) -> dict[str, Any]:
    name = record.pop("legal_representative")
    size = size_class.classify(
        section=record["industry_section"],
        division=record["industry_division"],
        headcount=record["headcount"],
        revenue_fen=record["annual_revenue_fen"],
    )
    return {
        **record,
        "size_class": size.value if size else None,
        "legal_rep_masked": enterprise_service.mask_name(name),
        "legal_rep_digest": enterprise_service.legal_rep_digest(name),
    }


def _hold(session: Session, record: dict[str, Any], *, actor: Actor, batch_id: int) -> int:
    """Send a registration row to the registry's review list, as the registry API would."""
    fields = {key: value for key, value in record.items() if not key.endswith("_fen")}
    fields["registration_date"] = record["registration_date"].isoformat()
    for name in ("registered_capital", "annual_revenue"):
        fen = record[f"{name}_fen"]
        fields[f"{name}_yuan"] = None if fen is None else str(fen_to_yuan(fen))
    _review, created = enterprise_service.hold_for_review(
        session,
        data=EnterpriseCreate.model_validate(fields),
        actor=actor,
        source=f"batch:{batch_id}",
    )
    return int(created)


def _records(frame: pd.DataFrame, *, date_columns: tuple[str, ...]) -> list[dict[str, Any]]:
    """Rows as plain Python values (None for missing, ``date`` for dates) for the database."""
    out = frame.copy()
    for name in date_columns:
        if name in out:
            out[name] = out[name].dt.date
    out = out.astype(object).where(out.notna(), None)
    return out.to_dict("records")
