"""A small city written row by row, with times chosen around the city's month boundaries, so the
monitoring's answers can be worked out by hand in the tests (never by the code under test).

Beijing is UTC+8: 2026-09-30T16:30Z is 1 October 00:30 in the city.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from itertools import count

from sqlmodel import Session

from app.applications.models import FinancingApplication
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from lenders.leads.models import Lead, LeadStatus, LeadTransition
from lenders.loans.models import Loan, LoanRecovery, LoanRepayment, LoanStatus
from lenders.matching.models import Match
from lenders.products.models import LoanProduct
from scoring.sources.models import BatchStatus, RejectedRow, SourceBatch
from tests.factories import make_application, make_enterprise, make_lender, make_product
from whitelist.models import ChangeKind, Trigger, WhitelistChange

_contracts = count(1)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class City:
    e1: Enterprise  # 330502, manufacturing (C)
    e2: Enterprise  # 330503, wholesale and retail (F)
    bank_a: Lender
    bank_b: Lender


def application(session: Session, enterprise: Enterprise, made: str) -> FinancingApplication:
    row = make_application(session, enterprise)
    row.created_at = at(made)
    session.add(row)
    session.flush()
    return row


def lead(
    session: Session,
    need: FinancingApplication,
    product: LoanProduct,
    offered: str,
    *moves: tuple[LeadStatus, str],
) -> Lead:
    assert need.id is not None and product.id is not None
    match = Match(
        application_id=need.id,
        product_id=product.id,
        lender_code=_bank(session, product),
        rank=1,
        score=5_000,
    )
    session.add(match)
    session.flush()
    assert match.id is not None
    row = Lead(
        application_id=need.id,
        match_id=match.id,
        product_id=product.id,
        lender_code=match.lender_code,
        uscc=need.uscc,
        offered_at=at(offered),
        respond_by=at(offered) + timedelta(days=3),
        status=moves[-1][0] if moves else LeadStatus.OFFERED,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    before: LeadStatus | None = LeadStatus.OFFERED
    for status, moment in moves:
        session.add(
            LeadTransition(
                lead_id=row.id,
                from_status=before,
                to_status=status,
                actor="bank",
                actor_role="lender_user",
                at=at(moment),
            )
        )
        before = status
    session.flush()
    return row


def loan(
    session: Session,
    of: Lead,
    *,
    principal_fen: int,
    rate_bp: int,
    disbursed_on: date,
    first: bool,
    defaulted_on: date | None = None,
) -> Loan:
    row = Loan(
        lender_code=of.lender_code,
        contract_id=f"C-{next(_contracts)}",
        lead_id=of.id or 0,
        application_id=of.application_id,
        product_id=of.product_id,
        uscc=of.uscc,
        principal_fen=principal_fen,
        rate_bp=rate_bp,
        term_months=12,
        disbursed_on=disbursed_on,
        maturity_on=disbursed_on + timedelta(days=365),
        first_loan=first,
        status=LoanStatus.DEFAULTED if defaulted_on else LoanStatus.CURRENT,
        outstanding_fen=principal_fen,
        defaulted_on=defaulted_on,
        outstanding_at_default_fen=principal_fen if defaulted_on else None,
        created_by="bank",
    )
    session.add(row)
    session.flush()
    return row


def repayment(session: Session, of: Loan, period: str, principal_fen: int) -> None:
    session.add(
        LoanRepayment(
            loan_id=of.id or 0,
            period=period,
            paid_on=date.fromisoformat(f"{period}-20"),
            principal_fen=principal_fen,
            interest_fen=0,
            outstanding_after_fen=0,
            reported_by="bank",
        )
    )
    session.flush()


def recovery(session: Session, of: Loan, on: date, amount_fen: int) -> None:
    session.add(
        LoanRecovery(loan_id=of.id or 0, recovered_on=on, amount_fen=amount_fen, reported_by="bank")
    )
    session.flush()


def whitelist(session: Session, enterprise: Enterprise, kind: ChangeKind, moment: str) -> None:
    session.add(
        WhitelistChange(uscc=enterprise.uscc, kind=kind, trigger=Trigger.REFRESH, at=at(moment))
    )
    session.flush()


def _bank(session: Session, product: LoanProduct) -> str:
    lender = session.get(Lender, product.lender_id)
    assert lender is not None
    return lender.code


def batch(
    session: Session,
    loaded: str,
    read: int,
    held: int,
    *rejected: tuple[str, ...],
    refused: bool = False,
) -> None:
    """A source file loaded at ``loaded``; each of ``rejected`` is a row's broken columns."""
    row = SourceBatch(
        kind="tax", file_name="tax.csv", content_hash=f"{next(_contracts):064d}",
        file_format="csv", status=BatchStatus.REFUSED if refused else BatchStatus.LOADED,
        loaded_by="operator", loaded_at=at(loaded), rows_read=read,
        rows_loaded=read - held - len(rejected), rows_rejected=len(rejected),
        rows_held_for_review=held,
    )  # fmt: skip
    session.add(row)
    session.flush()
    assert row.id is not None
    for number, columns in enumerate(rejected, start=2):
        broken = [{"column": c, "rule": "format", "message": "格式错误"} for c in columns]
        session.add(
            RejectedRow(
                batch_id=row.id, row_number=number, column=columns[0], rule="format",
                message="格式错误", violations=broken, original={},
            )
        )  # fmt: skip
    session.flush()


