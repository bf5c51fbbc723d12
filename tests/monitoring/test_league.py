"""The bank league table on a hand-built November 2026 (Beijing is UTC+8: 09:00 city is 01:00Z);
every figure below is worked out by hand from the story in ``league_city``.

1 November 2026 is a Sunday; office hours are 09:00–17:00 on working days.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session

from app.accounts.models import Role
from app.applications.models import FinancingApplication
from app.audit.service import SystemActor
from app.monitoring import league, repository
from app.monitoring.refresh import refresh
from lenders.institutions.models import Lender
from lenders.leads.models import (
    DeadlineKind,
    DeadlineOutcome,
    DeclineReason,
    Lead,
    LeadDeadline,
    LeadStatus,
)
from tests.factories import bearer, make_enterprise, make_lender, make_product, make_user
from tests.monitoring import world

AS_OF = world.at("2026-12-01T02:00:00")  # the rebuild's "now": 1 December 10:00 city time


def deadline(
    session: Session, lead: Lead, kind: DeadlineKind, due: str, outcome: DeadlineOutcome,
    ended: str | None = None,
) -> None:  # fmt: skip
    assert lead.id is not None
    session.add(
        LeadDeadline(
            lead_id=lead.id, lender_code=lead.lender_code, kind=kind, working_days=3,
            started_at=lead.offered_at, due_at=world.at(due), outcome=outcome,
            ended_at=world.at(ended) if ended else None,
        )
    )  # fmt: skip
    session.flush()


@pytest.fixture
def league_city(db: Session) -> tuple[Lender, Lender]:
    """Bank A (三笔):
      L1 offered Mon 2 Nov 09:00, accepted 11:00 in time (120 min), then approved;
      L2 offered Fri 6 Nov 16:00, accepted Mon 9 Nov 11:30 in time (60 + 150 = 210 min), then
         rejected;
      L3 offered Tue 10 Nov 09:00, due Fri 13 Nov, accepted Mon 16 Nov 09:00: missed
         (4 working days × 480 = 1,920 min), a breach of November;
      L6 offered Mon 30 Nov 16:00, accepted Tue 1 Dec 09:30: December's answer.
    Bank B (两笔):
      L4 offered Mon 2 Nov 10:00, declined 10:30 for credit risk (30 min, in time);
      L5 offered Mon 2 Nov 10:00, due Thu 5 Nov, still unanswered on 1 Dec: a breach of November.
    """
    bank_a, bank_b = make_lender(db, "bank-a"), make_lender(db, "bank-b")
    product_a, product_b = make_product(db, bank_a), make_product(db, bank_b)
    firm = make_enterprise(db)

    def need() -> FinancingApplication:  # one need per lead: a match is one per need and product
        return world.application(db, firm, "2026-11-01T01:00:00")

    respond, decide = DeadlineKind.RESPOND, DeadlineKind.DECIDE
    met, missed = DeadlineOutcome.MET, DeadlineOutcome.MISSED

    l1 = world.lead(db, need(), product_a, "2026-11-02T01:00:00",
                    (LeadStatus.ACCEPTED, "2026-11-02T03:00:00"),
                    (LeadStatus.APPROVED, "2026-11-04T03:00:00"))  # fmt: skip
    deadline(db, l1, respond, "2026-11-05T15:59:59", met, "2026-11-02T03:00:00")
    deadline(db, l1, decide, "2026-11-09T15:59:59", met, "2026-11-04T03:00:00")
    l2 = world.lead(db, need(), product_a, "2026-11-06T08:00:00",
                    (LeadStatus.ACCEPTED, "2026-11-09T03:30:00"),
                    (LeadStatus.REJECTED, "2026-11-10T03:00:00"))  # fmt: skip
    deadline(db, l2, respond, "2026-11-11T15:59:59", met, "2026-11-09T03:30:00")
    l3 = world.lead(db, need(), product_a, "2026-11-10T01:00:00",
                    (LeadStatus.ACCEPTED, "2026-11-16T01:00:00"))  # fmt: skip
    deadline(db, l3, respond, "2026-11-13T15:59:59", missed, "2026-11-16T01:00:00")
    l6 = world.lead(db, need(), product_a, "2026-11-30T08:00:00",
                    (LeadStatus.ACCEPTED, "2026-12-01T01:30:00"))  # fmt: skip
    deadline(db, l6, respond, "2026-12-03T15:59:59", met, "2026-12-01T01:30:00")

    l4 = world.lead(db, need(), product_b, "2026-11-02T02:00:00",
                    (LeadStatus.DECLINED, "2026-11-02T02:30:00"))  # fmt: skip
    l4.decline_reason = DeclineReason.CREDIT_RISK
    db.add(l4)
    deadline(db, l4, respond, "2026-11-05T15:59:59", met, "2026-11-02T02:30:00")
    l5 = world.lead(db, need(), product_b, "2026-11-02T02:00:00")
    deadline(db, l5, respond, "2026-11-05T15:59:59", DeadlineOutcome.OPEN)
    db.flush()
    return bank_a, bank_b


def rebuild(db: Session) -> None:
    repository.replace_league(db, league.compute(db, through="2026-12", now=AS_OF))


def test_the_november_league_by_hand(db: Session, league_city: tuple[Lender, Lender]) -> None:
    rebuild(db)
    table = league.table(db, month="2026-11")
    assert [entry.lender_code for entry in table] == ["bank-b", "bank-a"]  # 100 % in time first
    b, a = table
    assert (b.rank, b.row.offered, b.row.answered, b.row.answered_in_time) == (1, 2, 1, 1)
    assert (b.row.median_response_minutes, b.row.p90_response_minutes) == (30, 30)
    assert (b.row.breaches, b.row.declines, b.approval_ratio) == (1, {"credit_risk": 1}, None)
    assert (a.rank, a.row.offered, a.row.answered, a.row.answered_in_time) == (2, 4, 3, 2)
    # answers 120, 210, 1,920 minutes: the median the middle one, p90 by nearest rank the last
    assert (a.row.median_response_minutes, a.row.p90_response_minutes) == (210, 1920)
    assert (a.in_time_share, a.row.breaches, a.row.declines) == (Decimal("0.6667"), 1, {})
    assert (a.row.approved, a.row.decided, a.approval_ratio) == (1, 2, Decimal("0.5000"))
    assert a.lender_name.startswith("测试银行")  # the registered name, not the code
    december = league.table(db, month="2026-12")
    assert [(e.lender_code, e.row.answered, e.row.median_response_minutes) for e in december] == [
        ("bank-a", 1, 90)  # Mon 30 Nov 16:00–17:00 and Tue 1 Dec 09:00–09:30
    ]


def test_a_deadline_still_open_is_a_breach_only_once_past_due(
    db: Session, league_city: tuple[Lender, Lender]
) -> None:
    repository_rows = league.compute(db, through="2026-11", now=world.at("2026-11-05T12:00:00"))
    b = next(row for row in repository_rows if row["lender_code"] == "bank-b")
    assert b["breaches"] == 0  # L5 is due at the end of 5 November, city time
    later = league.compute(db, through="2026-11", now=world.at("2026-11-05T16:00:00"))
    assert next(row for row in later if row["lender_code"] == "bank-b")["breaches"] == 1
    assert all(row["month"] <= "2026-11" for row in later)


def test_a_bank_sees_its_own_place_only(db: Session, league_city: tuple[Lender, Lender]) -> None:
    rebuild(db)
    place = league.position(db, month="2026-11", lender_code="bank-a")
    assert (place.banks, place.entry.rank if place.entry else None) == (2, 2)
    assert league.position(db, month="2026-10", lender_code="bank-a").entry is None


def test_the_rebuild_writes_the_league(db: Session, league_city: tuple[Lender, Lender]) -> None:
    refresh(db, actor=SystemActor("test"), through="2026-12")
    assert [e.lender_code for e in league.table(db, month="2026-11")] == ["bank-b", "bank-a"]
    refresh(db, actor=SystemActor("test"), through="2026-12")  # whole, not added twice
    assert [e.row.offered for e in league.table(db, month="2026-11")] == [2, 4]


def test_the_api_gives_the_office_the_table_and_a_bank_its_row(
    client: TestClient, db: Session, league_city: tuple[Lender, Lender]
) -> None:
    rebuild(db)
    office = bearer(make_user(db, Role.OFFICE))
    banker = bearer(make_user(db, Role.LENDER_USER, lender_id=league_city[0].id))
    db.commit()
    answer = client.get("/api/v1/monitoring/league?month=2026-11", headers=office)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [row["lender_code"] for row in body["data"]] == ["bank-b", "bank-a"]
    assert body["data"][1]["median_response_minutes"] == 210
    assert body["data"][1]["in_time_share"] == "0.6667"
    assert body["data"][0]["declines"] == {"credit_risk": 1}
    own = client.get("/api/v1/lender/league?month=2026-11", headers=banker)
    assert own.status_code == 200, own.text
    assert (own.json()["banks"], own.json()["entry"]["rank"]) == (2, 2)
    assert own.json()["entry"]["lender_code"] == "bank-a"  # never bank-b's row
    assert client.get("/api/v1/monitoring/league?month=2026-11", headers=banker).status_code == 403
    assert client.get("/api/v1/lender/league?month=2026-11", headers=office).status_code == 403


BAD_MONTHS = ["2026-13", "2026-1", "11-2026", "2026-11'--", "", "２０２６-11"]


@pytest.mark.parametrize("month", BAD_MONTHS)
def test_a_bad_month_is_refused_with_its_field_named(
    client: TestClient, db: Session, month: str
) -> None:
    office = bearer(make_user(db, Role.OFFICE))
    db.commit()
    refused = client.get("/api/v1/monitoring/league", params={"month": month}, headers=office)
    assert refused.status_code == 422, month
    assert refused.json()["code"] == "validation_error"
    assert refused.json()["errors"][0]["loc"][-1] == "month"
