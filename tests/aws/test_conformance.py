"""The s3, glue and athena clients pass the conformance kit (``mason.testing``)
for every engine they serve, against moto's server on 127.0.0.1.

Engines are built straight from their classes (no plugin registry per test),
and moto's state is reset before each test by the autouse ``aws_env``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from mason_aws.athena.execution import AthenaExecution
from mason_aws.athena.metastore import AthenaMetastore
from mason_aws.config import AthenaClientConfig, GlueClientConfig, S3ClientConfig
from mason_aws.glue.metastore import GlueMetastore
from mason_aws.glue.scheduler import GlueScheduler
from mason_aws.s3.metastore import S3Metastore
from mason_aws.s3.storage import S3Storage

from mason.sdk.engines import Engine, EngineContext
from mason.sdk.models import Dag, DagStep, QueryJob, Schedule
from mason.testing import (
    SAMPLE_COLUMNS,
    SAMPLE_ROWS,
    ExecutionCase,
    ExecutionConformance,
    MetastoreCase,
    MetastoreConformance,
    SchedulerCase,
    SchedulerConformance,
    StorageCase,
    StorageConformance,
    sample_csv,
)
from tests.aws.conftest import ACCESS_KEY, SECRET_KEY, put_text
from tests.aws.test_glue_athena import ROLE, _seed

#: the secret values every engine below is configured with.
SECRETS = [SECRET_KEY, ROLE]
KEYS = {"access_key": ACCESS_KEY, "secret_key": SECRET_KEY}


CONFIGS: dict[str, type[Any]] = {
    "s3": S3ClientConfig,
    "glue": GlueClientConfig,
    "athena": AthenaClientConfig,
}


@pytest.fixture
def build(tmp_path: Path) -> Any:
    """``build(Class, client, **settings)``: one engine, configured with the test keys."""

    def make(cls: type[Engine], client: str, **settings: Any) -> Any:
        config = CONFIGS[client].model_validate({**KEYS, **settings})
        return cls(config, EngineContext(client=client, home=tmp_path / "home"))

    return make


@pytest.fixture
def sample(s3: Any, bucket: str) -> str:
    """The sample table as s3://mason-data/sample/part-0.csv."""
    put_text(s3, bucket, "sample/part-0.csv", sample_csv().decode())
    return f"s3://{bucket}/sample/"


def catalog(build: Any, cls: type[Engine], client: str, sample: str, **settings: Any) -> Any:
    """A Glue-catalog metastore holding database ``sales`` with table ``sample``."""
    table = build(S3Storage, "s3").infer_table(sample, "sales", "sample").table
    metastore = build(cls, client, **settings)
    metastore.create_database("sales")
    metastore.create_table(table)
    return metastore


def seed_iceberg(metastore: Any, sample: str) -> str:
    """Iceberg table ``sales.sample_iceberg`` on S3 holding the sample rows."""
    from mason_core.models import Column, Schema, Table, TableWrite

    columns = [Column(name="id", type="int64"), Column(name="name", type="string")]
    metastore.create_table(
        Table(
            name="sample_iceberg",
            database="sales",
            format="iceberg",
            location="s3://mason-data/warehouse/sales/sample_iceberg",
            Schema=Schema(columns=columns),
        )
    )
    metastore.write_table(
        "sales", "sample_iceberg", TableWrite(mode="append", source_paths=[sample])
    )
    return "sample_iceberg"


@pytest.fixture(scope="module")
def own_moto() -> Iterator[str]:
    """moto in its own process, for the s3 metastore's Delta tables: delta-rs
    holds the GIL in some calls while it waits on S3 (see
    tests/aws/_s3_delta_moto.py)."""
    from tests.aws._s3_delta_moto import serial_moto

    with serial_moto() as url:
        yield url


class TestS3Metastore(MetastoreConformance):
    implementation = S3Metastore

    @pytest.fixture
    def moto_url(self, own_moto: str) -> str:
        return own_moto

    @pytest.fixture
    def conformance_case(self, build: Any, sample: str, bucket: str, aws_env: str) -> MetastoreCase:
        engine = build(S3Metastore, "s3")
        seed_delta(aws_env, sample)
        return MetastoreCase(engine, bucket, "sample", secrets=SECRETS, format_table="sample_delta")


def seed_delta(url: str, sample: str) -> None:
    """Delta table s3://mason-data/sample_delta/ holding the sample rows, in
    two versions."""
    import pyarrow as pa
    from deltalake import write_deltalake

    options = {
        "AWS_ENDPOINT_URL": url,
        "AWS_ALLOW_HTTP": "true",
        "AWS_ACCESS_KEY_ID": ACCESS_KEY,
        "AWS_SECRET_ACCESS_KEY": SECRET_KEY,
        "aws_conditional_put": "etag",
    }
    uri = "s3://mason-data/sample_delta/"
    rows = [dict(zip(SAMPLE_COLUMNS, row, strict=True)) for row in SAMPLE_ROWS]
    write_deltalake(uri, pa.Table.from_pylist(rows[:1]), storage_options=options)
    write_deltalake(uri, pa.Table.from_pylist(rows[1:]), mode="append", storage_options=options)


class TestS3Storage(StorageConformance):
    implementation = S3Storage

    @pytest.fixture
    def conformance_case(self, build: Any, sample: str, tmp_path: Path) -> StorageCase:
        return StorageCase(
            build(S3Storage, "s3"),
            root=sample,
            scratch="s3://mason-data/scratch/",
            local_dir=tmp_path,
            secrets=SECRETS,
        )


class TestGlueMetastore(MetastoreConformance):
    implementation = GlueMetastore

    @pytest.fixture
    def conformance_case(self, build: Any, sample: str) -> MetastoreCase:
        engine = catalog(build, GlueMetastore, "glue", sample)
        format_table = seed_iceberg(engine, sample)
        return MetastoreCase(engine, "sales", "sample", secrets=SECRETS, format_table=format_table)


class TestGlueScheduler(SchedulerConformance):
    implementation = GlueScheduler

    @pytest.fixture
    def conformance_case(self, build: Any, sample: str) -> SchedulerCase:
        step = DagStep(
            id="step_1",
            namespace="table",
            command="infer",
            parameters={"storage_path": sample, "database_name": "sales"},
        )
        dag = Dag(name="table_infer", namespace="table", command="infer", steps=[step])
        engine = build(GlueScheduler, "glue", aws_role_arn=ROLE)
        schedule = Schedule(name="table_infer", expression="30 2 * * 1-5")
        return SchedulerCase(engine, dag, schedule, secrets=SECRETS)


class TestAthenaMetastore(MetastoreConformance):
    implementation = AthenaMetastore

    @pytest.fixture
    def conformance_case(self, build: Any, sample: str) -> MetastoreCase:
        engine = catalog(build, AthenaMetastore, "athena", sample, poll_seconds=0.05)
        format_table = seed_iceberg(engine, sample)
        return MetastoreCase(engine, "sales", "sample", secrets=SECRETS, format_table=format_table)


class TestAthenaExecution(ExecutionConformance):
    implementation = AthenaExecution

    @pytest.fixture
    def conformance_case(self, build: Any, aws_env: str, bucket: str) -> ExecutionCase:
        _seed(aws_env, [["n"], ["7"]])
        engine = build(
            AthenaExecution, "athena", output_location=f"s3://{bucket}/athena/", poll_seconds=0.05
        )
        job = QueryJob(query_string="SELECT 7 AS n", database_name="sales")
        return ExecutionCase(engine, job, secrets=SECRETS)
