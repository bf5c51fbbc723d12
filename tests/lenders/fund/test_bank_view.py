"""The bank's view of the fund: its agreement in force, headroom and NPL, its covered loans and
refusals, its claims (never another bank's) and the defaulted loans it may still claim on."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import Session

from lenders.fund import bank_view, capital, claims
from lenders.fund.exceptions import ClaimNotFound
from lenders.fund.models import ClaimStatus, CoverRefusal
from lenders.fund.schemas import ContributionCreate
from lenders.institutions.models import Lender
from lenders.loans.dates import today
from tests.clock import CityClock
from tests.factories import make_enterprise, make_lender
from tests.lenders.fund.test_claims import defaulted, file
from tests.lenders.fund.test_cover import OFFICE, disburse, sign


@pytest.fixture
def bank(db: Session) -> Lender:
    """Allocation 100,000 yuan × leverage 10 from a fund of 1 million; a 180-day claim window."""
    capital.contribute(db, data=ContributionCreate(amount_yuan="1000000"), key="k", actor=OFFICE)
    lender = make_lender(db)
    sign(db, lender)
    return lender


def test_a_bank_without_an_agreement_stands_at_nothing(db: Session, city_clock: CityClock) -> None:
    lender = make_lender(db)
    disburse(db, lender)
    standing = bank_view.standing(db, lender_code=lender.code, today=today())
    assert standing.agreement is None and standing.headroom_fen == 0
    assert standing.allocation_left_fen == 0 and standing.covered_loans == 0
    assert standing.refused_loans == 1 and standing.claims == {}


def test_the_standing_shows_headroom_npl_and_counts(db: Session, bank: Lender) -> None:
    disburse(db, bank, yuan="300000.00")
    disburse(db, bank, eligible=False)
    file(db, bank, defaulted(db, bank, yuan="100000.00"))
    standing = bank_view.standing(db, lender_code=bank.code, today=today())
    assert standing.agreement is not None and standing.agreement.version == 1
    assert standing.allocation_left_fen == 10_000_000
    assert standing.covered_outstanding_fen == 40_000_000  # 300,000 + 100,000 in default
    assert standing.headroom_fen == 100_000_000 - 40_000_000
    assert standing.npl_bp == 2_500  # 100,000 of 400,000
    assert standing.suspended  # 25 % is past the 5 % line
    assert (standing.covered_loans, standing.refused_loans) == (2, 1)
    assert standing.claims == {ClaimStatus.FILED: 1}


def test_covers_page_covered_and_refused_with_names_and_versions(db: Session, bank: Lender) -> None:
    firm = make_enterprise(db, name="湖州恒兴机械有限公司")
    covered = [disburse(db, bank, enterprise=firm, yuan="100000.00") for _ in range(3)]
    refused = disburse(db, bank, eligible=False)
    rows, total = bank_view.covers(db, lender_code=bank.code, covered=True, offset=0, limit=2)
    assert total == 3 and [r.loan.id for r in rows] == [covered[2].id, covered[1].id]
    assert {(r.enterprise_name, r.agreement_version) for r in rows} == {("湖州恒兴机械有限公司", 1)}
    (no,), one = bank_view.covers(db, lender_code=bank.code, covered=False, offset=0, limit=50)
    assert one == 1 and no.loan.id == refused.id
    assert no.cover.refusal is CoverRefusal.PRODUCT_NOT_ELIGIBLE
    _, everything = bank_view.covers(db, lender_code=bank.code, covered=None, offset=0, limit=50)
    assert everything == 4
    other = make_lender(db)
    assert bank_view.covers(db, lender_code=other.code, covered=None, offset=0, limit=50)[1] == 0


def test_a_bank_reads_its_own_claims_and_never_another_s(db: Session, bank: Lender) -> None:
    claim = file(db, bank, defaulted(db, bank, yuan="100000.00"))
    assert claim.id is not None
    rows, total = bank_view.claim_rows(db, lender_code=bank.code, offset=0, limit=50)
    assert total == 1 and rows[0].claim.id == claim.id
    assert rows[0].claim.unpaid_principal_fen == 10_000_000
    assert bank_view.claim(db, claim_id=claim.id, lender_code=bank.code).loan.id == claim.loan_id
    other = make_lender(db)
    with pytest.raises(ClaimNotFound):
        bank_view.claim(db, claim_id=claim.id, lender_code=other.code)
    with pytest.raises(ClaimNotFound):
        bank_view.claim(db, claim_id=claim.id + 1000, lender_code=bank.code)
    assert bank_view.claim_rows(db, lender_code=other.code, offset=0, limit=50) == ([], 0)


def test_claimable_loans_are_covered_defaulted_unclaimed_with_their_last_day(
    db: Session, bank: Lender, city_clock: CityClock
) -> None:
    loan = defaulted(db, bank, yuan="100000.00")
    disburse(db, bank)  # covered, not defaulted
    uncovered = defaulted(db, make_lender(db))  # another bank's, and refused
    (option,) = bank_view.claimable(db, lender_code=bank.code)
    assert loan.defaulted_on is not None and option.loan.id == loan.id
    assert option.last_day == loan.defaulted_on + timedelta(days=180)
    assert option.open_on(option.last_day) and not option.open_on(option.last_day + timedelta(1))
    assert bank_view.claimable_loan(db, loan=uncovered) is None
    terms = bank_view.standing(db, lender_code=bank.code, today=today()).agreement
    assert terms is not None
    assert claims.last_claim_day(defaulted_on=loan.defaulted_on, agreement=terms) == option.last_day
    file(db, bank, loan)
    assert bank_view.claimable(db, lender_code=bank.code) == []
    assert bank_view.claimable_loan(db, loan=loan) is None
