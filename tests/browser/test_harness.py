"""The harness itself: when a missing browser fails or skips, and that the axe check can fail."""

from __future__ import annotations

import sys

import pytest
from playwright.sync_api import Page

from tests.browser.conftest import (
    INSTALL_CHROMIUM,
    VIEWPORTS,
    assert_accessible,
    require_chromium,
)


def test_missing_chromium_fails_in_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XYD_TEST_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr("tests.conftest.IN_CI", True)
    with pytest.raises(pytest.fail.Exception, match="/nonexistent/chromium") as failed:
        require_chromium()
    assert INSTALL_CHROMIUM in str(failed.value)


def test_missing_chromium_skips_with_the_install_command_elsewhere(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("XYD_TEST_CHROMIUM", "/nonexistent/chromium")
    monkeypatch.setattr("tests.conftest.IN_CI", False)
    with pytest.raises(pytest.skip.Exception) as skipped:
        require_chromium()
    assert str(skipped.value).endswith(INSTALL_CHROMIUM)


def test_an_executable_is_taken_and_a_plain_file_is_not(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("tests.conftest.IN_CI", True)
    monkeypatch.setenv("XYD_TEST_CHROMIUM", sys.executable)
    assert require_chromium() == sys.executable
    monkeypatch.setenv("XYD_TEST_CHROMIUM", __file__)  # exists, but may not be run
    with pytest.raises(pytest.fail.Exception):
        require_chromium()


@pytest.mark.parametrize("viewport", VIEWPORTS[:1], ids=[VIEWPORTS[0].name])
def test_axe_check_names_serious_violations(page: Page) -> None:
    page.set_content(
        '<html><body><img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=">'
        '<input name="q"><p style="color:#ccc;background:#fff">浅色文字</p></body></html>'
    )
    with pytest.raises(AssertionError) as failed:
        assert_accessible(page)
    message = str(failed.value)
    for rule in ("image-alt (critical)", "label (critical)", "color-contrast (serious)"):
        assert rule in message
    assert "html-has-lang (serious)" in message and "→ img" in message


@pytest.mark.parametrize("viewport", VIEWPORTS[:1], ids=[VIEWPORTS[0].name])
def test_csp_refusals_and_missing_files_are_caught(page: Page, console_errors: list[str]) -> None:
    page.goto("/login")
    page.evaluate(
        """() => { const s = document.createElement("script");
                   s.textContent = "window.inlineRan = true"; document.head.append(s);
                   const l = document.createElement("link"); l.rel = "stylesheet";
                   l.href = "/static/missing.css"; document.head.append(l); }"""
    )
    page.wait_for_timeout(300)  # both reach the console asynchronously
    assert page.evaluate("() => window.inlineRan") is None  # the app's CSP, not bypassed
    assert any("Content Security Policy" in e for e in console_errors), console_errors
    assert any("missing.css" in e for e in console_errors), console_errors
    console_errors.clear()  # seen: this test's expected errors
