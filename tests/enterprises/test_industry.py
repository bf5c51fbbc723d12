import pytest

from app.enterprises import industry


def test_sections_cover_divisions_01_to_97_without_gaps() -> None:
    covered = sorted(
        d for s in industry.SECTIONS.values() for d in range(s.first_division, s.last_division + 1)
    )
    assert covered == list(range(1, 98))


@pytest.mark.parametrize(
    ("section", "division"), [("C", "34"), ("F", "52"), ("A", "01"), ("T", "97")]
)
def test_valid_pairs(section: str, division: str) -> None:
    assert industry.division_problem(section, division) is None


@pytest.mark.parametrize(
    ("section", "division", "fragment"),
    [
        ("Z", "01", "not a GB/T 4754 section"),
        ("C", "99", "not a GB/T 4754 division"),
        ("C", "52", "belongs to section F"),
        ("C", "3a", "not a GB/T 4754 division"),
    ],
)
def test_invalid_pairs(section: str, division: str, fragment: str) -> None:
    problem = industry.division_problem(section, division)
    assert problem is not None and fragment in problem
