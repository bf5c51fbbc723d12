"""金融办's whitelist pages: the policy in force and its versions, the whitelist's versions,
each version's joins and exits and members, and its Excel export (the API route, which accepts
the pages' session cookie). Each page calls the service its API route calls."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep
from app.api.params import PathId
from app.enterprises import service as enterprise_service
from app.pages.rendering import render
from app.pages.viewer import role_required
from whitelist import policy as policy_service
from whitelist import service as whitelist_service
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


@router.get("/policy", response_class=HTMLResponse)
def current_policy(request: Request, session: SessionDep, viewer: OfficeViewer) -> HTMLResponse:
    """白名单政策: the thresholds in force, and every earlier version below them."""
    return render(
        request,
        "office/policy.html",
        viewer,
        policy=policy_service.current(session),
        history=policy_service.history(session),
        list_names=LIST_NAMES,
    )


@router.get("/versions", response_class=HTMLResponse)
def versions(
    request: Request, session: SessionDep, viewer: OfficeViewer, page: PageDep
) -> HTMLResponse:
    rows, total = whitelist_service.versions(session, offset=page.offset, limit=page.limit)
    return render(request, "office/versions.html", viewer, rows=rows, total=total, page=page)


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
