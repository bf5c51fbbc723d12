"""What a reader of the audit log may ask for."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field, model_validator

NO_CONTROL = r"^[^\x00-\x1f\x7f]*$"


class AuditFilters(BaseModel):
    """Any subset: the actor (``user:12``), the action (exactly, or ``user.`` for a family),
    the subject (type, and id within it), and the city's calendar days from and to."""

    actor: str | None = Field(default=None, max_length=64, pattern=NO_CONTROL)
    action: str | None = Field(default=None, max_length=64, pattern=NO_CONTROL)
    subject_type: str | None = Field(default=None, max_length=32, pattern=NO_CONTROL)
    subject_id: str | None = Field(default=None, max_length=64, pattern=NO_CONTROL)
    since: date | None = None
    until: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> AuditFilters:
        if self.since and self.until and self.until < self.since:
            raise ValueError("结束日期不能早于开始日期")
        return self
