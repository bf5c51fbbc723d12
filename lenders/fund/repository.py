"""Every query of the fund (the ledger's are in ``ledger/repository.py``)."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import and_, case, func, update
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from lenders.fund.models import (
    ClaimStatus,
    CooperationAgreement,
    FundClaim,
    FundCover,
    FundCoverYear,
    FundPosition,
    FundSuspension,
)
from lenders.loans.models import Loan, LoanStatus


def latest_agreement(
    session: Session, lender_code: str, *, for_update: bool = False
) -> CooperationAgreement | None:
    query = (
        select(CooperationAgreement)
        .where(CooperationAgreement.lender_code == lender_code)
        .order_by(col(CooperationAgreement.version).desc())
    )
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def agreement_on(session: Session, lender_code: str, day: date) -> CooperationAgreement | None:
    """The newest version whose terms had started by ``day`` (expiry is the caller's to judge)."""
    query = (
        select(CooperationAgreement)
        .where(
            CooperationAgreement.lender_code == lender_code,
            col(CooperationAgreement.effective_from) <= day,
        )
        .order_by(col(CooperationAgreement.version).desc())
    )
    return session.exec(query).first()


def agreements(session: Session, lender_code: str) -> list[CooperationAgreement]:
    query = (
        select(CooperationAgreement)
        .where(CooperationAgreement.lender_code == lender_code)
        .order_by(col(CooperationAgreement.version))
    )
    return list(session.exec(query))


def cover_of(session: Session, loan_id: int) -> FundCover | None:
    return session.exec(select(FundCover).where(FundCover.loan_id == loan_id)).first()


def _still_owed() -> Any:
    """What is still owed on a loan: its outstanding, less recoveries once it defaulted."""
    return case(
        (col(Loan.status) == LoanStatus.DEFAULTED, Loan.outstanding_fen - Loan.recovered_fen),
        else_=Loan.outstanding_fen,
    )


def _covered_on_the_book(*columns: Any) -> Any:
    """``columns`` of covered loans joined to their loan, without those whose claim was
    written off."""
    written_off = select(FundClaim.loan_id).where(FundClaim.status == ClaimStatus.WRITTEN_OFF)
    return (
        select(*columns)
        .select_from(FundCover)
        .join(Loan, col(Loan.id) == col(FundCover.loan_id))
        .where(col(FundCover.covered).is_(True), col(FundCover.loan_id).not_in(written_off))
    )


def covered_outstanding(
    session: Session, *, lender_code: str | None = None, uscc: str | None = None
) -> int:
    """What is still owed on the loans the fund covers, of one bank or one enterprise (fen),
    summed over the loans: the proof of the running position (``position.py``), not the
    figure decisions read."""
    query = _covered_on_the_book(func.coalesce(func.sum(_still_owed()), 0))
    if lender_code is not None:
        query = query.where(FundCover.lender_code == lender_code)
    if uscc is not None:
        query = query.where(FundCover.uscc == uscc)
    return int(session.exec(query).one())


def lock_agreement_holder(session: Session, lender_code: str) -> CooperationAgreement | None:
    """Serialise cover decisions of one bank: the headroom is read and used in one step. The
    bank's newest agreement version, the row locked (None: it has none)."""
    return latest_agreement(session, lender_code, for_update=True)


def agreement(session: Session, agreement_id: int) -> CooperationAgreement | None:
    return session.get(CooperationAgreement, agreement_id)


def claim(session: Session, claim_id: int, *, for_update: bool = False) -> FundClaim | None:
    query = select(FundClaim).where(FundClaim.id == claim_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def claim_of_loan(session: Session, loan_id: int, *, for_update: bool = False) -> FundClaim | None:
    query = select(FundClaim).where(FundClaim.loan_id == loan_id)
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


NPL_DAYS_PAST_DUE = 90  # 不良: defaulted, or more than 90 days past due (五级分类 substandard)


def _non_performing() -> Any:
    return (col(Loan.status) == LoanStatus.DEFAULTED) | (
        col(Loan.days_past_due) > NPL_DAYS_PAST_DUE
    )


def covered_quality(session: Session, lender_code: str) -> tuple[int, int]:
    """(non-performing, all) of what is still owed on the bank's covered loans, fen, summed
    over the loans (the proof of ``position.figures``)."""
    query = _covered_on_the_book(
        func.coalesce(func.sum(_still_owed()), 0),
        func.coalesce(func.sum(case((_non_performing(), _still_owed()), else_=0)), 0),
    ).where(FundCover.lender_code == lender_code)
    total, npl = session.exec(query).one()
    return int(npl), int(total)


def open_suspension(
    session: Session, lender_code: str, *, for_update: bool = False
) -> FundSuspension | None:
    query = select(FundSuspension).where(
        FundSuspension.lender_code == lender_code, col(FundSuspension.reinstated_at).is_(None)
    )
    if for_update:
        query = query.with_for_update()
    return session.exec(query).first()


def suspensions(session: Session, lender_code: str) -> list[FundSuspension]:
    query = (
        select(FundSuspension)
        .where(FundSuspension.lender_code == lender_code)
        .order_by(col(FundSuspension.id))
    )
    return list(session.exec(query))


# The office's read model (``office_view``): a handful of queries for every bank at once.


def every_agreement(session: Session) -> list[CooperationAgreement]:
    """Every version of every bank's agreement, by bank then version (a few per bank)."""
    query = select(CooperationAgreement).order_by(
        col(CooperationAgreement.lender_code), col(CooperationAgreement.version)
    )
    return list(session.exec(query))


def covered_quality_by_lender(session: Session) -> dict[str, tuple[int, int]]:
    """Per bank, (non-performing, all) of what is still owed on its covered loans, fen, summed
    over the loans (the proof of the running positions)."""
    query = _covered_on_the_book(
        FundCover.lender_code,
        func.coalesce(func.sum(_still_owed()), 0),
        func.coalesce(func.sum(case((_non_performing(), _still_owed()), else_=0)), 0),
    ).group_by(col(FundCover.lender_code))
    return {code: (int(npl), int(total)) for code, total, npl in session.exec(query)}


def suspended_lenders(session: Session) -> set[str]:
    """The banks whose new cover is stopped now."""
    query = select(FundSuspension.lender_code).where(col(FundSuspension.reinstated_at).is_(None))
    return set(session.exec(query))


def claim_pipeline(session: Session) -> list[tuple[str, ClaimStatus, int, int, int, Any]]:
    """Per bank and status: claims, their losses, payouts (fen) and the earliest filing."""
    # six columns: past the arity sqlmodel's typed select() knows, so SQLAlchemy's own
    query = sa_select(
        col(FundClaim.lender_code),
        col(FundClaim.status),
        func.count(),
        func.coalesce(func.sum(FundClaim.unpaid_principal_fen), 0),
        func.coalesce(func.sum(FundClaim.amount_fen), 0),
        func.min(FundClaim.filed_at),
    ).group_by(col(FundClaim.lender_code), col(FundClaim.status))
    return [
        (code, ClaimStatus(status), int(n), int(loss), int(paid), first)
        for code, status, n, loss, paid, first in session.execute(query)
    ]


def claims_page(
    session: Session,
    *,
    status: ClaimStatus | None,
    lender_code: str | None,
    offset: int,
    limit: int,
) -> tuple[list[FundClaim], int]:
    """Claims oldest filing first (the longest waiting on top), of one status or bank if given."""
    conditions = []
    if status is not None:
        conditions.append(col(FundClaim.status) == status)
    if lender_code is not None:
        conditions.append(col(FundClaim.lender_code) == lender_code)
    query = (
        select(FundClaim)
        .where(*conditions)
        .order_by(col(FundClaim.filed_at), col(FundClaim.id))
        .offset(offset)
        .limit(limit)
    )
    total = session.exec(select(func.count()).select_from(FundClaim).where(*conditions)).one()
    return list(session.exec(query)), int(total)


def approved_payouts_fen(
    session: Session, lender_code: str, *, first: date | None = None, last: date | None = None
) -> int:
    """What the fund set aside for the bank's claims approved from ``first`` to ``last`` (city
    days, both included; None: no bound), fen. Paid and written-off claims were approved too."""
    query = select(func.coalesce(func.sum(FundClaim.amount_fen), 0)).where(
        FundClaim.lender_code == lender_code, col(FundClaim.approved_on).is_not(None)
    )
    if first is not None:
        query = query.where(col(FundClaim.approved_on) >= first)
    if last is not None:
        query = query.where(col(FundClaim.approved_on) <= last)
    return int(session.exec(query).one() or 0)


# The running positions (``position.py``).


def position(
    session: Session, lender_code: str, *, for_update: bool = False
) -> FundPosition | None:
    """The bank's running position; ``for_update`` locks it and reads it afresh, so an update
    adds to what the last committed change left. Without it, the row this transaction holds
    already is answered without a query."""
    if not for_update:
        return session.get(FundPosition, lender_code)
    query = (
        select(FundPosition)
        .where(FundPosition.lender_code == lender_code)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    return session.exec(query).first()


def positions(session: Session) -> list[FundPosition]:
    return list(session.exec(select(FundPosition).order_by(col(FundPosition.lender_code))))


def enterprise_owed_fen(session: Session, uscc: str) -> int:
    """What the enterprise's covers count as still owed, of every bank (fen)."""
    query = select(func.coalesce(func.sum(FundCover.owed_fen), 0)).where(FundCover.uscc == uscc)
    return int(session.exec(query).one())


def _on_book() -> Any:
    written_off = select(FundClaim.loan_id).where(FundClaim.status == ClaimStatus.WRITTEN_OFF)
    return and_(col(FundCover.covered).is_(True), col(FundCover.loan_id).not_in(written_off))


def _owed_now() -> tuple[Any, Any]:
    """A cover's figures worked out from its loan and claim: (owed, non-performing)."""
    owed = select(_still_owed()).where(col(Loan.id) == col(FundCover.loan_id)).scalar_subquery()
    bad = select(_non_performing()).where(col(Loan.id) == col(FundCover.loan_id))
    on_book = _on_book()
    return (
        case((on_book, owed), else_=0),
        case((on_book, bad.scalar_subquery()), else_=False),
    )


def covers_drifted(session: Session) -> int:
    """Covers whose counted figures differ from those of their loan and claim now."""
    owed, bad = _owed_now()
    query = (
        select(func.count())
        .select_from(FundCover)
        .where((col(FundCover.owed_fen) != owed) | (col(FundCover.non_performing) != bad))
    )
    return int(session.exec(query).one())


def cover_year(
    session: Session, lender_code: str, year: int, *, for_update: bool = False
) -> FundCoverYear | None:
    query = select(FundCoverYear).where(
        FundCoverYear.lender_code == lender_code, FundCoverYear.year == year
    )
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.exec(query).first()


def add_cover_year(session: Session, lender_code: str, year: int, *, principal_fen: int) -> None:
    """Add ``principal_fen`` to the bank's covered principal of ``year`` in one statement (the
    row is made at the bank's first cover of the year, under its agreement lock)."""
    counted = col(FundCoverYear.covered_principal_fen)
    added = session.execute(
        update(FundCoverYear)
        .where(col(FundCoverYear.lender_code) == lender_code, col(FundCoverYear.year) == year)
        .values(covered_principal_fen=counted + principal_fen)
    )
    if added.rowcount == 0:  # type: ignore[attr-defined]
        session.add(
            FundCoverYear(lender_code=lender_code, year=year, covered_principal_fen=principal_fen)
        )
        session.flush()


def cover_years(session: Session) -> dict[tuple[str, int], int]:
    rows = session.exec(select(FundCoverYear))
    return {(r.lender_code, r.year): r.covered_principal_fen for r in rows}


def covered_principal_by_year(session: Session) -> dict[tuple[str, int], int]:
    """Per bank and city calendar year of disbursement, the principal of its covered loans,
    summed over the covers (the proof of ``FundCoverYear``)."""
    year = func.extract("year", col(Loan.disbursed_on))
    query = (
        select(FundCover.lender_code, year, func.sum(FundCover.principal_fen))
        .select_from(FundCover)
        .join(Loan, col(Loan.id) == col(FundCover.loan_id))
        .where(col(FundCover.covered).is_(True))
        .group_by(col(FundCover.lender_code), year)
    )
    return {(code, int(y)): int(total) for code, y, total in session.exec(query)}


def rebuild_positions(session: Session) -> None:
    """Every cover's figures from its loan and claim, then every bank's sums of them."""
    owed, bad = _owed_now()
    session.execute(update(FundCover).values(owed_fen=owed, non_performing=bad))
    sums = select(
        FundCover.lender_code,
        func.coalesce(func.sum(FundCover.owed_fen), 0),
        func.coalesce(
            func.sum(case((col(FundCover.non_performing), FundCover.owed_fen), else_=0)), 0
        ),
    ).group_by(col(FundCover.lender_code))
    found = {code: (int(total), int(npl)) for code, total, npl in session.exec(sums)}
    banks = set(found) | set(session.exec(select(CooperationAgreement.lender_code)))
    for code in sorted(banks):
        row = position(session, code, for_update=True) or FundPosition(lender_code=code)
        row.covered_outstanding_fen, row.non_performing_fen = found.get(code, (0, 0))
        session.add(row)
    for (code, year), total in covered_principal_by_year(session).items():
        counted = cover_year(session, code, year, for_update=True)
        counted = counted or FundCoverYear(lender_code=code, year=year)
        counted.covered_principal_fen = total
        session.add(counted)
    session.flush()
