"""Builders for data files on disk used across the local client's tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def write_parquet(path: Path, columns: Any, **options: Any) -> Path:
    """Write a dict of columns (or an arrow table) as one parquet file."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    table = columns if isinstance(columns, pa.Table) else pa.table(columns)
    pq.write_table(table, path, **options)
    return path


def write_text(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path
