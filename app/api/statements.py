"""The monthly fund statement (月度对账单) as an HTTP attachment, shared by the bank's route,
the office's route and the bank's page: one parser of the month, one workbook."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Path, Response
from sqlmodel import Session

from app.api.problems import problem_schema
from app.audit.service import Actor
from lenders.fund import statement, statement_workbook
from lenders.loans.dates import today

# A month as YYYY-MM; its grammar and range are the statement's to judge (422 with a code).
MonthText = Annotated[str, Path(min_length=1, max_length=16, description="YYYY-MM")]
XLSX: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {statement_workbook.MEDIA_TYPE: {}},
        "description": "the .xlsx workbook: 账户汇总, 资金流水, 覆盖贷款, 代偿",
    },
    422: problem_schema(
        "validation_error", "fund_statement_month_invalid", "fund_statement_month_future"
    ),
}


def statement_response(session: Session, *, lender_code: str, month: str, actor: Actor) -> Response:
    """The statement of ``lender_code`` for ``month`` as an attachment (the export audited)."""
    made = statement.monthly(
        session,
        lender_code=lender_code,
        month=statement.parse_month(month, today=today()),
        actor=actor,
    )
    return Response(
        statement_workbook.workbook(made),
        media_type=statement_workbook.MEDIA_TYPE,
        headers={
            "Content-Disposition": f'attachment; filename="{statement_workbook.filename(made)}"'
        },
    )
