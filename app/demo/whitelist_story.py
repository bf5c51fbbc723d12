"""The demo's whitelist chapter: firms apply and consent, the list is refreshed, two leave at once.

The best-graded ~5 % of the scored enterprises and the demo enterprise users state a financing
need and grant consent; the whitelist is refreshed; then one member withdraws its application
and another revokes its consent, and each leaves the list at once with its reason. A second run
finds the applications, grants and exits already there and adds none.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Sequence
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.applications.schemas import ApplicationCreate
from app.audit.service import SystemActor
from app.consent import service as consent_service
from app.consent.models import Authorization
from app.consent.schemas import AuthorizationCreate
from app.enterprises.models import Enterprise, EnterpriseStatus
from scoring.registry import service as registry_service
from scoring.registry.exceptions import NoChampion
from scoring.scores.models import Score
from whitelist import members
from whitelist.exceptions import ChampionNotScored
from whitelist.models import ChangeKind, WhitelistChange
from whitelist.refresh import latest
from whitelist.refresh import refresh as refresh_whitelist

APPLYING_SHARE = 0.05  # the best-graded twentieth of the scored enterprises asks for credit
AMOUNTS_YUAN = ("300000", "500000", "1000000", "2000000")
TERMS_MONTHS = (12, 24, 36)
PURPOSES = ("采购原材料，补充流动资金", "购置生产设备", "支付订单备货款", "研发投入")


def run(
    session: Session, *, lender_codes: Sequence[str], own_usccs: Sequence[str], actor: SystemActor
) -> dict[str, Any]:
    """Keys for the demo summary: applications, whitelist_size, whitelist_exits."""
    for index, uscc in enumerate(_applicants(session, own_usccs=own_usccs)):
        _apply_and_consent(session, uscc=uscc, index=index, lender_codes=lender_codes, actor=actor)
    try:
        refresh_whitelist(session, actor=actor)
    except (NoChampion, ChampionNotScored):
        pass  # the scoring chapter could not train: nobody can be judged
    else:
        _members_leave_at_once(session, keep=own_usccs, actor=actor)
    newest = latest(session)
    return {
        "applications": session.exec(select(func.count()).select_from(FinancingApplication)).one(),
        "whitelist_version": newest.number if newest else None,
        "whitelist_size": len(members.current(session)),
        "whitelist_exits": _exit_reasons(session),
    }


def _applicants(session: Session, *, own_usccs: Sequence[str]) -> list[str]:
    """The demo users' enterprises and the best-graded active ones, that have not applied yet."""
    try:
        champion = registry_service.champion(session).name
    except NoChampion:
        best: list[str] = []
    else:
        newest = select(func.max(Score.id)).where(Score.model_name == champion).group_by(Score.uscc)
        scored = session.exec(
            select(Score.uscc)
            .join(Enterprise, col(Enterprise.uscc) == Score.uscc)
            .where(
                col(Score.id).in_(newest.scalar_subquery()),
                Enterprise.status == EnterpriseStatus.ACTIVE,
            )
            .order_by(col(Score.pd), col(Score.uscc))
        ).all()
        best = list(scored[: math.ceil(len(scored) * APPLYING_SHARE)])
    applied = set(session.exec(select(FinancingApplication.uscc).distinct()).all())
    return [uscc for uscc in dict.fromkeys([*own_usccs, *best]) if uscc not in applied]


def _apply_and_consent(
    session: Session, *, uscc: str, index: int, lender_codes: Sequence[str], actor: SystemActor
) -> None:
    bank = lender_codes[index % len(lender_codes)]
    need = {
        "amount_yuan": AMOUNTS_YUAN[index % len(AMOUNTS_YUAN)],
        "term_months": TERMS_MONTHS[index % len(TERMS_MONTHS)],
        "purpose": PURPOSES[index % len(PURPOSES)],
        "product_type": "pure_credit" if index % 2 == 0 else "credit",
        "lender_code": bank,
    }
    application_service.create(
        session, uscc=uscc, data=ApplicationCreate.model_validate(need), actor=actor
    )
    if session.exec(select(Authorization.id).where(Authorization.uscc == uscc)).first():
        return
    # Half share with the bank their application chose, half name the bank themselves.
    scope = (
        {"scope": "matched_banks"}
        if index % 2 == 0
        else {"scope": "named_banks", "lender_codes": [bank]}
    )
    consent_service.grant(
        session, uscc=uscc, data=AuthorizationCreate.model_validate(scope), actor=actor
    )


def _members_leave_at_once(session: Session, *, keep: Sequence[str], actor: SystemActor) -> None:
    """Once per demo database: one member withdraws its need, another revokes its consent."""
    left_at_once = session.exec(
        select(WhitelistChange.id).where(col(WhitelistChange.version_number).is_(None))
    ).first()
    if left_at_once is not None:
        return
    candidates = sorted(members.current(session) - set(keep))
    if len(candidates) < 2:
        return
    withdrawing, revoking = candidates[0], candidates[1]
    for application in session.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == withdrawing)
    ).all():
        application_service.withdraw(
            session, application=application, actor=actor, reason="已通过其他渠道解决资金需求"
        )
    for grant in session.exec(select(Authorization).where(Authorization.uscc == revoking)).all():
        consent_service.revoke(
            session,
            uscc=revoking,
            authorization_id=grant.id or 0,
            reason="不再同意共享数据",
            actor=actor,
        )


def _exit_reasons(session: Session) -> dict[str, int]:
    """Every exit so far, counted by reason code."""
    reasons = session.exec(
        select(WhitelistChange.reasons).where(WhitelistChange.kind == ChangeKind.EXIT)
    ).all()
    return dict(sorted(Counter(code for codes in reasons for code in codes).items()))
