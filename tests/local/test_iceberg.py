"""The local client's Iceberg catalog below the operators: commits that lose to
a concurrent writer are retried, then fail naming the table; DuckDB and
pyiceberg read each other's writes. Real SQLite catalogs and real files."""

from __future__ import annotations

import sqlite3
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


def test_duckdb_reads_the_files_itself_only_while_names_mean_what_iceberg_means(
    tables: IcebergTables,
) -> None:
    import duckdb
    from mason_local.iceberg.read import parquet_sql

    from mason.sdk.models import SchemaChange

    tables.load("db", "t").append(rows(1, 2))
    from mason.sdk.iceberg import evolve

    evolve(tables, "db", "t", [SchemaChange(kind="add_column", column="note", type="string")])
    table = tables.load("db", "t")
    sql = parquet_sql(table, table.scan())
    assert sql is not None and "read_parquet" in sql
    # the added column is in no file yet: null, with the table's type
    # a connection of its own: the default one may hold another test's unfinished result
    assert duckdb.connect().sql(f"SELECT id, note FROM {sql} ORDER BY id").fetchall() == [
        (1, None),
        (2, None),
    ]
    evolve(tables, "db", "t", [SchemaChange(kind="rename_column", column="id", new_name="key")])
    table = tables.load("db", "t")
    assert parquet_sql(table, table.scan()) is None  # old files still say "id"


def test_compact_and_expire_report_progress_in_files_and_bytes(tables: IcebergTables) -> None:
    from datetime import datetime, timezone

    from mason.sdk.iceberg_maintenance import TableFiles, compact, expire
    from tests.recording import RecordingProgress

    for i in range(3):
        tables.load("db", "t").append(rows(i))
    progress = RecordingProgress()
    report = compact(tables, TableFiles.local(), "db", "t", 1 << 20, False, progress)
    assert progress.starts == [("compact db.t", 3, report.bytes_rewritten)]
    assert (progress.files, progress.bytes_done, progress.finished) == (
        3,
        report.bytes_rewritten,
        1,
    )
    progress = RecordingProgress()
    report = expire(
        tables, TableFiles.local(), "db", "t", datetime.now(timezone.utc), 1, False, progress
    )
    assert report.files_removed > 0
    assert progress.starts[0][:2] == ("expire db.t", report.files_removed)
    assert (progress.files, progress.bytes_done) == (report.files_removed, report.bytes_removed)


def test_the_catalog_is_opened_once_per_process_while_its_file_is_the_same(
    tables: IcebergTables,
) -> None:
    again = IcebergTables(tables.catalog_file, tables.warehouse)
    assert again.catalog is tables.catalog  # not a second engine and table check

    tables.catalog.engine.dispose()
    tables.catalog_file.unlink()  # a new file at the same path: opened afresh
    fresh = IcebergTables(tables.catalog_file, tables.warehouse)
    assert fresh.catalog is not tables.catalog
    assert fresh.names("db") == []
    fresh.create(
        Table(
            name="t2",
            database="db",
            format="iceberg",
            Schema=Schema(columns=[Column(name="id", type="int64")]),
        )
    )
    assert fresh.names("db") == ["t2"]

    with sqlite3.connect(fresh.catalog_file) as conn:  # same file, tables gone
        conn.execute("DROP TABLE iceberg_tables")
    conn.close()
    emptied = IcebergTables(fresh.catalog_file, fresh.warehouse)
    assert emptied.catalog is not fresh.catalog  # reopened: pyiceberg creates the tables
    assert emptied.names("db") == []


def test_a_kept_catalog_sees_another_process_commit(tables: IcebergTables) -> None:
    import subprocess
    import sys

    tables.load("db", "t").append(rows(1))
    script = (
        "import sys, pyarrow as pa\n"
        "from pyiceberg.catalog.sql import SqlCatalog\n"
        "c = SqlCatalog('mason', uri='sqlite:///' + sys.argv[1], warehouse=sys.argv[2])\n"
        "c.load_table(('db', 't')).append(pa.table({'id': pa.array([2], pa.int64())}))\n"
    )
    subprocess.run(
        [sys.executable, "-c", script, str(tables.catalog_file), tables.warehouse.as_uri()],
        check=True,
    )
    kept = IcebergTables(tables.catalog_file, tables.warehouse)
    assert kept.catalog is tables.catalog
    assert ids(kept.load("db", "t")) == [1, 2]
    done = kept.commit("db", "t", lambda table: table.append(rows(3)))
    assert ids(done.table) == [1, 2, 3]


def test_a_table_is_parsed_again_only_when_the_catalog_points_elsewhere(
    tables: IcebergTables,
) -> None:
    first, second = tables.load("db", "t"), tables.load("db", "t")
    assert first is not second  # each caller its own table object
    assert first.metadata is second.metadata  # one parse while the pointer holds
    first.append(rows(1))
    third = tables.load("db", "t")
    assert third.metadata_location == first.metadata_location != second.metadata_location
    assert ids(third) == [1]
    # an edit of the catalog row outside pyiceberg is seen: back to the older file
    with sqlite3.connect(tables.catalog_file) as conn:
        conn.execute(
            "UPDATE iceberg_tables SET metadata_location = ? WHERE table_name = 't'",
            (second.metadata_location,),
        )
    conn.close()
    assert ids(tables.load("db", "t")) == []
