"""Loans (贷款): a bank reports disbursement, repayments, days past due, default and recoveries."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query
from sqlmodel import Session

from app.accounts.models import Role
from app.accounts.principal import Principal
from app.api.deps import PageDep, SessionDep, enterprise_data, require_roles
from app.api.idempotency import Idempotent
from app.api.owned import Banker, OwnLeadForUpdate, OwnLoan, OwnLoanForUpdate, lender_code_of
from app.api.params import PathId
from app.api.problems import problem_schema
from app.enterprises.models import Enterprise
from lenders.loans import service as loan_service
from lenders.loans import servicing
from lenders.loans.models import Loan
from lenders.loans.schemas import (
    DefaultCreate,
    DelinquencyCreate,
    DisbursementCreate,
    LoanDetail,
    LoanFilters,
    LoanPublic,
    LoansPublic,
    OwnLoanFilters,
    RecoveryCreate,
    RepaymentCreate,
)

router = APIRouter(tags=["loans"])

# A bank's people and systems report on their own loans; supervisors read every bank's.
Reporter = Banker
Supervisor = Annotated[Principal, Depends(require_roles(Role.OFFICE, Role.ADMIN))]
LoansOf = Annotated[
    Enterprise, Depends(enterprise_data("loans", readers=frozenset({Role.OFFICE, Role.ADMIN})))
]


def _problems(status: int, *codes: str) -> dict[int | str, dict[str, Any]]:
    return {status: problem_schema(*codes)}


KEYED = ("idempotency_key_in_progress",)
INPUT = ("validation_error", "idempotency_key_reused", "date_in_future", "date_out_of_order")
LOAN_CHANGE: dict[int | str, dict[str, Any]] = {
    **_problems(403, "forbidden"),
    **_problems(404, "loan_not_found"),
}


def _detail(session: Session, loan: Loan) -> LoanDetail:
    history = loan_service.history(session, loan=loan)
    return LoanDetail.with_history(
        loan,
        repayments=history.repayments,
        reports=history.reports,
        recoveries=history.recoveries,
    )


@router.post(
    "/lender/leads/{lead_id}/disbursement",
    response_model=LoanDetail,
    status_code=201,
    responses={
        **_problems(403, "forbidden"),
        **_problems(404, "lead_not_found"),
        **_problems(
            409,
            "lead_not_approved",
            "contract_id_taken",
            "illegal_transition",
            "lead_changed",
            "application_changed",
            *KEYED,
        ),
        **_problems(422, *INPUT, "amount_above_approved"),
    },
)
def disburse(
    session: SessionDep,
    principal: Reporter,
    lead: OwnLeadForUpdate,
    data: DisbursementCreate,
    call: Idempotent,
) -> LoanDetail:
    """Report the loan of an approved lead (放款): the lead and its application become disbursed."""
    loan = loan_service.disburse(session, lead=lead, data=data, actor=principal)
    return call.answer(_detail(session, loan), status=201)


@router.post(
    "/lender/loans/{loan_id}/repayments",
    response_model=LoanDetail,
    status_code=201,
    responses={
        **LOAN_CHANGE,
        **_problems(409, "repayment_exists", "loan_repaid", "loan_defaulted", *KEYED),
        **_problems(422, *INPUT, "empty_repayment", "repayment_exceeds_outstanding"),
    },
)
def record_repayment(
    session: SessionDep,
    principal: Reporter,
    loan: OwnLoanForUpdate,
    data: RepaymentCreate,
    call: Idempotent,
) -> LoanDetail:
    """Report a month's repayment (还款); at 0 outstanding the loan is repaid."""
    servicing.record_repayment(session, loan=loan, data=data, actor=principal)
    return call.answer(_detail(session, loan), status=201)


@router.post(
    "/lender/loans/{loan_id}/delinquency",
    response_model=LoanDetail,
    status_code=201,
    responses={
        **LOAN_CHANGE,
        **_problems(409, *KEYED),
        **_problems(422, *INPUT, "days_past_due_implausible"),
    },
)
def report_delinquency(
    session: SessionDep,
    principal: Reporter,
    loan: OwnLoanForUpdate,
    data: DelinquencyCreate,
    call: Idempotent,
) -> LoanDetail:
    """Report days past due (逾期天数) on a date; every report is kept."""
    servicing.report_delinquency(session, loan=loan, data=data, actor=principal)
    return call.answer(_detail(session, loan), status=201)


