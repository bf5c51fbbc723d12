"""Dependencies named once: the session, the caller, role gates and load-or-404 with ownership."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any, TypeVar

from fastapi import Depends, Path, Query, Request
from fastapi.security import APIKeyHeader, OAuth2PasswordBearer
from sqlmodel import Session

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.params import PathId
from app.consent import service as consent_service
from app.core.db import new_session
from app.core.errors import NotAuthenticated, PermissionDenied
from app.enterprises import service as enterprise_service
from app.enterprises import uscc as uscc_rules
from app.enterprises.exceptions import EnterpriseNotFound
from app.enterprises.models import Enterprise
from lenders.institutions import service as lender_service
from lenders.institutions.exceptions import LenderNotFound
from lenders.institutions.models import Lender

SESSION_COOKIE = "xyd_session"
oauth2_scheme = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)
api_key_scheme = APIKeyHeader(name="X-API-Key", auto_error=False)


READ_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_READS_FIRST_ATTRIBUTE = "_xyd_reads_first"
Endpoint = TypeVar("Endpoint", bound=Callable[..., Any])


def reads_first(endpoint: Endpoint) -> Endpoint:
    """Mark a write route whose slow part only reads (a login checking a password).

    Its session takes SQLite's write lock at its first write, not at its first read; use it
    only where what is written does not depend on reads another writer could change.
    """
    setattr(endpoint, _READS_FIRST_ATTRIBUTE, True)
    return endpoint


def _reads_first(request: Request) -> bool:
    if request.method in READ_METHODS:
        return True
    endpoint = request.scope.get("endpoint")  # set by the router before dependencies run
    return bool(getattr(endpoint, _READS_FIRST_ATTRIBUTE, False))


def get_session(request: Request) -> Iterator[Session]:
    """One transaction per request: commit before the response is sent, roll back on error.

    Reads (GET and HEAD, and routes marked ``reads_first``) do not take SQLite's write lock
    until they write, so they never wait behind another request's writes.
    """
    session = new_session(reads_first=_reads_first(request))
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


# scope="function" runs the commit before the response leaves, so a failed commit is a 500.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal:
    """The caller, from an API key, a bearer token or the pages' session cookie."""
    principal: Principal | None = None
    if api_key:
        principal = account_service.principal_from_api_key(session, key=api_key)
    elif token:
        principal = account_service.principal_from_token(session, token=token)
    elif cookie := request.cookies.get(SESSION_COOKIE):
        principal = account_service.principal_from_token(session, token=cookie)
    if principal is None:
        raise NotAuthenticated("sign in, or send a valid bearer token or X-API-Key")
    return principal


CurrentPrincipal = Annotated[Principal, Depends(get_principal)]


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that lets only ``roles`` through; everyone else gets 403."""

    def check(principal: CurrentPrincipal) -> Principal:
        if principal.role not in roles:
            raise PermissionDenied(f"role {principal.role.value} may not use this route")
        return principal

    return check


AdminPrincipal = Annotated[Principal, Depends(require_roles(Role.ADMIN))]
OfficePrincipal = Annotated[Principal, Depends(require_roles(Role.OFFICE, Role.ADMIN))]
RegistryReader = Annotated[
    Principal, Depends(require_roles(Role.OFFICE, Role.ADMIN, Role.DATA_OPERATOR))
]
DataOperatorPrincipal = Annotated[Principal, Depends(require_roles(Role.DATA_OPERATOR, Role.ADMIN))]
LenderAdminPrincipal = Annotated[Principal, Depends(require_roles(Role.LENDER_USER, Role.ADMIN))]


def get_visible_lender(
    session: SessionDep, principal: CurrentPrincipal, lender_id: PathId
) -> Lender:
    """A lender the caller may see: staff see all, a lender's users and systems only their own."""
    if principal.role in (Role.ENTERPRISE, Role.DATA_OPERATOR):
        raise PermissionDenied(f"role {principal.role.value} may not read lenders")
    if principal.role not in (Role.ADMIN, Role.OFFICE) and not principal.is_lender(lender_id):
        raise LenderNotFound(f"lender {lender_id} does not exist")
    return lender_service.get(session, lender_id=lender_id)


