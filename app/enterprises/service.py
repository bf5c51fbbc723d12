"""Rules of the enterprise registry: validation, the USCC review list, reads."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import utcnow
from app.core.money import YuanInput, yuan_to_fen
from app.core.security import keyed_digest
from app.enterprises import industry, repository, size_class, uscc
from app.enterprises.exceptions import (
    EnterpriseExists,
    EnterpriseNotFound,
    InvalidDistrict,
    InvalidIndustry,
    InvalidUscc,
    ReviewAlreadyDecided,
    ReviewNotFound,
)
from app.enterprises.models import Enterprise, ReviewStatus, UsccReview
from app.enterprises.schemas import EnterpriseCreate, EnterpriseFilters

LEGAL_REP_PURPOSE = "legal-representative"


@dataclass(frozen=True)
class Registration:
    """The enterprise that was registered, or the review its code was sent to."""

    enterprise: Enterprise | None = None
    review: UsccReview | None = None


def mask_name(name: str) -> str:
    """Keep the first character of a person's name: 张三丰 → 张**."""
    name = name.strip()
    return name[:1] + "*" * max(len(name) - 1, 1)


def legal_rep_digest(name: str) -> str:
    """A keyed digest so a claimed name can be matched without storing it."""
    return keyed_digest(name.strip(), purpose=LEGAL_REP_PURPOSE)


def register(
    session: Session, *, data: EnterpriseCreate, actor: Actor, source: str = "api"
) -> Registration:
    """Add an enterprise, or hold it for review when only its check character fails."""
    checked = _check_record(data)
    if repository.get(session, checked.code) is not None:
        raise EnterpriseExists(f"enterprise {checked.code} is already registered")
    if checked.only_check_char_fails:
        review, _created = hold_for_review(session, data=data, actor=actor, source=source)
        return Registration(review=review)
    enterprise = _build(data, code=checked.code, check_passed=True)
    session.add(enterprise)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="enterprise.register",
        subject_type="enterprise",
        subject_id=enterprise.uscc,
        detail={"source": source},
    )
    return Registration(enterprise=enterprise)


def _check_record(data: EnterpriseCreate) -> uscc.UsccCheck:
    checked = uscc.check(data.uscc)
    hard = [p for p in checked.problems if p is not uscc.UsccProblem.CHECK_CHAR]
    if hard:
        raise InvalidUscc(_describe_uscc_problem(checked, hard[0]), problems=[str(p) for p in hard])
    problem = industry.division_problem(data.industry_section, data.industry_division)
    if problem:
        raise InvalidIndustry(problem)
    if not uscc.is_valid_division(data.district):
        raise InvalidDistrict(f"district {data.district} is not an administrative division code")
    return checked


def _describe_uscc_problem(checked: uscc.UsccCheck, problem: uscc.UsccProblem) -> str:
    return {
        uscc.UsccProblem.LENGTH: (
            f"USCC {checked.code!r} has {len(checked.code)} characters, not 18"
        ),
        uscc.UsccProblem.CHARSET: f"USCC {checked.code!r} has characters outside 0-9A-HJ-NPQRTUWXY",
        uscc.UsccProblem.DIVISION: (
            f"USCC {checked.code!r} positions 3-8 ({checked.division_code}) "
            "are not an administrative division code"
        ),
    }[problem]


def hold_for_review(
    session: Session, *, data: EnterpriseCreate, actor: Actor, source: str
) -> tuple[UsccReview, bool]:
    """Put a record whose check character fails on the review list, once; True if new."""
    checked = uscc.check(data.uscc)
    existing = repository.pending_review_for(session, checked.code)
    if existing is not None:
        return existing, False
    payload = data.model_dump(mode="json")
    payload["legal_representative"] = mask_name(data.legal_representative)
    payload["legal_rep_digest"] = legal_rep_digest(data.legal_representative)
    # The review list is read by people: the phone is kept out (re-ingest it after acceptance).
    payload["contact_phone"] = None
    review = UsccReview(
        uscc=checked.code,
        expected_check_char=checked.expected_check_char or "",
        source=source,
        submitted_by=actor.ref,
        payload=payload,
    )
    session.add(review)
    session.flush()
    return review, True


