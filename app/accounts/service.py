"""Rules for accounts: sign-in, users, enterprise self-registration, API keys."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlmodel import Session

from app.accounts import limits, repository
from app.accounts.exceptions import (
    ApiKeyNotFound,
    InvalidAccount,
    InvalidCredentials,
    OwnPasswordReset,
    UsernameTaken,
    UserNotFound,
    WeakPassword,
    WrongPassword,
)
from app.accounts.models import ApiKey, RevokedToken, Role, User
from app.accounts.passwords import password_problem
from app.accounts.principal import Principal
from app.accounts.schemas import ApiKeyCreate, UserCreate, UserUpdate
from app.audit import service as audit_service
from app.audit.service import Actor
from app.core import security, throttle
from app.core.clock import utcnow
from app.core.errors import PermissionDenied
from app.enterprises import service as enterprise_service
from lenders.institutions import service as lender_service

# Verifying against a real hash when the user is unknown keeps both paths equally slow.
_DUMMY_HASH = security.hash_password("timing-equaliser-not-a-password")
LAST_USED_GRANULARITY = timedelta(minutes=1)


def authenticate(session: Session, *, username: str, password: str) -> User:
    """The active user with these credentials, or InvalidCredentials."""
    user = repository.get_user_by_username(session, username.strip().lower())
    if user is None:
        security.verify_password(password, _DUMMY_HASH)
        raise InvalidCredentials("wrong username or password")
    if not security.verify_password(password, user.password_hash) or not user.is_active:
        raise InvalidCredentials("wrong username or password")
    user.last_login_at = utcnow()
    session.add(user)
    session.flush()
    return user


def principal_for_user(user: User) -> Principal:
    assert user.id is not None
    return Principal(
        kind="user",
        id=user.id,
        role=user.role,
        name=user.display_name,
        lender_id=user.lender_id,
        uscc=user.uscc,
    )


def principal_from_token(session: Session, *, token: str) -> Principal | None:
    """The caller named by a valid access token, if that user is still active."""
    claims = security.decode_access_token(token)
    if claims is None or not str(claims.get("sub", "")).isdigit():
        return None
    jti = str(claims["jti"])
    if repository.is_revoked(session, jti):
        return None
    user = repository.get_user(session, int(claims["sub"]))
    if user is None or not user.is_active or not _of_current_generation(user, claims):
        return None
    return replace(principal_for_user(user), session_id=jti)


def _of_current_generation(user: User, claims: dict[str, Any]) -> bool:
    """Issued since the user's last password change or reset, or the session that changed it."""
    generation = claims.get("sv", 0)  # tokens from before generations existed are generation 0
    return generation == user.session_version or claims["jti"] == user.session_kept_jti


def issue_token(user: User) -> str:
    return security.create_access_token(
        subject=str(user.id), claims={"role": user.role.value, "sv": user.session_version}
    )


def sign_out_other_sessions(user: User, *, keep: str | None) -> None:
    """Every access token of ``user`` stops working but the session ``keep`` (a jti), if given.

    A new generation rather than a row per token: tokens are not recorded when issued, so the
    ones to refuse are "all issued before now", and only the keeper is named."""
    user.session_version += 1
    user.session_kept_jti = keep


def revoke_token(session: Session, *, token: str) -> bool:
    """Sign a token out until it expires, and prune revocations that expired; False if invalid."""
    claims = security.decode_access_token(token)
    if claims is None or not str(claims.get("sub", "")).isdigit():
        return False
    now = utcnow()
    repository.prune_revocations(session, expired_before=now)
    repository.add_revocation(
        session,
        RevokedToken(
            jti=str(claims["jti"]),
            user_id=int(claims["sub"]),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), tz=UTC),
            revoked_at=now,
        ),
    )
    return True


def check_new_password(session: Session, *, user_id: int, new: str) -> None:
    """Refuse a new password the policy refuses (before any attempt at the current one counts)."""
    user = get_user(session, user_id=user_id)
    if problem := password_problem(new, username=user.username):
        raise WeakPassword(problem, field="new_password")


