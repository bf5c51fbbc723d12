"""Accounts: people (users) and bank systems (API keys)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, Column
from sqlmodel import Field, SQLModel

from app.accounts.roles import Role
from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class User(SQLModel, table=True):
    """A person who signs in. Enterprise users are bound to a USCC, lender users to a lender."""

    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("(role = 'enterprise') = (uscc IS NOT NULL)", name="enterprise_has_uscc"),
        CheckConstraint(
            "(role = 'lender_user') = (lender_id IS NOT NULL)", name="lender_user_has_lender"
        ),
        CheckConstraint("role <> 'lender_client'", name="no_machine_users"),
    )

    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=64, unique=True, index=True)
    display_name: str = Field(max_length=100)
    role: Role = Field(sa_type=enum_type(Role))
    password_hash: str = Field(max_length=255)
    is_active: bool = True
    uscc: str | None = Field(
        default=None, max_length=18, foreign_key="enterprises.uscc", index=True
    )
    lender_id: int | None = Field(default=None, foreign_key="lenders.id", index=True)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    last_login_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))


class ApiKey(SQLModel, table=True):
    """A lender's machine credential. Only its digest is stored; the key is shown once."""

    __tablename__ = "api_keys"

    id: int | None = Field(default=None, primary_key=True)
    lender_id: int = Field(foreign_key="lenders.id", index=True)
    name: str = Field(max_length=100)
    prefix: str = Field(max_length=12, unique=True, index=True)
    digest: str = Field(max_length=64)
    created_by: str = Field(max_length=64)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    last_used_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
