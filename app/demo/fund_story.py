"""The demo's fund chapter: the 风险缓释基金 (risk-buffer fund) covers the banks' loans, some of
them default, and the claims walk the whole way.

Before the banks answer (``open_fund``): the office contributes the fund's capital and signs a
cooperation agreement with each bank, in force from the first day of the city's year, so every
loan the banks disburse is covered or refused at once through the fund's own handler.

After the banks have lent (``run``): each bank declares some of its covered loans in default —
the first bank its four smallest, which keeps its covered NPL ratio (by amount) under the 5 %
suspension line; the second its three largest, which takes it over, so the office sees a
suspended bank — files a claim on each, and the office works the claims
with maker-checker — reviewed by ``office``, approved by ``admin`` — leaving the first claim of
each bank waiting for review and the second waiting for approval, so the pipeline has ages
to show. Paid claims whose loans later yield a recovery return the fund's share of it. Last,
the office forecasts the fund's run-out (the demo scored before any loan was covered).

Everything goes through the fund's and the loans' services, as the pages and the API do; run
again, it finds its claims made and changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts import repository as account_repository
from app.accounts import service as account_service
from app.accounts.principal import Principal
from app.audit.service import Actor, SystemActor
from app.core.clock import to_local, utcnow
from app.core.money import fen_to_yuan
from lenders.fund import agreements, capital, repository
from lenders.fund import claims as fund_claims
from lenders.fund import forecast as fund_forecast
from lenders.fund.ledger import reconcile
from lenders.fund.ledger import service as ledger
from lenders.fund.models import ClaimStatus, ForecastTrigger, FundClaim, FundCover
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.loans import servicing
from lenders.loans.models import Loan, LoanStatus
from lenders.loans.schemas import DefaultCreate, RecoveryCreate

CAPITAL_YUAN = "50000000"  # 5,000 万元 from the office
ALLOCATION_YUAN = "20000000"  # 2,000 万元 set aside for each bank: 2 亿 of cover at 10 ×
# How many covered loans of each bank default, and whether the largest (or the smallest) do.
DEFAULTS = ((4, False), (3, True))
RECOVERED_SHARE_BP = 2_000  # a paid claim's loan yields 20 % of its loss back
# The second bank, a rural one, has its cover capped at 100 万元 per enterprise, so its larger
# loans are refused cover (enterprise_cap) and the pages have refusals to show.
ENTERPRISE_CAPS_YUAN = (None, "1000000")
# Above the largest demo payout (40 % of a 500 万元 loan): one approver suffices in the demo.
SECOND_APPROVAL_ABOVE_YUAN = "3000000"


def open_fund(session: Session, *, lender_codes: Sequence[str]) -> None:
    """Capital in and one agreement per bank (once: a second run finds them signed)."""
    office = _staff(session, "office")
    capital.contribute(
        session,
        data=ContributionCreate(contributor="office", amount_yuan=CAPITAL_YUAN),
        key="demo-capital",
        actor=office,
    )
    start = date(to_local(utcnow()).year, 1, 1)
    for code, cap in zip(lender_codes, ENTERPRISE_CAPS_YUAN, strict=False):
        if repository.latest_agreement(session, code) is None:
            terms = AgreementTerms(
                effective_from=start,
                allocation_yuan=ALLOCATION_YUAN,
                second_approval_above_yuan=SECOND_APPROVAL_ABOVE_YUAN,
                **({"enterprise_cap_yuan": cap} if cap else {}),
            )
            agreements.sign(session, lender_code=code, terms=terms, actor=office)


def run(session: Session, *, lender_codes: Sequence[str]) -> dict[str, Any]:
    """Defaults, claims, payouts and recoveries; then the fund's keys for the demo summary."""
    today = to_local(utcnow()).date()
    office, admin = _staff(session, "office"), _staff(session, "admin")
    for code, (count, largest) in zip(lender_codes, DEFAULTS, strict=False):
        bank = SystemActor(f"demo:{code}")
        for place, loan in enumerate(_loans_to_default(session, code, count, largest=largest)):
            servicing.declare_default(
                session, loan=loan, data=DefaultCreate(defaulted_on=today), actor=bank, today=today
            )
            assert loan.id is not None
            claim = fund_claims.file(
                session, loan_id=loan.id, lender_code=code, actor=bank, today=today
            )
            _work(session, claim, place=place, loan=loan, office=office, admin=admin, today=today)
    # The score run's forecast saw no covered loan yet: the office's page gets one of this book.
    fund_forecast.run(session, trigger=ForecastTrigger.CLI, actor=office)
    return summary(session)


