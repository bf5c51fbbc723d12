"""The finance office's view of the fund (基金全貌): where the money stands, each bank's terms,
leverage and NPL ratio against its lines, and the claims waiting with their ages.

A read model: a fixed handful of queries whatever the number of banks or claims (every ledger
account, every agreement version, covered loans and claims grouped by bank), put together
here with the same rules the fund's services apply (``agreements.governing``,
``cover.leverage_headroom_fen``, ``suspension.ratio_bp``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.models import AuditEvent
from app.core.clock import to_local, utcnow
from lenders.fund import agreements, chart, claim_steps, claims, cover, repository, suspension
from lenders.fund.exceptions import ClaimNotFound
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.service import Balance
from lenders.fund.models import ClaimStatus, CooperationAgreement, FundClaim, FundSuspension
from lenders.fund.schemas import BASIS_POINTS
from lenders.institutions import service as lender_service

STEPS_SHOWN = 100  # a claim takes at most seven steps and a recovery step per recovery


@dataclass(frozen=True)
class Position:
    """The fund's money, fen: contributed (per contributor), unallocated, allocated and left,
    set aside for approved claims, paid out, and the fund's share of recoveries come back."""

    capital_fen: dict[str, int]
    unallocated_fen: int
    allocated_fen: int
    reserved_fen: int
    paid_fen: int
    recovered_fen: int

    @property
    def total_capital_fen(self) -> int:
        return sum(self.capital_fen.values())


@dataclass(frozen=True)
class BankFund:
    """One bank under the fund: the version in force (None if none is) and the figures."""

    lender_code: str
    lender_name: str
    agreement: CooperationAgreement | None
    latest_version: int
    allocation_left_fen: int
    covered_outstanding_fen: int
    headroom_fen: int
    leverage_used_bp: int | None  # covered ÷ (leverage × allocation left); None: nothing left
    npl_bp: int
    suspension_npl_bp: int
    reinstatement_npl_bp: int
    suspended: bool
    reserved_fen: int
    paid_fen: int
    recovered_fen: int
    open_claims: int
    oldest_open_age_days: int | None


@dataclass(frozen=True)
class StatusFigures:
    """Claims at one status: how many, their losses and payouts, the oldest one's age."""

    status: ClaimStatus
    count: int = 0
    unpaid_principal_fen: int = 0
    amount_fen: int = 0
    oldest_age_days: int | None = None


@dataclass(frozen=True)
class Pipeline:
    by_status: list[StatusFigures]
    open_count: int
    oldest_open_age_days: int | None


@dataclass(frozen=True)
class Overview:
    today: date
    position: Position
    banks: list[BankFund]
    pipeline: Pipeline


@dataclass(frozen=True)
class ClaimRow:
    claim: FundClaim
    lender_name: str
    age_days: int


@dataclass
class _Filings:
    """Per status, what the grouped query found (across banks or for one bank)."""

    counts: dict[ClaimStatus, list[int]] = field(default_factory=dict)
    first: dict[ClaimStatus, datetime] = field(default_factory=dict)

    def add(self, status: ClaimStatus, n: int, loss: int, paid: int, first: datetime) -> None:
        totals = self.counts.setdefault(status, [0, 0, 0])
        totals[0], totals[1], totals[2] = totals[0] + n, totals[1] + loss, totals[2] + paid
        if status not in self.first or first < self.first[status]:
            self.first[status] = first

    def oldest_open(self) -> datetime | None:
        return min((self.first[s] for s in claim_steps.OPEN if s in self.first), default=None)

    def open_count(self) -> int:
        return sum(self.counts[s][0] for s in claim_steps.OPEN if s in self.counts)


def today() -> date:
    """The city's calendar day now."""
    return to_local(utcnow()).date()


def age_days(filed_at: datetime, *, on: date) -> int:
    """City calendar days from the day of filing to ``on`` (0 on the day itself)."""
    return (on - to_local(filed_at).date()).days


def overview(session: Session) -> Overview:
    """The fund as the office's page shows it, as of now."""
    on = today()
    accounts = {b.code: b for b in ledger.balances(session, prefix="")}
    versions: dict[str, list[CooperationAgreement]] = {}
    for version in repository.every_agreement(session):
        versions.setdefault(version.lender_code, []).append(version)
    quality = repository.covered_quality_by_lender(session)
    suspended = repository.suspended_lenders(session)
    everywhere = _Filings()
    per_bank: dict[str, _Filings] = {}
    for code, status, n, loss, paid, first in repository.claim_pipeline(session):
        everywhere.add(status, n, loss, paid, first)
        per_bank.setdefault(code, _Filings()).add(status, n, loss, paid, first)
    names = lender_service.names(session, codes=list(versions))
    banks = [
        _bank(
            code,
            names.get(code, code),
            versions[code],
            accounts=accounts,
            quality=quality.get(code, (0, 0)),
            suspended=code in suspended,
            filings=per_bank.get(code, _Filings()),
            on=on,
        )
        for code in sorted(versions)
    ]
    return Overview(
        today=on, position=_position(accounts), banks=banks, pipeline=_pipeline(everywhere, on)
    )


def bank(session: Session, *, lender_code: str) -> BankFund | None:
    """One bank's row of the overview (None if it never signed an agreement)."""
    return next((b for b in overview(session).banks if b.lender_code == lender_code), None)


