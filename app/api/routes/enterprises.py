"""The enterprise registry (企业库) and the USCC review list."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Response

from app.api.deps import (
    CurrentPrincipal,
    DataOperatorPrincipal,
    PageDep,
    RegistryReader,
    SessionDep,
    enterprise_data,
)
from app.api.owned import Applicant
from app.api.params import PathId
from app.api.problems import problem_schema
from app.core.errors import NotFound
from app.enterprises import service as enterprise_service
from app.enterprises.models import Enterprise, ReviewStatus
from app.enterprises.schemas import (
    EnterpriseCreate,
    EnterpriseFilters,
    EnterprisePublic,
    EnterprisesPublic,
    RegistrationOutcome,
    UsccReviewDecision,
    UsccReviewPublic,
    UsccReviewsPublic,
)
from scoring.scores import freshness
from scoring.scores.schemas import DataFreshnessPublic

router = APIRouter(tags=["enterprises"])


@router.post(
    "/enterprises",
    response_model=RegistrationOutcome,
    status_code=201,
    responses={
        202: {"model": RegistrationOutcome, "description": "held on the USCC review list"},
        409: problem_schema("enterprise_exists"),
        422: problem_schema("invalid_uscc", "invalid_industry", "invalid_district"),
    },
)
def register_enterprise(
    session: SessionDep, principal: RegistryReader, data: EnterpriseCreate, response: Response
) -> RegistrationOutcome:
    """Add an enterprise; a code whose check character fails is held for review (202)."""
    outcome = enterprise_service.register(session, data=data, actor=principal)
    if outcome.review is not None:
        response.status_code = 202
        return RegistrationOutcome(review=UsccReviewPublic.model_validate(outcome.review))
    return RegistrationOutcome(enterprise=EnterprisePublic.model_validate(outcome.enterprise))


@router.get("/enterprises", response_model=EnterprisesPublic)
def list_enterprises(
    session: SessionDep,
    _: RegistryReader,
    page: PageDep,
    filters: Annotated[EnterpriseFilters, Depends()],
) -> EnterprisesPublic:
    """Enterprises by district, industry section, entity type and status, a page at a time."""
    rows, total = enterprise_service.list_page(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return EnterprisesPublic(data=[EnterprisePublic.model_validate(r) for r in rows], count=total)


@router.get("/enterprises/me", response_model=EnterprisePublic)
def my_enterprise(session: SessionDep, principal: CurrentPrincipal) -> EnterprisePublic:
    """The signed-in enterprise user's own registry record."""
    if principal.uscc is None:
        raise NotFound("this account is not bound to an enterprise")
    return EnterprisePublic.model_validate(enterprise_service.get(session, code=principal.uscc))


@router.get(
    "/enterprises/me/data-freshness",
    response_model=DataFreshnessPublic,
    responses={403: problem_schema("forbidden")},
)
def my_data_freshness(session: SessionDep, principal: Applicant) -> DataFreshnessPublic:
    """For each data source, the newest month (date, year) of the signed-in enterprise's
    records the platform holds — the figure a bank sees as ``data_current_to`` in a lead."""
    assert principal.uscc is not None  # the users table binds every enterprise user to one
    rows = freshness.of_enterprise(session, uscc=principal.uscc)
    return DataFreshnessPublic(data=rows, count=len(rows))


@router.get(
    "/enterprises/{uscc}",
    response_model=EnterprisePublic,
    responses={
        404: problem_schema("enterprise_not_found"),
        403: problem_schema("forbidden", "consent_required"),
    },
)
def read_enterprise(
    enterprise: Annotated[Enterprise, Depends(enterprise_data("profile"))],
) -> EnterprisePublic:
    """One enterprise: itself, staff, or a bank it has authorized (each read is audited)."""
    return EnterprisePublic.model_validate(enterprise)


@router.get("/uscc-reviews", response_model=UsccReviewsPublic)
def list_reviews(
    session: SessionDep,
    _: DataOperatorPrincipal,
    page: PageDep,
    status: Annotated[ReviewStatus | None, Query()] = ReviewStatus.PENDING,
) -> UsccReviewsPublic:
    """Records held because their USCC check character fails (pending by default)."""
    rows, total = enterprise_service.list_reviews(
        session, status=status, offset=page.offset, limit=page.limit
    )
    return UsccReviewsPublic(data=[UsccReviewPublic.model_validate(r) for r in rows], count=total)


@router.get(
    "/uscc-reviews/{review_id}",
    response_model=UsccReviewPublic,
    responses={404: problem_schema("uscc_review_not_found")},
)
def read_review(
    session: SessionDep, _: DataOperatorPrincipal, review_id: PathId
) -> UsccReviewPublic:
    return UsccReviewPublic.model_validate(
        enterprise_service.get_review(session, review_id=review_id)
    )


@router.post(
    "/uscc-reviews/{review_id}/decision",
    response_model=UsccReviewPublic,
    responses={
        404: problem_schema("uscc_review_not_found"),
        409: problem_schema("uscc_review_decided"),
    },
)
def decide_review(
    session: SessionDep,
    principal: DataOperatorPrincipal,
    review_id: PathId,
    decision: UsccReviewDecision,
) -> UsccReviewPublic:
    """Accept (the enterprise is registered, flagged) or reject a held record."""
    review = enterprise_service.decide_review(
        session, review_id=review_id, accept=decision.accept, note=decision.note, actor=principal
    )
    return UsccReviewPublic.model_validate(review)
