"""Suspension (暂停): a bank whose covered loans turn bad gets no new cover until they mend.

The NPL ratio (不良率) of a bank's covered loans, by outstanding, is rechecked on every change of
a covered loan's standing and every new cover. Above the agreement's suspension line the bank's
new loans are refused cover (existing cover stays); below the reinstatement line cover resumes.
Each crossing is kept, audited, and told to the bank as an outbox event.
"""

from __future__ import annotations

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from app.outbox import service as outbox
from lenders.fund import agreements, position, repository
from lenders.fund.exceptions import NoAgreement
from lenders.fund.models import CooperationAgreement, FundPosition, FundSuspension
from lenders.fund.schemas import BASIS_POINTS


def npl_bp(session: Session, lender_code: str) -> int:
    """The bank's covered NPL ratio in basis points (0 with nothing covered outstanding), from
    its running position."""
    held = position.figures(session, lender_code)
    return ratio_bp(held.non_performing_fen, held.covered_outstanding_fen)


def ratio_bp(bad_fen: int, total_fen: int) -> int:
    """Non-performing over all of what is still owed, basis points rounded down (0 of nothing)."""
    return bad_fen * BASIS_POINTS // total_fen if total_fen else 0


def is_suspended(session: Session, lender_code: str) -> bool:
    return repository.open_suspension(session, lender_code) is not None


def recheck(
    session: Session,
    *,
    lender_code: str,
    actor: Actor,
    terms: CooperationAgreement | None = None,
    found_open: bool = True,
    held: FundPosition | None = None,
) -> FundSuspension | None:
    """Suspend or reinstate the bank by its NPL ratio now; the open suspension, if any.
    ``terms``: the agreement in force today, if the caller has it. ``found_open`` False: this
    transaction found the bank not suspended (a cover judged), so at or below its suspension
    line nothing can change and nothing more is read. ``held``: the bank's position row the
    caller holds locked."""
    if terms is None:
        try:
            today = to_local(utcnow()).date()
            terms = agreements.in_force(session, lender_code=lender_code, on=today)
        except NoAgreement:
            return repository.open_suspension(session, lender_code)
    if held is not None:
        ratio = ratio_bp(held.non_performing_fen, held.covered_outstanding_fen)
    else:
        ratio = npl_bp(session, lender_code)
    if not found_open and ratio <= terms.suspension_npl_bp:
        return None
    current = repository.open_suspension(session, lender_code, for_update=True)
    if current is None and ratio > terms.suspension_npl_bp:
        current = FundSuspension(lender_code=lender_code, npl_bp=ratio)
        session.add(current)
        session.flush()
        _tell(session, current, actor=actor, action="fund.suspend", line=terms.suspension_npl_bp)
    elif current is not None and ratio < terms.reinstatement_npl_bp:
        current.reinstated_at, current.reinstated_npl_bp = utcnow(), ratio
        session.add(current)
        session.flush()
        _tell(
            session, current, actor=actor, action="fund.reinstate", line=terms.reinstatement_npl_bp
        )
        return None
    return current


def _tell(
    session: Session, suspension: FundSuspension, *, actor: Actor, action: str, line: int
) -> None:
    reinstated = suspension.reinstated_at is not None
    detail = {
        "lender_code": suspension.lender_code,
        "npl_bp": suspension.reinstated_npl_bp if reinstated else suspension.npl_bp,
        "line_bp": line,
        "suspension_id": suspension.id,
    }
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type="fund_suspension",
        subject_id=suspension.id or 0,
        detail=detail,
    )
    topic = "fund.cover_reinstated" if reinstated else "fund.cover_suspended"
    outbox.publish(session, topic=topic, lender_codes=[suspension.lender_code], payload=detail)
