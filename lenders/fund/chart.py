"""The fund's chart of accounts: which ledger account holds what, by code."""

from __future__ import annotations

from sqlmodel import Session

from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.models import LedgerAccount, Limit

UNALLOCATED = "fund:unallocated"  # the fund's cash not yet earmarked for a bank


def capital(contributor: str) -> str:
    """What a contributor (the office, a district, a guarantor) has put into the fund."""
    return f"capital:{contributor}"


def allocation(lender_code: str) -> str:
    """The fund's cash earmarked for one bank's covered loans."""
    return f"allocation:{lender_code}"


def open_unallocated(session: Session) -> LedgerAccount:
    return ledger.open_account(
        session, code=UNALLOCATED, name="基金未分配资金", limit=Limit.CREDITS_WITHIN_DEBITS
    )


def open_capital(session: Session, contributor: str) -> LedgerAccount:
    """Capital is credit-normal: a contributor cannot take out more than it put in."""
    return ledger.open_account(
        session,
        code=capital(contributor),
        name=f"出资：{contributor}",
        limit=Limit.DEBITS_WITHIN_CREDITS,
    )


def open_allocation(session: Session, lender_code: str) -> LedgerAccount:
    return ledger.open_account(
        session,
        code=allocation(lender_code),
        name=f"合作银行额度：{lender_code}",
        limit=Limit.CREDITS_WITHIN_DEBITS,
    )


def reserved(lender_code: str) -> str:
    """Approved claims' money, set aside from the allocation until it is paid."""
    return f"claims_reserved:{lender_code}"


def payouts(lender_code: str) -> str:
    """What the fund has paid the bank on its claims (代偿支出)."""
    return f"payouts:{lender_code}"


def open_claim_accounts(session: Session, lender_code: str) -> None:
    ledger.open_account(
        session,
        code=reserved(lender_code),
        name=f"已批准待支付代偿：{lender_code}",
        limit=Limit.CREDITS_WITHIN_DEBITS,
    )
    ledger.open_account(session, code=payouts(lender_code), name=f"代偿支出：{lender_code}")
    ledger.open_account(session, code=recoveries(lender_code), name=f"代偿追回：{lender_code}")


def recoveries(lender_code: str) -> str:
    """The fund's share of what the bank recovered after a payout, returned to the fund."""
    return f"recoveries:{lender_code}"


def premiums(lender_code: str) -> str:
    """The premiums (保费) the bank has paid into its allocation: credit-normal, like capital,
    so a reversal cannot take back more than was paid."""
    return f"premiums:{lender_code}"


def open_premiums(session: Session, lender_code: str) -> LedgerAccount:
    return ledger.open_account(
        session,
        code=premiums(lender_code),
        name=f"保费收入：{lender_code}",
        limit=Limit.DEBITS_WITHIN_CREDITS,
    )
