"""Iceberg tables through the bundled operators on the local default: pyiceberg's
SQL catalog on a real SQLite file in MASON_HOME, real parquet files, real
DuckDB reads. Nothing is mocked."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

import mason
from mason import models

from .conftest import Dataset

Run = Callable[..., mason.Response]


def query(run: Run, sql: str, database: str = "lake", **params: Any) -> list[dict[str, Any]]:
    job = run("table", "query", query_string=sql, database_name=database, **params).data[0]
    return list(job.preview)


def count(run: Run, table: str = "events", **params: Any) -> int:
    return int(query(run, f"SELECT count(*) AS n FROM {table}", **params)[0]["n"])


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


def plan(name: str = "events", as_of: str | None = None) -> models.ScanPlan:
    """The table's files, as the metastore plans a read of them."""
    from mason_core.runtime import default_session

    session = default_session()
    config = session.configs.builtin()
    from mason_core.operators.context import EngineSet

    engines = EngineSet(session.registry, config, session.home)
    try:
        metastore = engines.get("metastore")
        return metastore.plan_scan("lake", name, as_of)  # type: ignore[attr-defined,no-any-return]
    finally:
        engines.close()


def test_infer_adopts_parquet_files_in_place(run: Run, events: Dataset) -> None:
    table = table_of(run)
    assert table.format == "iceberg"
    meta = table.format_metadata
    assert meta is not None and meta.current_snapshot is not None
    assert meta.snapshot_count == 1
    assert meta.metadata_location and meta.metadata_location.endswith(".metadata.json")
    assert [(c.name, c.field_id) for c in table.table_schema.columns] == [
        ("event_id", 1),
        ("kind", 2),
        ("value", 3),
    ]
    # not copied: the table's files are the originals
    assert sorted(t.path for t in plan().tasks) == sorted(
        str(p) for p in events.path.glob("*.parquet")
    )
    assert count(run) == len(events.rows)


def test_list_shows_each_tables_format(run: Run, events: Dataset, sales_csv: Dataset) -> None:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    tables = run("table", "list", database_name="lake").data
    assert {t.name: t.format for t in tables} == {"events": "iceberg", "sales": "csv"}
    # both kinds are read by one query
    rows = query(
        run, "SELECT (SELECT count(*) FROM events) AS e, (SELECT count(*) FROM sales) AS s"
    )
    assert rows == [{"e": len(events.rows), "s": len(sales_csv.rows)}]


def test_infer_copies_hive_partitioned_csv_and_partitions_by_its_keys(
    run: Run, sales_csv: Dataset
) -> None:
    run(
        "table",
        "infer",
        storage_path=str(sales_csv.path),
        database_name="lake",
        format="iceberg",
    )
    table = table_of(run, "sales")
    assert table.format_metadata is not None
    assert [(p.source_column, p.transform) for p in table.format_metadata.partition_spec] == [
        ("region", "identity")
    ]
    rows = query(run, "SELECT region, count(*) AS n FROM sales GROUP BY region ORDER BY region")
    assert rows == [{"region": "eu", "n": 10}, {"region": "us", "n": 5}]
    # copied into the warehouse, not read from the CSV files
    assert all(t.path.endswith(".parquet") for t in plan("sales").tasks)


def test_time_travel_by_snapshot_id_and_timestamp(
    run: Run, events: Dataset, tmp_path: Path
) -> None:
    first = table_of(run).format_metadata
    assert first is not None and first.current_snapshot is not None
    time.sleep(0.01)
    between = datetime.now(timezone.utc).isoformat()
    time.sleep(0.01)
    extra = write_parquet(
        tmp_path / "more" / "x.parquet", [{"event_id": 99, "kind": "buy", "value": 1.0}]
    )
    run("table", "write", database_name="lake", table_name="events", input_path=str(extra))
    assert count(run) == len(events.rows) + 1
    assert count(run, as_of=str(first.current_snapshot.snapshot_id)) == len(events.rows)
    assert count(run, as_of=between) == len(events.rows)


def test_as_of_is_refused_for_a_query_reading_no_iceberg_table(
    run: Run, sales_csv: Dataset
) -> None:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    response = mason.run(
        "table", "query", query_string="SELECT 1 FROM sales", database_name="lake", as_of="1"
    )
    assert response.exit_code != 0
    assert "as_of" in response.errors[0] and "\n" not in response.errors[0]


