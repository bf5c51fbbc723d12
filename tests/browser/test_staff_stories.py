"""Staff through the pages only: the operator uploads a file with bad rows and downloads them;
the office filters, searches and pages 企业库 — on a desktop and on a phone."""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Callable
from contextlib import closing
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


def first_uscc(live_server: LiveServer) -> tuple[str, str]:
    with closing(sqlite3.connect(live_server.database)) as connection:
        uscc, name = connection.execute(
            "SELECT uscc, name FROM enterprises ORDER BY uscc LIMIT 1"
        ).fetchone()
    return str(uscc), str(name)


def test_an_operator_uploads_a_file_with_bad_rows_and_downloads_them(
    page: Page, live_server: LiveServer, screenshot: Screenshot, tmp_path: Path
) -> None:
    uscc, _name = first_uscc(live_server)
    upload = tmp_path / "tax_grade-2025.csv"
    upload.write_text(
        "uscc,year,grade\n"
        f"{uscc},2025,A\n"
        f"{uscc},2024,Z\n"  # not a grade
        '=HYPERLINK("http://evil.example"),2025,B\n',  # a formula where a code belongs
        encoding="utf-8",
    )
    login(page, "operator")
    open_menu_link(page, "数据批次")
    page.wait_for_url(re.compile(r"/batches$"))
    assert_accessible(page)
    page.get_by_label("数据类型").first.select_option("tax_grade")
    page.get_by_label(re.compile("^文件")).set_input_files(str(upload))
    page.get_by_role("button", name="上传").click()
    page.wait_for_url(re.compile(r"/batches/\d+(\?.*)?$"))
    for _ in range(30):  # the load runs in the background; its page shows where it is
        if "共 2 行" in (page.locator("main").text_content() or ""):
            break
        page.wait_for_timeout(500)
        page.reload()
    expect(page.get_by_role("heading", name=re.compile("^拒收的行"))).to_contain_text("共 2 行")
    expect(page.locator("main table")).to_contain_text("不在允许的取值之内")  # why, in Chinese
    screenshot("batch")
    assert_accessible(page)
    assert_fits_width(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="下载拒收行（CSV）").click()
    rejected = Path(download.value.path()).read_text(encoding="utf-8-sig")
    assert "Z" in rejected
    assert "\n=HYPERLINK" not in rejected and ",=HYPERLINK" not in rejected  # neutralised


def test_the_office_filters_searches_and_pages_the_registry(
    page: Page, live_server: LiveServer, screenshot: Screenshot
) -> None:
    uscc, name = first_uscc(live_server)
    login(page, "office")
    page.wait_for_url(re.compile(r"/enterprises$"))
    total = live_server.count("enterprises")
    heading = page.get_by_role("heading", name=re.compile("^企业库"))
    expect(heading).to_contain_text(f"共 {total} 户")
    # One dropdown alone narrows (a blank one means all), and paging keeps it.
    page.get_by_label("主体类型").select_option(label="企业")
    page.get_by_role("button", name="筛选").click()
    found = re.search(r"共 (\d+) 户", heading.text_content() or "")
    assert found is not None
    narrowed = int(found.group(1))
    assert 0 < narrowed <= total
    if page.get_by_role("link", name="下一页").count():
        page.get_by_role("link", name="下一页").click()
        assert "entity_type=enterprise" in page.url
        expect(heading).to_contain_text(f"共 {narrowed} 户")
    screenshot("filtered")
    assert_accessible(page)
    assert_fits_width(page)
    search = page.get_by_label(re.compile("搜索|名称或代码|关键词"))
    search.fill(uscc[:12])
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("main table")).to_contain_text(uscc)
    search.fill(name[2:6])
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("main table")).to_contain_text(name)
    screenshot("searched")
