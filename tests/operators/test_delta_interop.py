"""Interoperability of Delta tables: a table written by delta-rs directly
(partitioned, with a delete and a schema change, as another Delta tool
would leave it) is read by Mason's DuckDB queries; rows Mason writes are read
back by deltalake directly, and its log records Mason's operations. Real
files, no Mason code on the other side."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import mason

Run = Callable[..., mason.Response]


def test_deltalake_writes_mason_reads(run: Run, tmp_path: Path) -> None:
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    path = str(tmp_path / "sales")
    first = pa.table({"id": [1, 2, 3, 4], "region": ["eu", "eu", "us", "us"], "qty": [1, 2, 3, 4]})
    write_deltalake(path, first, partition_by=["region"])
    DeltaTable(path).delete("id = 2")
    later = pa.table({"id": [5], "region": ["eu"], "qty": [5], "note": ["late"]})
    write_deltalake(path, later, mode="append", schema_mode="merge")

    run("table", "infer", storage_path=path, database_name="lake")
    table = run("table", "get", database_name="lake", table_name="sales").data[0]
    assert table.format == "delta"
    assert [k.name for k in table.partition_keys] == ["region"]
    assert table.format_metadata is not None
    assert [(p.source_column, p.transform) for p in table.format_metadata.partition_spec] == [
        ("region", "identity")
    ]
    assert table.table_schema.column_names() == ["id", "qty", "region", "note"]
    job = run(
        "table",
        "query",
        database_name="lake",
        query_string="SELECT region, CAST(sum(qty) AS BIGINT) AS q, count(note) AS notes "
        "FROM sales GROUP BY region ORDER BY region",
    ).data[0]
    assert list(job.preview) == [
        {"region": "eu", "q": 6, "notes": 1},
        {"region": "us", "q": 7, "notes": 0},
    ]


def test_mason_writes_deltalake_reads(run: Run, tmp_path: Path) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq
    from deltalake import DeltaTable, write_deltalake

    path = str(tmp_path / "events")
    write_deltalake(path, pa.table({"id": [1, 2], "kind": ["a", "b"]}))
    run("table", "infer", storage_path=path, database_name="lake")
    src = tmp_path / "in.parquet"
    pq.write_table(pa.table({"id": [2, 3], "kind": ["B", "c"]}), src)
    run(
        "table",
        "merge",
        input_path=str(src),
        database_name="lake",
        table_name="events",
        keys=["id"],
    )
    # a query's result written by DuckDB, committed by Mason
    run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        query_string="SELECT id + 10 AS id, upper(kind) AS kind FROM events WHERE id = 1",
    )
    outside = DeltaTable(path)
    data: dict[str, Any] = outside.to_pyarrow_table().sort_by("id").to_pydict()
    assert data == {"id": [1, 2, 3, 11], "kind": ["a", "B", "c", "A"]}
    assert [h["operation"] for h in outside.history()] == ["WRITE", "MERGE", "WRITE"]
    # no staging file left in or beside the table
    assert not [p for p in Path(path).parent.iterdir() if "staging" in p.name]
