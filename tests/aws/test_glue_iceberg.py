"""Iceberg tables in the Glue catalog, data and metadata on S3, against moto's
server on 127.0.0.1: created, written (append, overwrite, upsert, delete),
evolved, listed beside plain tables, described, queried by the local client's
DuckDB (now and as of a snapshot), rolled back; and a table registered the
way Athena registers one (sparse StorageDescriptor) read the same way.
Real pyiceberg Glue catalog, real pyarrow S3 reads and writes, real DuckDB."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mason
from mason import models
from tests.aws.conftest import put_parquet

BUCKET = "mason-lake"


def _session(tmp_path: Path, url: str) -> mason.Session:
    text = (
        "type: config\nid: 'glue-iceberg'\nmetastore_engine: glue\nstorage_engine: s3\n"
        "execution_engine: local\nclients:\n"
        f"  glue:\n    configuration:\n      endpoint_url: {url}\n"
        f"  s3:\n    configuration:\n      endpoint_url: {url}\n"
        "  local:\n    configuration: {}\n"
    )
    path = tmp_path / "config.yaml"
    path.write_text(text)
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(path))
    session.configs.set_current(session.configs.read_file(path).id)
    return session


@pytest.fixture
def lake(tmp_path: Path, aws_env: str, s3: Any, glue: Any) -> mason.Session:
    s3.create_bucket(Bucket=BUCKET)
    # where Iceberg tables created without a location go (table infer's)
    glue.create_database(
        DatabaseInput={"Name": "lake", "LocationUri": f"s3://{BUCKET}/warehouse/lake"}
    )
    return _session(tmp_path, aws_env)


def run(session: mason.Session, *command: str, **params: Any) -> list[Any]:
    response = session.run(*command, params)
    assert response.errors == [], response.errors
    return list(response.data)


def query(session: mason.Session, sql: str, **params: Any) -> list[dict[str, Any]]:
    job = run(session, "table", "query", query_string=sql, database_name="lake", **params)[0]
    return list(job.preview)


def metastore(session: mason.Session) -> Any:
    from mason_core.operators.context import EngineSet

    engines = EngineSet(session.registry, session.configs.get("glue-iceberg"), session.home)
    return engines, engines.get("metastore")


def create_events(session: mason.Session) -> models.Table:
    engines, glue_metastore = metastore(session)
    try:
        return glue_metastore.create_table(  # type: ignore[no-any-return]
            models.Table(
                name="events",
                database="lake",
                format="iceberg",
                location=f"s3://{BUCKET}/warehouse/lake/events",
                table_schema=models.Schema(
                    columns=[
                        models.Column(name="event_id", type="int64"),
                        models.Column(name="kind", type="string"),
                        models.Column(name="value", type="double"),
                    ]
                ),
            )
        )
    finally:
        engines.close()


def rows(s3: Any, key: str, data: dict[str, list[Any]]) -> str:
    put_parquet(s3, BUCKET, key, data)
    return f"s3://{BUCKET}/{key}"


def test_glue_iceberg_write_read_evolve_rollback(lake: mason.Session, s3: Any, glue: Any) -> None:
    created = create_events(lake)
    assert created.format == "iceberg" and created.format_metadata is not None
    raw = glue.get_table(DatabaseName="lake", Name="events")["Table"]
    assert raw["Parameters"]["table_type"].upper() == "ICEBERG"
    assert raw["Parameters"]["metadata_location"].startswith(f"s3://{BUCKET}/warehouse/")

    first = rows(
        s3, "in/a.parquet", {"event_id": [1, 2, 3], "kind": ["view"] * 3, "value": [1.0, 2.0, 3.0]}
    )
    done = run(lake, "table", "write", database_name="lake", table_name="events", input_path=first)[
        0
    ]
    assert isinstance(done, models.CommitResult) and done.rows_added == 3
    assert query(lake, "SELECT count(*) AS n FROM events") == [{"n": 3}]
    after_append = done.snapshot_id

    # the data files are on S3, under the table's location
    keys = [
        o["Key"]
        for o in s3.list_objects_v2(Bucket=BUCKET, Prefix="warehouse/lake/events/data/")["Contents"]
    ]
    assert keys and all(k.endswith(".parquet") for k in keys)

    buys = rows(s3, "in/b.parquet", {"event_id": [1], "kind": ["buy"], "value": [9.0]})
    run(
        lake,
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="overwrite",
        filter="event_id = 1",
        input_path=buys,
    )
    up = rows(
        s3, "in/c.parquet", {"event_id": [2, 4], "kind": ["view", "new"], "value": [20.0, 4.0]}
    )
    merged = run(
        lake,
        "table",
        "merge",
        database_name="lake",
        table_name="events",
        input_path=up,
        keys=["event_id"],
    )[0]
    assert merged.operation == "upsert" and (merged.rows_added, merged.rows_removed) == (2, 1)
    run(
        lake,
        "table",
        "write",
        database_name="lake",
        table_name="events",
        mode="delete",
        filter="event_id = 3",
    )
    assert query(lake, "SELECT event_id, kind, value FROM events ORDER BY event_id") == [
        {"event_id": 1, "kind": "buy", "value": 9.0},
        {"event_id": 2, "kind": "view", "value": 20.0},
        {"event_id": 4, "kind": "new", "value": 4.0},
    ]
    # time travel: the table as the first append left it
    assert query(lake, "SELECT count(*) AS n FROM events", as_of=str(after_append)) == [{"n": 3}]

    table = run(lake, "table", "get", database_name="lake", table_name="events")[0]
    meta = table.format_metadata
    assert table.format == "iceberg" and meta.snapshot_count >= 5
    assert (
        meta.metadata_location
        == glue.get_table(DatabaseName="lake", Name="events")["Table"]["Parameters"][
            "metadata_location"
        ]
    )
    assert [c.field_id for c in table.table_schema.columns] == [1, 2, 3]

    run(
        lake,
        "table",
        "evolve",
        database_name="lake",
        table_name="events",
        add_columns=["note:string"],
    )
    table = run(lake, "table", "get", database_name="lake", table_name="events")[0]
    assert [c.name for c in table.table_schema.columns] == ["event_id", "kind", "value", "note"]

    history = run(lake, "table", "history", database_name="lake", table_name="events")
    assert after_append in [s.snapshot_id for s in history]
    run(
        lake,
        "table",
        "rollback",
        database_name="lake",
        table_name="events",
        snapshot_id=after_append,
    )
    assert query(lake, "SELECT count(*) AS n FROM events") == [{"n": 3}]


def test_mixed_database_lists_and_gets_both_kinds(lake: mason.Session, s3: Any) -> None:
    create_events(lake)
    put_parquet(s3, BUCKET, "plain/sales/p.parquet", {"id": [1, 2], "amount": [3.0, 4.0]})
    run(lake, "table", "infer", storage_path=f"s3://{BUCKET}/plain/sales/", database_name="lake")
    listed = {t.name: t for t in run(lake, "table", "list", database_name="lake")}
    assert listed["events"].format == "iceberg" and listed["events"].format_metadata is not None
    assert listed["sales"].format == "parquet" and listed["sales"].format_metadata is None
    sales = run(lake, "table", "get", database_name="lake", table_name="sales")[0]
    assert sales.format == "parquet"
    assert query(lake, "SELECT sum(amount) AS s FROM sales") == [{"s": 7.0}]
    # a plain table has no snapshots: one line, exit 2
    response = lake.run("table", "history", {"database_name": "lake", "table_name": "sales"})
    assert response.exit_code == 2 and "iceberg" in response.errors[0].lower()


def test_a_table_athena_registered_reads_the_same(lake: mason.Session, s3: Any, glue: Any) -> None:
    """Athena's CREATE TABLE ... TBLPROPERTIES ('table_type'='ICEBERG') leaves a
    Glue entry with table_type and metadata_location, a StorageDescriptor with
    the location and Hive-typed columns, no SerDe: here one is registered that
    way over metadata pyiceberg wrote, and read through Mason."""
    create_events(lake)
    data = rows(s3, "in/a.parquet", {"event_id": [1, 2], "kind": ["a", "b"], "value": [1.0, 2.0]})
    run(lake, "table", "write", database_name="lake", table_name="events", input_path=data)
    metadata = glue.get_table(DatabaseName="lake", Name="events")["Table"]["Parameters"][
        "metadata_location"
    ]
    glue.create_table(
        DatabaseName="lake",
        TableInput={
            "Name": "athena_events",
            "TableType": "EXTERNAL_TABLE",
            "Parameters": {"table_type": "ICEBERG", "metadata_location": metadata},
            "StorageDescriptor": {
                "Location": f"s3://{BUCKET}/warehouse/lake/events",
                "Columns": [{"Name": "event_id", "Type": "bigint"}],
            },
        },
    )
    table = run(lake, "table", "get", database_name="lake", table_name="athena_events")[0]
    assert table.format == "iceberg"
    # the columns come from the metadata, not from Glue's sparse copy
    assert [c.name for c in table.table_schema.columns] == ["event_id", "kind", "value"]
    assert table.format_metadata.current_snapshot is not None
    assert query(lake, "SELECT sum(value) AS s FROM athena_events") == [{"s": 3.0}]


def s3_keys(s3: Any, prefix: str) -> set[str]:
    found = s3.list_objects_v2(Bucket=BUCKET, Prefix=prefix).get("Contents", [])
    return {f"s3://{BUCKET}/{o['Key']}" for o in found}


def test_glue_iceberg_compact_expire_clean_on_s3(lake: mason.Session, s3: Any) -> None:
    """Maintenance runs the same code as the local client's, over S3: compact
    swaps the small files for one in a commit, expire deletes from S3 what no
    kept snapshot references (and nothing that one does), clean leaves a
    young orphan alone."""
    create_events(lake)
    for n in range(4):
        batch = rows(s3, f"in/{n}.parquet", {"event_id": [n], "kind": ["k"], "value": [float(n)]})
        run(lake, "table", "write", database_name="lake", table_name="events", input_path=batch)
    table_prefix = "warehouse/lake/events/"
    report = run(lake, "table", "compact", database_name="lake", table_name="events")[0]
    assert (report.files_rewritten, report.files_added) == (4, 1)
    assert query(lake, "SELECT count(*) AS n, sum(event_id) AS s FROM events") == [
        {"n": 4, "s": "6"}
    ]

    before = s3_keys(s3, table_prefix)
    report = run(
        lake, "table", "expire", database_name="lake", table_name="events", older_than_days=0
    )[0]
    assert report.snapshots_removed == 4 and report.files_removed > 0
    after = s3_keys(s3, table_prefix)
    assert set(report.paths) == before - after  # what it reports is what left S3
    engines, glue_metastore = metastore(lake)
    try:
        planned = glue_metastore.plan_scan("lake", "events")
    finally:
        engines.close()
    assert len(planned.tasks) == 1 and all(t.path in after for t in planned.tasks)
    assert query(lake, "SELECT count(*) AS n FROM events") == [{"n": 4}]

    put_parquet(s3, BUCKET, f"{table_prefix}data/orphan.parquet", {"x": [1]})
    dry = run(lake, "table", "clean", database_name="lake", table_name="events", dry_run=True)[0]
    assert dry.paths == []  # the orphan is younger than the safety age; nothing referenced
    run(lake, "table", "clean", database_name="lake", table_name="events")
    assert f"s3://{BUCKET}/{table_prefix}data/orphan.parquet" in s3_keys(s3, table_prefix)


def test_infer_adopts_parquet_on_s3_as_a_glue_iceberg_table(lake: mason.Session, s3: Any) -> None:
    for n in range(2):
        put_parquet(s3, BUCKET, f"raw/clicks/p{n}.parquet", {"id": [n, n + 10], "v": [1.0, 2.0]})
    run(
        lake,
        "table",
        "infer",
        storage_path=f"s3://{BUCKET}/raw/clicks/",
        database_name="lake",
        format="iceberg",
    )
    table = run(lake, "table", "get", database_name="lake", table_name="clicks")[0]
    assert table.format == "iceberg" and table.format_metadata.snapshot_count == 1
    engines, glue_metastore = metastore(lake)
    try:
        planned = glue_metastore.plan_scan("lake", "clicks")
    finally:
        engines.close()
    # adopted in place, not copied
    assert sorted(t.path for t in planned.tasks) == [
        f"s3://{BUCKET}/raw/clicks/p0.parquet",
        f"s3://{BUCKET}/raw/clicks/p1.parquet",
    ]
    assert query(lake, "SELECT count(*) AS n FROM clicks") == [{"n": 4}]


def test_a_commit_beaten_by_another_writer_is_redone_on_glue(
    lake: mason.Session, s3: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A writer whose table is stale (another committed since it loaded) loses
    its first attempt in Glue's commit and the append is redone on the new
    snapshot (pyiceberg rebases an append itself): both writers' rows are
    there, and the result counts only this commit's row."""

    from mason_core.models import TableWrite

    create_events(lake)
    engines, glue_metastore = metastore(lake)
    try:
        stale = glue_metastore.iceberg.load("lake", "events")
        other = rows(s3, "in/o.parquet", {"event_id": [1], "kind": ["other"], "value": [1.0]})
        run(lake, "table", "write", database_name="lake", table_name="events", input_path=other)
        # the first attempt gets the table as it was before the other writer's commit
        monkeypatch.setattr(type(glue_metastore.iceberg), "cached", lambda self, db, name: stale)
        mine = rows(s3, "in/m.parquet", {"event_id": [2], "kind": ["mine"], "value": [2.0]})
        done = glue_metastore.write_table(
            "lake", "events", TableWrite(mode="append", source_paths=[mine])
        )
    finally:
        engines.close()
    assert (done.rows_added, done.files_added) == (1, 1)
    assert query(lake, "SELECT event_id, kind FROM events ORDER BY event_id") == [
        {"event_id": 1, "kind": "other"},
        {"event_id": 2, "kind": "mine"},
    ]


