from app.core.errors import (
    Conflict,
    DomainError,
    ErrorKind,
    InvalidInput,
    NotAuthenticated,
    NotFound,
    PermissionDenied,
)


class InvalidCredentials(NotAuthenticated):
    code = "invalid_credentials"


class UsernameTaken(Conflict):
    code = "username_taken"


class UserNotFound(NotFound):
    code = "user_not_found"


class ApiKeyNotFound(NotFound):
    code = "api_key_not_found"


class InvalidAccount(InvalidInput):
    code = "invalid_account"


class RegistrationRefused(PermissionDenied):
    code = "registration_refused"


class RegistrationMisconfigured(DomainError):
    code = "registration_unavailable"
    kind = ErrorKind.UNAVAILABLE


class RegistrationNotFound(NotFound):
    code = "registration_not_found"


class RegistrationClosed(Conflict):
    code = "registration_closed"


class WrongCode(InvalidInput):
    code = "wrong_code"


class AccountLimitReached(Conflict):
    code = "account_limit_reached"


class InvalidLicence(InvalidInput):
    code = "invalid_licence"


class WrongPassword(InvalidInput):
    code = "wrong_password"


class WeakPassword(InvalidInput):
    code = "weak_password"


class OwnPasswordReset(Conflict):
    """An administrator may not reset its own password: it changes it, knowing the current one."""

    code = "own_password_reset"
