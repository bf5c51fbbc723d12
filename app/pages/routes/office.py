"""金融办's whitelist pages: the policy in force and its versions with the form that changes it,
the refresh button, the whitelist's versions, each version's joins and exits and members, and
its Excel export (the API route, which accepts the pages' session cookie). Each page calls the
service its API route (``app/api/routes/whitelist.py``) calls."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import Page, PageDep, SessionDep
from app.api.params import PathId
from app.api.problems import status_of
from app.core.errors import DomainError
from app.core.ids import MAX_ID
from app.enterprises import service as enterprise_service
from app.pages import forms, messages
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from whitelist import policy as policy_service
from whitelist import service as whitelist_service
from whitelist.models import DISQUALIFYING_LISTS, WhitelistPolicy
from whitelist.policy import GRADES, PolicyChange
from whitelist.refresh import refresh as run_refresh
from whitelist.rules import LIST_NAMES, REASONS

router = APIRouter(prefix="/whitelist")
OfficeViewer = Annotated[
    Principal,
    Depends(role_required(Role.OFFICE, Role.ADMIN, refusal="只有金融办和管理员可以查看白名单")),
]
KIND_LABELS = {"join": "入选", "exit": "退出"}
TRIGGER_LABELS = {
    "refresh": "定期刷新",
    "credit_event": "信用事件",
    "registry": "登记状态变化",
    "consent": "授权变化",
    "withdrawal": "撤回需求",
    "expiry": "需求过期",
}


NUMBER_FIELDS = ("min_operating_months", "demand_window_days")
CHOICE_FIELDS = ("allowed_grades", "disqualifying_lists")
# The number a redirect names for its notice; a hand-made one is bounded like any id.
Flash = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _form_of(policy: WhitelistPolicy) -> dict[str, Any]:
    """The change form prefilled with the policy in force (the reason starts empty)."""
    return {
        "min_operating_months": str(policy.min_operating_months),
        "demand_window_days": str(policy.demand_window_days),
        "allowed_grades": list(policy.allowed_grades),
        "disqualifying_lists": list(policy.disqualifying_lists),
        "note": "",
    }


def _policy_page(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    *,
    values: dict[str, Any] | None = None,
    errors: dict[str, str] | None = None,
    status: int = 200,
    changed: int | None = None,
) -> HTMLResponse:
    policy = policy_service.current(session)
    return render(
        request,
        "office/policy.html",
        viewer,
        status=status,
        policy=policy,
        history=policy_service.history(session),
        list_names=LIST_NAMES,
        grades=GRADES,
        lists=DISQUALIFYING_LISTS,
        values=values or _form_of(policy),
        errors=errors or {},
        changed=changed,
    )


@router.get("/policy", response_class=HTMLResponse)
def current_policy(
    request: Request, session: SessionDep, viewer: OfficeViewer, changed: Flash = None
) -> HTMLResponse:
    """白名单政策: the thresholds in force, the form to change them, and every earlier version."""
    return _policy_page(request, session, viewer, changed=changed)


@router.post("/policy", response_model=None, dependencies=[CsrfChecked])
async def change_policy(request: Request, session: SessionDep, viewer: OfficeViewer) -> Response:
    """A new policy version, as ``POST /api/v1/whitelist/policies``; audited by the service.

    Every field is sent (the form is prefilled), so a blank number is a mistake, not "keep",
    and no box ticked under 不得列入 means no list bars anyone."""
    form = await request.form()
    values: dict[str, Any] = {name: str(form.get(name, "")).strip() for name in NUMBER_FIELDS}
    values["note"] = str(form.get("note", "")).strip()
    for name in CHOICE_FIELDS:
        values[name] = [str(item) for item in form.getlist(name)]
    data, errors = forms.parse(PolicyChange, values)
    blank = {name: "请填写此项" for name in NUMBER_FIELDS if not values[name]}
    if data is None or blank:
        errors = {**errors, **blank}
        return _policy_page(request, session, viewer, values=values, errors=errors, status=422)
    row = policy_service.change(session, data=data, actor=viewer)
    return RedirectResponse(f"/whitelist/policy?changed={row.version}", status_code=303)


@router.post("/refresh", response_model=None, dependencies=[CsrfChecked])
def refresh_now(request: Request, session: SessionDep, viewer: OfficeViewer) -> Response:
    """刷新白名单, as ``POST /api/v1/whitelist/refresh``: a new version when anyone joins or
    exits (audited by the service); a refusal is told on the versions page."""
    try:
        result = run_refresh(session, actor=viewer)
    except DomainError as error:
        session.rollback()
        return _versions_page(
            request, session, viewer, Page(), error=messages.for_error(error),
            status=status_of(error),
        )  # fmt: skip
    assert result.version is not None  # a refresh that judged anyone leaves a version
    outcome = "refreshed" if result.changed else "unchanged"
    return RedirectResponse(
        f"/whitelist/versions?{outcome}={result.version.number}", status_code=303
    )


def _versions_page(
    request: Request,
    session: SessionDep,
    viewer: Principal,
    page: Page,
    *,
    error: str | None = None,
    status: int = 200,
    refreshed: int | None = None,
    unchanged: int | None = None,
) -> HTMLResponse:
    rows, total = whitelist_service.versions(session, offset=page.offset, limit=page.limit)
    return render(
        request, "office/versions.html", viewer, status=status, rows=rows, total=total,
        page=page, error=error, refreshed=refreshed, unchanged=unchanged,
    )  # fmt: skip


@router.get("/versions", response_class=HTMLResponse)
def versions(
    request: Request,
    session: SessionDep,
    viewer: OfficeViewer,
    page: PageDep,
    refreshed: Flash = None,
    unchanged: Flash = None,
) -> HTMLResponse:
    """白名单版本, newest first, with the 刷新白名单 button and what the last refresh did."""
    return _versions_page(request, session, viewer, page, refreshed=refreshed, unchanged=unchanged)


@router.get("/versions/{number}", response_class=HTMLResponse)
def version_changes(
    request: Request,
    session: SessionDep,
    viewer: OfficeViewer,
    number: PathId,
    page: PageDep,
    kind: Annotated[Literal["join", "exit"] | None, Query()] = None,
) -> HTMLResponse:
    """One version: its numbers, its joins and exits with the reasons in Chinese."""
    version = whitelist_service.version(session, number=number)
    rows, total = whitelist_service.changes(
        session, number=number, kind=kind, offset=page.offset, limit=page.limit
    )
    return render(
        request,
        "office/version.html",
        viewer,
        version=version,
        rows=rows,
        total=total,
        page=page,
        kind=kind,
        query=f"&kind={kind}" if kind else "",
        reasons=REASONS,
        kind_labels=KIND_LABELS,
        trigger_labels=TRIGGER_LABELS,
    )


@router.get("/versions/{number}/members", response_class=HTMLResponse)
def version_members(
    request: Request, session: SessionDep, viewer: OfficeViewer, number: PathId, page: PageDep
) -> HTMLResponse:
    """Who was on the list as the version left it, a page at a time."""
    version = whitelist_service.version(session, number=number)
    members = whitelist_service.members_of(session, number=number)
    shown = members[page.offset : page.offset + page.limit]
    return render(
        request,
        "office/members.html",
        viewer,
        version=version,
        rows=shown,
        names=enterprise_service.names(session, codes=shown),
        total=len(members),
        page=page,
    )
