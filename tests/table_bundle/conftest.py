"""Fixtures of the table-bundle tests: real files in ``tmp_path``, operators run
for real through ``mason.run`` on the built-in local configuration (the
top-level conftest isolates MASON_HOME per test)."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

import mason
from tests.recording import RecordingProgress

__all__ = ["RecordingProgress"]


@dataclass
class Files:
    path: Path
    #: every row as the merge should see it: missing columns are absent keys.
    rows: list[dict[str, Any]]
    columns: set[str] = field(default_factory=set)


@pytest.fixture
def run() -> Callable[..., mason.Response]:
    """``mason.run`` that insists on success, showing the errors when it fails."""

    def _run(namespace: str, command: str, **params: Any) -> mason.Response:
        response = mason.run(namespace, command, **params)
        assert response.ok, response.errors
        return response

    return _run


def write_csv(path: Path, rows: list[dict[str, Any]], header: bool = True) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as fh:
        writer = csv.writer(fh)
        if header:
            writer.writerow(rows[0].keys())
        for row in rows:
            writer.writerow(row.values())


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


def read_dataset(path: Path) -> list[dict[str, Any]]:
    """Rows of a written parquet file or hive-partitioned folder, read by pyarrow."""
    import pyarrow.dataset as ds

    dataset = ds.dataset(path, format="parquet", partitioning="hive")
    return dataset.to_table().to_pylist()


@pytest.fixture
def mixed_files(tmp_path: Path) -> Files:
    """CSV, parquet and JSON lines files whose column sets differ."""
    root = tmp_path / "mixed"
    csv_rows = [{"id": i, "name": f"n{i}", "amount": i * 1.5} for i in range(1, 6)]
    parquet_rows = [{"id": i, "amount": float(i), "country": "nl"} for i in range(6, 9)]
    json_rows = [{"id": i, "name": f"j{i}", "flag": i % 2 == 0} for i in range(9, 11)]
    write_csv(root / "a.csv", csv_rows)
    write_parquet(root / "sub" / "b.parquet", parquet_rows)
    write_jsonl(root / "c.jsonl", json_rows)
    rows = csv_rows + parquet_rows + json_rows
    return Files(root, rows, {"id", "name", "amount", "country", "flag"})


@pytest.fixture
def sales(tmp_path: Path, run: Callable[..., mason.Response]) -> mason.models.Table:
    """A registered CSV table ``shop.sales`` with duplicate rows, hive-partitioned by region."""
    root = tmp_path / "warehouse" / "sales"
    rows = {
        "eu": [(1, "apple", 3), (2, "pear", 1), (2, "pear", 1), (3, "plum", 7)],
        "us": [(4, "apple", 2), (4, "apple", 2), (4, "apple", 5), (5, "fig", 9)],
    }
    for region, items in rows.items():
        write_csv(
            root / f"region={region}" / "part-0.csv",
            [{"order_id": o, "product": p, "quantity": q} for o, p, q in items],
        )
    response = run("table", "infer", storage_path=str(root), database_name="shop")
    table: mason.models.Table = response.data[0]
    return table
