from app.core.errors import Conflict, InvalidInput, NotFound, PermissionDenied


class AuthorizationNotFound(NotFound):
    code = "authorization_not_found"


class AuthorizationNotActive(Conflict):
    code = "authorization_not_active"


class InvalidAuthorization(InvalidInput):
    code = "invalid_authorization"


class ConsentRequired(PermissionDenied):
    """A bank asked for an enterprise's data without an authorization that covers it."""

    code = "consent_required"
