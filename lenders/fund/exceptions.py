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
