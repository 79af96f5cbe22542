"""Delta Lake tables through the bundled operators on the local default: tables
written by delta-rs in real folders, registered in the real SQLite catalog,
read by DuckDB. Nothing is mocked."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import mason
from mason import models
from tests.delta_log import backdated

from .conftest import Dataset

Run = Callable[..., mason.Response]

ROWS = [{"id": i, "kind": ("click", "view")[i % 2], "value": i * 0.5} for i in range(6)]


def query(run: Run, sql: str, **params: Any) -> list[dict[str, Any]]:
    job = run("table", "query", query_string=sql, database_name="lake", **params).data[0]
    return list(job.preview)


def ids(run: Run, **params: Any) -> list[int]:
    return [int(r["id"]) for r in query(run, "SELECT id FROM events ORDER BY id", **params)]


def delta_write(path: Path, rows: list[dict[str, Any]], mode: str = "append") -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    write_deltalake(str(path), pa.Table.from_pylist(rows), mode=mode)  # type: ignore[arg-type]


def write_parquet(path: Path, rows: list[dict[str, Any]]) -> Path:
    import pyarrow as pa
    import pyarrow.parquet as pq

    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(pa.Table.from_pylist(rows), path)
    return path


def table_of(run: Run, name: str = "events") -> models.Table:
    table = run("table", "get", database_name="lake", table_name=name).data[0]
    assert isinstance(table, models.Table)
    return table


def age(path: Path, days: float) -> None:
    """Make ``path`` (a file, or every file under a folder) ``days`` old."""
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    old = time.time() - days * 86400
    for file in files:
        os.utime(file, (old, old))


@pytest.fixture
def events(run: Run, tmp_path: Path) -> Path:
    """A Delta table of three versions (write, append, delete) registered as lake.events."""
    from deltalake import DeltaTable

    path = tmp_path / "delta" / "events"
    delta_write(path, ROWS[:4])
    delta_write(path, ROWS[4:])
    DeltaTable(str(path)).delete("id = 0")
    run("table", "infer", storage_path=str(path), database_name="lake")
    return path


def test_infer_registers_the_current_version_not_every_parquet_file(run: Run, events: Path) -> None:
    # the folder holds the file the delete rewrote too: read as plain parquet it
    # would give id 0 again, and ids 1-3 twice
    assert len(list(events.glob("*.parquet"))) == 3
    table = table_of(run)
    assert table.format == "delta"
    assert table.location == str(events)
    meta = table.format_metadata
    assert meta is not None and meta.current_snapshot is not None
    assert meta.current_snapshot.snapshot_id == 2 and meta.snapshot_count == 3
    assert meta.metadata_location == str(events / "_delta_log")
    assert [(c.name, c.type) for c in table.table_schema.columns] == [
        ("id", "int64"),
        ("kind", "string"),
        ("value", "double"),
    ]
    assert table.file_count == 2
    assert ids(run) == [1, 2, 3, 4, 5]


def test_list_and_get_follow_the_log(run: Run, events: Path, events_parquet: Dataset) -> None:
    run(
        "table",
        "infer",
        storage_path=str(events_parquet.path),
        database_name="lake",
        table_name="plain",
    )
    tables = run("table", "list", database_name="lake").data
    assert {t.name: t.format for t in tables} == {"events": "delta", "plain": "parquet"}
    delta_write(events, [{"id": 9, "kind": "view", "value": 1.0}])  # outside Mason
    meta = table_of(run).format_metadata
    assert meta is not None and meta.current_snapshot is not None
    assert meta.current_snapshot.snapshot_id == 3
    assert ids(run) == [1, 2, 3, 4, 5, 9]


def test_query_as_of_a_version_or_a_timestamp(run: Run, events: Path) -> None:
    assert ids(run, as_of="0") == [0, 1, 2, 3]
    assert ids(run, as_of="1") == [0, 1, 2, 3, 4, 5]
    history = run("table", "history", database_name="lake", table_name="events").data
    assert [s.snapshot_id for s in history] == [0, 1, 2]
    assert [s.operation for s in history] == ["write", "write", "delete"]
    assert history[-1].current
    when = history[1].committed_at.isoformat()
    assert ids(run, as_of=when) == [0, 1, 2, 3, 4, 5]
    bad = mason.run(
        "table", "query", query_string="SELECT 1 FROM events", database_name="lake", as_of="7"
    )
    assert bad.exit_code == 1 and "no version 7" in bad.errors[0]
    oldest = history[0].committed_at.isoformat()
    assert bad.errors[0].endswith(
        f"its versions are 0 to 2, the oldest committed at {oldest} (see 'table history')"
    )
    early = mason.run(
        "table",
        "query",
        query_string="SELECT 1 FROM events",
        database_name="lake",
        as_of="2001-01-01",
    )
    assert early.exit_code == 1 and "\n" not in early.errors[0]
    assert "no version as of 2001-01-01T00:00:00+00:00: its versions are 0 to 2" in early.errors[0]


def test_append_overwrite_upsert_delete_each_one_commit(
    run: Run, events: Path, tmp_path: Path
) -> None:
    more = write_parquet(tmp_path / "in" / "more.parquet", [{"id": 10, "kind": "x", "value": 1.0}])
    done = run(
        "table", "write", database_name="lake", table_name="events", input_path=str(more)
    ).data[0]
    assert isinstance(done, models.CommitResult)
    assert (done.snapshot_id, done.rows_added, done.files_added) == (3, 1, 1)
    assert ids(run) == [1, 2, 3, 4, 5, 10]

    # overwrite by filter: the rows matching it go, every source row comes in
    repl = write_parquet(tmp_path / "in" / "repl.parquet", [{"id": 20, "kind": "y", "value": 2.0}])
    done = run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="overwrite",
        filter="id >= 4",
        input_path=str(repl),
    ).data[0]
    assert (done.snapshot_id, done.rows_added, done.rows_removed) == (4, 1, 3)
    assert ids(run) == [1, 2, 3, 20]

    changes = write_parquet(
        tmp_path / "in" / "chg.parquet",
        [{"id": 1, "kind": "changed", "value": 9.0}, {"id": 30, "kind": "new", "value": 3.0}],
    )
    done = run(
        "table",
        "merge",
        input_path=str(changes),
        database_name="lake",
        table_name="events",
        keys=["id"],
    ).data[0]
    assert done.snapshot_id == 5 and done.rows_added == 1
    rows = query(run, "SELECT id, kind FROM events ORDER BY id")
    assert rows[0] == {"id": 1, "kind": "changed"} and [r["id"] for r in rows] == [1, 2, 3, 20, 30]

    done = run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="delete",
        filter="kind = 'changed' OR id = 30",
    ).data[0]
    assert (done.snapshot_id, done.rows_removed) == (6, 2)
    assert ids(run) == [2, 3, 20]

    done = run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="overwrite",
        input_path=str(more),
    ).data[0]
    assert ids(run) == [10]
    # every write was one version
    history = run("table", "history", database_name="lake", table_name="events").data
    assert len(history) == 8


def test_a_bad_write_is_one_line_and_changes_nothing(
    run: Run, events: Path, tmp_path: Path
) -> None:
    odd = write_parquet(tmp_path / "in" / "odd.parquet", [{"id": 1, "nope": 1}])
    bad = mason.run(
        "table", "write", database_name="lake", table_name="events", input_path=str(odd)
    )
    assert bad.exit_code == 2 and "nope" in bad.errors[0]
    bad = mason.run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="delete",
        filter="id >>> 2",
    )
    assert bad.exit_code == 2 and len(bad.errors) == 1
    assert "\n" not in bad.errors[0]
    meta = table_of(run).format_metadata
    assert meta is not None and meta.snapshot_count == 3


def test_rollback_restores_an_earlier_version(run: Run, events: Path) -> None:
    run("table", "rollback", database_name="lake", table_name="events", snapshot_id=0)
    assert ids(run) == [0, 1, 2, 3]
    meta = table_of(run).format_metadata
    assert meta is not None and meta.snapshot_count == 4  # the restore is a version too


def test_evolve_adds_columns_and_refuses_what_delta_rs_cannot(run: Run, events: Path) -> None:
    run("table", "evolve", database_name="lake", table_name="events", add_columns=["note:string"])
    assert table_of(run).table_schema.column_names()[-1] == "note"
    assert query(run, "SELECT count(note) AS n FROM events") == [{"n": 0}]
    bad = mason.run(
        "table",
        "evolve",
        database_name="lake",
        table_name="events",
        rename_columns=["kind:category"],
    )
    assert bad.exit_code == 2 and "rename_column is not supported" in bad.errors[0]


def test_compact_rewrites_small_files_in_one_commit(run: Run, events: Path) -> None:
    for i in range(5):
        delta_write(events, [{"id": 100 + i, "kind": "c", "value": 0.0}])
    before = ids(run)
    dry = run("table", "compact", database_name="lake", table_name="events", dry_run=True).data[0]
    assert isinstance(dry, models.MaintenanceReport) and dry.files_rewritten == 7
    meta = table_of(run).format_metadata
    assert meta is not None and meta.snapshot_count == 8  # the dry run committed nothing
    report = run("table", "compact", database_name="lake", table_name="events").data[0]
    assert (report.files_rewritten, report.files_added) == (7, 1)
    assert report.bytes_rewritten > 0 and report.bytes_added > 0
    assert report.snapshot_id == 8
    assert ids(run) == before
    assert table_of(run).file_count == 1
    # time travel still reads the small files
    assert ids(run, as_of="1") == [0, 1, 2, 3, 4, 5]


def test_expire_vacuums_files_only_old_versions_need(run: Run, events: Path) -> None:
    from deltalake import DeltaTable

    run("table", "compact", database_name="lake", table_name="events")
    live = set(DeltaTable(str(events)).file_uris())
    # nothing is older than a day yet: nothing goes
    report = run(
        "table", "expire", database_name="lake", table_name="events", older_than_days=1
    ).data[0]
    assert report.files_removed == 0
    # the log's commits and tombstones made "old": version timestamps are in the log
    _shift_log_back(events, days=10)
    # the two newest versions stay readable: the files the compaction replaced stay
    kept = run(
        "table",
        "expire",
        database_name="lake",
        table_name="events",
        older_than_days=1,
        retain_last=2,
        dry_run=True,
    ).data[0]
    assert kept.files_removed == 1 and kept.snapshots_removed == 2
    dry = run(
        "table",
        "expire",
        database_name="lake",
        table_name="events",
        older_than_days=1,
        dry_run=True,
    ).data[0]
    assert dry.files_removed == 3 and all(p not in live for p in dry.paths)
    assert all(os.path.exists(p) for p in dry.paths)
    report = run(
        "table", "expire", database_name="lake", table_name="events", older_than_days=1
    ).data[0]
    assert report.files_removed == 3 and report.bytes_removed > 0
    assert not any(os.path.exists(p) for p in report.paths)
    assert all(os.path.exists(p) for p in live)
    assert ids(run) == [1, 2, 3, 4, 5]


def _shift_log_back(path: Path, days: float) -> None:
    """Rewrite the log's commit and removal timestamps ``days`` earlier, as if
    the versions had been committed then (delta-rs has no clock to inject)."""
    for commit in sorted((path / "_delta_log").glob("*.json")):
        commit.write_text(backdated(commit.read_text(), days))
        age(commit, days)


def test_clean_deletes_old_orphans_only(run: Run, events: Path) -> None:
    orphan = write_parquet(events / "part-orphan.parquet", [{"id": 1}])
    young = write_parquet(events / "part-young.parquet", [{"id": 2}])
    age(events, 5)
    os.utime(young, None)  # just written: maybe a commit in progress
    dry = run("table", "clean", database_name="lake", table_name="events", dry_run=True).data[0]
    assert dry.paths == [str(orphan)] and orphan.exists()
    report = run("table", "clean", database_name="lake", table_name="events").data[0]
    assert report.files_removed == 1 and report.bytes_removed == dry.bytes_removed
    assert not orphan.exists() and young.exists()
    # every file of every version stays: time travel to the first still reads
    assert ids(run, as_of="0") == [0, 1, 2, 3]
    with pytest.raises(mason.MasonUsageError, match="older_than_days"):
        mason.run("table", "clean", database_name="lake", table_name="events", older_than_days=0.01)


def test_infer_format_delta_copies_plain_files_and_iceberg_refuses_a_delta_folder(
    run: Run, events: Path, events_parquet: Dataset
) -> None:
    run(
        "table",
        "infer",
        storage_path=str(events_parquet.path),
        database_name="lake",
        table_name="copied",
        format="delta",
    )
    copied = table_of(run, "copied")
    assert copied.format == "delta" and copied.location and "warehouse" in copied.location
    rows = query(run, "SELECT count(*) AS n FROM copied")
    assert rows == [{"n": len(events_parquet.rows)}]
    bad = mason.run(
        "table", "infer", storage_path=str(events), database_name="lake", format="iceberg"
    )
    assert bad.exit_code == 2 and "holds a delta table" in bad.errors[0]


def test_delete_with_data_removes_the_entry_and_the_folder(run: Run, events: Path) -> None:
    run("table", "delete", database_name="lake", table_name="events", delete_data=True)
    assert not events.exists()
    assert run("table", "list", database_name="lake").data == []


def test_clean_keeps_files_of_partitions_with_escaped_values(run: Run, tmp_path: Path) -> None:
    import pyarrow as pa
    from deltalake import write_deltalake

    path = tmp_path / "escaped"
    rows = pa.table({"id": [1, 2, 3], "p": ["a b", "c%d", "é/x"]})
    write_deltalake(str(path), rows, partition_by=["p"])
    run("table", "infer", storage_path=str(path), database_name="lake")
    age(path, 5)
    # the log names p=a%2520b/..., the file is p=a%20b/...: the same file
    dry = run("table", "clean", database_name="lake", table_name="escaped", dry_run=True).data[0]
    assert dry.paths == [] and dry.files_removed == 0
    got = query(run, "SELECT p FROM escaped ORDER BY id")
    assert [r["p"] for r in got] == ["a b", "c%d", "é/x"]
