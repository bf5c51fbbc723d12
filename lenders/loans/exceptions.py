"""Domain errors of loans; ``app.api.problems`` maps them to HTTP by their base class."""

from app.core.errors import Conflict, InvalidInput, NotFound


class LoanNotFound(NotFound):
    code = "loan_not_found"


class LeadNotApproved(Conflict):
    """Only an approved lead is disbursed, and only once."""

    code = "lead_not_approved"


class ContractIdTaken(Conflict):
    """A bank's contract ids are unique among its loans on the platform."""

    code = "contract_id_taken"


class AmountAboveApproved(InvalidInput):
    code = "amount_above_approved"


class DateInFuture(InvalidInput):
    """Business dates are the city's calendar days; a report cannot come before its day."""

    code = "date_in_future"


class DateOutOfOrder(InvalidInput):
    """A date before the event it follows (disbursement before the application, and so on)."""

    code = "date_out_of_order"


class RepaymentExists(Conflict):
    """A loan's month is reported once; a retry under the same Idempotency-Key is replayed."""

    code = "repayment_exists"


class EmptyRepayment(InvalidInput):
    code = "empty_repayment"


class RepaymentExceedsOutstanding(InvalidInput):
    code = "repayment_exceeds_outstanding"


class LoanRepaid(Conflict):
    """A repaid loan is closed: nothing more is repaid or defaults on it."""

    code = "loan_repaid"


class LoanDefaulted(Conflict):
    """After default the bank reports recoveries, not repayments."""

    code = "loan_defaulted"


class AlreadyDefaulted(Conflict):
    code = "already_defaulted"


class LoanNotDefaulted(Conflict):
    """Recoveries follow a default."""

    code = "loan_not_defaulted"


class OutstandingAboveBalance(InvalidInput):
    """The outstanding at default cannot exceed what the platform knows is still owed."""

    code = "outstanding_above_balance"


class RecoveryExceedsLoss(InvalidInput):
    code = "recovery_exceeds_loss"


class DaysPastDueImplausible(InvalidInput):
    """More days past due than days since disbursement is a slip, not a fact."""

    code = "days_past_due_implausible"