@router.post(
    "/lender/loans/{loan_id}/default",
    response_model=LoanDetail,
    responses={
        **LOAN_CHANGE,
        **_problems(409, "already_defaulted", "loan_repaid", *KEYED),
        **_problems(422, *INPUT, "outstanding_above_balance"),
    },
)
def declare_default(
    session: SessionDep,
    principal: Reporter,
    loan: OwnLoanForUpdate,
    data: DefaultCreate,
    call: Idempotent,
) -> LoanDetail:
    """Declare the loan in default (违约) with the principal outstanding then; once only."""
    servicing.declare_default(session, loan=loan, data=data, actor=principal)
    return call.answer(_detail(session, loan))


@router.post(
    "/lender/loans/{loan_id}/recoveries",
    response_model=LoanDetail,
    status_code=201,
    responses={
        **LOAN_CHANGE,
        **_problems(409, "loan_not_defaulted", *KEYED),
        **_problems(422, *INPUT, "recovery_exceeds_loss"),
    },
)
def record_recovery(
    session: SessionDep,
    principal: Reporter,
    loan: OwnLoanForUpdate,
    data: RecoveryCreate,
    call: Idempotent,
) -> LoanDetail:
    """Report money recovered after default (回收); in all at most the outstanding at default."""
    servicing.record_recovery(session, loan=loan, data=data, actor=principal)
    return call.answer(_detail(session, loan), status=201)


@router.get("/lender/loans", response_model=LoansPublic)
def list_own_loans(
    session: SessionDep,
    principal: Reporter,
    page: PageDep,
    filters: Annotated[OwnLoanFilters, Query()],
) -> LoansPublic:
    """The caller's bank's loans, newest first (filters ``status``, ``first_loan``)."""
    scoped = LoanFilters(**filters.model_dump(), lender_code=lender_code_of(session, principal))
    rows, total = loan_service.list_page(
        session, filters=scoped, offset=page.offset, limit=page.limit
    )
    return LoansPublic(data=[LoanPublic.of(r) for r in rows], count=total)


@router.get("/lender/loans/{loan_id}", response_model=LoanDetail, responses=LOAN_CHANGE)
def read_own_loan(session: SessionDep, loan: OwnLoan) -> LoanDetail:
    """One of the caller's bank's loans with its repayments, days past due and recoveries."""
    return _detail(session, loan)


@router.get("/loans", response_model=LoansPublic)
def list_loans(
    session: SessionDep,
    _: Supervisor,
    page: PageDep,
    filters: Annotated[LoanFilters, Query()],
) -> LoansPublic:
    """Every bank's loans, newest first (filters ``lender_code``, ``status``, ``uscc``, …)."""
    rows, total = loan_service.list_page(
        session, filters=filters, offset=page.offset, limit=page.limit
    )
    return LoansPublic(data=[LoanPublic.of(r) for r in rows], count=total)


@router.get("/enterprises/{uscc}/loans", response_model=LoansPublic)
def list_enterprise_loans(session: SessionDep, enterprise: LoansOf, page: PageDep) -> LoansPublic:
    """An enterprise's own loans, from every bank; office and admin read any (audited)."""
    rows, total = loan_service.list_page(
        session, filters=LoanFilters(uscc=enterprise.uscc), offset=page.offset, limit=page.limit
    )
    return LoansPublic(data=[LoanPublic.of(r) for r in rows], count=total)


@router.get(
    "/enterprises/{uscc}/loans/{loan_id}",
    response_model=LoanDetail,
    responses={**_problems(403, "forbidden"), **_problems(404, "loan_not_found")},
)
def read_enterprise_loan(session: SessionDep, enterprise: LoansOf, loan_id: PathId) -> LoanDetail:
    """One of the enterprise's loans with its repayments and days past due; another
    enterprise's loan answers exactly as a missing one."""
    loan = loan_service.get_for_enterprise(session, loan_id=loan_id, uscc=enterprise.uscc)
    return _detail(session, loan)
