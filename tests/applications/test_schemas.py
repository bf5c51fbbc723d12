"""Validation of a financing need before it reaches the database."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from app.applications.models import ProductType
from app.applications.schemas import ApplicationCreate, WithdrawRequest
from tests.factories import application_fields


def create(**overrides: Any) -> ApplicationCreate:
    return ApplicationCreate.model_validate(application_fields(**overrides))


@pytest.mark.parametrize(
    ("amount", "fen"),
    [
        ("500000.00", 50_000_000),
        ("500000", 50_000_000),
        (500000, 50_000_000),
        ("0.01", 1),
        (" 1234.5 ", 123_450),  # spaces around are trimmed; a comma is refused (below)
        ("100000000.00", 10_000_000_000),
    ],
)
def test_amounts_in_yuan_become_integer_fen(amount: object, fen: int) -> None:
    assert create(amount_yuan=amount).amount_fen == fen


@pytest.mark.parametrize(
    ("amount", "why"),
    [
        ("500000.001", "at most two decimals"),
        ("1,234.5", "不是金额"),  # 1.2345 to a decimal-comma writer: refused, not guessed
        ("1e3", "不是金额"),
        ("1_000", "不是金额"),
        ("１０００", "不是金额"),
        ("-1.00", "金额不能为负数"),
        ("0", "金额必须大于 0"),
        ("0.00", "金额必须大于 0"),
        (0, "金额必须大于 0"),
        (500000.0, "JSON 浮点数"),
        (0.5, "JSON 浮点数"),
        ("100000000.01", "金额不能超过 100000000.00"),
        (10**12, "金额不能超过 100000000.00"),
        ("五十万", "不是金额"),
        ("NaN", "不是金额"),
        (True, "True 不是金额"),
        (None, "amount_yuan"),
    ],
)
def test_bad_amounts_are_refused(amount: object, why: str) -> None:
    with pytest.raises(ValidationError) as raised:
        create(amount_yuan=amount)
    assert why in str(raised.value)


@pytest.mark.parametrize("term", [1, 12, 120])
def test_terms_from_one_month_to_ten_years(term: int) -> None:
    assert create(term_months=term).term_months == term


@pytest.mark.parametrize("term", [0, -1, 121, 1200, "twelve", 12.5])
def test_bad_terms_are_refused(term: object) -> None:
    with pytest.raises(ValidationError) as raised:
        create(term_months=term)
    assert raised.value.errors()[0]["loc"] == ("term_months",)


@pytest.mark.parametrize("kind", ["pure_credit", "credit", "guaranteed", "collateral"])
def test_the_four_product_types(kind: str) -> None:
    assert create(product_type=kind).product_type is ProductType(kind)


@pytest.mark.parametrize("kind", ["mortgage", "纯信用", "", None, "PURE_CREDIT"])
def test_other_product_types_are_refused(kind: object) -> None:
    with pytest.raises(ValidationError) as raised:
        create(product_type=kind)
    assert raised.value.errors()[0]["loc"] == ("product_type",)


@pytest.mark.parametrize("purpose", ["", " ", "买", "用" * 501])
def test_purpose_is_required_and_bounded(purpose: str) -> None:
    with pytest.raises(ValidationError) as raised:
        create(purpose=purpose)
    assert raised.value.errors()[0]["loc"] == ("purpose",)


def test_purpose_is_trimmed_and_may_be_long() -> None:
    assert create(purpose="  购买设备  ").purpose == "购买设备"
    assert len(create(purpose="用" * 500).purpose) == 500


def test_unknown_fields_are_refused_rather_than_ignored() -> None:
    with pytest.raises(ValidationError) as raised:
        create(amount="500000.00")  # a misspelt field must not be dropped silently
    assert raised.value.errors()[0]["loc"] == ("amount",)


def test_withdraw_reason_is_optional_and_bounded() -> None:
    assert WithdrawRequest().reason is None
    assert WithdrawRequest(reason=" 已从其他渠道获得贷款 ").reason == "已从其他渠道获得贷款"
    with pytest.raises(ValidationError):
        WithdrawRequest(reason="因" * 501)
