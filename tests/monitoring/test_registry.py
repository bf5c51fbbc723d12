"""The indicator registry: consistent definitions, and docs/indicators.md generated from it."""

from __future__ import annotations

from pathlib import Path

from app.monitoring.registry import BY_CODE, INDICATORS, MEASURES, Unit, render_markdown

DOC = Path(__file__).resolve().parents[2] / "docs" / "indicators.md"


def test_every_indicator_stands_on_known_measures_with_a_unique_code() -> None:
    assert len(BY_CODE) == len(INDICATORS)
    for indicator in INDICATORS:
        assert indicator.numerator in MEASURES, indicator.code
        assert indicator.denominator is None or indicator.denominator in MEASURES
        # a plain measure is a count or an amount; a quotient has a unit of its own
        plain = indicator.unit in (Unit.COUNT, Unit.FEN)
        assert plain == (indicator.denominator is None), indicator.code
        assert indicator.name and indicator.serves


def test_the_ratios_the_issue_names_are_defined_as_it_defines_them() -> None:
    approval = BY_CODE["approval_ratio"]
    assert (approval.numerator, approval.denominator) == ("leads_approved", "leads_decided")
    obtained = BY_CODE["obtained_ratio"]
    assert (obtained.numerator, obtained.denominator) == ("loans_disbursed", "applications")
    assert BY_CODE["whitelist_loan_share"].denominator == "whitelist_members"


def test_docs_indicators_md_is_generated_from_the_code() -> None:
    rendered = render_markdown()
    assert DOC.read_text(encoding="utf-8") == rendered, "regenerate with `make docs`"
    for indicator in INDICATORS:
        assert f"| `{indicator.code}` | {indicator.name} | {indicator.formula} |" in rendered