def change_own_password(
    session: Session, principal: Principal, *, current: str, new: str, address: str
) -> None:
    """The caller changes its own password (page and API alike): people only, the policy
    first, then the check of the current password, throttled per user name and address as a
    sign-in is, so a stolen session cannot guess it."""
    if principal.kind != "user":
        raise PermissionDenied("系统接口密钥没有密码")
    check_new_password(session, user_id=principal.id, new=new)
    username = get_user(session, user_id=principal.id).username
    guards, resets = limits.login_guards(username=username, address=address)
    with throttle.counting_failures(session, guards=guards, reset_on_success=resets):
        change_password(
            session,
            user_id=principal.id,
            current=current,
            new=new,
            actor=principal,
            keep_session=principal.session_id,
        )


def change_password(
    session: Session,
    *,
    user_id: int,
    current: str,
    new: str,
    actor: Actor,
    keep_session: str | None = None,
) -> User:
    """The user replaces its own password, proving it knows the current one; its other
    sessions are signed out (all but ``keep_session``, the one making the change); audited."""
    check_new_password(session, user_id=user_id, new=new)
    user = get_user(session, user_id=user_id)
    if not security.verify_password(current, user.password_hash):
        raise WrongPassword("当前密码不正确", field="current_password")
    if security.verify_password(new, user.password_hash):
        raise WeakPassword("新密码不能与当前密码相同", field="new_password")
    user.password_hash = security.hash_password(new)
    sign_out_other_sessions(user, keep=keep_session)
    session.add(user)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="user.password_change",
        subject_type="user",
        subject_id=user_id,
        detail={"other_sessions_signed_out": True},
    )
    return user


def reset_password(session: Session, *, user_id: int, actor: Principal) -> tuple[User, str]:
    """An administrator gives ``user_id`` a new random password, returned here once and never
    stored or logged in clear; every session of that user is signed out. Audited. Not one's
    own: the administrator changes its own password as everyone does, knowing the current one."""
    if actor.kind == "user" and actor.id == user_id:
        raise OwnPasswordReset("请在“修改密码”页面修改自己的密码")
    user = get_user(session, user_id=user_id)
    temporary = temporary_password(username=user.username)
    user.password_hash = security.hash_password(temporary)
    sign_out_other_sessions(user, keep=None)
    session.add(user)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="user.password_reset",
        subject_type="user",
        subject_id=user_id,
        detail={"sessions_signed_out": True},
    )
    return user, temporary


def temporary_password(*, username: str) -> str:
    """A random password the policy accepts (16 URL-safe characters, about 96 bits)."""
    while True:
        candidate = secrets.token_urlsafe(12)
        if password_problem(candidate, username=username) is None:
            return candidate


def create_user(session: Session, *, data: UserCreate, actor: Actor) -> User:
    """Create a user whose binding (enterprise, lender) fits its role."""
    _check_binding(session, data)
    if repository.get_user_by_username(session, data.username) is not None:
        raise UsernameTaken(f"username {data.username!r} is taken")
    user = User(
        username=data.username,
        display_name=data.display_name,
        role=data.role,
        password_hash=security.hash_password(data.password),
        uscc=data.uscc,
        lender_id=data.lender_id,
    )
    session.add(user)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="user.create",
        subject_type="user",
        subject_id=user.id or 0,
        detail={"role": data.role.value, "username": data.username},
    )
    return user


def _check_binding(session: Session, data: UserCreate) -> None:
    if data.role is Role.LENDER_CLIENT:
        raise InvalidAccount("lender systems authenticate with API keys; create a key instead")
    if data.role is Role.ENTERPRISE:
        if not data.uscc or data.lender_id is not None:
            raise InvalidAccount("an enterprise user is bound to a USCC and to no lender")
        enterprise_service.get(session, code=data.uscc)
    elif data.role is Role.LENDER_USER:
        if data.lender_id is None or data.uscc:
            raise InvalidAccount("a lender user is bound to a lender and to no USCC")
        lender_service.get(session, lender_id=data.lender_id)
    elif data.uscc or data.lender_id is not None:
        raise InvalidAccount(f"a {data.role.value} user is bound to no enterprise or lender")


def get_user(session: Session, *, user_id: int) -> User:
    user = repository.get_user(session, user_id)
    if user is None:
        raise UserNotFound(f"user {user_id} does not exist")
    return user


def list_users(session: Session, *, offset: int, limit: int) -> tuple[Sequence[User], int]:
    return repository.user_page(session, offset=offset, limit=limit)


