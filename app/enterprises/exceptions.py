from app.core.errors import Conflict, InvalidInput, NotFound


class EnterpriseNotFound(NotFound):
    code = "enterprise_not_found"


class EnterpriseExists(Conflict):
    code = "enterprise_exists"


class InvalidUscc(InvalidInput):
    code = "invalid_uscc"


class InvalidIndustry(InvalidInput):
    code = "invalid_industry"


class InvalidDistrict(InvalidInput):
    code = "invalid_district"


class ReviewNotFound(NotFound):
    code = "uscc_review_not_found"


class ReviewAlreadyDecided(Conflict):
    code = "uscc_review_decided"
