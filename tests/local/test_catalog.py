"""The SQLite catalog behind the local metastore: CRUD, errors, DDL, refresh,
and several processes writing at once."""

from __future__ import annotations

import multiprocessing
import sqlite3
from pathlib import Path

import pytest
from mason_local.config import LocalClientConfig
from mason_local.metastore import LocalMetastore

from mason_core.engines import EngineContext
from mason_core.errors import AlreadyExistsError, MasonUsageError, NotFoundError
from mason_core.models import Column, Partition, Schema, Table

from .conftest import EngineFactory, LocalEngines
from .files import write_parquet


def orders(database: str = "sales", name: str = "orders", location: str = "/data/orders") -> Table:
    return Table(
        name=name,
        database=database,
        location=location,
        format="csv",
        table_schema=Schema(
            columns=[Column(name="id", type="int64"), Column(name="note", type="string")],
            schema_type="csv",
        ),
        partition_keys=[Column(name="day", type="date32[day]")],
        partitions=[Partition(values={"day": "2024-01-01"}, location=f"{location}/day=2024-01-01")],
        properties={"header": "true", "delimiter": ";"},
        file_count=3,
        size_bytes=120,
    )


def test_catalog_lives_under_mason_home(engines: LocalEngines) -> None:
    engines.metastore.create_table(orders())
    catalog = engines.home / "clients" / "local" / "catalog.sqlite"
    assert catalog.is_file()
    with sqlite3.connect(catalog) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_catalog_path_can_be_configured(make_engines: EngineFactory, tmp_path: Path) -> None:
    path = tmp_path / "elsewhere" / "cat.db"
    make_engines(catalog_path=str(path)).metastore.create_table(orders())
    assert path.is_file()


def test_table_round_trip(engines: LocalEngines) -> None:
    created = engines.metastore.create_table(orders())
    fetched = engines.metastore.get_table("sales", "orders")
    assert fetched == created
    expected = orders().model_dump(exclude={"created_at", "updated_at"})
    assert fetched.model_dump(exclude={"created_at", "updated_at"}) == expected
    assert fetched.created_at is not None and fetched.updated_at is not None


def test_databases_are_created_with_tables_and_counted(engines: LocalEngines) -> None:
    ms = engines.metastore
    assert ms.list_databases() == []
    ms.create_table(orders())
    ms.create_table(orders(name="refunds"))
    ms.create_database("empty")
    listed = {d.name: d.table_count for d in ms.list_databases()}
    assert listed == {"empty": 0, "sales": 2}
    assert ms.get_database("sales").table_count == 2
    assert [t.name for t in ms.list_tables("sales")] == ["orders", "refunds"]
    with pytest.raises(AlreadyExistsError, match="'empty' already exists"):
        ms.create_database("empty", exist_ok=False)


def test_existing_tables_are_replaced_only_when_asked(engines: LocalEngines) -> None:
    ms = engines.metastore
    first = ms.create_table(orders())
    with pytest.raises(AlreadyExistsError, match="'orders' already exists in database 'sales'"):
        ms.create_table(orders(location="/new"))
    assert ms.get_table("sales", "orders").location == "/data/orders"
    replaced = ms.create_table(orders(location="/new"), replace=True)
    assert replaced.location == "/new"
    assert replaced.created_at == first.created_at
    assert replaced.updated_at is not None and first.updated_at is not None
    assert replaced.updated_at >= first.updated_at


def test_delete_returns_what_was_removed(engines: LocalEngines) -> None:
    ms = engines.metastore
    created = ms.create_table(orders())
    removed = ms.delete_table("sales", "orders")
    assert removed == created
    assert ms.list_tables("sales") == []
    with pytest.raises(NotFoundError, match="table 'orders' not found in database 'sales'"):
        ms.delete_table("sales", "orders")


def test_unknown_names_say_what_is_missing(engines: LocalEngines) -> None:
    ms = engines.metastore
    ms.create_table(orders())
    with pytest.raises(NotFoundError, match="table 'nope' not found in database 'sales'"):
        ms.get_table("sales", "nope")
    with pytest.raises(NotFoundError, match=r"database 'crm' not found .*databases: sales"):
        ms.get_table("crm", "orders")
    with pytest.raises(NotFoundError, match="database 'crm' not found"):
        ms.list_tables("crm")
    with pytest.raises(NotFoundError, match="database 'crm' not found"):
        ms.get_database("crm")
    with pytest.raises(MasonUsageError, match="names no database"):
        ms.create_table(orders().model_copy(update={"database": None}))


def test_generate_ddl_for_csv_and_parquet(engines: LocalEngines) -> None:
    ddl = engines.metastore.generate_ddl(orders())
    assert ddl.splitlines() == [
        "CREATE EXTERNAL TABLE `sales`.`orders` (",
        "  `id` BIGINT,",
        "  `note` STRING",
        ")",
        "PARTITIONED BY (`day` DATE)",
        "ROW FORMAT DELIMITED FIELDS TERMINATED BY ';'",
        "STORED AS TEXTFILE",
        "LOCATION '/data/orders'",
        "TBLPROPERTIES ('skip.header.line.count'='1')",
    ]
    parquet = orders().model_copy(
        update={"format": "parquet", "partition_keys": [], "properties": {}}
    )
    assert "STORED AS PARQUET" in engines.metastore.generate_ddl(parquet)


def test_unserved_verbs_name_the_client(engines: LocalEngines) -> None:
    from mason_core.errors import VerbNotServedError

    with pytest.raises(VerbNotServedError, match="client 'local' does not serve 'execute_ddl'"):
        engines.metastore.execute_ddl("DROP TABLE x", "sales")


def test_refresh_table_picks_up_new_partitions(engines: LocalEngines, tmp_path: Path) -> None:
    base = tmp_path / "events"
    write_parquet(base / "day=1" / "a.parquet", {"x": [1]})
    inferred = engines.storage.infer_table(str(base), "db", "events")
    engines.metastore.create_table(inferred.table)
    write_parquet(base / "day=2" / "a.parquet", {"x": [2, 3]})
    refreshed = engines.metastore.refresh_table("db", "events")
    assert refreshed.partitions is not None
    assert [p.values["day"] for p in refreshed.partitions] == ["1", "2"]
    assert refreshed.properties["record_count"] == "3"


def _register_tables(home: str, worker: int, count: int) -> None:
    metastore = LocalMetastore(LocalClientConfig(), EngineContext(client="local", home=Path(home)))
    for i in range(count):
        metastore.create_table(orders(database=f"db{i % 3}", name=f"t_{worker}_{i}"))
        metastore.list_databases()


def test_several_processes_write_at_once(engines: LocalEngines) -> None:
    workers, per_worker = 4, 15
    ctx = multiprocessing.get_context("spawn")
    procs = [
        ctx.Process(target=_register_tables, args=(str(engines.home), w, per_worker))
        for w in range(workers)
    ]
    for proc in procs:
        proc.start()
    for proc in procs:
        proc.join(timeout=120)
    assert [proc.exitcode for proc in procs] == [0] * workers
    names = {
        t.name
        for db in engines.metastore.list_databases()
        for t in engines.metastore.list_tables(db.name)
    }
    assert names == {f"t_{w}_{i}" for w in range(workers) for i in range(per_worker)}
    counts = {d.name: d.table_count for d in engines.metastore.list_databases()}
    assert sum(counts.values()) == workers * per_worker
