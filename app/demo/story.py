"""The headless demo story: the demo city's enterprises, lenders and an account for each role.

Running it twice changes nothing the second time. Later issues extend the story (sources,
scores, whitelist, leads); each adds its keys to the JSON summary.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlmodel import Session

from app.accounts import repository as account_repository
from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.schemas import UserCreate
from app.audit.service import SystemActor
from app.enterprises import repository as enterprise_repository
from app.enterprises import service as enterprise_service
from app.enterprises.exceptions import EnterpriseExists
from app.enterprises.models import Enterprise, EnterpriseStatus
from app.enterprises.schemas import EnterpriseCreate, EnterpriseFilters
from lenders.institutions import repository as lender_repository
from lenders.institutions import service as lender_service
from lenders.institutions.schemas import LenderCreate
from scoring.synthetic.registry import CitySpec, registration_records

DEMO_PASSWORD = "xyd-demo-2026"  # noqa: S105 - published in the README for the demo only
DEMO_LENDERS = (("huzhou-bank", "湖州银行"), ("anji-rcb", "安吉农商银行"))
STAFF = (
    ("admin", "系统管理员", Role.ADMIN),
    ("office", "市金融办", Role.OFFICE),
    ("operator", "数据运维", Role.DATA_OPERATOR),
)
DEMO_ENTERPRISE_USERS = 3


@dataclass(frozen=True)
class DemoSummary:
    enterprises: int
    enterprises_added: int
    uscc_reviews: int
    lenders: int
    accounts: list[str]

    def as_json(self) -> dict[str, Any]:
        return {
            "enterprises": self.enterprises,
            "enterprises_added": self.enterprises_added,
            "uscc_reviews": self.uscc_reviews,
            "lenders": self.lenders,
            "accounts": self.accounts,
        }


def run(session: Session, *, spec: CitySpec) -> DemoSummary:
    """Create the demo city in the caller's transaction."""
    actor = SystemActor("demo")
    added, held = _register_city(session, spec=spec, actor=actor)
    lender_ids = _ensure_lenders(session)
    accounts = _ensure_accounts(session, lender_ids=lender_ids, actor=actor)
    return DemoSummary(
        enterprises=enterprise_repository.count(session),
        enterprises_added=added,
        uscc_reviews=held,
        lenders=len(lender_ids),
        accounts=accounts,
    )


def _register_city(session: Session, *, spec: CitySpec, actor: SystemActor) -> tuple[int, int]:
    added = held = 0
    for record in registration_records(spec):
        try:
            outcome = enterprise_service.register(
                session, data=EnterpriseCreate.model_validate(record), actor=actor, source="demo"
            )
        except EnterpriseExists:
            continue
        added += outcome.enterprise is not None
        held += outcome.review is not None
    return added, held


def _ensure_lenders(session: Session) -> list[int]:
    ids = []
    for code, name in DEMO_LENDERS:
        lender = lender_repository.get_by_code(session, code) or lender_service.create(
            session, data=LenderCreate(code=code, name=name)
        )
        assert lender.id is not None
        ids.append(lender.id)
    return ids


def _ensure_accounts(session: Session, *, lender_ids: list[int], actor: SystemActor) -> list[str]:
    wanted = [
        UserCreate(username=u, display_name=n, password=DEMO_PASSWORD, role=r) for u, n, r in STAFF
    ]
    for index, ((_code, name), lender_id) in enumerate(zip(DEMO_LENDERS, lender_ids, strict=True)):
        wanted.append(
            UserCreate(
                username=f"bank{index + 1}",
                display_name=f"{name}信贷员",
                password=DEMO_PASSWORD,
                role=Role.LENDER_USER,
                lender_id=lender_id,
            )
        )
    for index, enterprise in enumerate(_first_active_enterprises(session)):
        wanted.append(
            UserCreate(
                username=f"firm{index + 1}",
                display_name=enterprise.name,
                password=DEMO_PASSWORD,
                role=Role.ENTERPRISE,
                uscc=enterprise.uscc,
            )
        )
    for data in wanted:
        if account_repository.get_user_by_username(session, data.username) is None:
            account_service.create_user(session, data=data, actor=actor)
    return [data.username for data in wanted]


def _first_active_enterprises(session: Session) -> list[Enterprise]:
    rows, _ = enterprise_repository.page(
        session,
        filters=EnterpriseFilters(status=EnterpriseStatus.ACTIVE),
        offset=0,
        limit=DEMO_ENTERPRISE_USERS,
    )
    return list(rows)
