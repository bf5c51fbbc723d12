"""A clean synthetic city read and validated in memory: the model notebook's and benchmark's data.

The same steps as ingestion takes — read each source file as text, validate it against its data
contract — but without a database, so a notebook or a benchmark can train on a whole city in
seconds. The city carries no injected errors, so every row must pass; one that does not means the
generator and the contracts have drifted apart, and that is an error here, not a silent loss.
"""

from __future__ import annotations

import shutil
import tempfile
import weakref
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

import pandas as pd

from scoring.sources.contracts import CONTRACTS
from scoring.sources.readers import read_text_table
from scoring.sources.validation import Context, validate
from scoring.synthetic.city import CityParams, generate_city, oracle_auc
from scoring.synthetic.registry import DISTRICT_WEIGHTS, CitySpec
from scoring.synthetic.truth import truth_month

DEMO_ENTERPRISES = 3000  # the size `xyd demo` loads
DEMO_SEED = CitySpec.seed


@dataclass(frozen=True)
class DemoCity:
    """Typed source rows per kind (as ingestion validates them) and the folder of the files."""

    sources: dict[str, pd.DataFrame]
    directory: Path

    @cached_property
    def truth(self) -> pd.DataFrame:
        """The known truth (``truth.parquet``), read on first use: a city-scale one is large."""
        return pd.read_parquet(self.directory / "truth.parquet")


def demo_city(
    *,
    enterprises: int = DEMO_ENTERPRISES,
    seed: int = DEMO_SEED,
    months: int = 36,
    directory: Path | None = None,
) -> DemoCity:
    """Write a city without data errors into ``directory`` (or a fresh temp folder) and read it."""
    owned = directory is None
    directory = directory or Path(tempfile.mkdtemp(prefix="xyd-demo-city-"))
    spec = CitySpec(enterprises=enterprises, seed=seed)
    generate_city(spec, months=months, out_dir=directory, params=CityParams(error_rate=0))
    city = DemoCity(sources=read_city(directory, load_date=spec.as_of), directory=directory)
    if owned:  # a temporary folder goes with the city, so every notebook run leaves nothing
        weakref.finalize(city, shutil.rmtree, directory, ignore_errors=True)
    return city


def read_city(directory: Path, *, load_date: date = CitySpec.as_of) -> dict[str, pd.DataFrame]:
    """Every source file of a generated city as typed rows; any rejected row is an error."""
    context = Context(load_date=load_date, districts=frozenset(DISTRICT_WEIGHTS))
    sources = {}
    for kind, contract in CONTRACTS.items():
        frame, _ = read_text_table(directory / f"{kind}.csv")
        checked = validate(frame, contract, context)
        if not checked.rejections.empty:
            first = checked.rejections.iloc[0]
            raise ValueError(
                f"{kind}: {len(checked.rejections)} row(s) failed their contract, "
                f"first row {first['_row']}: {first['message']}"
            )
        sources[kind] = checked.rows
    return sources


def oracle_auc_as_of(truth: pd.DataFrame, *, as_of: date) -> float:
    """The best AUC any model can reach on the borrowers labelled at ``as_of``, from the truth."""
    return oracle_auc(truth, month=truth_month(as_of))
