import csv
import io

import pandas as pd
from fastapi.testclient import TestClient
from sqlmodel import Session, select

from app.accounts.models import Role
from app.core.config import get_settings
from scoring.sources.models import SourceBatch
from tests.factories import bearer, make_user
from tests.scoring.sources.rows import VALID


def csv_bytes(rows: list[dict[str, str]], encoding: str = "utf-8") -> bytes:
    return pd.DataFrame(rows).to_csv(index=False).encode(encoding)


def kept_uploads() -> set[str]:
    directory = get_settings().data_dir / "uploads"
    return {p.name for p in directory.iterdir()} if directory.exists() else set()


def upload(client: TestClient, headers: dict[str, str], name: str, content: bytes, **form: str):
    return client.post(
        "/api/v1/batches", headers=headers, files={"file": (name, io.BytesIO(content))}, data=form
    )


def test_operator_uploads_and_reads_rejections(client: TestClient, db: Session) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    rows = [
        VALID["tax_monthly"],
        {**VALID["tax_monthly"], "month": "2026-08", "tax_paid_yuan": "-3"},
    ]
    response = upload(client, operator, "tax_monthly-2026.csv", csv_bytes(rows))
    assert response.status_code == 201, response.text
    batch = response.json()
    assert (batch["rows_loaded"], batch["rows_rejected"], batch["duplicate"]) == (1, 1, False)
    again = upload(client, operator, "tax_monthly-2026.csv", csv_bytes(rows))
    assert (
        again.status_code == 200 and again.json()["duplicate"] and again.json()["id"] == batch["id"]
    )
    listed = client.get("/api/v1/batches", headers=operator).json()
    assert listed["count"] == 1
    rejected = client.get(f"/api/v1/batches/{batch['id']}/rejected", headers=operator).json()
    assert rejected["count"] == 1
    row = rejected["data"][0]
    assert (row["row_number"], row["column"], row["rule"]) == (2, "tax_paid_yuan", "money_format")
    assert row["original"]["tax_paid_yuan"] == "-3"
    download = client.get(f"/api/v1/batches/{batch['id']}/rejected?format=csv", headers=operator)
    assert download.headers["content-type"].startswith("text/csv")
    assert "attachment" in download.headers["content-disposition"]
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("row_number,column,rule,message,uscc,month")
    assert lines[1].startswith("2,tax_paid_yuan,money_format,")


def test_gb18030_upload_with_declared_kind(client: TestClient, db: Session) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    content = csv_bytes([VALID["public_credit_events"]], encoding="gb18030")
    response = upload(client, operator, "export.csv", content, kind="public_credit_events")
    assert response.status_code == 201 and response.json()["file_format"] == "gb18030"


def test_refused_upload_is_problem_json_and_leaves_nothing(client: TestClient, db: Session) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    before = kept_uploads()
    response = upload(client, operator, "utility_monthly.csv", b"uscc,month\nx,2026-01\n")
    assert response.status_code == 422
    problem = response.json()
    assert problem["code"] == "file_refused" and problem["reason"] == "missing_columns"
    assert "缺少列 electricity_kwh（用电量）" in problem["detail"]
    assert "electricity_kwh" in problem["missing_columns"]
    assert "batch_id" not in problem
    assert db.exec(select(SourceBatch)).all() == []
    assert kept_uploads() == before


def test_unknown_batch_is_404(client: TestClient, db: Session) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    response = client.get("/api/v1/batches/999999/rejected", headers=operator)
    assert response.status_code == 404 and response.json()["code"] == "batch_not_found"


def test_the_rejected_rows_csv_has_no_live_formula(client: TestClient, db: Session) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    hostile = ['=HYPERLINK("http://x","y")', "@SUM(A1)", "+1.00", "-2", "\t=1+1"]
    rows = [{**VALID["tax_monthly"], "uscc": value, "arrears_yuan": value} for value in hostile]
    batch = upload(client, operator, "tax_monthly-2026.csv", csv_bytes(rows)).json()
    assert batch["rows_rejected"] == len(hostile)

    download = client.get(f"/api/v1/batches/{batch['id']}/rejected?format=csv", headers=operator)

    table = list(csv.DictReader(io.StringIO(download.content.decode("utf-8-sig"), newline="")))
    assert {row["uscc"] for row in table} == {"'" + value for value in hostile}
    assert {row["arrears_yuan"] for row in table} == {"'" + value for value in hostile}
    assert all(row["row_number"].isdigit() for row in table)


def test_an_unknown_declared_kind_is_refused_in_chinese_with_the_kinds_for_programs(
    client: TestClient, db: Session
) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    before = kept_uploads()
    content = csv_bytes([VALID["tax_grade"]])
    response = upload(client, operator, "tax_grade.csv", content, kind="../../etc/passwd")
    problem = response.json()
    assert (response.status_code, problem["code"], problem["reason"]) == (
        422,
        "file_refused",
        "unknown_kind",
    )
    assert "没有“../../etc/passwd”这种数据类型" in problem["detail"]
    assert "tax_grade" in problem["kinds"]
    assert db.exec(select(SourceBatch)).all() == [] and kept_uploads() == before


def test_an_unreadable_file_keeps_the_parsers_words_apart_from_the_chinese(
    client: TestClient, db: Session
) -> None:
    operator = bearer(make_user(db, Role.DATA_OPERATOR))
    response = upload(client, operator, "tax_monthly.csv", b"a,b\n1,2,3\n")
    problem = response.json()
    assert response.status_code == 422 and problem["reason"] == "unreadable"
    assert problem["detail"].startswith("tax_monthly.csv 无法按 CSV 格式读取")
    assert "Expected" in problem["parser_message"]
    assert db.exec(select(SourceBatch)).all() == []
