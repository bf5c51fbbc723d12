"""A bank, through the pages only: bank1 opens an offered lead from its inbox, accepts it, is
refused an amount outside the product's range beside the field, approves within the ranges,
registers the disbursement and finds the loan among its loans — on a desktop and on a phone.

The lead is real: the story server's city trains a model, whitelists its best firms and routes
their needs to the demo banks (``story_server``), and its clock reads 01:00 Beijing time.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    StoryServer,
    Viewport,
    assert_accessible,
    assert_fits_width,
    login,
    open_menu_link,
)

Screenshot = Callable[..., Path]


def test_a_bank_accepts_approves_and_disburses_an_offered_lead(
    page: Page, story_server: StoryServer, screenshot: Screenshot, viewport: Viewport
) -> None:
    login(page, "bank1")
    page.wait_for_url(re.compile(r"/bank/leads$"))
    expect(page.get_by_role("heading", name="推荐线索", exact=True)).to_be_visible()
    page.get_by_label("状态").select_option(label="已推送")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_url(re.compile(r"status=offered"))
    offered = page.locator("main table tbody tr", has_text="已推送")
    expect(offered.first).to_contain_text("剩余")  # its working days to answer
    screenshot("inbox")
    assert_accessible(page)
    assert_fits_width(page)

    link = offered.first.get_by_role("link", name=re.compile(r"^线索 \d+$"))
    lead_name = (link.text_content() or "").strip()
    link.click()
    page.wait_for_url(re.compile(r"/bank/leads/\d+$"))
    lead_url = page.url
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text(f"{lead_name} 已推送")
    expect(page.locator("main")).to_contain_text("企业授权的信息")
    assert_accessible(page)
    page.get_by_role("button", name="受理", exact=True).click()
    expect(heading).to_contain_text("已受理")

    # An amount below the product's floor first: refused beside the amount, in Chinese.
    page.get_by_label(re.compile("^批准金额")).fill("10000.00")
    page.get_by_label(re.compile(r"^期限（月")).fill("12")
    page.get_by_label(re.compile("^年利率")).fill("4.50")
    page.get_by_role("button", name="审批通过").click()
    expect(page.locator("#amount_yuan-error")).to_contain_text("金额超出产品范围")
    expect(page.locator("#rate_percent-error")).to_have_count(0)  # 4.50 % is within
    expect(page.get_by_label(re.compile("^年利率"))).to_have_value("4.50")  # nothing is lost
    expect(heading).to_contain_text("已受理")
    screenshot("approve-refused")
    assert_accessible(page)
    assert_fits_width(page)

    page.get_by_label(re.compile("^批准金额")).fill("300000.00")
    page.get_by_role("button", name="审批通过").click()
    expect(heading).to_contain_text("审批通过")
    expect(page.locator("main")).to_contain_text("300,000.00 元，12 个月，年利率 4.50%")
    # The disbursement defaults to the city's today, not the UTC date (a day behind at 01:00).
    disbursed_on = page.get_by_label("放款日")
    expect(disbursed_on).to_have_value(story_server.today().isoformat())
    expect(page.get_by_label(re.compile("^放款金额"))).to_have_value("300000.00")
    contract = f"HZ-{viewport.name}-{page.url.rsplit('/', 1)[-1]}"
    page.get_by_label("借款合同编号").fill(contract)
    screenshot("approved")
    assert_accessible(page)
    page.get_by_role("button", name="登记放款").click()
    page.wait_for_url(re.compile(r"/bank/loans/\d+$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"贷款 {contract}")
    main = page.locator("main")
    expect(main).to_contain_text("300,000.00 元")
    expect(main).to_contain_text(f"12 个月（{story_server.today().isoformat()} 至")
    screenshot("loan")
    assert_accessible(page)
    assert_fits_width(page)

    open_menu_link(page, "贷款")
    page.wait_for_url(re.compile(r"/bank/loans$"))
    row = page.locator("main table tbody tr", has_text=contract)
    expect(row).to_contain_text("300,000.00")
    expect(row).to_contain_text("4.50%")
    screenshot("loans")
    assert_accessible(page)
    assert_fits_width(page)
    page.goto(lead_url)
    expect(page.get_by_role("heading", level=1)).to_contain_text("已放款")
