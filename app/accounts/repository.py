"""Every query about users and API keys."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func
from sqlmodel import Session, col, select

from app.accounts.models import ApiKey, User


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
