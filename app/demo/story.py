"""The headless demo story: a synthetic city ingested, lenders, and an account for each role.

Running it twice changes nothing the second time: the same seed writes the same files, and the
same files are recognised as batches already loaded. Later issues extend the story (sources,
scores, whitelist, leads); each adds its keys to the JSON summary.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlmodel import Session

from app.accounts import repository as account_repository
from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.schemas import UserCreate
from app.audit.service import SystemActor
from app.demo import fund_story, scoring_story, whitelist_story
from app.enterprises import repository as enterprise_repository
from app.enterprises.models import Enterprise, EnterpriseStatus, ReviewStatus
from app.enterprises.schemas import EnterpriseFilters
from lenders.institutions import repository as lender_repository
from lenders.institutions import service as lender_service
from lenders.institutions.schemas import LenderCreate
from scoring.sources import service as source_service
from scoring.synthetic.city import generate_city
from scoring.synthetic.registry import CitySpec

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
    batches: int
    records_loaded: int
    rows_rejected: int
    scoring: dict[str, Any]
    whitelist: dict[str, Any]

    def as_json(self) -> dict[str, Any]:
        summary = asdict(self)
        chapters = summary.pop("scoring") | summary.pop("whitelist")
        return {**summary, **chapters}


def run(session: Session, *, spec: CitySpec, months: int, city_dir: Path) -> DemoSummary:
    """Synthesize the demo city (once) and ingest it, in the caller's transaction."""
    actor = SystemActor("demo")
    before = enterprise_repository.count(session)
    if not (city_dir / "registration.csv").exists():
        generate_city(spec, months=months, out_dir=city_dir)
    batches = [
        source_service.ingest_file(session, path=path, actor=actor)
        for path in source_service.source_files(city_dir)
        if path.stem != "truth"
    ]
    fresh = [result.batch for result in batches if not result.duplicate]
    lender_ids = _ensure_lenders(session)
    accounts = _ensure_accounts(session, lender_ids=lender_ids, actor=actor)
    fund_story.open_fund(session, lender_codes=demo_lender_codes())
    enterprises = enterprise_repository.count(session)
    scored = scoring_story.run(session, city_dir=city_dir, as_of=spec.as_of, actor=actor)
    listed = whitelist_story.run(
        session,
        lender_codes=[code for code, _name in DEMO_LENDERS],
        own_usccs=[enterprise.uscc for enterprise in _first_active_enterprises(session)],
        actor=actor,
    )
    return DemoSummary(
        enterprises=enterprises,
        enterprises_added=enterprises - before,
        uscc_reviews=enterprise_repository.review_count(session, status=ReviewStatus.PENDING),
        lenders=len(lender_ids),
        accounts=accounts,
        batches=len(batches),
        records_loaded=sum(batch.rows_loaded for batch in fresh),
        rows_rejected=sum(batch.rows_rejected for batch in fresh),
        scoring=scored,
        whitelist=listed,
    )


def demo_lender_codes() -> list[str]:
    return [code for code, _name in DEMO_LENDERS]


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
