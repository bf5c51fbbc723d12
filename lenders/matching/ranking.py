"""Ranking the eligible products of one application: fit, price, and the bank's record.

A pure function of the candidates: the same products and records always rank the same way,
and every part of a product's score is kept as a reason worded for people. The score is a
weighted sum of four parts, each between 0 and 1:

- fit (35 %): the product is of the type the enterprise asked for (纯信用 / 信用 / 保证 / 抵押)
  — 1 when it is, 0.6 when it is another type the enterprise is eligible for;
- price (30 %): the product's lowest annual rate against the others' — 1 for the cheapest,
  0 for the dearest (1 for all when they cost the same);
- response (15 %): the bank's median time from offer to answer over its recent leads,
  1 / (1 + hours / 24) — 0.5 for a bank that answers in a day; 0.5 without a record;
- approval (20 %): the bank's approvals over its decisions, with one of each added so that a
  bank without a record starts at 0.5 and one decision does not swing it to 0 or 1.

The enterprise's chosen bank, if any, comes first whatever its score; ties go to the lower
rate, then to the older product.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from app.applications.models import PRODUCT_TYPE_LABELS, ProductType

WEIGHTS = {"fit": 0.35, "price": 0.30, "response": 0.15, "approval": 0.20}
OTHER_TYPE_FIT = 0.6
NO_RECORD = 0.5


@dataclass(frozen=True)
class BankRecord:
    """A bank's recent history on the platform (read by ``lenders.leads.records``)."""

    responded: int = 0
    median_response_hours: float | None = None
    decided: int = 0
    approved: int = 0


@dataclass(frozen=True)
class Candidate:
    product_id: int
    lender_code: str
    lender_name: str
    product_name: str
    product_type: ProductType
    min_rate_bp: int
    record: BankRecord


@dataclass(frozen=True)
class Ranked:
    product_id: int
    lender_code: str
    rank: int  # 1 is offered first
    score: int  # 0–10,000
    chosen: bool
    reasons: list[dict[str, Any]]


def rank(
    candidates: Sequence[Candidate],
    *,
    product_type: ProductType,
    chosen_lender: str | None,
) -> list[Ranked]:
    """Every candidate with its rank, score and reasons, best first."""
    if not candidates:
        return []
    rates = [c.min_rate_bp for c in candidates]
    cheapest, dearest = min(rates), max(rates)
    by_rate = sorted(set(rates))
    scored = []
    for candidate in candidates:
        parts, reasons = _parts(
            candidate,
            product_type=product_type,
            cheapest=cheapest,
            dearest=dearest,
            rate_place=by_rate.index(candidate.min_rate_bp) + 1,
            rate_places=len(by_rate),
        )
        score = round(10_000 * sum(WEIGHTS[name] * value for name, value in parts.items()))
        chosen = chosen_lender is not None and candidate.lender_code == chosen_lender
        if chosen:
            reasons.insert(0, {"code": "chosen_bank", "text": "企业指定的银行，优先推荐"})
        scored.append((candidate, score, chosen, reasons))
    scored.sort(key=lambda s: (not s[2], -s[1], s[0].min_rate_bp, s[0].product_id))
    return [
        Ranked(
            product_id=candidate.product_id,
            lender_code=candidate.lender_code,
            rank=place,
            score=score,
            chosen=chosen,
            reasons=reasons,
        )
        for place, (candidate, score, chosen, reasons) in enumerate(scored, start=1)
    ]


def _parts(
    candidate: Candidate,
    *,
    product_type: ProductType,
    cheapest: int,
    dearest: int,
    rate_place: int,
    rate_places: int,
) -> tuple[dict[str, float], list[dict[str, Any]]]:
    same_type = candidate.product_type is product_type
    wanted = PRODUCT_TYPE_LABELS[product_type]
    offered = PRODUCT_TYPE_LABELS[candidate.product_type]
    fit = 1.0 if same_type else OTHER_TYPE_FIT
    price = 1.0 if dearest == cheapest else (dearest - candidate.min_rate_bp) / (dearest - cheapest)
    record = candidate.record
    if record.median_response_hours is None:
        response = NO_RECORD
        response_text = "该行暂无响应记录"
    else:
        response = 1 / (1 + record.median_response_hours / 24)
        response_text = f"该行近期响应时间中位数 {record.median_response_hours:.1f} 小时"
    approval = (record.approved + 1) / (record.decided + 2)
    approval_text = (
        f"该行过往审批通过率 {record.approved / record.decided:.0%}"
        f"（{record.approved}/{record.decided}）"
        if record.decided
        else "该行暂无审批记录"
    )
    parts = {"fit": fit, "price": price, "response": response, "approval": approval}
    reasons: list[dict[str, Any]] = [
        {
            "code": "product_type",
            "text": f"产品类型{offered}，与需求一致"
            if same_type
            else f"产品类型{offered}，需求为{wanted}",
            "value": candidate.product_type.value,
            "part": round(fit, 4),
        },
        {
            "code": "price",
            "text": f"年利率 {candidate.min_rate_bp / 100:.2f}% 起，"
            f"在匹配产品中第 {rate_place}/{rate_places} 低",
            "value": candidate.min_rate_bp,
            "part": round(price, 4),
        },
        {
            "code": "response",
            "text": response_text,
            "value": record.median_response_hours,
            "part": round(response, 4),
        },
        {
            "code": "approval",
            "text": approval_text,
            "value": [record.approved, record.decided],
            "part": round(approval, 4),
        },
    ]
    return parts, reasons
