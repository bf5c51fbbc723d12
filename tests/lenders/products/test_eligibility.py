"""eligible(product, facts): every rule, alone and together, table-driven. No database."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest

from app.applications.models import ProductType
from app.enterprises.models import EntityType
from lenders.products.eligibility import Facts, Rule, eligible, fits
from lenders.products.models import LoanProduct


def product(**rules: Any) -> LoanProduct:
    """A product for 10万–300万 yuan over 6–36 months, unrestricted unless ``rules`` say so."""
    fields: dict[str, Any] = {
        "lender_id": 1,
        "product_type": ProductType.PURE_CREDIT,
        "name": "小微信用贷",
        "min_amount_fen": 10_000_000,
        "max_amount_fen": 300_000_000,
        "min_term_months": 6,
        "max_term_months": 36,
        "min_rate_bp": 350,
        "max_rate_bp": 600,
        "created_by": "test",
    }
    return LoanProduct(**{**fields, **rules})


FIRM = Facts(
    grade="B",
    industry_section="C",
    district="330502",
    entity_type=EntityType.ENTERPRISE,
    operating_months=30,
    amount_fen=50_000_000,
    term_months=12,
    green=False,
    tech=False,
)

CASES = [
    # (rules of the product, the firm's facts that differ from FIRM, the rules that fail)
    pytest.param({}, {}, (), id="unrestricted-product-takes-the-firm"),
    pytest.param({}, {"amount_fen": 10_000_000}, (), id="amount-at-minimum"),
    pytest.param({}, {"amount_fen": 300_000_000}, (), id="amount-at-maximum"),
    pytest.param({}, {"amount_fen": 9_999_999}, (Rule.AMOUNT,), id="amount-below"),
    pytest.param({}, {"amount_fen": 300_000_001}, (Rule.AMOUNT,), id="amount-above"),
    pytest.param({}, {"term_months": 6}, (), id="term-at-minimum"),
    pytest.param({}, {"term_months": 36}, (), id="term-at-maximum"),
    pytest.param({}, {"term_months": 5}, (Rule.TERM,), id="term-below"),
    pytest.param({}, {"term_months": 37}, (Rule.TERM,), id="term-above"),
    pytest.param({"grades": ["A", "B"]}, {}, (), id="grade-allowed"),
    pytest.param({"grades": ["A"]}, {}, (Rule.GRADE,), id="grade-not-allowed"),
    pytest.param({"grades": ["A", "B"]}, {"grade": None}, (Rule.GRADE,), id="unscored-firm"),
    pytest.param({}, {"grade": None}, (), id="unscored-firm-unrestricted-product"),
    pytest.param({"industry_sections": ["C", "I"]}, {}, (), id="industry-allowed"),
    pytest.param({"industry_sections": ["I"]}, {}, (Rule.INDUSTRY,), id="industry-not-allowed"),
    pytest.param({"districts": ["330502"]}, {}, (), id="district-allowed"),
    pytest.param({"districts": ["330523"]}, {}, (Rule.DISTRICT,), id="district-not-allowed"),
    pytest.param({"entity_types": ["enterprise"]}, {}, (), id="entity-type-allowed"),
    pytest.param(
        {"entity_types": ["individual_business"]},
        {},
        (Rule.ENTITY_TYPE,),
        id="entity-type-not-allowed",
    ),
    pytest.param({"min_operating_months": 30}, {}, (), id="operating-exactly-enough"),
    pytest.param(
        {"min_operating_months": 31}, {}, (Rule.OPERATING_MONTHS,), id="operating-too-short"
    ),
    pytest.param(
        {"min_operating_months": 12},
        {"operating_months": None},
        (Rule.OPERATING_MONTHS,),
        id="operating-unknown",
    ),
    pytest.param({"green": True}, {"green": True}, (), id="green-product-green-need"),
    pytest.param({"green": True}, {}, (Rule.GREEN,), id="green-product-other-need"),
    pytest.param({}, {"green": True}, (), id="plain-product-takes-green-need"),
    pytest.param({"tech": True}, {"tech": True}, (), id="tech-product-tech-firm"),
    pytest.param({"tech": True}, {}, (Rule.TECH,), id="tech-product-other-firm"),
    pytest.param({}, {"tech": True}, (), id="plain-product-takes-tech-firm"),
    pytest.param(
        {"grades": ["A"], "districts": ["330523"], "tech": True},
        {"amount_fen": 1},
        (Rule.AMOUNT, Rule.GRADE, Rule.DISTRICT, Rule.TECH),
        id="every-failure-is-named-in-order",
    ),
]


@pytest.mark.parametrize(("rules", "facts", "failed"), CASES)
def test_eligible(rules: dict[str, Any], facts: dict[str, Any], failed: tuple[Rule, ...]) -> None:
    assert eligible(product(**rules), replace(FIRM, **facts)) == (not failed, failed)


def test_nothing_known_fails_only_the_amount_and_term_of_an_open_product() -> None:
    assert eligible(product(), Facts()) == (False, (Rule.AMOUNT, Rule.TERM))


@pytest.mark.parametrize(
    ("rules", "facts", "expected"),
    [
        pytest.param({"grades": ["A"]}, Facts(), True, id="unknown-grade-not-held-against"),
        pytest.param({"grades": ["A"]}, Facts(grade="B"), False, id="known-grade-outside"),
        pytest.param({"districts": ["330502"]}, Facts(district="330502"), True, id="district"),
        pytest.param(
            {"districts": ["330502"]}, Facts(district="330503"), False, id="other-district"
        ),
        pytest.param({}, Facts(amount_fen=300_000_001), False, id="amount-above"),
        pytest.param({"green": True}, Facts(), True, id="green-unknown"),
    ],
)
def test_fits_ignores_what_is_not_known(
    rules: dict[str, Any], facts: Facts, expected: bool
) -> None:
    assert fits(product(**rules), facts) is expected
