"""The local client passes the conformance kit (``mason.testing``) for each of
its four engines, over real files, a real SQLite catalog and DuckDB."""

from __future__ import annotations

from pathlib import Path

import pytest
from mason_local.config import LocalClientConfig
from mason_local.execution import LocalExecution
from mason_local.metastore import LocalMetastore
from mason_local.scheduler import LocalScheduler
from mason_local.storage import LocalStorage

from mason.sdk.engines import EngineContext
from mason.sdk.models import Column, Dag, DagStep, QueryJob, Schedule, Schema, Table, TableWrite
from mason.testing import (
    ExecutionCase,
    ExecutionConformance,
    MetastoreCase,
    MetastoreConformance,
    SchedulerCase,
    SchedulerConformance,
    StorageCase,
    StorageConformance,
    write_sample_files,
)


def context(home: Path) -> EngineContext:
    return EngineContext(client="local", home=home)


def seeded_catalog(home: Path, data: Path) -> LocalMetastore:
    """A local metastore with database ``sales`` holding table ``sample``."""
    config = LocalClientConfig()
    inferred = LocalStorage(config, context(home)).infer_table(
        str(write_sample_files(data)), "sales", "sample"
    )
    metastore = LocalMetastore(config, context(home))
    metastore.create_database("sales")
    metastore.create_table(inferred.table.model_copy(update={"database": "sales"}))
    return metastore


def seed_iceberg(metastore: LocalMetastore, sample: Path) -> None:
    """Iceberg table ``sales.sample_iceberg`` holding the sample rows."""
    columns = [Column(name="id", type="int64"), Column(name="name", type="string")]
    metastore.create_table(
        Table(
            name="sample_iceberg",
            database="sales",
            format="iceberg",
            Schema=Schema(columns=columns),
        )
    )
    metastore.write_table(
        "sales", "sample_iceberg", TableWrite(mode="append", source_paths=[str(sample)])
    )


class TestLocalMetastore(MetastoreConformance):
    implementation = LocalMetastore

    @pytest.fixture
    def conformance_case(self, home: Path, tmp_path: Path) -> MetastoreCase:
        metastore = seeded_catalog(home, tmp_path / "sample")
        seed_iceberg(metastore, tmp_path / "sample")
        return MetastoreCase(metastore, "sales", "sample", format_table="sample_iceberg")


def seed_delta(metastore: LocalMetastore, sample: Path) -> None:
    """Delta table ``sales.sample_delta`` (under the warehouse) holding the sample rows."""
    columns = [Column(name="id", type="int64"), Column(name="name", type="string")]
    metastore.create_table(
        Table(name="sample_delta", database="sales", format="delta", Schema=Schema(columns=columns))
    )
    metastore.write_table(
        "sales", "sample_delta", TableWrite(mode="append", source_paths=[str(sample)])
    )


class TestLocalMetastoreDelta(MetastoreConformance):
    """The table-format verbs again, over a Delta table."""

    implementation = LocalMetastore

    @pytest.fixture
    def conformance_case(self, home: Path, tmp_path: Path) -> MetastoreCase:
        metastore = seeded_catalog(home, tmp_path / "sample")
        seed_delta(metastore, tmp_path / "sample")
        return MetastoreCase(metastore, "sales", "sample", format_table="sample_delta")


class TestLocalStorage(StorageConformance):
    implementation = LocalStorage

    @pytest.fixture
    def conformance_case(self, home: Path, tmp_path: Path) -> StorageCase:
        root = write_sample_files(tmp_path / "data" / "sample")
        (tmp_path / "data" / "scratch").mkdir()
        (tmp_path / "local").mkdir()
        engine = LocalStorage(LocalClientConfig(root=str(tmp_path / "data")), context(home))
        return StorageCase(engine, root=str(root), scratch="scratch", local_dir=tmp_path / "local")


class TestLocalExecution(ExecutionConformance):
    implementation = LocalExecution

    @pytest.fixture
    def conformance_case(self, home: Path, tmp_path: Path) -> ExecutionCase:
        table = seeded_catalog(home, tmp_path / "sample").get_table("sales", "sample")
        job = QueryJob(
            query_string="SELECT count(*) AS n FROM sample", database_name="sales", tables=[table]
        )
        return ExecutionCase(LocalExecution(LocalClientConfig(), context(home)), job)


class TestLocalScheduler(SchedulerConformance):
    implementation = LocalScheduler

    @pytest.fixture
    def conformance_case(self, home: Path) -> SchedulerCase:
        step = DagStep(id="list", namespace="database", command="list")
        dag = Dag(name="nightly", steps=[step])
        engine = LocalScheduler(LocalClientConfig(), context(home))
        return SchedulerCase(engine, dag, Schedule(name="nightly", expression="0 2 * * *"))
