"""Every query about users and API keys."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func
from sqlmodel import Session, col, select

from app.accounts.models import ApiKey, RevokedToken, User


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
