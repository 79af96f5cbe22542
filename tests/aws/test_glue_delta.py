"""Delta tables others registered in the Glue catalog (moto's server on
127.0.0.1, in its own process; the table written by delta-rs itself, with a
removed partition whose parquet object is still on S3).

Glue entries are made the way Spark (``spark.sql.sources.provider=delta``, a
placeholder column, the folder in the SerDe's ``path``), a Glue crawler
(``classification=delta``, the location its symlink manifest folder) and
Athena (``table_type=DELTA``, nothing else) make them. The glue metastore must
describe each from the ``_delta_log`` (a plain parquet reading would count the
removed rows), list it beside plain and Iceberg tables, read it with the local
execution client now and ``as_of`` a version, and refuse writes in one line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mason
from mason import models
from mason.sdk.errors import MasonUsageError, NotFoundError
from tests.aws import moto_process
from tests.aws.conftest import REGION, put_parquet
from tests.aws.test_local_over_s3 import _session
from tests.aws.test_s3_delta import _write_delta_with_a_removed_file

#: moto in its own process: DeltaTable.history holds the GIL while it waits on S3
moto_url = moto_process.moto_url

BUCKET = "mason-data"
_PARQUET_SERDE = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"


def spark_entry(name: str, folder: str) -> dict[str, Any]:
    """How Spark registers a Delta table in Glue (a Hive-incompatible table)."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"spark.sql.sources.provider": "delta", "EXTERNAL": "TRUE"},
        "StorageDescriptor": {
            "Columns": [{"Name": "col", "Type": "array<string>", "Comment": "from deserializer"}],
            "Location": f"s3://{BUCKET}/{name}-__PLACEHOLDER__",
            "InputFormat": "org.apache.hadoop.mapred.SequenceFileInputFormat",
            "OutputFormat": "org.apache.hadoop.hive.ql.io.HiveSequenceFileOutputFormat",
            "SerdeInfo": {
                "SerializationLibrary": "org.apache.hadoop.hive.serde2.lazy.LazySimpleSerDe",
                "Parameters": {"path": f"s3a://{BUCKET}/{folder}", "serialization.format": "1"},
            },
        },
    }


def crawler_entry(name: str, folder: str) -> dict[str, Any]:
    """How an older Glue crawler registers one: parquet columns, a partition
    key, the location its symlink manifest folder."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "delta", "UPDATED_BY_CRAWLER": "lake-crawler"},
        "PartitionKeys": [{"Name": "day", "Type": "string"}],
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}],
            "Location": f"s3://{BUCKET}/{folder}/_symlink_format_manifest/",
            "InputFormat": "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat",
            "SerdeInfo": {"SerializationLibrary": _PARQUET_SERDE},
        },
    }


def native_entry(name: str, folder: str) -> dict[str, Any]:
    """How Athena's ``CREATE EXTERNAL TABLE ... TBLPROPERTIES ('table_type'='DELTA')``
    (and a crawler's native Delta table) registers one: a location, no columns."""
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"table_type": "DELTA"},
        "StorageDescriptor": {"Columns": [], "Location": f"s3://{BUCKET}/{folder}"},
    }


def plain_entry(name: str, folder: str) -> dict[str, Any]:
    return {
        "Name": name,
        "TableType": "EXTERNAL_TABLE",
        "Parameters": {"classification": "parquet"},
        "StorageDescriptor": {
            "Columns": [{"Name": "id", "Type": "bigint"}],
            "Location": f"s3://{BUCKET}/{folder}/",
            "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
            "SerdeInfo": {"SerializationLibrary": _PARQUET_SERDE},
        },
    }


SHAPES = {"spark": spark_entry, "crawler": crawler_entry, "native": native_entry}


@pytest.fixture
def lake(tmp_path: Path, aws_env: str, s3: Any, glue: Any) -> mason.Session:
    """Database ``lake``: the Delta table ``events`` on S3, registered by no one
    yet; a session whose metastore is Glue, storage S3, execution local."""
    s3.create_bucket(Bucket=BUCKET)
    _write_delta_with_a_removed_file(aws_env, f"s3://{BUCKET}/events")
    glue.create_database(
        DatabaseInput={"Name": "lake", "LocationUri": f"s3://{BUCKET}/warehouse/lake"}
    )
    return _session(
        tmp_path,
        "type: config\nid: 'glue-delta'\nmetastore_engine: glue\nstorage_engine: s3\n"
        "execution_engine: local\nclients:\n"
        f"  glue:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"  s3:\n    configuration:\n      endpoint_url: {aws_env}\n"
        "  local:\n    configuration: {}\n",
    )


def engines_of(session: mason.Session) -> Any:
    from mason_core.operators.context import EngineSet

    return EngineSet(session.registry, session.configs.get("glue-delta"), session.home)


def query(session: mason.Session, sql: str, **params: Any) -> list[dict[str, Any]]:
    response = session.run(
        "table", "query", {"database_name": "lake", "query_string": sql, **params}
    )
    assert response.errors == [], response.errors
    return list(response.data[0].preview)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_glue_describes_a_delta_table_from_its_log_whoever_registered_it(
    lake: mason.Session, glue: Any, shape: str
) -> None:
    """Format, schema, partition keys, live files, version and version count
    come from the log; Glue's placeholder or stale columns are not used."""
    glue.create_table(DatabaseName="lake", TableInput=SHAPES[shape]("events", "events"))
    engines = engines_of(lake)
    try:
        table = engines.get("metastore").get_table("lake", "events")
        history = engines.get("metastore").table_history("lake", "events")
    finally:
        engines.close()
    meta = table.format_metadata
    assert (table.format, table.location) == ("delta", f"s3://{BUCKET}/events/")
    assert [c.name for c in table.table_schema.columns] == ["id", "day"]
    assert [c.name for c in table.partition_keys] == ["day"]
    assert table.file_count == 1  # the removed partition's object is not counted
    assert meta is not None and meta.current_snapshot is not None
    assert (meta.current_snapshot.snapshot_id, meta.snapshot_count) == (2, 3)
    assert meta.metadata_location == f"s3://{BUCKET}/events/_delta_log"
    assert [s.snapshot_id for s in history] == [0, 1, 2] and history[-1].current


