"""Ranking: fit, price, the bank's record; the chosen bank first; every part a reason."""

from __future__ import annotations

from app.applications.models import ProductType
from lenders.matching.ranking import BankRecord, Candidate, rank

PURE = ProductType.PURE_CREDIT


def candidate(
    product_id: int,
    bank: str,
    *,
    rate: int = 400,
    kind: ProductType = PURE,
    record: BankRecord | None = None,
) -> Candidate:
    return Candidate(
        product_id=product_id,
        lender_code=bank,
        lender_name=f"{bank}银行",
        product_name="信用贷",
        product_type=kind,
        min_rate_bp=rate,
        record=record or BankRecord(),
    )


def order(ranked: list) -> list[str]:  # type: ignore[type-arg]
    return [r.lender_code for r in ranked]


def test_the_cheaper_product_ranks_first_when_all_else_is_equal() -> None:
    ranked = rank(
        [candidate(1, "a", rate=450), candidate(2, "b", rate=380), candidate(3, "c", rate=400)],
        product_type=PURE,
        chosen_lender=None,
    )
    assert order(ranked) == ["b", "c", "a"]
    assert [r.rank for r in ranked] == [1, 2, 3]
    price = next(reason for reason in ranked[0].reasons if reason["code"] == "price")
    assert price["value"] == 380 and "3.80%" in price["text"] and "第 1/3 低" in price["text"]


def test_the_type_asked_for_beats_another_type_at_the_same_price() -> None:
    ranked = rank(
        [candidate(1, "a", kind=ProductType.GUARANTEED), candidate(2, "b")],
        product_type=PURE,
        chosen_lender=None,
    )
    assert order(ranked) == ["b", "a"]
    assert ranked[0].score > ranked[1].score
    fit = next(reason for reason in ranked[1].reasons if reason["code"] == "product_type")
    assert fit["text"] == "产品类型保证，需求为纯信用"


def test_a_fast_bank_that_approves_outranks_a_slow_one_that_rejects() -> None:
    fast = BankRecord(responded=10, median_response_hours=4.0, decided=10, approved=8)
    slow = BankRecord(responded=10, median_response_hours=70.0, decided=10, approved=1)
    ranked = rank(
        [candidate(1, "slow", record=slow), candidate(2, "fast", record=fast)],
        product_type=PURE,
        chosen_lender=None,
    )
    assert order(ranked) == ["fast", "slow"]
    reasons = {r["code"]: r for r in ranked[0].reasons}
    assert reasons["approval"]["text"] == "该行过往审批通过率 80%（8/10）"
    assert reasons["response"]["value"] == 4.0 and "4.0 小时" in reasons["response"]["text"]


def test_a_bank_without_a_record_is_neither_rewarded_nor_punished() -> None:
    [only] = rank([candidate(1, "new")], product_type=PURE, chosen_lender=None)
    reasons = {r["code"]: r for r in only.reasons}
    assert reasons["response"]["part"] == 0.5 and reasons["approval"]["part"] == 0.5
    assert reasons["approval"]["text"] == "该行暂无审批记录"
    # fit 1, price 1 (alone), response 0.5, approval 0.5
    assert only.score == round(10_000 * (0.35 + 0.30 + 0.15 * 0.5 + 0.20 * 0.5))


def test_the_chosen_bank_comes_first_whatever_its_score() -> None:
    ranked = rank(
        [candidate(1, "cheap", rate=300), candidate(2, "chosen", rate=600)],
        product_type=PURE,
        chosen_lender="chosen",
    )
    assert order(ranked) == ["chosen", "cheap"]
    assert ranked[0].chosen and not ranked[1].chosen
    assert ranked[0].reasons[0]["code"] == "chosen_bank"
    assert ranked[0].score < ranked[1].score


def test_ties_go_to_the_older_product_and_ranking_is_deterministic() -> None:
    candidates = [candidate(7, "x"), candidate(3, "y"), candidate(5, "z")]
    first = rank(candidates, product_type=PURE, chosen_lender=None)
    again = rank(list(reversed(candidates)), product_type=PURE, chosen_lender=None)
    assert [r.product_id for r in first] == [3, 5, 7]
    assert first == again


def test_nothing_to_rank() -> None:
    assert rank([], product_type=PURE, chosen_lender="a") == []
