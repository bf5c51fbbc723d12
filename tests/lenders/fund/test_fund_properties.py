"""The whole fund under random sequences (Hypothesis): a bank disburses, repays, falls behind,
defaults and recovers through the loans area's services; the fund covers through the
LoanDisbursed event; the office contributes, signs new agreement versions, reviews, approves
(twice above the threshold), rejects, pays and writes off claims; transfers are reversed and
events and keys replayed. An independent model (``fund_model.py``) predicts every outcome.

After every step: the ledger reconciles (debits = credits, no forbidden negative balance),
each account holds what the model says, the bank's running position (covered outstanding and
its non-performing part) is what the model and the sums over the loans say, every cover's and
year's running figure is its loans', the bank is suspended exactly when the model says,
and each claim is what the model says. Every cover was within leverage, the enterprise cap,
not suspended and eligible at its decision; every payout ≤ ratio × loss and within the
premium multiple and the period cap; a replay changes no balance. The bulk runs on SQLite
at the real clock, a smaller run on PostgreSQL at 01:00 Beijing time; each run counts its
operations and asserts the count.
"""

from __future__ import annotations

import itertools
from collections import Counter
from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import func
from sqlmodel import Session, select

from app.audit.service import SystemActor
from app.core import events
from app.core.clock import utcnow
from lenders.fund import agreements, capital, claims, position, repository, suspension
from lenders.fund.exceptions import ClaimStep
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AlreadyReversed, LimitExceeded
from lenders.fund.ledger.models import LedgerTransfer
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.models import FundClaim, FundCover, RiskClass
from lenders.fund.schemas import AgreementTerms, ContributionCreate
from lenders.loans import dates, servicing
from lenders.loans import service as loan_service
from lenders.loans.events import LoanDisbursed, LoanRecovered
from lenders.loans.exceptions import RecoveryExceedsLoss
from lenders.loans.models import Loan
from lenders.loans.schemas import (
    DefaultCreate,
    DelinquencyCreate,
    DisbursementCreate,
    RecoveryCreate,
    RepaymentCreate,
)
from lenders.products.models import LoanProduct
from tests.clock import city_small_hours
from tests.factories import make_enterprise, make_lender
from tests.lenders.fund.fund_model import (
    BP,
    NPL_DAYS,
    ClaimM,
    FundModel,
    LoanM,
    Outcome,
    Terms,
    risk_class_of,
)
from tests.lenders.loans.helpers import BANK, approved_lead, disbursement

# (examples, steps per example, operations the run must reach) per database.
RUNS = {"sqlite": (108, 120, 10_000), "postgresql": (7, 120, 600)}
# What a full SQLite run must have seen at least once, so that the invariants were checked on
# sequences that reach these places and not only on refusals.
REACHED = (
    "cover:covered",
    "cover:bank_suspended",
    "cover:leverage_headroom",
    "cover:premium",
    "cover:matched",
    "file:ok",
    "approve:ok",
    "pay:ok",
    "write_off:ok",
    "recover:ok",
    "reverse:ok",
    "reverse:LimitExceeded",
    "replay:ok",
    "steps suspended",
)
OFFICE = SystemActor("office-prop")
LOANS = 8  # per sequence: disbursing is the dearest step, and claims need steps of their own
MOVING = ("filed", "reviewed", "awaiting_second_approval", "approved", "paid")
ACTORS = [SystemActor(name) for name in ("clerk", "approver", "director")]
INDEX = st.integers(min_value=0, max_value=1_000)
ACCOUNTS = ("unallocated", "allocation", "premiums", "reserved", "payouts", "recoveries")
serial = itertools.count()

TERMS = st.fixed_dictionaries(
    {
        "allocation_fen": st.integers(min_value=10_000_00, max_value=2_000_000_00),
        "ratio_bp": st.sampled_from([2_000, 4_000, 8_000, 10_000]),
        "leverage": st.sampled_from([1, 3, 10]),
        "enterprise_cap_fen": st.sampled_from([300_000_00, 5_000_000_00]),
        "claim_window_days": st.sampled_from([30, 180]),
        "premium_rate_bp": st.sampled_from([None, 0, 200, 700]),
        "premium_match_bp": st.sampled_from([None, 5_000, 10_000]),
        "period_cap_bp": st.sampled_from([None, 100, 2_500]),
        "multiple": st.sampled_from([None, 1, 5, 20]),
        "claimable_from": st.sampled_from(
            [RiskClass.SUBSTANDARD, RiskClass.SUBSTANDARD, RiskClass.DOUBTFUL, RiskClass.LOSS]
        ),
        "notice_days": st.sampled_from([None, 30]),
        "lines": st.sampled_from([(10_000, 9_999), (500, 300), (2_000, 1_000), (10_000, 9_999)]),
        "second_above_fen": st.sampled_from([10_000_00, 1_000_000_00]),
    }
)


