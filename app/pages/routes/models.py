"""模型管理 (the model registry): the versions with their cards for the office and admin, and
the audited promotion of a champion for the admin, through the registry service the API
routes (``app/api/routes/models.py``) call."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from app.accounts import service as account_service
from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import SessionDep
from app.pages.csrf import CsrfChecked
from app.pages.rendering import render
from app.pages.viewer import role_required
from scoring.registry import service as registry_service

router = APIRouter(prefix="/models")
# The data sets a platform-trained version is measured on (scoring.training.pipeline).
METRIC_SETS = {"train": "训练集", "valid": "验证集", "test": "测试集（跨期）"}
ModelReader = Annotated[
    Principal,
    Depends(role_required(Role.OFFICE, Role.ADMIN, refusal="只有金融办和管理员可以查看评分模型")),
]
ModelAdmin = Annotated[
    Principal, Depends(role_required(Role.ADMIN, refusal="只有管理员可以启用评分模型"))
]


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def metric_rows(metrics: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The card's metrics, one row per data set: the platform's own training records them by
    set (train, valid, test, as the model card does); a version recording flat figures has
    one row of its numbers."""
    by_set = [(METRIC_SETS.get(key, key), v) for key, v in metrics.items() if isinstance(v, dict)]
    if by_set:
        return by_set
    flat = {key: value for key, value in metrics.items() if _number(value)}
    return [("全部", flat)] if flat else []


def headline_auc(metrics: dict[str, Any]) -> float | None:
    """The AUC a version is compared by: its out-of-time test set's, else its only one."""
    test = metrics.get("test")
    value: Any = test.get("auc") if isinstance(test, dict) else metrics.get("auc")
    return float(value) if _number(value) else None


@router.get("", response_class=HTMLResponse)
def models(request: Request, session: SessionDep, viewer: ModelReader) -> HTMLResponse:
    rows = registry_service.list_all(session)
    return render(request, "models/list.html", viewer, rows=rows, auc=headline_auc)


@router.get("/{name}", response_class=HTMLResponse)
def model(request: Request, session: SessionDep, viewer: ModelReader, name: str) -> HTMLResponse:
    version = registry_service.get(session, name=name)
    promoter = ""
    if version.promoted_by:  # the audit ref (user:1) read as the person's name
        promoter = account_service.actor_names(session, [version.promoted_by])[version.promoted_by]
    return render(
        request, "models/detail.html", viewer, m=version, metrics=metric_rows(version.metrics),
        promoter=promoter,
    )  # fmt: skip


@router.post("/{name}/promote", response_model=None, dependencies=[CsrfChecked])
def promote(session: SessionDep, viewer: ModelAdmin, name: str) -> Response:
    """The admin makes this version the champion; the previous one steps down (audited)."""
    registry_service.promote(session, name=name, actor=viewer)
    return RedirectResponse(f"/models/{name}", status_code=303)
