from app.core.errors import Conflict, NotFound


class ChampionNotScored(Conflict):
    code = "champion_not_scored"


class WhitelistVersionNotFound(NotFound):
    code = "whitelist_version_not_found"


class EnterpriseNotRegistered(NotFound):
    """The whitelist judges enterprises of the registry only."""

    code = "enterprise_not_registered"
