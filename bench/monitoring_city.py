"""The monitoring benchmark's city: registration ingested (``bench/whitelist_city.py``), then 24
months of the platform's rows bulk-inserted with numpy — applications, matches, leads with
their moves and deadlines, loans with monthly repayments, some defaults and recoveries,
whitelist joins and exits, source batches — and, for the incremental refresh, one day's events
written at the current moment."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

import numpy as np
from sqlmodel import Session, select

from app.applications.models import FinancingApplication
from app.core.clock import to_local, utcnow
from app.enterprises.models import Enterprise
from bench.whitelist_city import LENDERS
from bench.whitelist_city import bulk as bulk_rows
from lenders.institutions.models import Lender
from lenders.leads.models import Lead, LeadDeadline, LeadTransition
from lenders.loans.models import Loan, LoanRecovery, LoanRepayment
from lenders.matching.models import Match
from lenders.products.models import LoanProduct
from scoring.sources.models import SourceBatch
from whitelist.models import WhitelistChange

MONTHS = 24
TYPES = ("pure_credit", "credit", "guaranteed", "collateral")
DAY = timedelta(days=1)


def bulk(session: Session, model: Any, rows: list[dict[str, Any]]) -> None:
    """``bulk_rows`` with each model field's Python default filled in (a Core insert skips
    them): one default per batch, enough for the columns the benchmark leaves unset."""
    if not rows:
        return
    defaults: dict[str, Any] = {}
    for name, field in model.model_fields.items():
        if name in rows[0] or name == "id":
            continue
        if field.default_factory is not None:
            defaults[name] = field.default_factory()
        elif field.default is not None and not repr(field.default).startswith("PydanticUndefined"):
            defaults[name] = field.default
    bulk_rows(session, model, [defaults | row for row in rows])


def add_banks(session: Session) -> dict[str, list[int]]:
    """Five banks with one product of each type; the product ids by bank."""
    session.add_all(Lender(code=code, name=f"测试银行{code}") for code in LENDERS)
    session.flush()
    products: dict[str, list[int]] = {}
    for lender in session.exec(select(Lender)):
        assert lender.id is not None
        rows = [
            LoanProduct(
                lender_id=lender.id,
                product_type=kind,
                name=f"{kind}贷",  # type: ignore[arg-type]
                min_amount_fen=1_000_000,
                max_amount_fen=500_000_000,
                min_term_months=6,
                max_term_months=36,
                min_rate_bp=300,
                max_rate_bp=800,
                created_by="bench",
            )
            for kind in TYPES
        ]
        session.add_all(rows)
        session.flush()
        products[lender.code] = [row.id for row in rows if row.id is not None]
    return products


def add_history(
    session: Session, rng: np.random.Generator, *, applications: int, now: datetime
) -> dict[str, int]:
    """24 months of needs, leads, answers, deadlines, loans, repayments and whitelist changes."""
    products = add_banks(session)
    usccs = np.array(sorted(session.exec(select(Enterprise.uscc))))
    window = MONTHS * 30.4
    made = [now - timedelta(days=float(d)) for d in rng.uniform(3, window, applications)]
    firms = rng.choice(usccs, size=applications).tolist()
    banks = rng.choice(LENDERS, size=applications).tolist()
    kinds = rng.integers(0, len(TYPES), size=applications).tolist()
    need = {"amount_fen": 50_000_000, "term_months": 12, "purpose": "流动资金", "green": False}
    bulk(
        session,
        FinancingApplication,
        [
            need
            | {
                "uscc": u,
                "lender_code": b,
                "product_type": TYPES[k],
                "tech": False,
                "status": "submitted",
                "submitted_by": "bench",
                "created_at": at,
                "updated_at": at,
            }
            for u, b, k, at in zip(firms, banks, kinds, made, strict=True)
        ],
    )
    ids = [
        row
        for (row,) in session.execute(
            select(FinancingApplication.id).order_by(FinancingApplication.id)
        )
    ]  # type: ignore[arg-type]
    product_of = [products[b][k] for b, k in zip(banks, kinds, strict=True)]
    bulk(
        session,
        Match,
        [
            {
                "application_id": a,
                "product_id": p,
                "lender_code": b,
                "rank": 1,
                "score": 5000,
                "chosen": True,
                "reasons": [],
            }
            for a, p, b in zip(ids, product_of, banks, strict=True)
        ],
    )
    matches = [row for (row,) in session.execute(select(Match.id).order_by(Match.id))]  # type: ignore[arg-type]
    offered = [
        at + timedelta(hours=float(h))
        for at, h in zip(made, rng.uniform(1, 48, applications), strict=True)
    ]
    bulk(
        session,
        Lead,
        [
            {
                "application_id": a,
                "match_id": m,
                "product_id": p,
                "lender_code": b,
                "uscc": u,
                "status": "offered",
                "payload": {},
                "offered_at": at,
                "respond_by": at + 3 * DAY,
                "updated_at": at,
            }
            for a, m, p, b, u, at in zip(
                ids, matches, product_of, banks, firms, offered, strict=True
            )
        ],
    )
    leads = session.execute(
        select(
            Lead.id,
            Lead.offered_at,
            Lead.lender_code,
            Lead.application_id,
            Lead.product_id,
            Lead.uscc,
        ).order_by(Lead.id)
    ).all()
    loans = _answers_and_loans(session, rng, leads, now=now)
    changes = _whitelist(session, rng, usccs, now=now)
    bulk(
        session,
        SourceBatch,
        [
            {
                "kind": "tax",
                "file_name": f"tax-{n}.csv",
                "content_hash": f"{n:064d}",
                "file_format": "csv",
                "status": "loaded",
                "loaded_by": "bench",
                "loaded_at": now - timedelta(days=30.4 * n + 2),
                "rows_read": 100_000,
                "rows_loaded": 99_990,
                "rows_rejected": 0,
                "rows_held_for_review": 10,
            }
            for n in range(MONTHS)
        ],
    )
    return {"applications": applications, "leads": len(leads), "whitelist_changes": changes} | loans


def _answers_and_loans(
    session: Session, rng: np.random.Generator, leads: list[Any], *, now: datetime
) -> dict[str, int]:
    count = len(leads)
    answer_hours = rng.uniform(1, 100, count)
    accepted = rng.random(count) < 0.75
    approved = rng.random(count) < 0.75
    moves, deadlines, loans, answered_leads = [], [], [], []
    base = {"actor": "bench", "actor_role": "lender_user"}
    for i, (lead_id, offered, bank, application, product, uscc) in enumerate(leads):
        answer = offered + timedelta(hours=float(answer_hours[i]))
        if answer > now:
            deadlines.append(_deadline(lead_id, bank, "respond", offered, None, "open"))
            continue
        moves.append(
            base | {"lead_id": lead_id, "from_status": None, "to_status": "offered", "at": offered}
        )
        due = offered + 3 * DAY
        outcome = "met" if answer <= due else "missed"
        deadlines.append(_deadline(lead_id, bank, "respond", offered, answer, outcome))
        if not accepted[i]:
            moves.append(
                base
                | {
                    "lead_id": lead_id,
                    "from_status": "offered",
                    "to_status": "declined",
                    "at": answer,
                }
            )
            answered_leads.append((lead_id, "declined"))
            continue
        moves.append(
            base
            | {"lead_id": lead_id, "from_status": "offered", "to_status": "accepted", "at": answer}
        )
        decided = answer + timedelta(days=float(rng.uniform(1, 8)))
        if decided > now:
            continue
        status = "approved" if approved[i] else "rejected"
        moves.append(
            base
            | {"lead_id": lead_id, "from_status": "accepted", "to_status": status, "at": decided}
        )
        deadlines.append(_deadline(lead_id, bank, "decide", answer, decided, "met"))
        answered_leads.append((lead_id, status))
        disbursed = to_local(decided).date() + timedelta(days=int(rng.integers(0, 5)))
        if status == "approved" and disbursed <= to_local(now).date():
            loans.append((lead_id, bank, application, product, uscc, disbursed))
    bulk(session, LeadTransition, moves)
    bulk(session, LeadDeadline, deadlines)
    return _loans(session, rng, loans, now=now) | {"lead_moves": len(moves)}


def _deadline(
    lead_id: int, bank: str, kind: str, started: datetime, ended: datetime | None, outcome: str
) -> dict[str, Any]:
    return {
        "lead_id": lead_id,
        "lender_code": bank,
        "kind": kind,
        "working_days": 3,
        "started_at": started,
        "due_at": started + 3 * DAY,
        "outcome": outcome,
        "ended_at": ended,
    }


def _loans(
    session: Session, rng: np.random.Generator, loans: list[Any], *, now: datetime
) -> dict[str, int]:
    today = to_local(now).date()
    principals = rng.integers(10, 500, len(loans)) * 1_000_000
    defaults = rng.random(len(loans)) < 0.03
    rows = []
    for n, (lead_id, bank, application, product, uscc, on) in enumerate(loans):
        principal = int(principals[n])
        defaulted = (
            on + timedelta(days=200) if defaults[n] and on + timedelta(days=200) < today else None
        )
        rows.append(
            {
                "lender_code": bank,
                "contract_id": f"B-{lead_id}",
                "lead_id": lead_id,
                "application_id": application,
                "product_id": product,
                "uscc": uscc,
                "principal_fen": principal,
                "rate_bp": 420,
                "term_months": 12,
                "disbursed_on": on,
                "maturity_on": on + timedelta(days=365),
                "first_loan": n % 3 == 0,
                "status": "defaulted" if defaulted else "current",
                "outstanding_fen": principal,
                "defaulted_on": defaulted,
                "outstanding_at_default_fen": principal // 2 if defaulted else None,
                "recovered_fen": 0,
                "created_by": "bench",
                "created_at": _moment(on),
                "updated_at": _moment(defaulted or on),
            }
        )
    bulk(session, Loan, rows)
    stored = session.execute(
        select(Loan.id, Loan.disbursed_on, Loan.principal_fen, Loan.defaulted_on)
    ).all()
    repayments, recoveries = [], []
    for loan_id, on, principal, defaulted in stored:
        month, last = _month_after(on), (defaulted or today)
        for _ in range(12):
            if month >= date(last.year, last.month, 1):
                break
            repayments.append(
                {
                    "loan_id": loan_id,
                    "period": f"{month:%Y-%m}",
                    "paid_on": month + timedelta(days=19),
                    "principal_fen": principal // 12,
                    "interest_fen": principal // 300,
                    "outstanding_after_fen": 0,
                    "reported_by": "bench",
                    "created_at": _moment(month + timedelta(days=19)),
                }
            )
            month = _month_after(month)
        if defaulted and loan_id % 2 == 0:
            recoveries.append(
                {
                    "loan_id": loan_id,
                    "recovered_on": defaulted + timedelta(days=20),
                    "amount_fen": principal // 10,
                    "reported_by": "bench",
                    "created_at": _moment(defaulted + timedelta(days=20)),
                }
            )
    bulk(session, LoanRepayment, repayments)
    bulk(session, LoanRecovery, [r for r in recoveries if r["recovered_on"] <= today])
    return {"loans": len(rows), "repayments": len(repayments), "defaults": int(defaults.sum())}


def _moment(day: date) -> datetime:
    """When a bank reported a business day's row: that day, 10:00 in the city (02:00 UTC)."""
    return datetime(day.year, day.month, day.day, 2, tzinfo=UTC)


