"""Registering an earlier loan for cover (存量贷款登记): a bank asks the fund to cover one of its
own platform loans disbursed before.

A loan the fund never decided on, or one refused because no agreement had begun by its
disbursement (``no_agreement``: the loan pre-dates the agreement), is judged now by cover's own
rules (``cover.judge``) as at the registration day, on what is still owed. Any other decision
stands and is answered as it is, so asking again changes nothing. A repaid or defaulted loan
is refused: cover starts on a loan still being repaid.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from lenders.fund import cover, position, repository, suspension
from lenders.fund.exceptions import NotRegistrable
from lenders.fund.models import CooperationAgreement, CoverRefusal, FundCover
from lenders.loans import service as loan_service
from lenders.loans.models import Loan, LoanStatus

CLOSED = (LoanStatus.REPAID, LoanStatus.DEFAULTED)


@dataclass(frozen=True)
class Registration:
    cover: FundCover
    decided_now: bool  # False: the decision already made is answered again


def register(
    session: Session, *, loan_id: int, lender_code: str, actor: Actor, today: date
) -> Registration:
    """The fund's decision on the bank's loan ``loan_id``, judged as at ``today`` (the city's
    day) unless one stands already; another bank's loan is LoanNotFound, as a missing one."""
    loan = loan_service.get_for_lender(
        session, loan_id=loan_id, lender_code=lender_code, for_update=True
    )
    known = repository.cover_of(session, loan_id)
    if known is not None and known.refusal is not CoverRefusal.NO_AGREEMENT:
        return Registration(known, decided_now=False)
    if loan.status in CLOSED:
        raise NotRegistrable(
            f"loan {loan_id} is {loan.status.value}: only a loan still being repaid is covered"
        )
    repository.lock_agreement_holder(session, lender_code)
    agreement, refusal = cover.judge(
        session,
        lender_code=lender_code,
        uscc=loan.uscc,
        product_id=loan.product_id,
        principal_fen=loan.outstanding_fen,
        on=today,
    )
    if known is not None and refusal is CoverRefusal.NO_AGREEMENT:
        return Registration(known, decided_now=False)  # still no agreement: nothing to change
    decided = _decision(known, loan, agreement_id=agreement.id if agreement else None)
    decided.covered, decided.refusal = refusal is None, refusal
    decided.registered_on = today
    session.add(decided)
    session.flush()
    _audit(session, decided, actor=actor, before=known is not None, agreement=agreement)
    if decided.covered:
        position.count_cover(session, cover=decided, loan=loan)
        suspension.recheck(session, lender_code=lender_code, actor=actor)
    return Registration(decided, decided_now=True)


def _decision(known: FundCover | None, loan: Loan, *, agreement_id: int | None) -> FundCover:
    """The loan's decision row: the refused one made at disbursement, or a new one."""
    assert loan.id is not None
    decided = known or FundCover(
        loan_id=loan.id,
        lender_code=loan.lender_code,
        uscc=loan.uscc,
        covered=False,
        refusal=CoverRefusal.NO_AGREEMENT,
        principal_fen=loan.outstanding_fen,
    )
    decided.agreement_id = agreement_id
    decided.principal_fen = loan.outstanding_fen
    decided.decided_at = utcnow()
    return decided


def _audit(
    session: Session,
    decided: FundCover,
    *,
    actor: Actor,
    before: bool,
    agreement: CooperationAgreement | None,
) -> None:
    audit_service.record(
        session,
        actor=actor,
        action="fund.cover_registered" if decided.covered else "fund.registration_refused",
        subject_type="fund_cover",
        subject_id=decided.id or 0,
        detail={
            "loan_id": decided.loan_id,
            "lender_code": decided.lender_code,
            "principal_fen": decided.principal_fen,
            "registered_on": decided.registered_on.isoformat() if decided.registered_on else None,
            "agreement_version": agreement.version if agreement else None,
            "refusal": decided.refusal.value if decided.refusal else None,
            "replaces_refusal": CoverRefusal.NO_AGREEMENT.value if before else None,
        },
    )
