"""Every measure of the registry computed from the platform's own rows, per city month and cut.

One pass per source table, with each row's cuts (the enterprise's district and industry
section, the bank, the product type) read in the same query; months are the city's
(Asia/Shanghai): a lead offered at 2026-10-31T16:30Z counts in November. The result is a plain
mapping of cell keys to integers, which ``refresh.py`` writes to ``monitoring_cells``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from app.applications.models import ProductType
from app.core.clock import to_local
from app.monitoring import repository
from lenders.leads.models import LeadStatus
from whitelist.models import ChangeKind

CREDIT_TYPES = frozenset({ProductType.PURE_CREDIT.value, ProductType.CREDIT.value})
# A lead's move into one of these, in a month, counts once for the measure.
TRANSITION_MEASURES = {
    LeadStatus.ACCEPTED: ("leads_accepted",),
    LeadStatus.DECLINED: ("leads_declined",),
    LeadStatus.APPROVED: ("leads_approved", "leads_decided"),
    LeadStatus.REJECTED: ("leads_rejected", "leads_decided"),
}


class Cell(NamedTuple):
    measure: str
    month: str
    district: str
    industry_section: str
    lender_code: str
    product_type: str


class Cuts(NamedTuple):
    district: str
    industry_section: str
    lender_code: str
    product_type: str


Cells = Counter[Cell]


def month_of(day: date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def city_month(moment: datetime) -> str:
    return month_of(to_local(moment).date())


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def compute(session: Session, *, through: str) -> Cells:
    """All measures, every month up to and including ``through`` (a stock measure stands at
    each month's end from the first month anything happened)."""
    cells: Cells = Counter()
    loans = _loans(session, cells, through=through)
    _applications(session, cells, through=through)
    _leads(session, cells, through=through)
    _source_rows(session, cells, through=through)
    entered = repository.entered_figures(session, through=through)
    first = min([*(cell.month for cell in cells), *(row[2] for row in entered)], default=through)
    months = months_between(first, through)
    _balances(session, cells, loans, months)
    _borrowers(cells, loans, months)
    _whitelist(session, cells, loans, months, through=through)
    _entered(cells, entered, months)
    return Counter({cell: value for cell, value in cells.items() if value})


class _LoanFacts(NamedTuple):
    id: int
    uscc: str
    cuts: Cuts
    disbursed_on: date
    principal_fen: int
    defaulted_on: date | None
    outstanding_at_default_fen: int | None


def _add(cells: Cells, month: str, cuts: Cuts, **values: int) -> None:
    for measure, value in values.items():
        cells[Cell(measure, month, *cuts)] += value


def _loans(session: Session, cells: Cells, *, through: str) -> list[_LoanFacts]:
    rows = repository.loans(session)
    facts = []
    for (
        loan_id, uscc, lender, product_type, district, section, disbursed_on, principal, rate,
        first, defaulted_on, at_default, applied_at,
    ) in rows:  # fmt: skip
        month = month_of(disbursed_on)
        if month > through:
            continue
        cuts = Cuts(district, section, lender, str(product_type))
        credit = str(product_type) in CREDIT_TYPES
        _add(
            cells, month, cuts,
            loans_disbursed=1, loans_disbursed_fen=principal,
            credit_loans=int(credit), credit_loans_fen=principal if credit else 0,
            first_loans=int(first), rate_weighted_fen=rate * principal,
            days_to_money=max(0, (disbursed_on - to_local(applied_at).date()).days),
        )  # fmt: skip
        assert loan_id is not None
        facts.append(
            _LoanFacts(loan_id, uscc, cuts, disbursed_on, principal, defaulted_on, at_default)
        )
    return facts


def _applications(session: Session, cells: Cells, *, through: str) -> None:
    rows = repository.applications(session)
    for created_at, product_type, lender, district, section in rows:
        month = city_month(created_at)
        if month <= through:
            _add(cells, month, Cuts(district, section, lender or "", str(product_type)),
                 applications=1)  # fmt: skip


def _leads(session: Session, cells: Cells, *, through: str) -> None:
    lead_cuts: dict[int, Cuts] = {}
    rows = repository.leads(session)
    for lead_id, offered_at, lender, product_type, district, section in rows:
        assert lead_id is not None
        cuts = lead_cuts[lead_id] = Cuts(district, section, lender, str(product_type))
        month = city_month(offered_at)
        if month <= through:
            _add(cells, month, cuts, leads_offered=1)
    moves = repository.lead_moves(session, into=list(TRANSITION_MEASURES))
    for lead_id, status, at in moves:
        month = city_month(at)
        if month <= through and lead_id in lead_cuts:
            _add(cells, month, lead_cuts[lead_id],
                 **dict.fromkeys(TRANSITION_MEASURES[LeadStatus(status)], 1))  # fmt: skip


USCC_COLUMN = "uscc"
NO_CUTS = Cuts("", "", "", "")


def _source_rows(session: Session, cells: Cells, *, through: str) -> None:
    """Rows the source departments sent and how many carried a wrong USCC: rejected on the
    code's grammar or region, or held for review because its check character fails (some of
    those are real early codes, but they still break GB 32100-2015). City-wide only: a row
    with a wrong code has no enterprise to cut it by."""
    for loaded_at, read, held in repository.batches(session):
        month = city_month(loaded_at)
        if month <= through:
            _add(cells, month, NO_CUTS, source_rows=read, uscc_errors=held)
    for loaded_at, column, violations in repository.rejected_rows(session):
        month = city_month(loaded_at)
        broken = {column, *(violation.get("column") for violation in violations or ())}
        if month <= through and USCC_COLUMN in broken:
            _add(cells, month, NO_CUTS, uscc_errors=1)


def _balances(session: Session, cells: Cells, loans: list[_LoanFacts], months: list[str]) -> None:
    repaid: dict[int, Counter[str]] = defaultdict(Counter)
    for loan_id, period, principal in repository.repayments(session):
        repaid[loan_id][period] += principal
    recovered: dict[int, Counter[str]] = defaultdict(Counter)
    for loan_id, on, amount in repository.recoveries(session):
        recovered[loan_id][month_of(on)] += amount
    for loan in loans:
        start = month_of(loan.disbursed_on)
        default_month = month_of(loan.defaulted_on) if loan.defaulted_on else None
        repayments, recoveries = sorted(repaid[loan.id].items()), sorted(recovered[loan.id].items())
        paid = back = 0
        for month in months:
            while repayments and repayments[0][0] <= month:
                paid += repayments.pop(0)[1]
            while recoveries and recoveries[0][0] <= month:
                back += recoveries.pop(0)[1]
            if month < start:
                continue
            if default_month is not None and month >= default_month:
                owed = (loan.outstanding_at_default_fen or 0) - back
            else:
                owed = loan.principal_fen - paid
            if owed > 0:
                credit = loan.cuts.product_type in CREDIT_TYPES
                _add(cells, month, loan.cuts, balance_fen=owed,
                     credit_balance_fen=owed if credit else 0)  # fmt: skip


def _borrowers(cells: Cells, loans: list[_LoanFacts], months: list[str]) -> None:
    """Each enterprise once, from the month of its first platform loan, in its district and
    section (not by bank: an enterprise lent by two banks is one borrower)."""
    first: dict[str, tuple[str, Cuts]] = {}
    for loan in loans:
        month = month_of(loan.disbursed_on)
        if loan.uscc not in first or month < first[loan.uscc][0]:
            first[loan.uscc] = (month, Cuts(loan.cuts.district, loan.cuts.industry_section, "", ""))
    for since, cuts in first.values():
        for month in months:
            if month >= since:
                _add(cells, month, cuts, borrowers=1)


def _entered(cells: Cells, entered: Sequence[Any], months: list[str]) -> None:
    """The office's figures: each stands from its month until a later one replaces it (the
    newest version of a month counts)."""
    newest: dict[tuple[str, str], dict[str, int]] = defaultdict(dict)
    for measure, district, month, value, _version in entered:  # in version order
        newest[(measure, district)][month] = value
    for (measure, district), by_month in newest.items():
        history = sorted(by_month.items())
        for month in months:
            standing = [value for since, value in history if since <= month]
            if standing:
                _add(cells, month, Cuts(district, "", "", ""), **{measure: standing[-1]})


def _whitelist(
    session: Session, cells: Cells, loans: list[_LoanFacts], months: list[str], *, through: str
) -> None:
    first_loan: dict[str, str] = {}
    for loan in loans:
        month = month_of(loan.disbursed_on)
        first_loan[loan.uscc] = min(first_loan.get(loan.uscc, month), month)
    standing: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # uscc → (month, member)
    where: dict[str, Cuts] = {}
    for uscc, kind, at, district, section in repository.whitelist_changes(session):
        month = city_month(at)
        if month > through:
            continue
        cuts = where[uscc] = Cuts(district or "", section or "", "", "")
        joined = ChangeKind(kind) is ChangeKind.JOIN
        _add(cells, month, cuts, **{"whitelist_joins" if joined else "whitelist_exits": 1})
        standing[uscc].append((month, joined))
    for uscc, history in standing.items():
        cuts = where[uscc]
        for month in months:
            member = _last_standing(history, month)
            if member:
                lent = first_loan.get(uscc, "9999-99") <= month
                _add(cells, month, cuts, whitelist_members=1,
                     whitelist_members_with_loan=int(lent))  # fmt: skip


def _last_standing(history: Iterable[tuple[str, bool]], month: str) -> bool:
    member = False
    for changed, joined in history:
        if changed > month:
            break
        member = joined
    return member
