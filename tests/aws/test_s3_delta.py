"""Delta tables on S3 (moto's server on 127.0.0.1, written by delta-rs itself):
the s3 metastore serves them from their ``_delta_log`` and the local execution
engine reads them through delta-rs with the s3 client's settings; nothing reads
their parquet objects as a plain table, which would count rows the table has
removed.

deltalake writes to moto directly with storage options naming moto's endpoint;
Mason then sees the prefix through the s3 client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import mason
from mason.sdk.errors import MasonUsageError
from tests.aws import moto_process
from tests.aws import test_local_over_s3 as over_s3
from tests.aws.conftest import ACCESS_KEY, REGION, SECRET_KEY, put_parquet

#: the IAM user whose keys moto checks, and a port nothing listens on
iam_user_keys = over_s3.iam_user_keys
CLOSED_PORT = over_s3.CLOSED_PORT
#: moto in its own process: DeltaTable.history holds the GIL while it waits on S3
moto_url = moto_process.moto_url


def _write_delta_with_a_removed_file(aws_env: str, uri: str) -> None:
    """Two appends, then a delete of every row of the first: its parquet object
    stays on S3 (until vacuum), removed from the table by the log."""
    import pyarrow as pa
    from deltalake import DeltaTable, write_deltalake

    options = {
        "AWS_ENDPOINT_URL": aws_env,
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "AWS_REGION": REGION,
        # each commit a conditional put, as Mason's own (mason.sdk.delta.commit_options)
        "aws_conditional_put": "etag",
    }
    schema = pa.schema([("id", pa.int64()), ("day", pa.string())])
    first = pa.table({"id": [1, 2], "day": ["d1", "d1"]}, schema=schema)
    second = pa.table({"id": [3], "day": ["d2"]}, schema=schema)
    write_deltalake(uri, first, partition_by=["day"], storage_options=options)
    write_deltalake(uri, second, mode="append", storage_options=options)
    table = DeltaTable(uri, storage_options=options)
    table.delete("day = 'd1'")
    assert DeltaTable(uri, storage_options=options).to_pyarrow_table().num_rows == 1


def _keys(s3: Any, bucket: str, prefix: str) -> list[str]:
    answer = s3.list_objects_v2(Bucket=bucket, Prefix=prefix)
    return [o["Key"] for o in answer.get("Contents", [])]


@pytest.fixture
def delta_on_s3(aws_env: str, s3: Any, bucket: str) -> str:
    _write_delta_with_a_removed_file(aws_env, f"s3://{bucket}/events")
    # the removed partition's object is still there: a plain read would count it
    assert any(k.startswith("events/day=d1/") for k in _keys(s3, bucket, "events/"))
    return bucket


@pytest.mark.parametrize(
    "path",
    [
        "s3://mason-data/events/",  # the table
        "s3://mason-data/events",
        "s3://mason-data/events/day=d1/",  # a partition inside it (the removed one)
        "s3://mason-data/",  # a folder holding it
    ],
)
def test_s3_inference_refuses_a_delta_table_instead_of_reading_its_files(
    storage_factory: Any, delta_on_s3: str, path: str
) -> None:
    storage = storage_factory("s3", "storage")
    with pytest.raises(MasonUsageError) as refused:
        storage.infer_table(path, "db")
    message = str(refused.value)
    assert "\n" not in message
    assert "Delta table s3://mason-data/events/" in message
    assert "removed" in message


def test_s3_inference_refuses_one_object_of_a_delta_table(
    storage_factory: Any, s3: Any, delta_on_s3: str
) -> None:
    key = next(k for k in _keys(s3, delta_on_s3, "events/day=d2/") if k.endswith(".parquet"))
    with pytest.raises(MasonUsageError, match="Delta table s3://mason-data/events/"):
        storage_factory("s3", "storage").infer_table(f"s3://mason-data/{key}", "db")


def test_plain_parquet_beside_a_delta_table_is_still_inferred(
    storage_factory: Any, s3: Any, delta_on_s3: str
) -> None:
    put_parquet(s3, delta_on_s3, "plain/p.parquet", {"id": [1, 2, 3]})
    table = storage_factory("s3", "storage").infer_table("s3://mason-data/plain/", "db").table
    assert (table.format, table.properties["record_count"]) == ("parquet", "3")


def test_s3_metastore_lists_and_gets_a_delta_table_as_delta(
    storage_factory: Any, s3: Any, delta_on_s3: str
) -> None:
    """``table get`` describes the prefix from its ``_delta_log`` (through
    delta-rs with the s3 client's settings), not from its parquet objects."""
    put_parquet(s3, delta_on_s3, "plain/p.parquet", {"id": [1]})
    metastore = storage_factory("s3", "metastore")
    listed = {t.name: t.format for t in metastore.list_tables("mason-data")}
    assert listed == {"events": "delta", "plain": "parquet"}
    table = metastore.get_table("mason-data", "events")
    meta = table.format_metadata
    assert (table.format, table.location) == ("delta", "s3://mason-data/events/")
    assert table.table_schema is not None
    assert [c.name for c in table.table_schema.columns] == ["id", "day"]
    assert [c.name for c in table.partition_keys] == ["day"]
    assert table.file_count == 1  # the removed partition's object is not counted
    assert meta is not None and meta.current_snapshot is not None
    assert (meta.current_snapshot.snapshot_id, meta.snapshot_count) == (2, 3)
    assert meta.metadata_location == "s3://mason-data/events/_delta_log"
    assert metastore.get_table("mason-data", "plain").format == "parquet"


@pytest.mark.parametrize(("as_of", "expected"), [(None, [3]), ("1", [1, 2, 3]), ("0", [1, 2])])
def test_local_execution_queries_a_delta_table_on_s3_with_the_s3_clients_settings(
    tmp_path: Path,
    aws_env: str,
    delta_on_s3: str,
    iam_user_keys: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    as_of: str | None,
    expected: list[int],
) -> None:
    """``table query`` with execution ``local`` reads the version (current or
    ``as_of``) delta-rs resolves from the log, with the s3 client's endpoint and
    keys (the environment points at a closed port with keys moto refuses): the
    removed partition's object, still on S3, is not read."""
    from mason_core.models import QueryJob
    from mason_core.operators.context import EngineSet

    iam_user_keys["enforce"]()
    monkeypatch.setenv("AWS_ENDPOINT_URL", CLOSED_PORT)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", CLOSED_PORT)
    config = tmp_path / "config.yaml"
    config.write_text(
        "type: config\nid: '4'\nmetastore_engine: s3\nexecution_engine: local\n"
        f"clients:\n  s3:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"      access_key: {iam_user_keys['access_key']}\n"
        f"      secret_key: {iam_user_keys['secret_key']}\n"
        "  local:\n    configuration: {}\n"
    )
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(config))
    engines = EngineSet(session.registry, session.configs.get("4"), session.home)
    try:
        metastore: Any = engines.get("metastore")
        table = metastore.get_table("mason-data", "events")
        assert table.format == "delta"
        execution: Any = engines.get("execution")
        job = execution.run_job(
            QueryJob(
                query_string="SELECT id FROM events ORDER BY id",
                database_name="mason-data",
                tables=[table],
                as_of=as_of,
            )
        )
    finally:
        engines.close()
    assert job.status == "succeeded", job.error
    assert [row["id"] for row in job.preview or []] == expected


