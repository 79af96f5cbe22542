"""The local client's Iceberg catalog below the operators: commits that lose to
a concurrent writer are retried, then fail naming the table; DuckDB and
pyiceberg read each other's writes. Real SQLite catalogs and real files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from mason_local.iceberg.tables import IcebergTables

from mason.sdk.errors import MasonRuntimeError
from mason.sdk.iceberg import MAX_COMMIT_ATTEMPTS
from mason.sdk.models import Column, Schema, Table


def ids(table: Any) -> list[int]:
    return sorted(table.scan().to_arrow().column("id").to_pylist())


@pytest.fixture
def tables(tmp_path: Path) -> IcebergTables:
    tables = IcebergTables(tmp_path / "iceberg.sqlite", tmp_path / "warehouse")
    tables.create(
        Table(
            name="t",
            database="db",
            format="iceberg",
            Schema=Schema(columns=[Column(name="id", type="int64")]),
        )
    )
    return tables


def rows(*values: int) -> Any:
    import pyarrow as pa

    return pa.table({"id": pa.array(values, pa.int64())})


def no_inner_retries(tables: IcebergTables) -> None:
    """Leave conflicts to Mason's loop: pyiceberg rebases a lost append itself
    (commit.retry.num-retries), which would hide the loop under test."""
    table = tables.load("db", "t")
    table.transaction().set_properties({"commit.retry.num-retries": "0"}).commit_transaction()


def test_concurrent_appends_both_land(tables: IcebergTables) -> None:
    other = IcebergTables(tables.catalog_file, tables.warehouse)

    def work(table: Any) -> None:
        other.load("db", "t").append(rows(1))  # lands between our load and our commit
        table.append(rows(2))

    done = tables.commit("db", "t", work)
    assert ids(done.table) == [1, 2]


def test_a_commit_beaten_by_a_concurrent_writer_is_redone(tables: IcebergTables) -> None:
    no_inner_retries(tables)
    # another process's catalog handle on the same SQLite file and warehouse
    other = IcebergTables(tables.catalog_file, tables.warehouse)
    attempts = []

    def work(table: Any) -> None:
        attempts.append(table.metadata_location)
        if len(attempts) == 1:
            other.load("db", "t").append(rows(1))  # commits first
        table.append(rows(2))

    done = tables.commit("db", "t", work)
    assert done.retries == 1 and len(attempts) == 2
    assert ids(done.table) == [1, 2]


def test_a_writer_always_beaten_fails_naming_the_table(tables: IcebergTables) -> None:
    no_inner_retries(tables)
    other = IcebergTables(tables.catalog_file, tables.warehouse)
    beaten = []

    def work(table: Any) -> None:
        other.load("db", "t").append(rows(len(beaten)))
        beaten.append(1)
        table.append(rows(-1))

    with pytest.raises(MasonRuntimeError) as caught:
        tables.commit("db", "t", work)
    assert "table db.t: other writers committed first" in caught.value.message
    assert "\n" not in caught.value.message
    assert len(beaten) == MAX_COMMIT_ATTEMPTS
    # nothing of the failed writer is visible; every commit of the other is
    assert ids(tables.load("db", "t")) == list(range(MAX_COMMIT_ATTEMPTS))