def update_user(session: Session, *, user_id: int, data: UserUpdate, actor: Actor) -> User:
    """Rename or (de)activate a user; deactivation takes effect on the user's next request."""
    user = get_user(session, user_id=user_id)
    changes = data.model_dump(exclude_unset=True, exclude_none=True)
    for field, value in changes.items():
        setattr(user, field, value)
    session.add(user)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="user.update",
        subject_type="user",
        subject_id=user_id,
        detail=changes,
    )
    return user


def create_api_key(
    session: Session, *, lender_id: int, data: ApiKeyCreate, actor: Actor
) -> tuple[ApiKey, str]:
    """A new key for the lender; the clear key is returned here and never again."""
    lender_service.get(session, lender_id=lender_id)
    if data.expires_at is not None and data.expires_at <= utcnow():
        raise InvalidAccount("expires_at must be in the future")
    key, prefix = security.new_api_key()
    api_key = ApiKey(
        lender_id=lender_id,
        name=data.name,
        prefix=prefix,
        digest=security.digest_api_key(key),
        created_by=actor.ref,
        expires_at=data.expires_at,
    )
    session.add(api_key)
    session.flush()
    audit_service.record(
        session,
        actor=actor,
        action="api_key.create",
        subject_type="api_key",
        subject_id=api_key.id or 0,
        detail={"lender_id": lender_id, "prefix": prefix},
    )
    return api_key, key


def get_api_key(session: Session, *, lender_id: int, key_id: int) -> ApiKey:
    """The lender's key with this id; another lender's key is reported as missing."""
    api_key = repository.get_api_key(session, key_id)
    if api_key is None or api_key.lender_id != lender_id:
        raise ApiKeyNotFound(f"API key {key_id} does not exist for lender {lender_id}")
    return api_key


def list_api_keys(session: Session, *, lender_id: int) -> Sequence[ApiKey]:
    return repository.api_keys_of(session, lender_id)


def revoke_api_key(session: Session, *, lender_id: int, key_id: int, actor: Actor) -> ApiKey:
    """Revoke a key at once; revoking twice keeps the first revocation time."""
    api_key = get_api_key(session, lender_id=lender_id, key_id=key_id)
    if api_key.revoked_at is None:
        api_key.revoked_at = utcnow()
        session.add(api_key)
        session.flush()
        audit_service.record(
            session,
            actor=actor,
            action="api_key.revoke",
            subject_type="api_key",
            subject_id=key_id,
            detail={"lender_id": lender_id},
        )
    return api_key


def principal_from_api_key(session: Session, *, key: str) -> Principal | None:
    """The lender system holding ``key``, if the key is known, unrevoked and unexpired."""
    prefix = security.split_api_key(key)
    if prefix is None:
        return None
    api_key = repository.get_api_key_by_prefix(session, prefix)
    if api_key is None or not security.constant_time_equals(
        security.digest_api_key(key), api_key.digest
    ):
        return None
    now = utcnow()
    if api_key.revoked_at is not None or (api_key.expires_at and api_key.expires_at <= now):
        return None
    lender = lender_service.get(session, lender_id=api_key.lender_id)
    if not lender.is_active:
        return None
    if api_key.last_used_at is None or now - api_key.last_used_at > LAST_USED_GRANULARITY:
        api_key.last_used_at = now
        session.add(api_key)
    assert api_key.id is not None
    return Principal(
        kind="api_key",
        id=api_key.id,
        role=Role.LENDER_CLIENT,
        name=f"{lender.name} / {api_key.name}",
        lender_id=lender.id,
    )


def actor_names(session: Session, refs: Sequence[str]) -> dict[str, str]:
    """What a person reads for each audit actor (``user:12``, ``api_key:3``): the user's name
    and, for a bank's user or system, the bank's name; unknown refs name themselves."""
    names: dict[str, str] = {}
    for ref in dict.fromkeys(refs):
        kind, _, ident = ref.partition(":")
        names[ref] = _actor_name(session, kind, ident) or ref
    return names


def _actor_name(session: Session, kind: str, ident: str) -> str | None:
    if not ident.isdigit():
        return None
    lender_id, name = None, None
    if kind == "user" and (user := repository.get_user(session, int(ident))) is not None:
        lender_id, name = user.lender_id, user.display_name
    elif kind == "api_key" and (key := repository.get_api_key(session, int(ident))) is not None:
        lender_id, name = key.lender_id, f"系统接口（{key.name}）"
    if name is None or lender_id is None:
        return name
    return f"{lender_service.get(session, lender_id=lender_id).name} · {name}"
