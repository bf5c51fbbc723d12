"""The feature families, in the order their columns appear; each module has SPECS and compute."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Protocol

import pandas as pd

from scoring.features.families import (
    housing_fund,
    intellectual_property,
    platform_history,
    public_credit,
    registration,
    social_security,
    tax,
    utility,
)
from scoring.features.families.base import FeatureSpec, Snapshot


class Family(Protocol):
    """A family module: its feature specs and the function that computes them."""

    @property
    def FAMILY(self) -> str: ...

    @property
    def SPECS(self) -> tuple[FeatureSpec, ...]: ...

    def compute(
        self, sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot
    ) -> pd.DataFrame: ...


FAMILIES: tuple[Family, ...] = (
    registration,
    tax,
    utility,
    social_security,
    housing_fund,
    public_credit,
    intellectual_property,
    platform_history,
)
FAMILY_ZH = {
    "registration": "登记信息",
    "tax": "纳税",
    "utility": "水电气",
    "social_security": "社保",
    "housing_fund": "公积金",
    "public_credit": "公共信用",
    "intellectual_property": "知识产权",
    "platform_history": "平台借贷记录",
}
