"""The one validation layer: a file's text columns in, typed good rows and reasoned rejections out.

Every rule is vectorised over whole columns (city-scale files have millions of rows); values
that repeat a lot, such as codes and months, are checked once per distinct value.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from app.core import money
from app.enterprises import industry, uscc
from scoring.sources.contracts import Column, Contract, Type

EARLIEST_DATE = pd.Timestamp("1949-10-01")
EARLIEST_MONTH = pd.Timestamp("2000-01-01")
# ASCII digits only: ``\d`` also matches full-width and other digits, which no cast reads.
NUMBER_PATTERN = r"^[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]{1,3})?$"
TRUE_WORDS = frozenset({"true", "1", "yes", "y", "是", "t"})
FALSE_WORDS = frozenset({"false", "0", "no", "n", "否", "f"})
# What each rule means, in English for the documentation (docs/data-contracts.md).
RULES = {
    "required": "is required",
    "uscc_format": "is not an 18-character unified social credit code with a valid division",
    "date_format": "is not a date written YYYY-MM-DD",
    "date_in_future": "is after the load date",
    "date_too_early": "is before 1949-10-01",
    "month_format": "is not a month written YYYY-MM",
    "month_in_future": "is after the load month",
    "month_too_early": "is before 2000-01",
    "year_range": "is not a year from 2000 to the load year",
    "money_format": "is not a non-negative amount of yuan with at most two decimals",
    "number_format": "is not a number",
    "count_format": "is not a whole number",
    "negative": "is negative",
    "below_minimum": "is below the minimum",
    "absurd": "is implausibly large",
    "not_allowed": "is not one of the allowed values",
    "bool_format": "is not true or false",
    "too_short": "is too short",
    "industry": "is not a GB/T 4754 division of the given section",
    "unknown_district": "is not a district of this city",
    "phone_format": "is not a mainland mobile number (11 digits starting 13–19)",
    "before_start": "is before the publicity start date",
    "before_disbursement": "is before the disbursement month",
    "duplicate_key": "repeats the key of an earlier row in the same file",
}
# What a person reads for each rule (the rule code itself is the stable part programs use).
MESSAGES = {
    "required": "必填，不能为空",
    "uscc_format": "不是 18 位、区划代码有效的统一社会信用代码",
    "date_format": "不是 YYYY-MM-DD 格式的日期",
    "date_in_future": "晚于载入日期",
    "date_too_early": "早于 1949-10-01",
    "month_format": "不是 YYYY-MM 格式的月份",
    "month_in_future": "晚于载入月份",
    "month_too_early": "早于 2000-01",
    "year_range": "不是 2000 年至载入年份之间的年份",
    "money_format": "不是非负、最多两位小数的人民币金额（元）",
    "number_format": "不是数字",
    "count_format": "不是整数",
    "negative": "不能为负数",
    "below_minimum": "低于下限",
    "absurd": "大得不合常理",
    "not_allowed": "不在允许的取值之内",
    "bool_format": "不是“是”或“否”（true / false）",
    "too_short": "太短",
    "industry": "不是所填门类下的 GB/T 4754 行业大类",
    "unknown_district": "不是本市的区县",
    "phone_format": "不是大陆手机号（13–19 开头的 11 位数字）",
    "before_start": "早于公示开始日期",
    "before_disbursement": "早于放款月份",
    "duplicate_key": "与同一文件中前面某行的主键重复",
}


def describe(column: str, rule: str) -> str:
    """The Chinese text of ``column`` breaking ``rule``, as stored with each rejected row; rows
    stored before the texts were Chinese are shown with it too."""
    return f"{column} {MESSAGES.get(rule, rule)}"


@dataclass(frozen=True)
class Context:
    """What the rules need to know beyond the file itself."""

    load_date: date
    districts: frozenset[str]
    accepted_codes: frozenset[str] = frozenset()  # codes accepted from the USCC review list


@dataclass
class Validated:
    """Typed good rows (``_row`` is the 1-based data row in the file) and the rejections."""

    rows: pd.DataFrame
    rejections: pd.DataFrame  # _row, column, rule, message
    held_for_review: pd.Series  # boolean, aligned with ``rows``: USCC check char fails


class Violations:
    """Collects (row, column, rule) triples from boolean masks."""

    def __init__(self) -> None:
        self._parts: list[pd.DataFrame] = []

    def add(
        self, mask: pd.Series | np.ndarray, *, rows: np.ndarray, column: str, rule: str
    ) -> None:
        flagged = rows[np.asarray(mask, dtype=bool)]
        if len(flagged):
            self._parts.append(pd.DataFrame({"_row": flagged, "column": column, "rule": rule}))

    def frame(self) -> pd.DataFrame:
        if not self._parts:
            return pd.DataFrame({"_row": pd.Series(dtype="int64"), "column": [], "rule": []})
        found = pd.concat(self._parts, ignore_index=True)
        found["message"] = found["column"] + " " + found["rule"].map(MESSAGES).fillna(found["rule"])
        return found


def stripped(series: pd.Series, *, spaces_only: bool = False) -> pd.Series:
    """Text without surrounding blanks (ASCII spaces with ``spaces_only``); empty is missing."""
    text = series.astype("string").str.strip(" " if spaces_only else None)
    return text.mask(text == "")


def validate(frame: pd.DataFrame, contract: Contract, context: Context) -> Validated:
    """Check every row of ``frame`` (text columns named as the contract) against ``contract``."""
    rows = np.arange(1, len(frame) + 1, dtype=np.int64)
    found = Violations()
    typed: dict[str, pd.Series] = {"_row": pd.Series(rows)}
    held = pd.Series(False, index=frame.index)
    for column in contract.columns:
        raw = (
            # A code is checked as written, less edge spaces, as everywhere (uscc.normalize).
            stripped(frame[column.name], spaces_only=column.type is Type.USCC)
            if column.name in frame
            else pd.Series(pd.NA, index=frame.index, dtype="string")
        )
        missing = raw.isna()
        if column.required:
            found.add(missing, rows=rows, column=column.name, rule="required")
        value, problems = convert(raw, column, context)
        for rule, mask in problems.items():
            if not rule.startswith("_"):
                found.add(mask & ~missing, rows=rows, column=column.name, rule=rule)
        if column.type is Type.USCC:
            # Some real early pilot-region codes fail the check: held for review, not rejected.
            held = problems.pop("_held") & ~missing
        typed[_stored_name(column)] = value
    result = pd.DataFrame(typed, index=frame.index)
    _cross_checks(result, contract, context, found, rows)
    rejections = found.frame()
    bad = np.zeros(len(frame), dtype=bool)
    bad[rejections["_row"].to_numpy() - 1] = True
    _duplicates(result, contract, bad, found, rows)
    rejections = found.frame()
    bad[rejections["_row"].to_numpy() - 1] = True
    good = ~bad
    return Validated(
        rows=result[good].reset_index(drop=True),
        rejections=rejections.sort_values(["_row"], kind="stable").reset_index(drop=True),
        held_for_review=held[good].reset_index(drop=True),
    )


def _as_number(text: pd.Series, kind: pa.DataType) -> pd.Series:
    """Text already checked by a pattern (others missing) as numbers, cast by Arrow in C++."""
    array = pa.array(text.astype("string[pyarrow]").array, type=pa.string())
    numbers = pc.cast(array, kind)
    if pa.types.is_integer(kind):
        return pd.Series(
            numbers.to_pandas(types_mapper={kind: pd.Int64Dtype()}.get), index=text.index
        )
    return pd.Series(numbers.to_numpy(zero_copy_only=False), index=text.index, dtype="float64")


def _stored_name(column: Column) -> str:
    """Money is stored as integer fen: ``amount_yuan`` becomes ``amount_fen``."""
    if column.type is Type.MONEY:
        return column.name.removesuffix("_yuan") + "_fen"
    return column.name


def convert(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    """The typed values of one column and, per rule, the rows that break it."""
    converter = _CONVERTERS[column.type]
    return converter(raw, column, context)


PHONE_PATTERN = r"1[3-9][0-9]{9}"


def _text(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    problems: dict[str, pd.Series] = {}
    if column.name == "name":
        problems["too_short"] = raw.str.len() < 2
    if column.name == "district":
        problems["unknown_district"] = ~raw.isin(context.districts)
    if column.name == "contact_phone":
        problems["phone_format"] = raw.notna() & ~raw.str.fullmatch(PHONE_PATTERN).fillna(False)
    return raw, problems


def _uscc(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    """Codes are checked once per distinct value; ``_held`` marks failing check characters."""
    upper = raw.str.upper()
    positions, codes = pd.factorize(upper, use_na_sentinel=False)
    # Kept as Python strings: a NumPy text array would drop a trailing NUL (issue #11).
    codes = codes.astype(object).fillna("").to_numpy(dtype=object)
    malformed, failing = uscc.check_many(codes)
    failing &= ~np.isin(codes, list(context.accepted_codes))
    return upper, {
        "uscc_format": pd.Series(malformed[positions], index=raw.index),
        "_held": pd.Series(failing[positions], index=raw.index),
    }


def _date(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    shaped = raw.str.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}").fillna(False).astype(bool)
    parsed = pd.to_datetime(raw.where(shaped), format="%Y-%m-%d", errors="coerce")
    bad = parsed.isna()
    return parsed, {
        "date_format": bad,
        "date_in_future": ~bad & ~column.may_be_future & (parsed > pd.Timestamp(context.load_date)),
        "date_too_early": ~bad & (parsed < EARLIEST_DATE),
    }


def _month(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    shaped = raw.str.fullmatch(r"[0-9]{4}-[0-9]{2}").fillna(False).astype(bool)
    parsed = pd.to_datetime(raw.where(shaped), format="%Y-%m", errors="coerce")
    bad = parsed.isna()
    load_month = pd.Timestamp(context.load_date).to_period("M").to_timestamp()
    return parsed, {
        "month_format": bad,
        "month_in_future": ~bad & (parsed > load_month),
        "month_too_early": ~bad & (parsed < EARLIEST_MONTH),
    }


def _year(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    number = _as_number(raw.where(raw.str.fullmatch(r"[0-9]{4}").fillna(False)), pa.int64())
    valid = number.between(2000, context.load_date.year)
    return number.astype("Int64"), {"year_range": ~valid.fillna(False).astype(bool)}


def _money(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    fen, shaped = money.yuan_column_to_fen(raw)  # the one grammar of yuan, as in the API
    limit = int((column.maximum or 0) * 100)
    return fen, {"money_format": ~shaped, "absurd": fen.gt(limit).fillna(False).astype(bool)}


def _quantity(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    shaped = raw.str.fullmatch(NUMBER_PATTERN).fillna(False).astype(bool)
    number = _as_number(raw.where(shaped), pa.float64())
    bad = number.isna() | ~np.isfinite(number.fillna(0))
    return number, {
        "number_format": bad,
        "negative": ~bad & (number < 0),
        "absurd": ~bad & (number > (column.maximum or np.inf)),
    }


def _count(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    shaped = raw.str.fullmatch(r"[0-9]{1,12}").fillna(False).astype(bool)
    number = _as_number(raw.where(shaped), pa.int64())
    return number, {
        "count_format": ~shaped,
        "below_minimum": number.lt(column.minimum or 0).fillna(False).astype(bool),
        "absurd": number.gt(column.maximum or np.inf).fillna(False).astype(bool),
    }


def _enum(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    return raw, {"not_allowed": ~raw.isin(column.choices)}


def _bool(
    raw: pd.Series, column: Column, context: Context
) -> tuple[pd.Series, dict[str, pd.Series]]:
    lower = raw.str.lower()
    truthy, falsy = lower.isin(TRUE_WORDS), lower.isin(FALSE_WORDS)
    value = pd.Series(pd.NA, index=raw.index, dtype="boolean").mask(truthy, True).mask(falsy, False)
    return value, {"bool_format": ~(truthy | falsy)}


_CONVERTERS = {
    Type.TEXT: _text,
    Type.USCC: _uscc,
    Type.DATE: _date,
    Type.MONTH: _month,
    Type.YEAR: _year,
    Type.MONEY: _money,
    Type.QUANTITY: _quantity,
    Type.COUNT: _count,
    Type.ENUM: _enum,
    Type.BOOL: _bool,
}


def _cross_checks(
    result: pd.DataFrame, contract: Contract, context: Context, found: Violations, rows: np.ndarray
) -> None:
    if {"industry_section", "industry_division"} <= set(result.columns):
        pairs = result[["industry_section", "industry_division"]].drop_duplicates().dropna()
        wrong = {
            (s, d)
            for s, d in pairs.itertuples(index=False)
            if industry.division_problem(str(s).upper(), str(d)) is not None
        }
        keys = list(zip(result["industry_section"], result["industry_division"], strict=True))
        mask = np.fromiter(((s, d) in wrong for s, d in keys), dtype=bool, count=len(keys))
        found.add(mask, rows=rows, column="industry_division", rule="industry")
    if "publicity_end_after_start" in contract.checks:
        end, start = (
            pd.to_datetime(result["publicity_end"]),
            pd.to_datetime(result["publicity_start"]),
        )
        found.add(
            (end < start).fillna(False), rows=rows, column="publicity_end", rule="before_start"
        )
    if "report_not_before_disbursement" in contract.checks:
        disbursed = pd.to_datetime(result["disbursement_date"]).dt.to_period("M")
        reported = pd.to_datetime(result["report_month"]).dt.to_period("M")
        found.add(
            (reported < disbursed).fillna(False),
            rows=rows,
            column="report_month",
            rule="before_disbursement",
        )


def _duplicates(
    result: pd.DataFrame, contract: Contract, bad: np.ndarray, found: Violations, rows: np.ndarray
) -> None:
    """Among otherwise good rows, a repeated key is rejected; the first occurrence loads."""
    keys = stored_key(contract)
    # Only good rows compete: when the first row of a key was rejected, the next good one loads.
    good = result.loc[~bad, keys]
    repeated = np.zeros(len(result), dtype=bool)
    repeated[np.flatnonzero(~bad)[good.duplicated(keep="first").to_numpy()]] = True
    found.add(repeated, rows=rows, column=",".join(contract.key), rule="duplicate_key")


def stored_columns(contract: Contract) -> list[str]:
    """Column names of the typed rows as they are stored."""
    return ["_row", *(_stored_name(column) for column in contract.columns)]


def stored_key(contract: Contract) -> list[str]:
    return [_stored_name(contract.column(name)) for name in contract.key]
