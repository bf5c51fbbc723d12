"""Task receipts: the record that makes a task's effect happen once however often it runs."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column
from sqlalchemy.exc import IntegrityError
from sqlmodel import Field, Session, SQLModel

from app.core.clock import utcnow
from app.core.db import UTCDateTime


class TaskReceipt(SQLModel, table=True):
    """One row per (task, key) whose effect has been committed."""

    __tablename__ = "task_receipts"

    task: str = Field(primary_key=True, max_length=100)
    key: str = Field(primary_key=True, max_length=200)
    done_at: datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime, nullable=False))


def first_time(session: Session, *, task: str, key: str) -> bool:
    """Claim (task, key) in the caller's transaction; False when it was already done.

    The caller writes its effect in the same transaction, so a task killed before commit
    leaves no receipt and runs again, and a task that committed never repeats its effect.
    """
    if session.get(TaskReceipt, (task, key)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(TaskReceipt(task=task, key=key))
    except IntegrityError:  # a concurrent run committed the same key first
        return False
    return True


def done(session: Session, *, task: str, key: str) -> bool:
    """Whether (task, key) has already been committed; a cheap check before costly work."""
    return session.get(TaskReceipt, (task, key)) is not None
