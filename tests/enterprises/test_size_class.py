import pytest

from app.enterprises.size_class import FEN_PER_WAN, SizeClass, classify


def wan(amount: int) -> int:
    return amount * FEN_PER_WAN


@pytest.mark.parametrize(
    ("section", "division", "headcount", "revenue", "expected"),
    [
        ("C", "34", 10, wan(5000), SizeClass.MICRO),  # industry: under 20 people is micro
        ("C", "34", 25, wan(250), SizeClass.MICRO),  # and under 300万 revenue too
        ("C", "34", 25, wan(300), SizeClass.SMALL),
        ("C", "34", 300, wan(2000), SizeClass.MEDIUM),
        ("C", "34", 1000, wan(40000), SizeClass.LARGE),
        ("F", "52", 9, wan(5000), SizeClass.MICRO),  # retail: 10 people, 100万
        ("F", "52", 10, wan(100), SizeClass.SMALL),
        ("F", "51", 5, wan(1000), SizeClass.SMALL),  # wholesale: 5 people, 1000万
        ("A", "01", None, wan(60), SizeClass.SMALL),  # agriculture ignores headcount
        ("L", "72", 150, None, SizeClass.MEDIUM),  # other sectors: headcount only
    ],
)
def test_classification(
    section: str, division: str, headcount: int | None, revenue: int | None, expected: SizeClass
) -> None:
    assert (
        classify(section=section, division=division, headcount=headcount, revenue_fen=revenue)
        is expected
    )


def test_unknown_measure_gives_no_class() -> None:
    assert classify(section="C", division="34", headcount=None, revenue_fen=wan(500)) is None
