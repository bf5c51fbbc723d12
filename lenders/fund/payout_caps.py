"""Caps on what the fund pays a bank, beyond the compensation ratio (深圳/坪山-style pools).

- The premium multiple (``payout_premium_multiple``): all payouts approved for the bank, ever,
  are at most the multiple × the premiums it has paid in. A payout is cut to what is left under
  that cap (the claim records which bound set its amount); with nothing left it is refused.
- The period cap (``period_cap_bp``, 代偿率上限): the payouts approved for the bank in a period
  are at most that share of the principal of the bank's covered loans disbursed in the period.
  The period is the city's calendar year of the approval. The base is principal disbursed (not
  the balance in force): it does not shrink as loans are repaid, so a bank's cap for the year
  only grows, and a claim refused today is not admitted tomorrow by a repayment. A payout that
  would take the year above the cap is refused, not cut.

Both are read under the lock of the bank's agreement row, so two approvals cannot both use the
same room under a cap. The terms are those of the agreement the loan was covered under.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlmodel import Session

from app.core.money import fen_to_yuan
from lenders.fund import position, premiums, repository
from lenders.fund.exceptions import PeriodCapExceeded, PremiumMultipleReached
from lenders.fund.models import AmountBound, CooperationAgreement
from lenders.fund.schemas import BASIS_POINTS


@dataclass(frozen=True)
class Payout:
    amount_fen: int
    bound: AmountBound


def premium_room_fen(session: Session, *, agreement: CooperationAgreement) -> int | None:
    """What the premium multiple still allows the bank (fen), or None without that cap."""
    multiple = agreement.payout_premium_multiple
    if multiple is None:
        return None
    lender_code = agreement.lender_code
    collected = premiums.collected_fen(session, lender_code=lender_code)
    approved = repository.approved_payouts_fen(session, lender_code)
    return multiple * collected - approved


def payout(
    session: Session, *, unpaid_principal_fen: int, agreement: CooperationAgreement
) -> Payout:
    """The payout of a claim: the ratio × the loss, cut to the premium multiple's room."""
    by_ratio = unpaid_principal_fen * agreement.compensation_ratio_bp // BASIS_POINTS
    room = premium_room_fen(session, agreement=agreement)
    if room is not None and room < by_ratio:
        if room <= 0:
            raise _multiple_reached(agreement)
        return Payout(room, AmountBound.PREMIUM_MULTIPLE)
    return Payout(by_ratio, AmountBound.RATIO)


def check(session: Session, *, amount_fen: int, agreement: CooperationAgreement, on: date) -> None:
    """Refuse a payout of ``amount_fen`` approved ``on`` (a city day) that a cap forbids now."""
    room = premium_room_fen(session, agreement=agreement)
    if room is not None and amount_fen > room:
        raise _multiple_reached(agreement)
    if agreement.period_cap_bp is None:
        return
    first, last = date(on.year, 1, 1), date(on.year, 12, 31)
    lender_code = agreement.lender_code
    base = position.covered_principal_fen(session, lender_code=lender_code, year=on.year)
    approved = repository.approved_payouts_fen(session, lender_code, first=first, last=last)
    if (approved + amount_fen) * BASIS_POINTS > agreement.period_cap_bp * base:
        raise PeriodCapExceeded(
            f"{on.year} 年已批准代偿 {fen_to_yuan(approved)} 元，再批 {fen_to_yuan(amount_fen)} 元"
            f"将超过当年覆盖贷款本金 {fen_to_yuan(base)} 元的代偿率上限 "
            f"{Decimal(agreement.period_cap_bp) / 100}%",
            year=on.year,
            approved_fen=approved,
            base_fen=base,
            cap_bp=agreement.period_cap_bp,
        )


def _multiple_reached(agreement: CooperationAgreement) -> PremiumMultipleReached:
    return PremiumMultipleReached(
        f"已批准代偿已达已收保费的 {agreement.payout_premium_multiple} 倍上限",
        multiple=agreement.payout_premium_multiple,
    )