def test_a_query_reads_only_the_s3_files_its_where_may_keep(lake: mason.Session, s3: Any) -> None:
    """On Glue the pruned files are read by pyiceberg through the s3 client's
    filesystem; the rows are what every file gives."""
    create_events(lake)
    for part in range(3):
        ids = [part * 10 + i for i in range(3)]
        source = rows(
            s3,
            f"in/p{part}.parquet",
            {"event_id": ids, "kind": [f"k{part}"] * 3, "value": [float(i) for i in ids]},
        )
        run(lake, "table", "write", database_name="lake", table_name="events", input_path=source)

    def read(sql: str) -> tuple[list[Any], Any, Any]:
        job = run(lake, "table", "query", query_string=sql, database_name="lake")[0]
        got = sorted(r["event_id"] for r in job.preview)
        return got, job.metrics["iceberg_files_planned"], job.metrics["iceberg_files_pruned"]

    assert read("SELECT event_id FROM events WHERE event_id BETWEEN 11 AND 12") == ([11, 12], 1, 2)
    assert read("SELECT event_id FROM events WHERE kind IN ('k0', 'k2') AND event_id > 1") == (
        [2, 20, 21, 22],
        2,
        1,
    )
    assert read("SELECT event_id FROM events WHERE event_id = 1 OR event_id = 21") == (
        [1, 21],
        3,
        0,
    )
