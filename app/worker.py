"""The Celery application as the worker and beat see it: ``celery -A app.worker``."""

from __future__ import annotations

from app.core.config import get_settings
from app.core.logging import configure_logging
from app.core.taskqueue import celery_app, configure_celery

settings = get_settings()
configure_logging(level=settings.log.level, json_lines=settings.log.json_lines)
configure_celery()

__all__ = ["celery_app"]
