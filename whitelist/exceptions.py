from app.core.errors import Conflict, NotFound


class ChampionNotScored(Conflict):
    code = "champion_not_scored"


class WhitelistVersionNotFound(NotFound):
    code = "whitelist_version_not_found"