def test_writes_append_overwrite_upsert_delete(run: Run, events: Dataset, tmp_path: Path) -> None:
    batch = write_parquet(
        tmp_path / "in" / "a.parquet",
        [
            {"event_id": 100, "kind": "buy", "value": 5.0},
            {"event_id": 101, "kind": "buy", "value": 6.0},
        ],
    )
    run("table", "write", database_name="lake", table_name="events", input_path=str(batch))
    assert count(run) == 10

    # overwrite by filter: only the buys are replaced
    one = write_parquet(
        tmp_path / "in2" / "b.parquet", [{"event_id": 200, "kind": "buy", "value": 1.0}]
    )
    run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="overwrite",
        filter="kind = 'buy'",
        input_path=str(one),
    )
    assert query(run, "SELECT event_id FROM events WHERE kind = 'buy'") == [{"event_id": 200}]
    assert count(run) == 9

    # upsert through table merge with keys: 0 is updated, 300 inserted
    up = write_parquet(
        tmp_path / "in3" / "c.parquet",
        [
            {"event_id": 0, "kind": "view", "value": 42.0},
            {"event_id": 300, "kind": "new", "value": 1.0},
        ],
    )
    done = run(
        "table",
        "merge",
        input_path=str(up),
        database_name="lake",
        table_name="events",
        keys=["event_id"],
    ).data[0]
    assert isinstance(done, models.CommitResult) and done.operation == "upsert"
    assert (done.rows_added, done.rows_removed) == (2, 1)  # 0 replaced, 300 new
    assert query(run, "SELECT kind, value FROM events WHERE event_id = 0") == [
        {"kind": "view", "value": 42.0}
    ]
    assert count(run) == 10

    deleted = run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="delete",
        filter="value > 40",
    ).data[0]
    # the rows kept from a rewritten file count as neither added nor removed
    assert (deleted.rows_added, deleted.rows_removed) == (0, 1)
    assert query(run, "SELECT count(*) AS n FROM events WHERE event_id = 0") == [{"n": 0}]
    assert count(run) == 9


def test_write_from_a_query_result_leaves_no_staging_file(run: Run, events: Dataset) -> None:
    before = table_of(run)
    run(
        "table",
        "write",
        database_name="lake",
        table_name="events",
        query_string="SELECT event_id + 1000 AS event_id, kind, value FROM events",
    )
    assert count(run) == 2 * len(events.rows)
    assert before.location
    parent = Path(before.location).parent
    assert not [p for p in parent.iterdir() if "staging" in p.name]


def test_write_refuses_a_column_the_table_lacks(run: Run, events: Dataset, tmp_path: Path) -> None:
    bad = write_parquet(tmp_path / "bad" / "x.parquet", [{"event_id": 1, "colour": "red"}])
    response = mason.run(
        "table", "write", database_name="lake", table_name="events", input_path=str(bad)
    )
    assert response.exit_code == 2
    assert "colour" in response.errors[0] and "table evolve" in response.errors[0]
    assert count(run) == len(events.rows)


def test_evolve_add_rename_widen_drop_and_partition(
    run: Run, events: Dataset, tmp_path: Path
) -> None:
    run(
        "table",
        "evolve",
        database_name="lake",
        table_name="events",
        add_columns=["note:string", "score:int32"],
        rename_columns=["value:amount"],
        partition_by=["kind"],
    )
    run("table", "evolve", database_name="lake", table_name="events", widen_columns=["score:int64"])
    run("table", "evolve", database_name="lake", table_name="events", drop_columns=["note"])
    table = table_of(run)
    assert [(c.name, c.type, c.field_id) for c in table.table_schema.columns] == [
        ("event_id", "int64", 1),
        ("kind", "string", 2),
        ("amount", "double", 3),
        ("score", "int64", 5),
    ]
    assert table.format_metadata is not None
    assert [p.source_column for p in table.format_metadata.partition_spec] == ["kind"]
    # old files read under the new names: renamed by field id, added column null
    rows = query(run, "SELECT sum(amount) AS total, count(score) AS scored FROM events")
    assert rows == [{"total": sum(r["value"] for r in events.rows), "scored": 0}]


