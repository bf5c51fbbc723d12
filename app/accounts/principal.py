"""The caller of a request or command, whatever credential it used."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from app.accounts.models import Role


@dataclass(frozen=True)
class Principal:
    """A signed-in user or an API key, with what it is bound to."""

    kind: Literal["user", "api_key"]
    id: int
    role: Role
    name: str
    lender_id: int | None = None
    uscc: str | None = None
    # The access token's jti when the caller signed in with one: which session this is.
    session_id: str | None = field(default=None, compare=False)

    @property
    def ref(self) -> str:
        """How the audit log names this caller."""
        return f"{self.kind}:{self.id}"

    def is_lender(self, lender_id: int) -> bool:
        return self.role in (Role.LENDER_USER, Role.LENDER_CLIENT) and self.lender_id == lender_id

    def is_enterprise(self, uscc: str) -> bool:
        return self.role is Role.ENTERPRISE and self.uscc == uscc
