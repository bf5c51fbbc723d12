from app.core.errors import NotFound


class ModelNotFound(NotFound):
    code = "model_not_found"


class NoChampion(NotFound):
    code = "no_champion_model"