@pytest.mark.parametrize(
    ("change", "says"),
    [
        ({"widen_columns": ["value:float"]}, "double -> float"),
        ({"add_columns": ["kind:string"]}, "kind"),
        ({"drop_columns": ["missing_column"]}, "missing_column"),
    ],
)
def test_evolve_refuses_what_iceberg_forbids(
    run: Run, events: Dataset, change: dict[str, list[str]], says: str
) -> None:
    before = table_of(run)
    response = mason.run("table", "evolve", database_name="lake", table_name="events", **change)
    assert response.exit_code == 2, response.errors
    assert says in response.errors[0] and "\n" not in response.errors[0]
    assert table_of(run).table_schema == before.table_schema


def test_dropping_a_partition_source_column_is_refused(run: Run, events: Dataset) -> None:
    run("table", "evolve", database_name="lake", table_name="events", partition_by=["kind"])
    response = mason.run(
        "table", "evolve", database_name="lake", table_name="events", drop_columns=["kind"]
    )
    assert response.exit_code == 2
    assert "drop its partition field first" in response.errors[0]


def test_history_and_rollback(run: Run, events: Dataset, tmp_path: Path) -> None:
    extra = write_parquet(
        tmp_path / "more" / "x.parquet", [{"event_id": 99, "kind": "buy", "value": 1.0}]
    )
    run("table", "write", database_name="lake", table_name="events", input_path=str(extra))
    history = run("table", "history", database_name="lake", table_name="events").data
    assert [s.current for s in history] == [False, True]
    assert history[0].operation == "append" and history[0].summary["added-records"] == "8"
    back = run(
        "table",
        "rollback",
        database_name="lake",
        table_name="events",
        snapshot_id=history[0].snapshot_id,
    ).data[0]
    assert back.format_metadata.current_snapshot.snapshot_id == history[0].snapshot_id
    assert count(run) == len(events.rows)
    missing = mason.run(
        "table", "rollback", database_name="lake", table_name="events", snapshot_id=12345
    )
    assert missing.exit_code == 1 and "no snapshot 12345" in missing.errors[0]


def test_snapshot_operators_refuse_a_plain_table(run: Run, sales_csv: Dataset) -> None:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    response = mason.run("table", "history", database_name="lake", table_name="sales")
    assert response.exit_code == 2
    assert response.errors == [
        "operator 'table history' works on table formats (iceberg, delta); table lake.sales has "
        "format csv (create an Iceberg table with 'table infer ... -p format:iceberg')"
    ]


def test_file_operators_refuse_an_iceberg_table(run: Run, events: Dataset, tmp_path: Path) -> None:
    response = mason.run(
        "table",
        "dedupe",
        database_name="lake",
        table_name="events",
        output_path=str(tmp_path / "out"),
    )
    assert response.exit_code == 2
    assert "does not serve format iceberg on client 'local'" in response.errors[0]


def small_appends(run: Run, tmp_path: Path, n: int) -> None:
    for i in range(n):
        batch = write_parquet(
            tmp_path / f"b{i}" / "x.parquet", [{"event_id": 1000 + i, "kind": "k", "value": 1.0}]
        )
        run("table", "write", database_name="lake", table_name="events", input_path=str(batch))


def test_compact_rewrites_small_files_in_one_commit(
    run: Run, events: Dataset, tmp_path: Path
) -> None:
    small_appends(run, tmp_path, 4)
    before_files = len(plan().tasks)
    snapshots = len(run("table", "history", database_name="lake", table_name="events").data)
    total = query(run, "SELECT count(*) AS n, sum(event_id) AS s FROM events")
    previous = table_of(run).format_metadata.current_snapshot.snapshot_id  # type: ignore[union-attr]
    report = run("table", "compact", database_name="lake", table_name="events").data[0]
    assert report.files_rewritten == before_files == 6
    assert report.files_added == 1 and report.bytes_rewritten > 0
    assert len(plan().tasks) == 1
    assert (
        len(run("table", "history", database_name="lake", table_name="events").data)
        == snapshots + 1
    )
    assert query(run, "SELECT count(*) AS n, sum(event_id) AS s FROM events") == total
    # readers of the snapshot before still see its files
    assert count(run, as_of=str(previous)) == total[0]["n"]


