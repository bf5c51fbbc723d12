"""A whole synthetic city (湖州): every data source of the platform plus the known truth.

``generate_city`` writes one file per source and ``truth.parquet``. All observable records are
driven by each enterprise's latent monthly health (see ``health``); defaults come from a hazard
on that health while a firm has an open loan (see ``truth``), so the true 12-month PD of every
enterprise-month is known exactly. A small, counted share of rows carries injected errors
(failing check characters, unknown districts, duplicates, absurd meter readings, malformed dates
and months out of range) for the ingestion to reject; the truth never does.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

from app.enterprises import uscc
from scoring.synthetic.health import (
    Firms,
    HealthModel,
    Latent,
    firms_from_records,
    month_axis,
    pd_table,
    simulate_latent,
)
from scoring.synthetic.registry import CitySpec, corrupt_check_char, registration_records
from scoring.synthetic.sources import (
    Panel,
    intellectual_property,
    payroll_sources,
    public_credit_events,
    tax_sources,
    utility_monthly,
)
from scoring.synthetic.truth import (
    Credit,
    default_rate,
    draw_credit,
    loan_outcomes,
    oracle_auc,
    truth_table,
)

__all__ = ["CityParams", "CitySummary", "default_rate", "generate_city", "oracle_auc"]

GB18030_SOURCES = frozenset({"public_credit_events"})  # 政府系统 export in GB18030
UNKNOWN_DISTRICT = "330599"
BAD_DATES = ("2024-13-45", "compact", "yesterday")
BAD_MONTHS = ("2031-01", "1999-12", "2024-00")
ABSURD_READINGS = ("-5", "1000000000000")
# Per source: error kind -> the column it damages ("" for exact duplicate rows).
ERROR_KINDS: dict[str, dict[str, str]] = {
    "registration": {
        "bad_check_char": "uscc",
        "unknown_district": "district",
        "malformed_date": "registration_date",
        "duplicate_row": "",
    },
    "public_credit_events": {
        "bad_check_char": "uscc",
        "malformed_date": "event_date",
        "duplicate_row": "",
    },
    "utility_monthly": {
        "bad_check_char": "uscc",
        "absurd_reading": "electricity_kwh",
        "bad_month": "month",
        "duplicate_row": "",
    },
    "tax_monthly": {"bad_check_char": "uscc", "bad_month": "month", "duplicate_row": ""},
    "tax_grade": {"bad_check_char": "uscc", "duplicate_row": ""},
    "social_security_monthly": {
        "bad_check_char": "uscc",
        "bad_month": "month",
        "duplicate_row": "",
    },
    "housing_fund_monthly": {"bad_check_char": "uscc", "bad_month": "month", "duplicate_row": ""},
    "intellectual_property": {
        "bad_check_char": "uscc",
        "malformed_date": "granted_date",
        "duplicate_row": "",
    },
    "loan_outcomes": {
        "bad_check_char": "uscc",
        "malformed_date": "disbursement_date",
        "bad_month": "report_month",
        "duplicate_row": "",
    },
}
SOURCES = tuple(ERROR_KINDS)
REGISTRATION_COLUMNS = (
    "uscc", "name", "entity_type", "status", "registration_date", "registered_capital_yuan",
    "industry_section", "industry_division", "district", "headcount", "annual_revenue_yuan",
    "legal_representative",
)  # fmt: skip


@dataclass(frozen=True)
class CityParams:
    """Everything about the city beyond the registry: window, error rate, borrowing, health."""

    months: int = 36
    error_rate: float = 0.005  # share of rows per source with an injected error; 0 disables
    borrower_share: float = 0.30  # scaled by entity type; ~32% of firms on record borrow
    health: HealthModel = field(default_factory=HealthModel)


@dataclass(frozen=True)
class CitySummary:
    """What was written: row and error counts per source and the truth's headline numbers."""

    enterprises: int
    months: tuple[str, ...]
    files: dict[str, Path]
    rows: dict[str, int]
    errors: dict[str, dict[str, int]]
    snapshot_month: str
    borrowers: int  # borrowers in the snapshot month with a fully observed 12-month window
    default_rate: float
    oracle_auc: float
    registry_bad_check_chars: int  # codes that fail their check character in the registry itself

    def error_rows(self, source: str) -> int:
        """Rows of ``source`` that carry an injected error (duplicates count once each)."""
        return sum(self.errors[source].values())


@dataclass(frozen=True)
class _World:
    spec: CitySpec
    params: CityParams
    records: list[dict[str, Any]]
    firms: Firms
    latent: Latent
    panel: Panel
    credit: Credit


def _stream(spec: CitySpec, name: str) -> np.random.Generator:
    """An independent generator per component, so each source is stable on its own."""
    return np.random.default_rng([spec.seed, *name.encode()])


