"""The risk-buffer fund (风险缓释基金) through the pages only, on a desktop (bank1) and on a phone
(bank2): the bank lends on an offered lead and the fund covers the loan at once; the loan
defaults and the bank claims; the office reviews the claim and is not offered its approval
(maker-checker); the administrator approves; the office pays; the bank finds the claim paid at
the fund's 40 %.

The story server's city opened the fund before the banks lent (``app/demo/fund_story.py``: an
agreement per bank, 40 % of the principal lost, pure-credit products eligible), and its clock
reads 01:00 Beijing time.
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
BANK_OF = {"desktop": "bank1", "phone": "bank2"}


def lend_on_an_offered_lead(page: Page, contract: str, today: str) -> None:
    """The bank accepts, approves 300,000 yuan and disburses it, ending on the loan's page."""
    page.goto("/bank/leads?status=offered")
    offered = page.locator("main table tbody tr", has_text="已推送")
    offered.first.get_by_role("link", name=re.compile(r"^线索 \d+$")).click()
    page.wait_for_url(re.compile(r"/bank/leads/\d+$"))
    page.get_by_role("button", name="受理", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("已受理")
    page.get_by_label(re.compile("^批准金额")).fill("300000.00")
    page.get_by_label(re.compile(r"^期限（月")).fill("12")
    page.get_by_label(re.compile("^年利率")).fill("4.50")
    page.get_by_role("button", name="审批通过").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("审批通过")
    expect(page.get_by_label("放款日")).to_have_value(today)
    page.get_by_label("借款合同编号").fill(contract)
    page.get_by_role("button", name="登记放款").click()
    page.wait_for_url(re.compile(r"/bank/loans/\d+$"))


def sign_in_as(page: Page, username: str) -> None:
    page.context.clear_cookies()
    login(page, username)


def test_a_covered_loan_defaults_and_its_claim_is_paid_through_the_pages(
    page: Page, story_server: StoryServer, screenshot: Screenshot, viewport: Viewport
) -> None:
    today = story_server.today().isoformat()
    # One bank per screen: a default takes a bank with few covered loans over its 5 % line, and
    # a suspended bank's next loan is refused cover (as the fund's rules say it must be).
    bank = BANK_OF[viewport.name]
    login(page, bank)
    page.wait_for_url(re.compile(r"/bank/leads$"))
    contract = f"FUND-{viewport.name}-{story_server.count('loans') + 1}"
    lend_on_an_offered_lead(page, contract, today)
    main = page.locator("main")
    expect(main).to_contain_text("基金已覆盖：覆盖本金 300,000.00 元")
    loan_url = page.url

    # The loan defaults today with all of it owed: the page offers the claim
    page.get_by_label("违约日").fill(today)
    page.get_by_role("button", name="登记违约").click()
    expect(main).to_contain_text("该笔贷款已违约，可在")
    screenshot("defaulted")
    assert_accessible(page)
    assert_fits_width(page)
    page.get_by_role("button", name="申请代偿").click()
    expect(page.get_by_role("status")).to_contain_text("代偿申请已提交，等待金融办审核")

    open_menu_link(page, "风险缓释")
    page.wait_for_url(re.compile(r"/bank/fund$"))
    claim_row = page.locator("main table tbody tr", has_text=contract)
    expect(claim_row.first).to_contain_text("已申报")
    expect(claim_row.first).to_contain_text("300,000.00")
    claim_id = re.sub(r"\D", "", claim_row.first.locator("td").first.inner_text())
    assert claim_id, "the bank's claim row names its number"
    screenshot("bank-claimed")
    assert_accessible(page)
    assert_fits_width(page)

    # The office reviews it, and is then not the one who may approve it
    sign_in_as(page, "office")
    page.goto(f"/fund/claims/{claim_id}")
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_contain_text("已申报")
    page.get_by_role("button", name="审核", exact=True).click()
    expect(heading).to_contain_text("已初审")
    expect(page.locator("#same-hands")).to_contain_text("审核人不能批准同一笔代偿")
    expect(page.get_by_role("button", name="批准", exact=True)).to_have_count(0)
    screenshot("office-reviewed")
    assert_accessible(page)
    assert_fits_width(page)

    # Another person approves: 40 % of the 300,000 yuan lost
    sign_in_as(page, "admin")
    page.goto(f"/fund/claims/{claim_id}")
    page.get_by_role("button", name="批准", exact=True).click()
    expect(heading).to_contain_text("已批准")
    expect(page.locator("#claim")).to_contain_text("120,000.00 元")

    sign_in_as(page, "office")
    page.goto(f"/fund/claims/{claim_id}")
    page.get_by_role("button", name="支付", exact=True).click()
    expect(heading).to_contain_text("已代偿")
    expect(page.locator("#steps")).to_contain_text("支付")
    screenshot("office-paid")
    assert_accessible(page)
    assert_fits_width(page)

    sign_in_as(page, bank)
    page.goto("/bank/fund")
    paid = page.locator("main table tbody tr", has_text=contract).filter(has_text="已代偿")
    expect(paid).to_contain_text("120,000.00")
    page.goto(loan_url)
    expect(page.get_by_role("button", name="申请代偿")).to_have_count(0)  # claimed once only
