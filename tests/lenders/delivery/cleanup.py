"""Committed rows of the delivery tests, removed afterwards so other tests see an empty outbox."""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import delete
from sqlmodel import col, select

from app.core.db import session_scope
from app.outbox.models import OutboxEvent
from lenders.delivery.models import DeliveryAttempt, WebhookEndpoint, WebhookSecret
from lenders.institutions.models import Lender


def forget_banks(codes: Iterable[str]) -> None:
    """Delete these lenders' webhooks, secrets, events and attempts.

    The lenders stay, as does the audit log naming them by id: deleted, their ids would be
    given again on SQLite, and another test's audit query by lender id would find ours.
    """
    codes = list(codes)
    if not codes:
        return
    with session_scope() as session:
        ids = list(session.exec(select(Lender.id).where(col(Lender.code).in_(codes))))
        events = select(OutboxEvent.id).where(col(OutboxEvent.lender_code).in_(codes))
        session.execute(delete(DeliveryAttempt).where(col(DeliveryAttempt.outbox_id).in_(events)))
        session.execute(delete(OutboxEvent).where(col(OutboxEvent.lender_code).in_(codes)))
        session.execute(delete(WebhookSecret).where(col(WebhookSecret.lender_id).in_(ids)))
        session.execute(delete(WebhookEndpoint).where(col(WebhookEndpoint.lender_id).in_(ids)))
