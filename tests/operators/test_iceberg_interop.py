"""Interoperability: a table written by one engine is read by another.

pyiceberg, used directly on the SQLite catalog Mason keeps in MASON_HOME (as
any other Iceberg tool would open it), writes rows that Mason's DuckDB query
reads; rows Mason writes from a DuckDB query's result are read back by
pyiceberg directly. Real catalog, real files, no Mason code on the other side.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import mason

from .conftest import Dataset

Run = Callable[..., mason.Response]


def outside_catalog() -> Any:
    """pyiceberg's own SQL catalog over Mason's SQLite file and warehouse."""
    from pyiceberg.catalog.sql import SqlCatalog

    local = Path(os.environ["MASON_HOME"]) / "clients" / "local"
    return SqlCatalog(
        "mason",
        uri=f"sqlite:///{local / 'iceberg.sqlite'}",
        warehouse=(local / "warehouse").as_uri(),
    )


def test_pyiceberg_writes_duckdb_reads_and_back(run: Run, events: Dataset) -> None:
    import pyarrow as pa

    theirs = outside_catalog().load_table(("lake", "events"))
    theirs.append(
        pa.table(
            {
                "event_id": pa.array([500, 501], pa.int64()),
                "kind": ["pyiceberg", "pyiceberg"],
                "value": [1.5, 2.5],
            }
        )
    )
    # DuckDB (through table query) reads pyiceberg's commit
    job = run(
        "table",
        "query",
        database_name="lake",
        query_string="SELECT event_id, value FROM events WHERE kind = 'pyiceberg' ORDER BY 1",
    ).data[0]
    assert job.preview == [{"event_id": 500, "value": 1.5}, {"event_id": 501, "value": 2.5}]

    # Mason commits a DuckDB query's result; pyiceberg reads it back
    run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        query_string="SELECT event_id + 1000 AS event_id, 'duckdb' AS kind, value * 2 AS value "
        "FROM events WHERE kind = 'pyiceberg'",
    )
    rows = outside_catalog().load_table(("lake", "events")).scan(row_filter="kind = 'duckdb'")
    got = sorted(rows.to_arrow().to_pylist(), key=lambda r: r["event_id"])
    assert got == [
        {"event_id": 1500, "kind": "duckdb", "value": 3.0},
        {"event_id": 1501, "kind": "duckdb", "value": 5.0},
    ]
