from app.core.errors import Conflict, NotFound


class ModelNotFound(NotFound):
    code = "model_not_found"


class NoChampion(NotFound):
    code = "no_champion_model"


class ModelUnavailable(Conflict):
    """The registry names a version whose files are missing or altered on this machine."""

    code = "model_unavailable"
