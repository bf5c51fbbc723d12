"""Domain events and queries: who subscribes to what, in the publisher's transaction."""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlmodel import Session

from app.applications import service as application_service
from app.applications.events import ApplicationEnded
from app.applications.models import ApplicationStatus, FinancingApplication
from app.applications.questions import DemandWindowDays
from app.audit.service import SystemActor
from app.consent.questions import IsMatched
from app.core import events
from app.enterprises.events import EnterpriseFactsChanged, FactsTrigger
from lenders.loans.events import LoanDisbursed, LoanRecovered, LoanStatusChanged
from scoring.scores.events import ScoreRunFinished
from tests.factories import make_application, make_enterprise
from whitelist.events import MembersExited
from whitelist.models import Trigger

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("app", "scoring", "whitelist", "lenders")

# The table the README's architecture section shows: every event with its subscribers, and
# every question with the one function that answers it.
EVENT_TABLE = {
    EnterpriseFactsChanged: ["whitelist.handlers.exit_at_once"],
    ApplicationEnded: ["lenders.leads.handlers.withdraw_open_leads"],
    MembersExited: ["lenders.leads.handlers.tell_holding_banks"],
    LoanDisbursed: ["lenders.fund.handlers.cover_at_disbursement"],
    LoanRecovered: ["lenders.fund.handlers.return_the_fund_s_share"],
    LoanStatusChanged: ["lenders.fund.handlers.recheck_the_bank_s_npl"],
    ScoreRunFinished: ["lenders.fund.handlers.forecast_after_scoring"],
}
QUERY_TABLE = {
    DemandWindowDays: "whitelist.handlers.demand_window_days",
    IsMatched: "lenders.leads.handlers.is_matched",
}


def name(function: object) -> str:
    return f"{function.__module__}.{function.__qualname__}"  # type: ignore[attr-defined]


def production_modules(filename: str) -> list[str]:
    found = []
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob(filename)):
            found.append(".".join(path.relative_to(ROOT).with_suffix("").parts))
    return found


def test_every_event_has_the_subscribers_the_readme_shows() -> None:
    wired = {kind: [name(h) for h in handlers] for kind, handlers in events.subscribers().items()}
    assert wired == EVENT_TABLE


def test_every_question_has_its_one_answerer() -> None:
    assert {kind: name(f) for kind, f in events.answerers().items()} == QUERY_TABLE


def test_every_handlers_module_is_wired_and_every_event_type_is_in_the_table() -> None:
    assert sorted(events.HANDLER_MODULES) == sorted(production_modules("handlers.py"))
    declared: set[type] = set()
    domain = [m for m in production_modules("events.py") if m != "app.core.events"]
    for module_name in domain + production_modules("questions.py"):
        module = importlib.import_module(module_name)
        tree = ast.parse(Path(module.__file__ or "").read_text(encoding="utf-8"))
        for node in tree.body:
            if isinstance(node, ast.ClassDef):
                kind = getattr(module, node.name)
                if isinstance(kind, type) and issubclass(kind, (events.Event, events.Query)):
                    declared.add(kind)
    assert declared == set(EVENT_TABLE) | set(QUERY_TABLE)


def test_each_facts_trigger_is_a_whitelist_trigger() -> None:
    assert {t.value for t in FactsTrigger} <= {t.value for t in Trigger}


class Boom(RuntimeError):
    pass


@contextmanager
def failing(event_type: type[events.Event]) -> Iterator[None]:
    """A subscriber that fails, for the duration of the block."""

    def fail(_session: Session, _event: events.Event) -> None:
        raise Boom

    events.subscriber(event_type)(fail)
    try:
        yield
    finally:
        events._subscribers[event_type].remove(fail)


def test_a_failing_subscriber_rolls_the_publishers_change_back(db: Session) -> None:
    application = make_application(db, make_enterprise(db))
    savepoint = db.begin_nested()
    with failing(EnterpriseFactsChanged), pytest.raises(Boom):
        application_service.withdraw(
            db, application=application, actor=SystemActor("test"), reason="不再需要"
        )
    savepoint.rollback()
    db.expire_all()
    kept = db.get(FinancingApplication, application.id)
    assert kept is not None and kept.status is ApplicationStatus.SUBMITTED


def test_subscribers_run_in_the_order_they_registered_in_the_publishers_session(
    db: Session,
) -> None:
    @dataclass(frozen=True)
    class Pinged(events.Event):
        n: int

    seen: list[tuple[str, int, Session]] = []
    events.subscriber(Pinged)(lambda s, e: seen.append(("first", e.n, s)))
    events.subscriber(Pinged)(lambda s, e: seen.append(("second", e.n, s)))
    try:
        events.publish(db, Pinged(7))
    finally:
        del events._subscribers[Pinged]
    assert seen == [("first", 7, db), ("second", 7, db)]


def test_a_question_nobody_answers_or_two_answer_is_a_wiring_error(db: Session) -> None:
    @dataclass(frozen=True)
    class Unanswered(events.Query[int]):
        pass

    with pytest.raises(events.WiringError, match="nobody answers Unanswered"):
        events.ask(db, Unanswered())
    with pytest.raises(events.WiringError, match="answered twice"):
        events.answerer(DemandWindowDays)(lambda s, q: 1)


def test_the_whitelist_answers_the_demand_window_from_its_policy(db: Session) -> None:
    assert events.ask(db, DemandWindowDays()) == 90