def get_managed_lender(
    session: SessionDep, principal: LenderAdminPrincipal, lender_id: PathId
) -> Lender:
    """A lender whose keys the caller may manage: admins, or that lender's own users."""
    if principal.role is not Role.ADMIN and not principal.is_lender(lender_id):
        raise LenderNotFound(f"lender {lender_id} does not exist")
    return lender_service.get(session, lender_id=lender_id)


CurrentLender = Annotated[Lender, Depends(get_visible_lender)]
ManagedLender = Annotated[Lender, Depends(get_managed_lender)]


def get_optional_principal(
    request: Request,
    session: SessionDep,
    token: Annotated[str | None, Depends(oauth2_scheme)],
    api_key: Annotated[str | None, Depends(api_key_scheme)],
) -> Principal | None:
    """The caller if it sent credentials (bad ones are still 401), None when anonymous."""
    if not (api_key or token or request.cookies.get(SESSION_COOKIE)):
        return None
    return get_principal(request, session, token, api_key)


OptionalPrincipal = Annotated[Principal | None, Depends(get_optional_principal)]


LENDER_ROLES = frozenset({Role.LENDER_USER, Role.LENDER_CLIENT})


def get_visible_enterprise(
    session: SessionDep, principal: CurrentPrincipal, uscc: Annotated[str, Path()]
) -> Enterprise:
    """An enterprise the caller may read: registry staff, or the enterprise itself."""
    code = uscc_rules.normalize(uscc)
    if principal.role in LENDER_ROLES:
        # Lenders read enterprise data only through leads under an authorization (SPEC §9).
        raise PermissionDenied("lenders read enterprise data through authorized leads")
    if principal.role is Role.ENTERPRISE and not principal.is_enterprise(code):
        raise EnterpriseNotFound(f"enterprise {code} is not in the registry")
    return enterprise_service.get(session, code=code)


CurrentEnterprise = Annotated[Enterprise, Depends(get_visible_enterprise)]


def get_own_enterprise(
    session: SessionDep, principal: CurrentPrincipal, uscc: Annotated[str, Path()]
) -> Enterprise:
    """The caller's own enterprise: only its bound users act for it (grant, revoke)."""
    code = uscc_rules.normalize(uscc)
    if principal.role is not Role.ENTERPRISE:
        raise PermissionDenied("only the enterprise itself may do this")
    if not principal.is_enterprise(code):
        raise EnterpriseNotFound(f"enterprise {code} is not in the registry")
    return enterprise_service.get(session, code=code)


OwnEnterprise = Annotated[Enterprise, Depends(get_own_enterprise)]


DATA_READERS = frozenset(
    {Role.OFFICE, Role.ADMIN, Role.DATA_OPERATOR, Role.LENDER_USER, Role.LENDER_CLIENT}
)


def enterprise_data(
    what: str, *, readers: frozenset[Role] = DATA_READERS
) -> Callable[..., Enterprise]:
    """Load an enterprise whose ``what`` the caller reads: consent-checked and audited (§9).

    The enterprise reads its own; another enterprise gets 404; other roles must be among
    ``readers``; a bank needs an authorization covering it (403 ``consent_required``
    otherwise); every read by someone other than the enterprise is written down.
    """

    def load(
        session: SessionDep, principal: CurrentPrincipal, uscc: Annotated[str, Path()]
    ) -> Enterprise:
        code = uscc_rules.normalize(uscc)
        if principal.role is Role.ENTERPRISE and not principal.is_enterprise(code):
            raise EnterpriseNotFound(f"enterprise {code} is not in the registry")
        if principal.role is not Role.ENTERPRISE and principal.role not in readers:
            raise PermissionDenied(f"this role may not read an enterprise's {what}")
        if principal.role in LENDER_ROLES:
            # Consent before the lookup: without a grant a bank gets the same 403 for a
            # registered firm and an unknown code, so the registry is no oracle for guessing.
            consent_service.authorize_read(session, uscc=code, reader=principal, what=what)
            return enterprise_service.get(session, code=code)
        enterprise = enterprise_service.get(session, code=code)
        consent_service.authorize_read(session, uscc=code, reader=principal, what=what)
        return enterprise

    return load


class Page:
    """Paging parameters shared by every list route."""

    def __init__(
        self,
        offset: Annotated[int, Query(ge=0, le=10_000_000)] = 0,
        limit: Annotated[int, Query(ge=1, le=500)] = 50,
    ) -> None:
        self.offset = offset
        self.limit = limit


PageDep = Annotated[Page, Depends()]
