"""What crosses the boundary for authorizations and the data-access log."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Self

from pydantic import BaseModel, ConfigDict, Field, model_validator

from app.audit.models import AuditEvent
from app.consent.models import SCOPE_LABELS, Authorization, ConsentPurpose, ConsentScope

MAX_LENDERS = 20
REASON_MAX_LENGTH = 500


class AuthorizationCreate(BaseModel):
    """A grant: scope, purpose and (optionally) the last day it is valid, default one year."""

    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    scope: ConsentScope = Field(
        description="assessment 仅平台评估 / named_banks 指定银行 / matched_banks 匹配的银行"
    )
    purpose: ConsentPurpose = Field(default=ConsentPurpose.FINANCING, description="用途: 融资")
    lender_codes: list[str] = Field(
        default_factory=list,
        max_length=MAX_LENDERS,
        description="the banks' codes, for named_banks only",
    )
    valid_until: date | None = Field(
        default=None, description="last day of validity (China time); default one year"
    )

    @model_validator(mode="after")
    def _banks_match_scope(self) -> Self:
        codes = [code.strip() for code in self.lender_codes]
        if self.scope is ConsentScope.NAMED_BANKS and not codes:
            raise ValueError("指定银行时至少选择一家银行")
        if self.scope is not ConsentScope.NAMED_BANKS and codes:
            raise ValueError("只有“共享给指定银行”需要选择银行")
        if any(not code for code in codes) or len(set(codes)) != len(codes):
            raise ValueError("银行不能为空或重复")
        self.lender_codes = codes
        return self


class AuthorizationRevoke(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")

    reason: str | None = Field(default=None, max_length=REASON_MAX_LENGTH)


class AuthorizationPublic(BaseModel):
    id: int
    uscc: str
    scope: ConsentScope
    scope_label: str
    purpose: ConsentPurpose
    lender_codes: list[str]
    granted_by: str
    granted_at: datetime
    expires_at: datetime
    revoked_at: datetime | None
    revoke_reason: str | None
    active: bool

    @classmethod
    def of(cls, row: Authorization, *, now: datetime) -> AuthorizationPublic:
        assert row.id is not None
        return cls(
            id=row.id,
            uscc=row.uscc,
            scope=row.scope,
            scope_label=SCOPE_LABELS[row.scope],
            purpose=row.purpose,
            lender_codes=list(row.lender_codes),
            granted_by=row.granted_by,
            granted_at=row.granted_at,
            expires_at=row.expires_at,
            revoked_at=row.revoked_at,
            revoke_reason=row.revoke_reason,
            active=row.is_active(now),
        )


class AuthorizationsPublic(BaseModel):
    data: list[AuthorizationPublic]
    count: int


class DataAccessPublic(BaseModel):
    """One read of the enterprise's data by someone else: who, when, what, under which grant."""

    at: datetime
    reader: str
    reader_role: str
    lender_code: str | None
    what: str
    authorization_id: int | None
    basis: str

    @classmethod
    def of(cls, event: AuditEvent) -> DataAccessPublic:
        detail: dict[str, Any] = event.detail
        return cls(
            at=event.at,
            reader=event.actor,
            reader_role=event.actor_role,
            lender_code=detail.get("lender_code"),
            what=str(detail.get("what", "")),
            authorization_id=detail.get("authorization_id"),
            basis=str(detail.get("basis", "")),
        )


class DataAccessesPublic(BaseModel):
    data: list[DataAccessPublic]
    count: int
