"""A version as Excel: one row per member, and the joins and exits that made the version."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.enterprises.models import Enterprise
from tests.whitelist_fixtures import score
from whitelist.exceptions import WhitelistVersionNotFound
from whitelist.export import CHANGE_HEADERS, MEMBER_HEADERS, SIZE_NAMES, export
from whitelist.refresh import refresh

ACTOR = SystemActor("test")
Make = Callable[..., Enterprise]


def read(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}


def withdraw(db: Session, firm: Enterprise) -> None:
    application = db.exec(
        select(FinancingApplication).where(FinancingApplication.uscc == firm.uscc)
    ).one()
    application_service.withdraw(db, application=application, actor=ACTOR, reason="不再需要")


def test_members_with_their_grade_and_joining_version_and_the_changes_since_the_last(
    db: Session, qualified: Make
) -> None:
    stays = qualified(industry_section="C", industry_division="13")
    withdraws, downgraded = qualified(), qualified()
    qualified(grade="C")  # never on the list
    refresh(db, actor=ACTOR)
    withdraw(db, withdraws)  # leaves at once, between the versions
    score(db, downgraded.uscc, "C")  # leaves at the next refresh
    newcomer = qualified()
    second = refresh(db, actor=ACTOR).version
    assert second is not None and second.number == 2

    made = export(db, number=2, actor=ACTOR)
    sheets = read(made.content)

    assert made.filename == "whitelist-v2.xlsx" and list(sheets) == ["白名单", "变动"]
    members = sheets["白名单"]
    assert members[0] == MEMBER_HEADERS
    rows = {row[0]: row for row in members[1:]}
    assert set(rows) == {stays.uscc, newcomer.uscc} and made.members == 2
    assert rows[stays.uscc] == (
        stays.uscc,
        stays.name,
        "330502",
        "C 制造业",
        SIZE_NAMES[str(stays.size_class)],
        "A",
        1,
    )
    assert rows[newcomer.uscc][5:] == ("A", 2)
    changes = sheets["变动"]
    assert changes[0] == CHANGE_HEADERS
    moved = {row[0]: row for row in changes[1:]}
    assert set(moved) == {withdraws.uscc, downgraded.uscc, newcomer.uscc}
    assert moved[withdraws.uscc][2:6] == (
        "退出",
        "demand_withdrawn",
        "融资需求已撤回",
        "撤回融资需求（即时）",
    )
    assert moved[downgraded.uscc][2:6] == ("退出", "grade", "信用等级未达要求", "定期刷新")
    assert moved[newcomer.uscc][2:4] == ("加入", None)
    audited = db.exec(select(AuditEvent).where(AuditEvent.action == "whitelist.exported")).one()
    assert audited.subject_id == "2" and audited.detail == {"members": 2, "changes": 3}


def test_an_earlier_version_shows_its_own_members_and_the_grade_they_had_then(
    db: Session, qualified: Make
) -> None:
    first, later_downgraded = qualified(), qualified()
    refresh(db, actor=ACTOR)
    score(db, later_downgraded.uscc, "C")
    refresh(db, actor=ACTOR)

    sheets = read(export(db, number=1, actor=ACTOR).content)

    rows = {row[0]: row for row in sheets["白名单"][1:]}
    assert set(rows) == {first.uscc, later_downgraded.uscc}
    assert rows[later_downgraded.uscc][5:] == ("A", 1)  # not the C it was given after v1
    assert [row[2] for row in sheets["变动"][1:]] == ["加入", "加入"]


def test_an_unknown_version_is_not_found(db: Session) -> None:
    with pytest.raises(WhitelistVersionNotFound):
        export(db, number=99, actor=ACTOR)
