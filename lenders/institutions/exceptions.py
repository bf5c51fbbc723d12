from app.core.errors import Conflict, NotFound


class LenderNotFound(NotFound):
    code = "lender_not_found"


class LenderCodeTaken(Conflict):
    code = "lender_code_taken"
