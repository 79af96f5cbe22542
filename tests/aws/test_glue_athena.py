"""Glue (metastore, crawler scheduler) and Athena (metastore, execution) against moto."""

from __future__ import annotations

import json
import urllib.request
from typing import Any

import pytest

from mason_core.errors import MasonUsageError, NotFoundError
from mason_core.models import Dag, DagStep, JobStatus, PreviewJob, QueryJob, Schedule, Table
from tests.aws.conftest import REGION, put_parquet

ROLE = "arn:aws:iam::123456789012:role/crawler"


@pytest.fixture
def sales(s3: Any, bucket: str) -> str:
    for region in ("eu", "us"):
        put_parquet(s3, bucket, f"sales/region={region}/p.parquet", {"id": [1], "v": [2.5]})
    return "s3://mason-data/sales/"


def test_glue_registers_an_inferred_table(storage_factory: Any, glue: Any, sales: str) -> None:
    storage = storage_factory("s3", "storage")
    metastore = storage_factory("glue", "metastore")
    table = storage.infer_table(sales, "analytics").table
    metastore.create_database("analytics")
    metastore.create_database("analytics", exist_ok=True)
    got = metastore.create_table(table)
    assert [(c.name, c.type) for c in got.table_schema.columns] == [
        ("id", "int64"),
        ("v", "double"),
    ]
    assert got.format == "parquet" and got.location == sales
    assert sorted(p.values["region"] for p in got.partitions or []) == ["eu", "us"]
    raw = glue.get_table(DatabaseName="analytics", Name="sales")["Table"]
    assert raw["StorageDescriptor"]["SerdeInfo"]["SerializationLibrary"].endswith(
        "ParquetHiveSerDe"
    )
    assert [t.name for t in metastore.list_tables("analytics")] == ["sales"]
    assert [d.name for d in metastore.list_databases()] == ["analytics"]
    assert "CREATE EXTERNAL TABLE" in metastore.generate_ddl(got)
    metastore.create_table(table, replace=True)  # re-infer replaces, partitions too
    assert len(metastore.get_table("analytics", "sales").partitions or []) == 2
    assert metastore.delete_table("analytics", "sales").name == "sales"
    with pytest.raises(NotFoundError, match=r"glue: table 'analytics.sales' not found"):
        metastore.get_table("analytics", "sales")


def test_glue_scheduler_crawlers(storage_factory: Any, glue: Any, sales: str) -> None:
    scheduler = storage_factory("glue", "scheduler", aws_role_arn=ROLE)
    step = DagStep(
        id="step_1",
        namespace="table",
        command="infer",
        parameters={"storage_path": sales, "database_name": "analytics"},
    )
    dag = Dag(name="table_infer", namespace="table", command="infer", steps=[step])
    scheduler.register_dag(dag, Schedule(name="table_infer", expression="30 2 * * 1-5"))
    crawler = glue.get_crawler(Name="table_infer")["Crawler"]
    assert crawler["Schedule"]["ScheduleExpression"] == "cron(30 2 ? * 2-6 *)"
    assert crawler["Role"] == ROLE
    assert scheduler.trigger_dag("table_infer")["started"] is True
    assert scheduler.trigger_dag("table_infer")["state"] in ("RUNNING", "READY")
    assert [d.name for d in scheduler.list_dags()] == ["table_infer"]
    listed = scheduler.list_dags()[0].steps[0].parameters
    assert listed == {"storage_path": sales, "database_name": "analytics"}
    with pytest.raises(MasonUsageError, match="Glue cannot restrict both"):
        scheduler.validate_schedule("0 0 1 * 1")
    other = dag.model_copy(update={"steps": [step.model_copy(update={"command": "query"})]})
    with pytest.raises(MasonUsageError, match="'table query'"):
        scheduler.register_dag(other)
    scheduler.delete_dag("table_infer")
    with pytest.raises(NotFoundError, match="crawler 'table_infer'"):
        scheduler.delete_dag("table_infer")


