"""User administration (admin only)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from app.accounts import service as account_service
from app.accounts.schemas import (
    PasswordResetPublic,
    UserCreate,
    UserPublic,
    UsersPublic,
    UserUpdate,
)
from app.api.deps import AdminPrincipal, PageDep, SessionDep
from app.api.params import PathId
from app.api.problems import problem_schema

router = APIRouter(prefix="/users", tags=["users"])


@router.post(
    "",
    response_model=UserPublic,
    status_code=201,
    responses={409: problem_schema("username_taken"), 422: problem_schema("invalid_account")},
)
def create_user(session: SessionDep, principal: AdminPrincipal, data: UserCreate) -> UserPublic:
    """Create an account of any role; enterprise and lender users name what they are bound to."""
    return UserPublic.model_validate(
        account_service.create_user(session, data=data, actor=principal)
    )


@router.get("", response_model=UsersPublic)
def list_users(session: SessionDep, _: AdminPrincipal, page: PageDep) -> UsersPublic:
    rows, total = account_service.list_users(session, offset=page.offset, limit=page.limit)
    return UsersPublic(data=[UserPublic.model_validate(u) for u in rows], count=total)


@router.get(
    "/{user_id}", response_model=UserPublic, responses={404: problem_schema("user_not_found")}
)
def read_user(session: SessionDep, _: AdminPrincipal, user_id: PathId) -> UserPublic:
    return UserPublic.model_validate(account_service.get_user(session, user_id=user_id))


@router.patch(
    "/{user_id}", response_model=UserPublic, responses={404: problem_schema("user_not_found")}
)
def update_user(
    session: SessionDep, principal: AdminPrincipal, user_id: PathId, data: UserUpdate
) -> UserPublic:
    """Rename or (de)activate a user."""
    user = account_service.update_user(session, user_id=user_id, data=data, actor=principal)
    return UserPublic.model_validate(user)


@router.post(
    "/{user_id}/password-reset",
    response_model=PasswordResetPublic,
    responses={
        404: problem_schema("user_not_found"),
        409: problem_schema("own_password_reset"),
    },
)
def reset_password(
    session: SessionDep, principal: AdminPrincipal, user_id: PathId, response: Response
) -> PasswordResetPublic:
    """A new random password for the user, shown in this answer once; every session of the
    user is signed out. Audited (never the password). Not the caller's own account."""
    user, temporary = account_service.reset_password(session, user_id=user_id, actor=principal)
    response.headers["Cache-Control"] = "no-store"
    assert user.id is not None
    return PasswordResetPublic(user_id=user.id, temporary_password=temporary)
