"""Every page of every demo role's navigation passes axe-core and fits the screen, on a desktop
and on a phone. Each role signs in once per session; its later pages reuse the session cookie."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import BrowserContext, Page, expect

from app.accounts.models import Role
from app.pages.navigation import NAVIGATION
from tests.browser.conftest import assert_accessible, assert_fits_width, login

DEMO_USERS = {
    Role.ADMIN: "admin",
    Role.OFFICE: "office",
    Role.DATA_OPERATOR: "operator",
    Role.LENDER_USER: "bank1",
    Role.ENTERPRISE: "firm1",
}
# /docs is the vendored Swagger UI, for the people who write bank systems: its own markup nests
# buttons and greys its version stamp (axe: nested-interactive, color-contrast), which the
# platform cannot fix without patching the vendored bundle. Its lang attribute is ours and is
# checked in tests/api/test_browser_security.py; every page of the portal itself is checked here.
THIRD_PARTY_PAGES = {"/docs"}
# Pages reached from a navigation page's own links rather than the header's: walked as well.
LINKED_PAGES = {
    Role.OFFICE: (
        "/monitoring/funnel",
        "/monitoring/whitelist",
        "/monitoring/breakdown",
        "/monitoring/trend",
        "/monitoring/league",
        "/monitoring/targets",
    ),
}
PAGES = [
    pytest.param(username, href, id=f"{username}-{href.strip('/').replace('/', '_')}")
    for role, username in DEMO_USERS.items()
    for href in (*(link.href for link in NAVIGATION[role]), *LINKED_PAGES.get(role, ()))
    if href not in THIRD_PARTY_PAGES
]


def test_every_role_of_the_navigation_has_a_demo_user() -> None:
    assert set(DEMO_USERS) == set(NAVIGATION)


@pytest.fixture(scope="session")
def signed_in_cookies() -> dict[str, list[Any]]:
    """Each demo user's session cookies, from its first sign-in through the form."""
    return {}


def sign_in_once(
    page: Page, context: BrowserContext, username: str, cookies: dict[str, list[Any]]
) -> None:
    if username in cookies:
        context.add_cookies(cookies[username])
        return
    login(page, username)
    # The phone folds the navigation away, out of the accessibility tree: look past that.
    navigation = page.get_by_role("navigation", name="主导航", include_hidden=True)
    expect(navigation).to_be_attached()
    cookies[username] = list(context.cookies())


@pytest.mark.parametrize(("username", "href"), PAGES)
def test_every_navigation_page_is_accessible_and_fits(
    page: Page,
    context: BrowserContext,
    username: str,
    href: str,
    signed_in_cookies: dict[str, list[Any]],
) -> None:
    sign_in_once(page, context, username, signed_in_cookies)
    response = page.goto(href)
    assert response is not None and response.status == 200, f"{username}: {href}"
    assert not re.search(r"/login(\?|$)", page.url), f"{username} was sent to sign in: {href}"
    page.wait_for_load_state("load")
    assert_accessible(page)
    assert_fits_width(page)


def test_the_monitoring_charts_draw_under_the_content_security_policy(
    page: Page, context: BrowserContext, signed_in_cookies: dict[str, list[Any]]
) -> None:
    refused: list[str] = []
    page.on(
        "console", lambda message: refused.append(message.text) if message.type == "error" else None
    )
    sign_in_once(page, context, "office", signed_in_cookies)
    page.goto("/monitoring/funnel")
    expect(page.locator("#funnel .chart canvas")).to_have_count(1)
    expect(page.locator("#funnel-table tbody tr")).to_have_count(10)
    assert not [text for text in refused if "Content Security Policy" in text], refused
