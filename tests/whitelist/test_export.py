"""A version as Excel: one row per member, and the joins and exits that made the version."""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from sqlmodel import Session, select

from app.applications import service as application_service
from app.applications.models import FinancingApplication
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.core.clock import to_local
from app.enterprises.models import Enterprise
from tests.whitelist_fixtures import score
from whitelist.exceptions import WhitelistVersionNotFound
from whitelist.export import CHANGE_HEADERS, MEMBER_HEADERS, SIZE_NAMES, export
from whitelist.refresh import refresh

ACTOR = SystemActor("test")
Make = Callable[..., Enterprise]


def read(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
    """Each sheet's rows below its first line, which says what the sheet shows and as of when."""
    return {title: rows[1:] for title, rows in read_all(content).items()}


def read_all(content: bytes) -> dict[str, list[tuple[Any, ...]]]:
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
    assert audited.subject_id == "2"
    assert audited.detail == {
        "members": 2,
        "changes": 3,
        "as_of": made.as_of.isoformat(),
        "current": True,
    }


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


def test_the_current_version_is_shown_as_of_the_export_without_the_firms_that_left_since(
    db: Session, qualified: Make
) -> None:
    stays, leaves = qualified(), qualified()
    published = refresh(db, actor=ACTOR).version
    assert published is not None
    withdraw(db, leaves)  # an exit at once after the refresh: no new version
    moment = published.created_at + timedelta(hours=1)

    made = export(db, number=1, actor=ACTOR, now=moment)
    sheets = read_all(made.content)

    assert made.current and made.as_of == moment and made.members == 1
    stamp = to_local(moment).strftime("%Y-%m-%d %H:%M:%S")
    note = sheets["白名单"][0][0]
    assert "第 1 版" in note and f"成员截至 {stamp}" in note and "即时退出" in note
    assert [row[0] for row in sheets["白名单"][2:]] == [stays.uscc]
    assert f"截至 {stamp}" in sheets["变动"][0][0]
    moved = {row[0]: row[2:6] for row in sheets["变动"][2:]}
    assert moved[leaves.uscc] == (
        "退出",
        "demand_withdrawn",
        "融资需求已撤回",
        "撤回融资需求（即时）",
    )


def test_an_earlier_version_says_it_is_shown_as_published(db: Session, qualified: Make) -> None:
    qualified()
    first = refresh(db, actor=ACTOR).version
    qualified()
    refresh(db, actor=ACTOR)
    assert first is not None

    made = export(db, number=1, actor=ACTOR)

    assert not made.current and made.as_of == first.created_at
    published = to_local(first.created_at).strftime("%Y-%m-%d %H:%M:%S")
    assert f"该版发布时（{published}" in read_all(made.content)["白名单"][0][0]


def test_names_that_look_like_formulas_are_text_in_the_workbook(
    db: Session, qualified: Make
) -> None:
    names = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1.00", "-2", "\t=1+1"]
    stored = [qualified(name=name).name for name in names]  # the registry trims the tab
    refresh(db, actor=ACTOR)

    content = export(db, number=1, actor=ACTOR).content

    book = load_workbook(io.BytesIO(content))
    for title in ("白名单", "变动"):
        cells = [row[1] for row in book[title].iter_rows(min_row=3)]
        assert sorted(cell.value for cell in cells) == sorted(f"'{name}" for name in stored)
        assert {cell.data_type for cell in cells} == {"s"}