class FundMachine(RuleBasedStateMachine):
    def __init__(self, db: Session, stats: Counter[str]) -> None:
        super().__init__()
        self.db, self.stats = db, stats
        self.savepoint = db.begin_nested()  # each sequence starts from an empty fund
        self.today = dates.today()
        self.model = FundModel()
        self.lender = make_lender(db)
        self.bank = self.lender.code
        self.enterprises = {e.uscc: e for e in (make_enterprise(db) for _ in range(3))}
        self.firms = sorted(self.enterprises)
        self.agreement_ids: dict[int, int] = {}
        self.reversible: list[tuple[str, str, int]] = []  # key, kind, amount
        self.reported: list[tuple[LoanM, int, int, date]] = []  # loan, recovery id, fen, day
        self.contributions: list[tuple[str, int]] = []

    # Helpers ------------------------------------------------------------------------------

    def expect(self, step: str, outcome: Outcome, call: Any) -> Any:
        """Run ``call``; it must raise exactly ``outcome`` (changing nothing) or succeed."""
        self.stats["operations"] += 1
        self.stats[f"{step}:{outcome.__name__ if outcome else 'ok'}"] += 1
        if outcome is None:
            return call()
        with pytest.raises(Exception) as raised, self.db.begin_nested():
            call()
        assert type(raised.value) is outcome, repr(raised.value)
        return None

    def terms(self, drawn: dict[str, Any], *, effective_from: date) -> Terms:
        priced = drawn["premium_rate_bp"] is not None
        return Terms(
            version=len(self.model.versions) + 1,
            effective_from=effective_from,
            allocation_fen=drawn["allocation_fen"],
            ratio_bp=drawn["ratio_bp"],
            leverage=drawn["leverage"],
            enterprise_cap_fen=drawn["enterprise_cap_fen"],
            claim_window_days=drawn["claim_window_days"],
            premium_rate_bp=drawn["premium_rate_bp"],
            premium_match_bp=drawn["premium_match_bp"] if priced else None,
            period_cap_bp=drawn["period_cap_bp"],
            multiple=drawn["multiple"] if priced else None,
            claimable_from=drawn["claimable_from"],
            notice_days=drawn["notice_days"],
            suspension_bp=drawn["lines"][0],
            reinstatement_bp=drawn["lines"][1],
            second_above_fen=drawn["second_above_fen"],
        )

    def loan(self, model: LoanM) -> Loan:
        found = self.db.get(Loan, model.id)
        assert found is not None
        return found

    def pick(self, items: list[Any], index: int) -> Any:
        return items[index % len(items)]

    def claim_at(self, index: int, *statuses: str) -> ClaimM:
        """Mostly a claim at one of ``statuses`` (the step's own), now and then any claim."""
        ready = [c for c in self.model.claims if c.status in statuses]
        return self.pick(ready if ready and index % 5 else self.model.claims, index)

    def open_loans(self) -> list[LoanM]:
        return [loan for loan in self.model.loans if loan.is_open()]

    def defaulted(self) -> list[LoanM]:
        return [loan for loan in self.model.loans if loan.status == "defaulted"]

    def after_standing(self, loan: LoanM) -> None:
        """A loan's standing moved: the fund rechecks the bank if the loan is covered."""
        if loan.covered:
            self.model.recheck(self.today)

    def balances(self) -> dict[str, int]:
        """What the ledger holds in the accounts the model follows (one query: the sequence's
        savepoint holds no other accounts)."""
        held = {b.code: b for b in ledger.balances(self.db, prefix="")}

        def debit(code: str) -> int:
            found = held.get(code)
            return 0 if found is None else found.debit_balance_fen

        return {
            "unallocated": debit("fund:unallocated"),
            "allocation": debit(f"allocation:{self.bank}"),
            "premiums": -debit(f"premiums:{self.bank}"),
            "reserved": debit(f"claims_reserved:{self.bank}"),
            "payouts": debit(f"payouts:{self.bank}"),
            "recoveries": -debit(f"recoveries:{self.bank}"),
        }

    # The office ---------------------------------------------------------------------------

    @initialize(spare=st.integers(min_value=0, max_value=1_000_000_00), drawn=TERMS)
    def open_the_fund(self, spare: int, drawn: dict[str, Any]) -> None:
        """A fund with the first version's allocation and ``spare`` more, and that version,
        in force from before the oldest loan (later versions start on the day they are signed)."""
        # The first version lets every defaulted loan be claimed; later ones may not.
        drawn = {**drawn, "claimable_from": RiskClass.SUBSTANDARD}
        first = self.terms(drawn, effective_from=self.today - timedelta(days=450))
        self.contribute(max(1, first.allocation_fen + spare))
        self.sign_terms(first)

    # Few contributions and versions, so that most steps are the bank's loans and claims.
    @precondition(lambda self: len(self.contributions) < 4)
    @rule(amount=st.integers(min_value=10_000_00, max_value=1_000_000_00))
    def contribute(self, amount: int) -> None:
        key = f"p{next(serial)}"
        data = ContributionCreate(amount_yuan=f"{amount // 100}.{amount % 100:02d}")
        self.expect(
            "contribute",
            None,
            lambda: capital.contribute(self.db, data=data, key=key, actor=OFFICE),
        )
        self.model.unallocated += amount
        self.contributions.append((key, amount))
        self.reversible.append((f"contribution:{key}", "contribution", amount))

    @precondition(lambda self: len(self.model.versions) < 4)
    @rule(drawn=TERMS)
    def sign(self, drawn: dict[str, Any]) -> None:
        self.sign_terms(self.terms(drawn, effective_from=self.today))

    def sign_terms(self, terms: Terms) -> None:
        data = AgreementTerms.model_validate(terms.fields())
        outcome = self.model.sign(terms)
        signed = self.expect(
            "sign_terms",
            outcome,
            lambda: agreements.sign(self.db, lender_code=self.bank, terms=data, actor=OFFICE),
        )
        if signed is not None:
            assert signed.version == terms.version and signed.id is not None
            self.agreement_ids[terms.version] = signed.id

    # The bank's loans ---------------------------------------------------------------------

    @precondition(lambda self: len(self.model.loans) < LOANS)
    @rule(
        firm=INDEX,
        principal=st.integers(min_value=1_000_00, max_value=500_000_00),
        age=st.sampled_from([0, 3, 200, 420]),
        eligible=st.sampled_from([True, True, True, False]),
    )
    def disburse(self, firm: int, principal: int, age: int, eligible: bool) -> None:
        uscc = self.pick(self.firms, firm)
        on = self.today - timedelta(days=age)
        terms, refusal = self.model.judge(uscc=uscc, principal=principal, eligible=eligible, on=on)
        approved = approved_lead(self.db, lender=self.lender, enterprise=self.enterprises[uscc])
        approved.application.created_at = utcnow() - timedelta(days=460)
        product = self.db.get(LoanProduct, approved.lead.product_id)
        assert product is not None
        product.fund_eligible = eligible
        self.db.add_all([approved.application, product])
        yuan = f"{principal // 100}.{principal % 100:02d}"
        data = DisbursementCreate.model_validate(
            disbursement(amount_yuan=yuan, disbursed_on=on.isoformat())
        )
        if refusal is None:  # what covering means, checked from the model's own figures
            assert terms is not None and eligible and not self.model.suspended
            assert principal <= self.model.headroom(terms)
            held = sum(x.still_owed() for x in self.model.on_book() if x.uscc == uscc)
            assert held + principal <= terms.enterprise_cap_fen
        loan = self.expect(
            "disburse",
            None,
            lambda: loan_service.disburse(self.db, lead=approved.lead, data=data, actor=BANK),
        )
        assert loan.id is not None
        cover = repository.cover_of(self.db, loan.id)
        assert cover is not None and (cover.covered, cover.refusal) == (refusal is None, refusal)
        expected_agreement = None if terms is None else self.agreement_ids.get(terms.version)
        assert cover.agreement_id == expected_agreement
        modelled = LoanM(
            id=loan.id,
            uscc=uscc,
            principal=principal,
            disbursed_on=on,
            covered=refusal is None,
            terms=terms if refusal is None else None,
            outstanding=principal,
        )
        self.model.loans.append(modelled)
        premium, match = self.model.charge_premium(modelled)
        assert (cover.premium_fen, cover.premium_match_fen) == (premium, match)
        self.stats[f"cover:{refusal.value if refusal else 'covered'}"] += 1
        self.stats["cover:premium" if premium else "cover:no_premium"] += 1
        self.stats["cover:matched" if match else "cover:not_matched"] += 1
        if premium:
            self.reversible.append((f"cover:{loan.id}:premium", "premium", premium))
        self.model.recheck(self.today)

    @precondition(lambda self: self.open_loans())
    @rule(index=INDEX, percent=st.integers(min_value=1, max_value=100))
    def repay(self, index: int, percent: int) -> None:
        modelled = self.pick(self.open_loans(), index)
        principal = max(1, modelled.outstanding * percent // 100)
        period = dates.add_months(modelled.disbursed_on, modelled.repayments).strftime("%Y-%m")
        data = RepaymentCreate(
            period=period,
            paid_on=self.today,
            principal_yuan=f"{principal // 100}.{principal % 100:02d}",
            interest_yuan="0.01",
        )
        loan = self.loan(modelled)
        self.expect(
            "repay",
            None,
            lambda: servicing.record_repayment(self.db, loan=loan, data=data, actor=BANK),
        )
        modelled.repayments += 1
        modelled.outstanding -= principal
        if modelled.outstanding == 0:
            modelled.status, modelled.dpd = "repaid", 0
        self.after_standing(modelled)

    @precondition(lambda self: self.model.loans)
    @rule(index=INDEX, days=st.integers(min_value=0, max_value=420))
    def fall_behind(self, index: int, days: int) -> None:
        modelled = self.pick(self.model.loans, index)
        dpd = min(days, (self.today - modelled.disbursed_on).days)
        data = DelinquencyCreate(as_of=self.today, days_past_due=dpd)
        loan = self.loan(modelled)
        self.expect(
            "fall_behind",
            None,
            lambda: servicing.report_delinquency(self.db, loan=loan, data=data, actor=BANK),
        )
        if modelled.status != "repaid":
            modelled.dpd = dpd
            if modelled.is_open():
                modelled.status = "overdue" if dpd > 0 else "current"
        self.after_standing(modelled)

    @precondition(lambda self: self.open_loans())
    @rule(index=INDEX, back=st.sampled_from([0, 0, 0, 10, 100, 400]), percent=INDEX)
    def default(self, index: int, back: int, percent: int) -> None:
        modelled = self.pick(self.open_loans(), index)
        on = max(modelled.disbursed_on, self.today - timedelta(days=back))
        owed = max(1, modelled.outstanding * (percent % 100 + 1) // 100)
        data = DefaultCreate(defaulted_on=on, outstanding_yuan=f"{owed // 100}.{owed % 100:02d}")
        loan = self.loan(modelled)
        self.expect(
            "default",
            None,
            lambda: servicing.declare_default(self.db, loan=loan, data=data, actor=BANK),
        )
        modelled.status, modelled.defaulted_on = "defaulted", on
        modelled.outstanding = modelled.at_default = owed
        self.after_standing(modelled)

    @precondition(lambda self: self.defaulted())
    @rule(index=INDEX, percent=st.integers(min_value=1, max_value=100), back=INDEX)
    def recover(self, index: int, percent: int, back: int) -> None:
        modelled = self.pick(self.defaulted(), index)
        assert modelled.defaulted_on is not None
        left = modelled.at_default - modelled.recovered
        amount = max(1, left * percent // 100)
        on = max(modelled.defaulted_on, self.today - timedelta(days=back % 60))
        data = RecoveryCreate(recovered_on=on, amount_yuan=f"{amount // 100}.{amount % 100:02d}")
        loan = self.loan(modelled)
        outcome = RecoveryExceedsLoss if amount > left else None
        done = self.expect(
            "recover",
            outcome,
            lambda: servicing.record_recovery(self.db, loan=loan, data=data, actor=BANK),
        )
        if done is None:
            return
        assert done.id is not None
        claim = self.model.claim_of(modelled)
        late_before = claim.late if claim else 0
        self.model.recovery(modelled, amount, on, self.today)
        if claim is not None and claim.late > late_before:
            self.stats["recovery:late"] += 1
        self.reported.append((modelled, done.id, amount, on))
        self.model.recheck(self.today)

    # Claims -------------------------------------------------------------------------------

    @precondition(lambda self: self.defaulted())
    @rule(index=INDEX)
    def file(self, index: int) -> None:
        """Mostly a covered loan (claims on others are refused, and a few of those suffice)."""
        covered = [
            loan for loan in self.defaulted() if loan.covered and self.model.claim_of(loan) is None
        ]
        modelled = self.pick(covered if covered and index % 5 else self.defaulted(), index)
        outcome = self.model.can_file(modelled, self.today)
        filed = self.expect(
            "file",
            outcome,
            lambda: claims.file(
                self.db, loan_id=modelled.id, lender_code=self.bank, actor=BANK, today=self.today
            ),
        )
        if filed is None:
            return
        assert filed.id is not None and modelled.terms is not None
        unpaid = min(modelled.at_default - modelled.recovered, modelled.principal)
        risk = filed.risk_class
        assert (filed.unpaid_principal_fen, filed.days_past_due) == (unpaid, modelled.dpd)
        self.model.claims.append(
            ClaimM(id=filed.id, loan=modelled, terms=modelled.terms, unpaid=unpaid, risk_class=risk)
        )
        assert risk is risk_class_of(modelled.dpd)
        self.stats[f"filed:{risk.value}"] += 1

    @precondition(lambda self: self.model.claims)
    @rule(index=INDEX, who=INDEX)
    def review(self, index: int, who: int) -> None:
        self.review_by(self.claim_at(index, "filed"), self.pick(ACTORS, who))

    def review_by(self, claim: ClaimM, actor: SystemActor) -> None:
        outcome = None if claim.status == "filed" else ClaimStep
        done = self.expect(
            "review", outcome, lambda: claims.review(self.db, claim_id=claim.id, actor=actor)
        )
        if done is not None:
            claim.status, claim.reviewed_by = "reviewed", actor.ref

    @precondition(lambda self: self.model.claims)
    @rule(index=INDEX, who=INDEX)
    def approve(self, index: int, who: int) -> None:
        claim = self.claim_at(index, "reviewed", "awaiting_second_approval")
        self.approve_by(claim, self.pick(ACTORS, who))

    def approve_by(self, claim: ClaimM, actor: SystemActor) -> None:
        outcome = self.model.approval(claim, actor.ref, self.today)
        done = self.expect(
            "approve", outcome, lambda: claims.approve(self.db, claim_id=claim.id, actor=actor)
        )
        if done is None:
            return
        assert (done.status.value, done.amount_fen, done.amount_bound) == (
            claim.status,
            claim.amount,
            claim.bound,
        )
        assert claim.amount is not None and claim.bound is not None
        self.stats[f"approved:{claim.status}:{claim.bound.value}"] += 1
        assert claim.amount <= claim.unpaid * claim.terms.ratio_bp // BP  # ≤ ratio × loss
        if claim.terms.multiple is not None:
            assert self.model.approved() <= claim.terms.multiple * self.model.premiums
        if claim.terms.period_cap_bp is not None:
            base = self.model.period_base(self.today.year)
            assert self.model.approved() * BP <= claim.terms.period_cap_bp * base

    @precondition(lambda self: any(c.status in MOVING for c in self.model.claims))
    @rule(index=INDEX)
    def advance(self, index: int) -> None:
        """Take a claim one step on its way, by the right hands: review, approve, approve a
        second time, pay, write off. (The other rules try any step by anyone.)"""
        claim = self.pick([c for c in self.model.claims if c.status in MOVING], index)
        if claim.status == "filed":
            self.review_by(claim, ACTORS[0])
        elif claim.status == "reviewed":
            self.approve_by(claim, ACTORS[1])
        elif claim.status == "awaiting_second_approval":
            self.approve_by(claim, ACTORS[2])
        elif claim.status == "approved":
            self.pay_claim(claim)
        else:
            self.write_off_claim(claim)

    @precondition(lambda self: self.model.claims)
    @rule(index=INDEX, who=INDEX)
    def reject(self, index: int, who: int) -> None:
        claim = self.pick(self.model.claims, index)
        actor = self.pick(ACTORS, who)
        still_open = claim.status in ("filed", "reviewed", "awaiting_second_approval")
        done = self.expect(
            "reject",
            None if still_open else ClaimStep,
            lambda: claims.reject(self.db, claim_id=claim.id, reason="材料不全", actor=actor),
        )
        if done is not None:
            claim.status = "rejected"

    @precondition(lambda self: self.model.claims)
    @rule(index=INDEX)
    def pay(self, index: int) -> None:
        self.pay_claim(self.claim_at(index, "approved"))

    def pay_claim(self, claim: ClaimM) -> None:
        approved = claim.status == "approved"
        done = self.expect(
            "pay",
            None if approved else ClaimStep,
            lambda: claims.pay(self.db, claim_id=claim.id, actor=ACTORS[1]),
        )
        if done is not None and claim.amount is not None:
            claim.status = "paid"
            self.model.reserved -= claim.amount
            self.model.payouts += claim.amount

    @precondition(lambda self: self.model.claims)
    @rule(index=INDEX)
    def write_off(self, index: int) -> None:
        self.write_off_claim(self.claim_at(index, "paid"))

    def write_off_claim(self, claim: ClaimM) -> None:
        paid = claim.status == "paid"
        done = self.expect(
            "write_off",
            None if paid else ClaimStep,
            lambda: claims.write_off(self.db, claim_id=claim.id, actor=ACTORS[2]),
        )
        if done is not None:
            claim.status, claim.loan.written_off = "written_off", True
            self.model.recheck(self.today)

    # Corrections and replays --------------------------------------------------------------

    @precondition(lambda self: self.reversible)
    @rule(index=INDEX)
    def reverse(self, index: int) -> None:
        """Reverse a contribution or a premium not reversed yet; then a retry of the reversal
        changes nothing and a second reversal is refused."""
        key, kind, amount = self.reversible.pop(index % len(self.reversible))
        undo = f"{key}:undo"
        held = self.model.unallocated if kind == "contribution" else self.model.allocation
        outcome = None if amount <= held else LimitExceeded
        done = self.expect(
            "reverse",
            outcome,
            lambda: ledger.reverse(self.db, key=key, reversal_key=undo, actor="prop"),
        )
        if done is None:
            return  # refused, and not tried again: the list would fill with the same refusal
        if kind == "contribution":
            self.model.unallocated -= amount
        else:
            self.model.allocation -= amount
            self.model.premiums -= amount
        before = (self.balances(), self._rows())
        again = self.expect(  # a retry of the reversal: a replay
            "replay", None, lambda: ledger.reverse(self.db, key=key, reversal_key=undo, actor="p")
        )
        assert again.id == done.id and (self.balances(), self._rows()) == before
        self.expect(
            "reverse",
            AlreadyReversed,
            lambda: ledger.reverse(self.db, key=key, reversal_key=f"{undo}2", actor="prop"),
        )

    @rule(kind=st.sampled_from(["disbursed", "recovered", "contribution"]), index=INDEX)
    def replay(self, kind: str, index: int) -> None:
        before = (self.balances(), self._rows())
        if kind == "disbursed" and self.model.loans:
            modelled = self.pick(self.model.loans, index)
            loan = self.loan(modelled)
            event = LoanDisbursed(
                loan_id=modelled.id,
                lender_code=self.bank,
                uscc=loan.uscc,
                product_id=loan.product_id,
                principal_fen=loan.principal_fen,
                disbursed_on=loan.disbursed_on,
            )
            self.expect("replay", None, lambda: events.publish(self.db, event))
            self.model.recheck(self.today)  # the handler rechecks; lines may have moved since
        elif kind == "recovered" and self.reported:
            modelled, recovery_id, amount, on = self.pick(self.reported, index)
            told = LoanRecovered(
                loan_id=modelled.id,
                recovery_id=recovery_id,
                lender_code=self.bank,
                amount_fen=amount,
                recovered_on=on,
                reported_on=self.today,
            )
            self.expect("replay", None, lambda: events.publish(self.db, told))
            self.model.recheck(self.today)
        else:  # a contribution's key, which every sequence has
            key, amount = self.pick(self.contributions, index)
            data = ContributionCreate(amount_yuan=f"{amount // 100}.{amount % 100:02d}")
            self.expect(
                "replay",
                None,
                lambda: capital.contribute(self.db, data=data, key=key, actor=OFFICE),
            )
        assert (self.balances(), self._rows()) == before

    # Invariants ---------------------------------------------------------------------------

    @invariant()
    def the_ledger_reconciles_and_holds_what_the_model_holds(self) -> None:
        report = reconcile(self.db)
        assert report.ok, report
        expected = {name: getattr(self.model, name) for name in ACCOUNTS}
        assert self.balances() == expected
        assert all(value >= 0 for value in expected.values())

    @invariant()
    def the_running_position_is_what_the_loans_say(self) -> None:
        held = position.figures(self.db, self.bank)
        running = (held.covered_outstanding_fen, held.non_performing_fen)
        book = self.model.on_book()
        owed = sum(loan.still_owed() for loan in book)
        bad = sum(
            loan.still_owed() for loan in book if loan.status == "defaulted" or loan.dpd > NPL_DAYS
        )
        assert running == (owed, bad)
        npl, total = repository.covered_quality(self.db, self.bank)  # summed over the loans
        assert running == (total, npl)
        assert position.drift(self.db).none  # every cover's figures and every year's principal

    @invariant()
    def the_bank_is_suspended_when_the_model_says(self) -> None:
        assert suspension.is_suspended(self.db, self.bank) is self.model.suspended
        self.stats["steps suspended" if self.model.suspended else "steps not suspended"] += 1

    @invariant()
    def every_claim_is_what_the_model_says(self) -> None:
        stored = {c.id: c for c in self.db.exec(select(FundClaim))}
        assert len(stored) == len(self.model.claims)
        for claim in self.model.claims:
            found = stored[claim.id]
            assert (found.status.value, found.amount_fen, found.amount_bound) == (
                claim.status,
                claim.amount,
                claim.bound,
            )
            assert (found.returned_fen, found.late_recoveries) == (claim.returned, claim.late)
            assert found.amount_fen is None or found.amount_fen <= (
                claim.unpaid * claim.terms.ratio_bp // BP
            )

    def teardown(self) -> None:
        self.savepoint.rollback()
        self.db.expunge_all()  # the next sequence reuses the ids; nothing of this one stays

    def _rows(self) -> tuple[int, int, int]:
        """How many transfers, covers and claims there are (one query)."""
        counted = select(
            select(func.count()).select_from(LedgerTransfer).scalar_subquery(),
            select(func.count()).select_from(FundCover).scalar_subquery(),
            select(func.count()).select_from(FundClaim).scalar_subquery(),
        )
        transfers, covers, filed = self.db.exec(counted).one()
        return int(transfers), int(covers), int(filed)


@pytest.mark.slow
def test_random_sequences_keep_every_fund_invariant(db: Session) -> None:
    kind = db.get_bind().dialect.name
    examples, steps, target = RUNS[kind]
    stats: Counter[str] = Counter()
    # PostgreSQL runs from 01:00 Beijing time, when the UTC date is still yesterday's.
    travel = time_machine.travel(city_small_hours(), tick=True) if kind == "postgresql" else None
    if travel is not None:
        travel.start()
    try:
        # Sequences vary in length: another round, rarely needed, makes up a short count.
        for _ in range(3):
            run_state_machine_as_test(
                lambda: FundMachine(db, stats),  # type: ignore[arg-type,return-value]
                settings=settings(
                    max_examples=examples,
                    stateful_step_count=steps,
                    deadline=None,
                    database=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
                ),
            )
            if stats["operations"] >= target:
                break
    finally:
        if travel is not None:
            travel.stop()
    print(f"fund property test on {kind}: {stats['operations']} operations")
    print("\n".join(f"  {name}: {seen}" for name, seen in sorted(stats.items())))
    assert stats["operations"] >= target
    if kind == "sqlite":
        assert [name for name in REACHED if not stats[name]] == []