def registration(world: _World) -> pa.Table:
    """The registration source, status following the health path as of ``as_of``."""
    records = world.records
    columns: dict[str, list[Any]] = {
        name: [r[name] for r in records] for name in REGISTRATION_COLUMNS
    }
    columns["status"] = world.credit.status.tolist()
    columns["headcount"] = [str(h) for h in columns["headcount"]]
    for name in ("registered_capital_yuan", "annual_revenue_yuan"):
        columns[name] = [None if v is None else f"{int(v)}.00" for v in columns[name]]
    return pa.table({name: pa.array(values, pa.string()) for name, values in columns.items()})


def _builders(world: _World) -> list[Callable[[], dict[str, pa.Table]]]:
    """One callable per group of sources, run one at a time to keep memory low."""
    spec, panel = world.spec, world.panel
    as_of_day = np.datetime64(spec.as_of, "D")
    as_of_month = np.datetime64(spec.as_of, "M")

    def tax() -> dict[str, pa.Table]:
        monthly, grades = tax_sources(_stream(spec, "tax"), panel, as_of_month=as_of_month)
        return {"tax_monthly": monthly, "tax_grade": grades}

    def payroll() -> dict[str, pa.Table]:
        social, housing = payroll_sources(_stream(spec, "payroll"), panel)
        return {"social_security_monthly": social, "housing_fund_monthly": housing}

    return [
        lambda: {"registration": registration(world)},
        lambda: {
            "public_credit_events": public_credit_events(
                _stream(spec, "events"), panel, as_of=as_of_day
            )
        },
        lambda: {"utility_monthly": utility_monthly(_stream(spec, "utility"), panel)},
        tax,
        payroll,
        lambda: {"intellectual_property": intellectual_property(_stream(spec, "ip"), panel)},
        lambda: {
            "loan_outcomes": loan_outcomes(
                _stream(spec, "loans"), firms=world.firms, credit=world.credit, axis=panel.axis
            )
        },
    ]


def _bad_values(kind: str, old: list[str], rng: np.random.Generator) -> list[str]:
    """Damaged replacements for the values ``old`` of one error kind."""
    variant = rng.integers(0, 3, len(old)).tolist()
    if kind == "bad_check_char":
        chooser = random.Random(int(rng.integers(2**32)))
        return [corrupt_check_char(uscc.complete(v[:17]), chooser) for v in old]
    if kind == "unknown_district":
        return [UNKNOWN_DISTRICT] * len(old)
    if kind == "absurd_reading":
        return [ABSURD_READINGS[v % 2] for v in variant]
    if kind == "bad_month":
        return [BAD_MONTHS[v] for v in variant]
    if kind != "malformed_date":
        raise ValueError(f"unknown error kind {kind!r}")
    bad = [BAD_DATES[v] for v in variant]
    return [v.replace("-", "") if b == "compact" else b for v, b in zip(old, bad, strict=True)]


def _error_counts(
    rng: np.random.Generator, *, kinds: dict[str, str], rows: int, pool: int, rate: float
) -> dict[str, int]:
    """At least one row per kind when ``rate`` > 0, never more rows than can be damaged."""
    if rate <= 0 or pool == 0:
        return dict.fromkeys(kinds, 0)
    counts = {kind: max(1, int(rng.binomial(rows, rate / len(kinds)))) for kind in kinds}
    while sum(counts.values()) > pool:
        largest = max(counts, key=lambda k: counts[k])
        counts[largest] -= 1
    return counts


def inject_errors(
    table: pa.Table,
    *,
    source: str,
    rate: float,
    rng: np.random.Generator,
    protect: np.ndarray | None = None,
) -> tuple[pa.Table, dict[str, int]]:
    """Damage a counted, disjoint set of rows per error kind; duplicates go next to originals."""
    kinds = ERROR_KINDS[source]
    rows = table.num_rows
    pool = np.arange(rows) if protect is None else np.flatnonzero(~protect)
    counts = _error_counts(rng, kinds=kinds, rows=rows, pool=len(pool), rate=rate)
    chosen = rng.choice(pool, size=sum(counts.values()), replace=False)
    bounds = np.cumsum([0, *counts.values()])
    duplicates = np.zeros(0, dtype=np.int64)
    for (kind, column), low, high in zip(kinds.items(), bounds[:-1], bounds[1:], strict=True):
        picked = np.sort(chosen[low:high])
        if not column:
            duplicates = picked
            continue
        position = table.schema.get_field_index(column)
        values = table.column(position).combine_chunks()
        old = values.take(pa.array(picked)).to_pylist()
        mask = np.zeros(rows, dtype=bool)
        mask[picked] = True
        new = pa.array(_bad_values(kind, old, rng), pa.string())
        table = table.set_column(position, column, pc.replace_with_mask(values, mask, new))
    order = np.sort(np.concatenate([np.arange(rows), duplicates]), kind="stable")
    return table.take(pa.array(order)), counts


