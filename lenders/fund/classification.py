"""The five-tier classification (五级分类) of a loan when a claim is filed on it.

By days past due, as the loan-risk classification rules put it (《商业银行金融资产风险分类办法》):
0 days 正常, 1–90 关注, 91–180 次级, 181–360 可疑, more than 360 损失. A defaulted loan is
non-performing whatever its days past due say, so it is at least 次级: a bank may declare a
default before the days add up (insolvency, fraud), and a default with 0 days past due is 次级.
"""

from __future__ import annotations

from lenders.fund.models import RiskClass

# The last day past due of each class but 损失, best first.
UPPER_DAYS = (
    (0, RiskClass.NORMAL),
    (90, RiskClass.SPECIAL_MENTION),
    (180, RiskClass.SUBSTANDARD),
    (360, RiskClass.DOUBTFUL),
)
DEFAULTED_AT_LEAST = RiskClass.SUBSTANDARD


def by_days_past_due(days_past_due: int) -> RiskClass:
    """The class days past due alone give."""
    for last_day, risk_class in UPPER_DAYS:
        if days_past_due <= last_day:
            return risk_class
    return RiskClass.LOSS


def of_loan(*, days_past_due: int, defaulted: bool) -> RiskClass:
    """The class of a loan ``days_past_due`` late, at least 次级 once it has defaulted."""
    found = by_days_past_due(days_past_due)
    if defaulted and found.rank < DEFAULTED_AT_LEAST.rank:
        return DEFAULTED_AT_LEAST
    return found
