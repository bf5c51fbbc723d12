"""What crosses the boundary for the fund: yuan strings and basis points in, fen stored."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from app.core.ids import RowId
from app.core.money import YuanInput, yuan_to_fen
from lenders.fund import models

BASIS_POINTS = 10_000  # 100 %


def _positive(value: str | int) -> str | int:
    if yuan_to_fen(value) <= 0:  # the grammar is checked already; this is the range
        raise ValueError("金额必须大于 0")
    return value


# A fund amount in yuan: more than 0; a fund's capital may well exceed one loan's ceiling.
FundYuan = Annotated[YuanInput, AfterValidator(_positive)]
Share = Annotated[int, Field(ge=1, le=BASIS_POINTS, description="basis points: 4000 is 40 %")]


class _Body(BaseModel):
    model_config = ConfigDict(str_strip_whitespace=True, extra="forbid")


class ContributionCreate(_Body):
    """Capital put into the fund (出资) by the office or another contributor."""

    contributor: str = Field(
        default="office", min_length=1, max_length=40, pattern=r"^[a-z0-9_-]+$"
    )
    amount_yuan: FundYuan

    @property
    def amount_fen(self) -> int:
        return yuan_to_fen(self.amount_yuan)


class AgreementTerms(_Body):
    """The terms of a bank's cooperation agreement with the fund (合作协议); defaults as SPEC §7."""

    effective_from: date
    expires_on: date | None = None
    allocation_yuan: Annotated[YuanInput, Field(description="the fund's money set aside")]
    compensation_ratio_bp: Share = models.DEFAULT_COMPENSATION_RATIO_BP
    leverage: int = Field(default=models.DEFAULT_LEVERAGE, ge=1, le=100)
    enterprise_cap_yuan: FundYuan = str(models.DEFAULT_ENTERPRISE_CAP_FEN // 100)
    eligible_product_ids: list[RowId] = Field(default_factory=list, max_length=200)
    claim_window_days: int = Field(default=models.DEFAULT_CLAIM_WINDOW_DAYS, ge=1, le=3_650)
    premium_rate_bp: Annotated[int, Field(ge=0, le=BASIS_POINTS)] | None = Field(
        default=None, description="保费: basis points of each covered loan's principal"
    )
    premium_match_bp: Annotated[int, Field(ge=1, le=BASIS_POINTS)] | None = Field(
        default=None, description="the programme's match of each premium, basis points of it"
    )
    period_cap_bp: Share | None = Field(
        default=None, description="代偿率上限: a calendar year's payouts ÷ covered principal"
    )
    payout_premium_multiple: Annotated[int, Field(ge=1, le=100)] | None = Field(
        default=None, description="payouts at most this multiple of premiums collected"
    )
    claimable_from: models.RiskClass = Field(
        default=models.DEFAULT_CLAIMABLE_FROM,
        description="the best five-tier class a claim may be filed on",
    )
    recovery_notice_days: Annotated[int, Field(ge=1, le=365)] | None = Field(
        default=None, description="days a bank has to report a recovery (SSBCI: 30)"
    )
    suspension_npl_bp: Share = models.DEFAULT_SUSPENSION_NPL_BP
    reinstatement_npl_bp: Annotated[int, Field(ge=0, le=BASIS_POINTS)] = (
        models.DEFAULT_REINSTATEMENT_NPL_BP
    )
    second_approval_above_yuan: FundYuan = str(models.DEFAULT_SECOND_APPROVAL_ABOVE_FEN // 100)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        if self.expires_on is not None and self.expires_on < self.effective_from:
            raise ValueError("协议到期日不能早于生效日")
        if self.reinstatement_npl_bp >= self.suspension_npl_bp:
            raise ValueError("恢复线须低于暂停线")
        if len(set(self.eligible_product_ids)) != len(self.eligible_product_ids):
            raise ValueError("适用产品重复")
        if self.premium_match_bp is not None and self.premium_rate_bp is None:
            raise ValueError("配套资金按保费计算，须先设保费费率")
        if self.payout_premium_multiple is not None and self.premium_rate_bp is None:
            raise ValueError("赔付上限按已收保费计算，须先设保费费率")
        if self.claimable_from.rank < models.DEFAULT_CLAIMABLE_FROM.rank:
            raise ValueError("违约贷款至少为次级，可代偿分类须为次级、可疑或损失")
        return self

    @property
    def allocation_fen(self) -> int:
        return yuan_to_fen(self.allocation_yuan)

    @property
    def enterprise_cap_fen(self) -> int:
        return yuan_to_fen(self.enterprise_cap_yuan)

    @property
    def second_approval_above_fen(self) -> int:
        return yuan_to_fen(self.second_approval_above_yuan)


class ClaimRejection(_Body):
    reason: str = Field(min_length=1, max_length=500, pattern=r"^[^\x00-\x1f\x7f]+$")