def source_files(session: Session) -> None:
    """September (city time): 10,000 rows read, 1 held for its check character, 3 rejected —
    on the USCC, on the name and the USCC, on the month only. October: a file loaded at 01:00
    on the 1st (30 Sep 17:00 UTC), 20,000 rows, 1 rejected on the USCC; and a file refused
    whole (its 500 rows were never read one by one)."""
    batch(session, "2026-09-05T02:00:00", 10_000, 1, ("uscc",), ("name", "uscc"), ("month",))
    batch(session, "2026-09-30T17:00:00", 20_000, 0, ("uscc",))
    batch(session, "2026-10-08T02:00:00", 500, 0, refused=True)


def build(session: Session) -> City:
    """The story the tests' answers are worked out from (amounts in fen):

    September: E1 applies (10th), its lead at bank A is accepted and approved, and bank A lends
      it 1,000,000 yuan at 4.00 % on the 25th (its first loan, pure credit). E1 joins the
      whitelist.
    October: E2's application is made at 00:30 on the 1st, city time (30 Sep 16:30 UTC). Bank
      B declines E2's lead; bank A accepts and rejects another lead of E2. E1 applies again
      (5th); bank A accepts. E2 joins the whitelist at 01:00 on the 1st (city time). E1 repays
      100,000 yuan of principal for October.
    November: bank A approves E1's second need at 00:10 on the 1st, city time (31 Oct 16:10
      UTC), and lends 500,000 yuan at 5.00 % under a collateral product on the 3rd; that loan
      defaults on the 20th. E1 repays 100,000 yuan for November. E2 leaves the whitelist.
    December: 50,000 yuan of the defaulted loan is recovered.
    """
    e1 = make_enterprise(session, district="330502", industry_section="C", industry_division="34")
    e2 = make_enterprise(session, district="330503", industry_section="F", industry_division="51")
    bank_a, bank_b = make_lender(session, "bank-a"), make_lender(session, "bank-b")
    credit_a = make_product(session, bank_a, product_type="pure_credit")
    collateral_a = make_product(session, bank_a, product_type="collateral", name="抵押贷")
    guaranteed_b = make_product(session, bank_b, product_type="guaranteed", name="保证贷")

    need_1 = application(session, e1, "2026-09-10T02:00:00")
    need_2 = application(session, e2, "2026-09-30T16:30:00")
    need_3 = application(session, e1, "2026-10-05T03:00:00")
    lead_1 = lead(
        session,
        need_1,
        credit_a,
        "2026-09-12T01:00:00",
        (LeadStatus.ACCEPTED, "2026-09-13T01:00:00"),
        (LeadStatus.APPROVED, "2026-09-20T01:00:00"),
    )
    lead(
        session,
        need_2,
        guaranteed_b,
        "2026-10-02T01:00:00",
        (LeadStatus.DECLINED, "2026-10-03T01:00:00"),
    )
    lead(
        session,
        need_2,
        credit_a,
        "2026-10-04T01:00:00",
        (LeadStatus.ACCEPTED, "2026-10-05T01:00:00"),
        (LeadStatus.REJECTED, "2026-10-08T01:00:00"),
    )
    lead_4 = lead(
        session,
        need_3,
        collateral_a,
        "2026-10-06T01:00:00",
        (LeadStatus.ACCEPTED, "2026-10-07T01:00:00"),
        (LeadStatus.APPROVED, "2026-10-31T16:10:00"),
    )
    first = loan(
        session,
        lead_1,
        principal_fen=100_000_000,
        rate_bp=400,
        disbursed_on=date(2026, 9, 25),
        first=True,
    )
    second = loan(
        session,
        lead_4,
        principal_fen=50_000_000,
        rate_bp=500,
        disbursed_on=date(2026, 11, 3),
        first=False,
        defaulted_on=date(2026, 11, 20),
    )
    repayment(session, first, "2026-10", 10_000_000)
    repayment(session, first, "2026-11", 10_000_000)
    recovery(session, second, date(2026, 12, 5), 5_000_000)
    whitelist(session, e1, ChangeKind.JOIN, "2026-09-01T01:00:00")
    whitelist(session, e2, ChangeKind.JOIN, "2026-09-30T17:00:00")
    whitelist(session, e2, ChangeKind.EXIT, "2026-11-15T01:00:00")
    source_files(session)
    return City(e1=e1, e2=e2, bank_a=bank_a, bank_b=bank_b)
