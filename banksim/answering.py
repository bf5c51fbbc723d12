"""A simulated bank's loan officer: answers each lead it is offered through the public API only.

Given the events the bank received (by webhook or by pulling ``/api/v1/lender/events``), a
``Teller`` answers every ``lead.created`` the way its ``Appetite`` says: it lets a share of
offers go unanswered (they expire on the platform), accepts or declines by the enterprise's
grade, then approves or rejects by grade, and disburses what it approved. Every call carries an
``Idempotency-Key`` made of the event id and the step, so an event delivered twice is answered
once; events already handled are skipped by id as a real bank's inbox would.
"""

from __future__ import annotations

import queue
import random
import threading
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import httpx

# The bank is in the city: its business day (放款日) is the Huzhou calendar day, not the UTC one,
# which lags by a day between 00:00 and 08:00 local time.
BANK_TIMEZONE = ZoneInfo("Asia/Shanghai")
DECLINE_REASONS = ("credit_risk", "outside_credit_policy", "no_capacity", "amount_or_term")


def business_day() -> date:
    """Today as the bank's tellers see it: the city's calendar day."""
    return datetime.now(BANK_TIMEZONE).date()


@dataclass(frozen=True)
class Appetite:
    """How the bank answers; shares are probabilities between 0 and 1."""

    answer_share: float = 0.9  # offers it answers at all; the rest expire
    accept_by_grade: dict[str, float] = field(
        default_factory=lambda: {"A": 0.95, "B": 0.85, "C": 0.5, "D": 0.2, "E": 0.05}
    )
    approve_by_grade: dict[str, float] = field(
        default_factory=lambda: {"A": 0.9, "B": 0.75, "C": 0.45, "D": 0.2, "E": 0.05}
    )
    disburse: bool = True


class Teller:
    """Answers one bank's leads with its API key, over ``http`` (base URL of the platform)."""

    def __init__(self, http: httpx.Client, *, appetite: Appetite, seed: int) -> None:
        self.http = http
        self.appetite = appetite
        self.random = random.Random(seed)  # noqa: S311 - a seeded simulation, not a secret
        self.seen: set[str] = set()
        self.did: Counter[str] = Counter()

    def handle(self, envelope: dict[str, Any]) -> str:
        """Act on one event; returns what was done (``duplicate`` for an event seen before)."""
        event_id = str(envelope["id"])
        if event_id in self.seen:
            self.did["duplicate"] += 1
            return "duplicate"
        self.seen.add(event_id)
        outcome = (
            self._lead(event_id, envelope["data"])
            if envelope["type"] == "lead.created"
            else "noted"
        )
        self.did[outcome] += 1
        return outcome

    def _lead(self, event_id: str, lead: dict[str, Any]) -> str:
        appetite, lead_id = self.appetite, lead["lead_id"]
        grade = (lead.get("score") or {}).get("grade", "E")
        if self.random.random() >= appetite.answer_share:
            return "ignored"
        if self.random.random() >= appetite.accept_by_grade.get(grade, 0.0):
            self._post(
                event_id, "decline", lead_id, {"reason": self.random.choice(DECLINE_REASONS)}
            )
            return "declined"
        self._post(event_id, "accept", lead_id, None)
        if self.random.random() >= appetite.approve_by_grade.get(grade, 0.0):
            self._post(event_id, "rejection", lead_id, {"note": "综合评估未通过"})
            return "rejected"
        application = lead["application"]
        rate_bp = self._rate(lead["product"]["id"])
        self._post(
            event_id,
            "approval",
            lead_id,
            {
                "amount_yuan": application["amount_yuan"],
                "rate_bp": rate_bp,
                "term_months": application["term_months"],
            },
        )
        if not appetite.disburse:
            return "approved"
        self._post(
            event_id,
            "disbursement",
            lead_id,
            {
                "contract_id": f"SIM-{lead['lender_code']}-{lead_id}",
                "disbursed_on": business_day().isoformat(),
                "amount_yuan": str(Decimal(application["amount_yuan"])),
            },
        )
        return "disbursed"

    def _rate(self, product_id: int) -> int:
        response = self.http.get(f"/api/v1/products/{product_id}")
        response.raise_for_status()
        return int(response.json()["min_rate_bp"])

    def _post(self, event_id: str, step: str, lead_id: int, body: dict[str, Any] | None) -> None:
        response = self.http.post(
            f"/api/v1/lender/leads/{lead_id}/{step}",
            json=body,
            headers={"Idempotency-Key": f"{event_id}:{step}"},
        )
        response.raise_for_status()


class AnsweringDesk:
    """Hands each newly received event to a ``Teller`` on a thread of its own, in arrival order,
    so the webhook is acknowledged at once and the answers follow (a receiver handler)."""

    def __init__(self, teller: Teller) -> None:
        self.teller = teller
        self.inbox: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.errors: Counter[str] = Counter()
        self._thread = threading.Thread(target=self._work, name="bank-sim-teller", daemon=True)
        self._thread.start()

    def __call__(self, envelope: dict[str, Any]) -> None:
        self.inbox.put(envelope)

    def stats(self) -> dict[str, Any]:
        return {
            "answers": dict(self.teller.did),
            "answer_errors": dict(self.errors),
            "waiting": self.inbox.qsize(),
        }

    def close(self) -> None:
        self.inbox.put(None)
        self._thread.join(timeout=10)

    def _work(self) -> None:
        while (envelope := self.inbox.get()) is not None:
            try:
                self.teller.handle(envelope)
            except httpx.HTTPError as error:  # the platform refused or was unreachable
                status = getattr(getattr(error, "response", None), "status_code", "unreachable")
                self.errors[str(status)] += 1
