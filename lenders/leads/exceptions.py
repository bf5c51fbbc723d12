from app.core.errors import Conflict, InvalidInput, NotFound


class LeadNotFound(NotFound):
    code = "lead_not_found"


class IllegalLeadTransition(Conflict):
    code = "illegal_lead_transition"


class LeadChanged(Conflict):
    """Someone else moved the lead between our read and our write (the deadline sweep, say)."""

    code = "lead_changed"


class NoteRequired(InvalidInput):
    code = "note_required"


class ApprovalOutsideProduct(InvalidInput):
    """An approval whose amount, rate or term the product does not offer."""

    code = "approval_outside_product"