def bank_names(session: Session) -> dict[str, str]:
    """The banks that signed an agreement, code → name, by code."""
    codes = sorted({a.lender_code for a in repository.every_agreement(session)})
    names = lender_service.names(session, codes=codes)
    return {code: names.get(code, code) for code in codes}


def claims_page(
    session: Session,
    *,
    status: ClaimStatus | None = None,
    lender_code: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[ClaimRow], int]:
    """Claims, the longest waiting first, each with its age in city calendar days."""
    rows, total = repository.claims_page(
        session, status=status, lender_code=lender_code, offset=offset, limit=limit
    )
    return rows_of(session, rows), total


def rows_of(session: Session, claims: Sequence[FundClaim]) -> list[ClaimRow]:
    on = today()
    names = lender_service.names(session, codes=[c.lender_code for c in claims])
    return [
        ClaimRow(c, names.get(c.lender_code, c.lender_code), age_days(c.filed_at, on=on))
        for c in claims
    ]


def _fen(accounts: dict[str, Balance], code: str, *, credit: bool = False) -> int:
    found = accounts.get(code)
    if found is None:
        return 0
    return found.credit_balance_fen if credit else found.debit_balance_fen


def _sum(accounts: dict[str, Balance], prefix: str, *, credit: bool = False) -> int:
    return sum(_fen(accounts, code, credit=credit) for code in accounts if code.startswith(prefix))


def _position(accounts: dict[str, Balance]) -> Position:
    capital_prefix = chart.capital("")
    return Position(
        capital_fen={
            code.removeprefix(capital_prefix): _fen(accounts, code, credit=True)
            for code in accounts
            if code.startswith(capital_prefix)
        },
        unallocated_fen=_fen(accounts, chart.UNALLOCATED),
        allocated_fen=_sum(accounts, chart.allocation("")),
        reserved_fen=_sum(accounts, chart.reserved("")),
        paid_fen=_sum(accounts, chart.payouts("")),
        recovered_fen=_sum(accounts, chart.recoveries(""), credit=True),
    )


def _bank(
    code: str,
    name: str,
    versions: list[CooperationAgreement],
    *,
    accounts: dict[str, Balance],
    quality: tuple[int, int],
    suspended: bool,
    filings: _Filings,
    on: date,
) -> BankFund:
    governing = agreements.governing(versions, on=on)
    lines = governing or versions[-1]  # an expired bank is still judged by its last terms
    left = _fen(accounts, chart.allocation(code))
    bad, covered = quality
    capacity = lines.leverage * left
    oldest = filings.oldest_open()
    return BankFund(
        lender_code=code,
        lender_name=name,
        agreement=governing,
        latest_version=versions[-1].version,
        allocation_left_fen=left,
        covered_outstanding_fen=covered,
        headroom_fen=(
            0
            if governing is None
            else cover.leverage_headroom_fen(
                leverage=governing.leverage, left_fen=left, covered_fen=covered
            )
        ),
        leverage_used_bp=covered * BASIS_POINTS // capacity if capacity else None,
        npl_bp=suspension.ratio_bp(bad, covered),
        suspension_npl_bp=lines.suspension_npl_bp,
        reinstatement_npl_bp=lines.reinstatement_npl_bp,
        suspended=suspended,
        reserved_fen=_fen(accounts, chart.reserved(code)),
        paid_fen=_fen(accounts, chart.payouts(code)),
        recovered_fen=_fen(accounts, chart.recoveries(code), credit=True),
        open_claims=filings.open_count(),
        oldest_open_age_days=None if oldest is None else age_days(oldest, on=on),
    )


def _pipeline(filings: _Filings, on: date) -> Pipeline:
    by_status = []
    for status in ClaimStatus:
        n, loss, paid = filings.counts.get(status, [0, 0, 0])
        first = filings.first.get(status)
        by_status.append(
            StatusFigures(
                status=status,
                count=n,
                unpaid_principal_fen=loss,
                amount_fen=paid,
                oldest_age_days=None if first is None else age_days(first, on=on),
            )
        )
    oldest = filings.oldest_open()
    return Pipeline(
        by_status=by_status,
        open_count=filings.open_count(),
        oldest_open_age_days=None if oldest is None else age_days(oldest, on=on),
    )


@dataclass(frozen=True)
class Suspensions:
    """A bank's stretches without new cover, oldest first, and its ratio against its lines."""

    rows: list[FundSuspension]
    npl_bp: int
    agreement: CooperationAgreement | None  # the version whose lines apply today


def claim(session: Session, *, claim_id: int) -> ClaimRow:
    """One claim with its age; ClaimNotFound if there is none."""
    found = repository.claim(session, claim_id)
    if found is None:
        raise ClaimNotFound(f"no claim {claim_id}")
    return rows_of(session, [found])[0]


def steps(session: Session, *, claim_id: int) -> list[AuditEvent]:
    """The claim's audited steps, oldest first (a claim has a handful)."""
    events, _ = audit_service.for_subject(
        session, subject_type=claims.SUBJECT, subject_id=str(claim_id), limit=STEPS_SHOWN
    )
    return list(reversed(events))


def suspensions(session: Session, *, lender_code: str) -> Suspensions:
    versions = repository.agreements(session, lender_code)
    lines = agreements.governing(versions, on=today()) or (versions[-1] if versions else None)
    return Suspensions(
        rows=repository.suspensions(session, lender_code),
        npl_bp=suspension.npl_bp(session, lender_code),
        agreement=lines,
    )
