"""The ownership matrix's world: two banks, two firms and the staff, and how a case is written."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlmodel import Session

from app.accounts import licences
from app.accounts import service as account_service
from app.accounts.models import Registration, Role, User, VerificationMethod
from app.api.deps import SESSION_COOKIE
from app.audit.service import SystemActor
from app.enterprises import service as enterprise_service
from app.enterprises.models import Enterprise
from app.outbox import service as outbox
from app.outbox.models import DeliveryStatus
from app.pages import csrf
from lenders.delivery import webhooks
from lenders.products import service as product_service
from scoring.registry.models import ModelVersion
from scoring.scores.models import Score
from scoring.sources.models import BatchStatus, SourceBatch
from tests.api.ownership_fund_world import fund_world
from tests.factories import (
    enterprise_data,
    make_api_key,
    make_application,
    make_authorization,
    make_enterprise,
    make_lead,
    make_lender,
    make_product,
    make_user,
)
from tests.lenders.loans import helpers as loans

CALLERS = (
    "anonymous",
    "admin",
    "office",
    "operator",
    "bank_a_user",
    "bank_a_key",
    "bank_b_user",
    "bank_b_key",
    "firm_1",
    "firm_2",
)
_unique = itertools.count(1)


@dataclass
class World:
    """Two banks (A, B) each with a person and a system, two firms, and the staff roles."""

    ids: dict[str, Any] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)
    keys: dict[str, str] = field(default_factory=dict)

    def api_headers(self, caller: str) -> dict[str, str]:
        if caller in self.keys:
            return {"X-API-Key": self.keys[caller]}
        if caller in self.tokens:
            return {"Authorization": f"Bearer {self.tokens[caller]}"}
        return {}

    csrf_cookie: str = "ownership-matrix-browser"

    @property
    def csrf_token(self) -> str:
        """The form token matching ``csrf_cookie``, as a page would have rendered it."""
        return csrf.token_of(self.csrf_cookie)

    def page_headers(self, caller: str) -> dict[str, str]:
        # Pages are for people: they read the session cookie, not API keys.
        token = self.tokens.get(caller)
        cookies = [f"{csrf.COOKIE}={self.csrf_cookie}"]
        if token:
            cookies.append(f"{SESSION_COOKIE}={token}")
        return {"Cookie": "; ".join(cookies)}


def build_world(db: Session) -> World:
    world = World()
    bank_a, bank_b = make_lender(db), make_lender(db)
    firm_1, firm_2 = make_enterprise(db), make_enterprise(db)
    users: dict[str, User] = {
        "admin": make_user(db, Role.ADMIN),
        "office": make_user(db, Role.OFFICE),
        "operator": make_user(db, Role.DATA_OPERATOR),
        "bank_a_user": make_user(db, Role.LENDER_USER, lender_id=bank_a.id),
        "bank_b_user": make_user(db, Role.LENDER_USER, lender_id=bank_b.id),
        "firm_1": make_user(db, Role.ENTERPRISE, uscc=firm_1.uscc),
        "firm_2": make_user(db, Role.ENTERPRISE, uscc=firm_2.uscc),
    }
    world.tokens = {name: account_service.issue_token(user) for name, user in users.items()}
    key_a, world.keys["bank_a_key"] = make_api_key(db, bank_a)
    _key_b, world.keys["bank_b_key"] = make_api_key(db, bank_b)
    held = enterprise_data()
    held = held.model_copy(update={"uscc": held.uscc[:-1] + ("0" if held.uscc[-1] != "0" else "1")})
    review = enterprise_service.register(db, data=held, actor=SystemActor("test")).review
    assert review is not None
    batch = SourceBatch(
        kind="tax_grade",
        file_name="tax_grade.csv",
        content_hash="0" * 64,
        file_format="utf-8",
        status=BatchStatus.LOADED,
        loaded_by="test",
    )
    model = ModelVersion(
        name="m-test-001",
        source="test",
        trained_by="test",
        artifact_path="/nonexistent",
        artifact_sha256="0" * 64,
        data_sha256="0" * 64,
    )
    score = Score(
        uscc=firm_1.uscc,
        as_of=date(2026, 11, 1),
        model_name="m-test-001",
        pd=0.02,
        points=560,
        grade="C",
        reasons=[],
    )
    db.add_all([batch, model, score])
    db.flush()
    application = make_application(db, firm_1)
    # firm 1 shares its data with bank A (named), not with bank B
    authorization = make_authorization(db, firm_1.uscc, lender_codes=[bank_a.code])
    product = make_product(db, bank_a)
    retired_product = make_product(db, bank_a)
    product_service.retire(db, product=retired_product, actor=SystemActor("test"), reason=None)
    offered = make_lead(db, application, product, bank_a)
    accepted = make_lead(db, make_application(db, firm_1), product, bank_a, accept=True)
    # bank A's approved lead, its loan to firm 1 and a defaulted loan of another firm
    approved = loans.approved_lead(db, lender=bank_a, enterprise=firm_1)
    loan = loans.make_loan(db, lender=bank_a, enterprise=firm_1)
    defaulted_loan = loans.make_defaulted_loan(db, lender=bank_a)
    assert bank_a.id is not None
    secret, _value = webhooks.create_secret(db, lender_id=bank_a.id, actor=SystemActor("test"))
    (event,) = outbox.publish(db, topic="lead.created", lender_codes=[bank_a.code], payload={})
    event.status = DeliveryStatus.DEAD  # a dead letter staff may redeliver
    db.add(event)
    registration = pending_registration(db, firm_2)
    world.ids = {
        "registration": registration.id,
        "bank_a": bank_a.id,
        "secret_a": secret.id,
        "event_a": event.event_id,
        "bank_b": bank_b.id,
        "key_a": key_a.id,
        "firm_1": firm_1.uscc,
        "firm_2": firm_2.uscc,
        "firm_1_user": users["firm_1"].id,
        "review": review.id,
        "probe": "0" * 32,
        "batch": batch.id,
        "model": model.name,
        "application": application.id,
        "authorization": authorization.id,
        "version": 1,  # no whitelist version exists in this world
        "product": product.id,
        "retired_product": retired_product.id,
        "lead": offered.id,
        "accepted_lead": accepted.id,
        "approved_lead": approved.lead.id,
        "loan": loan.id,
        "defaulted_loan": defaulted_loan.id,
        **fund_world(db, bank_a),
        "monitoring_table": "funnel",  # a table the monitoring exports (a name, not an id)
    }
    db.commit()
    return world


def pending_registration(db: Session, firm: Enterprise) -> Registration:
    """A self-registration of ``firm`` awaiting an operator, its licence uploaded."""
    user = make_user(db, Role.ENTERPRISE, uscc=firm.uscc, is_active=False)
    assert user.id is not None
    registration = Registration(
        user_id=user.id, uscc=firm.uscc, method=VerificationMethod.MANUAL, token_digest="0" * 64
    )
    db.add(registration)
    db.flush()
    assert registration.id is not None
    path, media_type = licences.store(registration_id=registration.id, content=b"%PDF-1.4 x")
    registration.licence_path, registration.licence_type = path, media_type
    db.add(registration)
    return registration


@dataclass(frozen=True)
class Case:
    method: str
    path: str
    expect: dict[str, int]
    body: Callable[[], Any] | None = None
    page: bool = False
    files: Callable[[], Any] | None = None
    # A body naming the world's objects (a loan id in JSON): built from ``World.ids``.
    body_of: Callable[[dict[str, Any]], Any] | None = None

    def body_for(self, ids: dict[str, Any]) -> Any:
        if self.body_of is not None:
            return self.body_of(ids)
        return self.body() if self.body else None


def expect(default: int, anonymous: int = 401, **overrides: int) -> dict[str, int]:
    table = dict.fromkeys(CALLERS, default)
    table["anonymous"] = anonymous
    table.update(overrides)
    return table


def new_enterprise() -> dict[str, Any]:
    return enterprise_data().model_dump(mode="json")


def new_user() -> dict[str, Any]:
    return {
        "username": f"new-user-{next(_unique)}",
        "display_name": "新用户",
        "password": "long-enough-pw",
        "role": "office",
    }


def tax_grade_file() -> dict[str, Any]:
    return {"file": ("tax_grade.csv", b"uscc,year,grade\n91330502MA2B3C4D5X,2025,B\n")}


def new_lender() -> dict[str, Any]:
    return {"code": f"new-bank-{next(_unique)}", "name": "新银行"}


STAFF_ONLY = {"admin": 200}
LENDER_VIEW = dict(
    admin=200, office=200, bank_a_user=200, bank_a_key=200, bank_b_user=404, bank_b_key=404
)
KEY_ADMIN = dict(admin=200, bank_a_user=200, bank_b_user=404)
REGISTRY = dict(admin=200, office=200, operator=200)
# firm 1's data: itself, registry staff, and bank A under firm 1's authorization
FIRM_1_DATA = dict(firm_1=200, firm_2=404, bank_a_user=200, bank_a_key=200, **REGISTRY)
OWN = dict(firm_1=200, firm_2=404)
# bank A's product: its people and systems manage it; bank B is told it does not exist
BANK_A_PRODUCT = dict(bank_a_user=200, bank_a_key=200, bank_b_user=404, bank_b_key=404)
ANY_BANK = dict(bank_a_user=201, bank_a_key=201, bank_b_user=201, bank_b_key=201)
# bank A's lead and loans: only its people and systems report on them; bank B gets 404
BANK_A_REPORTS = dict(bank_a_user=201, bank_a_key=201, bank_b_user=404, bank_b_key=404)
