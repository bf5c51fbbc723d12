"""The office's view of the fund: the money, each bank against its lines, the claims waiting,
from a handful of queries whatever the number of banks and claims."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from sqlalchemy import event
from sqlmodel import Session

from app.core.clock import utcnow
from lenders.fund import agreements, cover, office_view, repository, suspension
from lenders.fund.models import ClaimStatus
from tests.clock import CityClock
from tests.factories import make_lender
from tests.lenders.fund import office_world
from tests.lenders.fund.office_world import (
    ALLOCATION_A_FEN,
    ALLOCATION_B_FEN,
    CAPITAL_FEN,
    PAYOUT_FEN,
    RETURNED_FEN,
)
from tests.lenders.fund.test_cover import sign


def test_the_position_follows_the_ledger(db: Session) -> None:
    office_world.build(db)
    position = office_view.overview(db).position
    assert position.capital_fen == {"office": CAPITAL_FEN}
    assert position.unallocated_fen == CAPITAL_FEN - ALLOCATION_A_FEN - ALLOCATION_B_FEN
    assert position.allocated_fen == ALLOCATION_A_FEN - PAYOUT_FEN + RETURNED_FEN + ALLOCATION_B_FEN
    assert position.reserved_fen == 0
    assert (position.paid_fen, position.recovered_fen) == (PAYOUT_FEN, RETURNED_FEN)


def test_each_bank_is_judged_as_the_fund_s_services_judge_it(db: Session) -> None:
    world = office_world.build(db)
    banks = {b.lender_code: b for b in office_view.overview(db).banks}
    a, b = banks[world.bank_a.code], banks[world.bank_b.code]
    terms = agreements.in_force(db, lender_code=world.bank_a.code, on=office_view.today())
    assert a.agreement is not None and a.agreement.id == terms.id and a.latest_version == 1
    assert a.allocation_left_fen == ALLOCATION_A_FEN - PAYOUT_FEN + RETURNED_FEN
    covered = repository.covered_outstanding(db, lender_code=world.bank_a.code)
    assert a.covered_outstanding_fen == covered > 0
    assert a.headroom_fen == cover.headroom_fen(db, agreement=terms)
    assert a.leverage_used_bp == covered * 10_000 // (10 * a.allocation_left_fen)
    assert a.npl_bp == suspension.npl_bp(db, world.bank_a.code) > a.suspension_npl_bp == 500
    assert a.suspended and a.reinstatement_npl_bp == 300
    assert (a.paid_fen, a.recovered_fen, a.reserved_fen) == (PAYOUT_FEN, RETURNED_FEN, 0)
    assert a.open_claims == 2 and a.oldest_open_age_days == 0
    assert (b.covered_outstanding_fen, b.leverage_used_bp, b.npl_bp) == (0, 0, 0)
    assert b.headroom_fen == 10 * ALLOCATION_B_FEN and not b.suspended and b.open_claims == 0


def test_a_bank_whose_agreement_expired_has_no_terms_in_force_and_no_headroom(
    db: Session,
) -> None:
    office_world.build(db)
    lapsed = make_lender(db)
    start = office_view.today() - timedelta(days=90)
    sign(db, lapsed, effective_from=start, expires_on=start + timedelta(days=30))
    row = office_view.bank(db, lender_code=lapsed.code)
    assert row is not None and row.agreement is None and row.latest_version == 1
    assert row.headroom_fen == 0 and row.allocation_left_fen == 100_000_00
    assert office_view.bank(db, lender_code="no-such-bank") is None


def test_the_pipeline_counts_claims_by_status_with_their_ages(
    city_clock: CityClock, db: Session
) -> None:
    world = office_world.build(db)
    world.filed.filed_at = utcnow() - timedelta(days=9)
    db.add(world.filed)
    db.flush()
    pipeline = office_view.overview(db).pipeline
    figures = {s.status: s for s in pipeline.by_status}
    assert list(figures) == list(ClaimStatus)
    assert figures[ClaimStatus.FILED].count == 1 and figures[ClaimStatus.FILED].oldest_age_days == 9
    assert figures[ClaimStatus.REVIEWED].unpaid_principal_fen == 400_000_00
    assert figures[ClaimStatus.PAID].amount_fen == PAYOUT_FEN
    assert figures[ClaimStatus.REJECTED].count == 0
    assert figures[ClaimStatus.REJECTED].oldest_age_days is None
    assert pipeline.open_count == 2 and pipeline.oldest_open_age_days == 9


def test_an_age_counts_the_city_s_calendar_days(city_clock: CityClock) -> None:
    # Filed at 23:30 Beijing time yesterday: one day old, whatever the UTC dates say.
    on = office_view.today()
    filed = (utcnow() - timedelta(days=1)).replace(hour=15, minute=30)  # 23:30 in UTC+8
    expected = (on - (filed + timedelta(hours=8)).date()).days
    assert office_view.age_days(filed, on=on) == expected


def test_claims_are_listed_longest_waiting_first_and_filtered(db: Session) -> None:
    world = office_world.build(db)
    rows, total = office_view.claims_page(db)
    assert total == 3 and [r.claim.id for r in rows] == [
        world.paid.id,
        world.filed.id,
        world.reviewed.id,
    ]
    assert rows[0].lender_name == world.bank_a.name and rows[0].age_days == 0
    rows, total = office_view.claims_page(db, status=ClaimStatus.REVIEWED)
    assert total == 1 and rows[0].claim.id == world.reviewed.id
    rows, total = office_view.claims_page(db, lender_code=world.bank_b.code)
    assert (rows, total) == ([], 0)
    rows, total = office_view.claims_page(db, offset=2, limit=5)
    assert total == 3 and [r.claim.id for r in rows] == [world.reviewed.id]


def test_a_claim_s_steps_are_its_audit_trail_oldest_first(db: Session) -> None:
    world = office_world.build(db)
    assert world.paid.id is not None
    actions = [e.action for e in office_view.steps(db, claim_id=world.paid.id)]
    assert actions == [
        "fund.claim.file",
        "fund.claim.review",
        "fund.claim.approve",
        "fund.claim.pay",
        "fund.claim.recovery",
    ]


@contextmanager
def counted(db: Session) -> Iterator[list[str]]:
    statements: list[str] = []
    engine = db.get_bind()

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def test_the_overview_costs_the_same_queries_for_two_banks_or_six(db: Session) -> None:
    office_world.build(db)
    with counted(db) as few:
        office_view.overview(db)
    for _ in range(4):
        sign(db, make_lender(db), allocation_yuan="1000")
    with counted(db) as more:
        assert len(office_view.overview(db).banks) == 6
    assert len(more) == len(few) <= 8
