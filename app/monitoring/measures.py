"""Every measure of the registry computed from the platform's own rows, per city month and cut.

One pass per source table, with each row's cuts (the enterprise's district and industry
section, the bank, the product type) read in the same query; months are the city's
(Asia/Shanghai): a lead offered at 2026-10-31T16:30Z counts in November. The result is a plain
mapping of cell keys to integers, which ``refresh.py`` writes to ``monitoring_cells``.

With ``since`` (an incremental refresh) only the months from ``since`` on are computed, and
only their rows are read: flows are filtered by month in the query, and the stocks carried
into ``since`` (what each loan had repaid and recovered before it, who stood on the whitelist)
come summed by the database. The loans themselves are read whole (a few tens of thousands), as
a borrower's first loan and a balance need them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any, NamedTuple

from sqlmodel import Session

from app.applications.models import ProductType
from app.core.clock import city_zone, to_local
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


def month_start(month: str) -> datetime:
    """The first moment (UTC) of a city month: midnight of its first day in the city."""
    local = datetime(int(month[:4]), int(month[5:]), 1, tzinfo=city_zone())
    return local.astimezone(UTC)


def first_day(month: str) -> date:
    return date(int(month[:4]), int(month[5:]), 1)


def next_month(month: str) -> str:
    year, number = int(month[:4]), int(month[5:])
    return f"{year + 1:04d}-01" if number == 12 else f"{year:04d}-{number + 1:02d}"


def months_between(first: str, last: str) -> list[str]:
    """Every month from ``first`` to ``last``, both included."""
    year, month = int(first[:4]), int(first[5:])
    months = []
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def compute(session: Session, *, through: str, since: str | None = None) -> Cells:
    """All measures, every month up to and including ``through`` (a stock measure stands at
    each month's end from the first month anything happened); with ``since``, only the
    months from ``since`` on, equal to those of a whole computation."""
    cells: Cells = Counter()
    start = month_start(since) if since else None
    loans = _loans(session, cells, through=through, since=since)
    _applications(session, cells, through=through, start=start)
    _leads(session, cells, through=through, start=start)
    _source_rows(session, cells, through=through, start=start)
    entered = repository.entered_figures(session, through=through)
    first = since or min(
        [*(cell.month for cell in cells), *(row[2] for row in entered)], default=through
    )
    months = months_between(first, through)
    _balances(session, cells, loans, months, since=since)
    _borrowers(cells, loans, months)
    _whitelist(session, cells, loans, months, through=through, start=start)
    _entered(cells, entered, months)
    return Counter({cell: value for cell, value in cells.items() if value and cell.month >= first})


class _LoanFacts(NamedTuple):
    id: int
    uscc: str
    cuts: Cuts
    disbursed_on: date
    principal_fen: int
    defaulted_on: date | None
    outstanding_at_default_fen: int | None
    month: str  # of the disbursement, worked out once


def _add(cells: Cells, month: str, cuts: Cuts, **values: int) -> None:
    for measure, value in values.items():
        cells[Cell(measure, month, *cuts)] += value


def _loans(session: Session, cells: Cells, *, through: str, since: str | None) -> list[_LoanFacts]:
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
        if since is None or month >= since:
            _add(
                cells, month, cuts,
                loans_disbursed=1, loans_disbursed_fen=principal,
                credit_loans=int(credit), credit_loans_fen=principal if credit else 0,
                first_loans=int(first), rate_weighted_fen=rate * principal,
                days_to_money=max(0, (disbursed_on - to_local(applied_at).date()).days),
            )  # fmt: skip
        assert loan_id is not None
        facts.append(
            _LoanFacts(
                loan_id, uscc, cuts, disbursed_on, principal, defaulted_on, at_default, month
            )
        )
    return facts


def _applications(session: Session, cells: Cells, *, through: str, start: datetime | None) -> None:
    rows = repository.applications(session, start=start)
    for created_at, product_type, lender, district, section in rows:
        month = city_month(created_at)
        if month <= through:
            _add(cells, month, Cuts(district, section, lender or "", str(product_type)),
                 applications=1)  # fmt: skip


def _leads(session: Session, cells: Cells, *, through: str, start: datetime | None) -> None:
    for _lead, offered_at, lender, product_type, district, section in repository.leads(
        session, start=start
    ):
        month = city_month(offered_at)
        if month <= through:
            _add(cells, month, Cuts(district, section, lender, str(product_type)), leads_offered=1)
    moves = repository.lead_moves(session, into=list(TRANSITION_MEASURES), start=start)
    for status, at, lender, product_type, district, section in moves:
        month = city_month(at)
        if month <= through:
            _add(cells, month, Cuts(district, section, lender, str(product_type)),
                 **dict.fromkeys(TRANSITION_MEASURES[LeadStatus(status)], 1))  # fmt: skip


USCC_COLUMN = "uscc"
NO_CUTS = Cuts("", "", "", "")


def _source_rows(session: Session, cells: Cells, *, through: str, start: datetime | None) -> None:
    """Rows the source departments sent and how many carried a wrong USCC: rejected on the
    code's grammar or region, or held for review because its check character fails (some of
    those are real early codes, but they still break GB 32100-2015). City-wide only: a row
    with a wrong code has no enterprise to cut it by."""
    for loaded_at, read, held in repository.batches(session, start=start):
        month = city_month(loaded_at)
        if month <= through:
            _add(cells, month, NO_CUTS, source_rows=read, uscc_errors=held)
    for loaded_at, column, violations in repository.rejected_rows(session, start=start):
        month = city_month(loaded_at)
        broken = {column, *(violation.get("column") for violation in violations or ())}
        if month <= through and USCC_COLUMN in broken:
            _add(cells, month, NO_CUTS, uscc_errors=1)


def _balances(
    session: Session, cells: Cells, loans: list[_LoanFacts], months: list[str], *,
    since: str | None,
) -> None:  # fmt: skip
    repaid: dict[int, Counter[str]] = defaultdict(Counter)
    for loan_id, period, principal in repository.repayments(session, period_from=since):
        repaid[loan_id][period] += principal
    recovered: dict[int, Counter[str]] = defaultdict(Counter)
    on_from = first_day(since) if since else None
    for loan_id, on, amount in repository.recoveries(session, on_from=on_from):
        recovered[loan_id][month_of(on)] += amount
    # what each loan had repaid and recovered before the first month computed
    paid_before = repository.repaid_before(session, period=since) if since else {}
    back_before = repository.recovered_before(session, on=on_from) if on_from else {}
    # summed per month and cuts first: one cell per combination, not one addition per loan
    owed_by: Counter[tuple[str, Cuts]] = Counter()
    credit_by: Counter[tuple[str, Cuts]] = Counter()
    nothing: dict[str, int] = {}
    for loan in loans:
        start = loan.month
        default_month = month_of(loan.defaulted_on) if loan.defaulted_on else None
        repayments = sorted(repaid.get(loan.id, nothing).items())
        recoveries = sorted(recovered.get(loan.id, nothing).items())
        paid, back = paid_before.get(loan.id, 0), back_before.get(loan.id, 0)
        credit = loan.cuts.product_type in CREDIT_TYPES
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
                owed_by[(month, loan.cuts)] += owed
                if credit:
                    credit_by[(month, loan.cuts)] += owed
    _flush(cells, "balance_fen", owed_by)
    _flush(cells, "credit_balance_fen", credit_by)


def _flush(cells: Cells, measure: str, sums: Counter[tuple[str, Cuts]]) -> None:
    for (month, cuts), value in sums.items():
        cells[Cell(measure, month, *cuts)] += value


def _borrowers(cells: Cells, loans: list[_LoanFacts], months: list[str]) -> None:
    """Each enterprise once, from the month of its first platform loan, in its district and
    section (not by bank: an enterprise lent by two banks is one borrower)."""
    first: dict[str, tuple[str, Cuts]] = {}
    for loan in loans:
        month = loan.month
        if loan.uscc not in first or month < first[loan.uscc][0]:
            first[loan.uscc] = (month, Cuts(loan.cuts.district, loan.cuts.industry_section, "", ""))
    starts = sorted(Counter(first.values()).items())  # ((first month, cuts), enterprises)
    running: Counter[Cuts] = Counter()
    counted = 0
    for month in months:
        while counted < len(starts) and starts[counted][0][0] <= month:
            (_since, cuts), enterprises = starts[counted]
            running[cuts] += enterprises
            counted += 1
        for cuts, enterprises in running.items():
            cells[Cell("borrowers", month, *cuts)] += enterprises


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
    session: Session, cells: Cells, loans: list[_LoanFacts], months: list[str], *,
    through: str, start: datetime | None,
) -> None:  # fmt: skip
    first_loan: dict[str, str] = {}
    for loan in loans:
        month = loan.month
        first_loan[loan.uscc] = min(first_loan.get(loan.uscc, month), month)
    standing: dict[str, list[tuple[str, bool]]] = defaultdict(list)  # uscc → (month, member)
    where: dict[str, Cuts] = {}
    if start is not None:  # where each enterprise stood before the first month computed
        for uscc, kind, district, section in repository.whitelist_standing_before(
            session, start=start
        ):
            where[uscc] = Cuts(district or "", section or "", "", "")
            standing[uscc].append(("0000-00", kind == ChangeKind.JOIN))
    for uscc, kind, at, district, section in repository.whitelist_changes(session, start=start):
        month = city_month(at)
        if month > through:
            continue
        cuts = where[uscc] = Cuts(district or "", section or "", "", "")
        joined = kind == ChangeKind.JOIN
        _add(cells, month, cuts, **{"whitelist_joins" if joined else "whitelist_exits": 1})
        standing[uscc].append((month, joined))
    members: Counter[tuple[str, Cuts]] = Counter()
    with_loan: Counter[tuple[str, Cuts]] = Counter()
    for uscc, history in standing.items():
        cuts, lent_from = where[uscc], first_loan.get(uscc, "9999-99")
        # a member at a month's end: the last change up to it (in the order they were made)
        # was a join; walked once, a pointer into the history
        seen, member = 0, False
        for month in months:
            while seen < len(history) and history[seen][0] <= month:
                member = history[seen][1]
                seen += 1
            if member:
                members[(month, cuts)] += 1
                if lent_from <= month:
                    with_loan[(month, cuts)] += 1
    _flush(cells, "whitelist_members", members)
    _flush(cells, "whitelist_members_with_loan", with_loan)
