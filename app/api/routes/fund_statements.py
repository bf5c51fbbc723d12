"""The office's copy of any bank's monthly fund statement (月度对账单), as Excel."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Response

from app.api.deps import OfficePrincipal, SessionDep
from app.api.problems import problem_schema
from app.api.statements import XLSX, MonthText, statement_response

router = APIRouter(prefix="/fund/statements", tags=["fund"])
LenderCode = Annotated[str, Path(min_length=2, max_length=32, pattern=r"^[a-z0-9][a-z0-9-]*$")]


@router.get(
    "/{lender_code}/{month}",
    response_class=Response,
    responses={**XLSX, 403: problem_schema("forbidden"), 404: problem_schema("lender_not_found")},
)
def download_bank_statement(
    session: SessionDep, principal: OfficePrincipal, lender_code: LenderCode, month: MonthText
) -> Response:
    """A bank's monthly fund statement for a Beijing-time month, as the bank downloads it."""
    return statement_response(session, lender_code=lender_code, month=month, actor=principal)
