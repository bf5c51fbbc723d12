"""Ingestion end to end against the real databases: batches, rejections, duplicates, history."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from sqlmodel import Session, select

from app.audit.service import SystemActor
from app.enterprises.models import Enterprise, UsccReview
from scoring.sources import repository
from scoring.sources import service as source_service
from scoring.sources.models import BatchStatus, CreditEvent, RejectedRow, SourceBatch
from scoring.sources.store import SourceStore
from tests.scoring.sources.rows import CODE, FAILING_CODE, VALID

ACTOR = SystemActor("test")


def write_csv(path: Path, rows: list[dict[str, str]], *, encoding: str = "utf-8") -> Path:
    pd.DataFrame(rows).to_csv(path, index=False, encoding=encoding)
    return path


@pytest.fixture
def store(tmp_path: Path) -> SourceStore:
    return SourceStore(tmp_path / "data")


def ingest(
    db: Session, store: SourceStore, path: Path, **kwargs: object
) -> source_service.IngestResult:
    return source_service.ingest_file(db, path=path, actor=ACTOR, store=store, **kwargs)  # type: ignore[arg-type]


def month_rows(months: list[str], **overrides: str) -> list[dict[str, str]]:
    return [{**VALID["utility_monthly"], "month": m, **overrides} for m in months]


def test_good_rows_load_and_bad_rows_are_kept_with_reasons(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    rows = month_rows(["2026-07", "2026-08"]) + month_rows(["2031-01"], electricity_kwh="-5")
    result = ingest(db, store, write_csv(tmp_path / "utility_monthly.csv", rows))
    batch = result.batch
    assert (batch.status, batch.rows_read, batch.rows_loaded, batch.rows_rejected) == (
        BatchStatus.LOADED,
        3,
        2,
        1,
    )
    assert batch.content_hash and batch.file_format == "utf-8" and batch.loaded_by == "test"
    stored = store.read("utility_monthly", [batch.id])
    assert stored["month"].astype(str).tolist() == ["2026-07-01", "2026-08-01"]
    assert stored["billed_fen"].tolist() == [987654, 987654]
    rejected = db.exec(select(RejectedRow).where(RejectedRow.batch_id == batch.id)).one()
    assert rejected.row_number == 3 and rejected.original["electricity_kwh"] == "-5"
    assert {v["rule"] for v in rejected.violations} == {"month_in_future", "negative"}


def test_the_same_file_twice_changes_nothing(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "utility_monthly.csv", month_rows(["2026-07"]))
    first = ingest(db, store, path)
    again = ingest(db, store, path)
    assert again.duplicate and again.batch.id == first.batch.id
    assert len(db.exec(select(SourceBatch)).all()) == 1


def test_later_rows_supersede_and_history_reads_as_of_any_load(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    old = ingest(db, store, write_csv(tmp_path / "tax_grade-1.csv", [VALID["tax_grade"]])).batch
    corrected = {**VALID["tax_grade"], "grade": "A"}
    other = {**VALID["tax_grade"], "year": "2024", "grade": "M"}
    new = ingest(db, store, write_csv(tmp_path / "tax_grade-2.csv", [corrected, other])).batch
    assert (new.rows_loaded, new.rows_superseded) == (2, 1)
    key = ["uscc", "year"]
    then = store.current("tax_grade", [old.id], key)
    now = store.current("tax_grade", [old.id, new.id], key).sort_values("year")
    assert then["grade"].tolist() == ["B"]
    assert now["grade"].tolist() == ["M", "A"]
    as_of_first = repository.loaded_batch_ids(db, kind="tax_grade", as_of=old.loaded_at)
    assert as_of_first == [old.id]


def test_gb18030_csv_loads_with_chinese_intact(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    path = write_csv(
        tmp_path / "public_credit_events.csv", [VALID["public_credit_events"]], encoding="gb18030"
    )
    with pytest.raises(UnicodeDecodeError):
        path.read_text(encoding="utf-8")
    batch = ingest(db, store, path).batch
    assert batch.file_format == "gb18030" and batch.rows_loaded == 1
    event = db.exec(select(CreditEvent).where(CreditEvent.batch_id == batch.id)).one()
    assert event.department == "市场监管局" and event.amount_fen == 500000


def test_excel_and_parquet_files_load(db: Session, store: SourceStore, tmp_path: Path) -> None:
    excel = tmp_path / "housing_fund_monthly.xlsx"
    pd.DataFrame([VALID["housing_fund_monthly"]]).to_excel(excel, index=False)
    assert ingest(db, store, excel).batch.rows_loaded == 1
    parquet = tmp_path / "social_security_monthly.parquet"
    pd.DataFrame([VALID["social_security_monthly"]]).to_parquet(parquet)
    assert ingest(db, store, parquet).batch.rows_loaded == 1


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("utility_monthly.csv", "uscc,month\nX,2026-01\n", "缺少列 electricity_kwh"),
        ("utility_monthly.xlsx", "not really a workbook", "不是有效的 Excel"),
        ("monthly_stuff.csv", "a,b\n1,2\n", "无法判断 monthly_stuff.csv 是哪类数据"),
        ("utility_monthly.csv", "", "是空文件"),
        ("utility_monthly.parquet", "PAR1 not parquet", "无法按 Parquet 格式读取"),
        ("utility_monthly.pdf", "%PDF", "不支持的文件类型"),
    ],
)
def test_a_refused_file_loads_nothing_and_says_why(
    db: Session, store: SourceStore, tmp_path: Path, name: str, content: str, fragment: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    result = ingest(db, store, path)
    assert result.refused and fragment in (result.batch.message or "")
    assert result.batch.rows_loaded == 0
    assert not store.root.exists() or not any(store.root.rglob("*.parquet"))
    assert db.exec(select(RejectedRow)).all() == []


def test_a_file_of_the_wrong_kind_is_refused(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    path = write_csv(tmp_path / "utility_monthly.csv", [VALID["tax_monthly"]])
    result = ingest(db, store, path)
    assert result.refused and "不是水电气月度数据（utility_monthly）文件" in (
        result.batch.message or ""
    )
    declared = ingest(db, store, path, kind="tax_monthly")
    assert declared.batch.status is BatchStatus.LOADED and declared.batch.rows_loaded == 1


def test_registration_creates_updates_and_holds_for_review(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    held = {**VALID["registration"], "uscc": FAILING_CODE, "name": "试点地区早期企业"}
    outside = {**VALID["registration"], "uscc": CODE[:-3] + "00", "district": "330599"}
    first = ingest(
        db,
        store,
        write_csv(tmp_path / "registration-1.csv", [VALID["registration"], held, outside]),
    ).batch
    assert (first.rows_loaded, first.rows_held_for_review, first.rows_rejected) == (1, 1, 1)
    enterprise = db.get(Enterprise, CODE)
    assert enterprise is not None and enterprise.legal_rep_masked == "张**"
    assert enterprise.contact_phone == "13812345678"  # registration codes go here
    review = db.exec(select(UsccReview).where(UsccReview.uscc == FAILING_CODE)).one()
    assert review.source == f"batch:{first.id}" and "张三丰" not in str(review.payload)
    assert "13812345678" not in str(review.payload)
    grown = {**VALID["registration"], "headcount": "400", "annual_revenue_yuan": "30000000"}
    second = ingest(db, store, write_csv(tmp_path / "registration-2.csv", [grown])).batch
    assert (second.rows_loaded, second.rows_superseded) == (1, 1)
    db.expire_all()
    assert db.get(Enterprise, CODE).headcount == 400  # type: ignore[union-attr]
    history = store.read("registration", [first.id, second.id])
    assert history["headcount"].tolist() == [25, 400]
    assert not {"legal_representative", "contact_phone"} & set(history.columns)


def test_a_registration_file_from_before_the_phone_column_still_loads(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    # contact_phone joined the contract later: a department's older layout leaves it out
    older = {k: v for k, v in VALID["registration"].items() if k != "contact_phone"}
    batch = ingest(db, store, write_csv(tmp_path / "registration.csv", [older])).batch
    assert batch.status is BatchStatus.LOADED and batch.rows_loaded == 1
    enterprise = db.get(Enterprise, CODE)
    assert enterprise is not None and enterprise.contact_phone is None
    other = {k: v for k, v in VALID["registration"].items() if k != "legal_representative"}
    refused = ingest(db, store, write_csv(tmp_path / "registration-2.csv", [other])).batch
    assert refused.status is BatchStatus.REFUSED and "legal_representative" in refused.message


def test_a_corrected_event_supersedes_its_earlier_version(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    event = VALID["public_credit_events"]
    first = ingest(db, store, write_csv(tmp_path / "public_credit_events-1.csv", [event])).batch
    repaired = {**event, "repaired": "true"}
    second = ingest(db, store, write_csv(tmp_path / "public_credit_events-2.csv", [repaired])).batch
    assert second.rows_superseded == 1
    versions = db.exec(select(CreditEvent).order_by(CreditEvent.id)).all()
    assert [(v.batch_id, v.superseded_by_batch_id, v.repaired) for v in versions] == [
        (first.id, second.id, False),
        (second.id, None, True),
    ]


def test_monthly_rows_of_a_code_under_review_are_kept_and_counted(
    db: Session, store: SourceStore, tmp_path: Path
) -> None:
    rows = [VALID["tax_monthly"], {**VALID["tax_monthly"], "uscc": FAILING_CODE}]
    batch = ingest(db, store, write_csv(tmp_path / "tax_monthly.csv", rows)).batch
    assert (batch.rows_loaded, batch.rows_rejected, batch.rows_held_for_review) == (2, 0, 1)
    assert sorted(store.read("tax_monthly", [batch.id])["uscc"]) == sorted([CODE, FAILING_CODE])


def test_sources_as_of_a_load_time(db: Session, store: SourceStore, tmp_path: Path) -> None:
    from scoring.sources.snapshot import load_sources

    event = VALID["public_credit_events"]
    first = ingest(db, store, write_csv(tmp_path / "public_credit_events-1.csv", [event])).batch
    ingest(db, store, write_csv(tmp_path / "tax_grade-1.csv", [VALID["tax_grade"]]))
    repaired = {**event, "repaired": "true"}
    ingest(db, store, write_csv(tmp_path / "public_credit_events-2.csv", [repaired]))
    now = load_sources(db, store=store)
    then = load_sources(db, store=store, loaded_by=first.loaded_at)
    assert now["public_credit_events"]["repaired"].tolist() == [True]
    assert then["public_credit_events"]["repaired"].tolist() == [False]
    assert now["tax_grade"]["grade"].tolist() == ["B"] and then["tax_grade"].empty
    assert "_row" not in now["tax_grade"].columns
    assert set(now) == {
        "registration",
        "public_credit_events",
        "utility_monthly",
        "tax_monthly",
        "tax_grade",
        "social_security_monthly",
        "housing_fund_monthly",
        "intellectual_property",
        "loan_outcomes",
    }
