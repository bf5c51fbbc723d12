"""Rules for lenders as organisations."""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from lenders.institutions import repository
from lenders.institutions.exceptions import LenderCodeTaken, LenderNotFound
from lenders.institutions.models import Lender
from lenders.institutions.schemas import LenderCreate


def create(session: Session, *, data: LenderCreate, actor: Actor | None = None) -> Lender:
    """Register a lender; its code is its stable public handle. A person's act (the API, the
    admin's page) is audited; the CLI and the demo, which set a city up, pass no actor."""
    if repository.get_by_code(session, data.code) is not None:
        raise LenderCodeTaken(f"lender code {data.code!r} is already registered")
    lender = Lender(code=data.code, name=data.name)
    session.add(lender)
    session.flush()
    if actor is not None:
        assert lender.id is not None
        audit_service.record(
            session, actor=actor, action="lender.create", subject_type="lender",
            subject_id=lender.id, detail={"code": lender.code, "name": lender.name},
        )  # fmt: skip
    return lender


def get(session: Session, *, lender_id: int) -> Lender:
    """The lender with ``lender_id`` or LenderNotFound."""
    lender = repository.get(session, lender_id)
    if lender is None:
        raise LenderNotFound(f"lender {lender_id} does not exist")
    return lender


def get_by_code(session: Session, *, code: str) -> Lender:
    lender = repository.get_by_code(session, code)
    if lender is None:
        raise LenderNotFound(f"lender {code!r} does not exist")
    return lender


def list_page(session: Session, *, offset: int, limit: int) -> tuple[Sequence[Lender], int]:
    return repository.page(session, offset=offset, limit=limit)


def list_active(session: Session) -> Sequence[Lender]:
    """The lenders an enterprise may choose (apply to, name in a consent), by name."""
    return repository.active(session)


def names(session: Session, *, codes: Sequence[str]) -> dict[str, str]:
    """Each lender's name by code, for a page that shows leads or loans of several banks."""
    return repository.names(session, codes)
