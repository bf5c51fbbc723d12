"""Validation of a loan product before it reaches the service."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from lenders.products.schemas import ProductCreate, ProductFilters, ProductUpdate, column_values
from tests.factories import product_fields


def create(**overrides: Any) -> ProductCreate:
    return ProductCreate.model_validate(product_fields(**overrides))


def test_yuan_become_fen_and_rule_lists_are_normalised() -> None:
    data = create(
        min_amount_yuan="100000.5",
        max_amount_yuan=3_000_000,
        grades=["b", "A", "A"],
        industry_sections=["i", "C"],
        districts=["330503", "330502", "330503"],
        entity_types=["individual_business", "enterprise", "enterprise"],
    )
    values = column_values(data)
    assert (values["min_amount_fen"], values["max_amount_fen"]) == (10_000_050, 300_000_000)
    assert "min_amount_yuan" not in values
    assert values["grades"] == ["A", "B"]
    assert values["industry_sections"] == ["C", "I"]
    assert values["districts"] == ["330502", "330503"]
    assert values["entity_types"] == ["enterprise", "individual_business"]


def test_rule_lists_default_to_no_restriction() -> None:
    values = column_values(create())
    assert values["grades"] == values["industry_sections"] == values["districts"] == []
    assert values["entity_types"] == [] and values["min_operating_months"] == 0
    assert (values["green"], values["tech"], values["fund_eligible"]) == (False, False, False)


BAD = [
    pytest.param({"min_amount_yuan": 100000.5}, "JSON 浮点数", id="float-amount"),
    pytest.param({"max_amount_yuan": 3000000.0}, "JSON 浮点数", id="whole-float-amount"),
    pytest.param({"min_amount_yuan": "100000.001"}, "at most two decimals", id="3-decimals"),
    pytest.param({"min_amount_yuan": "0"}, "金额必须大于 0", id="zero-amount"),
    pytest.param({"min_amount_yuan": "-1"}, "金额不能为负数", id="negative-amount"),
    pytest.param({"max_amount_yuan": "100000000.01"}, "金额不能超过 100000000.00", id="too-large"),
    pytest.param({"min_amount_yuan": True}, "True 不是金额", id="bool-amount"),
    pytest.param({"min_term_months": 0}, "greater than or equal to 1", id="term-zero"),
    pytest.param({"max_term_months": 121}, "less than or equal to 120", id="term-over-120"),
    pytest.param({"min_rate_bp": 3.5}, "fractional part", id="rate-as-percent"),
    pytest.param({"min_rate_bp": 99}, "greater than or equal to 100", id="rate-below-1pc"),
    pytest.param({"max_rate_bp": 2401}, "less than or equal to 2400", id="rate-over-24pc"),
    pytest.param({"grades": ["A", "F"]}, "unknown grade(s) ['F']", id="unknown-grade"),
    pytest.param({"industry_sections": ["Z"]}, "unknown industry section", id="unknown-section"),
    pytest.param({"industry_sections": ["C3"]}, "unknown industry section", id="division"),
    pytest.param({"districts": ["310101"]}, "not among the city's", id="district-elsewhere"),
    pytest.param({"districts": ["33050"]}, "not among the city's", id="district-5-digits"),
    pytest.param({"entity_types": ["company"]}, "'enterprise'", id="unknown-entity-type"),
    pytest.param({"min_operating_months": -1}, "greater than or equal to 0", id="operating"),
    pytest.param({"product_type": "mortgage"}, "pure_credit", id="unknown-product-type"),
    pytest.param({"name": "贷"}, "at least 2 characters", id="name-too-short"),
    pytest.param({"lender_id": 2}, "Extra inputs", id="lender-is-the-caller"),
]


@pytest.mark.parametrize(("override", "why"), BAD)
def test_bad_products_are_refused(override: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError) as raised:
        create(**override)
    assert why in str(raised.value)


def test_an_edit_keeps_only_the_fields_it_gives() -> None:
    data = ProductUpdate.model_validate({"max_amount_yuan": "500000", "grades": []})
    assert column_values(data) == {"max_amount_fen": 50_000_000, "grades": []}


@pytest.mark.parametrize(
    ("body", "why"),
    [
        ({"name": None}, "name cannot be null"),
        ({"grades": None}, "grades cannot be null"),
        ({"min_amount_yuan": 5.0}, "JSON 浮点数"),
        ({"min_amount_yuan": "5.001"}, "at most two decimals"),
        ({"grades": ["X"]}, "unknown grade"),
        ({"status": "active"}, "Extra inputs"),
    ],
)
def test_bad_edits_are_refused(body: dict[str, Any], why: str) -> None:
    with pytest.raises(ValidationError) as raised:
        ProductUpdate.model_validate(body)
    assert why in str(raised.value)


@pytest.mark.parametrize(
    "query",
    [
        {"amount_yuan": "1.001"},
        {"amount_yuan": "0"},
        {"term_months": "121"},
        {"grade": "F"},
        {"industry_section": "Z"},
        {"district": "33050"},
        {"entity_type": "company"},
    ],
)
def test_bad_filters_are_refused(query: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        ProductFilters.model_validate(query)
