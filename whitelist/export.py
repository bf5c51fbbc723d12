"""A whitelist version as an Excel workbook: who is on it, and what changed to make it.

Sheet 白名单 has one row per member; sheet 变动 has every join and exit since the version before
it — the refresh's own changes and the exits at once between the two — so the previous
version's members, plus the joins, minus the exits, are the members shown.

Which moment the members are as of, and the workbook's first line on each sheet says it:
the newest version is shown as of the export (its members minus the exits at once since it was
published, with those exits in 变动), since a bank must never be handed a firm that has left;
an earlier version is shown as it was published (the exits after it belong to the next one).
Written through ``app.core.exports``, which streams rows and makes every text cell inert.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from app.audit import service as audit
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from app.core.exports import XLSX_MEDIA_TYPE, Book
from app.enterprises.industry import SECTIONS
from whitelist import repository, service
from whitelist.models import ChangeKind, WhitelistVersion
from whitelist.rules import REASONS

MEDIA_TYPE = XLSX_MEDIA_TYPE
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
    "expiry": "融资需求过期（即时）",
}
CHUNK = 5000  # usccs per IN (...) list, well under SQLite's bound on parameters
TIME_FORMAT = "%Y-%m-%d %H:%M:%S"


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
    as_of: datetime  # the moment the members are those of (UTC)
    current: bool  # True: the newest version, as of the export; False: as published


@dataclass(frozen=True)
class _Window:
    """The changes a workbook covers: after ``after`` up to ``through`` (change ids)."""

    after: int
    through: int
    as_of: datetime
    current: bool


def export(session: Session, *, number: int, actor: Actor, now: datetime | None = None) -> Export:
    """The workbook of version ``number``; the export itself is written to the audit log."""
    version = service.version(session, number=number)
    window = _window(session, version=version, now=now or utcnow())
    usccs = service.members_through(session, through=window.through)
    changes = _changes(session, window=window)
    firms = _registry(session, [*usccs, *(change[0] for change in changes)])
    book = Book()
    _members_sheet(book, session=session, version=version, window=window, usccs=usccs, firms=firms)
    _changes_sheet(book, version=version, window=window, changes=changes, firms=firms)
    content = book.to_bytes()
    audit.record(
        session,
        actor=actor,
        action="whitelist.exported",
        subject_type="whitelist_version",
        subject_id=number,
        detail={
            "members": len(usccs),
            "changes": len(changes),
            "as_of": window.as_of.isoformat(),
            "current": window.current,
        },
    )
    return Export(
        filename=f"whitelist-v{number}.xlsx",
        content=content,
        members=len(usccs),
        changes=len(changes),
        as_of=window.as_of,
        current=window.current,
    )


def _window(session: Session, *, version: WhitelistVersion, now: datetime) -> _Window:
    previous = repository.version(session, version.number - 1)
    after = previous.through_change_id if previous is not None else 0
    newest = repository.latest_version(session)
    if newest is not None and newest.number == version.number:
        last = repository.last_change_id(session)
        through = max(last or 0, version.through_change_id)
        return _Window(after=after, through=through, as_of=now, current=True)
    return _Window(
        after=after, through=version.through_change_id, as_of=version.created_at, current=False
    )


def _members_sheet(
    book: Book,
    *,
    session: Session,
    version: WhitelistVersion,
    window: _Window,
    usccs: list[str],
    firms: dict[str, Firm],
) -> None:
    published = _stamp(version.created_at)
    if window.current:
        note = (
            f"白名单第 {version.number} 版（{published} 发布，现行版本），"
            f"成员截至 {_stamp(window.as_of)}（北京时间）：已除去发布后即时退出的企业"
        )
    else:
        note = (
            f"白名单第 {version.number} 版，成员为该版发布时（{published}，北京时间）的名单；"
            "此后的退出见后续版本"
        )
    sheet = book.sheet(
        "白名单", headers=MEMBER_HEADERS, widths=(22, 36, 10, 28, 10, 10, 10), notes=[note]
    )
    grades = _grades(session, usccs, model_name=version.model_name, at=version.created_at)
    joined = repository.latest_joins(session, through=window.through)
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


def _changes_sheet(
    book: Book,
    *,
    version: WhitelistVersion,
    window: _Window,
    changes: Sequence[Any],
    firms: dict[str, Firm],
) -> None:
    since = f"第 {version.number - 1} 版之后" if version.number > 1 else "首版之前"
    until = (
        f"截至 {_stamp(window.as_of)}"
        if window.current
        else f"至第 {version.number} 版发布（{_stamp(version.created_at)}）"
    )
    sheet = book.sheet(
        "变动",
        headers=CHANGE_HEADERS,
        widths=(22, 36, 8, 28, 40, 22, 20),
        notes=[f"{since}{until}的加入与退出（北京时间）"],
    )
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


def _chunks(values: Sequence[str]) -> Iterator[list[str]]:
    for start in range(0, len(values), CHUNK):
        yield list(values[start : start + CHUNK])


def _registry(session: Session, usccs: Sequence[str]) -> dict[str, Firm]:
    """Name, district, industry section and size class of each enterprise."""
    found: dict[str, Firm] = {}
    for chunk in _chunks(sorted(set(usccs))):
        rows = repository.firms(session, chunk)
        found.update({uscc: Firm(*rest) for uscc, *rest in rows})
    return found


def _grades(
    session: Session, usccs: Sequence[str], *, model_name: str, at: datetime
) -> dict[str, str]:
    """Each member's grade from the version's model, as it stood when the version was made."""
    grades: dict[str, str] = {}
    for chunk in _chunks(usccs):
        grades.update(repository.grades_at(session, chunk, model_name=model_name, at=at))
    return grades


def _changes(session: Session, *, window: _Window) -> Sequence[Any]:
    """The changes in the window, refresh and at-once alike, in the order they happened."""
    return repository.changes_between(session, after=window.after, through=window.through)


def _section(letter: str) -> str:
    section = SECTIONS.get(letter)
    return f"{letter} {section.name}" if section else letter


def _stamp(moment: datetime) -> str:
    return to_local(moment).strftime(TIME_FORMAT)


def _local(moment: datetime) -> datetime:
    # Excel has no time zones: write the time as people in the city read it.
    return to_local(moment).replace(tzinfo=None)
