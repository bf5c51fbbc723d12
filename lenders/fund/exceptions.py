"""Domain errors of the fund; ``app.api.problems`` maps them to HTTP by their base class."""

from app.core.errors import Conflict, InvalidInput, NotFound


class NoAgreement(NotFound):
    """The bank has no cooperation agreement in force on the day asked."""

    code = "fund_no_agreement"


class InvalidTerms(InvalidInput):
    code = "fund_invalid_terms"


class AllocationExceedsFund(Conflict):
    """A bank's allocation cannot grow beyond the fund's unallocated money."""

    code = "fund_allocation_exceeds_fund"


class AllocationInUse(Conflict):
    """An allocation cannot shrink below what is left of it after payouts."""

    code = "fund_allocation_in_use"


class ClaimNotFound(NotFound):
    code = "fund_claim_not_found"


class NotClaimable(Conflict):
    """Only a covered loan that defaulted may be claimed, once, within the claim window."""

    code = "fund_not_claimable"


class RiskClassNotClaimable(NotClaimable):
    """The loan's five-tier class at filing is better than the agreement's ``claimable_from``."""

    code = "fund_risk_class_not_claimable"


class ClaimStep(Conflict):
    """The claim is not at the step this act belongs to."""

    code = "fund_claim_wrong_step"


class SameHands(Conflict):
    """Maker-checker: who reviewed a claim cannot approve it, nor approve it twice."""

    code = "fund_claim_same_hands"


class FundExhausted(Conflict):
    """The bank's allocation has not the money the approved payout needs."""

    code = "fund_exhausted"


# The bank's side: registering earlier loans for cover, and monthly statements.


class NotRegistrable(Conflict):
    """A repaid or defaulted loan is past the point where cover can start."""

    code = "fund_loan_not_registrable"


class InvalidStatementMonth(InvalidInput):
    """A statement month is written YYYY-MM, a real month."""

    code = "fund_statement_month_invalid"


class StatementMonthInFuture(InvalidInput):
    """A month that has not begun in the city has no statement yet."""

    code = "fund_statement_month_future"


class PeriodCapExceeded(Conflict):
    """The payout would take the bank's compensation rate for the calendar year above the
    agreement's period cap (代偿率上限)."""

    code = "fund_period_cap_exceeded"


class PremiumMultipleReached(Conflict):
    """The bank's approved payouts have reached the agreement's multiple of premiums collected."""

    code = "fund_premium_multiple_reached"


# The run-out forecast (资金耗尽预测).


class ForecastNotFound(NotFound):
    """No forecast has been made yet."""

    code = "fund_forecast_not_found"


class InvalidForecastParameters(InvalidInput):
    """Paths, horizon, LGD, fallback PD or seed outside what the simulation honours."""

    code = "fund_forecast_invalid_parameters"
