from app.core.errors import Conflict, InvalidInput, NotFound


class ApplicationNotFound(NotFound):
    code = "application_not_found"


class IllegalTransition(Conflict):
    code = "illegal_transition"


class ApplicationChanged(Conflict):
    """Someone else moved the application between our read and our write; reload and retry."""

    code = "application_changed"


class EnterpriseNotActive(Conflict):
    code = "enterprise_not_active"


class UnknownLender(InvalidInput):
    code = "unknown_lender"


class LenderInactive(InvalidInput):
    code = "lender_inactive"