def test_compact_dry_run_changes_nothing(run: Run, events: Dataset, tmp_path: Path) -> None:
    small_appends(run, tmp_path, 2)
    report = run("table", "compact", database_name="lake", table_name="events", dry_run=True).data[
        0
    ]
    assert report.dry_run and report.files_rewritten == 4
    assert len(plan().tasks) == 4


def referenced_files(name: str = "events") -> set[str]:
    """Every file a snapshot of the table references, read with pyiceberg from
    the metadata file the SQLite catalog points at now."""
    import sqlite3

    from pyiceberg.table import StaticTable

    from mason.sdk.iceberg_maintenance import reachable

    catalog = Path(os.environ["MASON_HOME"]) / "clients" / "local" / "iceberg.sqlite"
    conn = sqlite3.connect(catalog)
    try:
        (metadata,) = conn.execute(
            "SELECT metadata_location FROM iceberg_tables WHERE table_name = ?", (name,)
        ).fetchone()
    finally:
        conn.close()
    static = StaticTable.from_metadata(metadata)
    return set(reachable(static, static.metadata.snapshots, live_only=True))


def test_expire_deletes_only_unreferenced_files(run: Run, events: Dataset, tmp_path: Path) -> None:
    small_appends(run, tmp_path, 3)
    run("table", "compact", database_name="lake", table_name="events")
    location = Path(table_of(run).location or "")
    before_on_disk = {str(p) for p in location.rglob("*") if p.is_file()}
    dry = run(
        "table",
        "expire",
        database_name="lake",
        table_name="events",
        older_than_days=0,
        dry_run=True,
    ).data[0]
    assert dry.snapshots_removed == 4 and dry.files_removed > 0
    assert {str(p) for p in location.rglob("*") if p.is_file()} == before_on_disk

    report = run(
        "table", "expire", database_name="lake", table_name="events", older_than_days=0
    ).data[0]
    assert report.snapshots_removed == 4
    assert report.files_removed == dry.files_removed and report.bytes_removed > 0
    history = run("table", "history", database_name="lake", table_name="events").data
    assert len(history) == 1 and history[0].current
    still = referenced_files()
    assert all(Path(p).exists() for p in still), "expire deleted a referenced file"
    assert not set(report.paths) & still
    # the compacted small files written by appends are gone; the adopted originals stay
    assert all(not Path(p).exists() for p in report.paths)
    assert all(p.exists() for p in events.path.glob("*.parquet"))
    assert count(run) == len(events.rows) + 3


def test_clean_deletes_old_orphans_only(run: Run, events: Dataset, tmp_path: Path) -> None:
    small_appends(run, tmp_path, 1)
    location = Path(table_of(run).location or "")
    old = time.time() - 10 * 86400
    orphan_old = location / "data" / "orphan-old.parquet"
    orphan_young = location / "data" / "orphan-young.parquet"
    for orphan in (orphan_old, orphan_young):
        orphan.write_bytes(b"not referenced")
    # every file, referenced ones too, looks old: only references protect them
    for path in location.rglob("*"):
        if path.is_file() and path != orphan_young:
            os.utime(path, (old, old))
    dry = run("table", "clean", database_name="lake", table_name="events", dry_run=True).data[0]
    assert dry.paths == [str(orphan_old)] and orphan_old.exists()
    report = run("table", "clean", database_name="lake", table_name="events").data[0]
    assert report.files_removed == 1 and report.bytes_removed == len(b"not referenced")
    assert not orphan_old.exists() and orphan_young.exists()
    assert all(Path(p).exists() for p in referenced_files())
    assert count(run) == len(events.rows) + 1


def test_clean_refuses_a_safety_age_under_an_hour(run: Run, events: Dataset) -> None:
    with pytest.raises(mason.MasonUsageError, match="older_than_days"):
        mason.run("table", "clean", database_name="lake", table_name="events", older_than_days=0.01)


