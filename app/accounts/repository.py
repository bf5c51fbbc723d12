"""Every query about users, API keys, registrations and notices."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_
from sqlmodel import Session, col, select

from app.accounts.models import (
    ApiKey,
    Notice,
    Registration,
    RegistrationStatus,
    RevokedToken,
    User,
    VerificationMethod,
)


def get_user(session: Session, user_id: int) -> User | None:
    return session.get(User, user_id)


def get_user_by_username(session: Session, username: str) -> User | None:
    return session.exec(select(User).where(User.username == username)).first()


def user_page(session: Session, *, offset: int, limit: int) -> tuple[Sequence[User], int]:
    rows = session.exec(select(User).order_by(col(User.id)).offset(offset).limit(limit)).all()
    return rows, session.exec(select(func.count()).select_from(User)).one()


def get_api_key(session: Session, key_id: int) -> ApiKey | None:
    return session.get(ApiKey, key_id)


def get_api_key_by_prefix(session: Session, prefix: str) -> ApiKey | None:
    return session.exec(select(ApiKey).where(ApiKey.prefix == prefix)).first()


def api_keys_of(session: Session, lender_id: int) -> Sequence[ApiKey]:
    return session.exec(
        select(ApiKey).where(ApiKey.lender_id == lender_id).order_by(col(ApiKey.id))
    ).all()


def is_revoked(session: Session, jti: str) -> bool:
    return session.get(RevokedToken, jti) is not None


def add_revocation(session: Session, revocation: RevokedToken) -> None:
    if session.get(RevokedToken, revocation.jti) is None:
        session.add(revocation)
        session.flush()


def prune_revocations(session: Session, *, expired_before: datetime) -> int:
    """Forget revocations of tokens that have expired anyway; how many went."""
    result = session.execute(
        delete(RevokedToken).where(col(RevokedToken.expires_at) < expired_before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def active_users_of(session: Session, uscc: str) -> Sequence[User]:
    """The enterprise's users who can sign in."""
    return session.exec(select(User).where(User.uscc == uscc, col(User.is_active).is_(True))).all()


def count_accounts_against_cap(
    session: Session, *, uscc: str, now: datetime, manual_created_after: datetime
) -> int:
    """The enterprise's active users plus those whose pending registration still lives.

    A pending registration lives while its code has not expired, or, when it is manual,
    while it was created after ``manual_created_after``.
    """
    live = or_(
        col(Registration.code_expires_at) > now,
        and_(
            col(Registration.method) == VerificationMethod.MANUAL,
            col(Registration.created_at) > manual_created_after,
        ),
    )
    pending = select(Registration.user_id).where(
        Registration.uscc == uscc, Registration.status == RegistrationStatus.PENDING, live
    )
    return session.exec(
        select(func.count())
        .select_from(User)
        .where(
            User.uscc == uscc,
            or_(col(User.is_active).is_(True), col(User.id).in_(pending)),
        )
    ).one()


def get_registration(session: Session, registration_id: int) -> Registration | None:
    return session.get(Registration, registration_id)


def registration_page(
    session: Session, *, status: RegistrationStatus | None, offset: int, limit: int
) -> tuple[Sequence[Registration], int]:
    """Registrations (of one status if given), newest first, and how many there are in all."""
    query = select(Registration)
    counted = select(func.count()).select_from(Registration)
    if status is not None:
        query = query.where(Registration.status == status)
        counted = counted.where(Registration.status == status)
    rows = session.exec(
        query.order_by(col(Registration.id).desc()).offset(offset).limit(limit)
    ).all()
    return rows, session.exec(counted).one()


def notices_of(session: Session, *, user_id: int, limit: int) -> Sequence[Notice]:
    """A user's latest notices, newest first."""
    return session.exec(
        select(Notice).where(Notice.user_id == user_id).order_by(col(Notice.id).desc()).limit(limit)
    ).all()
