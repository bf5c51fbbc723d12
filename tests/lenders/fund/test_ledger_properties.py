"""Random sequences of contributions, payouts, journals, reversals and replays against a model
of what each account must hold (Hypothesis): after every step debits equal credits, the fund's
cash is never below zero, a refused posting changes nothing and a replay changes nothing."""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlmodel import Session

from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AlreadyReversed, KeyReused, LimitExceeded
from lenders.fund.ledger.models import Limit
from lenders.fund.ledger.reconcile import reconcile
from lenders.fund.ledger.service import Posting

# About 5,400 operations on SQLite and 1,800 on PostgreSQL per run: the rules are the same on
# both, and the whole fund's property test (test_fund_properties.py) runs the ledger under every
# fund operation besides; PostgreSQL's share keeps its triggers and checks under random load.
EXAMPLES = {"sqlite": 120, "postgresql": 40}
STEPS = 50
AMOUNTS = st.integers(min_value=1, max_value=10_000_000_00)  # up to 1,000 万元 in fen
ACTOR = "property"
serial = itertools.count()


@dataclass(frozen=True)
class Posted:
    key: str
    debit: str
    credit: str
    amount_fen: int
    kind: str


class LedgerMachine(RuleBasedStateMachine):
    posted = Bundle("posted")

    def __init__(self, db: Session, counter: list[int]) -> None:
        super().__init__()
        self.db, self.counter = db, counter
        self.prefix = f"m{next(serial)}"
        self.totals: dict[str, list[int]] = {}  # the model: code → [debits, credits]

    def code(self, name: str) -> str:
        return f"{self.prefix}:{name}"

    def key(self) -> str:
        return f"{self.prefix}:k{next(serial)}"

    @initialize()
    def open_accounts(self) -> None:
        for name, limit in (
            ("capital", Limit.NONE),
            ("cash", Limit.CREDITS_WITHIN_DEBITS),
            ("payouts", Limit.NONE),
            ("recoveries", Limit.DEBITS_WITHIN_CREDITS),
        ):
            ledger.open_account(self.db, code=self.code(name), name=name, limit=limit)
            self.totals[self.code(name)] = [0, 0]

    def cash(self) -> int:
        debits, credits = self.totals[self.code("cash")]
        return debits - credits

    def attempt(self, journal: str, postings: list[Posting], *, allowed: bool) -> bool:
        self.counter[0] += 1
        if not allowed:
            with pytest.raises(LimitExceeded):
                ledger.post(self.db, journal=journal, postings=postings, actor=ACTOR)
            return False
        ledger.post(self.db, journal=journal, postings=postings, actor=ACTOR)
        for p in postings:
            self.totals[p.debit][0] += p.amount_fen
            self.totals[p.credit][1] += p.amount_fen
        return True

    @rule(target=posted, amount=AMOUNTS)
    def contribute(self, amount: int) -> Posted:
        p = Posting(self.key(), self.code("cash"), self.code("capital"), amount, "contribution")
        self.attempt(p.key, [p], allowed=True)
        return Posted(p.key, p.debit, p.credit, amount, p.kind)

    @rule(target=posted, amount=AMOUNTS)
    def pay_out(self, amount: int) -> Posted:
        p = Posting(self.key(), self.code("payouts"), self.code("cash"), amount, "payout")
        done = self.attempt(p.key, [p], allowed=amount <= self.cash())
        return Posted(p.key if done else "", p.debit, p.credit, amount, p.kind)

    @rule(first=AMOUNTS, second=AMOUNTS)
    def pay_two_claims_in_one_journal(self, first: int, second: int) -> None:
        postings = [
            Posting(self.key(), self.code("payouts"), self.code("cash"), fen, "payout")
            for fen in (first, second)
        ]
        self.attempt(self.key(), postings, allowed=first + second <= self.cash())

    @rule(target=posted, amount=AMOUNTS)
    def recover(self, amount: int) -> Posted:
        p = Posting(self.key(), self.code("cash"), self.code("recoveries"), amount, "recovery")
        self.attempt(p.key, [p], allowed=True)
        return Posted(p.key, p.debit, p.credit, amount, p.kind)

    @rule(transfer=consumes(posted))
    def reverse(self, transfer: Posted) -> None:
        if not transfer.key:
            return  # a refused payout left nothing to reverse
        self.counter[0] += 1
        after = {code: list(t) for code, t in self.totals.items()}
        after[transfer.credit][0] += transfer.amount_fen
        after[transfer.debit][1] += transfer.amount_fen
        cash_d, cash_c = after[self.code("cash")]
        rec_d, rec_c = after[self.code("recoveries")]
        undo = f"{transfer.key}:undo"
        if cash_c > cash_d or rec_d > rec_c:
            with pytest.raises(LimitExceeded):
                ledger.reverse(self.db, key=transfer.key, reversal_key=undo, actor=ACTOR)
            return
        ledger.reverse(self.db, key=transfer.key, reversal_key=undo, actor=ACTOR)
        self.totals = after
        with pytest.raises(AlreadyReversed):
            ledger.reverse(self.db, key=transfer.key, reversal_key=f"{undo}2", actor=ACTOR)

    @rule(transfer=posted)
    def replay(self, transfer: Posted) -> None:
        if not transfer.key:
            return
        self.counter[0] += 1
        again = Posting(
            transfer.key, transfer.debit, transfer.credit, transfer.amount_fen, transfer.kind
        )
        [found] = ledger.post(self.db, journal=transfer.key, postings=[again], actor=ACTOR)
        assert found.amount_fen == transfer.amount_fen
        changed = Posting(
            transfer.key, transfer.debit, transfer.credit, transfer.amount_fen + 1, transfer.kind
        )
        with pytest.raises(KeyReused):
            ledger.post(self.db, journal=transfer.key, postings=[changed], actor=ACTOR)

    @invariant()
    def the_ledger_holds_what_the_model_holds(self) -> None:
        for code, (debits, credits) in self.totals.items():
            held = ledger.balance(self.db, code)
            assert (held.debits_fen, held.credits_fen) == (debits, credits), code
        assert self.cash() >= 0

    def teardown(self) -> None:
        report = reconcile(self.db)
        assert report.ok, report
        assert report.debits_fen == report.credits_fen


@pytest.mark.slow
def test_random_sequences_keep_every_ledger_invariant(db: Session) -> None:
    examples = EXAMPLES[db.get_bind().dialect.name]
    counter = [0]
    run_state_machine_as_test(
        lambda: LedgerMachine(db, counter),
        settings=settings(
            max_examples=examples,
            stateful_step_count=STEPS,
            deadline=None,
            database=None,
            suppress_health_check=[HealthCheck.too_slow],
        ),
    )
    print(f"ledger property test: {counter[0]} operations")
    assert counter[0] >= examples * STEPS // 4  # Hypothesis ran real sequences, not a handful