def _month_after(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def _whitelist(
    session: Session, rng: np.random.Generator, usccs: np.ndarray, *, now: datetime
) -> int:
    joined = rng.choice(usccs, size=len(usccs) // 3, replace=False).tolist()
    at = [now - timedelta(days=float(d)) for d in rng.uniform(5, MONTHS * 30.4, len(joined))]
    base = {"trigger": "refresh", "reasons": [], "detail": {}}
    rows = [base | {"uscc": u, "kind": "join", "at": t} for u, t in zip(joined, at, strict=True)]
    rows += [
        base | {"uscc": u, "kind": "exit", "at": t + timedelta(days=90)}
        for u, t in zip(joined[::8], at[::8], strict=True)
        if t + timedelta(days=90) < now
    ]
    bulk(session, WhitelistChange, rows)
    return len(rows)


def add_a_day(session: Session, rng: np.random.Generator, *, scale: float) -> dict[str, int]:
    """One day's events, written now: new needs and their leads, answers, loans disbursed today,
    repayments (most for last month's period: a late report), defaults and recoveries, whitelist
    changes and a source batch."""
    now, today = utcnow(), to_local(utcnow()).date()
    usccs = np.array(sorted(session.exec(select(Enterprise.uscc))))
    count = max(2, int(100 * scale))
    firms, banks = rng.choice(usccs, size=count).tolist(), rng.choice(LENDERS, size=count).tolist()
    need = {
        "amount_fen": 50_000_000,
        "term_months": 12,
        "purpose": "流动资金",
        "green": False,
        "tech": False,
        "status": "submitted",
        "submitted_by": "bench",
        "product_type": "credit",
    }
    bulk(
        session,
        FinancingApplication,
        [
            need | {"uscc": u, "lender_code": b, "created_at": now, "updated_at": now}
            for u, b in zip(firms, banks, strict=True)
        ],
    )
    open_leads = session.execute(
        select(Lead.id, Lead.lender_code).where(Lead.status == "offered").limit(count)
    ).all()
    base = {"actor": "bench", "actor_role": "lender_user", "at": now}
    bulk(
        session,
        LeadTransition,
        [
            base | {"lead_id": i, "from_status": "offered", "to_status": "accepted"}
            for i, _b in open_leads
        ],
    )
    last_month = _month_after(date(today.year, today.month, 1) - timedelta(days=40))
    paying = session.execute(
        select(Loan.id, Loan.principal_fen)
        .where(Loan.defaulted_on.is_(None), Loan.disbursed_on < last_month)
        .limit(int(1300 * scale) + 1)
    ).all()  # type: ignore[union-attr]
    repaid = {
        row
        for (row,) in session.execute(
            select(LoanRepayment.loan_id).where(LoanRepayment.period == f"{last_month:%Y-%m}")
        )
    }
    bulk(
        session,
        LoanRepayment,
        [
            {
                "loan_id": i,
                "period": f"{last_month:%Y-%m}",
                "paid_on": today,
                "principal_fen": p // 12,
                "interest_fen": 0,
                "outstanding_after_fen": 0,
                "reported_by": "bench",
                "created_at": now,
            }
            for i, p in paying
            if i not in repaid
        ],
    )
    for loan in session.exec(select(Loan).where(Loan.defaulted_on.is_(None)).limit(3)):  # type: ignore[union-attr]
        loan.defaulted_on, loan.outstanding_at_default_fen = today, loan.principal_fen // 2
        loan.status, loan.updated_at = "defaulted", now  # type: ignore[assignment]
        session.add(loan)
    wl = {"trigger": "refresh", "reasons": [], "detail": {}, "kind": "join", "at": now}
    bulk(session, WhitelistChange, [wl | {"uscc": u} for u in firms[: max(1, count // 2)]])
    session.add(
        SourceBatch(
            kind="tax",
            file_name="today.csv",
            content_hash="f" * 64,
            file_format="csv",
            status="loaded",
            loaded_by="bench",
            loaded_at=now,  # type: ignore[arg-type]
            rows_read=5000,
            rows_loaded=5000,
            rows_rejected=0,
        )
    )
    return {
        "applications": count,
        "answers": len(open_leads),
        "repayments": sum(1 for i, _p in paying if i not in repaid),
        "defaults": 3,
        "whitelist_joins": max(1, count // 2),
        "batches": 1,
    }
