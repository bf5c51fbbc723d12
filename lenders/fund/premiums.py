"""Premiums (保费): what a bank pays into the fund for each loan covered, SSBCI-style.

When the agreement a loan is covered under has a premium rate, the premium is the principal ×
the rate (whole fen, rounded down), charged in the cover's own transaction, once per loan
(keys ``cover:{loan_id}:premium`` and ``cover:{loan_id}:premium_match``).

Where the money goes: straight into the bank's allocation, as the Capital Access Program's
premiums go into the lender's reserve. The bank's money enters the fund there, so the contra
account is ``premiums:{bank}``, credit-normal like a contributor's capital: it says how much
the bank has paid in, and no reversal can take back more than that. The allocation is then
what the agreements set aside plus premiums (and matches) less what claims reserved plus what
recoveries returned; its leverage headroom grows with the premiums, which is the point of a
reserve fed by enrolled loans. A loan's cover is judged before its own premium lands.

An optional match (``premium_match_bp``): the programme adds that share of each premium from
the fund's unallocated money to the allocation, as SSBCI matches lenders' premiums. It is
capped at what is unallocated at the time (locked while it is read), so a thin fund matches
less but never refuses a disbursement; what was matched is kept on the cover.
"""

from __future__ import annotations

from sqlmodel import Session

from lenders.fund import chart
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AccountNotFound
from lenders.fund.ledger.service import Posting
from lenders.fund.models import CooperationAgreement, FundCover
from lenders.fund.schemas import BASIS_POINTS


def premium_fen(*, principal_fen: int, agreement: CooperationAgreement) -> int:
    """The premium on ``principal_fen`` under the agreement (0 without a premium rate)."""
    return principal_fen * (agreement.premium_rate_bp or 0) // BASIS_POINTS


def charge(
    session: Session, *, cover: FundCover, agreement: CooperationAgreement, actor: str
) -> None:
    """Post the premium of a loan just covered (and its match) and note both on the cover."""
    premium = premium_fen(principal_fen=cover.principal_fen, agreement=agreement)
    if not cover.covered or premium <= 0:
        return
    lender_code = cover.lender_code
    journal = f"cover:{cover.loan_id}"
    postings = [
        Posting(
            key=f"{journal}:premium",
            debit=chart.allocation(lender_code),
            credit=chart.premiums(lender_code),
            amount_fen=premium,
            kind="premium",
            reference=f"loan:{cover.loan_id}",
        )
    ]
    match = _match_fen(session, premium=premium, agreement=agreement)
    if match > 0:
        postings.append(
            Posting(
                key=f"{journal}:premium_match",
                debit=chart.allocation(lender_code),
                credit=chart.UNALLOCATED,
                amount_fen=match,
                kind="premium_match",
                reference=f"loan:{cover.loan_id}",
            )
        )
    try:
        ledger.post(session, journal=journal, postings=postings, actor=actor)
    except AccountNotFound:
        # The account opens when an agreement with a premium is signed; one signed before
        # that rule opens it at its first premium (the posting wrote nothing before refusing).
        chart.open_premiums(session, lender_code)
        ledger.post(session, journal=journal, postings=postings, actor=actor)
    cover.premium_fen, cover.premium_match_fen = premium, match
    session.add(cover)
    session.flush()


def collected_fen(session: Session, *, lender_code: str) -> int:
    """What the bank has paid in premiums so far, net of reversals (fen)."""
    try:
        return ledger.balance(session, chart.premiums(lender_code)).credit_balance_fen
    except AccountNotFound:
        return 0


def _match_fen(session: Session, *, premium: int, agreement: CooperationAgreement) -> int:
    if not agreement.premium_match_bp:
        return 0
    wanted = premium * agreement.premium_match_bp // BASIS_POINTS
    chart.open_unallocated(session)
    left = ledger.balance_for_update(session, chart.UNALLOCATED).debit_balance_fen
    return max(0, min(wanted, left))
