"""The demo city: generated, read and validated in memory, and the oracle on a snapshot."""

from __future__ import annotations

import gc
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from scoring.sources.contracts import CONTRACTS
from scoring.synthetic.city import CityParams, generate_city
from scoring.synthetic.demo import demo_city, oracle_auc_as_of, read_city
from scoring.synthetic.registry import CitySpec


def test_demo_city_reads_every_source_typed_and_keeps_its_truth(tmp_path: Path) -> None:
    city = demo_city(enterprises=300, seed=5, directory=tmp_path)
    assert city.directory == tmp_path and set(city.sources) == set(CONTRACTS)
    registration = city.sources["registration"]
    assert registration["uscc"].nunique() == 300
    assert pd.api.types.is_datetime64_any_dtype(registration["registration_date"])
    assert not city.sources["loan_outcomes"].empty
    assert set(city.truth["uscc"]) <= set(registration["uscc"])
    del city
    gc.collect()
    assert (tmp_path / "truth.parquet").exists()  # a folder the caller gave stays theirs


def test_a_temporary_city_folder_goes_with_the_city() -> None:
    city = demo_city(enterprises=100, seed=6)
    directory = city.directory
    assert (directory / "truth.parquet").exists() and not city.truth.empty
    del city
    gc.collect()
    assert not directory.exists()


def test_a_city_with_errors_is_refused_not_silently_thinned(tmp_path: Path) -> None:
    generate_city(
        CitySpec(enterprises=200, seed=3),
        months=18,
        out_dir=tmp_path,
        params=CityParams(error_rate=0.05),
    )
    with pytest.raises(ValueError, match=r"row\(s\) failed their contract"):
        read_city(tmp_path)


def test_the_oracle_of_an_as_of_date_reads_the_month_before_it() -> None:
    # 2025-10 ranks the defaulter first, 2025-11 last: only the right month gives AUC 1.
    truth = pd.DataFrame(
        {
            "month": ["2025-10"] * 3 + ["2025-11"] * 3,
            "borrower": True,
            "pd_12m": [0.9, 0.1, 0.2, 0.9, 0.3, 0.2],
            "default_within_12m": [True, False, False, False, False, True],
        }
    )
    assert oracle_auc_as_of(truth, as_of=date(2025, 11, 1)) == 1.0
    assert oracle_auc_as_of(truth, as_of=date(2025, 12, 1)) == 0.0
