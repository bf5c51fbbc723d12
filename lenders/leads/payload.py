"""What a lead carries to its bank: only what the enterprise authorized (SPEC §6, §9).

Identity, the application, the score with its grade and reasons, a few key indicators from
the registry, and for each data source the newest date of the enterprise's records in it, so
the bank knows how current the picture is. No raw source rows leave the platform.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from app.applications.models import FinancingApplication
from app.consent.models import Authorization
from app.core.clock import to_local
from app.core.money import fen_to_yuan
from app.enterprises.models import Enterprise
from lenders.institutions.models import Lender
from lenders.products.models import LoanProduct
from scoring.model.scale import GRADE_NAMES
from scoring.scores.models import Score
from whitelist.rules import operating_months

SCHEMA_VERSION = 2  # 2: the masked legal representative is gone


def _yuan(fen: int | None) -> str | None:
    return None if fen is None else str(fen_to_yuan(fen))


def build(
    *,
    lead_id: int,
    application: FinancingApplication,
    enterprise: Enterprise,
    product: LoanProduct,
    lender: Lender,
    score: Score | None,
    grant: Authorization,
    current_to: dict[str, str | None],
    respond_by: datetime,
    offered_at: datetime,
) -> dict[str, Any]:
    """The lead as JSON-ready data; stored with the lead and sent as the event's data."""
    return {
        "schema_version": SCHEMA_VERSION,
        "lead_id": lead_id,
        "lender_code": lender.code,
        "offered_at": offered_at.isoformat(),
        "respond_by": respond_by.isoformat(),
        "product": {"id": product.id, "name": product.name, "type": product.product_type.value},
        "application": {
            "id": application.id,
            "amount_yuan": _yuan(application.amount_fen),
            "term_months": application.term_months,
            "purpose": application.purpose,
            "product_type": application.product_type.value,
            "green": application.green,
            "tech": application.tech,
            "submitted_at": application.created_at.isoformat(),
        },
        "enterprise": {
            "uscc": enterprise.uscc,
            "name": enterprise.name,
            "entity_type": enterprise.entity_type.value,
            "industry_section": enterprise.industry_section,
            "industry_division": enterprise.industry_division,
            "district": enterprise.district,
            "registration_date": enterprise.registration_date.isoformat(),
            # No legal representative, not even masked: its first character would narrow the
            # guess of the one secret-looking fact registration used to rest on. Banks verify
            # the representative in their own KYC.
        },
        "indicators": {
            "operating_months": operating_months(
                enterprise.registration_date, to_local(offered_at).date()
            ),
            "registered_capital_yuan": _yuan(enterprise.registered_capital_fen),
            "annual_revenue_yuan": _yuan(enterprise.annual_revenue_fen),
            "headcount": enterprise.headcount,
            "size_class": enterprise.size_class,
        },
        "score": None
        if score is None
        else {
            "pd": score.pd,
            "points": score.points,
            "grade": score.grade,
            "grade_name": GRADE_NAMES.get(score.grade, ""),
            "as_of": score.as_of.isoformat(),
            "model": score.model_name,
            "reasons": score.reasons,
        },
        "data_current_to": current_to,
        "authorization": {
            "id": grant.id,
            "scope": grant.scope.value,
            "purpose": grant.purpose.value,
            "expires_at": grant.expires_at.isoformat(),
        },
    }
