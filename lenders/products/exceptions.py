from app.core.errors import Conflict, InvalidInput, NotFound


class ProductNotFound(NotFound):
    code = "product_not_found"


class InvalidProductRange(InvalidInput):
    """A minimum above its maximum (amount, term or rate), after an edit as on creation."""

    code = "invalid_range"


class ProductRetired(Conflict):
    """A retired product is kept as it was; the lender publishes a new one instead."""

    code = "product_retired"