def _build(data: EnterpriseCreate, *, code: str, check_passed: bool) -> Enterprise:
    capital = _fen_or_none(data.registered_capital_yuan)
    revenue = _fen_or_none(data.annual_revenue_yuan)
    size = size_class.classify(
        section=data.industry_section,
        division=data.industry_division,
        headcount=data.headcount,
        revenue_fen=revenue,
    )
    return Enterprise(
        uscc=code,
        name=data.name,
        entity_type=data.entity_type,
        status=data.status,
        registration_date=data.registration_date,
        registered_capital_fen=capital,
        industry_section=data.industry_section,
        industry_division=data.industry_division,
        district=data.district,
        headcount=data.headcount,
        annual_revenue_fen=revenue,
        size_class=size.value if size else None,
        legal_rep_masked=mask_name(data.legal_representative),
        legal_rep_digest=legal_rep_digest(data.legal_representative),
        contact_phone=data.contact_phone,
        uscc_check_passed=check_passed,
    )


def _fen_or_none(amount: YuanInput | None) -> int | None:
    return None if amount is None else yuan_to_fen(amount)


def get(session: Session, *, code: str) -> Enterprise:
    """The enterprise with this USCC or EnterpriseNotFound."""
    enterprise = repository.get(session, uscc.normalize(code))
    if enterprise is None:
        raise EnterpriseNotFound(f"enterprise {code} is not in the registry")
    return enterprise


def names(session: Session, *, codes: Sequence[str]) -> dict[str, str]:
    """Each enterprise's name by code, for a page that lists many codes (one query)."""
    return repository.names(session, codes)


def list_page(
    session: Session, *, filters: EnterpriseFilters, offset: int, limit: int
) -> tuple[Sequence[Enterprise], int]:
    return repository.page(session, filters=filters, offset=offset, limit=limit)


def get_review(session: Session, *, review_id: int) -> UsccReview:
    review = repository.get_review(session, review_id)
    if review is None:
        raise ReviewNotFound(f"USCC review {review_id} does not exist")
    return review


def list_reviews(
    session: Session, *, status: ReviewStatus | None, offset: int, limit: int
) -> tuple[Sequence[UsccReview], int]:
    return repository.review_page(session, status=status, offset=offset, limit=limit)


def decide_review(
    session: Session, *, review_id: int, accept: bool, note: str, actor: Actor
) -> UsccReview:
    """Accept (register the enterprise, flagged) or reject a held record; decided once."""
    review = get_review(session, review_id=review_id)
    if review.status is not ReviewStatus.PENDING:
        raise ReviewAlreadyDecided(f"USCC review {review_id} was already {review.status.value}")
    if accept:
        if repository.get(session, review.uscc) is not None:
            raise EnterpriseExists(f"enterprise {review.uscc} is already registered")
        session.add(_from_review(review))
    review.status = ReviewStatus.ACCEPTED if accept else ReviewStatus.REJECTED
    review.decided_by = actor.ref
    review.decided_at = utcnow()
    review.decision_note = note
    session.add(review)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action=f"uscc_review.{review.status.value}",
        subject_type="uscc_review",
        subject_id=review.id or 0,
        detail={"uscc": review.uscc, "note": note},
    )
    return review


def _from_review(review: UsccReview) -> Enterprise:
    payload = dict(review.payload)
    digest = payload.pop("legal_rep_digest")
    masked = payload.pop("legal_representative")
    data = EnterpriseCreate.model_validate({**payload, "legal_representative": "-"})
    enterprise = _build(data, code=review.uscc, check_passed=False)
    enterprise.legal_rep_masked = masked
    enterprise.legal_rep_digest = digest
    return enterprise