def test_a_mixed_database_lists_plain_iceberg_and_delta_tables(
    lake: mason.Session, glue: Any, s3: Any
) -> None:
    put_parquet(s3, BUCKET, "plain/p.parquet", {"id": [7]})
    glue.create_table(DatabaseName="lake", TableInput=plain_entry("plain", "plain"))
    glue.create_table(DatabaseName="lake", TableInput=spark_entry("events", "events"))
    engines = engines_of(lake)
    try:
        metastore = engines.get("metastore")
        metastore.create_table(
            models.Table(
                name="ice",
                database="lake",
                format="iceberg",
                location=f"s3://{BUCKET}/warehouse/lake/ice",
                table_schema=models.Schema(columns=[models.Column(name="id", type="int64")]),
            )
        )
        listed = {t.name: t for t in metastore.list_tables("lake")}
    finally:
        engines.close()
    assert {n: t.format for n, t in listed.items()} == {
        "events": "delta",
        "ice": "iceberg",
        "plain": "parquet",
    }
    events = listed["events"]
    assert [c.name for c in events.table_schema.columns] == ["id", "day"]
    assert events.format_metadata is not None and events.format_metadata.snapshot_count == 3
    assert query(lake, "SELECT sum(id) AS total FROM plain") == [{"total": "7"}]


@pytest.mark.parametrize(("as_of", "expected"), [(None, [3]), ("1", [1, 2, 3]), ("0", [1, 2])])
@pytest.mark.parametrize("shape", ["spark", "native"])
def test_table_query_reads_a_glue_delta_table_through_the_delta_reader(
    lake: mason.Session, glue: Any, shape: str, as_of: str | None, expected: list[int]
) -> None:
    """``table query`` (Glue metastore, local execution) reads the version the
    log names, current or ``as_of``; the removed partition's rows, whose object
    is still under the folder, are not read."""
    glue.create_table(DatabaseName="lake", TableInput=SHAPES[shape]("events", "events"))
    params = {"as_of": as_of} if as_of is not None else {}
    rows = query(lake, "SELECT id FROM events ORDER BY id", **params)
    assert [r["id"] for r in rows] == expected


def test_writes_to_a_glue_delta_table_are_refused_in_one_line(
    lake: mason.Session, glue: Any, aws_env: str, tmp_path: Path
) -> None:
    from deltalake import DeltaTable

    glue.create_table(DatabaseName="lake", TableInput=spark_entry("events", "events"))
    rows = tmp_path / "rows.csv"
    rows.write_text("id,day\n9,d9\n")
    write = {"database_name": "lake", "table_name": "events", "mode": "append"}
    response = lake.run("table", "write", {**write, "input_path": str(rows)})
    assert len(response.errors) == 1 and response.exit_code == 2, response.errors
    message = response.errors[0]
    assert "\n" not in message and "Delta table lake.events" in message
    assert "s3 metastore" in message
    engines = engines_of(lake)
    try:
        with pytest.raises(MasonUsageError, match="through the s3 metastore"):
            engines.get("metastore").rollback_table("lake", "events", 0)
    finally:
        engines.close()
    options = {"AWS_ENDPOINT_URL": aws_env, "AWS_ALLOW_HTTP": "true", "AWS_REGION": REGION}
    assert DeltaTable(f"s3://{BUCKET}/events/", storage_options=options).version() == 2


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_glue_delta_entry_without_a_log_is_refused_not_read_as_parquet(
    lake: mason.Session, glue: Any, s3: Any, shape: str
) -> None:
    """Parquet files but no ``_delta_log`` under the registered folder: the
    table is refused in one line by ``table get`` and ``table query``."""
    put_parquet(s3, BUCKET, "nolog/day=d1/part-0.parquet", {"id": [1, 2]})
    glue.create_table(DatabaseName="lake", TableInput=SHAPES[shape]("broken", "nolog"))
    engines = engines_of(lake)
    try:
        with pytest.raises(NotFoundError) as refused:
            engines.get("metastore").get_table("lake", "broken")
    finally:
        engines.close()
    message = str(refused.value)
    assert "\n" not in message
    assert f"s3://{BUCKET}/nolog/" in message and "no _delta_log" in message
    response = lake.run(
        "table", "query", {"database_name": "lake", "query_string": "SELECT * FROM broken"}
    )
    assert len(response.errors) == 1 and "no _delta_log" in response.errors[0]


def test_a_glue_delta_entry_outside_s3_is_refused_in_one_line(
    lake: mason.Session, glue: Any
) -> None:
    entry = spark_entry("dbfs_table", "x")
    entry["StorageDescriptor"]["SerdeInfo"]["Parameters"]["path"] = "dbfs:/user/hive/t"
    glue.create_table(DatabaseName="lake", TableInput=entry)
    engines = engines_of(lake)
    try:
        with pytest.raises(MasonUsageError, match="only s3:// folders are read"):
            engines.get("metastore").get_table("lake", "dbfs_table")
    finally:
        engines.close()