def write_table(table: pa.Table, path: Path, *, encoding: str = "utf-8") -> None:
    """CSV with a header and no quoting (no value holds a comma) or Parquet, by suffix."""
    if path.suffix == ".parquet":
        pq.write_table(table, path)
        return
    options = pcsv.WriteOptions(include_header=True, quoting_style="none")
    if encoding == "utf-8":
        pcsv.write_csv(table, path, write_options=options)
        return
    buffer = pa.BufferOutputStream()
    pcsv.write_csv(table, buffer, write_options=options)
    path.write_bytes(buffer.getvalue().to_pybytes().decode("utf-8").encode(encoding))


def _build_world(spec: CitySpec, params: CityParams, months: int) -> _World:
    axis = month_axis(spec.as_of, months)
    records = registration_records(spec)
    firms = firms_from_records(records, axis=axis)
    latent = simulate_latent(
        _stream(spec, "latent"), firms=firms, months=months, as_of=spec.as_of, model=params.health
    )
    credit = draw_credit(
        _stream(spec, "credit"),
        firms=firms,
        latent=latent,
        model=params.health,
        borrower_share=params.borrower_share,
    )
    panel = Panel(firms=firms, health=latent.health, alive=credit.alive, axis=axis)
    return _World(spec, params, records, firms, latent, panel, credit)


Written = tuple[dict[str, Path], dict[str, int], dict[str, dict[str, int]]]


def _write_sources(world: _World, *, out_dir: Path, file_format: str) -> Written:
    """Build, damage and write each source in turn; return files, row and error counts."""
    files: dict[str, Path] = {}
    rows: dict[str, int] = {}
    errors: dict[str, dict[str, int]] = {}
    for build in _builders(world):
        for source, table in build().items():
            protect = None
            if source == "loan_outcomes":  # keep the days-past-due path of each default intact
                protect = table.column("days_past_due").to_numpy(zero_copy_only=False) != "0"
            damaged, errors[source] = inject_errors(
                table,
                source=source,
                rate=world.params.error_rate,
                rng=_stream(world.spec, "errors-" + source),
                protect=protect,
            )
            gb18030 = file_format == "csv" and source in GB18030_SOURCES
            files[source] = out_dir / f"{source}.{file_format}"
            write_table(damaged, files[source], encoding="gb18030" if gb18030 else "utf-8")
            rows[source] = damaged.num_rows
    return files, rows, errors


def _write_truth(world: _World, *, out_dir: Path) -> tuple[Path, pd.DataFrame, str]:
    """Write truth.parquet; return its path, the snapshot month's rows and that month."""
    axis = world.panel.axis
    truth = truth_table(
        firms=world.firms,
        latent=world.latent,
        credit=world.credit,
        table=pd_table(world.params.health),
        axis=axis,
    )
    path = out_dir / "truth.parquet"
    pq.write_table(truth, path)
    snapshot = str(np.datetime_as_string(axis[len(axis) - 13])) if len(axis) >= 13 else ""
    frame = truth.filter(pc.equal(truth["month"], snapshot)).to_pandas()
    return path, frame, snapshot


def generate_city(
    spec: CitySpec,
    *,
    months: int | None = None,
    out_dir: Path,
    file_format: str = "csv",
    params: CityParams | None = None,
) -> CitySummary:
    """Write every source and ``truth.parquet`` into ``out_dir``; same spec, same bytes."""
    if file_format not in ("csv", "parquet"):
        raise ValueError(f"file_format must be csv or parquet, not {file_format!r}")
    params = params or CityParams()
    months = params.months if months is None else months
    out_dir.mkdir(parents=True, exist_ok=True)
    world = _build_world(spec, params, months)
    files, rows, errors = _write_sources(world, out_dir=out_dir, file_format=file_format)
    files["truth"], snapshot_rows, snapshot = _write_truth(world, out_dir=out_dir)
    labelled = snapshot_rows[
        snapshot_rows["borrower"] & snapshot_rows["default_within_12m"].notna()
    ]
    return CitySummary(
        enterprises=world.firms.count,
        months=tuple(world.panel.month_labels),
        files=files,
        rows=rows,
        errors=errors,
        snapshot_month=snapshot,
        borrowers=len(labelled),
        default_rate=default_rate(snapshot_rows, month=snapshot),
        oracle_auc=oracle_auc(snapshot_rows, month=snapshot),
        registry_bad_check_chars=sum(not uscc.check(c).is_valid for c in world.firms.uscc),
    )
