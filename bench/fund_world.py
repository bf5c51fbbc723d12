"""The fund benchmark's world: 湖州-scale banks, covered loans and claims, bulk-loaded.

Capital, banks, products and agreements go through the real services. The 100,000 covered
loans and 10,000 claims are bulk-inserted as the services would have left them: for each loan
its application, match, lead and loan (disbursed; a share repaid), the fund's cover decision
with its premium, the premium's journal entry and the ``fund.cover`` audit row; for each
defaulted loan its claim at a step of its way (filed, reviewed, approved, paid, written off)
with the reserve and payout entries the steps post. The ledger's checkpoints are then set to
the sums of the entries, and the fund's running positions rebuilt from the loans, so that
``xyd fund reconcile`` finds the books as the services keep them. (Lead and application
transitions are left out: no fund path reads them.)
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import numpy as np
from sqlalchemy import text
from sqlmodel import Session, SQLModel, select

from app.applications.models import ApplicationStatus, FinancingApplication, ProductType
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core import db
from app.core.clock import utcnow
from app.core.migrations import upgrade
from app.enterprises import uscc as uscc_codes
from app.enterprises.models import Enterprise, EntityType
from bench.common import fresh_database
from bench.whitelist_city import bulk, configure, local_today
from lenders.fund import agreements, capital, chart, position
from lenders.fund.ledger.models import LedgerTransfer
from lenders.fund.models import ClaimStatus, FundClaim, FundCover, RiskClass
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.institutions.models import Lender
from lenders.leads.models import Lead, LeadStatus
from lenders.loans.models import Loan, LoanStatus
from lenders.matching.models import Match
from lenders.products import service as product_service
from lenders.products.schemas import ProductCreate

OFFICE = SystemActor("bench-office")
FUND = "system:fund"
BANKS = tuple(f"hz-{n}" for n in range(1, 9))  # eight banks, as 湖州's cooperating banks
PREMIUM_RATE_BP = 100  # 1 % of each covered loan's principal into the bank's allocation
PERIOD_CAP_BP = 1_000  # a year's payouts at most 10 % of that year's covered principal
# The claims of the world by their step; the filed ones are what the bench reviews and approves.
CLAIM_STEPS = (
    (ClaimStatus.WRITTEN_OFF, 0.3),
    (ClaimStatus.PAID, 0.3),
    (ClaimStatus.APPROVED, 0.1),
    (ClaimStatus.REVIEWED, 0.1),
    (ClaimStatus.FILED, 0.2),
)


@dataclass(frozen=True)
class World:
    banks: list[str]
    products: dict[str, int]  # bank → its fund-eligible product
    usccs: list[str]
    filed_claims: list[int]
    covered: int
    claims: int
    transfers: int


def template(model: type[SQLModel], **required: Any) -> dict[str, Any]:
    """The row a model's defaults make with ``required`` filled in, without its id: the base of
    every bulk row of that table."""
    row = model(**required).model_dump()
    row.pop("id", None)
    return row


def build(url: str, work: Any, *, loans: int, claims: int, enterprises: int, seed: int) -> World:
    """A fresh database holding the world; prints how long each part took."""
    started = time.perf_counter()
    fresh_database(url)
    configure(url, work)
    upgrade(db.get_engine())
    rng = np.random.default_rng(seed)
    with db.session_scope() as session:
        products = setup_banks(session, loans=loans)
    with db.session_scope() as session:
        usccs = add_enterprises(session, enterprises)
    with db.session_scope() as session:
        loan_rows = add_loans(session, rng, loans=loans, usccs=usccs, products=products)
    with db.session_scope() as session:
        filed = add_claims(session, rng, loan_rows, claims=claims)
    with db.session_scope() as session:
        checkpoint_the_ledger(session)
        position.rebuild(session)
        transfers = session.exec(select(LedgerTransfer.id)).all()
    with db.get_engine().connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(
        f"world: {len(BANKS)} banks, {len(usccs):,} enterprises, {loans:,} covered loans, "
        f"{claims:,} claims ({len(filed):,} filed), {len(transfers):,} journal entries "
        f"in {time.perf_counter() - started:.1f} s",
        flush=True,
    )
    return World(list(BANKS), products, usccs, filed, loans, claims, len(transfers))


def setup_banks(session: Session, *, loans: int) -> dict[str, int]:
    """Capital, the banks, one fund-eligible product each and their agreements, through the
    services; each allocation holds its share of the covered outstanding twice over."""
    per_bank_outstanding = loans // len(BANKS) * 60_000_000  # an average loan of 60 万元
    allocation_yuan = per_bank_outstanding * 2 // 10 // 100  # leverage 10, half used
    capital.contribute(
        session,
        data=ContributionCreate(amount_yuan=str(allocation_yuan * len(BANKS) * 2)),
        key="bench-capital",
        actor=OFFICE,
    )
    session.add_all(Lender(code=code, name=f"湖州合作银行{code}") for code in BANKS)
    session.flush()
    products = {}
    for lender in session.exec(select(Lender).where(Lender.code.in_(BANKS))):  # type: ignore[attr-defined]
        assert lender.id is not None
        data = ProductCreate.model_validate(
            {
                "product_type": "pure_credit",
                "name": "小微信用贷",
                "min_amount_yuan": "10000.00",
                "max_amount_yuan": "3000000.00",
                "min_term_months": 6,
                "max_term_months": 36,
                "min_rate_bp": 300,
                "max_rate_bp": 600,
                "fund_eligible": True,
            }
        )
        product, _ = product_service.create(session, lender_id=lender.id, data=data, actor=OFFICE)
        assert product.id is not None
        products[lender.code] = product.id
        terms = AgreementTerms.model_validate(
            {
                "effective_from": (local_today() - timedelta(days=800)).isoformat(),
                "allocation_yuan": str(allocation_yuan),
                "premium_rate_bp": PREMIUM_RATE_BP,
                "period_cap_bp": PERIOD_CAP_BP,
                # A tenth of the loans default in this world: the line is set above it, so
                # that the bench measures cover being decided, not refused for suspension.
                "suspension_npl_bp": 2_000,
                "reinstatement_npl_bp": 1_500,
            }
        )
        agreements.sign(session, lender_code=lender.code, terms=terms, actor=OFFICE)
        chart.open_premiums(session, lender.code)
        chart.open_claim_accounts(session, lender.code)
    return products


def add_enterprises(session: Session, count: int) -> list[str]:
    base = template(
        Enterprise,
        uscc="X" * 18,
        name="湖州恒兴机械有限公司",
        entity_type=EntityType.ENTERPRISE,
        industry_section="C",
        industry_division="34",
        district="330502",
        legal_rep_masked="张*丰",
        legal_rep_digest=hashlib.sha256(b"bench").hexdigest(),
        registration_date=date(2019, 5, 1),
    )
    usccs = [uscc_codes.complete(f"91330502{n:08d}X") for n in range(1, count + 1)]
    bulk(session, Enterprise, [base | {"uscc": code} for code in usccs])
    return usccs


def add_loans(
    session: Session,
    rng: np.random.Generator,
    *,
    loans: int,
    usccs: list[str],
    products: dict[str, int],
) -> list[dict[str, Any]]:
    """``loans`` disbursed and covered loans, with everything that leads to them and the
    fund's cover of each; returns the loan rows with their ids."""
    now, today = utcnow(), local_today()
    banks = rng.choice(BANKS, size=loans).tolist()
    # Loan n goes to firm n mod the firms: two loans each at most, within the 500 万元 cap.
    firms = [usccs[n % len(usccs)] for n in range(loans)]
    principal = (rng.integers(10, 120, size=loans) * 1_000_000).tolist()  # 10–119 万元
    ages = rng.integers(30, 700, size=loans).tolist()
    repaid_share = rng.uniform(0, 0.6, size=loans)
    applications = [
        template(
            FinancingApplication,
            uscc=firm,
            amount_fen=amount,
            term_months=36,
            purpose="流动资金",
            product_type=ProductType.PURE_CREDIT,
            status=ApplicationStatus.DISBURSED,
            submitted_by="bench",
        )
        | {"created_at": now - timedelta(days=age + 10), "updated_at": now}
        for firm, amount, age in zip(firms, principal, ages, strict=True)
    ]
    ids = insert_returning_ids(session, FinancingApplication, applications)
    matches = [
        {"application_id": a, "product_id": products[b], "lender_code": b, "rank": 1}
        | {"score": 9_000, "chosen": False, "reasons": [], "created_at": now}
        for a, b in zip(ids, banks, strict=True)
    ]
    match_ids = insert_returning_ids(session, Match, matches)
    lead_base = template(
        Lead,
        application_id=0,
        match_id=0,
        product_id=0,
        lender_code="",
        uscc="",
        respond_by=now,
        status=LeadStatus.DISBURSED,
        approved_rate_bp=420,
        approved_term_months=36,
    )
    leads = [
        lead_base
        | {"application_id": a, "match_id": m, "product_id": products[b], "lender_code": b}
        | {"uscc": firm, "approved_amount_fen": amount}
        for a, m, b, firm, amount in zip(ids, match_ids, banks, firms, principal, strict=True)
    ]
    lead_ids = insert_returning_ids(session, Lead, leads)
    rows = []
    for n, (a, lead, bank, firm, amount, age, share) in enumerate(
        zip(ids, lead_ids, banks, firms, principal, ages, repaid_share, strict=True)
    ):
        disbursed = today - timedelta(days=age)
        rows.append(
            {"lender_code": bank, "contract_id": f"湖银借字第{n:07d}号", "lead_id": lead}
            | {"application_id": a, "product_id": products[bank], "uscc": firm}
            | {"principal_fen": amount, "rate_bp": 420, "term_months": 36}
            | {"disbursed_on": disbursed, "maturity_on": disbursed + timedelta(days=3 * 365)}
            | {"first_loan": False, "status": LoanStatus.CURRENT, "days_past_due": 0}
            | {"outstanding_fen": amount - int(amount * share) // 100 * 100}
            | {"recovered_fen": 0, "created_by": "bench", "created_at": now, "updated_at": now}
        )
    loan_ids = insert_returning_ids(session, Loan, rows)
    for row, loan_id in zip(rows, loan_ids, strict=True):
        row["id"] = loan_id
    add_covers(session, rows)
    return rows


def add_covers(session: Session, loans: list[dict[str, Any]]) -> None:
    """The fund's decision on each loan, its premium's journal entry and its audit row."""
    now = utcnow()
    agreements_by_bank = {
        code: agreements.in_force(session, lender_code=code, on=local_today()) for code in BANKS
    }
    covers = []
    for loan in loans:
        agreement = agreements_by_bank[loan["lender_code"]]
        covers.append(
            {"loan_id": loan["id"], "lender_code": loan["lender_code"], "uscc": loan["uscc"]}
            | {"agreement_id": agreement.id, "covered": True, "refusal": None}
            | {"principal_fen": loan["principal_fen"], "premium_match_fen": 0}
            | {"premium_fen": loan["principal_fen"] * PREMIUM_RATE_BP // 10_000}
            | {"decided_at": now, "registered_on": None, "owed_fen": 0}
        )
    cover_ids = insert_returning_ids(session, FundCover, covers)
    accounts = account_ids(session)
    bulk(
        session,
        LedgerTransfer,
        [
            transfer(
                accounts,
                key=f"cover:{c['loan_id']}:premium",
                journal=f"cover:{c['loan_id']}",
                debit=chart.allocation(c["lender_code"]),
                credit=chart.premiums(c["lender_code"]),
                amount_fen=c["premium_fen"],
                kind="premium",
                reference=f"loan:{c['loan_id']}",
            )
            for c in covers
        ],
    )
    audit = template(
        AuditEvent,
        actor=FUND,
        actor_role="system",
        action="fund.cover",
        subject_type="fund_cover",
        subject_id="0",
    )
    bulk(
        session,
        AuditEvent,
        [
            audit
            | {"subject_id": str(cover_id), "at": now}
            | {"detail": {"loan_id": c["loan_id"], "lender_code": c["lender_code"]}}
            for c, cover_id in zip(covers, cover_ids, strict=True)
        ],
    )


def add_claims(
    session: Session, rng: np.random.Generator, loans: list[dict[str, Any]], *, claims: int
) -> list[int]:
    """``claims`` loans default and are claimed; each claim at a step, with its entries; the
    ids of the filed ones."""
    today, now = local_today(), utcnow()
    chosen = rng.choice(len(loans), size=claims, replace=False).tolist()
    covers = dict(session.exec(select(FundCover.loan_id, FundCover.id)).all())
    agreements_by_bank = {
        code: agreements.in_force(session, lender_code=code, on=today) for code in BANKS
    }
    steps = [s for s, share in CLAIM_STEPS for _ in range(round(share * claims))]
    steps += [ClaimStatus.FILED] * (claims - len(steps))
    claim_rows, defaulted = [], []
    for index, step in zip(chosen, steps, strict=True):
        loan = loans[index]
        # Defaulted 100–170 days ago: its claim window (180 days) is still open.
        defaulted_on = max(
            loan["disbursed_on"], today - timedelta(days=int(rng.integers(100, 170)))
        )
        defaulted.append(
            {"id": loan["id"], "defaulted_on": defaulted_on, "days_past_due": 120}
            | {"outstanding_at_default_fen": loan["outstanding_fen"]}
        )
        loss = loan["outstanding_fen"]
        agreement = agreements_by_bank[loan["lender_code"]]
        approved = step in {ClaimStatus.APPROVED, ClaimStatus.PAID, ClaimStatus.WRITTEN_OFF}
        amount = loss * agreement.compensation_ratio_bp // 10_000
        claim_rows.append(
            {"cover_id": covers[loan["id"]], "loan_id": loan["id"]}
            | {"lender_code": loan["lender_code"], "agreement_id": agreement.id}
            | {"status": step, "unpaid_principal_fen": loss, "returned_fen": 0}
            | {"amount_fen": amount if approved else None}
            | {"amount_bound": "ratio" if approved else None}
            | {"days_past_due": 120, "risk_class": RiskClass.SUBSTANDARD, "late_recoveries": 0}
            | {"filed_by": "bank", "reviewed_by": "reviewer" if step != ClaimStatus.FILED else None}
            | {"approved_by": "approver" if approved else None, "second_approved_by": None}
            | {"rejected_by": None, "rejection_reason": None}
            | {
                "paid_by": "approver"
                if step in {ClaimStatus.PAID, ClaimStatus.WRITTEN_OFF}
                else None
            }
            | {"approved_on": today - timedelta(days=10) if approved else None}
            | {"filed_at": now - timedelta(days=20), "updated_at": now}
        )
    session.execute(
        text(
            "UPDATE loans SET status = 'defaulted', defaulted_on = :defaulted_on, "
            "days_past_due = :days_past_due, outstanding_at_default_fen = "
            ":outstanding_at_default_fen WHERE id = :id"
        ),
        defaulted,
    )
    claim_ids = insert_returning_ids(session, FundClaim, claim_rows)
    accounts = account_ids(session)
    entries = []
    for claim_id, row in zip(claim_ids, claim_rows, strict=True):
        bank, amount = row["lender_code"], row["amount_fen"]
        if amount is None:
            continue
        entries.append(
            transfer(
                accounts,
                key=f"claim:{claim_id}:reserve",
                journal=f"claim:{claim_id}:reserve",
                debit=chart.reserved(bank),
                credit=chart.allocation(bank),
                amount_fen=amount,
                kind="claim_reserve",
                reference=f"claim:{claim_id}",
            )
        )
        if row["paid_by"]:
            entries.append(
                transfer(
                    accounts,
                    key=f"claim:{claim_id}:payout",
                    journal=f"claim:{claim_id}:payout",
                    debit=chart.payouts(bank),
                    credit=chart.reserved(bank),
                    amount_fen=amount,
                    kind="payout",
                    reference=f"claim:{claim_id}",
                )
            )
    bulk(session, LedgerTransfer, entries)
    return [
        claim_id
        for claim_id, row in zip(claim_ids, claim_rows, strict=True)
        if row["status"] is ClaimStatus.FILED
    ]


def insert_returning_ids(
    session: Session, model: type[SQLModel], rows: list[dict[str, Any]]
) -> list[int]:
    """Insert ``rows`` in order and return their ids in the same order."""
    table = db.table_of(model)
    ids: list[int] = []
    for start in range(0, len(rows), 5_000):
        result = session.execute(
            table.insert().returning(table.c.id, sort_by_parameter_order=True),
            rows[start : start + 5_000],
        )
        ids.extend(result.scalars().all())
    return ids


def account_ids(session: Session) -> dict[str, int]:
    rows = session.execute(text("SELECT code, id FROM ledger_accounts")).all()
    return {code: account_id for code, account_id in rows}


def transfer(accounts: dict[str, int], *, debit: str, credit: str, **fields: Any) -> dict[str, Any]:
    return fields | {
        "debit_account_id": accounts[debit],
        "credit_account_id": accounts[credit],
        "reverses_id": None,
        "posted_by": FUND,
        "posted_at": utcnow(),
    }


def checkpoint_the_ledger(session: Session) -> None:
    """Each account's posted totals as the services would have kept them: the sums of its
    entries (``reconcile`` proves it)."""
    session.execute(
        text(
            "UPDATE ledger_accounts a SET "
            "debits_posted_fen = COALESCE((SELECT SUM(amount_fen) FROM ledger_transfers "
            "WHERE debit_account_id = a.id), 0), "
            "credits_posted_fen = COALESCE((SELECT SUM(amount_fen) FROM ledger_transfers "
            "WHERE credit_account_id = a.id), 0)"
        )
    )
