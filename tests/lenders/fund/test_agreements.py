"""Capital and cooperation agreements: contributions, versions, and allocations the ledger
holds exactly as the agreements say."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from pydantic import ValidationError
from sqlmodel import Session, select

from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.clock import to_local, utcnow
from lenders.fund import agreements, capital
from lenders.fund.exceptions import (
    AllocationExceedsFund,
    AllocationInUse,
    InvalidTerms,
    NoAgreement,
)
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.ledger.service import Posting
from lenders.fund.models import RiskClass
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.institutions.exceptions import LenderNotFound
from tests.factories import make_lender, make_product

OFFICE = SystemActor("office-test")
TODAY = to_local(utcnow()).date()


def terms(**changes: Any) -> AgreementTerms:
    return AgreementTerms.model_validate(
        {"effective_from": TODAY, "allocation_yuan": "1000000", **changes}
    )


def fund_of(db: Session, yuan: str, key: str = "c1") -> None:
    capital.contribute(db, data=ContributionCreate(amount_yuan=yuan), key=key, actor=OFFICE)


def audited(db: Session, action: str) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == action)))


def test_a_contribution_is_capital_and_unallocated_money_once_per_key(db: Session) -> None:
    fund_of(db, "50000000")
    fund_of(db, "50000000")  # a retry under the same key
    fund_of(db, "20000000.50", key="c2")
    position = capital.position(db)
    assert position.capital_fen == {"office": 70_000_000_50}
    assert position.unallocated_fen == 70_000_000_50 and position.allocations_fen == {}
    assert len(audited(db, "fund.contribute")) == 2
    assert reconcile(db).ok


def test_signing_moves_the_allocation_and_a_new_version_moves_the_difference(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "5000000")
    first = agreements.sign(db, lender_code=bank.code, terms=terms(), actor=OFFICE)
    assert (first.version, first.compensation_ratio_bp, first.leverage) == (1, 4000, 10)
    assert first.claim_window_days == 180 and first.suspension_npl_bp == 500
    assert capital.position(db).allocations_fen == {bank.code: 1_000_000_00}
    second = agreements.sign(
        db, lender_code=bank.code, terms=terms(allocation_yuan="400000", leverage=8), actor=OFFICE
    )
    assert second.version == 2
    position = capital.position(db)
    assert position.allocations_fen == {bank.code: 400_000_00}
    assert position.unallocated_fen == 4_600_000_00
    assert [a.version for a in agreements.history(db, lender_code=bank.code)] == [1, 2]
    assert agreements.in_force(db, lender_code=bank.code, on=TODAY).leverage == 8
    assert len(audited(db, "fund.agreement.sign")) == 2
    assert reconcile(db).ok


def test_the_money_rules_are_off_unless_signed_and_kept_as_signed(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "5000000")
    plain = agreements.sign(db, lender_code=bank.code, terms=terms(), actor=OFFICE)
    assert (plain.premium_rate_bp, plain.premium_match_bp, plain.period_cap_bp) == (None,) * 3
    assert (plain.payout_premium_multiple, plain.recovery_notice_days) == (None, None)
    assert plain.claimable_from is RiskClass.SUBSTANDARD
    ruled = terms(
        premium_rate_bp=300,
        premium_match_bp=10_000,
        period_cap_bp=250,
        payout_premium_multiple=20,
        claimable_from="doubtful",
        recovery_notice_days=30,
    )
    signed = agreements.sign(db, lender_code=bank.code, terms=ruled, actor=OFFICE)
    assert (signed.premium_rate_bp, signed.premium_match_bp, signed.period_cap_bp) == (
        300,
        10_000,
        250,
    )
    assert (signed.payout_premium_multiple, signed.recovery_notice_days) == (20, 30)
    assert signed.claimable_from is RiskClass.DOUBTFUL
    [_, audit] = audited(db, "fund.agreement.sign")
    assert audit.detail["terms"]["claimable_from"] == "doubtful"


def test_a_term_s_refusal_is_told_in_chinese() -> None:
    with pytest.raises(ValidationError, match="须先设保费费率"):
        terms(payout_premium_multiple=20)
    with pytest.raises(ValidationError, match="次级、可疑或损失"):
        terms(claimable_from="special_mention")


def test_an_allocation_beyond_the_fund_is_refused_and_nothing_is_signed(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "999999.99")
    with pytest.raises(AllocationExceedsFund), db.begin_nested():
        agreements.sign(db, lender_code=bank.code, terms=terms(), actor=OFFICE)
    assert agreements.history(db, lender_code=bank.code) == []
    assert capital.position(db).unallocated_fen == 99_999_999


def test_an_allocation_cannot_shrink_below_what_is_left_of_it(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "2000000")
    agreements.sign(db, lender_code=bank.code, terms=terms(), actor=OFFICE)
    ledger.open_account(db, code="payouts:test", name="代偿支出")
    paid = Posting("payout-1", "payouts:test", f"allocation:{bank.code}", 800_000_00, "payout")
    ledger.post(db, journal="payout-1", postings=[paid], actor="test")
    with pytest.raises(AllocationInUse), db.begin_nested():
        agreements.sign(
            db, lender_code=bank.code, terms=terms(allocation_yuan="100000"), actor=OFFICE
        )
    assert capital.position(db).allocations_fen == {bank.code: 200_000_00}


def test_the_agreement_in_force_depends_on_the_day(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "5000000")
    start = TODAY - timedelta(days=30)
    agreements.sign(
        db,
        lender_code=bank.code,
        terms=terms(effective_from=start, expires_on=TODAY + timedelta(days=10)),
        actor=OFFICE,
    )
    later = agreements.sign(
        db,
        lender_code=bank.code,
        terms=terms(effective_from=TODAY + timedelta(days=5), compensation_ratio_bp=5000),
        actor=OFFICE,
    )
    assert agreements.in_force(db, lender_code=bank.code, on=TODAY).compensation_ratio_bp == 4000
    assert agreements.in_force(db, lender_code=bank.code, on=later.effective_from).version == 2
    with pytest.raises(NoAgreement):
        agreements.in_force(db, lender_code=bank.code, on=start - timedelta(days=1))


def test_an_expired_agreement_covers_nothing(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "5000000")
    start = TODAY - timedelta(days=60)
    agreements.sign(
        db,
        lender_code=bank.code,
        terms=terms(effective_from=start, expires_on=start + timedelta(days=29)),
        actor=OFFICE,
    )
    with pytest.raises(NoAgreement):
        agreements.in_force(db, lender_code=bank.code, on=TODAY)


def test_a_version_cannot_start_in_the_past_or_before_the_current_one(db: Session) -> None:
    bank = make_lender(db)
    fund_of(db, "5000000")
    agreements.sign(
        db,
        lender_code=bank.code,
        terms=terms(effective_from=TODAY + timedelta(days=3)),
        actor=OFFICE,
    )
    for start in (TODAY - timedelta(days=1), TODAY + timedelta(days=2)):
        with pytest.raises(InvalidTerms), db.begin_nested():
            agreements.sign(
                db, lender_code=bank.code, terms=terms(effective_from=start), actor=OFFICE
            )
    assert len(agreements.history(db, lender_code=bank.code)) == 1


def test_eligible_products_are_the_bank_s_own_fund_eligible_ones(db: Session) -> None:
    bank, other = make_lender(db), make_lender(db)
    fund_of(db, "5000000")
    eligible = make_product(db, bank, fund_eligible=True)
    plain = make_product(db, bank)
    theirs = make_product(db, other, fund_eligible=True)
    for product in (plain, theirs):
        with pytest.raises(InvalidTerms), db.begin_nested():
            agreements.sign(
                db,
                lender_code=bank.code,
                terms=terms(eligible_product_ids=[product.id]),
                actor=OFFICE,
            )
    signed = agreements.sign(
        db, lender_code=bank.code, terms=terms(eligible_product_ids=[eligible.id]), actor=OFFICE
    )
    assert signed.eligible_product_ids == [eligible.id]
    with pytest.raises(LenderNotFound):
        agreements.sign(db, lender_code="NOBANK", terms=terms(), actor=OFFICE)


@pytest.mark.parametrize(
    "changes",
    [
        {"allocation_yuan": "-1"},
        {"allocation_yuan": 1.5},
        {"allocation_yuan": "1e6"},
        {"compensation_ratio_bp": 0},
        {"compensation_ratio_bp": 10_001},
        {"leverage": 0},
        {"enterprise_cap_yuan": "0"},
        {"claim_window_days": 0},
        {"reinstatement_npl_bp": 500},
        {"expires_on": TODAY - timedelta(days=1)},
        {"eligible_product_ids": [1, 1]},
        {"eligible_product_ids": [0]},
        {"premium_rate_bp": -1},
        {"premium_match_bp": 5000},  # a match of no premium
        {"premium_rate_bp": 200, "premium_match_bp": 0},
        {"premium_rate_bp": 200, "premium_match_bp": 10_001},
        {"period_cap_bp": 0},
        {"payout_premium_multiple": 5},  # a multiple of no premium
        {"premium_rate_bp": 200, "payout_premium_multiple": 0},
        {"claimable_from": "normal"},
        {"claimable_from": "special_mention"},
        {"claimable_from": "次级"},
        {"recovery_notice_days": 0},
        {"recovery_notice_days": "thirty"},
        {"surprise": True},
    ],
    ids="+".join,
)
def test_hostile_terms_are_refused_before_anything_changes(changes: dict[str, Any]) -> None:
    with pytest.raises(ValidationError):
        terms(**changes)


@pytest.mark.parametrize("amount", ["0", "-5", "1,000", 2.5, "１００", True])
def test_hostile_contributions_are_refused(amount: Any) -> None:
    with pytest.raises(ValidationError):
        ContributionCreate(amount_yuan=amount)
    with pytest.raises(ValidationError):
        ContributionCreate(amount_yuan="100", contributor="Office; DROP")
