"""An independent model of one bank's life with the fund, for the whole-fund property test.

What each ledger account must hold, whether the fund must cover a loan, when the bank is
suspended and what each claim must be paid are worked out here in plain Python from the rules
(SPEC §7, the agreement's terms, the loan-risk classification), never by calling the services:
the test runs the services and this model side by side and compares them after every step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from lenders.fund.exceptions import (
    AllocationExceedsFund,
    AllocationInUse,
    ClaimStep,
    FundExhausted,
    NotClaimable,
    PeriodCapExceeded,
    PremiumMultipleReached,
    RiskClassNotClaimable,
    SameHands,
)
from lenders.fund.models import AmountBound, CoverRefusal, RiskClass

BP = 10_000
NPL_DAYS = 90
Outcome = type[Exception] | None  # the error the service must raise, or None: it must succeed


@dataclass(frozen=True)
class Terms:
    """One agreement version as the model knows it (money in fen)."""

    version: int
    effective_from: date
    allocation_fen: int
    ratio_bp: int
    leverage: int
    enterprise_cap_fen: int
    claim_window_days: int
    premium_rate_bp: int | None
    premium_match_bp: int | None
    period_cap_bp: int | None
    multiple: int | None
    claimable_from: RiskClass
    notice_days: int | None
    suspension_bp: int
    reinstatement_bp: int
    second_above_fen: int

    def fields(self) -> dict[str, Any]:
        """The same terms as the office types them (``AgreementTerms``)."""
        return {
            "effective_from": self.effective_from,
            "allocation_yuan": f"{self.allocation_fen // 100}.{self.allocation_fen % 100:02d}",
            "compensation_ratio_bp": self.ratio_bp,
            "leverage": self.leverage,
            "enterprise_cap_yuan": str(self.enterprise_cap_fen // 100),
            "claim_window_days": self.claim_window_days,
            "premium_rate_bp": self.premium_rate_bp,
            "premium_match_bp": self.premium_match_bp,
            "period_cap_bp": self.period_cap_bp,
            "payout_premium_multiple": self.multiple,
            "claimable_from": self.claimable_from.value,
            "recovery_notice_days": self.notice_days,
            "suspension_npl_bp": self.suspension_bp,
            "reinstatement_npl_bp": self.reinstatement_bp,
            "second_approval_above_yuan": str(self.second_above_fen // 100),
        }


@dataclass
class LoanM:
    id: int
    uscc: str
    principal: int
    disbursed_on: date
    covered: bool
    terms: Terms | None  # the version the fund judged it under
    outstanding: int
    status: str = "current"
    dpd: int = 0
    defaulted_on: date | None = None
    at_default: int = 0
    recovered: int = 0
    repayments: int = 0
    written_off: bool = False

    def still_owed(self) -> int:
        return self.outstanding - self.recovered if self.status == "defaulted" else self.outstanding

    def is_open(self) -> bool:
        return self.status in ("current", "overdue")


@dataclass
class ClaimM:
    id: int
    loan: LoanM
    terms: Terms
    unpaid: int
    risk_class: RiskClass
    status: str = "filed"
    amount: int | None = None
    bound: AmountBound | None = None
    reviewed_by: str | None = None
    approved_by: str | None = None
    returned: int = 0
    late: int = 0


def risk_class_of(days_past_due: int) -> RiskClass:
    """The class of a defaulted loan: by days past due, at least 次级."""
    if days_past_due > 360:
        return RiskClass.LOSS
    if days_past_due > 180:
        return RiskClass.DOUBTFUL
    return RiskClass.SUBSTANDARD


@dataclass
class FundModel:
    """The bank's and the fund's money, loans and claims; balances as debit (assets) or credit
    (sources) balances, all in fen."""

    unallocated: int = 0
    allocation: int = 0
    premiums: int = 0
    reserved: int = 0
    payouts: int = 0
    recoveries: int = 0
    suspended: bool = False
    versions: list[Terms] = field(default_factory=list)
    loans: list[LoanM] = field(default_factory=list)
    claims: list[ClaimM] = field(default_factory=list)

    # Agreements ---------------------------------------------------------------------------

    def agreement_on(self, day: date) -> Terms | None:
        started = [t for t in self.versions if t.effective_from <= day]
        return max(started, key=lambda t: t.version) if started else None

    def sign(self, terms: Terms) -> Outcome:
        change = terms.allocation_fen - (self.versions[-1].allocation_fen if self.versions else 0)
        if change > self.unallocated:
            return AllocationExceedsFund
        if -change > self.allocation:
            return AllocationInUse
        self.unallocated -= change
        self.allocation += change
        self.versions.append(terms)
        return None

    # Cover --------------------------------------------------------------------------------

    def on_book(self) -> list[LoanM]:
        return [loan for loan in self.loans if loan.covered and not loan.written_off]

    def judge(
        self, *, uscc: str, principal: int, eligible: bool, on: date
    ) -> tuple[Terms | None, CoverRefusal | None]:
        """The fund's decision on a loan disbursed ``on``, before it is made."""
        terms = self.agreement_on(on)
        if terms is None:
            return None, CoverRefusal.NO_AGREEMENT
        if self.suspended:
            return terms, CoverRefusal.BANK_SUSPENDED
        if not eligible:
            return terms, CoverRefusal.PRODUCT_NOT_ELIGIBLE
        held = sum(loan.still_owed() for loan in self.on_book() if loan.uscc == uscc)
        if held + principal > terms.enterprise_cap_fen:
            return terms, CoverRefusal.ENTERPRISE_CAP
        if principal > self.headroom(terms):
            return terms, CoverRefusal.LEVERAGE_HEADROOM
        return terms, None

    def headroom(self, terms: Terms) -> int:
        used = sum(loan.still_owed() for loan in self.on_book())
        return max(0, terms.leverage * self.allocation - used)

    def charge_premium(self, loan: LoanM) -> tuple[int, int]:
        """The premium and match a loan just covered pays in."""
        terms = loan.terms
        if not loan.covered or terms is None or not terms.premium_rate_bp:
            return 0, 0
        premium = loan.principal * terms.premium_rate_bp // BP
        if premium <= 0:
            return 0, 0
        match = 0
        if terms.premium_match_bp:
            match = max(0, min(premium * terms.premium_match_bp // BP, self.unallocated))
        self.premiums += premium
        self.allocation += premium + match
        self.unallocated -= match
        return premium, match

    # Suspension ---------------------------------------------------------------------------

    def npl_bp(self) -> int:
        book = self.on_book()
        total = sum(loan.still_owed() for loan in book)
        bad = sum(
            loan.still_owed() for loan in book if loan.status == "defaulted" or loan.dpd > NPL_DAYS
        )
        return bad * BP // total if total else 0

    def recheck(self, today: date) -> None:
        terms = self.agreement_on(today)
        if terms is None:
            return
        ratio = self.npl_bp()
        if not self.suspended and ratio > terms.suspension_bp:
            self.suspended = True
        elif self.suspended and ratio < terms.reinstatement_bp:
            self.suspended = False

    # Claims -------------------------------------------------------------------------------

    def claim_of(self, loan: LoanM) -> ClaimM | None:
        return next((c for c in self.claims if c.loan is loan), None)

    def can_file(self, loan: LoanM, today: date) -> Outcome:  # noqa: PLR0911 - one per rule
        if not loan.covered or loan.terms is None:
            return NotClaimable
        if loan.status != "defaulted" or loan.defaulted_on is None:
            return NotClaimable
        if self.claim_of(loan) is not None:
            return NotClaimable
        if (today - loan.defaulted_on).days > loan.terms.claim_window_days:
            return NotClaimable
        if loan.at_default - loan.recovered <= 0:
            return NotClaimable
        if risk_class_of(loan.dpd).rank < loan.terms.claimable_from.rank:
            return RiskClassNotClaimable
        return None

    def approved(self) -> int:
        """Payouts set aside so far; the test approves every claim today, so these are also the
        payouts approved in this calendar year."""
        return sum(
            c.amount or 0 for c in self.claims if c.status in ("approved", "paid", "written_off")
        )

    def premium_room(self, terms: Terms) -> int | None:
        return None if terms.multiple is None else terms.multiple * self.premiums - self.approved()

    def period_base(self, year: int) -> int:
        return sum(
            loan.principal for loan in self.loans if loan.covered and loan.disbursed_on.year == year
        )

    def approval(  # noqa: PLR0911, PLR0912 - one branch per rule, in the services' order
        self, claim: ClaimM, actor: str, today: date
    ) -> Outcome:
        """What approving ``claim`` by ``actor`` today must do; applied here when it succeeds."""
        terms = claim.terms
        if claim.status == "reviewed":
            if actor == claim.reviewed_by:
                return SameHands
            amount, bound = claim.unpaid * terms.ratio_bp // BP, AmountBound.RATIO
            room = self.premium_room(terms)
            if room is not None and room < amount:
                if room <= 0:
                    return PremiumMultipleReached
                amount, bound = room, AmountBound.PREMIUM_MULTIPLE
        elif claim.status == "awaiting_second_approval":
            if actor in (claim.reviewed_by, claim.approved_by):
                return SameHands
            assert claim.amount is not None
            amount, bound = claim.amount, claim.bound or AmountBound.RATIO
            room = self.premium_room(terms)
            if room is not None and amount > room:
                return PremiumMultipleReached
        else:
            return ClaimStep
        if terms.period_cap_bp is not None:
            base = self.period_base(today.year)
            if (self.approved() + amount) * BP > terms.period_cap_bp * base:
                return PeriodCapExceeded
        first = claim.status == "reviewed"
        if first and amount > terms.second_above_fen:
            claim.amount, claim.bound, claim.approved_by = amount, bound, actor
            claim.status = "awaiting_second_approval"
            return None
        if amount > self.allocation:
            return FundExhausted
        if first:
            claim.approved_by = actor
        claim.amount, claim.bound, claim.status = amount, bound, "approved"
        self.allocation -= amount
        self.reserved += amount
        return None

    def recovery(self, loan: LoanM, amount: int, recovered_on: date, today: date) -> None:
        loan.recovered += amount
        claim = self.claim_of(loan)
        if claim is None or claim.status != "paid" or claim.amount is None:
            return
        share = min(amount * claim.terms.ratio_bp // BP, claim.amount - claim.returned)
        if share <= 0:
            return
        claim.returned += share
        self.allocation += share
        self.recoveries += share
        notice = claim.terms.notice_days
        if notice is not None and (today - recovered_on).days > notice:
            claim.late += 1
