"""Names of the administrative divisions the platform's city is made of (湖州市)."""

HUZHOU_DISTRICTS = {
    "330502": "吴兴区",
    "330503": "南浔区",
    "330521": "德清县",
    "330522": "长兴县",
    "330523": "安吉县",
}


def district_name(code: str) -> str:
    """The district's name, or its code when it lies outside the city."""
    return HUZHOU_DISTRICTS.get(code, code)
