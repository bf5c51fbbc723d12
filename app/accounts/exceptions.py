from app.core.errors import Conflict, InvalidInput, NotAuthenticated, NotFound, PermissionDenied


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
