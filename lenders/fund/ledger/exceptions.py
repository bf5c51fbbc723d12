"""Domain errors of the ledger; ``app.api.problems`` maps them to HTTP by their base class."""

from app.core.errors import Conflict, InvalidInput, NotFound


class AccountNotFound(NotFound):
    code = "ledger_account_not_found"


class TransferNotFound(NotFound):
    code = "ledger_transfer_not_found"


class InvalidTransfer(InvalidInput):
    """A non-positive amount, an account paying itself, an empty journal."""

    code = "invalid_transfer"


class LimitExceeded(Conflict):
    """The posting would take an account below zero on the side it forbids."""

    code = "ledger_limit_exceeded"


class KeyReused(Conflict):
    """An idempotency key already names a different posting."""

    code = "ledger_key_reused"


class AlreadyReversed(Conflict):
    code = "ledger_already_reversed"
