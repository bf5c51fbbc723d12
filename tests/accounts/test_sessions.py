"""Session generations: a password change or reset signs out every older token but the keeper."""

from __future__ import annotations

from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import Role
from app.core import security
from tests.factories import make_user


def test_a_token_names_its_session_and_the_principal_carries_it(db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    token = account_service.issue_token(user)
    principal = account_service.principal_from_token(db, token=token)
    claims = security.decode_access_token(token)
    assert principal is not None and claims is not None
    assert principal.session_id == claims["jti"] and claims["sv"] == user.session_version


def test_a_new_generation_refuses_older_tokens_but_the_kept_one(db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    kept, other = account_service.issue_token(user), account_service.issue_token(user)
    kept_jti = security.decode_access_token(kept)["jti"]  # type: ignore[index]
    account_service.sign_out_other_sessions(user, keep=kept_jti)
    assert account_service.principal_from_token(db, token=kept) is not None
    assert account_service.principal_from_token(db, token=other) is None
    fresh = account_service.issue_token(user)
    assert account_service.principal_from_token(db, token=fresh) is not None
    account_service.sign_out_other_sessions(user, keep=None)  # a reset keeps nobody
    assert account_service.principal_from_token(db, token=kept) is None
    assert account_service.principal_from_token(db, token=fresh) is None


def test_a_token_from_before_generations_works_until_the_first_change(db: Session) -> None:
    user = make_user(db, Role.OFFICE)
    older = security.create_access_token(subject=str(user.id), claims={"role": "office"})
    assert account_service.principal_from_token(db, token=older) is not None
    account_service.sign_out_other_sessions(user, keep=None)
    assert account_service.principal_from_token(db, token=older) is None