def test_table_infer_into_glue_refuses_a_delta_folder_in_one_line(
    tmp_path: Path, aws_env: str, glue: Any, delta_on_s3: str
) -> None:
    """Glue registers what S3 inference finds: a Delta folder registers nothing."""
    config = tmp_path / "config.yaml"
    config.write_text(
        "type: config\nid: '4'\nmetastore_engine: glue\nstorage_engine: s3\n"
        f"clients:\n  glue:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"  s3:\n    configuration:\n      endpoint_url: {aws_env}\n"
    )
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(config))
    session.configs.set_current("4")
    response = session.run(
        "table",
        "infer",
        {"database_name": "lake", "storage_path": "s3://mason-data/events/"},
    )
    assert len(response.errors) == 1 and "\n" not in response.errors[0]
    assert "Delta table s3://mason-data/events/" in response.errors[0]
    assert glue.get_databases()["DatabaseList"] == [] or not any(
        glue.get_tables(DatabaseName=d["Name"])["TableList"]
        for d in glue.get_databases()["DatabaseList"]
    )


def test_delta_rs_reads_with_the_s3_clients_settings_not_the_environment(
    tmp_path: Path,
    aws_env: str,
    delta_on_s3: str,
    iam_user_keys: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The resolver's ``storage_options`` carry the configuration's endpoint and
    keys: delta-rs reads the table's current version (the removed rows not
    counted) though the environment points at a closed port with keys moto
    refuses."""
    from deltalake import DeltaTable

    from mason_core.operators.context import EngineSet

    iam_user_keys["enforce"]()
    monkeypatch.setenv("AWS_ENDPOINT_URL", CLOSED_PORT)
    monkeypatch.setenv("AWS_ENDPOINT_URL_S3", CLOSED_PORT)
    config = tmp_path / "config.yaml"
    config.write_text(
        "type: config\nid: '4'\nmetastore_engine: s3\nexecution_engine: local\n"
        f"clients:\n  s3:\n    configuration:\n      endpoint_url: {aws_env}\n"
        f"      access_key: {iam_user_keys['access_key']}\n"
        f"      secret_key: {iam_user_keys['secret_key']}\n"
        "  local:\n    configuration: {}\n"
    )
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(config))
    engines = EngineSet(session.registry, session.configs.get("4"), session.home)
    try:
        found = engines.remote_filesystem("s3://mason-data/events/")
        assert found is not None and found.storage_options is not None
        options = found.storage_options()
        assert iam_user_keys["secret_key"] not in repr(found)
        assert (options["AWS_ENDPOINT_URL"], options["AWS_ALLOW_HTTP"]) == (aws_env, "true")
        table = DeltaTable("s3://mason-data/events/", storage_options=options)
        assert table.to_pyarrow_table().column("id").to_pylist() == [3]
        assert (
            DeltaTable("s3://mason-data/events/", version=1, storage_options=options)
            .to_pyarrow_table()
            .num_rows
            == 3
        )
    finally:
        engines.close()


def test_a_catalog_calling_a_delta_folder_plain_parquet_gets_a_refusal_not_rows(
    tmp_path: Path, aws_env: str, delta_on_s3: str
) -> None:
    """Another catalog (Glue, by a crawler or a hand-written DDL) may register a
    Delta folder as a plain parquet table: the local execution engine's reads of
    it, through the s3 client's filesystem, fail in one line instead of
    counting the removed partition's rows."""
    from mason_core.models import QueryJob, Table
    from mason_core.operators.context import EngineSet

    config = tmp_path / "config.yaml"
    config.write_text(
        "type: config\nid: '4'\nmetastore_engine: s3\nexecution_engine: local\n"
        f"clients:\n  s3:\n    configuration:\n      endpoint_url: {aws_env}\n"
        "  local:\n    configuration: {}\n"
    )
    session = mason.Session(tmp_path / "home")
    session.home.ensure()
    session.configs.save(session.configs.read_file(config))
    engines = EngineSet(session.registry, session.configs.get("4"), session.home)
    try:
        execution: Any = engines.get("execution")
        table = Table(
            name="events", database="lake", location="s3://mason-data/events/", format="parquet"
        )
        job = execution.run_job(
            QueryJob(
                query_string="SELECT count(*) AS n FROM events",
                database_name="lake",
                tables=[table],
            )
        )
    finally:
        engines.close()
    assert job.status == "failed", job.preview
    assert "\n" not in (job.error or "")
    assert "Delta table s3://mason-data/events/" in (job.error or "")


