"""The administrator, through the pages only: opens 评分模型, opens a candidate, promotes it,
sees it become the one champion, and finds the promotion in 审计日志 by its filters — on a
desktop and on a phone.

The candidate is real: the story server's city trains and promotes a model, then registers a
second (``story_server``). The phone run promotes the version the desktop run retired; either
way the audit log holds the promotion, dated by the city's day on a clock at 01:00 Beijing.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    StoryServer,
    assert_accessible,
    assert_fits_width,
    login,
    open_menu_link,
)

Screenshot = Callable[..., Path]


def test_the_admin_promotes_a_candidate_model_and_finds_it_audited(
    page: Page, story_server: StoryServer, screenshot: Screenshot
) -> None:
    login(page, "admin")
    open_menu_link(page, "评分模型")
    page.wait_for_url(re.compile(r"/models$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("评分模型")
    rows = page.locator("main table tbody tr")
    expect(rows.filter(has_text="在用")).to_have_count(1)  # one champion
    candidate = rows.filter(has_text="备选").first
    link = candidate.get_by_role("link")
    name = (link.text_content() or "").strip()
    assert re.fullmatch(r"m\d{8}-\d{3}", name), name
    champion = (rows.filter(has_text="在用").get_by_role("link").text_content() or "").strip()
    screenshot("models")
    assert_accessible(page)
    assert_fits_width(page)

    link.click()
    page.wait_for_url(re.compile(rf"/models/{name}$"))
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"{name} 备选")
    expect(page.get_by_role("heading", name="启用该模型")).to_be_visible()
    test_row = page.locator("main table tbody tr", has_text="测试集（跨期）")
    expect(test_row).to_contain_text(re.compile(r"0\.\d{4}"))  # its AUC, judged before promoting
    screenshot("candidate")
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_role("button", name="启用为在用模型").click()
    expect(heading).to_contain_text(f"{name} 在用")
    expect(page.get_by_role("button", name="启用为在用模型")).to_have_count(0)
    screenshot("promoted")
    assert_accessible(page)

    page.get_by_role("link", name="全部模型").click()
    page.wait_for_url(re.compile(r"/models$"))
    expect(rows.filter(has_text="在用")).to_have_count(1)  # still one champion: this one
    expect(rows.filter(has_text="在用")).to_contain_text(name)
    expect(rows.filter(has_text=champion)).to_contain_text("备选")  # the previous stepped down

    open_menu_link(page, "审计日志")
    page.wait_for_url(re.compile(r"/admin/audit"))
    today = story_server.today().isoformat()  # the city's day, the UTC one's next at 01:00
    page.get_by_label("操作", exact=True).fill("model.promote")
    page.get_by_label("对象类型").fill("model")
    page.get_by_label("对象编号").fill(name)
    page.get_by_label("起始日期").fill(today)
    page.get_by_label("截止日期").fill(today)
    page.get_by_role("button", name="查询").click()
    page.wait_for_url(re.compile(r"action=model\.promote"))
    found = page.locator("main table tbody tr").first
    expect(found).to_contain_text("model.promote")
    expect(found).to_contain_text(f"model {name}")
    expect(found).to_contain_text(f'"previous": "{champion}"')
    expect(found).to_contain_text("系统管理员")
    expect(page.get_by_label("对象编号")).to_have_value(name)  # the filters stay filled
    screenshot("audit")
    assert_accessible(page)
    assert_fits_width(page)