def spark_config(tmp_path: Path) -> str:
    """A saved configuration: the local catalog, Spark (local mode) executing."""
    import yaml

    from mason_core.runtime import default_session

    path = tmp_path / "sparky.yaml"
    path.write_text(
        yaml.safe_dump(
            {
                "type": "config",
                "id": "sparky",
                "metastore_engine": "local",
                "storage_engine": "local",
                "execution_engine": "spark",
                "clients": {"spark": {"configuration": {"runner": {"type": "local"}}}},
            }
        )
    )
    store = default_session().configs
    store.save(store.read_file(path))
    return "sparky"


def test_an_execution_client_that_reads_no_iceberg_refuses_before_running(
    run: Run, events: Dataset, tmp_path: Path
) -> None:
    """This session has pyspark 4, for which no Iceberg Spark runtime is on the
    index: Spark refuses the query (as_of too) before any job is recorded, with
    the reason on one line, through the API and the CLI alike (the reading
    itself is tested with pyspark 3.5 in ``nox -s spark-iceberg``)."""
    import json
    import subprocess
    import sys

    import pyspark

    config = spark_config(tmp_path)
    reason = (
        "execution client 'spark' cannot read iceberg table lake.events: the Iceberg Spark "
        f"runtime found on the index is built for Spark 3.5 and pyspark {pyspark.__version__} "
        "is installed (install pyspark 3.5 and 'snowpark-connect-deps-iceberg==1.0.2')"
    )
    response = mason.run(
        "table",
        "query",
        query_string="SELECT count(*) FROM Events",
        database_name="lake",
        config_id=config,
    )
    assert response.exit_code == 2
    assert response.errors == [reason]
    as_of = mason.run(
        "table",
        "query",
        query_string="SELECT 1",
        database_name="lake",
        as_of="1",
        config_id=config,
    )
    assert as_of.exit_code == 2
    assert as_of.errors == [
        "as_of reads Iceberg tables as of a snapshot; the query reads none (no catalog table)"
    ]
    old = mason.run(
        "table",
        "query",
        query_string="SELECT * FROM events",
        database_name="lake",
        as_of="1",
        config_id=config,
    )
    assert old.exit_code == 2 and old.errors == [reason]
    params = "database_name:lake,query_string:SELECT count(*) FROM events"
    command = ["op", "table", "query", "-c", config, "-p", params, "--output", "json"]
    cli = subprocess.run(
        [sys.executable, "-m", "mason", *command],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert cli.returncode == 2
    assert json.loads(cli.stdout)["Errors"] == [reason] and "Traceback" not in cli.stderr
    from mason_core.jobrecords import JobStore

    assert JobStore(Path(os.environ["MASON_HOME"]), "spark").list() == []  # nothing ran


def test_write_creates_a_table_from_a_query_result_and_from_files(
    run: Run, sales_csv: Dataset, events_parquet: Dataset
) -> None:
    run("table", "infer", storage_path=str(sales_csv.path), database_name="lake")
    created = run(
        "table",
        "write",
        database_name="lake",
        table_name="totals",
        create=True,
        query_string="SELECT region, sum(quantity)::BIGINT AS units FROM sales GROUP BY region",
    )
    assert any("Created iceberg table lake.totals" in line for line in created.info)
    table = table_of(run, "totals")
    assert table.format == "iceberg"
    assert [c.name for c in table.table_schema.columns] == ["region", "units"]
    expected = {}
    for row in sales_csv.rows:
        expected[row["region"]] = expected.get(row["region"], 0) + row["quantity"]
    rows = query(run, "SELECT region, units FROM totals ORDER BY region")
    assert {r["region"]: r["units"] for r in rows} == expected
    assert table.location and not [
        p for p in Path(table.location).parent.iterdir() if "staging" in p.name
    ]

    run(
        "table",
        "write",
        database_name="lake",
        table_name="copied",
        create=True,
        input_path=str(events_parquet.path),
    )
    assert count(run, "copied") == len(events_parquet.rows)
    # create only creates: an existing table is written to as it is
    again = run(
        "table",
        "write",
        database_name="lake",
        table_name="copied",
        create=True,
        input_path=str(events_parquet.path),
    ).data[0]
    assert again.rows_added == len(events_parquet.rows)
    assert count(run, "copied") == 2 * len(events_parquet.rows)
    refused = mason.run(
        "table", "write", database_name="lake", table_name="new", create=True, mode="delete"
    )
    assert refused.exit_code == 2 and "needs an existing one" in refused.errors[0]
