"""Each bank's recent record on the platform: how fast it answers leads, how often it approves.

Read from the leads, here; matching ranks by it and is handed it (``lenders.matching.service``).
"""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlmodel import Session

from lenders.leads import queries
from lenders.leads.models import LeadStatus
from lenders.matching.ranking import BankRecord

WINDOW = timedelta(days=365)
APPROVED = (LeadStatus.APPROVED, LeadStatus.DISBURSED)
DECIDED = (*APPROVED, LeadStatus.REJECTED)


def bank_records(
    session: Session, lender_codes: Sequence[str], *, now: datetime
) -> dict[str, BankRecord]:
    """The record of each bank over the last year; banks without leads get an empty record."""
    codes = sorted(set(lender_codes))
    if not codes:
        return {}
    rows = queries.offered_since(session, codes, since=now - WINDOW)
    hours: dict[str, list[float]] = {code: [] for code in codes}
    decided = dict.fromkeys(codes, 0)
    approved = dict.fromkeys(codes, 0)
    for code, status, offered_at, responded_at in rows:
        if responded_at is not None:
            hours[code].append((responded_at - offered_at).total_seconds() / 3600)
        if status in DECIDED:
            decided[code] += 1
        if status in APPROVED:
            approved[code] += 1
    return {
        code: BankRecord(
            responded=len(hours[code]),
            median_response_hours=statistics.median(hours[code]) if hours[code] else None,
            decided=decided[code],
            approved=approved[code],
        )
        for code in codes
    }