def summary(session: Session) -> dict[str, Any]:
    def count(query: Any) -> int:
        return int(session.exec(query).one())

    covers = select(func.count()).select_from(FundCover)
    settled = col(FundClaim.status).in_([ClaimStatus.PAID, ClaimStatus.WRITTEN_OFF])
    recoveries = ledger.balances(session, prefix="recoveries:")
    return {
        "fund_capital_fen": sum(capital.position(session).capital_fen.values()),
        "covered_loans": count(covers.where(col(FundCover.covered))),
        "cover_refused": count(covers.where(~col(FundCover.covered))),
        "claims_filed": count(select(func.count()).select_from(FundClaim)),
        "claims_paid": count(select(func.count()).select_from(FundClaim).where(settled)),
        "fund_paid_fen": count(
            select(func.coalesce(func.sum(FundClaim.amount_fen), 0)).where(settled)
        ),
        "recoveries_fen": sum(balance.credit_balance_fen for balance in recoveries),
        "fund_balanced": reconcile.reconcile(session).ok,
    }


def _loans_to_default(
    session: Session, lender_code: str, count: int, *, largest: bool
) -> list[Loan]:
    """The bank's ``count`` largest (or smallest) covered, still-open loans; none on a second
    run, when the bank's claims are there already."""
    if session.exec(
        select(FundClaim.id).where(FundClaim.lender_code == lender_code).limit(1)
    ).first():
        return []
    size = col(Loan.principal_fen).desc() if largest else col(Loan.principal_fen)
    return list(
        session.exec(
            select(Loan)
            .join(FundCover, col(FundCover.loan_id) == col(Loan.id))
            .where(
                Loan.lender_code == lender_code,
                col(FundCover.covered),
                col(Loan.status).in_([LoanStatus.CURRENT, LoanStatus.OVERDUE]),
            )
            .order_by(size, col(Loan.id))
            .limit(count)
        ).all()
    )


def _work(
    session: Session,
    claim: FundClaim,
    *,
    place: int,
    loan: Loan,
    office: Actor,
    admin: Actor,
    today: date,
) -> None:
    """The first claim waits for review, the second for approval; the rest are paid, and
    every other paid one's loan yields a recovery."""
    assert claim.id is not None
    if place == 0:
        return
    fund_claims.review(session, claim_id=claim.id, actor=office)
    if place == 1:
        return
    fund_claims.approve(session, claim_id=claim.id, actor=admin)
    fund_claims.pay(session, claim_id=claim.id, actor=office)
    if place % 2 == 0:
        loss = (loan.outstanding_at_default_fen or 0) - loan.recovered_fen
        amount = loss * RECOVERED_SHARE_BP // 10_000
        if amount > 0:
            servicing.record_recovery(
                session,
                loan=loan,
                data=RecoveryCreate(recovered_on=today, amount_yuan=str(fen_to_yuan(amount))),
                actor=SystemActor(f"demo:{loan.lender_code}"),
                today=today,
            )


def _staff(session: Session, username: str) -> Principal:
    user = account_repository.get_user_by_username(session, username)
    if user is None:  # the story's accounts come first; the chapter cannot run without them
        raise LookupError(f"the demo account {username} is missing")
    return account_service.principal_for_user(user)
