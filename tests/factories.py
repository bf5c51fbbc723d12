"""Plain factory functions for test data."""

from __future__ import annotations

import itertools
from datetime import timedelta
from typing import Any

from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import ApiKey, Role, User
from app.applications import service as application_service
from app.applications import state as application_state
from app.applications.models import ApplicationStatus, FinancingApplication
from app.applications.schemas import ApplicationCreate
from app.audit.service import SystemActor
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.consent.schemas import AuthorizationCreate
from app.core import security
from app.core.clock import utcnow
from app.enterprises import service as enterprise_service
from app.enterprises import uscc
from app.enterprises.models import Enterprise
from app.enterprises.schemas import EnterpriseCreate
from lenders.institutions.models import Lender
from lenders.leads import answers as lead_answers
from lenders.leads import state as lead_state
from lenders.leads.models import Lead
from lenders.matching.models import Match
from lenders.products import service as product_service
from lenders.products.models import LoanProduct
from lenders.products.schemas import ProductCreate

PASSWORD = "correct-horse-battery"
# Hashing once keeps tests fast; every user made here shares this password.
PASSWORD_HASH = security.hash_password(PASSWORD)
_counter = itertools.count(1)


def valid_uscc(*, district: str = "330502", category: str = "1") -> str:
    """A fresh valid code for ``district``."""
    n = next(_counter)
    return uscc.complete(f"9{category}{district}{n:08d}X")


def enterprise_fields(**overrides: Any) -> dict[str, Any]:
    """A registration record as a client sends it, valid unless overridden."""
    fields: dict[str, Any] = {
        "uscc": valid_uscc(),
        "name": "湖州恒兴机械有限公司",
        "entity_type": "enterprise",
        "registration_date": "2019-05-01",
        "registered_capital_yuan": "1000000.00",
        "industry_section": "C",
        "industry_division": "34",
        "district": "330502",
        "headcount": 25,
        "annual_revenue_yuan": "5000000",
        "legal_representative": "张三丰",
    }
    fields.update(overrides)
    return fields


def enterprise_data(**overrides: Any) -> EnterpriseCreate:
    return EnterpriseCreate.model_validate(enterprise_fields(**overrides))


def make_enterprise(session: Session, **overrides: Any) -> Enterprise:
    outcome = enterprise_service.register(
        session, data=enterprise_data(**overrides), actor=SystemActor("test")
    )
    assert outcome.enterprise is not None
    return outcome.enterprise


def application_fields(**overrides: Any) -> dict[str, Any]:
    """A financing need as an enterprise sends it, valid unless overridden."""
    fields: dict[str, Any] = {
        "amount_yuan": "500000.00",
        "term_months": 12,
        "purpose": "采购原材料，补充流动资金",
        "product_type": "pure_credit",
        "green": False,
        "tech": True,
    }
    fields.update(overrides)
    return fields


def make_application(
    session: Session, enterprise: Enterprise, **overrides: Any
) -> FinancingApplication:
    return application_service.create(
        session,
        uscc=enterprise.uscc,
        data=ApplicationCreate.model_validate(application_fields(**overrides)),
        actor=SystemActor("test"),
    )


def make_lender(session: Session, code: str | None = None) -> Lender:
    n = next(_counter)
    lender = Lender(code=code or f"bank-{n}", name=f"测试银行{n}")
    session.add(lender)
    session.flush()
    return lender


def product_fields(**overrides: Any) -> dict[str, Any]:
    """A loan product as a lender sends it, open to every firm unless overridden."""
    fields: dict[str, Any] = {
        "product_type": "pure_credit",
        "name": "小微信用贷",
        "description": "纯信用，随借随还",
        "min_amount_yuan": "100000.00",
        "max_amount_yuan": "3000000.00",
        "min_term_months": 6,
        "max_term_months": 36,
        "min_rate_bp": 350,
        "max_rate_bp": 600,
    }
    fields.update(overrides)
    return fields


def make_product(session: Session, lender: Lender, **overrides: Any) -> LoanProduct:
    assert lender.id is not None
    product, _lender = product_service.create(
        session,
        lender_id=lender.id,
        data=ProductCreate.model_validate(product_fields(**overrides)),
        actor=SystemActor("test"),
    )
    return product


def make_user(session: Session, role: Role, **fields: Any) -> User:
    n = next(_counter)
    user = User(
        username=fields.pop("username", f"user{n}"),
        display_name=fields.pop("display_name", f"用户{n}"),
        role=role,
        password_hash=PASSWORD_HASH,
        **fields,
    )
    session.add(user)
    session.flush()
    return user


def make_api_key(session: Session, lender: Lender) -> tuple[ApiKey, str]:
    key, prefix = security.new_api_key()
    assert lender.id is not None
    api_key = ApiKey(
        lender_id=lender.id,
        name="test",
        prefix=prefix,
        digest=security.digest_api_key(key),
        created_by="test",
    )
    session.add(api_key)
    session.flush()
    return api_key, key


def bearer(user: User) -> dict[str, str]:
    """Headers that authenticate as ``user``."""
    return {"Authorization": f"Bearer {account_service.issue_token(user)}"}


def make_authorization(
    session: Session,
    uscc: str,
    *,
    scope: str = "named_banks",
    lender_codes: list[str] | None = None,
) -> Authorization:
    """An active one-year authorization granted by the enterprise."""
    data = AuthorizationCreate.model_validate({"scope": scope, "lender_codes": lender_codes or []})
    return consent_service.grant(session, uscc=uscc, data=data, actor=SystemActor("test"))


def make_lead(
    session: Session,
    application: FinancingApplication,
    product: LoanProduct,
    lender: Lender,
    *,
    accept: bool = False,
) -> Lead:
    """A lead offered to ``lender`` (accepted if asked), its application moved in step.

    Built directly, without matching or the whitelist, for tests about what a lead allows.
    """
    actor = SystemActor("test")
    for to in (ApplicationStatus.MATCHED, ApplicationStatus.RECOMMENDED):
        application_state.transition(session, application=application, to=to, actor=actor)
    match = Match(
        application_id=application.id or 0,
        product_id=product.id or 0,
        lender_code=lender.code,
        rank=1,
        score=5000,
    )
    session.add(match)
    session.flush()
    now = utcnow()
    lead = Lead(
        application_id=application.id or 0,
        match_id=match.id or 0,
        product_id=product.id or 0,
        lender_code=lender.code,
        uscc=application.uscc,
        payload={"enterprise": {"uscc": application.uscc}},
        offered_at=now,
        respond_by=now + timedelta(days=3),
    )
    lead_state.offer(session, lead=lead, actor=actor)
    if accept:
        lead_answers.accept(session, lead=lead, actor=actor)
    return lead
