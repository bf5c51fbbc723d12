"""Signing in, as each kind of demo user, on a desktop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.accounts.models import Role
from app.pages import navigation
from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    assert_fits_width,
    login,
    open_menu_link,
)

ACCOUNTS = ("admin", "office", "operator", "bank1", "firm1")
Screenshot = Callable[..., Path]


def test_home_page_before_sign_in_is_accessible(page: Page, screenshot: Screenshot) -> None:
    page.goto("/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("信易贷")
    expect(page.get_by_role("link", name="登录").first).to_be_visible()
    assert_fits_width(page)
    screenshot()
    assert_accessible(page)


def test_login_page_is_accessible(page: Page, screenshot: Screenshot) -> None:
    page.goto("/login")
    expect(page.get_by_role("heading", name="登录")).to_be_visible()
    expect(page.get_by_label("用户名")).to_be_visible()
    expect(page.get_by_label("密码")).to_have_attribute("type", "password")
    assert_fits_width(page)
    screenshot()
    assert_accessible(page)


@pytest.mark.parametrize("username", ACCOUNTS)
def test_demo_user_signs_in_and_sees_their_name(
    page: Page, live_server: LiveServer, screenshot: Screenshot, username: str
) -> None:
    name = live_server.display_name(username)
    login(page, username)
    home = navigation.ROLE_HOME[Role(live_server.role(username))]
    assert page.url == live_server.url + home  # each role lands on its own home
    expect(page.locator("header .who")).to_contain_text(name)
    expect(page.get_by_role("button", name="退出")).to_be_visible()
    expect(page.get_by_role("link", name="登录")).to_have_count(0)
    assert_fits_width(page)
    screenshot()
    assert_accessible(page)


def test_wrong_password_shows_the_chinese_error(page: Page, screenshot: Screenshot) -> None:
    # firm2: no other story signs it in, so its failure count never meets theirs.
    login(page, "firm2", password="not-the-password")
    assert page.url.endswith("/login")
    expect(page.get_by_role("alert")).to_have_text("用户名或密码错误。")
    expect(page.get_by_label("用户名")).to_have_value("firm2")
    expect(page.get_by_label("密码")).to_have_value("")
    expect(page.get_by_role("button", name="退出")).to_have_count(0)
    screenshot()
    assert_accessible(page)


def test_office_opens_the_enterprise_registry(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    login(page, "office")
    open_menu_link(page, "企业库")
    page.wait_for_url(re.compile(r"/enterprises$"))
    total = live_server.count("enterprises")
    heading = page.get_by_role("heading", name=re.compile("^企业库"))
    expect(heading).to_contain_text(f"共 {total} 户")
    rows = page.locator("table tbody tr")
    expect(rows.first).to_be_visible()
    assert 0 < rows.count() <= total
    screenshot()
    assert_accessible(page)


def test_enterprise_user_opens_its_own_page(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    login(page, "firm1")
    page.wait_for_url(re.compile(r"/me$"))  # the enterprise's home: 我的信用
    expect(page.get_by_role("heading", level=1)).to_have_text(live_server.display_name("firm1"))
    expect(page.get_by_role("heading", name="信用评分")).to_be_visible()
    expect(page.get_by_role("heading", name="白名单")).to_be_visible()
    assert_fits_width(page)
    screenshot()
    assert_accessible(page)


def test_bank_user_is_refused_the_registry_in_chinese(page: Page, screenshot: Screenshot) -> None:
    login(page, "bank1")
    expect(page.get_by_role("link", name="企业库")).to_have_count(0)
    response = page.goto("/enterprises")
    assert response is not None and response.status == 403
    expect(page.get_by_role("heading", level=1)).to_have_text("没有权限")
    expect(page.locator("main")).to_contain_text("只有金融办、数据运维和管理员可以查看企业库")
    screenshot()
    assert_accessible(page)
