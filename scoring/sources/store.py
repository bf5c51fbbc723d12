"""Monthly and other bulky source records in Parquet, one immutable file per batch.

The batch manifest (``source_batches``) says which files exist and when each was loaded, so
history can be read as of any load time: take the batches loaded by then and, per key, the row
from the latest of them.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

BATCH_COLUMN = "_batch_id"


class SourceStore:
    """Parquet files under ``<data_dir>/sources/<kind>/batch-<id>.parquet``."""

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / "sources"

    def path_for(self, kind: str, batch_id: int) -> Path:
        return self.root / kind / f"batch-{batch_id:08d}.parquet"

    def write(self, kind: str, batch_id: int, rows: pd.DataFrame) -> Path:
        """Write a batch's rows atomically: a reader sees the whole file or none of it."""
        path = self.path_for(kind, batch_id)
        path.parent.mkdir(parents=True, exist_ok=True)
        table = pa.Table.from_pandas(rows.assign(**{BATCH_COLUMN: batch_id}), preserve_index=False)
        table = table.cast(_with_dates(table.schema))
        partial = path.with_suffix(".partial")
        pq.write_table(table, partial, compression="zstd")
        os.replace(partial, path)
        return path

    def read(
        self, kind: str, batch_ids: Sequence[int], columns: Sequence[str] | None = None
    ) -> pd.DataFrame:
        """The rows of the given batches, in batch order, with their batch id."""
        paths = [self.path_for(kind, batch_id) for batch_id in sorted(batch_ids)]
        paths = [path for path in paths if path.exists()]
        if not paths:
            return pd.DataFrame(columns=[*(columns or []), BATCH_COLUMN])
        wanted = None if columns is None else [*columns, BATCH_COLUMN]
        tables = [pq.read_table(path, columns=wanted) for path in paths]
        return pa.concat_tables(tables, promote_options="default").to_pandas(date_as_object=False)

    def current(
        self,
        kind: str,
        batch_ids: Sequence[int],
        key: Sequence[str],
        columns: Sequence[str] | None = None,
    ) -> pd.DataFrame:
        """Per key, the row of the latest batch among ``batch_ids``: the view as of that load."""
        wanted = None if columns is None else list(dict.fromkeys([*key, *columns, "_row"]))
        rows = self.read(kind, batch_ids, wanted)
        if rows.empty:
            return rows
        rows = rows.sort_values([BATCH_COLUMN, "_row"], kind="stable")
        return rows.drop_duplicates(list(key), keep="last").reset_index(drop=True)


def _with_dates(schema: pa.Schema) -> pa.Schema:
    """Dates and months are stored as calendar dates, not timestamps."""
    fields = [pa.field(f.name, pa.date32()) if pa.types.is_timestamp(f.type) else f for f in schema]
    return pa.schema(fields)
