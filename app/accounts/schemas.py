"""What crosses the boundary for accounts."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import AfterValidator, AwareDatetime, BaseModel, ConfigDict, Field, ValidationInfo

from app.accounts.models import Role
from app.accounts.passwords import MAX_LENGTH, MIN_LENGTH, password_problem
from app.core.ids import RowId

USERNAME_PATTERN = r"^[a-z0-9][a-z0-9_.-]{2,63}$"
# Lengths are checked by the policy (Chinese messages); the schema still documents them.
PASSWORD_SCHEMA = {"minLength": MIN_LENGTH, "maxLength": MAX_LENGTH}


def _check_password(password: str, info: ValidationInfo) -> str:
    if problem := password_problem(password, username=info.data.get("username")):
        raise ValueError(problem)
    return password


Password = Annotated[str, AfterValidator(_check_password), Field(json_schema_extra=PASSWORD_SCHEMA)]


class UserCreate(BaseModel):
    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str = Field(min_length=1, max_length=100)
    password: Password
    role: Role
    # Exactly 18 characters when given: an empty string is not "no enterprise" (that is null).
    uscc: str | None = Field(default=None, min_length=18, max_length=18)
    lender_id: RowId | None = None


class EnterpriseSignup(BaseModel):
    """Self-registration: the enterprise proves itself with its code and legal representative."""

    uscc: str = Field(min_length=18, max_length=18)
    legal_representative: str = Field(min_length=1, max_length=64)
    username: str = Field(pattern=USERNAME_PATTERN)
    display_name: str = Field(min_length=1, max_length=100)
    password: Password


class UserPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    username: str
    display_name: str
    role: Role
    is_active: bool
    uscc: str | None
    lender_id: int | None
    created_at: datetime
    last_login_at: datetime | None


class UsersPublic(BaseModel):
    data: list[UserPublic]
    count: int


class UserUpdate(BaseModel):
    display_name: str | None = Field(default=None, min_length=1, max_length=100)
    is_active: bool | None = None


class Token(BaseModel):
    access_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class ApiKeyCreate(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    # With its offset (…+08:00 or …Z): a bare time would be read in whichever zone guessed.
    expires_at: AwareDatetime | None = None


class ApiKeyPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    lender_id: int
    name: str
    prefix: str
    created_by: str
    created_at: datetime
    expires_at: datetime | None
    revoked_at: datetime | None
    last_used_at: datetime | None


class ApiKeyCreated(ApiKeyPublic):
    key: str = Field(description="shown once; store it now, the platform keeps only a digest")


class ApiKeysPublic(BaseModel):
    data: list[ApiKeyPublic]
    count: int


class PrincipalPublic(BaseModel):
    kind: str
    id: int
    role: Role
    name: str
    lender_id: int | None
    uscc: str | None


class PasswordChange(BaseModel):
    """The caller's own new password, with the current one as proof."""

    current_password: str = Field(min_length=1, max_length=MAX_LENGTH)
    new_password: str = Field(min_length=1, max_length=MAX_LENGTH)


class PasswordResetPublic(BaseModel):
    """An administrator's reset: the temporary password is in this answer and nowhere else."""

    user_id: int
    temporary_password: str = Field(
        description="shown once; hand it to the person, who should change it after signing in"
    )
