"""What crosses the boundary for enterprise registration and its verification."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from app.accounts.models import RegistrationStatus, VerificationMethod
from app.accounts.schemas import UserPublic


class RegistrationState(BaseModel):
    """Where a registration stands, as its registrant sees it."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    uscc: str
    method: VerificationMethod
    status: RegistrationStatus
    code_expires_at: datetime | None
    licence_type: str | None
    created_at: datetime


class RegistrationStarted(BaseModel):
    """The answer to a registration: the account exists but is inactive until verified."""

    registration: RegistrationState
    user: UserPublic
    registration_token: str = Field(
        description="shown once: send it as X-Registration-Token to verify, resend or upload"
    )
    phone_masked: str | None = Field(description="where the code went (sms only), masked")
    next_step: str


class CodeSubmit(BaseModel):
    code: str = Field(pattern=r"^[0-9]{6}$", description="the six-digit code sent by SMS")


class RegistrationPublic(RegistrationState):
    """A registration as data operators and admins review it."""

    user_id: int
    code_attempts: int
    codes_sent: int
    licence_bytes: int | None
    decided_by: str | None
    decided_at: datetime | None
    decision_note: str | None


class RegistrationsPublic(BaseModel):
    data: list[RegistrationPublic]
    count: int


class RegistrationDecision(BaseModel):
    approve: bool
    note: str = Field(min_length=2, max_length=500, description="why, for the record")


class NoticePublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    kind: str
    message: str
    created_at: datetime


class NoticesPublic(BaseModel):
    data: list[NoticePublic]
    count: int
