"""Accounts: people (users) and bank systems (API keys)."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

from sqlalchemy import CheckConstraint, Column, Integer
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
    # Every access token names the generation it was issued in (claim ``sv``); a password change
    # or reset starts a new one, which signs out every older token but ``session_kept_jti``:
    # the session that changed its own password stays signed in.
    session_version: int = Field(
        default=0, sa_column=Column(Integer, nullable=False, server_default="0")
    )
    session_kept_jti: str | None = Field(default=None, max_length=64)


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


class RevokedToken(SQLModel, table=True):
    """An access token signed out before it expired; kept until then, pruned after."""

    __tablename__ = "revoked_tokens"

    jti: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(index=True)
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False, index=True))
    revoked_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class VerificationMethod(StrEnum):
    SMS = "sms"  # 短信验证码 to the contact phone the registry holds
    MANUAL = "manual"  # 人工审核 of the uploaded business licence


class RegistrationStatus(StrEnum):
    PENDING = "pending"  # 待验证
    VERIFIED = "verified"  # 已验证: the account is active
    REJECTED = "rejected"  # 已驳回
    LOCKED = "locked"  # too many wrong codes


class Registration(SQLModel, table=True):
    """An enterprise's self-registration, holding its inactive account until control is proven."""

    __tablename__ = "registrations"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", unique=True)
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc", index=True)
    method: VerificationMethod = Field(sa_type=enum_type(VerificationMethod))
    status: RegistrationStatus = Field(
        default=RegistrationStatus.PENDING, sa_type=enum_type(RegistrationStatus), index=True
    )
    # Digest of the secret the registrant got once; it alone may verify, resend or upload.
    token_digest: str = Field(max_length=64)
    code_digest: str | None = Field(default=None, max_length=64)
    code_expires_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    code_attempts: int = 0
    codes_sent: int = 0
    licence_path: str | None = Field(default=None, max_length=255)
    licence_type: str | None = Field(default=None, max_length=32)
    licence_bytes: int | None = None
    decided_by: str | None = Field(default=None, max_length=64)
    decided_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    decision_note: str | None = Field(default=None, max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )


class Notice(SQLModel, table=True):
    """A message for one user inside the platform (站内通知)."""

    __tablename__ = "notices"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="users.id", index=True)
    kind: str = Field(max_length=64)
    message: str = Field(max_length=500)
    created_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