def test_table_query_operator_reads_a_delta_table_on_s3_and_a_write_commits_a_version(
    tmp_path: Path, aws_env: str, delta_on_s3: str
) -> None:
    """Through the operators (s3 metastore, local execution): ``table query``
    reads the current version and ``as_of`` an older one; ``table write`` to the
    Delta table on S3 commits one version (tests/aws/test_s3_delta_writes.py
    checks every verb)."""
    from deltalake import DeltaTable

    session = over_s3._session(
        tmp_path,
        "type: config\nid: '4'\nmetastore_engine: s3\nstorage_engine: s3\n"
        "execution_engine: local\nclients:\n  s3:\n    configuration:\n"
        f"      endpoint_url: {aws_env}\n  local:\n    configuration: {{}}\n",
    )
    query = "SELECT count(*) AS n, sum(id) AS total FROM events"
    now = session.run("table", "query", {"database_name": "mason-data", "query_string": query})
    assert now.errors == [] and now.data[0].preview == [{"n": 1, "total": "3"}]
    then = session.run(
        "table",
        "query",
        {"database_name": "mason-data", "query_string": query, "as_of": "1"},
    )
    assert then.errors == [] and then.data[0].preview == [{"n": 3, "total": "6"}]
    rows = tmp_path / "rows.csv"
    rows.write_text("id,day\n9,d9\n")
    done = session.run(
        "table",
        "write",
        {
            "database_name": "mason-data",
            "table_name": "events",
            "mode": "append",
            "input_path": str(rows),
        },
    )
    assert done.errors == [] and done.data[0].snapshot_id == 3
    options = {"AWS_ENDPOINT_URL": aws_env, "AWS_ALLOW_HTTP": "true", "AWS_REGION": REGION}
    table = DeltaTable("s3://mason-data/events/", storage_options=options)
    assert sorted(table.to_pyarrow_table().column("id").to_pylist()) == [3, 9]
