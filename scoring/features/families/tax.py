"""Tax features (纳税): tax-credit grade, 12-month totals, sales growth, zero months and arrears."""

from __future__ import annotations

from collections.abc import Mapping
from functools import partial

import numpy as np
import pandas as pd

from scoring.features.families import monthly as m
from scoring.features.families.base import FeatureSpec, Snapshot, Unit, numbers, source_frame

FAMILY = "tax"
MONTHLY = "tax_monthly"
GRADES = "tax_grade"
MONTHLY_COLUMNS = ("uscc", "month", "tax_paid_fen", "invoiced_sales_fen", "arrears_fen")
GRADE_ORDINAL = {"A": 1.0, "B": 2.0, "M": 3.0, "C": 4.0, "D": 5.0}
# The grade of year Y is published in April of Y + 1; the exact day varies, so it counts as
# published on 30 April and may be used from 1 May on.
PUBLISHED_MONTH, PUBLISHED_DAY = 4, 30

_spec = partial(FeatureSpec, family=FAMILY, source=MONTHLY)
SPECS = (
    _spec(
        name="tax_grade",
        zh="纳税信用等级",
        direction=-1,
        unit=Unit.GRADE,
        source=GRADES,
        definition="Latest tax-credit grade published before the as-of date (year Y is published "
        "30 April Y+1) as an ordinal: A 1, B 2, M 3 (new taxpayer), C 4, D 5.",
        reason_template="最近一次纳税信用等级为{value}级",
    ),
    _spec(
        name="tax_paid_12m",
        zh="近12个月实缴税额",
        direction=0,
        unit=Unit.YUAN,
        definition="Tax paid over the 12 months before the as-of month (reported months), yuan.",
        reason_template="近12个月实缴税额{value}",
    ),
    _spec(
        name="tax_sales_12m",
        zh="近12个月开票销售额",
        direction=0,
        unit=Unit.YUAN,
        definition="Invoiced sales over the 12 months before the as-of month, yuan.",
        reason_template="近12个月开票销售额{value}",
    ),
    _spec(
        name="tax_sales_yoy",
        zh="开票销售额同比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="Invoiced sales of the last 12 months over the same months a year earlier, "
        "minus 1, on months reported in both years (at least 6).",
        reason_template="近12个月开票销售额同比{value}",
    ),
    _spec(
        name="tax_sales_yoy_3m",
        zh="近3个月开票销售额同比变化",
        direction=+1,
        unit=Unit.CHANGE,
        definition="Invoiced sales of the last 3 months over the same months a year earlier, "
        "minus 1, on months reported in both years (at least 2).",
        reason_template="近3个月开票销售额同比{value}",
    ),
    _spec(
        name="tax_zero_tax_months_12m",
        zh="近12个月零纳税月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 with no tax paid.",
        reason_template="近12个月中有{value}个月实缴税额为零",
    ),
    _spec(
        name="tax_zero_sales_months_12m",
        zh="近12个月零开票月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 with no invoiced sales.",
        reason_template="近12个月中有{value}个月开票销售额为零",
    ),
    _spec(
        name="tax_arrears_months_12m",
        zh="近12个月欠税月数",
        direction=-1,
        unit=Unit.COUNT,
        definition="Reported months of the last 12 with tax arrears above zero.",
        reason_template="近12个月中有{value}个月存在欠税",
    ),
    _spec(
        name="tax_arrears_latest",
        zh="最近欠税金额",
        direction=-1,
        unit=Unit.YUAN,
        definition="Tax arrears in the latest reported month of the last 3, yuan.",
        reason_template="最近一个申报月欠税{value}",
    ),
)


def _grades(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> np.ndarray:
    """The latest grade published before the as-of date, as an ordinal."""
    frame = source_frame(sources, GRADES, ("uscc", "year", "grade"))
    as_of = snapshot.as_of
    after_publication = (as_of.month, as_of.day) > (PUBLISHED_MONTH, PUBLISHED_DAY)
    latest_year = as_of.year - 1 if after_publication else as_of.year - 2
    firm = snapshot.positions(frame["uscc"])
    year = numbers(frame["year"])
    grade = frame["grade"].astype("str").map(GRADE_ORDINAL).to_numpy(dtype=np.float64)
    keep = (firm >= 0) & (year <= latest_year) & ~np.isnan(grade)
    usable = pd.DataFrame({"firm": firm[keep], "year": year[keep], "grade": grade[keep]})
    newest = usable.sort_values(["firm", "year"], kind="stable").drop_duplicates(
        "firm", keep="last"
    )
    result = np.full(snapshot.size, np.nan)
    result[newest["firm"].to_numpy()] = newest["grade"].to_numpy()
    return result


def compute(sources: Mapping[str, pd.DataFrame], *, snapshot: Snapshot) -> pd.DataFrame:
    """Tax features of every enterprise of the snapshot."""
    frame = source_frame(sources, MONTHLY, MONTHLY_COLUMNS)
    money = dict.fromkeys(MONTHLY_COLUMNS[2:], 0.01)
    panel = m.monthly(frame, columns=MONTHLY_COLUMNS[2:], snapshot=snapshot, scale=money)
    paid, sales, arrears = panel["tax_paid_fen"], panel["invoiced_sales_fen"], panel["arrears_fen"]
    paid12, sales12, arrears12 = m.last(paid, 12), m.last(sales, 12), m.last(arrears, 12)
    return pd.DataFrame(
        {
            "tax_grade": _grades(sources, snapshot=snapshot),
            "tax_paid_12m": m.total(paid12),
            "tax_sales_12m": m.total(sales12),
            "tax_sales_yoy": m.change(sales12, m.last(sales, 12, skip=12), min_months=6),
            "tax_sales_yoy_3m": m.change(m.last(sales, 3), m.last(sales, 3, skip=12), min_months=2),
            "tax_zero_tax_months_12m": m.months_where(paid12, paid12 == 0),
            "tax_zero_sales_months_12m": m.months_where(sales12, sales12 == 0),
            "tax_arrears_months_12m": m.months_where(arrears12, arrears12 > 0),
            "tax_arrears_latest": m.latest(arrears, within=3),
        },
        index=snapshot.index,
    )
