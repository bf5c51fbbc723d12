"""The fund's running position (在保余额): per bank, what is still owed on its covered loans and
the non-performing part of it, kept in the transaction of every change that moves them.

Cover's leverage headroom and a bank's NPL ratio are read on every disbursement and every
change of a covered loan; summing them over all of a bank's loans each time grows with the
book (at 湖州 scale, 100,000 loans, tens of milliseconds a read). Instead each cover keeps what
it last counted (``FundCover.owed_fen``, ``non_performing``) and the bank's row
(``FundPosition``) keeps their sums. ``follow`` works a loan's figures out again from the loan
whenever something may have moved them — its cover, a repayment, days past due, a default, a
recovery, its claim written off — and adds the difference to the bank's row under its row lock
(``FOR UPDATE``), so concurrent changes of one bank apply one after the other. The rule of
what counts is the one the sums over the loans had: what is still owed (a defaulted loan's
recoveries reduce it), while covered and not written off; non-performing when defaulted or more
than 90 days past due. The period cap's base, the principal of a bank's
covered loans disbursed in a calendar year, is counted the same way per bank and year
(``FundCoverYear``) as each cover is made. ``drift`` recomputes every figure from the loans and
says where the running ones differ; ``xyd fund reconcile`` reports it.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from app.core.clock import utcnow
from lenders.fund import repository
from lenders.fund.models import ClaimStatus, FundCover, FundPosition
from lenders.loans.models import Loan, LoanStatus


@dataclass(frozen=True)
class Figures:
    covered_outstanding_fen: int
    non_performing_fen: int


@dataclass(frozen=True)
class Drift:
    """Where the running figures differ from those recomputed from the loans."""

    banks: dict[str, tuple[Figures, Figures]]  # code → (running, recomputed)
    covers: int  # covers whose counted figures are not their loan's now
    years: int  # (bank, year) rows whose covered principal is not the sum of their covers

    @property
    def none(self) -> bool:
        return not self.banks and not self.covers and not self.years


def of_loan(loan: Loan, *, on_book: bool) -> tuple[int, bool]:
    """(what is still owed that the book counts, non-performing) of a loan the fund covers."""
    if not on_book:
        return 0, False
    if loan.status is LoanStatus.DEFAULTED:
        return loan.outstanding_fen - loan.recovered_fen, True
    return loan.outstanding_fen, loan.days_past_due > repository.NPL_DAYS_PAST_DUE


def count_cover(
    session: Session, *, cover: FundCover, loan: Loan, held: FundPosition | None = None
) -> None:
    """A loan just covered (at disbursement or registration) enters its bank's position and its
    disbursement year's covered principal. The caller holds the bank's agreement lock, and
    ``held``, the bank's position locked, if it has it already."""
    _move(session, cover=cover, loan=loan, written_off=False, held=held)
    repository.add_cover_year(
        session, cover.lender_code, loan.disbursed_on.year, principal_fen=cover.principal_fen
    )


def covered_principal_fen(session: Session, *, lender_code: str, year: int) -> int:
    """The principal the fund covered of the bank's loans disbursed in ``year`` (fen)."""
    row = repository.cover_year(session, lender_code, year)
    return row.covered_principal_fen if row else 0


def follow(
    session: Session, *, cover: FundCover, loan: Loan, written_off: bool | None = None
) -> None:
    """Count the loan's figures now in its bank's position; ``written_off`` None: ask its claim.
    The caller holds the loan's row (its servicing locks it)."""
    if written_off is None:
        claim = repository.claim_of_loan(session, loan.id or 0)
        written_off = claim is not None and claim.status is ClaimStatus.WRITTEN_OFF
    _move(session, cover=cover, loan=loan, written_off=written_off, held=None)
    session.flush()


def _move(
    session: Session,
    *,
    cover: FundCover,
    loan: Loan,
    written_off: bool,
    held: FundPosition | None,
) -> None:
    """Add the change of the loan's figures to its bank's row and note them on the cover
    (written at the next flush)."""
    owed, bad = of_loan(loan, on_book=cover.covered and not written_off)
    was_owed, was_bad = cover.owed_fen, cover.non_performing
    if (owed, bad) == (was_owed, was_bad):
        return
    row = held if held is not None else locked(session, cover.lender_code)
    row.covered_outstanding_fen += owed - was_owed
    row.non_performing_fen += (owed if bad else 0) - (was_owed if was_bad else 0)
    row.updated_at = utcnow()
    cover.owed_fen, cover.non_performing = owed, bad
    session.add(row)


def locked(session: Session, lender_code: str) -> FundPosition:
    """The bank's position, locked until the transaction ends (opened at zero if new)."""
    row = repository.position(session, lender_code, for_update=True)
    if row is None:
        row = open_position(session, lender_code)
    return row


def open_position(session: Session, lender_code: str) -> FundPosition:
    """The bank's position row, made at zero if it has none (its first agreement does this)."""
    row = repository.position(session, lender_code)
    if row is None:
        row = FundPosition(lender_code=lender_code)
        session.add(row)
        session.flush()
    return row


def figures(session: Session, lender_code: str) -> Figures:
    """The bank's running figures now (zero before anything is covered)."""
    row = repository.position(session, lender_code)
    if row is None:
        return Figures(0, 0)
    return Figures(row.covered_outstanding_fen, row.non_performing_fen)


def enterprise_owed_fen(session: Session, uscc: str) -> int:
    """What is still owed on the enterprise's covered loans, of every bank (fen)."""
    return repository.enterprise_owed_fen(session, uscc)


def drift(session: Session) -> Drift:
    """Recompute every figure from the loans and covers and say where the running ones differ."""
    recomputed = {
        code: Figures(total, npl)
        for code, (npl, total) in repository.covered_quality_by_lender(session).items()
    }
    running = {
        row.lender_code: Figures(row.covered_outstanding_fen, row.non_performing_fen)
        for row in repository.positions(session)
    }
    zero = Figures(0, 0)
    banks = {
        code: (running.get(code, zero), recomputed.get(code, zero))
        for code in sorted(set(recomputed) | set(running))
        if running.get(code, zero) != recomputed.get(code, zero)
    }
    years = repository.cover_years(session)
    summed = repository.covered_principal_by_year(session)
    wrong_years = sum(
        1 for key in set(years) | set(summed) if years.get(key, 0) != summed.get(key, 0)
    )
    return Drift(banks, repository.covers_drifted(session), wrong_years)


def rebuild(session: Session) -> None:
    """Every cover's and bank's figures worked out afresh from the loans (after a bulk load)."""
    repository.rebuild_positions(session)
