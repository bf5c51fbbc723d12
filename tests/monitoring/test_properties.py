"""Properties of reading the cells, over random cells: a flow's cumulative figure is the sum of
its months, and the groups of any cut add up to the uncut total."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlmodel import Session

from app.monitoring import repository, values
from app.monitoring.measures import months_between
from app.monitoring.registry import CUTS

MONTHS = months_between("2025-11", "2026-04")
cell = st.fixed_dictionaries(
    {
        "measure": st.sampled_from(["loans_disbursed", "loans_disbursed_fen", "applications"]),
        "month": st.sampled_from(MONTHS),
        "district": st.sampled_from(["330502", "330503", ""]),
        "industry_section": st.sampled_from(["C", "F"]),
        "lender_code": st.sampled_from(["bank-a", "bank-b", ""]),
        "product_type": st.sampled_from(["pure_credit", "collateral"]),
        "value": st.integers(min_value=1, max_value=10**12),
    }
)


KEY = ("measure", "month", "district", "industry_section", "lender_code", "product_type")


def unique(cells: list[dict[str, object]]) -> list[dict[str, object]]:
    """One cell per key, as the table holds them."""
    return list({tuple(row[name] for name in KEY): row for row in cells}.values())


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(cell, max_size=60).map(unique),
    code=st.sampled_from(
        ["platform_loans", "platform_loan_amount", "obtained_ratio", "applications"]
    ),
)
def test_cumulative_is_the_sum_of_months_and_cuts_add_up(
    db: Session, cells: list[dict[str, object]], code: str
) -> None:
    repository.replace_cells(db, cells)
    first, last = MONTHS[0], MONTHS[-1]
    monthly = values.series(db, code=code, first=first, last=last).points
    running = values.series(db, code=code, first=first, last=last, cumulative=True).points
    numerators = [point.numerator for point in monthly]
    assert [point.numerator for point in running] == [
        sum(numerators[: i + 1]) for i in range(len(numerators))
    ]
    if monthly[0].denominator is not None:
        denominators = [point.denominator or 0 for point in monthly]
        assert running[-1].denominator == sum(denominators)
    for cut in CUTS:
        groups = values.series(db, code=code, first=first, last=last, by=cut).points
        for point in monthly:
            parts = [g for g in groups if g.month == point.month]
            assert sum(g.numerator for g in parts) == point.numerator
            if point.denominator is not None:
                assert sum(g.denominator or 0 for g in parts) == point.denominator
