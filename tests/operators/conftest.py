"""Fixtures of the operator tests: an isolated MASON_HOME and small datasets on disk.

Every operator runs for real through ``mason.run`` on the built-in local
configuration (files, SQLite catalog, DuckDB); nothing is mocked.
"""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import mason
from mason_core.runtime import reset_sessions

REGIONS = ("eu", "us")


@dataclass
class Dataset:
    path: Path
    #: every row as a reader of the table sees it (partition columns included).
    rows: list[dict[str, Any]]


@pytest.fixture(autouse=True)
def mason_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    home = tmp_path / "home"
    monkeypatch.setenv("MASON_HOME", str(home))
    reset_sessions()
    yield home
    reset_sessions()


@pytest.fixture
def run() -> Callable[..., mason.Response]:
    """``mason.run`` that insists on success, showing the errors when it fails."""

    def _run(namespace: str, command: str, **params: Any) -> mason.Response:
        response = mason.run(namespace, command, **params)
        assert response.ok, response.errors
        assert response.exit_code == 0
        return response

    return _run


@pytest.fixture
def sales_csv(tmp_path: Path) -> Dataset:
    """Orders as CSV with a header, hive-partitioned by region, two files in ``eu``."""
    root = tmp_path / "data" / "sales"
    rows: list[dict[str, Any]] = []
    order_id = 0
    for region in REGIONS:
        for part in range(2 if region == "eu" else 1):
            folder = root / f"region={region}"
            folder.mkdir(parents=True, exist_ok=True)
            with (folder / f"part-{part}.csv").open("w", newline="") as fh:
                writer = csv.writer(fh)
                writer.writerow(["order_id", "product", "quantity", "price"])
                for i in range(5):
                    order_id += 1
                    row = {
                        "order_id": order_id,
                        "product": f"p{i % 3}",
                        "quantity": (order_id * 7) % 11 + 1,
                        "price": round(order_id * 1.25, 2),
                    }
                    writer.writerow(row.values())
                    rows.append({**row, "region": region})
    return Dataset(root, rows)


@pytest.fixture
def events_parquet(tmp_path: Path) -> Dataset:
    """Two parquet files of one schema in a plain (unpartitioned) folder."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    root = tmp_path / "data" / "events"
    root.mkdir(parents=True)
    rows: list[dict[str, Any]] = []
    for part in range(2):
        chunk = [
            {"event_id": part * 10 + i, "kind": ("click", "view")[i % 2], "value": i * 0.5}
            for i in range(4)
        ]
        pq.write_table(pa.Table.from_pylist(chunk), root / f"part-{part}.parquet")
        rows.extend(chunk)
    return Dataset(root, rows)


@pytest.fixture
def events(run: Callable[..., mason.Response], events_parquet: Dataset) -> Dataset:
    """``events_parquet`` adopted as the Iceberg table ``lake.events``."""
    response = run(
        "table",
        "infer",
        storage_path=str(events_parquet.path),
        database_name="lake",
        format="iceberg",
    )
    assert response.ok
    return events_parquet
