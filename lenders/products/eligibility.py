"""Who may borrow under a product: one pure definition shared by matching and the supermarket."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from app.enterprises.models import EntityType
from lenders.products.models import LoanProduct


@dataclass(frozen=True)
class Facts:
    """What is known about an enterprise and its need; None where it is not known."""

    grade: str | None = None
    industry_section: str | None = None
    district: str | None = None
    entity_type: EntityType | None = None
    operating_months: int | None = None
    amount_fen: int | None = None
    term_months: int | None = None
    green: bool | None = None
    tech: bool | None = None


class Rule(StrEnum):
    """The rules of a product, named as ``eligible`` reports the ones that failed."""

    AMOUNT = "amount"
    TERM = "term"
    GRADE = "grade"
    INDUSTRY = "industry"
    DISTRICT = "district"
    ENTITY_TYPE = "entity_type"
    OPERATING_MONTHS = "operating_months"
    GREEN = "green"
    TECH = "tech"


# Each check answers True (met), False (not met) or None (the fact it needs is unknown).
# A product that does not restrict by a rule meets it whatever the fact.
Check = Callable[[LoanProduct, Facts], bool | None]


def _within(value: int | None, low: int, high: int) -> bool | None:
    return None if value is None else low <= value <= high


def _among(value: str | None, allowed: list[str]) -> bool | None:
    if not allowed:
        return True
    return None if value is None else value in allowed


def _tag(product_requires: bool, has: bool | None) -> bool | None:
    if not product_requires:
        return True
    return has


def _operating(product: LoanProduct, facts: Facts) -> bool | None:
    if product.min_operating_months == 0:
        return True
    months = facts.operating_months
    return None if months is None else months >= product.min_operating_months


def _entity_type(product: LoanProduct, facts: Facts) -> bool | None:
    kind = facts.entity_type.value if facts.entity_type is not None else None
    return _among(kind, product.entity_types)


CHECKS: dict[Rule, Check] = {
    Rule.AMOUNT: lambda p, f: _within(f.amount_fen, p.min_amount_fen, p.max_amount_fen),
    Rule.TERM: lambda p, f: _within(f.term_months, p.min_term_months, p.max_term_months),
    Rule.GRADE: lambda p, f: _among(f.grade, p.grades),
    Rule.INDUSTRY: lambda p, f: _among(f.industry_section, p.industry_sections),
    Rule.DISTRICT: lambda p, f: _among(f.district, p.districts),
    Rule.ENTITY_TYPE: _entity_type,
    Rule.OPERATING_MONTHS: _operating,
    Rule.GREEN: lambda p, f: _tag(p.green, f.green),
    Rule.TECH: lambda p, f: _tag(p.tech, f.tech),
}


def eligible(product: LoanProduct, facts: Facts) -> tuple[bool, tuple[Rule, ...]]:
    """Whether the enterprise meets every rule, and the rules it fails, in ``Rule`` order.

    A rule the product imposes fails when the fact it needs is unknown: a bank that lends
    only to grade A firms has not agreed to lend to an unscored one.
    """
    failed = tuple(rule for rule, check in CHECKS.items() if check(product, facts) is not True)
    return not failed, failed


def fits(product: LoanProduct, facts: Facts) -> bool:
    """Whether no known fact breaks a rule; unknown facts are not held against the product.

    This is the supermarket's filter: a visitor who gives only a district sees every product
    open to that district.
    """
    return all(check(product, facts) is not False for check in CHECKS.values())


# The rules about the enterprise itself; amount, term and the green/tech tags are about the
# need it states when it applies.
ENTERPRISE_RULES = (
    Rule.GRADE,
    Rule.INDUSTRY,
    Rule.DISTRICT,
    Rule.ENTITY_TYPE,
    Rule.OPERATING_MONTHS,
)


def enterprise_fails(product: LoanProduct, facts: Facts) -> tuple[Rule, ...]:
    """The rules about the enterprise it does not meet (an unknown fact does not meet a rule
    the product imposes), in ``Rule`` order: what the supermarket tells it before it applies."""
    return tuple(rule for rule in ENTERPRISE_RULES if CHECKS[rule](product, facts) is not True)
