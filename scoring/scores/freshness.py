"""How current the platform's data on one enterprise is: per source, its newest record.

Read from the same in-memory copy of the sources that scores an enterprise and tells a bank
``data_current_to`` in a lead, so the enterprise, the bank and the score see one figure.
"""

from __future__ import annotations

from sqlmodel import Session

from scoring.scores.online import CURRENCY_COLUMNS, shared_cache
from scoring.scores.schemas import SourceFreshness
from scoring.sources.contracts import CONTRACTS, Type

GRANULARITY = {Type.DATE: "date", Type.MONTH: "month", Type.YEAR: "year"}
WIDTH = {"date": 10, "month": 7, "year": 4}  # characters of an ISO date that carry the figure


def of_enterprise(session: Session, *, uscc: str) -> list[SourceFreshness]:
    """Each dated source in catalogue order with the newest date (month, year) held for
    ``uscc``, None where the platform holds nothing from that source for it."""
    newest = shared_cache().current_to(session, uscc=uscc)
    rows = []
    for kind, column_name in CURRENCY_COLUMNS.items():
        contract = CONTRACTS[kind]
        column = next(c for c in contract.columns if c.name == column_name)
        granularity = GRANULARITY[column.type]
        value = newest.get(kind)
        rows.append(
            SourceFreshness(
                kind=kind,
                name=contract.zh,
                department=contract.department,
                granularity=granularity,
                latest=None if value is None else value[: WIDTH[granularity]],
            )
        )
    return rows
