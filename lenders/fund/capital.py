"""The fund's capital: contributions (出资) and where the money stands."""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from lenders.fund import chart
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.models import LedgerTransfer
from lenders.fund.ledger.service import Posting
from lenders.fund.schemas import ContributionCreate


@dataclass(frozen=True)
class Position:
    """Where the fund's money is: contributed, not yet earmarked, and earmarked per bank."""

    capital_fen: dict[str, int]
    unallocated_fen: int
    allocations_fen: dict[str, int]

    @property
    def total_capital_fen(self) -> int:
        return sum(self.capital_fen.values())


def contribute(
    session: Session, *, data: ContributionCreate, key: str, actor: Actor
) -> LedgerTransfer:
    """Put money into the fund; the same ``key`` again changes nothing (audited once)."""
    chart.open_unallocated(session)
    chart.open_capital(session, data.contributor)
    journal = f"contribution:{key}"
    posting = Posting(
        key=journal,
        debit=chart.UNALLOCATED,
        credit=chart.capital(data.contributor),
        amount_fen=data.amount_fen,
        kind="contribution",
        reference=f"contributor:{data.contributor}",
    )
    [transfer], replayed = ledger.post_once(
        session, journal=journal, postings=[posting], actor=actor.ref
    )
    if not replayed:
        audit_service.record(
            session,
            actor=actor,
            action="fund.contribute",
            subject_type="fund",
            subject_id=data.contributor,
            detail={"amount_fen": data.amount_fen, "key": key, "transfer_id": transfer.id},
        )
    return transfer


def position(session: Session) -> Position:
    capital = ledger.balances(session, prefix="capital:")
    allocations = ledger.balances(session, prefix="allocation:")
    unallocated = ledger.balances(session, prefix=chart.UNALLOCATED)
    return Position(
        capital_fen={b.code.removeprefix("capital:"): b.credit_balance_fen for b in capital},
        unallocated_fen=sum(b.debit_balance_fen for b in unallocated),
        allocations_fen={
            b.code.removeprefix("allocation:"): b.debit_balance_fen for b in allocations
        },
    )
