"""数据运维's pages: upload a file, the manifest, a batch's rejected rows in Chinese and their
CSV, and the USCC review list with its decision form."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.audit.models import AuditEvent
from app.audit.service import SystemActor
from app.enterprises import service as enterprise_service
from app.enterprises.models import Enterprise, ReviewStatus, UsccReview
from scoring.sources.models import RejectedRow, SourceBatch
from tests.factories import enterprise_data, make_user
from tests.pages.helpers import form_token, sign_in
from tests.scoring.sources.rows import VALID


@pytest.fixture
def operator(db: Session, client: TestClient) -> None:
    sign_in(client, make_user(db, Role.DATA_OPERATOR, display_name="运维小王"))


def csv_bytes(rows: list[dict[str, str]]) -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode("utf-8")


def upload(client: TestClient, name: str, content: bytes, **form: str):
    return client.post(
        "/batches",
        data={**form, "csrf_token": form_token(client, "/batches")},
        files={"file": (name, io.BytesIO(content))},
        follow_redirects=False,
    )


def batches(db: Session) -> list[SourceBatch]:
    return list(db.exec(select(SourceBatch)).all())


def test_upload_shows_the_batch_with_its_rejected_rows_in_chinese(
    client: TestClient, db: Session, operator: None
) -> None:
    rows = [
        VALID["tax_monthly"],
        {**VALID["tax_monthly"], "month": "2026-08", "tax_paid_yuan": "-3"},
    ]
    answer = upload(client, "tax_monthly-2026.csv", csv_bytes(rows))
    assert answer.status_code == 303, answer.text
    (batch,) = batches(db)
    assert answer.headers["location"] == f"/batches/{batch.id}?outcome=loaded"
    assert (batch.rows_loaded, batch.rows_rejected) == (1, 1)
    page = client.get(answer.headers["location"])
    assert page.status_code == 200
    assert "文件已上传并载入" in page.text and "纳税月度数据" in page.text
    assert "tax_paid_yuan 不是非负、最多两位小数的人民币金额（元）" in page.text
    assert "money_format" in page.text  # the stable code stays beside the text
    stored = db.exec(select(RejectedRow)).one()
    assert stored.message.startswith("tax_paid_yuan 不是")  # stored in Chinese too
    again = upload(client, "tax_monthly-2026.csv", csv_bytes(rows))
    assert again.headers["location"] == f"/batches/{batch.id}?outcome=duplicate"
    assert len(batches(db)) == 1
    listing = client.get("/batches").text
    assert f'href="/batches/{batch.id}"' in listing and "已载入" in listing


def test_the_uploader_is_named_not_numbered(
    client: TestClient, db: Session, operator: None
) -> None:
    answer = upload(client, "tax_monthly-2026.csv", csv_bytes([VALID["tax_monthly"]]))
    assert answer.status_code == 303, answer.text
    (batch,) = batches(db)
    assert batch.loaded_by.startswith("user:")
    for page in (client.get(f"/batches/{batch.id}").text, client.get("/batches").text):
        assert "运维小王" in page and batch.loaded_by not in page


def test_a_row_stored_with_an_english_message_is_shown_in_chinese(
    client: TestClient, db: Session, operator: None
) -> None:
    upload(client, "tax_monthly-2026.csv", csv_bytes([{**VALID["tax_monthly"], "month": "x"}]))
    row = db.exec(select(RejectedRow)).one()
    row.message, row.violations = "month is not a month written YYYY-MM", []
    db.add(row)
    db.commit()
    page = client.get(f"/batches/{row.batch_id}").text
    assert "month 不是 YYYY-MM 格式的月份" in page and "is not a month" not in page


def test_the_rejected_rows_csv_neutralises_formulas(
    client: TestClient, db: Session, operator: None
) -> None:
    hostile = ['=HYPERLINK("http://x","y")', "+1.00", "-2", "@SUM(A1)"]
    rows = [{**VALID["tax_monthly"], "uscc": value, "arrears_yuan": value} for value in hostile]
    upload(client, "tax_monthly-2026.csv", csv_bytes(rows))
    (batch,) = batches(db)
    page = client.get(f"/batches/{batch.id}").text
    link = f"/api/v1/batches/{batch.id}/rejected?format=csv"
    assert f'href="{link}"' in page.replace("&amp;", "&")
    download = client.get(link)  # the API route takes the page's session cookie
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    table = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
    assert {row["uscc"] for row in table} == {"'" + value for value in hostile}
    assert {row["arrears_yuan"] for row in table} == {"'" + value for value in hostile}
    assert all("不是" in row["message"] for row in table)


@pytest.mark.parametrize(
    ("files", "form", "field_text"),
    [
        (None, {}, "请选择要上传的文件"),
        ({"file": ("", io.BytesIO(b""))}, {}, "请选择要上传的文件"),
        (
            {"file": ("x.csv", io.BytesIO(b"a,b\n1,2\n"))},
            {"kind": "../../etc/passwd"},
            "请从列表中选择",
        ),
        ({"file": ("../../evil.exe", io.BytesIO(b"MZ\x00\x00"))}, {}, ""),
        ({"file": ("tax_monthly.csv", io.BytesIO(b"\xff\xfe\x00garbage\x00"))}, {}, ""),
        ({"file": ("<script>.csv", io.BytesIO(b"a\n1\n"))}, {"kind": "tax_monthly"}, ""),
    ],
    ids=["no-file", "empty-name", "bad-kind", "executable", "garbage", "script-name"],
)
def test_hostile_uploads_are_refused_on_the_form_and_leave_nothing(
    client: TestClient, db: Session, operator: None, files, form, field_text: str
) -> None:
    answer = client.post(
        "/batches",
        data={**form, "csrf_token": form_token(client, "/batches")},
        files=files,
        follow_redirects=False,
    )
    assert answer.status_code == 422, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    assert "<script>.csv" not in answer.text
    if field_text:
        assert field_text in answer.text
    else:
        assert 'class="error" role="alert"' in answer.text
    assert [b for b in batches(db) if b.status.value != "refused"] == []


def test_an_upload_without_the_csrf_token_is_refused(
    client: TestClient, db: Session, operator: None
) -> None:
    client.get("/batches")
    answer = client.post(
        "/batches",
        files={"file": ("tax_monthly.csv", io.BytesIO(csv_bytes([VALID["tax_monthly"]])))},
    )
    assert answer.status_code == 403 and batches(db) == []


@pytest.mark.parametrize("path", ["/batches/99999", "/batches/0", "/batches/x", "/batches?limit=0"])
def test_hostile_batch_addresses(client: TestClient, operator: None, path: str) -> None:
    page = client.get(path)
    assert page.status_code in (404, 422) and page.headers["content-type"].startswith("text/html")


def held_review(db: Session) -> UsccReview:
    data = enterprise_data(name="湖州复核待定有限公司")
    code = data.uscc[:-1] + ("0" if data.uscc[-1] != "0" else "1")
    outcome = enterprise_service.register(
        db, data=data.model_copy(update={"uscc": code}), actor=SystemActor("test")
    )
    assert outcome.review is not None
    db.commit()
    return outcome.review


def test_review_list_and_accepting_registers_the_enterprise(
    client: TestClient, db: Session, operator: None
) -> None:
    review = held_review(db)
    listing = client.get("/uscc-reviews").text
    assert f'href="/uscc-reviews/{review.id}"' in listing and "湖州复核待定有限公司" in listing
    answer = client.post(
        f"/uscc-reviews/{review.id}/decision",
        data={
            "accept": "true",
            "note": "经登记机关核实，代码有效",
            "csrf_token": form_token(client, f"/uscc-reviews/{review.id}"),
        },
        follow_redirects=False,
    )
    assert answer.status_code == 303 and answer.headers["location"] == f"/uscc-reviews/{review.id}"
    db.expire_all()
    assert db.get_one(UsccReview, review.id).status is ReviewStatus.ACCEPTED
    assert db.get(Enterprise, review.uscc) is not None
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "uscc_review.accepted")).first()
    page = client.get(f"/uscc-reviews/{review.id}").text
    assert "已接受" in page and "经登记机关核实" in page and 'name="accept"' not in page
    pending = client.get("/uscc-reviews").text
    assert f'href="/uscc-reviews/{review.id}"' not in pending  # the list shows pending first
    assert f'href="/uscc-reviews/{review.id}"' in client.get("/uscc-reviews?status=accepted").text


def test_rejecting_keeps_the_enterprise_out_and_a_second_decision_is_refused(
    client: TestClient, db: Session, operator: None
) -> None:
    review = held_review(db)
    token = form_token(client, f"/uscc-reviews/{review.id}")
    decide = lambda accept: client.post(  # noqa: E731
        f"/uscc-reviews/{review.id}/decision",
        data={"accept": accept, "note": "代码有误", "csrf_token": token},
        follow_redirects=False,
    )
    assert decide("false").status_code == 303
    again = decide("true")
    assert again.status_code == 409 and "该复核已经处理" in again.text
    db.expire_all()
    assert db.get_one(UsccReview, review.id).status is ReviewStatus.REJECTED
    assert db.get(Enterprise, review.uscc) is None


@pytest.mark.parametrize(
    ("form", "text"),
    [
        ({"note": "代码有误"}, "请填写此项"),
        ({"accept": "maybe", "note": "代码有误"}, "请选择是或否"),
        ({"accept": "true", "note": "x"}, "至少 2 个字符"),
        ({"accept": "true", "note": "长" * 501}, "不能超过 500 个字符"),
        ({"accept": "true"}, "请填写此项"),
    ],
    ids=["no-choice", "not-a-bool", "short-note", "long-note", "no-note"],
)
def test_hostile_decisions_are_refused_and_change_nothing(
    client: TestClient, db: Session, operator: None, form: dict[str, str], text: str
) -> None:
    review = held_review(db)
    answer = client.post(
        f"/uscc-reviews/{review.id}/decision",
        data={**form, "csrf_token": form_token(client, f"/uscc-reviews/{review.id}")},
        follow_redirects=False,
    )
    assert answer.status_code == 422 and text in answer.text
    db.expire_all()
    assert db.get_one(UsccReview, review.id).status is ReviewStatus.PENDING


def test_hostile_review_addresses(client: TestClient, operator: None) -> None:
    assert client.get("/uscc-reviews/424242").status_code == 404
    assert client.get("/uscc-reviews?status=bogus").status_code == 422
    assert client.get("/uscc-reviews/-1").status_code == 422


def test_the_office_may_not_use_the_operator_pages(client: TestClient, db: Session) -> None:
    sign_in(client, make_user(db, Role.OFFICE))
    page = client.get("/batches")
    assert page.status_code == 403 and "只有数据运维和管理员" in page.text


def test_operator_navigation_links_its_pages(client: TestClient, operator: None) -> None:
    home = client.get("/enterprises").text
    assert 'href="/batches"' in home and 'href="/uscc-reviews"' in home


ENGLISH = re.compile(r"missing|cannot|unknown kind|Expected|parse error|magic|Empty CSV", re.I)


@pytest.mark.parametrize(
    ("name", "content", "kind", "message"),
    [
        ("utility_monthly.csv", b"uscc,month\nx,2026-01\n", "", "缺少列 electricity_kwh（用电量）"),
        ("monthly_stuff.csv", b"a,b\n1,2\n", "", "无法判断 monthly_stuff.csv 是哪类数据"),
        ("utility_monthly.csv", b"", "", "是空文件，没有可载入的内容"),
        ("export.csv", b"a,b\n1,2,3\n", "tax_monthly", "无法按 CSV 格式读取"),
        ("tax_monthly.parquet", b"PAR1 but not parquet", "", "无法按 Parquet 格式读取"),
        ("tax_monthly.pdf", b"%PDF-1.4", "", "不支持的文件类型"),
    ],
    ids=["missing-columns", "kind-not-named", "empty", "bad-csv", "bad-parquet", "pdf"],
)
def test_a_file_refused_whole_is_told_in_chinese_on_the_page(
    client: TestClient,
    db: Session,
    operator: None,
    name: str,
    content: bytes,
    kind: str,
    message: str,
) -> None:
    answer = upload(client, name, content, **({"kind": kind} if kind else {}))
    assert answer.status_code == 422
    shown = re.search(r'<p class="error" role="alert">([^<]*)</p>', answer.text)
    assert shown and message in shown.group(1), answer.text
    assert not ENGLISH.search(shown.group(1))
    assert batches(db) == []
