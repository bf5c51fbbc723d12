"""Authorizations (授权): an enterprise's consent to the use and sharing of its data."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime, enum_type


class ConsentScope(StrEnum):
    """Who may use the data. Every scope lets the platform assess the enterprise."""

    ASSESSMENT = "assessment"  # 平台评估: scoring and the whitelist, no bank sees it
    NAMED_BANKS = "named_banks"  # 共享给指定银行
    MATCHED_BANKS = "matched_banks"  # 共享给匹配的银行


SCOPE_LABELS = {
    ConsentScope.ASSESSMENT: "仅用于平台评估",
    ConsentScope.NAMED_BANKS: "共享给指定银行",
    ConsentScope.MATCHED_BANKS: "共享给匹配的银行",
}


class ConsentPurpose(StrEnum):
    FINANCING = "financing"  # 融资


class Authorization(SQLModel, table=True):
    """One grant: scope, purpose, expiry; revoked by setting ``revoked_at``, never deleted."""

    __tablename__ = "authorizations"
    __table_args__ = (Index("ix_authorizations_uscc_expires", "uscc", "expires_at"),)

    id: int | None = Field(default=None, primary_key=True)
    uscc: str = Field(max_length=18, foreign_key="enterprises.uscc")
    scope: ConsentScope = Field(sa_type=enum_type(ConsentScope))
    purpose: ConsentPurpose = Field(sa_type=enum_type(ConsentPurpose))
    # Lender codes for NAMED_BANKS; empty for the other scopes.
    lender_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    granted_by: str = Field(max_length=64)
    granted_at: datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False)
    )
    expires_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    revoked_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    revoked_by: str | None = Field(default=None, max_length=64)
    revoke_reason: str | None = Field(default=None, max_length=500)

    def is_active(self, now: datetime) -> bool:
        return self.revoked_at is None and self.expires_at > now

    def shares_with(self, lender_code: str, *, matched: bool) -> bool:
        """Whether a bank may read under this grant (``matched``: it holds the firm's lead)."""
        if self.scope is ConsentScope.NAMED_BANKS:
            return lender_code in self.lender_codes
        return self.scope is ConsentScope.MATCHED_BANKS and matched

    def describe(self) -> dict[str, Any]:
        return {"authorization_id": self.id, "scope": self.scope.value}
