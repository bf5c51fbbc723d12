"""An enterprise, through the pages only: it applies, follows the application, consents to a
bank, sees who read its data, and withdraws — on a desktop and on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    LiveServer,
    assert_accessible,
    assert_fits_width,
    login,
    open_menu_link,
)

Screenshot = Callable[..., Path]


def test_an_enterprise_applies_consents_and_withdraws(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    login(page, "firm1")
    page.wait_for_url(re.compile(r"/me$"))
    screenshot("credit")
    assert_accessible(page)

    open_menu_link(page, "融资申请")
    page.wait_for_url(re.compile(r"/me/applications$"))
    before = page.locator("table tbody tr").count()
    page.get_by_role("link", name="新建申请").click()
    page.wait_for_url(re.compile(r"/me/applications/new$"))  # axe on the form, not mid-way
    assert_accessible(page)
    # A wrong amount first: the form comes back with the reason beside the field, in Chinese.
    page.get_by_label("融资金额（元）").fill("12.345")
    page.get_by_label("期限（月）").fill("24")
    page.get_by_label("用途").fill("采购原材料")
    page.get_by_label("产品类型").select_option(label="信用")
    page.get_by_role("button", name="提交申请").click()
    expect(page.locator(".field-error").first).to_contain_text("金额")
    expect(page.get_by_label("用途")).to_have_value("采购原材料")  # nothing typed is lost
    screenshot("apply-error")
    page.get_by_label("融资金额（元）").fill("800000.00")
    page.get_by_label("产品类型").select_option(label="信用")
    page.get_by_role("button", name="提交申请").click()
    page.wait_for_url(re.compile(r"/me/applications/\d+$"))
    expect(page.get_by_role("heading", name="办理进度")).to_be_visible()
    expect(page.locator("main")).to_contain_text("800,000.00 元")
    application_url = page.url
    screenshot("application")
    assert_accessible(page)
    assert_fits_width(page)

    open_menu_link(page, "数据授权")
    page.wait_for_url(re.compile(r"/me/consents$"))
    page.get_by_label("共享给指定银行").check()
    page.get_by_label("湖州银行").check()
    page.get_by_role("button", name="授权", exact=True).click()
    page.wait_for_url(re.compile(r"/me/consents$"))
    expect(page.locator("table").first).to_contain_text("湖州银行")
    screenshot("consents")
    assert_accessible(page)
    assert_fits_width(page)

    open_menu_link(page, "查询记录")
    expect(page.get_by_role("heading", name="查询记录")).to_be_visible()
    assert_accessible(page)
    assert_fits_width(page)

    page.goto(application_url)
    page.get_by_label("撤回原因（选填）").fill("资金已到位")
    page.get_by_role("button", name="撤回申请").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已撤回")
    expect(page.locator(".timeline")).to_contain_text("资金已到位")
    open_menu_link(page, "融资申请")
    assert page.locator("table tbody tr").count() >= max(before, 1)
    screenshot("withdrawn")
