"""Domain errors of the monitoring; ``app.api.problems`` maps them to HTTP by their base class."""

from app.core.errors import InvalidInput, NotFound


class UnknownIndicator(NotFound):
    """No indicator (or cut) of that code is in the registry."""

    code = "monitoring_unknown_indicator"


class BadMonths(InvalidInput):
    code = "monitoring_bad_months"


class BadTarget(InvalidInput):
    code = "monitoring_bad_target"


class BadFigure(InvalidInput):
    code = "monitoring_bad_figure"
