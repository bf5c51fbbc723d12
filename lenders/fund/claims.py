"""Claims (代偿): a bank claims the fund's share of a covered loan's loss; the office reviews
and approves with maker-checker; approval sets the money aside, payment pays it.

- Filing: the loan is covered, defaulted, unclaimed, and the claim comes within the agreement's
  claim window after the default day. The loss is the outstanding at default less what was
  recovered before the claim. The loan's five-tier class (``classification.py``) at filing is
  kept on the claim; a class better than the agreement's ``claimable_from`` is refused.
- Review, then approval by someone else (maker-checker); a payout above the agreement's
  threshold needs a second approver, a third person.
- Payout = the compensation ratio × the loss (whole fen, rounded down), cut to the premium
  multiple's room (the claim records which bound it), refused above the period cap
  (``payout_caps.py``, checked at each approval), moved on the last approval from the bank's
  allocation to a reserve (refused if the allocation has not the money), and on payment from
  the reserve to the payouts account.
- A recovery on a paid claim returns the fund's share; one the bank reports more than the
  agreement's ``recovery_notice_days`` after it happened still returns it, and the claim counts
  it in ``late_recoveries`` (audited as ``fund.claim.recovery_late``).
- Every step is audited and told to the bank as an outbox event ``fund.claim.<status>``
  (``fund.claim.recovery`` when the fund's share of a recovery returns).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlmodel import Session

from app.audit import service as audit_service
from app.audit.service import Actor
from app.core.clock import to_local, utcnow
from app.outbox import service as outbox
from lenders.fund import (
    chart,
    claim_steps,
    classification,
    payout_caps,
    position,
    repository,
    suspension,
)
from lenders.fund.exceptions import (
    ClaimNotFound,
    ClaimStep,
    FundExhausted,
    NotClaimable,
    RiskClassNotClaimable,
    SameHands,
)
from lenders.fund.ledger import service as ledger
from lenders.fund.ledger.exceptions import AccountNotFound, LimitExceeded
from lenders.fund.ledger.service import Posting
from lenders.fund.models import RISK_CLASS_LABELS, ClaimStatus, CooperationAgreement, FundClaim
from lenders.fund.schemas import BASIS_POINTS
from lenders.loans import repository as loan_repository
from lenders.loans.models import LoanStatus

SUBJECT = "fund_claim"


def file(
    session: Session, *, loan_id: int, lender_code: str, actor: Actor, today: date
) -> FundClaim:
    """The bank's claim on its covered, defaulted loan (``today``: the city's calendar day)."""
    loan = loan_repository.get(session, loan_id, for_update=True)
    if loan is None or loan.lender_code != lender_code:
        raise NotClaimable(f"loan {loan_id} is not a loan of {lender_code}")
    cover = repository.cover_of(session, loan_id)
    if cover is None or not cover.covered or cover.agreement_id is None:
        raise NotClaimable(f"loan {loan_id} is not covered by the fund")
    if loan.status is not LoanStatus.DEFAULTED or loan.defaulted_on is None:
        raise NotClaimable(f"loan {loan_id} has not defaulted")
    if repository.claim_of_loan(session, loan_id) is not None:
        raise NotClaimable(f"loan {loan_id} is claimed already")
    agreement = _agreement(session, cover.agreement_id)
    last_day = last_claim_day(defaulted_on=loan.defaulted_on, agreement=agreement)
    if today > last_day:
        raise NotClaimable(f"the claim window of loan {loan_id} closed on {last_day}")
    loss = (loan.outstanding_at_default_fen or 0) - loan.recovered_fen
    if loss <= 0:
        raise NotClaimable(f"loan {loan_id} has no loss left to claim")
    risk_class = classification.of_loan(days_past_due=loan.days_past_due, defaulted=True)
    if risk_class.rank < agreement.claimable_from.rank:
        raise RiskClassNotClaimable(
            f"贷款五级分类为{RISK_CLASS_LABELS[risk_class]}，协议约定"
            f"{RISK_CLASS_LABELS[agreement.claimable_from]}及更差的贷款方可申请代偿",
            risk_class=risk_class.value,
            claimable_from=agreement.claimable_from.value,
        )
    assert cover.id is not None
    claim = FundClaim(
        cover_id=cover.id,
        loan_id=loan_id,
        lender_code=lender_code,
        agreement_id=agreement.id or 0,
        unpaid_principal_fen=min(loss, cover.principal_fen),
        days_past_due=loan.days_past_due,
        risk_class=risk_class,
        filed_by=actor.ref,
    )
    session.add(claim)
    session.flush()
    _record(session, claim, actor=actor, action="fund.claim.file")
    return claim


def last_claim_day(*, defaulted_on: date, agreement: CooperationAgreement) -> date:
    """The last city day a claim on a loan that defaulted on ``defaulted_on`` is accepted."""
    return defaulted_on + timedelta(days=agreement.claim_window_days)


def review(session: Session, *, claim_id: int, actor: Actor) -> FundClaim:
    claim = _at(session, claim_id, ClaimStatus.FILED)
    claim.reviewed_by = actor.ref
    return _move(session, claim, ClaimStatus.REVIEWED, actor=actor, action="fund.claim.review")


def approve(
    session: Session, *, claim_id: int, actor: Actor, today: date | None = None
) -> FundClaim:
    """The first approval (after review, by someone else) or the second (a third person);
    ``today`` (the city's day, default now) is the day whose calendar year the period cap reads."""
    claim = _locked(session, claim_id)
    refusal = claim_steps.same_hands(claim, actor.ref)
    if refusal is not None:
        raise SameHands(refusal)
    day = today or to_local(utcnow()).date()
    if claim.status is ClaimStatus.REVIEWED:
        agreement = _agreement(session, claim.agreement_id)
        repository.lock_agreement_holder(session, claim.lender_code)  # one use of each cap's room
        payout = payout_caps.payout(
            session, unpaid_principal_fen=claim.unpaid_principal_fen, agreement=agreement
        )
        payout_caps.check(session, amount_fen=payout.amount_fen, agreement=agreement, on=day)
        if payout.amount_fen > agreement.second_approval_above_fen:
            claim.amount_fen, claim.amount_bound = payout.amount_fen, payout.bound
            claim.approved_by = actor.ref
            return _move(
                session,
                claim,
                ClaimStatus.AWAITING_SECOND_APPROVAL,
                actor=actor,
                action="fund.claim.approve_first",
            )
        _set_aside(session, claim, amount_fen=payout.amount_fen, actor=actor)
        # The claim's figures are written with its new status, in one UPDATE after the money
        # moved; a refusal leaves the claim as it was.
        claim.amount_fen, claim.amount_bound = payout.amount_fen, payout.bound
        claim.approved_by = actor.ref
        return _approved(session, claim, actor=actor, on=day)
    if claim.status is ClaimStatus.AWAITING_SECOND_APPROVAL:
        assert claim.amount_fen is not None
        agreement = _agreement(session, claim.agreement_id)
        repository.lock_agreement_holder(session, claim.lender_code)
        payout_caps.check(session, amount_fen=claim.amount_fen, agreement=agreement, on=day)
        _set_aside(session, claim, amount_fen=claim.amount_fen, actor=actor)
        claim.second_approved_by = actor.ref
        return _approved(session, claim, actor=actor, on=day)
    raise ClaimStep(f"claim {claim_id} is {claim.status.value}, not awaiting approval")


def reject(session: Session, *, claim_id: int, reason: str, actor: Actor) -> FundClaim:
    claim = _locked(session, claim_id)
    if claim.status not in claim_steps.REJECTABLE:
        raise ClaimStep(f"claim {claim_id} is {claim.status.value}; only an open claim is rejected")
    claim.rejected_by, claim.rejection_reason = actor.ref, reason
    return _move(session, claim, ClaimStatus.REJECTED, actor=actor, action="fund.claim.reject")


def pay(session: Session, *, claim_id: int, actor: Actor) -> FundClaim:
    """Pay an approved claim from its reserve; paying again is refused, the ledger unchanged."""
    claim = _at(session, claim_id, ClaimStatus.APPROVED)
    assert claim.amount_fen is not None and claim.id is not None
    journal = f"claim:{claim.id}:payout"
    posting = Posting(
        key=journal,
        debit=chart.payouts(claim.lender_code),
        credit=chart.reserved(claim.lender_code),
        amount_fen=claim.amount_fen,
        kind="payout",
        reference=f"claim:{claim.id}",
    )
    ledger.post(session, journal=journal, postings=[posting], actor=actor.ref)
    claim.paid_by = actor.ref
    return _move(session, claim, ClaimStatus.PAID, actor=actor, action="fund.claim.pay")


def share_recovery(
    session: Session,
    *,
    loan_id: int,
    recovery_id: int,
    amount_fen: int,
    recovered_on: date,
    reported_on: date,
    actor: Actor,
) -> int:
    """The fund's share of money the bank recovered on a paid claim's loan, returned to the
    bank's allocation at once (fen; 0 when no paid claim is open). The share is the
    compensation ratio × the recovery, and all shares together never exceed the payout. A
    recovery reported after the agreement's notice window is counted late on the claim."""
    claim = repository.claim_of_loan(session, loan_id, for_update=True)
    if claim is None or claim.status is not ClaimStatus.PAID or claim.amount_fen is None:
        return 0
    journal = f"claim:{claim.id}:recovery:{recovery_id}"
    # A recovery told again was shared already: what is left of the payout is smaller now, so
    # the share is not worked out again (it would differ from the one posted under the key).
    done = ledger.posted(session, journal)
    if done is not None:
        return done.amount_fen
    agreement = _agreement(session, claim.agreement_id)
    share = min(
        amount_fen * agreement.compensation_ratio_bp // BASIS_POINTS,
        claim.amount_fen - claim.returned_fen,
    )
    if share <= 0:
        return 0
    posting = Posting(
        key=journal,
        debit=chart.allocation(claim.lender_code),
        credit=chart.recoveries(claim.lender_code),
        amount_fen=share,
        kind="recovery",
        reference=f"claim:{claim.id}",
    )
    _, replayed = ledger.post_once(session, journal=journal, postings=[posting], actor=actor.ref)
    if replayed:
        return share
    claim.returned_fen += share
    late_by = _days_late(agreement, recovered_on=recovered_on, reported_on=reported_on)
    if late_by:
        claim.late_recoveries += 1
    claim.updated_at = utcnow()
    session.add(claim)
    session.flush()
    _record(session, claim, actor=actor, action="fund.claim.recovery", topic="fund.claim.recovery")
    if late_by:
        audit_service.record(
            session,
            actor=actor,
            action="fund.claim.recovery_late",
            subject_type=SUBJECT,
            subject_id=claim.id or 0,
            detail={
                "recovery_id": recovery_id,
                "recovered_on": recovered_on.isoformat(),
                "reported_on": reported_on.isoformat(),
                "notice_days": agreement.recovery_notice_days,
                "days_late": late_by,
            },
        )
    return share


def _days_late(agreement: CooperationAgreement, *, recovered_on: date, reported_on: date) -> int:
    """How many days past the agreement's notice window a recovery was reported (0: in time,
    or no window)."""
    if agreement.recovery_notice_days is None:
        return 0
    return max(0, (reported_on - recovered_on).days - agreement.recovery_notice_days)


def write_off(session: Session, *, claim_id: int, actor: Actor) -> FundClaim:
    """Close a paid claim (核销): the fund takes no share of recoveries after this."""
    claim = _at(session, claim_id, ClaimStatus.PAID)
    closed = _move(
        session, claim, ClaimStatus.WRITTEN_OFF, actor=actor, action="fund.claim.write_off"
    )
    loan = loan_repository.get(session, claim.loan_id, for_update=True)
    covered = repository.cover_of(session, claim.loan_id)
    assert loan is not None and covered is not None  # a claim is on a covered loan
    position.follow(session, cover=covered, loan=loan, written_off=True)  # off the book
    suspension.recheck(session, lender_code=claim.lender_code, actor=actor)
    return closed


def _set_aside(session: Session, claim: FundClaim, *, amount_fen: int, actor: Actor) -> None:
    """Move the payout from the bank's allocation to its reserve (FundExhausted without it)."""
    assert claim.id is not None
    journal = f"claim:{claim.id}:reserve"
    posting = Posting(
        key=journal,
        debit=chart.reserved(claim.lender_code),
        credit=chart.allocation(claim.lender_code),
        amount_fen=amount_fen,
        kind="claim_reserve",
        reference=f"claim:{claim.id}",
    )
    try:
        try:
            ledger.post(session, journal=journal, postings=[posting], actor=actor.ref)
        except AccountNotFound:
            # The claim accounts open when an agreement is signed; a bank that signed before
            # that opens them at its first approval (the posting wrote nothing before refusing).
            chart.open_claim_accounts(session, claim.lender_code)
            ledger.post(session, journal=journal, postings=[posting], actor=actor.ref)
    except LimitExceeded as refused:
        raise FundExhausted(
            f"{claim.lender_code}'s allocation has not {amount_fen} fen for claim {claim.id}"
        ) from refused


def _approved(session: Session, claim: FundClaim, *, actor: Actor, on: date) -> FundClaim:
    claim.approved_on = on
    return _move(session, claim, ClaimStatus.APPROVED, actor=actor, action="fund.claim.approve")


def _locked(session: Session, claim_id: int) -> FundClaim:
    claim = repository.claim(session, claim_id, for_update=True)
    if claim is None:
        raise ClaimNotFound(f"no claim {claim_id}")
    return claim


def _at(session: Session, claim_id: int, status: ClaimStatus) -> FundClaim:
    claim = _locked(session, claim_id)
    if claim.status is not status:
        raise ClaimStep(f"claim {claim_id} is {claim.status.value}, not {status.value}")
    return claim


def _move(
    session: Session, claim: FundClaim, to: ClaimStatus, *, actor: Actor, action: str
) -> FundClaim:
    claim.status = to
    claim.updated_at = utcnow()
    session.add(claim)
    session.flush()
    _record(session, claim, actor=actor, action=action)
    return claim


def _record(
    session: Session, claim: FundClaim, *, actor: Actor, action: str, topic: str = ""
) -> None:
    """Audit the step and tell the bank (topic ``fund.claim.<status>`` unless named)."""
    detail = {
        "claim_id": claim.id,
        "loan_id": claim.loan_id,
        "status": claim.status.value,
        "unpaid_principal_fen": claim.unpaid_principal_fen,
        "amount_fen": claim.amount_fen,
        "returned_fen": claim.returned_fen,
        "amount_bound": claim.amount_bound.value if claim.amount_bound else None,
        "risk_class": claim.risk_class.value,
        "late_recoveries": claim.late_recoveries,
        "rejection_reason": claim.rejection_reason,
    }
    audit_service.record(
        session,
        actor=actor,
        action=action,
        subject_type=SUBJECT,
        subject_id=claim.id or 0,
        detail=detail,
    )
    outbox.publish(
        session,
        topic=topic or f"fund.claim.{claim.status.value}",
        lender_codes=[claim.lender_code],
        payload=detail,
    )


def _agreement(session: Session, agreement_id: int) -> CooperationAgreement:
    found = repository.agreement(session, agreement_id)
    assert found is not None  # a cover or claim names the agreement it was made under
    return found
