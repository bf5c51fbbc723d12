"""A whitelist version as an Excel workbook: who is on it, and what changed to make it.

Sheet 白名单 has one row per member of the version; sheet 变动 has every join and exit since the
version before it — the refresh's own changes and the exits at once between the two — so the
previous version's members, plus the joins, minus the exits, are this version's members.
Written with openpyxl's write-only mode, which streams rows: a city-scale list (tens of
thousands of rows) is built in seconds without holding a cell object per value.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.worksheet._write_only import WriteOnlyWorksheet
from sqlalchemy import func
from sqlalchemy import select as sa_select
from sqlmodel import Session, col, select

from app.audit import service as audit
from app.audit.service import Actor
from app.core.clock import to_local
from app.enterprises.industry import SECTIONS
from app.enterprises.models import Enterprise
from scoring.scores.models import Score
from whitelist import service
from whitelist.models import ChangeKind, WhitelistChange, WhitelistVersion
from whitelist.rules import REASONS

MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MEMBER_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "区县",
    "行业门类",
    "企业规模",
    "信用等级",
    "入选版本",
)
CHANGE_HEADERS = (
    "统一社会信用代码",
    "企业名称",
    "变动",
    "原因代码",
    "原因",
    "触发",
    "时间",
)
SIZE_NAMES = {"micro": "微型", "small": "小型", "medium": "中型", "large": "大型"}
KIND_NAMES = {ChangeKind.JOIN.value: "加入", ChangeKind.EXIT.value: "退出"}
TRIGGER_NAMES = {
    "refresh": "定期刷新",
    "credit_event": "信用事件（即时）",
    "registry": "登记状态变更（即时）",
    "consent": "撤销授权（即时）",
    "withdrawal": "撤回融资需求（即时）",
}
CHUNK = 5000  # usccs per IN (...) list, well under SQLite's bound on parameters


class Firm(NamedTuple):
    name: str | None
    district: str | None
    section: str
    size: str | None


@dataclass(frozen=True)
class Export:
    filename: str
    content: bytes
    members: int
    changes: int


def export(session: Session, *, number: int, actor: Actor) -> Export:
    """The workbook of version ``number``; the export itself is written to the audit log."""
    version = service.version(session, number=number)
    usccs = service.members_of(session, number=number)
    changes = _changes_since_previous(session, version=version)
    firms = _registry(session, [*usccs, *(change[0] for change in changes)])
    book = Workbook(write_only=True)
    _members_sheet(book, session=session, version=version, usccs=usccs, firms=firms)
    _changes_sheet(book, changes=changes, firms=firms)
    buffer = io.BytesIO()
    book.save(buffer)
    audit.record(
        session,
        actor=actor,
        action="whitelist.exported",
        subject_type="whitelist_version",
        subject_id=number,
        detail={"members": len(usccs), "changes": len(changes)},
    )
    return Export(
        filename=f"whitelist-v{number}.xlsx",
        content=buffer.getvalue(),
        members=len(usccs),
        changes=len(changes),
    )


def _members_sheet(
    book: Workbook,
    *,
    session: Session,
    version: WhitelistVersion,
    usccs: list[str],
    firms: dict[str, Firm],
) -> None:
    sheet = _sheet(book, "白名单", MEMBER_HEADERS, widths=(22, 36, 10, 28, 10, 10, 10))
    grades = _grades(session, usccs, model_name=version.model_name, at=version.created_at)
    joined = _joined_in(session, through=version.through_change_id)
    unknown = Firm(None, None, "", None)
    for uscc in usccs:
        firm = firms.get(uscc, unknown)
        sheet.append(
            [
                uscc,
                firm.name,
                firm.district,
                _section(firm.section),
                SIZE_NAMES.get(firm.size or "", firm.size),
                grades.get(uscc),
                joined.get(uscc),
            ]
        )


def _changes_sheet(book: Workbook, *, changes: Sequence[Any], firms: dict[str, Firm]) -> None:
    sheet = _sheet(book, "变动", CHANGE_HEADERS, widths=(22, 36, 8, 28, 40, 22, 20))
    for uscc, kind, reasons, trigger, at in changes:
        firm = firms.get(uscc)
        sheet.append(
            [
                uscc,
                firm.name if firm else None,
                KIND_NAMES.get(str(kind), str(kind)),
                ",".join(reasons) or None,
                "；".join(REASONS.get(code, code) for code in reasons) or None,
                TRIGGER_NAMES.get(str(trigger), str(trigger)),
                _local(at),
            ]
        )


def _sheet(
    book: Workbook, title: str, headers: Sequence[str], *, widths: Sequence[int]
) -> WriteOnlyWorksheet:
    sheet = book.create_sheet(title)
    for index, width in enumerate(widths):
        sheet.column_dimensions[chr(ord("A") + index)].width = width
    sheet.freeze_panes = "A2"
    bold = Font(bold=True)
    row = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        row.append(cell)
    sheet.append(row)
    return sheet


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _registry(session: Session, usccs: Sequence[str]) -> dict[str, Firm]:
    """Name, district, industry section and size class of each enterprise."""
    found: dict[str, Firm] = {}
    for chunk in _chunks(sorted(set(usccs))):
        # five columns: past the arity sqlmodel's typed select() knows, so SQLAlchemy's own
        rows = session.execute(
            sa_select(
                col(Enterprise.uscc),
                col(Enterprise.name),
                col(Enterprise.district),
                col(Enterprise.industry_section),
                col(Enterprise.size_class),
            ).where(col(Enterprise.uscc).in_(chunk))
        ).all()
        found.update({uscc: Firm(*rest) for uscc, *rest in rows})
    return found


def _grades(
    session: Session, usccs: Sequence[str], *, model_name: str, at: datetime
) -> dict[str, str]:
    """Each member's grade from the version's model, as it stood when the version was made."""
    grades: dict[str, str] = {}
    for chunk in _chunks(usccs):
        latest = (
            select(func.max(Score.id))
            .where(
                Score.model_name == model_name,
                col(Score.scored_at) <= at,
                col(Score.uscc).in_(chunk),
            )
            .group_by(col(Score.uscc))
        )
        rows = session.exec(
            select(Score.uscc, Score.grade).where(col(Score.id).in_(latest.scalar_subquery()))
        ).all()
        grades.update(dict(rows))
    return grades


def _joined_in(session: Session, *, through: int) -> dict[str, int | None]:
    """The version of each enterprise's latest join up to ``through`` (a change id)."""
    rows = session.exec(
        select(WhitelistChange.uscc, WhitelistChange.version_number)
        .where(WhitelistChange.kind == ChangeKind.JOIN, col(WhitelistChange.id) <= through)
        .order_by(col(WhitelistChange.id))
    ).all()
    return dict(rows)  # later joins overwrite earlier ones


def _changes_since_previous(session: Session, *, version: WhitelistVersion) -> Sequence[Any]:
    """The changes after the previous version up to this one, refresh and at-once alike."""
    previous = session.get(WhitelistVersion, version.number - 1)
    after = previous.through_change_id if previous is not None else 0
    return session.execute(
        sa_select(
            col(WhitelistChange.uscc),
            col(WhitelistChange.kind),
            col(WhitelistChange.reasons),
            col(WhitelistChange.trigger),
            col(WhitelistChange.at),
        )
        .where(
            col(WhitelistChange.id) > after,
            col(WhitelistChange.id) <= version.through_change_id,
        )
        .order_by(col(WhitelistChange.id))
    ).all()


def _section(letter: str) -> str:
    section = SECTIONS.get(letter)
    return f"{letter} {section.name}" if section else letter


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: write the time as people in the city read it.
    return to_local(moment).replace(tzinfo=None)
