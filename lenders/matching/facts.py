"""What the products' rules judge about one application and its enterprise."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlmodel import Session

from app.applications.models import FinancingApplication
from app.enterprises.models import Enterprise
from lenders.products.eligibility import Facts
from scoring.scores import repository as score_repository
from whitelist.rules import operating_months


def of_enterprise(session: Session, enterprise: Enterprise, *, today: date) -> Facts:
    """The enterprise's latest grade and registry facts, with no stated need yet."""
    score = score_repository.latest_for(session, uscc=enterprise.uscc)
    return Facts(
        grade=score.grade if score is not None else None,
        industry_section=enterprise.industry_section,
        district=enterprise.district,
        entity_type=enterprise.entity_type,
        operating_months=operating_months(enterprise.registration_date, today),
    )


def of_application(
    session: Session, application: FinancingApplication, *, enterprise: Enterprise, today: date
) -> Facts:
    """The enterprise's latest grade and registry facts with the application's need."""
    return replace(
        of_enterprise(session, enterprise, today=today),
        amount_fen=application.amount_fen,
        term_months=application.term_months,
        green=application.green,
        tech=application.tech,
    )