def _seed(url: str, rows: list[list[str]]) -> None:
    body = {
        "account_id": "123456789012",
        "region": REGION,
        "results": [
            {
                "rows": [{"Data": [{"VarCharValue": v} for v in row]} for row in rows],
                "column_info": [{"Name": n, "Type": "bigint"} for n in rows[0]],
            }
        ],
    }
    request = urllib.request.Request(
        f"{url}/moto-api/static/athena/query-results",
        data=json.dumps(body).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    urllib.request.urlopen(request, timeout=10).close()


def test_athena_query_job_and_job_get(storage_factory: Any, aws_env: str, athena: Any) -> None:
    execution = storage_factory(
        "athena", "execution", output_location="s3://mason-data/athena/", poll_seconds=0.05
    )
    _seed(aws_env, [["n"], ["7"]])
    job = execution.run_job(QueryJob(query_string="SELECT 7 AS n", database_name="analytics"))
    assert job.status is JobStatus.SUCCEEDED and job.kind == "query"
    assert job.preview == [{"n": "7"}] and [c.type for c in job.columns] == ["int64"]
    query_id = job.metrics["query_execution_id"]
    sent = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]
    assert sent["Query"] == "SELECT 7 AS n"
    assert sent["QueryExecutionContext"]["Database"] == "analytics"
    assert execution.get_job(job.id).status is JobStatus.SUCCEEDED
    # an Athena query Mason has no record of is found by its own id
    assert execution.get_job(str(query_id)).id == query_id


def test_athena_preview_quotes_the_table_in_athenas_query_dialect(
    storage_factory: Any, aws_env: str, athena: Any
) -> None:
    """A preview's SELECT is Athena DML (Trino): identifiers in double quotes,
    a quote inside doubled. Backticks are Hive DDL quoting, which Athena's
    queries refuse. (moto records the query; it does not execute SQL.)"""
    execution = storage_factory(
        "athena", "execution", output_location="s3://mason-data/athena/", poll_seconds=0.05
    )
    _seed(aws_env, [["n"], ["7"]])
    table = Table(name='odd"name', database="analytics")
    job = execution.run_job(PreviewJob(table=table, limit=5))
    sent = athena.get_query_execution(QueryExecutionId=job.metrics["query_execution_id"])
    assert sent["QueryExecution"]["Query"] == 'SELECT * FROM "odd""name" LIMIT 5'
    assert sent["QueryExecution"]["QueryExecutionContext"]["Database"] == "analytics"


def test_job_get_polls_athena_for_a_query_left_running(
    storage_factory: Any, aws_env: str, athena: Any
) -> None:
    """A query whose process stopped waiting (or ended) is detached: ``job get``
    asks Athena how it stands, from any process, and records the answer."""
    execution = storage_factory(
        "athena", "execution", output_location="s3://mason-data/athena/", poll_seconds=0.05
    )
    _seed(aws_env, [["n"], ["7"]])
    job = execution.run_job(QueryJob(query_string="SELECT 7 AS n", database_name="analytics"))
    left = execution.jobs.load(job.id)
    assert left.detached and left.handle["query_execution_id"] == job.metrics["query_execution_id"]
    # as a process that stopped waiting left it: running, no outcome, its pid gone
    left = left.model_copy(
        update={"status": JobStatus.RUNNING, "finished_at": None, "outcome": None, "pid": 1}
    )
    execution.jobs.save(left)

    fetched = execution.get_job(job.id)

    assert fetched.status is JobStatus.SUCCEEDED and fetched.preview == [{"n": "7"}]
    assert execution.jobs.load(job.id).status is JobStatus.SUCCEEDED  # recorded


def test_athena_output_is_unloaded_to_staging_then_committed(
    storage_factory: Any, athena: Any, s3: Any, bucket: str
) -> None:
    execution = storage_factory("athena", "execution", poll_seconds=0.05)
    job = execution.run_job(
        QueryJob(
            query_string="SELECT 1",
            database_name="analytics",
            output_path="s3://mason-data/results/one/",
        )
    )
    assert job.result_location == "s3://mason-data/results/one/"
    query_id = job.metrics["query_execution_id"]
    sent = athena.get_query_execution(QueryExecutionId=query_id)["QueryExecution"]["Query"]
    assert sent.startswith("UNLOAD (SELECT 1) TO 's3://mason-data/results/.mason-staging-")
    assert s3.list_objects_v2(Bucket=bucket).get("KeyCount", 0) == 0  # staging cleaned up


def test_athena_metastore_reads_the_glue_catalog_and_runs_ddl(
    storage_factory: Any, athena: Any, sales: str
) -> None:
    table = storage_factory("s3", "storage").infer_table(sales, "analytics").table
    metastore = storage_factory("athena", "metastore", poll_seconds=0.05)
    metastore.create_database("analytics")
    metastore.create_table(table)
    assert metastore.get_table("analytics", "sales").format == "parquet"
    ddl = metastore.generate_ddl(table)
    metastore.execute_ddl(ddl, "analytics")
    executions = athena.list_query_executions()["QueryExecutionIds"]
    sent = athena.get_query_execution(QueryExecutionId=executions[-1])["QueryExecution"]
    assert sent["Query"].startswith("CREATE EXTERNAL TABLE IF NOT EXISTS `analytics`.`sales`")
    assert "PARTITIONED BY (`region` STRING)" in sent["Query"]
